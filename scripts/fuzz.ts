/**
 * Mutation fuzzer over the captures of captures/ and test/corpus.
 *
 *   npm run fuzz -- --cases 2000 --seed 7          # long mode
 *   npm run fuzz -- --seed 7 --case 1234           # replay one case
 *   npm run fuzz -- --file /tmp/.../case-7-1234.pcap   # run a saved file through every check
 *
 * Each case damages one capture (bytes flipped, file cut, segments duplicated, dropped, reordered
 * and split, TLS records duplicated or swapped, length fields set to hostile values; gzip streams
 * damaged too) and runs the analysis, every CLI command and format, and the renderers (run.ts).
 * Cases run in a child process watched by this one: a case that does not finish within the
 * time guard, or that kills the child (out of memory under the --max-old-space-size cap), is
 * recorded as a failure and the run continues with the next case. Every failure is saved with
 * its seed, case index and mutated file in a temporary folder.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { ArgWalk } from './fuzz/args.js';
import { fuzzInputs, inputLabel, makeCase } from './fuzz/cases.js';
import { runCase, type CaseOutcome } from './fuzz/run.js';

interface Options {
  cases: number;
  seed: number;
  only?: number;
  file?: string;
  timeoutMs: number;
  heapMb: number;
  worker: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { cases: 500, seed: Date.now() % 1_000_000, timeoutMs: 60_000, heapMb: 1024, worker: false };
  const args = new ArgWalk(argv);
  for (let a = args.next(); a !== undefined; a = args.next()) {
    const v = () => args.value();
    if (a === '--cases') o.cases = Number(v());
    else if (a === '--seed') o.seed = Number(v());
    else if (a === '--case') o.only = Number(v());
    else if (a === '--file') o.file = v();
    else if (a === '--timeout-ms') o.timeoutMs = Number(v());
    else if (a === '--heap-mb') o.heapMb = Number(v());
    else if (a === '--worker') o.worker = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: npm run fuzz -- [--cases N] [--seed S] [--case I] [--file PATH] [--timeout-ms MS] [--heap-mb MB]\n');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  for (const [k, x] of [['--cases', o.cases], ['--seed', o.seed], ['--timeout-ms', o.timeoutMs], ['--heap-mb', o.heapMb]] as const) {
    if (!Number.isInteger(x) || x < 0) throw new Error(`${k} must be a non-negative integer`);
  }
  return o;
}

// ---- worker: runs cases, reports each one -------------------------------------------------------

type ToParent =
  | { type: 'start'; index: number }
  | { type: 'done'; index: number; outcome: CaseOutcome }
  | { type: 'finished' };

async function worker(): Promise<void> {
  const send = (m: ToParent) => new Promise<void>((res) => process.send!(m, () => res()));
  const inputs = fuzzInputs();
  const dir = mkdtempSync(join(tmpdir(), 'ekuscope-fuzz-work-'));
  process.on('message', async (m: { seed: number; from: number; to: number }) => {
    try {
      for (let i = m.from; i < m.to; i++) {
        await send({ type: 'start', index: i });
        const c = makeCase(m.seed, i, inputs);
        const path = join(dir, `current${c.ext}`);
        writeFileSync(path, c.bytes);
        const outcome = await runCase(path);
        await send({ type: 'done', index: i, outcome });
      }
      await send({ type: 'finished' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
      process.disconnect();
    }
  });
}

// ---- parent: watches the worker, records failures --------------------------------------------------

interface Failure {
  index: number;
  input: string;
  steps: readonly string[];
  problems: string[];
  saved: string;
}

function saveReproducer(outDir: string, seed: number, index: number, inputs: readonly string[], problems: string[]): Failure {
  const c = makeCase(seed, index, inputs);
  const file = join(outDir, `case-${seed}-${index}${c.ext}`);
  writeFileSync(file, c.bytes);
  const note = [
    `seed ${seed}, case ${index}`,
    `input: ${inputLabel(c.input)}`,
    `mutations: ${c.steps.join('; ')}`,
    `replay: npm run fuzz -- --seed ${seed} --case ${index}`,
    '',
    ...problems,
    '',
  ].join('\n');
  writeFileSync(`${file}.txt`, note);
  return { index, input: inputLabel(c.input), steps: c.steps, problems, saved: file };
}

async function parent(o: Options): Promise<number> {
  const inputs = fuzzInputs();
  if (inputs.length === 0) {
    process.stderr.write('fuzz: no captures found under captures/ or test/corpus\n');
    return 2;
  }
  const from = o.only ?? 0;
  const to = o.only !== undefined ? o.only + 1 : o.cases;
  process.stdout.write(`fuzz: seed ${o.seed}, cases ${from}..${to - 1}, ${inputs.length} input captures, time guard ${o.timeoutMs} ms, heap cap ${o.heapMb} MB\n`);
  const outDir = mkdtempSync(join(tmpdir(), 'ekuscope-fuzz-'));
  const failures: Failure[] = [];
  const t0 = performance.now();
  let ran = 0;
  let slow = 0;
  let maxMs = 0;
  let maxMsCase = -1;
  let peak = 0;
  let outputs = 0;
  let notCaptures = 0;
  let next = from;
  const self = fileURLToPath(import.meta.url);

  while (next < to) {
    const child: ChildProcess = fork(self, ['--worker'], {
      execArgv: [...process.execArgv, `--max-old-space-size=${o.heapMb}`],
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString('utf8')).slice(-4000);
    });
    let current = -1;
    let finished = false;
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, o.timeoutMs);
    };
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on('exit', (code, signal) => res({ code, signal })));
    child.on('message', (m: ToParent) => {
      if (m.type === 'start') {
        current = m.index;
        arm();
      } else if (m.type === 'done') {
        clearTimeout(timer);
        ran++;
        const oc = m.outcome;
        outputs += oc.outputs;
        peak = Math.max(peak, oc.peakBytes);
        if (oc.frames === undefined) notCaptures++;
        if (oc.ms > maxMs) {
          maxMs = oc.ms;
          maxMsCase = m.index;
        }
        if (oc.slow) slow++;
        if (oc.failures.length) {
          const f = saveReproducer(outDir, o.seed, m.index, inputs, oc.failures);
          failures.push(f);
          process.stdout.write(`FAIL case ${m.index} (${f.input}: ${f.steps.join('; ')})\n  ${oc.failures.join('\n  ')}\n  saved: ${f.saved}\n`);
        }
        next = m.index + 1;
        if (ran % 100 === 0) process.stdout.write(`fuzz: ${ran} cases, ${failures.length} failures, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
      } else if (m.type === 'finished') finished = true;
    });
    child.send({ seed: o.seed, from: next, to });
    const { code, signal } = await exited;
    clearTimeout(timer);
    if (finished) break;
    if (current >= next) {
      // The case that was running when the worker stopped answering or died.
      ran++;
      const why = timedOut
        ? `hang: no result within ${o.timeoutMs} ms`
        : `the worker died (${signal ?? `exit ${code}`}; heap cap ${o.heapMb} MB)${stderr ? `:\n${stderr.trim().split('\n').slice(-8).join('\n')}` : ''}`;
      const f = saveReproducer(outDir, o.seed, current, inputs, [why]);
      failures.push(f);
      process.stdout.write(`FAIL case ${current} (${f.input}: ${f.steps.join('; ')})\n  ${why}\n  saved: ${f.saved}\n`);
      next = current + 1;
    } else if (!finished) {
      process.stderr.write(`fuzz: the worker stopped before starting a case (${signal ?? `exit ${code}`})\n${stderr}\n`);
      return 2;
    }
  }

  const secs = (performance.now() - t0) / 1000;
  process.stdout.write(
    `fuzz: ran ${ran} cases (seed ${o.seed}) in ${secs.toFixed(1)} s: ${failures.length} failures; ` +
      `${notCaptures} no longer captures (refused with a one-line error); ${outputs} outputs checked; ` +
      `${maxMsCase >= 0 ? `slowest case ${maxMsCase} at ${maxMs.toFixed(0)} ms` : 'no case finished'} (${slow} over the slow guard); peak memory growth ${(peak / 1048576).toFixed(1)} MB\n`,
  );
  if (failures.length) process.stdout.write(`fuzz: reproducers in ${outDir}\n`);
  else rmSync(outDir, { recursive: true, force: true });
  return failures.length ? 1 : 0;
}

async function runFile(file: string): Promise<number> {
  const path = join(mkdtempSync(join(tmpdir(), 'ekuscope-fuzz-file-')), 'input');
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, readFileSync(file));
  const oc = await runCase(path);
  rmSync(join(path, '..'), { recursive: true, force: true });
  process.stdout.write(`fuzz: ${oc.failures.length ? 'FAIL' : 'ok'} in ${oc.ms.toFixed(0)} ms, ${oc.frames ?? 0} frames, ${oc.sessions ?? 0} sessions, peak memory growth ${(oc.peakBytes / 1048576).toFixed(1)} MB\n`);
  for (const f of oc.failures) process.stdout.write(`  ${f}\n`);
  return oc.failures.length ? 1 : 0;
}

const opts = (() => {
  try {
    return parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`fuzz: ${(e as Error).message}\n`);
    process.exit(2);
  }
})();
if (opts.worker) await worker();
else process.exitCode = opts.file ? await runFile(opts.file) : await parent(opts);
