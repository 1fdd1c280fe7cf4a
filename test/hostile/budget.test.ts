/**
 * Many connections at once: each TLS connection is bounded by TlsLimits, and all of a capture's
 * connections together by a TlsBudget. A handshake header of a few bytes claiming a large message
 * must not cost more than the bytes that came; past the budget, messages are kept truncated, said so,
 * and the analysis goes on.
 */
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/analysis/index.js';
import { scanCapture, statsNotes } from '../../src/analysis/frames.js';
import { DISSECTOR_BYTES } from '../../src/bytes/index.js';
import { TlsBudget, TlsConnection } from '../../src/tls/index.js';
import { cat, clientHelloWith, reportUnderBudget, handshakeRecords, hs, records, serverHello12, streamOf, tlsCaptureMany, u24, vec24, type Step } from './lib.js';

const client = (bytes: Uint8Array): Step => ({ dir: 'c2s', bytes });
const server = (bytes: Uint8Array): Step => ({ dir: 's2c', bytes });

describe('TLS buffers across connections', () => {
  it('500 connections that each start a 100,000-byte Certificate with 50 bytes hold ~1 KB each, not 16 KB', async () => {
    // Handshake header claiming 100,000 bytes, then only 50 of them; the record says as much.
    const partial = cat([11], u24(100_000), new Uint8Array(50));
    const conns = Array.from({ length: 500 }, () => [client(handshakeRecords(clientHelloWith())), server(cat(handshakeRecords(serverHello12()), [22, 3, 3, 0x40, 0x00], partial))]);
    const budget = new TlsBudget(Number.MAX_SAFE_INTEGER);
    const live: TlsConnection[] = [];
    const r = await scanCapture(streamOf(tlsCaptureMany(conns)), () => {
      const t = new TlsConnection({ budget });
      live.push(t);
      return t;
    });
    expect(r.connections.length).toBe(500);
    // Every connection is still in its handshake: what they hold is counted, nothing given back yet.
    expect(live.every((t) => !t.done)).toBe(true);
    // Each dissector at work counts its own state too (DISSECTOR_BYTES); its buffers are what is checked here.
    const perConnection = budget.used / 500 - DISSECTOR_BYTES;
    expect(perConnection).toBeGreaterThan(100);
    expect(perConnection).toBeLessThan(2048);
    for (const t of live) t.release();
    expect(budget.used).toBe(0);
  });

  it('past the budget, the oldest handshakes under way are summarised as they stand to make room: every session listed, certificates whole, one note', async () => {
    const certificate = hs(11, vec24(vec24(new Uint8Array(12_000).fill(0x30))));
    const conns = Array.from({ length: 40 }, () => [client(handshakeRecords(clientHelloWith())), server(handshakeRecords(serverHello12(), certificate))]);
    const capture = tlsCaptureMany(conns);
    const tight = await analyzeCapture(streamOf(capture), { sourceName: 'many.pcap', tlsBudgetBytes: 128 * 1024 });
    expect(tight.sessions.length).toBe(40);
    for (const s of tight.sessions) {
      expect(s.clientDir).toBe(0);
      expect(s.tls.messages.filter((m) => m.kind === 'handshake' && m.type <= 2 && !m.truncated).length).toBe(2);
      // Each Certificate was whole when its connection was summarised: nothing kept truncated.
      expect(s.certificateMessages[0]!.truncated).toBe(false);
    }
    const cut = tight.stats.handshakesOverBytes!;
    expect(cut.limit).toBe(128 * 1024);
    expect(cut.connections).toBeGreaterThan(20);
    expect(cut.connections).toBeLessThan(40);
    const note = statsNotes(tight.stats).find((n) => n.kind === 'handshake-bytes')!;
    expect(note.text).toMatch(new RegExp(`held 128 KiB together.*from frame ${cut.firstFrame} on, the oldest were summarised as they stood to make room, ${cut.connections} in all`));
    // The same capture within the default budget: nothing summarised early.
    const roomy = await analyzeCapture(streamOf(capture), { sourceName: 'many.pcap' });
    expect(roomy.stats.handshakesOverBytes).toBeUndefined();
    expect(roomy.sessions.filter((s) => s.certificateMessages[0]?.truncated).length).toBe(0);
  });

  it('a flood of connections that each send 15.9 KB of a ClientHello announcing 16 KB and hang: what is held stays within the bound, every connection is counted, the report is valid', async () => {
    const N = 300;
    const budgetBytes = 1024 * 1024;
    // A record announcing 2^14 bytes, a ClientHello announcing 16,380, and 15,900 bytes of it in all.
    const flood = cat([22, 3, 1, 0x40, 0x00, 1], u24(16_380), new Uint8Array(15_900 - 9).fill(0x41));
    const conns = Array.from({ length: N }, () => [client(flood)]);
    const capture = tlsCaptureMany(conns);
    const a = await analyzeCapture(streamOf(capture), { sourceName: 'flood.pcap', tlsBudgetBytes: budgetBytes });
    expect(a.sessions.length).toBe(N);
    const cut = a.stats.handshakesOverBytes!;
    // What fits in 1 MiB (about 65 of them) stays under way to the end; the rest were summarised early.
    expect(cut.connections).toBeGreaterThan(N - budgetBytes / 15_000);
    expect(cut.connections).toBeLessThan(N);
    // What the sessions keep of their messages' bytes: those summarised early keep at most 4 KiB each;
    // the ones under way at the end keep what the bound let them hold.
    const kept = a.sessions.reduce((sum, s) => sum + s.tls.messages.reduce((x, m) => x + (m.kind === 'handshake' ? m.bytes.length : 0), 0), 0);
    expect(kept).toBeLessThanOrEqual(budgetBytes + cut.connections * 4096);
    // One finding for the lot, with the frame it began at and what to do; the JSON report is valid.
    const { sessions, notDecoded: notes } = await reportUnderBudget(capture, 'flood.pcap', budgetBytes);
    expect(sessions.length).toBe(N);
    expect(notes.length).toBe(1);
    expect(notes[0]!.detail).toContain(`from frame ${cut.firstFrame} on, the oldest were summarised as they stood to make room, ${cut.connections} in all`);
    expect(notes[0]!.fix).toMatch(/tcpdump -r IN -w OUT/);
  });

  it('what a connection lets go of is given back at once: record bodies for a decryptor, messages past the listing limit', () => {
    const budget = new TlsBudget(Number.MAX_SAFE_INTEGER);
    // A decryptor that wants every record and cannot read any: each protected record gets a body of its length.
    const t = new TlsConnection({ budget, decryptor: { decrypt: () => undefined, wantsMore: () => true }, limits: { maxMessages: 8 } });
    let frame = 0;
    const off: [number, number] = [0, 0];
    const send = (dir: 0 | 1, bytes: Uint8Array) => {
      t.data(dir, bytes, off[dir], ++frame, 1_780_000_000, 0);
      off[dir] += bytes.length;
    };
    send(0, handshakeRecords(clientHelloWith()));
    send(1, handshakeRecords(serverHello12()));
    const afterHellos = budget.used;
    send(1, cat([20, 3, 3, 0, 1, 1]));
    // 100 protected records of 16 KiB: 1.6 MB if each body stayed counted.
    for (let i = 0; i < 100; i++) send(1, records(23, new Uint8Array(16_384)));
    expect(t.done).toBe(false);
    expect(budget.used - afterHellos).toBeLessThan(32 * 1024);
    // 50 handshake messages of 3,000 bytes from the client: past 8 listed messages none is kept, nor counted.
    const beforeMore = budget.used;
    for (let i = 0; i < 50; i++) send(0, handshakeRecords(hs(99, new Uint8Array(3_000))));
    expect(budget.used - beforeMore).toBeLessThanOrEqual(8 * 8192);
    t.release();
    expect(budget.used).toBe(0);
  });
});

