/**
 * The worker thread of `npm run fuzz:guided`: runs one target's loop (engine.ts) with coverage
 * from its own inspector, and tells the main thread everything it must keep should the worker
 * hang or die: each input before it runs (in shared memory), each new corpus entry, each finding.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { runEngine, type EngineOptions } from './engine.js';
import { targetNamed } from './targets.js';

export interface WorkerInput {
  readonly target: string;
  readonly mode: EngineOptions['mode'];
  readonly runs: number;
  readonly seed: number;
  readonly maxBatch: number;
  readonly maxSeconds: number;
  readonly rssCapBytes: number;
  readonly corpus: Uint8Array[];
  /** [inputs started, length, index in the run, unused] as Int32, then the input's bytes. */
  readonly shared: SharedArrayBuffer;
}

export type WorkerMessage =
  | { type: 'progress'; runs: number; corpus: number; blocks: number; seconds: number }
  | { type: 'new'; input: Uint8Array }
  | { type: 'finding'; signature: string; problems: string[]; input: Uint8Array; minimised: Uint8Array }
  | { type: 'done'; runs: number; seconds: number; corpus: number; seedBlocks: number; blocks: number; characters: number; findings: number; coverage: unknown };

const SRC = pathToFileURL(resolve(fileURLToPath(import.meta.url), '..', '..', '..', '..', 'src')).href + '/';

const w = workerData as WorkerInput;
const target = targetNamed(w.target);
if (!target) throw new Error(`no target ${w.target}`);
const head = new Int32Array(w.shared, 0, 4);
const body = new Uint8Array(w.shared, 16);
const post = (m: WorkerMessage) => parentPort!.postMessage(m);

const r = await runEngine(target, {
  mode: w.mode,
  runs: w.runs,
  seed: w.seed,
  maxBatch: w.maxBatch,
  maxSeconds: w.maxSeconds,
  corpus: w.corpus,
  rssCapBytes: w.rssCapBytes,
  keepUrl: (url) => url.startsWith(SRC),
  current: (input, index) => {
    const n = Math.min(input.length, body.length);
    body.set(input.subarray(0, n));
    Atomics.store(head, 1, n);
    Atomics.store(head, 2, index);
    Atomics.add(head, 0, 1);
  },
  onProgress: (p) => post({ type: 'progress', ...p }),
  onNew: (input) => post({ type: 'new', input }),
  onFinding: (f) => post({ type: 'finding', ...f }),
});
post({ type: 'done', runs: r.runs, seconds: r.seconds, corpus: r.corpus, seedBlocks: r.seedBlocks, blocks: r.blocks, characters: r.characters, findings: r.findings, coverage: r.coverage.toJSON() });
