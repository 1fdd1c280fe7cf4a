/**
 * A scanned network: hundreds of thousands of TCP connections that carry nothing but a SYN (and
 * perhaps a RST). Each costs a few hundred bytes of bookkeeping and no TLS state, so a capture of a
 * million probes (70 MB) is analysed, not run out of memory; the handshakes after the scan are found.
 */
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/analysis/index.js';
import { JsonArrayWriter, jsonText } from '../../src/cli/output.js';
import { statsNotes } from '../../src/analysis/frames.js';
import { assessCapture, buildContext } from '../../src/expressway/index.js';
import { DEFAULT_REASSEMBLY_LIMITS } from '../../src/net/index.js';
import { cli, clientHelloWith, handshakeRecords, measured, scanThen, serverHello12, serverHelloDone, streamOf, tempDir, tlsCaptureMany, MB, type Step } from './lib.js';

describe('a port scan in the capture', () => {
  it('200,000 SYN-only connections cost no TLS state: the analysis holds well under 150 MB and finds the handshake after them', async () => {
    const probes = 200_000;
    const handshake: Step[] = [
      { dir: 'c2s', bytes: handshakeRecords(clientHelloWith()) },
      { dir: 's2c', bytes: handshakeRecords(serverHello12(), serverHelloDone()) },
      { fin: 'c2s' },
      { fin: 's2c' },
    ];
    const capture = scanThen(probes, 4, [handshake]);
    const { value: a, peakBytes } = await measured((tick) => analyzeCapture(streamOf(capture), { onFrame: (f) => void (f.number % 20_000 === 0 && tick()) }));
    expect(a.connections.length).toBe(probes + 1);
    expect(a.sessions).toHaveLength(1);
    expect(a.sessions[0]!.id).toBe(probes);
    // Connections that carried no byte are not listed as "not TLS": there was nothing to tell.
    expect(a.nonTls).toHaveLength(0);
    // A refused probe ends with the RST (both directions, as a RST does, the prober's by the target's
    // segment: C5); the others are open at the end of the capture.
    const refused = a.connections[0]!;
    expect(refused.ends).toEqual([{ reason: 'rst', frame: 2, from: 1 }, { reason: 'rst', frame: 2 }]);
    expect(refused.packets).toEqual([1, 1]);
    expect(refused.synSeen).toBe(true);
    expect(refused.a).toEqual({ ip: '10.9.0.1', port: 50000 });
    expect(refused.b).toEqual({ ip: '192.168.0.0', port: 1 });
    expect(a.connections[1]!.ends).toEqual([{ reason: 'capture-end', frame: a.capture.frames }, { reason: 'capture-end', frame: a.capture.frames }]);
    // Before, each of these connections held two TLS directions' buffers and state (~4 KB) and the
    // reassembler ~1.3 KB: 200,000 of them took over 1 GB. Now ~350 bytes each, ~70 MB.
    console.log(`200,000 probes: peak heap growth ${(peakBytes / MB).toFixed(0)} MB`);
    expect(peakBytes).toBeLessThan(150 * MB);
  }, 120_000);
});

describe('more connections than the table holds', () => {
  it('past maxConnections, packets of new connections are counted, not analysed, and the report says from which frame; connections already open go on', async () => {
    const handshake: Step[] = [
      { dir: 'c2s', bytes: handshakeRecords(clientHelloWith()) },
      { dir: 's2c', bytes: handshakeRecords(serverHello12(), serverHelloDone()) },
    ];
    // 3,000 probes (every other one refused: 4,500 frames), then two handshakes: with room for
    // 2,000 connections, probe 2,000 (frame 3,001) is the first one refused.
    const capture = scanThen(3000, 2, [handshake, handshake]);
    const a = await analyzeCapture(streamOf(capture), { limits: { ...DEFAULT_REASSEMBLY_LIMITS, maxConnections: 2000 } });
    expect(a.connections).toHaveLength(2000);
    expect(a.sessions).toHaveLength(0);
    const over = a.stats.connectionsOverLimit!;
    expect(over.limit).toBe(2000);
    expect(over.firstFrame).toBe(3001);
    // 1,000 probes and their 500 RSTs, then the two handshakes' packets.
    expect(over.segments).toBe(1500 + a.capture.frames - 4500);
    const note = statsNotes(a.stats).find((n) => n.kind === 'connections')!;
    expect(note.text).toMatch(/^the capture holds more than 2,000 TCP connections: from frame 3001 on, [\d,]+ packets of connections opened after the first 2,000 were counted, not analysed/);
    const f = assessCapture(a, buildContext({ bundles: [] })).find((x) => x.code === 'capture-not-decoded')!;
    expect(f).toMatchObject({ severity: 'warning', frames: [3001] });
    expect(f.fix).toMatch(/tcpdump -r IN -w OUT/);

    // With room, the same capture's two handshakes are found.
    const roomy = await analyzeCapture(streamOf(capture));
    expect(roomy.sessions.map((x) => x.id)).toEqual([3000, 3001]);
    expect(roomy.stats.connectionsOverLimit).toBeUndefined();
  });
});

