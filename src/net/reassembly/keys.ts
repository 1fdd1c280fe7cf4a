import { formatIp, type TcpSegment } from '../packet.js';

/** How the reassembler finds a segment's connection: keys that are the same for both directions. */

function cmpBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return 0;
}



/**
 * The live4 key of a connection, from its low end then its high end: 53 bits of a hash of the 96
 * bits of the two ends (murmur3's mixing), exact as a double. Different connections may share a
 * key; isConn4 tells them apart.
 */
export type Key4 = (loAddr: number, loPort: number, hiAddr: number, hiPort: number) => number;

export function key4(loAddr: number, loPort: number, hiAddr: number, hiPort: number): number {
  let h1 = Math.imul(loAddr ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(hiAddr, 0xc2b2ae35) ^ ((loPort << 16) | hiPort);
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b);
  h1 ^= h1 >>> 13;
  let h2 = Math.imul(hiAddr ^ 0x7f4a7c15, 0xcc9e2d51) ^ Math.imul(loAddr, 0x1b873593) ^ ((hiPort << 16) | loPort);
  h2 = Math.imul(h2 ^ (h2 >>> 15), 0xc2b2ae35);
  h2 ^= h2 >>> 16;
  return (h1 >>> 0) * 2097152 + (h2 >>> 11);
}

/** An IPv4 connection end as one number (address × 2^16 + port): which end of a connection is its low one. */
export function end4(addr: number, port: number): number {
  return addr * 65536 + port;
}

/** True when (src, srcPort) sorts below (dst, dstPort): the key's orientation. */
export function isSrcLow(seg: TcpSegment): boolean {
  const c = cmpBytes(seg.src, seg.dst);
  return c < 0 || (c === 0 && seg.srcPort <= seg.dstPort);
}

/** Same key for both directions of a connection. `low`: isSrcLow(seg), when the caller has it already. */
export function flowKey(seg: TcpSegment, low = isSrcLow(seg)): string {
  if (seg.ipVersion === 4) {
    const sa = seg.src4;
    const da = seg.dst4;
    return low ? `${sa}:${seg.srcPort}-${da}:${seg.dstPort}` : `${da}:${seg.dstPort}-${sa}:${seg.srcPort}`;
  }
  const sh = formatIp(seg.src);
  const dh = formatIp(seg.dst);
  return low ? `[${sh}]:${seg.srcPort}-[${dh}]:${seg.dstPort}` : `[${dh}]:${seg.dstPort}-[${sh}]:${seg.srcPort}`;
}
