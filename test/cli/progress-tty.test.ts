/**
 * The progress line in a real terminal: tmux runs `report -` with a capture piped in through a pipe
 * that stays open, so the command is still reading when the screen is read: the line is there, with
 * bytes and no % (the size of a pipe is unknown). When the pipe closes, the line is taken off and the
 * report written. Skipped with the reason when tmux is not installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { describeWith } from '../helpers/tools.js';
import { capturesDir, repoRoot } from '../helpers/corpus.js';


const socket = `ekuscope-progress-${process.pid}`;
const PCAP = join(capturesDir, '06-uc-traversal-eku-off-ssh-fails', 'vcs8c', 'eth0_diagnostic_logging_tcpdump00_vcs8c_2026-03-29_07_12_08.pcap');
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });

async function waitFor(name: string, what: RegExp, timeoutMs = 60_000): Promise<string> {
  const t0 = Date.now();
  for (;;) {
    const s = tmux('capture-pane', '-p', '-t', name);
    if (what.test(s)) return s;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${String(what)}; the screen was:\n${s}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describeWith(['tmux'], 'the progress line in a terminal', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'ekuscope-progress-'));
  afterAll(() => {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
    rmSync(tmp, { recursive: true, force: true });
  });

  it('is drawn while a pipe is read, without % or time left, and taken off before the report', async () => {
    const run = join(repoRoot, 'src', 'cli', 'run.ts');
    const cli = `node --import tsx --input-type=module -e ${JSON.stringify(`import(${JSON.stringify(run)}).then((m) => m.runCli(['report', '-']))`)}`;
    // The pipe stays open until the flag file appears.
    const flag = join(tmp, 'close-the-pipe');
    const cmd = `cd ${JSON.stringify(repoRoot)} && (cat ${JSON.stringify(PCAP)}; while [ ! -e ${JSON.stringify(flag)} ]; do sleep 0.1; done) | env -u CI ${cli} > /dev/null; echo "EXIT=$?"; rm -f ${JSON.stringify(flag)}; sleep 60`;
    tmux('new-session', '-d', '-s', 'p', '-x', '100', '-y', '10', cmd);
    const s = await waitFor('p', /reading stdin: /);
    expect(s).toMatch(/^reading stdin: \d+\.\d KiB(, [\d.]+ (B|KiB)\/s)?\s*$/m);
    expect(s).not.toMatch(/%|left/);
    execFileSync('touch', [flag]);
    const end = await waitFor('p', /EXIT=\d/);
    expect(end).toMatch(/EXIT=1/);
    expect(end).not.toMatch(/reading stdin/);
  }, 120_000);
});
