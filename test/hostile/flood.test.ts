/**
 * A TLS flood at reduced scale (issue 19): thousands of connections that each send most of a large
 * ClientHello and hang, in order or out of order. What they hold together, TCP reassembly and TLS
 * handshake buffers alike, is one capture-wide budget (CaptureBudget): the bound is checked by the
 * budget's own counter of the most ever held (`stats.held.peak`), never by time or RSS. Past it the
 * oldest handshakes under way are summarised as they stand, every connection is still counted, one
 * finding says how many and from which frame, and the JSON report stays valid.
 */
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/analysis/index.js';
import { waitingForm } from '../../src/analysis/analyze.js';
import { DISSECTOR_BYTES, flatString } from '../../src/bytes/index.js';
import { buildContext } from '../../src/expressway/context.js';
import { explainSession } from '../../src/narrate/explain.js';
import { RuleCache } from '../../src/rules/facts/types.js';
import { capturesDir, capturesUnder, corpusFiles } from '../helpers/corpus.js';
import { CaptureWriter, TcpConnection, LINKTYPE } from '../../scripts/lib/pcap/index.js';
import { cat, endpoint, reportUnderBudget, streamOf, tlsCaptureMany, u24 } from './lib.js';

/** A record announcing 2^14 bytes, a ClientHello announcing 16,380, and `total` bytes of it in all. */
function floodHello(total = 15_900): Uint8Array {
  return cat([22, 3, 1, 0x40, 0x00, 1], u24(16_380), new Uint8Array(total - 9).fill(0x41));
}

describe('a flood of half-sent ClientHellos, at reduced scale', () => {
  it('3,000 connections in order under a 2 MiB budget: held bytes stay within it, every connection counted, one finding with the count and first frame, valid JSON', async () => {
    const N = 3000;
    const limit = 2 * 1024 * 1024;
    const hello = floodHello();
    const capture = tlsCaptureMany(Array.from({ length: N }, () => [{ dir: 'c2s' as const, bytes: hello }]));
    const a = await analyzeCapture(streamOf(capture), { sourceName: 'flood.pcap', tlsBudgetBytes: limit });
    expect(a.connections.length).toBe(N);
    expect(a.sessions.length).toBe(N);
    // The budget's own counter: the most the connections under way ever held together.
    expect(a.stats.held!.limit).toBe(limit);
    expect(a.stats.held!.peak).toBeLessThanOrEqual(limit);
    // It was reached: about 2 MiB / (16 KiB + a dissector) stay under way at once, the rest were summarised.
    expect(a.stats.held!.peak).toBeGreaterThan(limit - 2 * (16_384 + DISSECTOR_BYTES));
    const cut = a.stats.handshakesOverBytes!;
    expect(cut.connections).toBeGreaterThan(N - Math.ceil(limit / 16_000));
    expect(cut.connections).toBeLessThan(N);
    // Every session still says what the capture had of its hello, those summarised early as those at the end.
    for (const s of a.sessions) {
      const m = s.tls.messages[0]!;
      expect(m.kind === 'handshake' && m.truncated).toBe(true);
      if (m.kind === 'handshake') expect(m.capturedBytes ?? m.bytes.length).toBe(15_895);
    }
    const { sessions, notDecoded: notes } = await reportUnderBudget(capture, 'flood.pcap', limit);
    expect(sessions.length).toBe(N);
    expect(notes.length).toBe(1);
    expect(notes[0]!.detail).toContain(`held 2 MiB together`);
    expect(notes[0]!.detail).toContain(`from frame ${cut.firstFrame} on, the oldest were summarised as they stood to make room, ${cut.connections.toLocaleString('en-US')} in all`);
    expect(notes[0]!.fix).toMatch(/tcpdump -r IN -w OUT/);
  }, 120_000);

  it('1,000 connections whose first segment never came: the reassembler holds their out-of-order bytes against the same budget', async () => {
    const N = 1000;
    const limit = 1024 * 1024;
    const hello = floodHello();
    const w = CaptureWriter.toMemory({ format: 'pcap', linktype: LINKTYPE.ETHERNET });
    let t = 1_780_000_000_000_000_000n;
    for (let k = 0; k < N; k++) {
      const conn = new TcpConnection({ client: endpoint('10.0.0.1', 20000 + k, 0x10000000 + k * 0x10000, '02:00:00:00:00:01'), server: endpoint('10.0.0.2', 443, 0x20000000 + k * 0x10000, '02:00:00:00:00:02') }, (ts, frame) => w.packet(ts, frame));
      t = conn.open(t, 1_000_000n, 1_000_000n);
      // Everything after the first 1,000 bytes, in segments of 1,400; the first 1,000 never come.
      for (let off = 1000; off < hello.length; off += 1400) conn.resend('c2s', (t += 10_000n), off, hello.subarray(off, Math.min(off + 1400, hello.length)));
    }
    w.close();
    const a = await analyzeCapture(streamOf(w.bytes()), { sourceName: 'holes.pcap', tlsBudgetBytes: limit });
    expect(a.connections.length).toBe(N);
    // Without the shared bound each would hold ~15 KB to the end: 15 MB in all.
    expect(a.stats.held!.peak).toBeLessThanOrEqual(limit + 16_384);
    expect(a.stats.held!.peak).toBeGreaterThan(limit / 2);
    // What no connection could hold was declared missing (a gap), never silently bridged.
    const cutShort = a.connections.filter((c) => c.gaps.some((g) => g.reason === 'buffer-limit'));
    expect(cutShort.length).toBeGreaterThan(N / 2);
  }, 120_000);
});

describe('what a session waiting for its connection to close keeps (a flood\'s 40,000 wait to the end)', () => {
  it('a session in its waiting form tells the same story, word for word, as the session itself, on the corpus and scenario captures', async () => {
    const context = buildContext({ bundles: [] });
    let shared = 0;
    let sessions = 0;
    for (const file of [...corpusFiles(), ...capturesUnder(capturesDir)]) {
      const a = await analyzeCapture(file);
      for (const s of a.sessions) {
        const packed = waitingForm(s);
        // The form shares its empty lists; whatever is in a list is the session's own.
        if (s.alerts.length === 0 && packed.alerts !== s.alerts) shared++;
        expect(packed.certificateMessages).toEqual(s.certificateMessages);
        const told = (x: typeof s) => JSON.stringify(explainSession(a, x, context, new RuleCache()).json(file));
        expect(told(packed)).toBe(told(s));
        sessions++;
      }
    }
    expect(sessions).toBeGreaterThan(50);
    expect(shared).toBeGreaterThan(0);
  }, 240_000);

  it('a message joined from pieces is kept as the same text', () => {
    const n = 15_891;
    const joined = `ClientHello summarised to make room for other connections after ${n} of ${n + 489} bytes`;
    expect(flatString(joined)).toBe('ClientHello summarised to make room for other connections after 15891 of 16380 bytes');
    expect(flatString('')).toBe('');
  });
});
