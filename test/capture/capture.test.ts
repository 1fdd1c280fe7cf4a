import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readCapture, CaptureFormatError, type Frame } from '../../src/capture/index.js';
import { ethernet, pcapFile, pcapngBlock, pcapngFile, tcpPacketIp } from '../helpers/frames.js';

const dir = mkdtempSync(join(tmpdir(), 'ekuscope-capture-'));
function file(name: string, data: Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
}

async function frames(path: string) {
  const got: { number: number; sec: number; nsec: number; len: number; link: number; iface: number; first: number }[] = [];
  const summary = await readCapture(path, (f: Frame) => {
    got.push({ number: f.number, sec: f.tsSec, nsec: f.tsNsec, len: f.data.length, link: f.linkType, iface: f.interfaceId, first: f.data[0]! });
  });
  return { got, summary };
}

const pkt = (n: number) => ethernet(tcpPacketIp({ seq: n, flags: 'A', payload: 'x'.repeat(n) }));

describe('classic pcap', () => {
  for (const be of [false, true]) {
    for (const ns of [false, true]) {
      it(`${be ? 'big' : 'little'}-endian, ${ns ? 'nano' : 'micro'}second timestamps`, async () => {
        const p = file(`t-${be}-${ns}.pcap`, pcapFile([{ data: pkt(1), sec: 100, sub: 123456 }, { data: pkt(2), sec: 101, sub: 999 }], { be, ns }));
        const { got, summary } = await frames(p);
        expect(summary.format).toBe(ns ? 'pcap-ns' : 'pcap');
        expect(summary.problems).toEqual([]);
        expect(got.map((g) => g.number)).toEqual([1, 2]);
        expect(got[0]).toMatchObject({ sec: 100, nsec: ns ? 123456 : 123456000, len: pkt(1).length, link: 1 });
        expect(got[1]).toMatchObject({ sec: 101, nsec: ns ? 999 : 999000 });
      });
    }
  }

  it('gzip is recognised by its bytes, not its name', async () => {
    const p = file('compressed.cap', gzipSync(pcapFile([{ data: pkt(3) }])));
    const { got, summary } = await frames(p);
    expect(summary.gzip).toBe(true);
    expect(got).toHaveLength(1);
  });

  it('flags snaplen-truncated frames', async () => {
    const p = file('snap.pcap', pcapFile([{ data: pkt(5), origLen: 1500 }]));
    const { summary } = await frames(p);
    expect(summary.truncatedFrames).toBe(1);
  });

  it('a file cut inside a record keeps the frames before it and says where', async () => {
    const whole = pcapFile([{ data: pkt(1) }, { data: pkt(2) }, { data: pkt(3) }]);
    const p = file('cut.pcap', whole.subarray(0, whole.length - 10));
    const { got, summary } = await frames(p);
    expect(got).toHaveLength(2);
    expect(summary.problems[0]!.severity).toBe('fatal');
    expect(summary.problems[0]!.message).toMatch(/ends inside record 3 at byte offset \d+/);
  });

  it('an absurd captured length stops reading with the offset, without buffering it', async () => {
    const good = pcapFile([{ data: pkt(1) }]);
    const bad = Buffer.alloc(16);
    bad.writeUInt32LE(1, 0);
    bad.writeUInt32LE(0x7fffffff, 8);
    bad.writeUInt32LE(0x7fffffff, 12);
    const p = file('absurd.pcap', Buffer.concat([good, bad, Buffer.alloc(1000)]));
    const { got, summary } = await frames(p);
    expect(got).toHaveLength(1);
    expect(summary.problems[0]!.message).toMatch(/record 2 at byte offset \d+ claims 2147483647 captured bytes/);
  });

  it('a file that is not a capture gets one line saying what it looks like', async () => {
    const p = file('cert.pem', Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'));
    await expect(readCapture(p, () => {})).rejects.toThrow(CaptureFormatError);
    await expect(readCapture(p, () => {})).rejects.toThrow(/PEM file/);
  });
});

describe('pcapng', () => {
  for (const be of [false, true]) {
    it(`${be ? 'big' : 'little'}-endian sections`, async () => {
      const p = file(`t-${be}.pcapng`, pcapngFile([{ data: pkt(1), sec: 5, sub: 7 }, { data: pkt(2), sec: 6, sub: 8 }], { be }));
      const { got, summary } = await frames(p);
      expect(summary.problems).toEqual([]);
      expect(got.map((g) => [g.number, g.sec, g.nsec])).toEqual([
        [1, 5, 7000],
        [2, 6, 8000],
      ]);
    });
  }

  it('if_tsresol in nanoseconds and in powers of two', async () => {
    const ns = file('ns.pcapng', pcapngFile([{ data: pkt(1) }], { tsresol: 9, tsUnits: () => 1_700_000_000n * 1_000_000_000n + 123_456_789n }));
    expect((await frames(ns)).got[0]).toMatchObject({ sec: 1_700_000_000, nsec: 123_456_789 });
    const p2 = file('p2.pcapng', pcapngFile([{ data: pkt(1) }], { tsresol: 0x80 | 10, tsUnits: () => (1000n << 10n) + 512n }));
    expect((await frames(p2)).got[0]).toMatchObject({ sec: 1000, nsec: 500_000_000 });
  });

  it('several sections, unknown blocks skipped, interfaces per section', async () => {
    const a = pcapngFile([{ data: pkt(1) }]);
    const unknown = pcapngBlock(0x0bad, Buffer.from('whatever'));
    const b = pcapngFile([{ data: new Uint8Array([0x45]) }], { linkType: 101 });
    const p = file('multi.pcapng', Buffer.concat([a, unknown, b]));
    const { got, summary } = await frames(p);
    expect(summary.problems).toEqual([]);
    expect(got.map((g) => g.link)).toEqual([1, 101]);
    expect([...summary.linkTypes].sort()).toEqual([1, 101]);
  });

  it('the two block lengths must agree', async () => {
    const f = pcapngFile([{ data: pkt(1) }, { data: pkt(2) }]);
    // Corrupt the trailing length of the last block.
    f.writeUInt32LE(4, f.length - 4);
    const { got, summary } = await frames(file('disagree.pcapng', f));
    expect(got).toHaveLength(1);
    expect(summary.problems[0]!.message).toMatch(/two length fields disagree/);
  });

  it('a block claiming 4 GB stops reading without allocating it', async () => {
    const f = pcapngFile([{ data: pkt(1) }]);
    const bogus = Buffer.alloc(12);
    bogus.writeUInt32LE(6, 0);
    bogus.writeUInt32LE(0xfffffffc, 4);
    const { got, summary } = await frames(file('huge.pcapng', Buffer.concat([f, bogus])));
    expect(got).toHaveLength(1);
    expect(summary.problems[0]!.message).toMatch(/claims 4294967292 bytes/);
  });

  it('decryption secrets blocks reach the hook', async () => {
    const f = pcapngFile([{ data: pkt(1) }]);
    const secret = Buffer.from('CLIENT_RANDOM 00 11\n');
    const body = Buffer.alloc(8 + ((secret.length + 3) & ~3));
    body.writeUInt32LE(0x544c534b, 0);
    body.writeUInt32LE(secret.length, 4);
    secret.copy(body, 8);
    const p = file('dsb.pcapng', Buffer.concat([f, pcapngBlock(0x0a, body)]));
    const seen: string[] = [];
    await readCapture(p, () => {}, { onSecrets: (t, d) => seen.push(`${t.toString(16)}:${Buffer.from(d).toString()}`) });
    expect(seen).toEqual(['544c534b:CLIENT_RANDOM 00 11\n']);
  });
});
