import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { repoRoot } from './corpus.js';

/**
 * How long each source file and each function under src/ is, as ARCHITECTURE.md's "read in one sitting"
 * rule counts them: a file by its lines, a function by the lines its body spans (opening to closing brace,
 * or the expression of an arrow without braces). A function counts the functions nested in it.
 *
 * Functions measured: declarations, class and object methods, accessors and constructors, and arrow or
 * function expressions given a name (assigned to a const or let, a class field or an object property).
 * Callbacks passed as arguments are measured as part of the function that holds them.
 *
 * Run `npx tsx test/helpers/sizes.ts [limitFile limitFunction]` to print the table.
 */
export interface FileSize {
  file: string;
  lines: number;
}
export interface FunctionSize {
  file: string;
  name: string;
  line: number;
  lines: number;
}

export const srcDir = join(repoRoot, 'src');

export function sourceFiles(dir = srcDir): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? sourceFiles(p) : /\.tsx?$/.test(n) && !n.endsWith('.d.ts') ? [p] : [];
    });
}

function lineCount(text: string): number {
  if (text === '') return 0;
  const n = text.split('\n').length;
  return text.endsWith('\n') ? n - 1 : n;
}

function nameOf(node: ts.Node, sf: ts.SourceFile): string | undefined {
  if (ts.isFunctionDeclaration(node)) return node.name?.text ?? 'default';
  if (ts.isConstructorDeclaration(node)) return `${classNameOf(node)}constructor`;
  if (ts.isMethodDeclaration(node) || ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node)) {
    return `${classNameOf(node)}${node.name.getText(sf)}`;
  }
  if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) {
    const p = node.parent;
    if (ts.isVariableDeclaration(p) && p.initializer === node) return p.name.getText(sf);
    if (ts.isPropertyDeclaration(p) && p.initializer === node) return `${classNameOf(p)}${p.name.getText(sf)}`;
    if (ts.isPropertyAssignment(p) && p.initializer === node) return p.name.getText(sf);
    if (ts.isFunctionExpression(node) && node.name) return node.name.text;
  }
  return undefined;
}

function classNameOf(member: ts.Node): string {
  const c = member.parent;
  return c && (ts.isClassDeclaration(c) || ts.isClassExpression(c)) && c.name ? `${c.name.text}.` : '';
}

function bodyOf(node: ts.Node): ts.Node | undefined {
  if (ts.isFunctionLike(node) && 'body' in node) return (node as { body?: ts.Node }).body;
  return undefined;
}

/** The functions of one file, with their body lengths, in source order. */
export function measureFunctions(file: string, text = readFileSync(file, 'utf8')): FunctionSize[] {
  const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const rel = relative(repoRoot, file);
  const out: FunctionSize[] = [];
  const visit = (node: ts.Node): void => {
    const name = nameOf(node, sf);
    const body = name === undefined ? undefined : bodyOf(node);
    if (name !== undefined && body) {
      const first = sf.getLineAndCharacterOfPosition(body.getStart(sf)).line;
      const last = sf.getLineAndCharacterOfPosition(body.getEnd()).line;
      out.push({ file: rel, name, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, lines: last - first + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

export function measureSources(dir = srcDir): { files: FileSize[]; functions: FunctionSize[] } {
  const files: FileSize[] = [];
  const functions: FunctionSize[] = [];
  for (const f of sourceFiles(dir)) {
    const text = readFileSync(f, 'utf8');
    files.push({ file: relative(repoRoot, f), lines: lineCount(text) });
    functions.push(...measureFunctions(f, text));
  }
  return { files, functions };
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1]);
if (isMain) {
  const fileLimit = Number(process.argv[2] ?? 700);
  const fnLimit = Number(process.argv[3] ?? 120);
  const { files, functions } = measureSources();
  console.log(`files over ${fileLimit} lines`);
  for (const f of files.filter((x) => x.lines > fileLimit).sort((a, b) => b.lines - a.lines)) console.log(`${String(f.lines).padStart(6)}  ${f.file}`);
  console.log(`\nfunctions over ${fnLimit} lines`);
  for (const f of functions.filter((x) => x.lines > fnLimit).sort((a, b) => b.lines - a.lines)) {
    console.log(`${String(f.lines).padStart(6)}  ${f.file}:${f.line}  ${f.name}`);
  }
}