describe('more handshakes under way than the analysis keeps dissectors for', () => {
  it('connections that send three bytes of a record header and hang: past maxHandshakesUnderWay the oldest is summarised to make room, so a later handshake is still read', async () => {
    const hanging: Step[] = [{ dir: 'c2s', bytes: new Uint8Array([0x16, 0x03, 0x01]) }];
    const handshake: Step[] = [
      { dir: 'c2s', bytes: handshakeRecords(clientHelloWith()) },
      { dir: 's2c', bytes: handshakeRecords(serverHello12(), serverHelloDone()) },
    ];
    const capture = tlsCaptureMany([...Array.from({ length: 300 }, () => hanging), handshake]);
    const a = await analyzeCapture(streamOf(capture), { maxHandshakesUnderWay: 100 });
    expect(a.connections).toHaveLength(301);
    // The handshake after the flood is read whole.
    expect(a.sessions.map((x) => x.id)).toEqual([300]);
    expect(a.sessions[0]!.tls.messages.filter((m) => m.kind === 'handshake')).toHaveLength(3);
    // Connections 0–199 were set aside for 100–299, and 200 for the handshake: 201 in all, the first
    // when connection 100 sent its bytes (each hanging connection is SYN, SYN-ACK, ACK, data, ACK).
    const over = a.stats.handshakesOverLimit!;
    expect(over).toEqual({ limit: 100, connections: 201, firstFrame: 100 * 5 + 4 });
    const f = assessCapture(a, buildContext({ bundles: [] })).find((x) => x.code === 'capture-not-decoded')!;
    expect(f).toMatchObject({ severity: 'warning', frames: [504] });
    expect(f.detail).toMatch(/^More than 100 TLS handshakes were under way at once .* 201 in all\.$/);
  });
});

describe('more sessions than the analysis keeps', () => {
  it('past maxSessions, connections are counted, not dissected, and the report says from which frame', async () => {
    const handshake: Step[] = [
      { dir: 'c2s', bytes: handshakeRecords(clientHelloWith()) },
      { dir: 's2c', bytes: handshakeRecords(serverHello12(), serverHelloDone()) },
      { fin: 'c2s' },
      { fin: 's2c' },
    ];
    const capture = tlsCaptureMany(Array.from({ length: 5 }, () => handshake));
    const a = await analyzeCapture(streamOf(capture), { maxSessions: 3 });
    expect(a.sessions.map((x) => x.id)).toEqual([0, 1, 2]);
    // Each connection: SYN, SYN-ACK, ACK, ClientHello (frame 4 of its own), ACK, ServerHello…, ACK, FIN, FIN: 9 frames.
    expect(a.stats.sessionsOverLimit).toEqual({ limit: 3, connections: 2, firstFrame: 3 * 9 + 4 });
    const f = assessCapture(a, buildContext({ bundles: [] })).find((x) => x.code === 'capture-not-decoded')!;
    expect(f).toMatchObject({ severity: 'warning', frames: [31] });
    expect(f.detail).toBe('The capture holds more than 3 TLS sessions: from frame 31 on, 2 connections that carried data were counted, not analysed (the first 3 sessions were).');
    expect(f.fix).toMatch(/tcpdump -r IN -w OUT/);
    expect((await analyzeCapture(streamOf(capture))).sessions).toHaveLength(5);
  });
});

describe('the flows listing of a scan', () => {
  it('JsonArrayWriter writes, in pieces, the same text as jsonText of the whole array', () => {
    for (const n of [0, 1, 2, 2500]) {
      const items = Array.from({ length: n }, (_, i) => ({ i, name: `host\u009b${i}\u202e`, list: [i, { deep: [] }], empty: {} }));
      const pieces: string[] = [];
      const w = new JsonArrayWriter((t) => pieces.push(t), 1000);
      for (const item of items) w.push(item);
      w.end();
      expect(pieces.join('')).toBe(jsonText(items));
      expect(pieces.length).toBe(Math.floor(n / 1000) + 1);
    }
  });

  it('flows --format json lists 140,000 connections (more than a spread call can take: it overflowed the stack before)', async () => {
    const temp = tempDir();
    try {
      const file = temp.file('scan.pcap', scanThen(140_000, 1000, []));
      const r = await cli('flows', file, '--format', 'json');
      expect(r.code).toBe(0);
      const list = JSON.parse(r.out) as { stream: number; end: unknown[] }[];
      expect(list).toHaveLength(140_000);
      expect(list[139_999]!.stream).toBe(139_999);
      // Probe 1000 is frame 1002 (after probe 0's RST), its RST frame 1003.
      // Both directions end with the target's RST: the prober's (aToB) by b's segment (C5).
      expect(list[1000]!.end).toEqual([{ dir: 'aToB', from: 'b', reason: 'rst', frame: 1003 }, { dir: 'bToA', from: 'b', reason: 'rst', frame: 1003 }]);
    } finally {
      temp.cleanup();
    }
  }, 120_000);
});

describe('long lists are folded, never spread into call arguments', () => {
  // A call takes ~125,000 arguments before the stack overflows: a summary table with a row per
  // session, or a finding with a frame per session, must not be passed as arguments.
  it('a text report table of 150,000 rows', async () => {
    const { renderText } = await import('../../src/report/text.js');
    const rows = Array.from({ length: 150_000 }, (_, i) => [[`#${i}`], [`10.0.0.${i % 256} → 10.0.0.2:443: failed`]]);
    const text = renderText({ title: 't', blocks: [{ kind: 'table', columns: ['session', 'what happened'], rows }] }, { color: false, width: 100 });
    expect(text).toContain('#149999  10.0.0.239 → 10.0.0.2:443: failed');
  });
});
