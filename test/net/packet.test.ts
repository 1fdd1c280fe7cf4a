import { describe, expect, it } from 'vitest';
import type { Frame } from '../../src/capture/types.js';
import { PacketDecoder, formatIp } from '../../src/net/index.js';
import { ethernet, tcpPacketIp } from '../helpers/frames.js';

function frame(data: Uint8Array, linkType = 1): Frame {
  return { number: 1, tsSec: 0, tsNsec: 0, linkType, interfaceId: 0, data, origLen: data.length, fileOffset: 0 };
}
const ip = tcpPacketIp({ src: '192.0.2.1', dst: '198.51.100.7', sport: 1234, dport: 5061, seq: 42, ack: 7, flags: 'PA', payload: 'hi' });

function expectTcp(out: ReturnType<PacketDecoder['decode']>) {
  expect(out.kind).toBe('tcp');
  if (out.kind !== 'tcp') return;
  expect(formatIp(out.seg.src)).toBe('192.0.2.1');
  expect(out.seg.dstPort).toBe(5061);
  expect(out.seg.seq).toBe(42);
  expect(Buffer.from(out.seg.payload).toString()).toBe('hi');
}

describe('link and IP decoding', () => {
  const d = new PacketDecoder();
  it('Ethernet', () => expectTcp(d.decode(frame(ethernet(ip)))));
  it('802.1Q and stacked 802.1ad tags', () => {
    expectTcp(d.decode(frame(ethernet(ip, [100]))));
    const qinq = ethernet(ip, [10, 20]);
    qinq[12] = 0x88;
    qinq[13] = 0xa8;
    expectTcp(d.decode(frame(qinq)));
  });
  it('raw IP under link types 101, 228, 12 and 14', () => {
    for (const lt of [101, 228, 12, 14]) expectTcp(d.decode(frame(ip, lt)));
  });
  it('Linux cooked SLL and SLL2', () => {
    const sll = new Uint8Array(16 + ip.length);
    sll[14] = 0x08;
    sll.set(ip, 16);
    expectTcp(d.decode(frame(sll, 113)));
    const sll2 = new Uint8Array(20 + ip.length);
    sll2[0] = 0x08;
    sll2.set(ip, 20);
    expectTcp(d.decode(frame(sll2, 276)));
  });
  it('BSD loopback in either byte order, and OpenBSD LOOP', () => {
    const le = new Uint8Array([2, 0, 0, 0, ...ip]);
    const be = new Uint8Array([0, 0, 0, 2, ...ip]);
    expectTcp(d.decode(frame(le, 0)));
    expectTcp(d.decode(frame(be, 0)));
    expectTcp(d.decode(frame(be, 108)));
  });
  it('IPv6 with extension headers', () => {
    const tcp = ip.subarray(20);
    const hbh = [6, 0, 0, 0, 0, 0, 0, 0]; // next header TCP, length 8
    const v6 = new Uint8Array(40 + hbh.length + tcp.length);
    v6[0] = 0x60;
    v6[4] = 0;
    v6[5] = hbh.length + tcp.length;
    v6[6] = 0; // hop-by-hop
    v6[7] = 64;
    v6[8] = 0x20;
    v6[9] = 0x01;
    v6[10] = 0x0d;
    v6[11] = 0xb8;
    v6[23] = 1;
    v6[39] = 2;
    v6.set(hbh, 40);
    v6.set(tcp, 48);
    const out = d.decode(frame(v6, 229));
    expect(out.kind).toBe('tcp');
    if (out.kind === 'tcp') {
      expect(formatIp(out.seg.src)).toBe('2001:db8::1');
      expect(out.seg.dstPort).toBe(5061);
    }
  });
  it('snap length: the IP header announces more than was captured', () => {
    const cut = ethernet(ip).subarray(0, 14 + 40 + 1);
    const out = d.decode(frame(cut));
    expect(out.kind).toBe('tcp');
    if (out.kind === 'tcp') expect(out.seg.payloadMissing).toBe(1);
  });
  it('malformed headers are reported, not thrown', () => {
    expect(d.decode(frame(new Uint8Array([1, 2, 3]))).kind).toBe('malformed');
    const badIhl = ethernet(ip);
    badIhl[14] = 0x41;
    expect(d.decode(frame(badIhl))).toMatchObject({ kind: 'malformed', layer: 'IPv4' });
    const badOff = ethernet(ip);
    badOff[14 + 20 + 12] = 0x10;
    expect(d.decode(frame(badOff))).toMatchObject({ kind: 'malformed', layer: 'TCP' });
  });
  it('unknown link types are named, not fatal', () => {
    expect(d.decode(frame(ip, 147))).toEqual({ kind: 'unknown-link', linkType: 147 });
  });
  it('IPv4 fragments are reassembled', () => {
    const whole = tcpPacketIp({ seq: 1, flags: 'PA', payload: 'x'.repeat(40) });
    const body = whole.subarray(20);
    const mk = (off: number, part: Uint8Array, more: boolean) => {
      const p = new Uint8Array(20 + part.length);
      p.set(whole.subarray(0, 20));
      p[2] = (p.length >> 8) & 0xff;
      p[3] = p.length & 0xff;
      p[4] = 0x12;
      p[5] = 0x34;
      const f = (off / 8) | (more ? 0x2000 : 0);
      p[6] = f >> 8;
      p[7] = f & 0xff;
      p.set(part, 20);
      return p;
    };
    const dec = new PacketDecoder();
    expect(dec.decode(frame(mk(32, body.subarray(32), false), 101)).kind).toBe('fragment');
    const out = dec.decode(frame(mk(0, body.subarray(0, 32), true), 101));
    expect(out.kind).toBe('tcp');
    if (out.kind === 'tcp') expect(out.seg.payload.length).toBe(40);
  });
  it('formats IPv6 as RFC 5952', () => {
    const a = new Uint8Array(16);
    a[0] = 0x20; a[1] = 0x01; a[2] = 0x0d; a[3] = 0xb8; a[15] = 1;
    expect(formatIp(a)).toBe('2001:db8::1');
    expect(formatIp(new Uint8Array(16))).toBe('::');
  });
});
