/** The capture writer (src/capture/writer.ts, shared through scripts/lib/pcap) and the frame builders: checksums, container layouts, gzip, and that it is the only writer. */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { readCapture } from '../../src/capture/index.js';
import { repoRoot } from '../helpers/corpus.js';
import { pcapFile, pcapngFile } from '../helpers/frames.js';
import {
  buildTcpFrame, buildUdpFrame, CaptureWriter, foldChecksum, ip, LINKTYPE, mac, onesSum, TcpConnection, TCP_FLAGS,
  type Link, type TcpEndpoint,
} from '../../scripts/lib/pcap/index.js';

const link: Link = { kind: 'ethernet', src: mac('00:50:56:a2:4c:31'), dst: mac('00:08:e3:ff:fd:90') };

/** Verifies a TCP or UDP checksum over the pseudo-header: the folded sum of everything must be 0. */
function transportChecksumOk(frame: Uint8Array, ipOff: number): boolean {
  const v6 = frame[ipOff]! >> 4 === 6;
  const hdr = v6 ? 40 : 20;
  const proto = v6 ? frame[ipOff + 6]! : frame[ipOff + 9]!;
  const l4 = frame.length - ipOff - hdr;
  let sum = v6 ? onesSum(frame, ipOff + 8, ipOff + 40) : onesSum(frame, ipOff + 12, ipOff + 20);
  sum += proto + l4;
  sum = onesSum(frame, ipOff + hdr, frame.length, sum);
  return foldChecksum(sum) === 0;
}

describe('frame builders', () => {
  it('IPv4 header and TCP checksums verify; payload, ports and flags are where they belong', () => {
    const payload = new Uint8Array(1001).map((_, i) => i * 7);
    const f = buildTcpFrame(link, { src: ip('10.106.80.31'), dst: ip('163.129.37.33'), srcPort: 25002, dstPort: 5061, seq: 0xfffffff0, ack: 5, flags: TCP_FLAGS.ACK | TCP_FLAGS.PSH, window: 502, payload, id: 0x1234 });
    expect(f.length).toBe(14 + 20 + 20 + 1001);
    expect(foldChecksum(onesSum(f, 14, 34))).toBe(0);
    expect(transportChecksumOk(f, 14)).toBe(true);
    expect((f[34]! << 8) | f[35]!).toBe(25002);
    expect(Buffer.from(f.subarray(54)).equals(Buffer.from(payload))).toBe(true);
  });

  it('802.1Q, SLL2 and IPv6 frames carry valid checksums too', () => {
    const vlan = buildTcpFrame({ ...link, vlan: 106 }, { src: ip('10.0.0.1'), dst: ip('10.0.0.2'), srcPort: 1, dstPort: 2, seq: 1, ack: 1, flags: TCP_FLAGS.SYN, window: 1 });
    expect([vlan[12], vlan[13], vlan[15], vlan[16], vlan[17]]).toEqual([0x81, 0x00, 106, 0x08, 0x00]);
    expect(transportChecksumOk(vlan, 18)).toBe(true);
    const v6 = buildTcpFrame({ kind: 'sll2', ifindex: 2, packetType: 4, src: mac('00:50:56:a2:4c:31') }, { src: ip('2001:db8:106:80::31'), dst: ip('2001:db8::33'), srcPort: 1, dstPort: 2, seq: 1, ack: 1, flags: TCP_FLAGS.ACK, window: 1, payload: new Uint8Array([1, 2, 3]) });
    expect([v6[0], v6[1]]).toEqual([0x86, 0xdd]);
    expect(transportChecksumOk(v6, 20)).toBe(true);
    const udp = buildUdpFrame(link, { src: ip('10.0.0.1'), dst: ip('10.0.0.2'), srcPort: 123, dstPort: 123, payload: new Uint8Array(48) });
    expect(transportChecksumOk(udp, 14)).toBe(true);
  });
});

