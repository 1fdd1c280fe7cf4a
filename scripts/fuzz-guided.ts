/**
 * Coverage-guided fuzzer: V8's block coverage (node:inspector) steers libFuzzer's mutation loop,
 * one target per stage that takes untrusted bytes (scripts/fuzz/guided/targets.ts).
 *
 *   npm run fuzz:guided -- [TARGET...] --runs N [--seed S] [--out DIR]
 *   npm run fuzz:guided -- der pem --runs 200000
 *   npm run fuzz:guided -- --compare --runs 20000        # guided against blind, same coverage measure
 *   npm run fuzz:guided -- --list
 *
 * Each target runs in a worker thread with its own inspector; this thread watches it. An input
 * that runs longer than --timeout-ms is a hang; a worker that passes its heap cap (--heap-mb) dies
 * with ERR_WORKER_OUT_OF_MEMORY; a resident set over --rss-mb after an input is a finding too.
 * Either way the input is saved and the target goes on in a new worker with the corpus so far.
 * Findings (exceptions escaping the stage, broken invariants, hangs, memory) are minimised and
 * saved in --out (default fuzz-findings/), one folder per target; the exit code is 1 if there
 * was any, 2 on a usage error.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createHash } from 'node:crypto';
import { ArgWalk } from './fuzz/args.js';
import { Coverage, unionStarts } from './fuzz/guided/coverage.js';
import { TARGETS } from './fuzz/guided/targets.js';
import type { WorkerInput, WorkerMessage } from './fuzz/guided/worker.js';

/** How long a worker may take to load before its first input. */
const STARTUP_MS = 300_000;

interface Options {
  targets: string[];
  runs: number;
  seed: number;
  out: string;
  timeoutMs: number;
  heapMb: number;
  rssMb: number;
  maxBatch: number;
  seconds: number;
  mode: 'guided' | 'blind' | 'compare';
  json?: string;
  quiet: boolean;
}

const USAGE = 'usage: npm run fuzz:guided -- [TARGET...] [--runs N] [--seed S] [--out DIR] [--timeout-ms MS] [--heap-mb MB] [--rss-mb MB] [--max-batch N] [--seconds S] [--blind | --compare] [--json FILE] [--quiet] [--list]\n';

