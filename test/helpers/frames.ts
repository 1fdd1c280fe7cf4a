/** Minimal frame and file builders for decoder and reassembly tests. */
import { CaptureWriter } from '../../src/capture/writer.js';

export function ipv4(s: string): number[] {
  return s.split('.').map((x) => parseInt(x, 10));
}

export interface TcpOpts {
  src?: string;
  dst?: string;
  sport?: number;
  dport?: number;
  seq: number;
  ack?: number;
  flags: string; // letters: S A F R P
  payload?: Uint8Array | string;
  vlan?: number[];
}

export function tcpFlags(f: string): number {
  let v = 0;
  if (f.includes('F')) v |= 1;
  if (f.includes('S')) v |= 2;
  if (f.includes('R')) v |= 4;
  if (f.includes('P')) v |= 8;
  if (f.includes('A')) v |= 16;
  return v;
}

function u16(n: number): number[] {
  return [(n >> 8) & 0xff, n & 0xff];
}
function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

export function tcpPacketIp(o: TcpOpts): Uint8Array {
  const payload = typeof o.payload === 'string' ? new TextEncoder().encode(o.payload) : o.payload ?? new Uint8Array();
  const tcp = [...u16(o.sport ?? 40000), ...u16(o.dport ?? 443), ...u32(o.seq >>> 0), ...u32((o.ack ?? 0) >>> 0), 0x50, tcpFlags(o.flags), ...u16(65535), 0, 0, 0, 0];
  const total = 20 + tcp.length + payload.length;
  const ip = [0x45, 0, ...u16(total), 0, 0, 0x40, 0, 64, 6, 0, 0, ...ipv4(o.src ?? '10.0.0.1'), ...ipv4(o.dst ?? '10.0.0.2')];
  const out = new Uint8Array(total);
  out.set(ip, 0);
  out.set(tcp, 20);
  out.set(payload, 40);
  return out;
}

export function ethernet(ipPacket: Uint8Array, vlan: number[] = []): Uint8Array {
  const hdr = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  for (const v of vlan) hdr.push(0x81, 0x00, ...u16(v));
  hdr.push(0x08, 0x00);
  const out = new Uint8Array(hdr.length + ipPacket.length);
  out.set(hdr, 0);
  out.set(ipPacket, hdr.length);
  return out;
}

export interface RawFrame {
  data: Uint8Array;
  sec?: number;
  sub?: number;
  origLen?: number;
}

/** Default capture time of the i-th frame when it gives none: one second apart from 2023-11-14. */
const defaultSec = (i: number): number => 1_700_000_000 + i;

/** Classic pcap (the project's one writer, src/capture/writer.ts); `ns` writes the nanosecond magic; `be` big-endian. */
export function pcapFile(frames: RawFrame[], opts: { linkType?: number; ns?: boolean; be?: boolean; snaplen?: number } = {}): Buffer {
  const w = CaptureWriter.toMemory({
    format: 'pcap',
    linktype: opts.linkType ?? 1,
    ...(opts.ns ? { nanosecond: true } : {}),
    ...(opts.be ? { bigEndian: true } : {}),
    ...(opts.snaplen !== undefined ? { snaplen: opts.snaplen } : {}),
  });
  const perSecond = opts.ns ? 1_000_000_000n : 1_000_000n;
  frames.forEach((f, i) => w.packetAt(BigInt(f.sec ?? defaultSec(i)) * perSecond + BigInt(f.sub ?? 0), f.data, f.origLen ?? f.data.length));
  w.close();
  return Buffer.from(w.bytes());
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

export function pcapngBlock(type: number, body: Buffer, le = true): Buffer {
  const len = 12 + pad4(body.length);
  const b = Buffer.alloc(len);
  const w = (v: number, o: number) => (le ? b.writeUInt32LE(v >>> 0, o) : b.writeUInt32BE(v >>> 0, o));
  w(type, 0);
  w(len, 4);
  body.copy(b, 8);
  w(len, len - 4);
  return b;
}

/** pcapng with one interface (the project's one writer); `tsUnits` gives a frame's time in the `tsresol` units. */
export function pcapngFile(frames: RawFrame[], opts: { linkType?: number; tsresol?: number; be?: boolean; tsUnits?: (f: RawFrame, i: number) => bigint } = {}): Buffer {
  const w = CaptureWriter.toMemory({
    format: 'pcapng',
    linktype: opts.linkType ?? 1,
    ...(opts.tsresol !== undefined ? { tsresol: opts.tsresol } : {}),
    ...(opts.be ? { bigEndian: true } : {}),
  });
  frames.forEach((f, i) => {
    const units = opts.tsUnits ? opts.tsUnits(f, i) : BigInt(f.sec ?? defaultSec(i)) * 1_000_000n + BigInt(f.sub ?? 0);
    w.packetAt(units, f.data, f.origLen ?? f.data.length);
  });
  w.close();
  return Buffer.from(w.bytes());
}
