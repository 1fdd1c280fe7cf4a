/**
 * Frame builders: link layer (Ethernet II with optional 802.1Q tag, Linux cooked SLL2), IPv4 or
 * IPv6, TCP or UDP, with correct IPv4 header and TCP/UDP checksums. Each call allocates one buffer of
 * the exact frame size and writes every layer into it in place (no intermediate copies), so the
 * builders stay cheap enough to synthesise gigabyte captures.
 */

/** A MAC address, 6 bytes. */
export type Mac = Uint8Array;
/** An IP address: 4 bytes (IPv4) or 16 bytes (IPv6). */
export type Ip = Uint8Array;

export function mac(s: string): Mac {
  const parts = s.split(/[:-]/);
  if (parts.length !== 6) throw new Error(`bad MAC ${s}`);
  return Uint8Array.from(parts.map((p) => parseInt(p, 16)));
}

/** Parses dotted IPv4 or RFC 4291 IPv6 text (with `::`). */
export function ip(s: string): Ip {
  if (s.includes(':')) {
    const [head, tail] = s.split('::') as [string, string | undefined];
    const h = head ? head.split(':') : [];
    const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
    const fill = tail !== undefined ? 8 - h.length - t.length : 0;
    const groups = [...h, ...Array<string>(fill).fill('0'), ...t];
    if (groups.length !== 8) throw new Error(`bad IPv6 ${s}`);
    const out = new Uint8Array(16);
    groups.forEach((g, i) => {
      const v = parseInt(g, 16);
      out[i * 2] = v >> 8;
      out[i * 2 + 1] = v & 0xff;
    });
    return out;
  }
  const parts = s.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255))) throw new Error(`bad IPv4 ${s}`);
  return Uint8Array.from(parts);
}

export function ipToString(a: Ip): string {
  if (a.length === 4) return Array.from(a).join('.');
  const g: string[] = [];
  for (let i = 0; i < 16; i += 2) g.push(((a[i]! << 8) | a[i + 1]!).toString(16));
  return g.join(':');
}

export const LINKTYPE = { ETHERNET: 1, RAW: 101, LINUX_SLL: 113, LINUX_SLL2: 276 } as const;

export type Link =
  | { kind: 'ethernet'; src: Mac; dst: Mac; /** 802.1Q VLAN id (1–4094) */ vlan?: number; pcp?: number }
  | {
      kind: 'sll2';
      ifindex: number;
      /** 0 = to us (PACKET_HOST), 4 = sent by us (PACKET_OUTGOING). */
      packetType: number;
      /** Link-layer address of the sender. */
      src: Mac;
    };

export const TCP_FLAGS = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10, URG: 0x20, ECE: 0x40, CWR: 0x80 } as const;

export interface IpFields {
  src: Ip;
  dst: Ip;
  /** IPv4 TTL or IPv6 hop limit. */
  ttl?: number;
  /** IPv4 identification. */
  id?: number;
  /** IPv4 don't-fragment bit (default true, as Linux sets it on TCP). */
  df?: boolean;
  /** DSCP/ECN byte (IPv4 TOS, IPv6 traffic class). */
  tos?: number;
  /** IPv6 flow label. */
  flowLabel?: number;
}

export interface TcpFields extends IpFields {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  window: number;
  /** Raw TCP options, padded by the builder to a multiple of 4. */
  options?: Uint8Array;
  payload?: Uint8Array;
}

export interface UdpFields extends IpFields {
  srcPort: number;
  dstPort: number;
  payload: Uint8Array;
}

function linkHeaderLength(link: Link): number {
  return link.kind === 'ethernet' ? (link.vlan !== undefined ? 18 : 14) : 20;
}

/** Writes the link header for an IP packet and returns the offset where the IP header starts. */
function writeLink(buf: Uint8Array, link: Link, v6: boolean): number {
  const etherType = v6 ? 0x86dd : 0x0800;
  if (link.kind === 'ethernet') {
    buf.set(link.dst, 0);
    buf.set(link.src, 6);
    let o = 12;
    if (link.vlan !== undefined) {
      buf[o] = 0x81;
      buf[o + 1] = 0x00;
      const tci = ((link.pcp ?? 0) << 13) | (link.vlan & 0x0fff);
      buf[o + 2] = tci >> 8;
      buf[o + 3] = tci & 0xff;
      o += 4;
    }
    buf[o] = etherType >> 8;
    buf[o + 1] = etherType & 0xff;
    return o + 2;
  }
  // Linux cooked capture v2 (LINKTYPE_LINUX_SLL2): protocol, reserved, ifindex, ARPHRD, pkttype,
  // address length, 8 address bytes.
  buf[0] = etherType >> 8;
  buf[1] = etherType & 0xff;
  buf[2] = 0;
  buf[3] = 0;
  buf[4] = (link.ifindex >>> 24) & 0xff;
  buf[5] = (link.ifindex >>> 16) & 0xff;
  buf[6] = (link.ifindex >>> 8) & 0xff;
  buf[7] = link.ifindex & 0xff;
  buf[8] = 0;
  buf[9] = 1; // ARPHRD_ETHER
  buf[10] = link.packetType;
  buf[11] = 6;
  buf.fill(0, 12, 20);
  buf.set(link.src, 12);
  return 20;
}

