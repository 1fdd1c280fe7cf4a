/**
 * The CLI as a process: node runs src/cli/run.ts through tsx (no build needed), with standard input,
 * output and error as pipes, as a shell pipeline gives them.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './corpus.js';

const RUN = join(repoRoot, 'src', 'cli', 'run.ts');

/** Starts `ekuscope ARGS...`; the caller writes standard input and reads the output. */
export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): ChildProcessWithoutNullStreams {
  const script = `import(${JSON.stringify(RUN)}).then((m) => m.runCli(${JSON.stringify(args)}))`;
  return spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: 'pipe' });
}

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly out: string;
  readonly err: string;
}

/** Collects a started CLI's output until it exits. */
export function finished(child: ChildProcessWithoutNullStreams): Promise<CliRun> {
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, out, err })));
}

/** Runs `ekuscope ARGS...` with `input` (or nothing) on standard input, to the end. */
export function runCli(args: readonly string[], input?: Buffer): Promise<CliRun> {
  const child = startCli(args);
  const done = finished(child);
  child.stdin.on('error', () => {}); // a run that exits before reading it all
  child.stdin.end(input);
  return done;
}

/** Resolves with the output so far once `what` appears in it (or rejects after `timeoutMs`: generous, never a timing claim). */
export function outputContains(child: ChildProcessWithoutNullStreams, what: RegExp, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.stdout.off('data', on);
      reject(new Error(`no ${what} in the output within ${timeoutMs} ms; output so far:\n${out}`));
    }, timeoutMs);
    const on = (d: Buffer) => {
      out += d.toString();
      if (what.test(out)) {
        clearTimeout(timer);
        child.stdout.off('data', on);
        resolve(out);
      }
    };
    child.stdout.on('data', on);
  });
}
