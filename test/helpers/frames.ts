/** Minimal frame and file builders for decoder and reassembly tests. */

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

/** Classic pcap; `ns` writes the nanosecond magic; `be` big-endian. */
export function pcapFile(frames: RawFrame[], opts: { linkType?: number; ns?: boolean; be?: boolean; snaplen?: number } = {}): Buffer {
  const le = !opts.be;
  const parts: Buffer[] = [];
  const h = Buffer.alloc(24);
  const w32 = (b: Buffer, v: number, o: number) => (le ? b.writeUInt32LE(v >>> 0, o) : b.writeUInt32BE(v >>> 0, o));
  const w16 = (b: Buffer, v: number, o: number) => (le ? b.writeUInt16LE(v, o) : b.writeUInt16BE(v, o));
  w32(h, opts.ns ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  w16(h, 2, 4);
  w16(h, 4, 6);
  w32(h, opts.snaplen ?? 262144, 16);
  w32(h, opts.linkType ?? 1, 20);
  parts.push(h);
  frames.forEach((f, i) => {
    const r = Buffer.alloc(16);
    w32(r, f.sec ?? 1_700_000_000 + i, 0);
    w32(r, f.sub ?? 0, 4);
    w32(r, f.data.length, 8);
    w32(r, f.origLen ?? f.data.length, 12);
    parts.push(r, Buffer.from(f.data));
  });
  return Buffer.concat(parts);
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

export function pcapngFile(frames: RawFrame[], opts: { linkType?: number; tsresol?: number; be?: boolean; tsUnits?: (f: RawFrame, i: number) => bigint } = {}): Buffer {
  const le = !opts.be;
  const w32 = (b: Buffer, v: number, o: number) => (le ? b.writeUInt32LE(v >>> 0, o) : b.writeUInt32BE(v >>> 0, o));
  const w16 = (b: Buffer, v: number, o: number) => (le ? b.writeUInt16LE(v, o) : b.writeUInt16BE(v, o));
  const shbBody = Buffer.alloc(16);
  w32(shbBody, 0x1a2b3c4d, 0);
  w16(shbBody, 1, 4);
  w16(shbBody, 0, 6);
  shbBody.writeInt32LE(-1, 8);
  shbBody.writeInt32LE(-1, 12);
  const opt: number[] = [];
  const idbBody = Buffer.alloc(8 + (opts.tsresol !== undefined ? 12 : 0));
  w16(idbBody, opts.linkType ?? 1, 0);
  w32(idbBody, 262144, 4);
  if (opts.tsresol !== undefined) {
    w16(idbBody, 9, 8);
    w16(idbBody, 1, 10);
    idbBody[12] = opts.tsresol;
    // option end (code 0, len 0) at 16..19 already zero
  }
  void opt;
  const blocks = [pcapngBlock(0x0a0d0d0a, shbBody, le), pcapngBlock(1, idbBody, le)];
  frames.forEach((f, i) => {
    const units = opts.tsUnits ? opts.tsUnits(f, i) : BigInt(f.sec ?? 1_700_000_000 + i) * 1_000_000n + BigInt(f.sub ?? 0);
    const body = Buffer.alloc(20 + pad4(f.data.length));
    w32(body, 0, 0);
    w32(body, Number(units >> 32n), 4);
    w32(body, Number(units & 0xffffffffn), 8);
    w32(body, f.data.length, 12);
    w32(body, f.origLen ?? f.data.length, 16);
    Buffer.from(f.data).copy(body, 20);
    blocks.push(pcapngBlock(6, body, le));
  });
  return Buffer.concat(blocks);
}
