/**
 * Block coverage from V8 itself, through the inspector of the thread that runs the inputs
 * (Profiler.startPreciseCoverage with callCount and detailed: block counters in the bytecode).
 *
 * takePreciseCoverage returns, per function, nested ranges with the count of the innermost range;
 * it resets the counters, so each take says what ran since the last one. V8 drops a nested range
 * whose count equals its parent's and merges adjacent siblings with equal counts, so the ranges a
 * take lists depend on the counts, not only on the code. What does not depend on them is which
 * characters of the script ran: a character ran when the innermost range around it has a count
 * above zero. So coverage is kept as covered intervals of each script's text, and an input is new
 * when it covered a character no earlier input covered. Blocks are counted over the same
 * intervals: a block is a range start V8 reported (a counter's position), covered when its first
 * character ran (see Coverage.blocks).
 *
 * Only scripts under the project's src/ count; the fuzzer's own code, node_modules and Node's
 * internals are skipped.
 */
import { Session } from 'node:inspector';

interface Range {
  readonly startOffset: number;
  readonly endOffset: number;
  readonly count: number;
}
interface FunctionCoverage {
  readonly ranges: readonly Range[];
}
interface ScriptCoverage {
  readonly url: string;
  readonly functions: readonly FunctionCoverage[];
}

/** Sorted, disjoint, non-adjacent half-open intervals [start, end) of one script's text. */
class Intervals {
  starts: number[] = [];
  ends: number[] = [];

  /** Index of the last interval that starts at or before `p`, or -1. */
  private at(p: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    let r = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! <= p) {
        r = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return r;
  }

  contains(a: number, b: number): boolean {
    const i = this.at(a);
    return i >= 0 && this.ends[i]! >= b;
  }

  covers(p: number): boolean {
    const i = this.at(p);
    return i >= 0 && this.ends[i]! > p;
  }

  add(a: number, b: number): void {
    if (b <= a) return;
    let i = this.at(a);
    if (i >= 0 && this.ends[i]! >= a) {
      a = this.starts[i]!;
      b = Math.max(b, this.ends[i]!);
    } else i++;
    let j = i;
    while (j < this.starts.length && this.starts[j]! <= b) {
      b = Math.max(b, this.ends[j]!);
      j++;
    }
    this.starts.splice(i, j - i, a);
    this.ends.splice(i, j - i, b);
  }

  get size(): number {
    let n = 0;
    for (let i = 0; i < this.starts.length; i++) n += this.ends[i]! - this.starts[i]!;
    return n;
  }
}

/** The characters with a non-zero innermost count in one function's nested ranges, as intervals. */
function coveredPieces(ranges: readonly Range[], out: [number, number][]): void {
  // Ranges come outermost first, children after their parent, sorted by start (V8's order).
  const stack: Range[] = [];
  let pos = ranges[0]!.startOffset;
  const emit = (to: number) => {
    const top = stack[stack.length - 1];
    if (top && top.count > 0 && to > pos) out.push([pos, to]);
    pos = Math.max(pos, to);
  };
  for (const r of ranges) {
    while (stack.length && stack[stack.length - 1]!.endOffset <= r.startOffset) {
      emit(stack[stack.length - 1]!.endOffset);
      stack.pop();
    }
    emit(r.startOffset);
    stack.push(r);
  }
  while (stack.length) {
    emit(stack[stack.length - 1]!.endOffset);
    stack.pop();
  }
}

/** What one take covered, per script url (only the project's src/ scripts). */
export type TakeResult = Map<string, { pieces: [number, number][]; starts: number[] }>;

/** The inspector session of the current thread, with precise block coverage on. */
export class CoverageProbe {
  private readonly session = new Session();

  constructor(private readonly keep: (url: string) => boolean) {
    this.session.connect();
    this.post('Profiler.enable');
    this.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
  }

  // A session on the thread's own inspector answers synchronously.
  private post(method: string, params: object = {}): unknown {
    let result: unknown;
    let error: Error | null = null;
    this.session.post(method, params, (e, r) => {
      error = e;
      result = r;
    });
    if (error) throw error;
    return result;
  }

