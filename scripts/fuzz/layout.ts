/**
 * A capture file as a list of records the mutator can edit, duplicate, drop and reorder, then write
 * back. Only what the mutator needs is understood: pcap record headers (caplen, origlen), pcapng
 * block lengths and enhanced packet blocks, and where the IP and TCP headers sit in a frame so a
 * payload can change length and stay a valid segment. Anything else is kept as opaque bytes.
 */
import { PacketDecoder } from '../../src/net/index.js';

export interface PacketRecord {
  readonly kind: 'packet';
  /** pcap: 16-byte record header; pcapng: the EPB's first 28 bytes. Copied, edited on write. */
  head: Uint8Array;
  /** Captured frame bytes (a private copy). */
  data: Uint8Array;
  /** Bytes after the frame in the block (pcapng options), kept as they are. */
  tail: Uint8Array;
  linkType: number;
}

export interface OpaqueRecord {
  readonly kind: 'opaque';
  bytes: Uint8Array;
}

export type CaptureRecord = PacketRecord | OpaqueRecord;

export interface CaptureLayout {
  readonly format: 'pcap' | 'pcapng';
  readonly le: boolean;
  /** pcap: the 24-byte file header; pcapng: empty (the SHB is the first opaque record). */
  readonly header: Uint8Array;
  records: CaptureRecord[];
  /** Bytes after the last whole record (a file already cut short), kept at the end. */
  readonly trailer: Uint8Array;
}

const PCAP_MAGIC = new Set([0xa1b2c3d4, 0xa1b23c4d]);

function reader(buf: Uint8Array, le: boolean) {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  return { u32: (o: number) => dv.getUint32(o, le), u16: (o: number) => dv.getUint16(o, le) };
}

/** Splits a (decompressed) capture into records; undefined when it is neither pcap nor pcapng. */
export function parseLayout(buf: Uint8Array): CaptureLayout | undefined {
  if (buf.length < 24) return undefined;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const be = dv.getUint32(0, false);
  const lem = dv.getUint32(0, true);
  if (PCAP_MAGIC.has(be) || PCAP_MAGIC.has(lem)) {
    const le = PCAP_MAGIC.has(lem);
    const r = reader(buf, le);
    const linkType = r.u32(20) & 0x0fffffff;
    const records: CaptureRecord[] = [];
    let p = 24;
    while (p + 16 <= buf.length) {
      const caplen = r.u32(p + 8);
      if (p + 16 + caplen > buf.length) break;
      records.push({ kind: 'packet', head: buf.slice(p, p + 16), data: buf.slice(p + 16, p + 16 + caplen), tail: new Uint8Array(0), linkType });
      p += 16 + caplen;
    }
    return { format: 'pcap', le, header: buf.slice(0, 24), records, trailer: buf.slice(p) };
  }
  if (be !== 0x0a0d0d0a) return undefined;
  const le = dv.getUint32(8, true) === 0x1a2b3c4d;
  const r = reader(buf, le);
  const records: CaptureRecord[] = [];
  const links: number[] = [];
  let p = 0;
  while (p + 12 <= buf.length) {
    const type = r.u32(p);
    const len = r.u32(p + 4);
    if (len < 12 || p + len > buf.length) break;
    if (type === 0x0a0d0d0a) links.length = 0;
    if (type === 1 && len >= 20) links.push(r.u16(p + 8));
    if (type === 6 && len >= 32) {
      const caplen = r.u32(p + 20);
      const iface = r.u32(p + 8);
      if (28 + caplen + 4 <= len) {
        const padded = (caplen + 3) & ~3;
        records.push({
          kind: 'packet',
          head: buf.slice(p, p + 28),
          data: buf.slice(p + 28, p + 28 + caplen),
          tail: buf.slice(p + 28 + Math.min(padded, len - 32), p + len - 4),
          linkType: links[iface] ?? 1,
        });
        p += len;
        continue;
      }
    }
    records.push({ kind: 'opaque', bytes: buf.slice(p, p + len) });
    p += len;
  }
  return { format: 'pcapng', le, header: new Uint8Array(0), records, trailer: buf.slice(p) };
}

/** A record's length in the file: a pcap record header and its bytes, or a pcapng block's total length. */
export function recordLength(l: CaptureLayout, r: CaptureRecord): number {
  if (r.kind === 'opaque') return r.bytes.length;
  if (l.format === 'pcap') return 16 + r.data.length;
  return new DataView(r.head.buffer, r.head.byteOffset).getUint32(4, l.le);
}

/** Packet records wholly inside the first `n` bytes of a capture, and where the record cut by `n` starts. */
export function wholeRecords(file: Uint8Array, n: number): { frames: number; cutAt: number } {
  const l = parseLayout(file)!;
  let p = l.header.length;
  let frames = 0;
  for (const r of l.records) {
    const len = recordLength(l, r);
    if (p + len > n) break;
    p += len;
    if (r.kind === 'packet') frames++;
  }
  return { frames, cutAt: p };
}