function parseArgs(argv: string[]): Options | 'list' | 'help' {
  const o: Options = { targets: [], runs: 10_000, seed: 1, out: 'fuzz-findings', timeoutMs: 10_000, heapMb: 512, rssMb: 2048, maxBatch: 64, seconds: 0, mode: 'guided', quiet: false };
  const args = new ArgWalk(argv);
  for (let a = args.next(); a !== undefined; a = args.next()) {
    const v = () => args.value();
    const int = (name: string) => {
      const n = Number(v());
      if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer`);
      return n;
    };
    if (a === '--runs') o.runs = int(a);
    else if (a === '--seed') o.seed = int(a);
    else if (a === '--out') o.out = v();
    else if (a === '--timeout-ms') o.timeoutMs = int(a);
    else if (a === '--heap-mb') o.heapMb = int(a);
    else if (a === '--rss-mb') o.rssMb = int(a);
    else if (a === '--max-batch') o.maxBatch = Math.max(1, int(a));
    else if (a === '--seconds') o.seconds = int(a);
    else if (a === '--blind') o.mode = 'blind';
    else if (a === '--compare') o.mode = 'compare';
    else if (a === '--json') o.json = v();
    else if (a === '--quiet') o.quiet = true;
    else if (a === '--list') return 'list';
    else if (a === '--help' || a === '-h') return 'help';
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else if (!TARGETS.some((t) => t.name === a)) throw new Error(`unknown target ${a} (targets: ${TARGETS.map((t) => t.name).join(', ')})`);
    else o.targets.push(a);
  }
  if (o.targets.length === 0) o.targets = TARGETS.map((t) => t.name);
  return o;
}

interface FindingRecord {
  target: string;
  signature: string;
  problems: string[];
  saved: string;
}

export interface TargetResult {
  target: string;
  mode: 'guided' | 'blind';
  runs: number;
  seconds: number;
  corpus: number;
  seedBlocks: number;
  blocks: number;
  characters: number;
  findings: FindingRecord[];
  restarts: number;
  coverage?: Coverage;
}

function save(o: Options, target: string, kind: string, problems: string[], input: Uint8Array, minimised?: Uint8Array): string {
  const dir = resolve(o.out, target);
  mkdirSync(dir, { recursive: true });
  const id = createHash('sha1').update(input).digest('hex').slice(0, 12);
  const file = join(dir, `${kind}-${id}`);
  writeFileSync(file, input);
  if (minimised) writeFileSync(`${file}.min`, minimised);
  writeFileSync(`${file}.txt`, `target ${target}\n${problems.join('\n')}\ninput: ${input.length} bytes${minimised ? `, minimised: ${minimised.length} bytes (${file}.min)` : ''}\n`);
  return minimised ? `${file}.min` : file;
}

/** One target in one mode, in as many workers as hangs and deaths need. */
async function runTarget(o: Options, target: string, mode: 'guided' | 'blind'): Promise<TargetResult> {
  const res: TargetResult = { target, mode, runs: 0, seconds: 0, corpus: 0, seedBlocks: 0, blocks: 0, characters: 0, findings: [], restarts: 0 };
  const corpus: Uint8Array[] = [];
  const maxLength = TARGETS.find((t) => t.name === target)!.maxLength;
  let remaining = o.runs;
  let seed = o.seed;
  const t0 = performance.now();
  const log = (s: string) => void (o.quiet || process.stdout.write(s));
  for (;;) {
    const shared = new SharedArrayBuffer(16 + maxLength);
    const head = new Int32Array(shared, 0, 4);
    const data: WorkerInput = { target, mode, runs: remaining, seed, maxBatch: o.maxBatch, maxSeconds: o.seconds ? Math.max(1, o.seconds - (performance.now() - t0) / 1000) : 0, rssCapBytes: o.rssMb * 1048576, corpus, shared };
    const worker = new Worker(new URL('./fuzz/guided/worker-boot.mjs', import.meta.url), {
      workerData: data,
      resourceLimits: { maxOldGenerationSizeMb: o.heapMb },
      env: { ...process.env, NO_COLOR: '1' },
      stdout: true,
      stderr: true,
    });
    worker.stdout.resume();
    worker.stderr.resume();
    let done: Extract<WorkerMessage, { type: 'done' }> | undefined;
    let hang = false;
    let lastSeq = -1;
    let since = performance.now();
    const watch = setInterval(() => {
      const s = Atomics.load(head, 0);
      if (s !== lastSeq) {
        lastSeq = s;
        since = performance.now();
      } else if (performance.now() - since > (s === 0 ? STARTUP_MS : o.timeoutMs) && !hang) {
        // Before its first input a worker loads the stages and the seeds: a minute or more on a busy machine.
        hang = true;
        void worker.terminate();
      }
    }, Math.min(1000, Math.max(50, o.timeoutMs / 4)));
    let error: Error | undefined;
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') log(`${target}${mode === 'blind' ? ' (blind)' : ''}: ${o.runs - remaining + m.runs} inputs, ${m.blocks} blocks, corpus ${m.corpus}, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
      else if (m.type === 'new') corpus.push(m.input);
      else if (m.type === 'finding') {
        const saved = save(o, target, 'crash', m.problems, m.input, m.minimised);
        res.findings.push({ target, signature: m.signature, problems: m.problems, saved });
        log(`FINDING ${target}: ${m.problems.join('\n  ')}\n  saved: ${saved}\n`);
      } else if (m.type === 'done') done = m;
    });
    worker.on('error', (e) => void (error = e));
    await new Promise<void>((r) => worker.on('exit', () => r()));
    clearInterval(watch);
    if (done) {
      res.runs = o.runs - remaining + done.runs;
      res.corpus = done.corpus;
      res.seedBlocks ||= done.seedBlocks;
      res.blocks = done.blocks;
      res.characters = done.characters;
      res.coverage = Coverage.fromJSON(done.coverage as Parameters<typeof Coverage.fromJSON>[0]);
      break;
    }
    // The worker hung or died: the input it was running is the finding.
    const input = new Uint8Array(shared, 16, Atomics.load(head, 1)).slice();
    const index = Atomics.load(head, 2);
    const what = hang
      ? Atomics.load(head, 0) === 0
        ? `hang: the worker ran no input within ${STARTUP_MS} ms of starting`
        : `hang: an input ran longer than ${o.timeoutMs} ms`
      : (error as NodeJS.ErrnoException | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? `memory: the worker passed its heap cap of ${o.heapMb} MiB`
        : `the worker died: ${error ? `${error.name}: ${error.message}` : 'no result'}`;
    const saved = save(o, target, hang ? 'hang' : 'died', [what], input);
    res.findings.push({ target, signature: what, problems: [what], saved });
    log(`FINDING ${target}: ${what}\n  saved: ${saved}\n`);
    res.restarts++;
    remaining = Math.max(0, remaining - index - 1);
    seed = (seed * 31 + 7) >>> 0;
    if (remaining === 0 || res.restarts >= 20) {
      res.runs = o.runs - remaining;
      break;
    }
  }
  res.seconds = (performance.now() - t0) / 1000;
  return res;
}