  /** What ran since the last take (the take resets the counters). */
  take(): TakeResult {
    const r = this.post('Profiler.takePreciseCoverage') as { result: ScriptCoverage[] };
    const out: TakeResult = new Map();
    for (const s of r.result) {
      if (!this.keep(s.url)) continue;
      const pieces: [number, number][] = [];
      const starts: number[] = [];
      for (const f of s.functions) {
        if (f.ranges.length === 0 || f.ranges[0]!.count === 0) continue;
        coveredPieces(f.ranges, pieces);
        for (const g of f.ranges) starts.push(g.startOffset);
      }
      if (pieces.length) out.set(s.url, { pieces, starts });
    }
    return out;
  }

  /** Discards what ran since the last take. */
  reset(): void {
    this.post('Profiler.takePreciseCoverage');
  }

  close(): void {
    this.post('Profiler.stopPreciseCoverage');
    this.session.disconnect();
  }
}

/** Cumulative coverage: what every input so far covered. */
export class Coverage {
  private readonly scripts = new Map<string, Intervals>();
  /** Range starts V8 reported in covered functions: the blocks known so far. */
  private readonly blockStarts = new Map<string, Set<number>>();

  /** Would `t` add anything? */
  isNew(t: TakeResult): boolean {
    for (const [url, { pieces }] of t) {
      const iv = this.scripts.get(url);
      if (!iv) return true;
      for (const [a, b] of pieces) if (!iv.contains(a, b)) return true;
    }
    return false;
  }

  /** Adds `t`; returns whether it covered new characters. */
  add(t: TakeResult): boolean {
    let grew = false;
    for (const [url, { pieces, starts }] of t) {
      let iv = this.scripts.get(url);
      if (!iv) this.scripts.set(url, (iv = new Intervals()));
      for (const [a, b] of pieces) {
        if (!iv.contains(a, b)) {
          grew = true;
          iv.add(a, b);
        }
      }
      let bs = this.blockStarts.get(url);
      if (!bs) this.blockStarts.set(url, (bs = new Set()));
      for (const s of starts) bs.add(s);
    }
    return grew;
  }

  /**
   * Blocks covered: of the range starts V8 reported in covered functions (`known`, default this
   * run's own), those whose first character ran. Comparing two runs, pass both runs' starts, so
   * each is counted over the same blocks.
   */
  blocks(known: ReadonlyMap<string, ReadonlySet<number>> = this.blockStarts): number {
    let n = 0;
    for (const [url, starts] of known) {
      const iv = this.scripts.get(url);
      if (!iv) continue;
      for (const s of starts) if (iv.covers(s)) n++;
    }
    return n;
  }

  /** Characters of src/ scripts covered. */
  get characters(): number {
    let n = 0;
    for (const iv of this.scripts.values()) n += iv.size;
    return n;
  }

  get starts(): ReadonlyMap<string, ReadonlySet<number>> {
    return this.blockStarts;
  }

  /** A run's coverage as toJSON wrote it (from a worker). */
  static fromJSON(saved: ReturnType<Coverage['toJSON']>): Coverage {
    const c = new Coverage();
    for (const s of saved) {
      const iv = new Intervals();
      iv.starts = s.starts;
      iv.ends = s.ends;
      c.scripts.set(s.url, iv);
      c.blockStarts.set(s.url, new Set(s.blocks));
    }
    return c;
  }

  /** For saving: the intervals and block starts per script. */
  toJSON(): { url: string; starts: number[]; ends: number[]; blocks: number[] }[] {
    return [...this.scripts].map(([url, iv]) => ({ url, starts: iv.starts, ends: iv.ends, blocks: [...(this.blockStarts.get(url) ?? [])] }));
  }
}

/** Union of several runs' block starts, to count each run over the same blocks. */
export function unionStarts(...runs: ReadonlyMap<string, ReadonlySet<number>>[]): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const r of runs) {
    for (const [url, s] of r) {
      let u = out.get(url);
      if (!u) out.set(url, (u = new Set()));
      for (const x of s) u.add(x);
    }
  }
  return out;
}