/** One's complement sum of buf[start, end) as 16-bit big-endian words, added to `sum`. */
export function onesSum(buf: Uint8Array, start: number, end: number, sum = 0): number {
  let i = start;
  const last = end - 1;
  for (; i < last; i += 2) sum += (buf[i]! << 8) | buf[i + 1]!;
  if (i === last) sum += buf[i]! << 8;
  // Fold periodically is unnecessary: a JS number holds 2^53, enough for frames of any size here.
  return sum;
}

export function foldChecksum(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/** Writes the IP header; returns the offset of the transport header. */
function writeIp(buf: Uint8Array, o: number, f: IpFields, proto: number, l4Len: number): number {
  if (f.src.length === 16) {
    const flow = f.flowLabel ?? 0;
    const tc = f.tos ?? 0;
    buf[o] = 0x60 | (tc >> 4);
    buf[o + 1] = ((tc & 0x0f) << 4) | ((flow >> 16) & 0x0f);
    buf[o + 2] = (flow >> 8) & 0xff;
    buf[o + 3] = flow & 0xff;
    buf[o + 4] = l4Len >> 8;
    buf[o + 5] = l4Len & 0xff;
    buf[o + 6] = proto;
    buf[o + 7] = f.ttl ?? 64;
    buf.set(f.src, o + 8);
    buf.set(f.dst, o + 24);
    return o + 40;
  }
  const total = 20 + l4Len;
  const id = f.id ?? 0;
  buf[o] = 0x45;
  buf[o + 1] = f.tos ?? 0;
  buf[o + 2] = total >> 8;
  buf[o + 3] = total & 0xff;
  buf[o + 4] = (id >> 8) & 0xff;
  buf[o + 5] = id & 0xff;
  buf[o + 6] = f.df === false ? 0 : 0x40;
  buf[o + 7] = 0;
  buf[o + 8] = f.ttl ?? 64;
  buf[o + 9] = proto;
  buf[o + 10] = 0;
  buf[o + 11] = 0;
  buf.set(f.src, o + 12);
  buf.set(f.dst, o + 16);
  const c = foldChecksum(onesSum(buf, o, o + 20));
  buf[o + 10] = c >> 8;
  buf[o + 11] = c & 0xff;
  return o + 20;
}

/** RFC 793 / RFC 8200 §8.1 pseudo-header sum. */
function pseudoSum(f: IpFields, proto: number, l4Len: number): number {
  let sum = onesSum(f.src, 0, f.src.length) + onesSum(f.dst, 0, f.dst.length);
  sum += proto + l4Len;
  if (f.src.length === 16) sum += 0; // upper-layer length fits in 16 bits here; zero high word
  return sum;
}

function checkAddrs(f: IpFields): void {
  if (f.src.length !== f.dst.length || (f.src.length !== 4 && f.src.length !== 16)) {
    throw new Error('src and dst must both be IPv4 or both IPv6');
  }
}

/** Builds one complete TCP frame (link + IP + TCP + payload) with valid checksums. */
export function buildTcpFrame(link: Link, f: TcpFields): Uint8Array {
  checkAddrs(f);
  const v6 = f.src.length === 16;
  const optLen = f.options ? (f.options.length + 3) & ~3 : 0;
  const tcpHdr = 20 + optLen;
  const payLen = f.payload ? f.payload.length : 0;
  const l4Len = tcpHdr + payLen;
  const total = linkHeaderLength(link) + (v6 ? 40 : 20) + l4Len;
  const buf = new Uint8Array(total);
  const ipOff = writeLink(buf, link, v6);
  const t = writeIp(buf, ipOff, f, 6, l4Len);
  buf[t] = f.srcPort >> 8;
  buf[t + 1] = f.srcPort & 0xff;
  buf[t + 2] = f.dstPort >> 8;
  buf[t + 3] = f.dstPort & 0xff;
  const seq = f.seq >>> 0;
  const ack = f.ack >>> 0;
  buf[t + 4] = seq >>> 24;
  buf[t + 5] = (seq >>> 16) & 0xff;
  buf[t + 6] = (seq >>> 8) & 0xff;
  buf[t + 7] = seq & 0xff;
  buf[t + 8] = ack >>> 24;
  buf[t + 9] = (ack >>> 16) & 0xff;
  buf[t + 10] = (ack >>> 8) & 0xff;
  buf[t + 11] = ack & 0xff;
  buf[t + 12] = (tcpHdr / 4) << 4;
  buf[t + 13] = f.flags & 0xff;
  buf[t + 14] = (f.window >> 8) & 0xff;
  buf[t + 15] = f.window & 0xff;
  // checksum t+16..17 zero, urgent pointer t+18..19 zero (buffer is zero-filled)
  if (f.options) {
    buf.set(f.options, t + 20);
    // Padding with End of Option List (0), already zero.
  }
  if (f.payload) buf.set(f.payload, t + tcpHdr);
  const c = foldChecksum(onesSum(buf, t, t + l4Len, pseudoSum(f, 6, l4Len)));
  buf[t + 16] = c >> 8;
  buf[t + 17] = c & 0xff;
  return buf;
}

/** Builds one complete UDP frame with a valid checksum (for background traffic). */
export function buildUdpFrame(link: Link, f: UdpFields): Uint8Array {
  checkAddrs(f);
  const v6 = f.src.length === 16;
  const l4Len = 8 + f.payload.length;
  const buf = new Uint8Array(linkHeaderLength(link) + (v6 ? 40 : 20) + l4Len);
  const t = writeIp(buf, writeLink(buf, link, v6), f, 17, l4Len);
  buf[t] = f.srcPort >> 8;
  buf[t + 1] = f.srcPort & 0xff;
  buf[t + 2] = f.dstPort >> 8;
  buf[t + 3] = f.dstPort & 0xff;
  buf[t + 4] = l4Len >> 8;
  buf[t + 5] = l4Len & 0xff;
  buf.set(f.payload, t + 8);
  let c = foldChecksum(onesSum(buf, t, t + l4Len, pseudoSum(f, 17, l4Len)));
  if (c === 0) c = 0xffff; // RFC 768: a computed zero is sent as all ones
  buf[t + 6] = c >> 8;
  buf[t + 7] = c & 0xff;
  return buf;
}

/**
 * Builds one IP packet of any protocol in its link header (a tunnel's outer packet: GRE is IP
 * protocol 47, IP-in-IP 4, 6in4 41), with a valid IPv4 header checksum. The payload is written as given.
 */
export function buildIpFrame(link: Link, f: IpFields, proto: number, payload: Uint8Array): Uint8Array {
  checkAddrs(f);
  const v6 = f.src.length === 16;
  const buf = new Uint8Array(linkHeaderLength(link) + (v6 ? 40 : 20) + payload.length);
  buf.set(payload, writeIp(buf, writeLink(buf, link, v6), f, proto, payload.length));
  return buf;
}

/** TCP options as Linux sends them. */
export const tcpOptions = {
  /** SYN / SYN-ACK: MSS, SACK permitted, timestamps, NOP, window scale (Linux order). */
  syn(mss: number, tsval: number, tsecr: number, wscale: number): Uint8Array {
    const o = new Uint8Array(20);
    o[0] = 2;
    o[1] = 4;
    o[2] = mss >> 8;
    o[3] = mss & 0xff;
    o[4] = 4;
    o[5] = 2;
    writeTs(o, 6, tsval, tsecr);
    o[16] = 1;
    o[17] = 3;
    o[18] = 3;
    o[19] = wscale;
    return o;
  },
  /** NOP, NOP, timestamps: the 12 bytes on every segment once timestamps are negotiated. */
  timestamps(tsval: number, tsecr: number): Uint8Array {
    const o = new Uint8Array(12);
    o[0] = 1;
    o[1] = 1;
    writeTs(o, 2, tsval, tsecr);
    return o;
  },
};

function writeTs(o: Uint8Array, at: number, tsval: number, tsecr: number): void {
  o[at] = 8;
  o[at + 1] = 10;
  const v = tsval >>> 0;
  const e = tsecr >>> 0;
  o[at + 2] = v >>> 24;
  o[at + 3] = (v >>> 16) & 0xff;
  o[at + 4] = (v >>> 8) & 0xff;
  o[at + 5] = v & 0xff;
  o[at + 6] = e >>> 24;
  o[at + 7] = (e >>> 16) & 0xff;
  o[at + 8] = (e >>> 8) & 0xff;
  o[at + 9] = e & 0xff;
}
