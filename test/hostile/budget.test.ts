/**
 * Many connections at once: each TLS connection is bounded by TlsLimits, and all of a capture's
 * connections together by a TlsBudget. A handshake header of a few bytes claiming a large message
 * must not cost more than the bytes that came; past the budget, messages are kept truncated, said so,
 * and the analysis goes on.
 */
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/analysis/index.js';
import { scanCapture } from '../../src/analysis/frames.js';
import { TlsBudget, TlsConnection } from '../../src/tls/index.js';
import { cat, clientHelloWith, handshakeRecords, hs, serverHello12, streamOf, tlsCaptureMany, u24, vec24, type Step } from './lib.js';

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
    const perConnection = budget.used / 500;
    expect(perConnection).toBeGreaterThan(100);
    expect(perConnection).toBeLessThan(2048);
    for (const t of live) t.release();
    expect(budget.used).toBe(0);
  });

  it('past the budget, Certificate messages are kept truncated with a sentence that says why; the rest of the capture is analysed', async () => {
    const certificate = hs(11, vec24(vec24(new Uint8Array(12_000).fill(0x30))));
    const conns = Array.from({ length: 40 }, () => [client(handshakeRecords(clientHelloWith())), server(handshakeRecords(serverHello12(), certificate))]);
    const capture = tlsCaptureMany(conns);
    const tight = await analyzeCapture(streamOf(capture), { sourceName: 'many.pcap', tlsBudgetBytes: 128 * 1024 });
    expect(tight.sessions.length).toBe(40);
    // Hellos are small: always kept whole, so every session still has its roles and version.
    for (const s of tight.sessions) {
      expect(s.clientDir).toBe(0);
      expect(s.tls.messages.filter((m) => m.kind === 'handshake' && m.type <= 2 && !m.truncated).length).toBe(2);
    }
    // Certificate messages: whole while there was room, then truncated, each saying why.
    const cert = (s: (typeof tight.sessions)[number]) => s.tls.messages.find((m) => m.kind === 'handshake' && m.type === 11);
    const truncated = tight.sessions.filter((s) => cert(s)?.kind === 'handshake' && (cert(s) as { truncated: boolean }).truncated);
    expect(truncated.length).toBeGreaterThan(20);
    expect(tight.sessions[0]!.certificateMessages[0]!.truncated).toBe(false);
    for (const s of truncated) {
      expect(s.tls.anomalies.some((a) => a.code === 'message-too-long' && /Certificate of 12006 bytes kept truncated: the handshakes under way in this capture hold 128 KiB already/.test(a.message))).toBe(true);
    }
    // The same capture within the default budget: nothing truncated.
    const roomy = await analyzeCapture(streamOf(capture), { sourceName: 'many.pcap' });
    expect(roomy.sessions.filter((s) => s.certificateMessages[0]?.truncated).length).toBe(0);
  });
});
