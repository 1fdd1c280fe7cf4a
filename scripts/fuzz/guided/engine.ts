/**
 * The guided loop, as libFuzzer runs it: run the seeds, then over and over pick a corpus entry,
 * mutate it (with a second entry for crossovers), run it, and keep it when it covered code no
 * earlier input covered. A failing input is minimised (delta debugging) and reported once per
 * kind of failure. Blind mode runs the same number of inputs made from the seeds alone (the
 * target's blind mutation where it has one), measured the same way, for the comparison.
 *
 * Coverage is taken per batch of inputs, not per input: a take costs about as much as a small
 * input, and after the first minutes almost no batch covers anything new. When a batch did,
 * its inputs are run again one by one, each with its own take, so each input kept is one that
 * covered something new by itself. The batch grows (×2, up to `maxBatch`) while batches bring
 * nothing and shrinks to 1 when one did.
 */
import { Prng } from '../../captures/prng.js';
import { Coverage, CoverageProbe, type TakeResult } from './coverage.js';
import { Mutator } from './mutator.js';
import type { Target } from './targets.js';

export interface EngineOptions {
  readonly mode: 'guided' | 'blind';
  readonly runs: number;
  readonly seed: number;
  readonly maxBatch: number;
  /** Stop after this many seconds even if `runs` inputs have not all run (0: no limit). */
  readonly maxSeconds?: number;
  /** Extra corpus entries (a previous worker's, after a hang or a crash of the worker). */
  readonly corpus?: readonly Uint8Array[];
  /** Where each input is written before it runs, so a hang or a death can be told with the input. */
  readonly current?: (input: Uint8Array, index: number) => void;
  readonly onProgress?: (p: Progress) => void;
  readonly onNew?: (input: Uint8Array) => void;
  readonly onFinding?: (f: Finding) => void;
  /** Memory cap checked after every input: the process's resident set, bytes. */
  readonly rssCapBytes: number;
  /** Only src/ scripts count. */
  readonly keepUrl: (url: string) => boolean;
}

export interface Progress {
  readonly runs: number;
  readonly corpus: number;
  readonly blocks: number;
  readonly seconds: number;
}

export interface Finding {
  readonly signature: string;
  readonly problems: string[];
  readonly input: Uint8Array;
  readonly minimised: Uint8Array;
}

export interface EngineResult {
  readonly runs: number;
  readonly seconds: number;
  readonly corpus: number;
  readonly seedBlocks: number;
  readonly blocks: number;
  readonly characters: number;
  readonly findings: number;
  readonly coverage: Coverage;
}

