/**
 * Tunnelled captures (rule C7): Geneve, VXLAN, GRE and ERSPAN types I, II and III, and a
 * tunnel inside a tunnel. The captures in test/fixtures/tunnels/ are real TLS handshakes (OpenSSL
 * on loopback, and scenario 01's capture) wrapped frame for frame by make.ts there, so each must
 * give what its unwrapped source gives, and what tshark dissects in the same file.
 *
 * Public captures of these encapsulations exist in the test suites of Zeek (testing/btest/Traces/
 * tunnels), Suricata (suricata-verify) and Wireshark (test/captures), but they cannot be downloaded
 * where this suite was written; the captures here were made for it instead (make.ts says how).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeCapture, type Analysis } from '../../src/analysis/index.js';
import { certRows } from '../../src/cli/certs.js';
import { PacketDecoder, formatIp } from '../../src/net/index.js';
import { CaptureWriter, buildIpFrame, buildTcpFrame, buildUdpFrame, ip, mac } from '../../scripts/lib/pcap/index.js';
import { TSHARK_PREFS, tshark } from '../helpers/corpus.js';
import { needs } from '../helpers/tools.js';
import { cli, streamOf } from '../hostile/lib.js';
import { FIXTURES, FIXTURE_DIR, pcapFrames, type Fixture } from '../fixtures/tunnels/make.js';

const path = (f: string) => join(FIXTURE_DIR, f);
const TLS_PORTS = ['-d', 'tcp.port==47443,tls', '-d', 'tcp.port==5061,tls'];

/** What tshark dissects: (frame, certificate count) of Certificate messages, CertificateRequest frames. */
function tsharkView(file: string): { certs: string[]; certReqs: number[] } {
  const out = tshark(['-r', file, ...TSHARK_PREFS, ...TLS_PORTS, '-Y', 'tls.handshake.type == 11 || tls.handshake.type == 13', '-T', 'fields', '-e', 'frame.number', '-e', 'tls.handshake.type', '-e', 'x509af.serialNumber', '-E', 'occurrence=a', '-E', 'aggregator=|']);
  const certs: string[] = [];
  const certReqs: number[] = [];
  for (const line of out.split('\n').filter(Boolean)) {
    const [frame, types, serials] = line.split('\t');
    const t = types!.split('|');
    if (t.includes('11')) for (const s of (serials ?? '').split('|').filter(Boolean)) certs.push(`${frame}/${s.replace(/:/g, '').toLowerCase()}`);
    if (t.includes('13')) certReqs.push(Number(frame));
  }
  return { certs: certs.sort(), certReqs };
}

/** tshark's TCP conversations (tcp.stream) by the innermost addresses, and how many frames carried TCP. */
function tsharkStreams(file: string): { streams: string[]; tcpFrames: number } {
  const out = tshark(['-r', file, ...TSHARK_PREFS, '-Y', 'tcp', '-T', 'fields', '-e', 'tcp.stream', '-e', 'ip.src', '-e', 'tcp.srcport', '-e', 'ip.dst', '-e', 'tcp.dstport', '-E', 'occurrence=l']);
  const ends = new Map<number, Set<string>>();
  let tcpFrames = 0;
  for (const line of out.split('\n').filter(Boolean)) {
    const [stream, src, sport, dst, dport] = line.split('\t');
    tcpFrames++;
    const e = ends.get(Number(stream)) ?? new Set<string>();
    e.add(`${src}:${sport}`).add(`${dst}:${dport}`);
    ends.set(Number(stream), e);
  }
  return { streams: [...ends.entries()].sort((x, y) => x[0] - y[0]).map(([, e]) => [...e].sort().join(' ')), tcpFrames };
}
const ourStreams = (a: Analysis) => a.connections.map((c) => [`${c.a.ip}:${c.a.port}`, `${c.b.ip}:${c.b.port}`].sort().join(' '));

const ourCerts = (a: Analysis) => certRows(a).map((r) => `${r.frame}/${r.serial}`).sort();
const ourCertReqs = (a: Analysis) => a.sessions.flatMap((s) => (s.certificateRequest ? [s.certificateRequest.frame] : []));

/** A session as the report tells it, without the file it came from. */
function sessionsOf(reportJson: string): unknown[] {
  const j = JSON.parse(reportJson) as { sessions: Record<string, unknown>[] };
  return j.sessions.map(({ source: _s, case: _c, ...rest }) => rest);
}