function line(r: TargetResult): string {
  return `${r.target}${r.mode === 'blind' ? ' (blind)' : ''}: ${r.runs} inputs in ${r.seconds.toFixed(1)} s (${(r.runs / Math.max(r.seconds, 1e-9)).toFixed(0)}/s), corpus ${r.corpus}, blocks ${r.blocks} (seeds ${r.seedBlocks}), ${r.findings.length} findings\n`;
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`fuzz:guided: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (parsed === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (parsed === 'list') {
    for (const t of TARGETS) process.stdout.write(`${t.name.padEnd(11)} ${t.what}\n`);
    return 0;
  }
  const o = parsed;
  process.stdout.write(`fuzz:guided: ${o.targets.join(', ')}; ${o.runs} inputs each (${o.mode}), seed ${o.seed}; hang after ${o.timeoutMs} ms, heap cap ${o.heapMb} MiB, resident set cap ${o.rssMb} MiB\n`);
  const results: TargetResult[] = [];
  const comparison: { target: string; runs: number; guided: number; blind: number }[] = [];
  for (const name of o.targets) {
    if (o.mode === 'compare') {
      const g = await runTarget(o, name, 'guided');
      // The blind run gets as many inputs as the guided one ran (under --seconds, maybe fewer than --runs).
      const b = await runTarget({ ...o, runs: g.runs, seconds: 0 }, name, 'blind');
      results.push(g, b);
      // Both counted over the same blocks: every range start either run saw.
      const known = unionStarts(g.coverage?.starts ?? new Map(), b.coverage?.starts ?? new Map());
      const row = { target: name, runs: g.runs, guided: g.coverage?.blocks(known) ?? 0, blind: b.coverage?.blocks(known) ?? 0 };
      comparison.push(row);
      process.stdout.write(line(g) + line(b) + `${name}: blocks covered after ${g.runs} inputs: guided ${row.guided}, blind ${row.blind} (over the same ${[...known.values()].reduce((a, s) => a + s.size, 0)} known blocks)\n`);
    } else {
      const r = await runTarget(o, name, o.mode);
      results.push(r);
      process.stdout.write(line(r));
    }
  }
  const findings = results.flatMap((r) => r.findings);
  if (o.json) {
    writeFileSync(o.json, JSON.stringify({ options: { ...o }, results: results.map(({ coverage: _c, ...r }) => r), comparison }, null, 2) + '\n');
  }
  process.stdout.write(`fuzz:guided: ${results.reduce((a, r) => a + r.runs, 0)} inputs, ${findings.length} findings${findings.length ? ` (saved in ${resolve(o.out)})` : ''}\n`);
  return findings.length ? 1 : 0;
}

process.exitCode = await main();
