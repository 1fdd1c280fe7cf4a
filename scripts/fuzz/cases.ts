/** Fuzz inputs (the captures of captures/, of the shared corpus and the tunnelled ones of test/fixtures/tunnels) and deterministic cases made from them. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { caseRng, mutate } from './mutate.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const CAPTURE_NAME = /\.(pcap|pcapng|cap)(\.gz)?$/;

/** Files below `dir` (six levels at most) that `keep` accepts by name and size, in a stable order. */
export function walk(dir: string, keep: (name: string, size: number) => boolean, depth = 0): string[] {
  if (depth > 6 || !existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = join(dir, n);
      const st = statSync(p);
      if (st.isDirectory()) return walk(p, keep, depth + 1);
      return st.isFile() && keep(n, st.size) ? [p] : [];
    });
}

const isCapture = (n: string, size: number): boolean => CAPTURE_NAME.test(n) && size <= 8 << 20;

/** Every capture under captures/, test/corpus and test/fixtures/tunnels (resolved from the repository root), in a stable order. */
export function fuzzInputs(root = REPO_ROOT): string[] {
  return [...walk(join(root, 'captures'), isCapture), ...walk(join(root, 'test', 'corpus'), isCapture), ...walk(join(root, 'test', 'fixtures', 'tunnels'), isCapture)];
}

/** How an input is named in reports: relative to the repository root, never a machine's absolute path. */
export function inputLabel(path: string, root = REPO_ROOT): string {
  return relative(root, path) || basename(path);
}

export interface FuzzCase {
  readonly seed: number;
  readonly index: number;
  readonly input: string;
  readonly steps: readonly string[];
  readonly bytes: Uint8Array;
  /** File name suffix that keeps the input's kind visible (.pcap, .pcapng, .pcap.gz). */
  readonly ext: string;
}

const cache = new Map<string, Uint8Array>();

/** Case `index` of run `seed`: which input, and how it was damaged. The same (seed, index) always gives the same bytes. */
export function makeCase(seed: number, index: number, inputs: readonly string[]): FuzzCase {
  const rng = caseRng(seed, index);
  const input = inputs[rng.int(0, inputs.length - 1)]!;
  let original = cache.get(input);
  if (!original) {
    original = new Uint8Array(readFileSync(input));
    cache.set(input, original);
  }
  const m = mutate(original, rng);
  const ext = /\.pcapng(\.gz)?$/.test(input) ? '.pcapng' : '.pcap';
  return { seed, index, input, steps: m.steps, bytes: m.bytes, ext: ext + (input.endsWith('.gz') ? '.gz' : '') };
}
