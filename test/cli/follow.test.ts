/**
 * `report --follow`: a session's story is written as soon as the session settles, while the capture
 * is still coming (a pipe fed in pieces, a file that grows), and the summary at the end (the pipe
 * closed, or Ctrl-C). The waits are generous and only for output to appear; nothing is timed.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { capturesDir } from '../helpers/corpus.js';
import { finished, outputContains, runCli, startCli } from '../helpers/cli.js';

// Two connections one after the other: #0 (frames 1–26, UC traversal zone, completes) and #1 (frames 27–44, SSH tunnel, rejected).
const PCAP = join(capturesDir, '06-uc-traversal-eku-off-ssh-fails', 'vcs8c', 'eth0_diagnostic_logging_tcpdump00_vcs8c_2026-03-29_07_12_08.pcap');
const bytes = readFileSync(PCAP);
const tmp = mkdtempSync(join(tmpdir(), 'ekuscope-follow-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Byte offset where frame `n` (1-based) starts in a little-endian classic pcap. */
function frameOffset(buf: Buffer, n: number): number {
  let at = 24;
  for (let i = 1; i < n; i++) at += 16 + buf.readUInt32LE(at + 8);
  return at;
}
// The first connection whole, and the second's first frames.
const CUT = frameOffset(bytes, 30);

describe('report --follow', () => {
  it('a pipe fed in pieces: the first story is out before the rest is written, then the rest and the summary', async () => {
    const normal = await runCli(['report', '-'], bytes);
    const child = startCli(['report', '--follow', '-']);
    const done = finished(child);
    child.stdin.write(bytes.subarray(0, CUT));
    const first = await outputContains(child, /Session #0 in stdin[\s\S]*frame +from/);
    expect(first).not.toMatch(/Session #1/);
    expect(first).not.toMatch(/Summary/);
    child.stdin.end(bytes.subarray(CUT));
    const r = await done;
    expect(r.err).toBe('');
    expect(r.code).toBe(normal.code);
    expect(r.code).toBe(1);
    // Every story once, in order, then the summary (as the report's), the inputs, no story again.
    expect(r.out.match(/^Session #\d+ in stdin/gm)).toEqual(['Session #0 in stdin', 'Session #1 in stdin']);
    const summaryAt = r.out.indexOf('\nSummary\n');
    expect(summaryAt).toBeGreaterThan(r.out.indexOf('Session #1 in stdin'));
    // The summary's table as the whole report has it; its sentence says the stories came above.
    const table = (t: string) => t.slice(t.indexOf('  session  what happened'), t.indexOf('\nInputs and Expressway boxes'));
    expect(table(r.out)).toBe(table(normal.out));
    expect(r.out.slice(summaryAt)).toMatch(/Each line was explained\s+above, as its session came/);
    // The failed session's story as the whole report tells it.
    const story = (t: string) => t.slice(t.indexOf('Session #1 in stdin'), t.indexOf('\n  frame  from', t.indexOf('Session #1 in stdin')));
    expect(story(r.out)).toBe(story(normal.out));
  }, 120_000);

  it('--format json: JSON lines, a session a line as it settles, then the report without its sessions', async () => {
    const normal = JSON.parse((await runCli(['report', '--format', 'json', '-'], bytes)).out);
    const child = startCli(['report', '--follow', '--format', 'json', '-']);
    const done = finished(child);
    child.stdin.write(bytes.subarray(0, CUT));
    const first = await outputContains(child, /\n/);
    expect(first.split('\n').filter((l) => l)).toHaveLength(1);
    child.stdin.end(bytes.subarray(CUT));
    const r = await done;
    const lines = r.out.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.type)).toEqual(['session', 'session', 'report']);
    // Told as it settled, each session is the report's, but for the FIN/RST its connection carried later
    // (a completed handshake is told at once; the whole report has the close): those come first in order.
    const withoutLaterEvents = (x: { tcpEvents: unknown[] }) => ({ ...x, tcpEvents: undefined });
    expect(lines.slice(0, 2).map((l) => withoutLaterEvents(l.session))).toEqual(normal.sessions.map(withoutLaterEvents));
    lines.slice(0, 2).forEach((l, i) => expect(normal.sessions[i].tcpEvents.slice(0, l.session.tcpEvents.length)).toEqual(l.session.tcpEvents));
    // A failed handshake waits for its connection's close, so its story names who closed it.
    const failed = lines.slice(0, 2).filter((l) => l.session.outcome.status === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0].session.tcpEvents).toEqual(normal.sessions.find((n: { id: number }) => n.id === failed[0].session.id).tcpEvents);
    expect(failed[0].session.tcpEvents.length).toBeGreaterThan(0);
    expect(lines[2].report).toEqual({ ...normal, sessions: [] });
    expect(r.code).toBe(1);
  }, 120_000);

  it('a file that grows is read on as it grows; Ctrl-C ends with the summary and the normal exit code', async () => {
    const file = join(tmp, 'growing.pcap');
    writeFileSync(file, bytes.subarray(0, CUT));
    const child = startCli(['report', '--follow', file]);
    const done = finished(child);
    const first = await outputContains(child, /Session #0 in growing\.pcap/);
    expect(first).not.toMatch(/Session #1/);
    appendFileSync(file, bytes.subarray(CUT));
    await outputContains(child, /Session #1 in growing\.pcap[\s\S]*frame +from/);
    child.kill('SIGINT');
    const r = await done;
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/\nSummary\n[\s\S]*2 TLS session\(s\): 0 fine, 1 failed/);
    expect(r.err).toBe('');
  }, 120_000);

  it('Ctrl-C on a pipe still open ends the same way, and SIGTERM too', async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const child = startCli(['report', '--follow', '-']);
      const done = finished(child);
      child.stdin.write(bytes);
      await outputContains(child, /Session #1 in stdin[\s\S]*frame +from/);
      child.kill(signal);
      const r = await done;
      expect(r.code, signal).toBe(1);
      expect(r.out).toMatch(/\nSummary\n[\s\S]*2 TLS session\(s\)/);
    }
  }, 120_000);

  it('says what it cannot follow (exit 2)', async () => {
    const cases: [string[], RegExp][] = [
      [['report', '--follow', '--format', 'markdown', PCAP], /--follow writes text or json \(JSON lines\), not "markdown"/],
      [['report', '--follow', PCAP, PCAP], /--follow reads one capture/],
      [['report', '--follow', capturesDir], /--follow reads a capture file \(or -\), not a folder/],
      [['report', '--follow', '--redact', PCAP], /--follow cannot --redact/],
      [['report', '--follow', join(tmp, 'missing.pcap')], /missing\.pcap: no such file/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
    }
  }, 60_000);
});