const SRC_FRAME = /\(?(?:file:\/\/)?[^\s()]*\/(src\/[^\s():]+):(\d+)/;

function describeError(e: unknown): string {
  if (!(e instanceof Error)) return `threw ${String(e)}`;
  const where = (e.stack ?? '').split('\n').map((l) => SRC_FRAME.exec(l)).find((m) => m);
  return `${e.name}: ${e.message.split('\n')[0]}${where ? ` (at ${where[1]}:${where[2]})` : ''}`;
}

/** Runs one input; exceptions escaping the target are problems like any broken invariant. */
export async function runOne(t: Target, input: Uint8Array): Promise<string[]> {
  try {
    return await t.run(input);
  } catch (e) {
    return [`exception escaped: ${describeError(e)}`];
  }
}

/** A failure's kind: its first problem without numbers and quoted data, so one bug is reported once. */
export function signatureOf(problems: readonly string[]): string {
  return problems[0]!.replace(/"[^"]*"/g, '""').replace(/U\+[0-9a-f]+ at \d+/g, 'U+').replace(/\d+/g, 'N').slice(0, 200);
}

/**
 * Delta debugging (Zeller's ddmin) on bytes: remove chunks of halving size while the input still
 * fails the same way; then try dropping single bytes near the end. At most `budget` runs.
 */
export async function minimise(t: Target, input: Uint8Array, signature: string, budget = 2000): Promise<Uint8Array> {
  let best = input;
  let runs = 0;
  const fails = async (b: Uint8Array): Promise<boolean> => {
    runs++;
    const p = await runOne(t, b);
    return p.length > 0 && signatureOf(p) === signature;
  };
  let n = 2;
  while (best.length >= 2 && runs < budget) {
    const size = Math.ceil(best.length / n);
    let reduced = false;
    for (let start = 0; start < best.length && runs < budget; start += size) {
      const candidate = new Uint8Array(best.length - Math.min(size, best.length - start));
      candidate.set(best.subarray(0, start), 0);
      candidate.set(best.subarray(start + size), start);
      if (await fails(candidate)) {
        best = candidate;
        n = Math.max(n - 1, 2);
        reduced = true;
        break;
      }
    }
    if (!reduced) {
      if (size === 1) break;
      n = Math.min(n * 2, best.length);
    }
  }
  return best;
}

export async function runEngine(t: Target, o: EngineOptions): Promise<EngineResult> {
  const probe = new CoverageProbe(o.keepUrl);
  const coverage = new Coverage();
  const rng = new Prng(o.seed);
  const mutator = new Mutator({ maxLength: t.maxLength, dictionary: t.dictionary });
  const seeds = (await t.seeds()).filter((s) => s.length <= t.maxLength);
  if (seeds.length === 0) throw new Error(`target ${t.name}: no seeds`);
  const corpus: Uint8Array[] = [];
  const seen = new Set<string>();
  let findings = 0;
  let index = 0;
  const t0 = performance.now();

  const check = async (input: Uint8Array, problems: string[]) => {
    let bad = problems;
    const rss = process.memoryUsage.rss();
    if (rss > o.rssCapBytes) bad = [...bad, `memory: resident set ${Math.round(rss / 1048576)} MiB after the input (cap ${Math.round(o.rssCapBytes / 1048576)} MiB)`];
    if (!bad.length) return;
    const sig = signatureOf(bad);
    if (seen.has(sig)) return;
    seen.add(sig);
    findings++;
    const minimised = bad[0]!.startsWith('memory:') ? input : await minimise(t, input, sig);
    probe.reset();
    o.onFinding?.({ signature: sig, problems: bad, input, minimised });
  };
  const exec = async (input: Uint8Array): Promise<void> => {
    o.current?.(input, index);
    await check(input, await runOne(t, input));
  };
  const takeAlone = async (input: Uint8Array): Promise<TakeResult> => {
    probe.reset();
    await exec(input);
    return probe.take();
  };

  // The seeds (and a previous worker's corpus) first: each is kept, and its coverage counted.
  probe.reset();
  for (const s of [...seeds, ...(o.corpus ?? [])]) {
    coverage.add(await takeAlone(s));
    corpus.push(s);
  }
  const seedBlocks = coverage.blocks();
  o.onProgress?.({ runs: 0, corpus: corpus.length, blocks: seedBlocks, seconds: (performance.now() - t0) / 1000 });

  let batch: Uint8Array[] = [];
  let size = 1;
  let lastReport = performance.now();
  probe.reset();
  for (index = 0; index < o.runs; index++) {
    let input: Uint8Array;
    if (o.mode === 'blind') {
      const s = seeds[rng.int(0, seeds.length - 1)]!;
      input = t.blind ? t.blind(s, rng) : mutator.mutate(s, rng, seeds[rng.int(0, seeds.length - 1)]);
    } else {
      // Favour recent finds a little, as libFuzzer weights later corpus entries.
      const k = rng.next() < 0.3 ? rng.int(Math.floor(corpus.length / 2), corpus.length - 1) : rng.int(0, corpus.length - 1);
      const base = corpus[k]!;
      input = t.custom && rng.next() < 0.5 ? t.custom(base, rng) : mutator.mutate(base, rng, corpus[rng.int(0, corpus.length - 1)]);
      if (input.length > t.maxLength) input = input.subarray(0, t.maxLength);
    }
    await exec(input);
    batch.push(input);
    if (batch.length >= size || index === o.runs - 1) {
      const taken = probe.take();
      if (coverage.isNew(taken)) {
        if (batch.length === 1) {
          if (coverage.add(taken) && o.mode === 'guided') {
            corpus.push(input);
            o.onNew?.(input);
          }
        } else {
          for (const b of batch) {
            const alone = await takeAlone(b);
            if (coverage.add(alone) && o.mode === 'guided') {
              corpus.push(b);
              o.onNew?.(b);
            }
          }
          coverage.add(taken); // what ran only once (a cache filled, a first call)
        }
        size = 1;
      } else size = Math.min(size * 2, o.maxBatch);
      batch = [];
    }
    if (o.maxSeconds && performance.now() - t0 > o.maxSeconds * 1000) {
      index++;
      break;
    }
    if (performance.now() - lastReport > 2000) {
      lastReport = performance.now();
      o.onProgress?.({ runs: index + 1, corpus: corpus.length, blocks: coverage.blocks(), seconds: (performance.now() - t0) / 1000 });
    }
  }
  probe.close();
  return {
    runs: Math.min(index, o.runs),
    seconds: (performance.now() - t0) / 1000,
    corpus: corpus.length,
    seedBlocks,
    blocks: coverage.blocks(),
    characters: coverage.characters,
    findings,
    coverage,
  };
}