describe.each(FIXTURES.map((f) => [f.file, f] as const))('%s', (_name, fx: Fixture) => {
  it('certificates and CertificateRequests: the same frames and serials as in the unwrapped capture', async () => {
    const [wrapped, plain] = await Promise.all([analyzeCapture(path(fx.file)), analyzeCapture(path(fx.source))]);
    expect(wrapped.connections).toHaveLength(1);
    expect(ourCerts(wrapped).length).toBeGreaterThanOrEqual(4);
    expect(ourCerts(wrapped)).toEqual(ourCerts(plain));
    expect(ourCertReqs(wrapped)).toEqual(ourCertReqs(plain));
    expect(ourCertReqs(wrapped)).toHaveLength(1);
  });

  it("certificates, CertificateRequests, TCP conversations and frames: the same as tshark's on the same file", async (ctx) => {
    needs(ctx, 'tshark');
    const wrapped = await analyzeCapture(path(fx.file));
    const theirs = tsharkView(path(fx.file));
    expect(ourCerts(wrapped)).toEqual(theirs.certs);
    expect(ourCertReqs(wrapped)).toEqual(theirs.certReqs);
    // The frames: every one carried TCP inside its tunnels, in the connection tshark finds.
    const conv = tsharkStreams(path(fx.file));
    expect(ourStreams(wrapped)).toEqual(conv.streams);
    expect(wrapped.stats.tcpSegments).toBe(conv.tcpFrames);
    expect(conv.tcpFrames).toBe(wrapped.capture.frames);
  });

  it('flows: the inner connection, with the outer addresses of each tunnel (text and JSON)', async () => {
    const a = await analyzeCapture(path(fx.file));
    const c = a.connections[0]!;
    expect(c.tunnel?.map((t) => t.encapsulation)).toEqual(fx.tunnels.map((t) => t.encapsulation));
    fx.tunnels.forEach((t, i) => {
      const l = c.tunnel![i]!;
      // The first packet is the client's SYN: the tunnel's own direction.
      expect([l.src, l.dst]).toEqual([t.src, t.dst]);
      if (t.id !== undefined) expect(l.id).toBe(t.id);
    });
    const text = await cli('flows', path(fx.file));
    expect(text.code).toBe(0);
    const outer = fx.tunnels[0]!;
    expect(text.out).toContain(`tunnelled: `);
    expect(text.out).toContain(`${outer.encapsulation} ${outer.src} → ${outer.dst}`);
    const plain = await analyzeCapture(path(fx.source));
    expect(text.out).toContain(`${plain.connections[0]!.a.ip}:${plain.connections[0]!.a.port} → `);
    const json = JSON.parse((await cli('flows', path(fx.file), '--format', 'json')).out) as { a: unknown; tunnel: { encapsulation: string; src: string; dst: string }[] }[];
    expect(json[0]!.a).toEqual(plain.connections[0]!.a);
    expect(json[0]!.tunnel.map((t) => [t.encapsulation, t.src, t.dst])).toEqual(c.tunnel!.map((t) => [t.encapsulation, t.src, t.dst]));
  });

  it('report: the same sessions as on the unwrapped capture; the capture notes say it was tunnelled, how and between which ends', async () => {
    const [wrapped, plain] = await Promise.all([cli('report', path(fx.file), '--format', 'json'), cli('report', path(fx.source), '--format', 'json')]);
    expect(wrapped.code).toBe(plain.code);
    expect(sessionsOf(plain.out)).toHaveLength(1);
    expect(sessionsOf(wrapped.out)).toEqual(sessionsOf(plain.out));
    const kase = (JSON.parse(wrapped.out) as { cases: { notes: string[]; tunnels?: { encapsulation: string; addresses: string[] }[] }[] }).cases[0]!;
    const outer = fx.tunnels[0]!;
    expect(kase.tunnels?.[0]).toMatchObject({ encapsulation: outer.encapsulation, addresses: [outer.src, outer.dst] });
    expect(kase.notes.join('\n')).toContain(`in ${outer.encapsulation} ${outer.src} → ${outer.dst}`);
    const text = await cli('report', path(fx.file));
    expect(text.out).toMatch(/the traffic came through tunnels \(C7\)/);
    // Redacted, the outer addresses go too.
    const redacted = await cli('report', path(fx.file), '--redact');
    expect(redacted.out).not.toContain(outer.src);
    expect(redacted.out).not.toContain(outer.dst);
  });
});

describe('a GRE tunnel used both ways', () => {
  it('counts each direction as its own tunnel in the notes, and the connection stays one', async () => {
    const fx = FIXTURES.find((f) => f.tunnels[0]!.bothWays)!;
    const a = await analyzeCapture(path(fx.file));
    expect(a.connections).toHaveLength(1);
    const t = fx.tunnels[0]!;
    expect(a.stats.tunnels?.list.map((c) => [c.src, c.dst])).toEqual([
      [t.src, t.dst],
      [t.dst, t.src],
    ]);
    expect(a.stats.tunnels!.list.reduce((n, c) => n + c.packets, 0)).toBe(a.capture.frames);
  });
});

