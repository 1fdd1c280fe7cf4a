/**
 * The external programs some tests compare against or drive (tshark, openssl, tmux, chromium). Each is
 * looked for once per test file. A test that needs an absent one is skipped with the reason, which the
 * run's closing lines repeat (test/summary-reporter.ts): a missing tool is never a silent pass.
 */
import { spawnSync } from 'node:child_process';
import { describe, it } from 'vitest';

const TOOLS = {
  tshark: { probe: ['tshark', '--version'], debian: 'tshark' },
  openssl: { probe: ['openssl', 'version'], debian: 'openssl' },
  tmux: { probe: ['tmux', '-V'], debian: 'tmux' },
  chromium: { probe: ['chromium', '--version'], debian: 'chromium' },
} as const;

export type Tool = keyof typeof TOOLS;

const found = new Map<Tool, boolean>();

export function have(tool: Tool): boolean {
  let r = found.get(tool);
  if (r === undefined) {
    const [cmd, ...args] = TOOLS[tool].probe;
    try {
      r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 20_000 }).status === 0;
    } catch {
      r = false;
    }
    found.set(tool, r);
  }
  return r;
}

/** The skip note: which tools are missing and how to get them. */
export function missingNote(tools: readonly Tool[]): string {
  const absent = tools.filter((t) => !have(t));
  return `${absent.join(' and ')} not installed (apt-get install ${absent.map((t) => TOOLS[t].debian).join(' ')})`;
}

/** Skips the running test, with the reason, when any of the tools is missing. */
export function needs(ctx: { skip: (condition: boolean, note?: string) => void }, ...tools: Tool[]): void {
  if (tools.some((t) => !have(t))) ctx.skip(true, missingNote(tools));
}

/**
 * A describe block whose tests (and hooks) need the tools: when one is missing, the block holds a single
 * skipped test that says why, and its body (which may call the tool while collecting) is not run.
 */
export function describeWith(tools: Tool[], name: string, body: () => void): void {
  const ok = tools.every((t) => have(t));
  describeIf(ok, ok ? '' : missingNote(tools), name, body);
}

/** The same for any other condition: when it is false, one skipped test that gives the reason. */
export function describeIf(condition: boolean, reason: string, name: string, body: () => void): void {
  if (condition) describe(name, body);
  else describe(name, () => it('cannot run here', (ctx) => ctx.skip(reason)));
}