/** Writes the layout back, recomputing the lengths of every packet record from its data. */
export function writeLayout(l: CaptureLayout): Uint8Array {
  const parts: Uint8Array[] = [l.header];
  for (const rec of l.records) {
    if (rec.kind === 'opaque') {
      parts.push(rec.bytes);
      continue;
    }
    if (l.format === 'pcap') {
      const h = rec.head.slice();
      const dv = new DataView(h.buffer);
      const oldCap = dv.getUint32(8, l.le);
      const oldOrig = dv.getUint32(12, l.le);
      dv.setUint32(8, rec.data.length, l.le);
      // Keep a snap-length cut as it was; otherwise the wire length follows the data.
      dv.setUint32(12, oldOrig > oldCap ? Math.max(oldOrig, rec.data.length) : rec.data.length, l.le);
      parts.push(h, rec.data);
      continue;
    }
    const padded = (rec.data.length + 3) & ~3;
    const len = 28 + padded + rec.tail.length + 4;
    const h = rec.head.slice();
    const dv = new DataView(h.buffer);
    const oldCap = dv.getUint32(20, l.le);
    const oldOrig = dv.getUint32(24, l.le);
    dv.setUint32(4, len, l.le);
    dv.setUint32(20, rec.data.length, l.le);
    dv.setUint32(24, oldOrig > oldCap ? Math.max(oldOrig, rec.data.length) : rec.data.length, l.le);
    const end = new Uint8Array(4);
    new DataView(end.buffer).setUint32(0, len, l.le);
    parts.push(h, rec.data, new Uint8Array(padded - rec.data.length), rec.tail, end);
  }
  parts.push(l.trailer);
  return new Uint8Array(Buffer.concat(parts));
}

/** Where a TCP segment sits in a frame: enough to change its payload and keep the headers true. */
export interface SegmentLocation {
  readonly ipOffset: number;
  readonly ipVersion: 4 | 6;
  readonly tcpOffset: number;
  readonly payloadOffset: number;
  readonly payloadLength: number;
}

/**
 * Finds the innermost IP header of a TCP segment by checking the candidates a link layer can put it
 * at against the payload offset the real decoder reports. Undefined for non-TCP frames, IPv4
 * fragments, and IPv6 extension headers (those are only byte-mutated).
 */
export function locateSegment(rec: PacketRecord): SegmentLocation | undefined {
  const frame = { number: 1, tsSec: 0, tsNsec: 0, linkType: rec.linkType, interfaceId: 0, data: rec.data, origLen: rec.data.length, fileOffset: 0 };
  let out;
  try {
    out = new PacketDecoder().decode(frame);
  } catch {
    return undefined;
  }
  if (out.kind !== 'tcp') return undefined;
  const d = rec.data;
  const po = out.seg.payloadOffset;
  for (let o = po - 40; o >= 0; o--) {
    const v = d[o]! >> 4;
    if (v === 4) {
      const ihl = (d[o]! & 0x0f) * 4;
      if (ihl < 20 || o + ihl + 13 >= d.length || d[o + 9] !== 6) continue;
      const thl = (d[o + ihl + 12]! >> 4) * 4;
      if (o + ihl + thl === po) return { ipOffset: o, ipVersion: 4, tcpOffset: o + ihl, payloadOffset: po, payloadLength: out.seg.payload.length };
    } else if (v === 6 && d[o + 6] === 6 && o + 40 + 13 < d.length) {
      const thl = (d[o + 52]! >> 4) * 4;
      if (o + 40 + thl === po) return { ipOffset: o, ipVersion: 6, tcpOffset: o + 40, payloadOffset: po, payloadLength: out.seg.payload.length };
    }
  }
  return undefined;
}

/** A copy of the frame with its TCP payload replaced and the IP length field adjusted. */
export function withPayload(rec: PacketRecord, loc: SegmentLocation, payload: Uint8Array, seqDelta = 0): PacketRecord {
  const d = rec.data;
  const end = loc.payloadOffset + loc.payloadLength;
  const out = new Uint8Array(loc.payloadOffset + payload.length + (d.length - end));
  out.set(d.subarray(0, loc.payloadOffset), 0);
  out.set(payload, loc.payloadOffset);
  out.set(d.subarray(end), loc.payloadOffset + payload.length);
  const dv = new DataView(out.buffer);
  const delta = payload.length - loc.payloadLength;
  if (loc.ipVersion === 4) {
    const total = dv.getUint16(loc.ipOffset + 2);
    if (total !== 0) dv.setUint16(loc.ipOffset + 2, (total + delta) & 0xffff);
  } else {
    const plen = dv.getUint16(loc.ipOffset + 4);
    if (plen !== 0) dv.setUint16(loc.ipOffset + 4, (plen + delta) & 0xffff);
  }
  if (seqDelta !== 0) dv.setUint32(loc.tcpOffset + 4, (dv.getUint32(loc.tcpOffset + 4) + seqDelta) >>> 0);
  return { ...rec, data: out };
}