describe('TcpConnection', () => {
  const ep = (addr: string, port: number, isn: number): TcpEndpoint => ({ ip: ip(addr), port, mac: mac('00:00:00:00:00:01'), isn, mss: 1460, window: 64240, wscale: 7, ttl: 64, ipId: 1, tsBase: 1000 });
  it('segments by MSS minus the timestamp option and keeps sequence numbers across the 2^32 wrap', () => {
    const metas: { seq: number; ack: number; len: number; flags: number }[] = [];
    const c = new TcpConnection({ client: ep('10.0.0.1', 40000, 0xffffff00), server: ep('10.0.0.2', 443, 7) }, (_t, _f, m) => metas.push({ seq: m.seq, ack: m.ack, len: m.payloadLength, flags: m.flags }));
    let t = c.open(1_000_000_000n, 100_000n, 100_000n);
    t = c.send('c2s', t, new Uint8Array(4000));
    c.ack('s2c', t + 1000n);
    c.fin('c2s', t + 2000n);
    const data = metas.filter((m) => m.len > 0);
    expect(data.map((m) => m.len)).toEqual([1448, 1448, 1104]);
    expect(data[0]!.seq).toBe(0xffffff01);
    expect(data[2]!.seq).toBe((0xffffff01 + 2896) >>> 0);
    const ack = metas.at(-2)!;
    expect(ack.ack).toBe((0xffffff01 + 4000) >>> 0);
    expect(metas.at(-1)!.flags & TCP_FLAGS.FIN).toBeTruthy();
  });
});

describe('CaptureWriter', () => {
  const frame = new Uint8Array(61).fill(0xab);
  const ts = 1_774_353_266_106_123_456n;

  it('writes classic pcap, little or big endian, micro or nano seconds', () => {
    for (const [bigEndian, nanosecond] of [[false, false], [true, false], [false, true]] as const) {
      const w = CaptureWriter.toMemory({ format: 'pcap', linktype: LINKTYPE.ETHERNET, bigEndian, nanosecond });
      w.packet(ts, frame);
      w.close();
      const b = Buffer.from(w.bytes());
      const u32 = (o: number) => (bigEndian ? b.readUInt32BE(o) : b.readUInt32LE(o));
      expect(u32(0)).toBe(nanosecond ? 0xa1b23c4d : 0xa1b2c3d4);
      expect(u32(20)).toBe(1);
      expect(u32(24)).toBe(1_774_353_266);
      expect(u32(28)).toBe(nanosecond ? 106_123_456 : 106_123);
      expect(u32(32)).toBe(61);
      expect(b.length).toBe(24 + 16 + 61);
    }
  });

  it('writes pcapng blocks whose two lengths agree, with if_tsresol', () => {
    const w = CaptureWriter.toMemory({ format: 'pcapng', linktype: LINKTYPE.LINUX_SLL2, nanosecond: true, interfaceName: 'eth0', application: 'test' });
    w.packet(ts, frame);
    w.close();
    const b = Buffer.from(w.bytes());
    const types: number[] = [];
    for (let o = 0; o < b.length; ) {
      const len = b.readUInt32LE(o + 4);
      expect(len % 4).toBe(0);
      expect(b.readUInt32LE(o + len - 4)).toBe(len);
      types.push(b.readUInt32LE(o));
      if (b.readUInt32LE(o) === 1) {
        expect(b.readUInt16LE(o + 8)).toBe(276);
        expect(b.subarray(o + 16, o + len - 4).includes(Buffer.from([9, 0, 1, 0, 9]))).toBe(true);
      }
      if (b.readUInt32LE(o) === 6) {
        const units = (BigInt(b.readUInt32LE(o + 12)) << 32n) | BigInt(b.readUInt32LE(o + 16));
        expect(units).toBe(ts);
      }
      o += len;
    }
    expect(types).toEqual([0x0a0d0d0a, 1, 6]);
  });

  it('gzips to something zlib reads back', () => {
    const w = CaptureWriter.toMemory({ format: 'pcap', linktype: 1, gzip: true });
    for (let i = 0; i < 100; i++) w.packet(ts + BigInt(i), frame);
    w.close();
    const raw = zlib.gunzipSync(w.bytes());
    expect(raw.length).toBe(24 + 100 * (16 + 61));
  });

  it('writes a time nanoseconds cannot express in the resolution if_tsresol names, and the reader agrees', async () => {
    // 1/1024 s units (if_tsresol 0x80 | 10): 1000.5 s after the epoch.
    const w = CaptureWriter.toMemory({ format: 'pcapng', linktype: 1, tsresol: 0x80 | 10 });
    w.packetAt((1000n << 10n) + 512n, frame);
    w.packet(2_000_250_000_000n, frame); // 2000.25 s, given in nanoseconds and converted
    w.close();
    const got: Array<[number, number]> = [];
    await readCapture(Readable.from([Buffer.from(w.bytes())]), (f) => void got.push([f.tsSec, f.tsNsec]));
    expect(got).toEqual([
      [1000, 500_000_000],
      [2000, 250_000_000],
    ]);
  });

  it('writes a decryption secrets block where it is asked, and the reader hands it to its hook', async () => {
    const w = CaptureWriter.toMemory({ format: 'pcapng', linktype: 1 });
    w.packet(ts, frame);
    w.secrets(0x544c534b, Buffer.from('CLIENT_RANDOM 00 11\n'));
    w.packet(ts + 1000n, frame);
    w.close();
    const seen: string[] = [];
    const summary = await readCapture(Readable.from([Buffer.from(w.bytes())]), () => undefined, {
      onSecrets: (t, d) => void seen.push(`${t.toString(16)}:${Buffer.from(d).toString()}`),
    });
    expect(summary.problems).toEqual([]);
    expect(summary.frames).toBe(2);
    expect(seen).toEqual(['544c534b:CLIENT_RANDOM 00 11\n']);
    expect(() => CaptureWriter.toMemory({ format: 'pcap', linktype: 1 }).secrets(1, new Uint8Array(1))).toThrow(/pcapng/);
  });
});