it('the fixtures are small', () => {
  for (const f of FIXTURES) expect(readFileSync(path(f.file)).length).toBeLessThan(16 * 1024);
});

describe('inner packets by protocol type', () => {
  const link = { kind: 'ethernet' as const, src: mac('02:00:00:00:00:01'), dst: mac('02:00:00:00:00:02') };
  const inner6 = buildTcpFrame(link, { src: ip('2001:db8:1::10'), dst: ip('2001:db8:2::20'), srcPort: 40000, dstPort: 443, seq: 1, ack: 0, flags: 2, window: 65535 }).subarray(14);
  const decode = (data: Uint8Array) => new PacketDecoder().decode({ number: 1, tsSec: 0, tsNsec: 0, linkType: 1, interfaceId: 0, data, origLen: data.length, fileOffset: 0 });
  const outer = { src: ip('192.0.2.1'), dst: ip('192.0.2.2') };
  function expectInner6(data: Uint8Array, encapsulation: string): void {
    const out = decode(data);
    expect(out.kind).toBe('tcp');
    if (out.kind !== 'tcp') return;
    expect(out.seg.ipVersion).toBe(6);
    expect(formatIp(out.seg.src)).toBe('2001:db8:1::10');
    expect(out.seg.tunnel).toEqual([{ encapsulation, src: '192.0.2.1', dst: '192.0.2.2', ...(encapsulation === 'Geneve' ? { id: 5 } : {}) }]);
  }

  it('GRE 0x86DD and Geneve 0x86DD carry IPv6 without an Ethernet header', () => {
    expectInner6(buildIpFrame(link, outer, 47, Uint8Array.from([0, 0, 0x86, 0xdd, ...inner6])), 'GRE');
    expectInner6(buildUdpFrame(link, { ...outer, srcPort: 50000, dstPort: 6081, payload: Uint8Array.from([0, 0, 0x86, 0xdd, 0, 0, 5, 0, ...inner6]) }), 'Geneve');
  });

  it('ERSPAN III frame type 2 carries an IP packet', () => {
    const erspan = [0x10, 0, 0x22, 0xeb, 0, 0, 0, 1, 0x20, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0x08, 0x00];
    const out = decode(buildIpFrame(link, outer, 47, Uint8Array.from([...erspan, ...inner6])));
    expect(out.kind).toBe('tcp');
    if (out.kind === 'tcp') expect(out.seg.tunnel?.[0]).toMatchObject({ encapsulation: 'ERSPAN III', id: 3 });
  });

  it('IPv4 in IPv6 and IPv6 in IPv4 are named as such', () => {
    const inner4 = buildTcpFrame(link, { src: ip('10.0.0.1'), dst: ip('10.0.0.2'), srcPort: 40000, dstPort: 443, seq: 1, ack: 0, flags: 2, window: 65535 }).subarray(14);
    const a = decode(buildIpFrame(link, { src: ip('2001:db8::1'), dst: ip('2001:db8::2') }, 4, inner4));
    expect(a.kind === 'tcp' && a.seg.tunnel?.[0]?.encapsulation).toBe('IPv4-in-IPv6');
    const b = decode(buildIpFrame(link, outer, 41, inner6));
    expect(b.kind === 'tcp' && b.seg.tunnel?.[0]?.encapsulation).toBe('6in4');
  });
});

describe('a tunnelled capture cut by its snap length', () => {
  /** The fixture with every frame cut at `snap` bytes (the wire length kept), as tcpdump -s writes it. */
  function cut(file: string, snap: number): Uint8Array {
    const w = CaptureWriter.toMemory({ format: 'pcap', linktype: 1, snaplen: snap });
    for (const f of pcapFrames(readFileSync(path(file)))) w.packet(f.tsNs, f.data.subarray(0, snap), f.data.length);
    w.close();
    return w.bytes();
  }

  it('loses the same bytes as the plain capture cut where its inner packets are cut', async () => {
    // geneve.pcap's outer headers (Ethernet, IPv4, UDP, Geneve and its options) take 62 bytes.
    const [wrapped, plain] = await Promise.all([analyzeCapture(streamOf(cut('geneve.pcap', 200))), analyzeCapture(streamOf(cut('openssl-mtls.pcap', 138)))]);
    const gaps = (a: Analysis) => a.connections.map((c) => ({ gaps: c.gaps, bytes: c.bytes }));
    expect(gaps(wrapped)[0]!.gaps.length).toBeGreaterThan(0);
    expect(gaps(wrapped)[0]!.gaps.every((g) => g.reason === 'snaplen')).toBe(true);
    expect(gaps(wrapped)).toEqual(gaps(plain));
    expect(certRows(wrapped)).toEqual(certRows(plain));
  });
});
