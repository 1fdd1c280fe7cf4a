/**
 * The progress line of long reads: what it says (a pure function of bytes, size and time), how often
 * it is drawn, and that it is taken off the screen before output; and that a run whose standard error
 * is not a terminal, or with --quiet, writes none.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { formatDuration, formatProgress, ProgressLine, PROGRESS_INTERVAL_MS } from '../../src/cli/progress.js';
import { capturesDir } from '../helpers/corpus.js';

const MiB = 1024 * 1024;
const PCAP = join(capturesDir, '05-uc-traversal-eku-on-failed', 'vcs8c', 'eth0_diagnostic_logging_tcpdump00_vcs8c_2026-03-29_07_05_33.pcap');

describe('formatProgress', () => {
  it('says bytes of size, %, rate and time left when the size is known', () => {
    expect(formatProgress({ name: 'big.pcap', bytes: 512 * MiB, total: 1024 * MiB, elapsedMs: 2000 })).toBe('reading big.pcap: 512.0 MiB of 1.00 GiB (50%), 256.0 MiB/s, 2 s left');
    expect(formatProgress({ name: 'big.pcap', bytes: 100 * MiB, total: 10_000 * MiB, elapsedMs: 10_000 })).toBe('reading big.pcap: 100.0 MiB of 9.77 GiB (1%), 10.0 MiB/s, 16 min 30 s left');
  });
  it('no % and no time left when the size is unknown (standard input)', () => {
    expect(formatProgress({ name: 'stdin', bytes: 3 * MiB, elapsedMs: 1500 })).toBe('reading stdin: 3.0 MiB, 2.0 MiB/s');
  });
  it('no rate in the first half second, and no time left once everything is read', () => {
    expect(formatProgress({ name: 'a.pcap', bytes: 1000, total: 4000, elapsedMs: 100 })).toBe('reading a.pcap: 1000 B of 3.9 KiB (25%)');
    expect(formatProgress({ name: 'a.pcap', bytes: 4096, total: 4096, elapsedMs: 1000 })).toBe('reading a.pcap: 4.0 KiB of 4.0 KiB (100%), 4.0 KiB/s');
  });
  it('neutralises the name and fits the width (a wrapped line could not be redrawn)', () => {
    const line = formatProgress({ name: 'evil\x1b[31m\u202e.pcap', bytes: 1, total: 2, elapsedMs: 0 });
    expect(line).not.toMatch(/[\x1b\u202e]/);
    const long = formatProgress({ name: 'x'.repeat(200), bytes: 1, total: 2, elapsedMs: 0 }, 40);
    expect([...long]).toHaveLength(40);
    expect(long.endsWith('…')).toBe(true);
  });
  it('formatDuration', () => {
    expect(formatDuration(0.2)).toBe('1 s');
    expect(formatDuration(59)).toBe('59 s');
    expect(formatDuration(125)).toBe('2 min 05 s');
    expect(formatDuration(3 * 3600 + 7 * 60)).toBe('3 h 07 min');
  });
});

describe('ProgressLine', () => {
  it('redraws one line with \\r at most every interval, and clears it', () => {
    let t = 0;
    const written: string[] = [];
    const line = new ProgressLine({ write: (s) => void written.push(s), now: () => t, columns: () => 60 });
    line.start('a.pcap');
    for (let i = 1; i <= 100; i++) {
      t += 10; // a chunk every 10 ms for one second
      line.update(i * MiB, 100 * MiB);
    }
    expect(written.length).toBeLessThanOrEqual(Math.ceil(1000 / PROGRESS_INTERVAL_MS) + 1);
    expect(written.length).toBeGreaterThanOrEqual(2);
    for (const w of written) expect(w).toMatch(/^\rreading a\.pcap: [^\r\n]{10,58}\x1b\[K$/);
    line.clear();
    expect(written.at(-1)).toBe('\r\x1b[K');
    // A terminal that says it has no width (some pseudo-terminals): 80 columns, not a line cut to nothing.
    const narrow: string[] = [];
    const zero = new ProgressLine({ write: (s) => void narrow.push(s), now: () => 1000, columns: () => 0 });
    zero.start('a.pcap');
    zero.update(MiB, 2 * MiB);
    expect(narrow[0]).toMatch(/^\rreading a\.pcap: 1\.0 MiB of 2\.0 MiB \(50%\)\x1b\[K$/);
    const n = written.length;
    line.clear();
    expect(written.length).toBe(n); // nothing to clear
  });
});

describe('the commands and the progress line', () => {
  async function run(args: string[], errIsTty: boolean) {
    let out = '';
    let err = '';
    const code = await main(args, { out: (t) => void (out += t), err: (t) => void (err += t), errIsTty, errColumns: () => 100 });
    return { code, out, err };
  }
  it('draws on a terminal and clears before the output; nothing when not a terminal or with --quiet', async () => {
    for (const cmd of [['report'], ['certs'], ['flows']]) {
      const tty = await run([...cmd, PCAP], true);
      expect(tty.err, cmd[0]).toMatch(/^\rreading .*eth0_diagnostic.*: .*\(100%\)\x1b\[K\r\x1b\[K$/);
      const plain = await run([...cmd, PCAP], false);
      expect(plain.err, cmd[0]).toBe('');
      expect(plain.out).toBe(tty.out);
      const quiet = await run([...cmd, '--quiet', PCAP], true);
      expect(quiet.err, cmd[0]).toBe('');
    }
  }, 60_000);
  it('check-store draws it over a bundle archive, and report too before the captures inside', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'ekuscope-progress-'));
    try {
      const archive = join(tmp, 'bundle-vcs8c.tar.gz');
      execFileSync('tar', ['czf', archive, '-C', join(capturesDir, '05-uc-traversal-eku-on-failed'), 'vcs8c']);
      const tty = await run(['check-store', archive], true);
      expect(tty.err).toMatch(/^\rreading bundle-vcs8c\.tar\.gz: .*\(100%\)\x1b\[K\r\x1b\[K$/);
      expect((await run(['check-store', '--quiet', archive], true)).err).toBe('');
      expect((await run(['check-store', archive], false)).err).toBe('');
      const report = await run(['report', archive], true);
      expect(report.err).toMatch(/^\rreading bundle-vcs8c\.tar\.gz: .*\rreading vcs8c\/eth0_diagnostic.*\r\x1b\[K$/s);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 60_000);
});