describe('one capture writer', () => {
  it('no file but src/capture/writer.ts writes a pcap header or a pcapng section header (tests, generator, benchmark)', () => {
    // A header written by hand: a write of the pcap magics or the section header block type, or the
    // magic spelled out as bytes of a file. Readers compare with these numbers; they never write them.
    const written = /(?:write\w*|set\w*|u32|w32|w)\(\s*(?:[\w.]+,\s*)?[^,()'"`]*?0x(?:a1b2c3d4|a1b23c4d|0a0d0d0a)\b|pcapngBlock\(\s*0x0a0d0d0a|['"](?:d4c3b2a1|a1b2c3d4)/;
    const offenders: string[] = [];
    for (const dir of ['src', 'scripts', 'test', 'bench']) {
      for (const f of filesUnder(join(repoRoot, dir))) {
        const rel = relative(repoRoot, f);
        if (rel === join('src', 'capture', 'writer.ts') || rel === join('test', 'captures', 'pcap-writer.test.ts')) continue;
        readFileSync(f, 'utf8')
          .split('\n')
          .forEach((line, i) => {
            if (written.test(line)) offenders.push(`${rel}:${i + 1}: ${line.trim()}`);
          });
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the test helpers write through it: pcapFile and pcapngFile give the writer\'s bytes', () => {
    const data = new Uint8Array(60).fill(7);
    const w = CaptureWriter.toMemory({ format: 'pcap', linktype: 1 });
    w.packetAt(1_700_000_000n * 1_000_000n + 5n, data);
    w.close();
    expect(pcapFile([{ data, sec: 1_700_000_000, sub: 5 }])).toEqual(Buffer.from(w.bytes()));
    const n = CaptureWriter.toMemory({ format: 'pcapng', linktype: 101, bigEndian: true });
    n.packetAt(1_700_000_001n * 1_000_000n, data, 1500);
    n.close();
    expect(pcapngFile([{ data, sec: 1_700_000_001, origLen: 1500 }], { linkType: 101, be: true })).toEqual(Buffer.from(n.bytes()));
  });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'corpus' ? [] : filesUnder(p);
    return /\.(ts|tsx|mjs|js|sh)$/.test(e.name) ? [p] : [];
  });
}

