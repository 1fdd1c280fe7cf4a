/** The project's import graph, read from the source text (type-only imports and re-exports included). */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Every .ts / .tsx / .mts file under `dir`, depth first. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sourceFiles(p) : /\.(tsx?|mts)$/.test(n) && !n.endsWith('.d.ts') ? [p] : [];
  });
}

/** Module specifiers of every import, `import type`, `export … from` and `import()` in `text`. */
export function importsOf(text: string): string[] {
  const out: string[] = [];
  const re = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;
  for (const m of text.matchAll(re)) out.push((m[1] ?? m[2] ?? m[3])!);
  return out;
}

/** The file a relative specifier names ('./x.js' → x.ts or x.tsx; a folder → its index), or undefined. */
export function resolveImport(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(from), spec);
  const stem = base.replace(/\.(m?js|jsx)$/, '');
  for (const c of [base, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, join(base, 'index.ts')]) if (existsSync(c) && statSync(c).isFile()) return c;
  return undefined;
}

/** Edges from each file (relative to `root`) to the project files it imports. */
export function importGraph(root: string, dirs: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const dir of dirs) {
    for (const f of sourceFiles(join(root, dir))) {
      const targets = importsOf(readFileSync(f, 'utf8'))
        .map((s) => resolveImport(f, s))
        .filter((t): t is string => t !== undefined)
        .map((t) => relative(root, t));
      graph.set(relative(root, f), [...new Set(targets)]);
    }
  }
  return graph;
}

/**
 * The import circles of `graph`: one per strongly connected component of more than one file (or a
 * file importing itself), each written as the shortest circle through its first file, 'a → b → a'.
 */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[] {
  // Tarjan's algorithm, iterative so a deep chain of imports cannot overflow the stack.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let next = 0;
  for (const start of [...graph.keys()].sort()) {
    if (index.has(start)) continue;
    const work: Array<{ node: string; edge: number }> = [{ node: start, edge: 0 }];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const edges = graph.get(top.node) ?? [];
      if (top.edge < edges.length) {
        const to = edges[top.edge++]!;
        if (!index.has(to)) {
          index.set(to, next);
          low.set(to, next++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, edge: 0 });
        } else if (onStack.has(to)) low.set(top.node, Math.min(low.get(top.node)!, index.get(to)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(top.node)!));
      if (low.get(top.node) === index.get(top.node)) {
        const comp: string[] = [];
        let n: string;
        do {
          n = stack.pop()!;
          onStack.delete(n);
          comp.push(n);
        } while (n !== top.node);
        if (comp.length > 1 || (graph.get(top.node) ?? []).includes(top.node)) components.push(comp.sort());
      }
    }
  }
  return components.map((c) => shortestCircle(graph, new Set(c), c[0]!).join(' → '));
}

/** Breadth-first from `first` back to itself inside one component. */
function shortestCircle(graph: ReadonlyMap<string, readonly string[]>, within: ReadonlySet<string>, first: string): string[] {
  const prev = new Map<string, string>();
  const queue = [first];
  for (let i = 0; i < queue.length; i++) {
    const n = queue[i]!;
    for (const to of graph.get(n) ?? []) {
      if (!within.has(to)) continue;
      if (to === first) {
        const path = [n];
        while (path[0] !== first) path.unshift(prev.get(path[0]!)!);
        return [...path, first];
      }
      if (!prev.has(to) && to !== first) {
        prev.set(to, n);
        queue.push(to);
      }
    }
  }
  return [first, first];
}
