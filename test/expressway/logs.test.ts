import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLoggingSnapshotParser, parseLoggingSnapshot, parseLoggingSnapshotStream } from '../../src/expressway/logs.js';

const INBOUND =
  '2026-03-30T10:12:13.456+00:00 smartslave tvcs: UTCTime="2026-03-30 10:12:13,456" Module="network.tcp" Level="ERROR": ' +
  'Event="Inbound TLS Negotiation Error" Service="SIP" Src-ip="10.106.80.16" Src-port="25010" Dst-ip="10.106.80.31" Dst-port="7001" ' +
  'Detail="error:0A000086:SSL routines::certificate verify failed (unsupported certificate purpose)" Protocol="TLS"';
const OUTBOUND =
  '2026-03-30T10:14:00.000+00:00 vcs8c tvcs: Event="Outbound TLS Negotiation Error" Service="SIP" Src-ip="10.106.80.16" Src-port="25012" ' +
  'Dst-ip="10.106.80.15" Dst-port="5061" Detail="Peer\'s TLS certificate identity was unacceptable" Protocol="TLS" Level="1" UTCTime="2026-03-30 10:14:00,000"';
const SSL =
  '2026-03-30T10:15:00+00:00 smartslave tvcs: Module="developer.ssl" Level="ERROR" CodeLocation="ttlssslsocket.cpp(100)" ' +
  'Method="::TTSSLErrorOutput" TTSSL_continueHandshake: Failed to establish SSL connection iResult="-1" error="1" bServer="true" ' +
  'localAddress="[\'IPv4\'\'TCP\'\'10.106.80.31:2222\']" remoteAddress="[\'IPv4\'\'TCP\'\'10.106.80.16:30001\']" ' +
  'Detail="tlsv1 alert unknown ca"';
const NOISE = '2026-03-30T10:12:13+00:00 smartslave tvcs: Event="Registration Accepted" Src-ip="10.0.0.1"';

describe('loggingsnapshot TLS events (X9)', () => {
  it('reads inbound, outbound and bServer lines with roles, endpoints, time and reasons', () => {
    const r = parseLoggingSnapshot(Buffer.from([NOISE, INBOUND, NOISE, OUTBOUND, SSL, ''].join('\n')));
    expect(r.linesRead).toBe(5);
    expect(r.events).toHaveLength(3);
    const [inb, out, ssl] = r.events;
    expect(inb).toMatchObject({
      line: 2,
      kind: 'inbound-negotiation-error',
      expresswayRole: 'server',
      time: '2026-03-30 10:12:13,456',
      src: { ip: '10.106.80.16', port: 25010 },
      dst: { ip: '10.106.80.31', port: 7001 },
      local: { ip: '10.106.80.31', port: 7001 },
      remote: { ip: '10.106.80.16', port: 25010 },
      rule: 'X9',
    });
    expect(inb!.reasonCodes).toEqual(expect.arrayContaining(['unsupported-certificate-purpose', 'certificate-verify-failed']));
    expect(inb!.reason).toMatch(/unsupported certificate purpose/);
    expect(out).toMatchObject({ kind: 'outbound-negotiation-error', expresswayRole: 'client', local: { ip: '10.106.80.16', port: 25012 }, remote: { ip: '10.106.80.15', port: 5061 } });
    expect(out!.reasonCodes).toEqual(['identity-unacceptable']);
    expect(ssl).toMatchObject({
      kind: 'ssl-socket',
      expresswayRole: 'server',
      time: '2026-03-30T10:15:00+00:00',
      local: { ip: '10.106.80.31', port: 2222 },
      remote: { ip: '10.106.80.16', port: 30001 },
      reasonCodes: ['unknown-ca'],
    });
  });

  it('gives the same events whatever the chunking, CRLF included', () => {
    const text = Buffer.from([INBOUND, OUTBOUND, SSL].join('\r\n'));
    const whole = parseLoggingSnapshot(text).events;
    for (const size of [1, 7, 64, 1000]) {
      const p = createLoggingSnapshotParser();
      for (let i = 0; i < text.length; i += size) p.push(text.subarray(i, i + size));
      expect(p.end().events).toEqual(whole);
    }
  });

  it('is bounded: long lines cut, events and lines capped, and says so', () => {
    const long = INBOUND + ' pad="' + 'x'.repeat(100_000) + '"';
    const r = parseLoggingSnapshot(Buffer.from([long, ...Array(10).fill(OUTBOUND)].join('\n')), { maxLineBytes: 2048, maxEvents: 4 });
    expect(r.events).toHaveLength(4);
    expect(r.eventsDropped).toBe(7);
    expect(r.events[0]!.kind).toBe('inbound-negotiation-error');
    expect(r.problems.map((p) => p.code)).toEqual(expect.arrayContaining(['log-long-lines', 'log-events-dropped']));
    const capped = parseLoggingSnapshot(Buffer.from(Array(100).fill(OUTBOUND).join('\n')), { maxLines: 10 });
    expect(capped.events).toHaveLength(10);
    expect(capped.problems.map((p) => p.code)).toContain('log-limit');
  });

  it('reads from a stream and keeps events read before a stream error', async () => {
    const ok = await parseLoggingSnapshotStream(Readable.from([Buffer.from(INBOUND + '\n'), Buffer.from(OUTBOUND)]));
    expect(ok.events).toHaveLength(2);
    async function* broken(): AsyncGenerator<Buffer> {
      yield Buffer.from(INBOUND + '\n');
      throw new Error('disk gone');
    }
    const r = await parseLoggingSnapshotStream(Readable.from(broken()));
    expect(r.events).toHaveLength(1);
    expect(r.problems.map((p) => p.code)).toContain('log-read-error');
  });

  it('never throws on random bytes', () => {
    let seed = 7;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
    for (let n = 0; n < 50; n++) {
      const bytes = Buffer.from(Array.from({ length: 500 }, rnd));
      bytes.write('bServer="true" Event="Inbound TLS Negotiation Error" Src-port="99999"', (n * 7) % 400);
      expect(() => parseLoggingSnapshot(bytes)).not.toThrow();
    }
  });
});
