/**
 * Tunnel headers as cloud packet mirroring and switch port mirroring deliver traffic: Geneve
 * (RFC 8926), VXLAN (RFC 7348), GRE (RFC 2784, RFC 2890) and Cisco's ERSPAN types I, II and III
 * (draft-foschiano-erspan-03) carried in GRE. Each parser reads one header and says where the
 * inner packet starts and what it is; the packet decoder carries on from there. The parsers never
 * throw: a header that is cut short or contradicts itself is a `malformed` outcome (rule C7:
 * the inner connection is the TLS connection, the outer addresses say where it was mirrored from).
 */
import { formatIp } from './format.js';
import type { Ip } from './types.js';

/** IANA-assigned UDP ports: Geneve (RFC 8926 §3.3) and VXLAN (RFC 7348 §5). */
export const GENEVE_PORT = 6081;
export const VXLAN_PORT = 4789;
/** IP protocol number of GRE. */
export const IPPROTO_GRE = 47;

export type Encapsulation = 'Geneve' | 'VXLAN' | 'GRE' | 'ERSPAN I' | 'ERSPAN II' | 'ERSPAN III' | 'IP-in-IP' | '6in4' | 'IPv6-in-IPv6' | 'IPv4-in-IPv6';

/** One tunnel a packet came through: its encapsulation and the outer IP header's ends. */
export interface TunnelLayer {
  readonly encapsulation: Encapsulation;
  readonly src: Ip;
  readonly dst: Ip;
  /** VNI (Geneve, VXLAN), GRE key, or ERSPAN session ID, when the header carries one. */
  readonly id?: number;
}

/** What the inner packet is: an Ethernet frame, an IP packet (version from its first byte), or an EtherType's payload. */
export const INNER_ETHERNET = -1;
export const INNER_IP = -2;

/** A tunnel header read: the inner packet starts at `at` and is `inner` (INNER_ETHERNET, INNER_IP or an EtherType). */
export interface TunnelHeader {
  readonly kind: 'tunnel';
  readonly encapsulation: Encapsulation;
  /** VNI, GRE key or ERSPAN session ID; -1 when the header has none. */
  readonly id: number;
  readonly inner: number;
  readonly at: number;
}

export type TunnelParse =
  | TunnelHeader
  | { readonly kind: 'malformed'; readonly layer: string; readonly message: string }
  | { readonly kind: 'other'; readonly what: string };

const ETH_TEB = 0x6558; // transparent Ethernet bridging (RFC 1701 protocol type, Geneve's Ethernet)
const ERSPAN_88BE = 0x88be; // ERSPAN types I and II
const ERSPAN_22EB = 0x22eb; // ERSPAN type III

function bad(layer: string, message: string): TunnelParse {
  return { kind: 'malformed', layer, message };
}

function header(encapsulation: Encapsulation, id: number, inner: number, at: number): TunnelHeader {
  return { kind: 'tunnel', encapsulation, id, inner, at };
}

/** RFC 8926 §3.4: 8 bytes, then Opt Len × 4 bytes of options; the protocol type is an EtherType. */
export function geneve(d: Uint8Array, o: number, end: number): TunnelParse {
  if (end < o + 8) return bad('Geneve', 'header cut short');
  const version = d[o]! >> 6;
  if (version !== 0) return bad('Geneve', `version ${version} (only 0 is defined)`);
  const at = o + 8 + (d[o]! & 0x3f) * 4;
  if (at > end) return bad('Geneve', `options of ${(d[o]! & 0x3f) * 4} bytes run past the packet`);
  const proto = (d[o + 2]! << 8) | d[o + 3]!;
  const vni = (d[o + 4]! << 16) | (d[o + 5]! << 8) | d[o + 6]!;
  return header('Geneve', vni, proto === ETH_TEB ? INNER_ETHERNET : proto, at);
}

/** RFC 7348 §5: 8 bytes, the I flag set for a valid VNI; an Ethernet frame follows. */
export function vxlan(d: Uint8Array, o: number, end: number): TunnelParse {
  if (end < o + 8) return bad('VXLAN', 'header cut short');
  if ((d[o]! & 0x08) === 0) return bad('VXLAN', 'I flag not set: no valid VNI (RFC 7348 §5)');
  const vni = (d[o + 4]! << 16) | (d[o + 5]! << 8) | d[o + 6]!;
  return header('VXLAN', vni, INNER_ETHERNET, o + 8);
}

/**
 * GRE (RFC 2784 §2, key and sequence number from RFC 2890 §2): 4 bytes, then the checksum word,
 * key and sequence number as the C, K and S flags say. Protocol type 0x6558 is an Ethernet frame
 * (transparent Ethernet bridging), 0x88BE and 0x22EB are ERSPAN, others are EtherTypes.
 */
export function gre(d: Uint8Array, o: number, end: number): TunnelParse {
  if (end < o + 4) return bad('GRE', 'header cut short');
  const flags = (d[o]! << 8) | d[o + 1]!;
  const version = flags & 7;
  if (version !== 0) return { kind: 'other', what: `GRE version ${version}${version === 1 ? ' (PPTP)' : ''}` };
  // The routing present bit of RFC 1701, deprecated by RFC 2784: source route entries follow.
  if (flags & 0x4000) return { kind: 'other', what: 'GRE with source routing (RFC 1701)' };
  const proto = (d[o + 2]! << 8) | d[o + 3]!;
  let p = o + 4;
  if (flags & 0x8000) p += 4; // checksum and reserved1
  let key = -1;
  if (flags & 0x2000) {
    if (end < p + 4) return bad('GRE', 'key cut short');
    key = ((d[p]! << 24) | (d[p + 1]! << 16) | (d[p + 2]! << 8) | d[p + 3]!) >>> 0;
    p += 4;
  }
  if (flags & 0x1000) p += 4; // sequence number
  if (p > end) return bad('GRE', 'header cut short');
  if (proto === ERSPAN_88BE || proto === ERSPAN_22EB) return erspan(d, p, end, flags);
  return header('GRE', key, proto === ETH_TEB ? INNER_ETHERNET : proto, p);
}

/**
 * ERSPAN after its GRE header, told apart as Wireshark does: a GRE header with no flag at all
 * carries type I (no ERSPAN header, the mirrored Ethernet frame at once); otherwise the ERSPAN
 * header's version says type II (1: 8 bytes) or type III (2: 12 bytes, and 8 more of platform
 * specific subheader when its O flag is set).
 */
function erspan(d: Uint8Array, o: number, end: number, greFlags: number): TunnelParse {
  if (greFlags === 0) return header('ERSPAN I', -1, INNER_ETHERNET, o);
  if (end < o + 2) return bad('ERSPAN', 'header cut short');
  const version = d[o]! >> 4;
  const session = ((d[o + 2]! & 0x03) << 8) | d[o + 3]!;
  if (version === 1) {
    if (end < o + 8) return bad('ERSPAN', 'type II header cut short');
    return header('ERSPAN II', session, INNER_ETHERNET, o + 8);
  }
  if (version === 2) {
    if (end < o + 12) return bad('ERSPAN', 'type III header cut short');
    const at = o + 12 + (d[o + 11]! & 0x01 ? 8 : 0);
    if (at > end) return bad('ERSPAN', 'type III platform subheader cut short');
    // Frame type (draft-foschiano-erspan-03 §4.3): 0 an Ethernet frame, 2 an IP packet.
    const frameType = (d[o + 10]! >> 2) & 0x1f;
    if (frameType !== 0 && frameType !== 2) return { kind: 'other', what: `ERSPAN III frame type ${frameType}` };
    return header('ERSPAN III', session, frameType === 2 ? INNER_IP : INNER_ETHERNET, at);
  }
  return bad('ERSPAN', `version ${version} (1 is type II, 2 type III)`);
}

/** IP in IP: the outer header's protocol says what is inside. */
export function ipInIpName(outer: 4 | 6, proto: number): Encapsulation {
  if (proto === 4) return outer === 4 ? 'IP-in-IP' : 'IPv4-in-IPv6';
  return outer === 4 ? '6in4' : 'IPv6-in-IPv6';
}

/** What the id of an encapsulation is called. */
function idName(e: Encapsulation): string {
  if (e === 'Geneve' || e === 'VXLAN') return 'VNI';
  if (e === 'GRE') return 'key';
  return 'session';
}

/** `Geneve 172.31.0.5 → 172.31.9.9 (VNI 123)`. */
export function tunnelText(t: TunnelLayer): string {
  return `${t.encapsulation} ${t.src} → ${t.dst}${t.id !== undefined ? ` (${idName(t.encapsulation)} ${t.id})` : ''}`;
}

/** A packet's tunnels, innermost first: `VXLAN … (VNI 5) inside GRE …`. */
export function tunnelsText(layers: readonly TunnelLayer[]): string {
  return [...layers].reverse().map(tunnelText).join(' inside ');
}

/**
 * A tunnel of the packet being decoded, as the decoder saw it: the outer header's address bytes
 * are a view of the frame, made into text only when read. The decoder keeps one per nesting depth
 * and sets it again for each packet, so it is valid until the next packet is decoded.
 */
export class RawTunnel {
  encapsulation: Encapsulation = 'GRE';
  v: 4 | 6 = 4;
  addr: Uint8Array = new Uint8Array(8);
  at = 0;
  id = -1;

  set(encapsulation: Encapsulation, v: 4 | 6, addr: Uint8Array, at: number, id: number): this {
    this.encapsulation = encapsulation;
    this.v = v;
    this.addr = addr;
    this.at = at;
    this.id = id;
    return this;
  }

  layer(): TunnelLayer {
    const n = this.v === 4 ? 4 : 16;
    const src = formatIp(this.addr.subarray(this.at, this.at + n));
    const dst = formatIp(this.addr.subarray(this.at + n, this.at + 2 * n));
    return this.id < 0 ? { encapsulation: this.encapsulation, src, dst } : { encapsulation: this.encapsulation, src, dst, id: this.id };
  }
}

/** Tunnelled packets of a capture, by outermost tunnel (encapsulation, ends, id). */
export interface TunnelCount extends TunnelLayer {
  packets: number;
  readonly firstFrame: number;
}

/** Distinct outermost tunnels counted one by one; past this they are counted together. */
export const MAX_TUNNELS_COUNTED = 32;

/**
 * Counts tunnelled packets by their outermost tunnel. A capture's tunnels are few (a mirror
 * session or two), so a short list compared byte by byte costs less per packet than a key string.
 */
export class TunnelCounter {
  readonly counts: TunnelCount[] = [];
  /** Address bytes of each counted tunnel (src then dst), beside counts. */
  private readonly addrs: Uint8Array[] = [];
  private readonly ids: number[] = [];
  /** Packets of tunnels past MAX_TUNNELS_COUNTED. */
  more = 0;

  count(t: RawTunnel, frame: number): void {
    const n = t.v === 4 ? 8 : 32;
    for (let i = 0; i < this.counts.length; i++) {
      const c = this.counts[i]!;
      if (c.encapsulation !== t.encapsulation || this.ids[i] !== t.id) continue;
      const a = this.addrs[i]!;
      if (a.length !== n) continue;
      let same = true;
      for (let k = 0; k < n; k++) if (a[k] !== t.addr[t.at + k]) { same = false; break; }
      if (same) {
        c.packets++;
        return;
      }
    }
    if (this.counts.length >= MAX_TUNNELS_COUNTED) {
      this.more++;
      return;
    }
    this.counts.push({ ...t.layer(), packets: 1, firstFrame: frame });
    this.addrs.push(t.addr.slice(t.at, t.at + n));
    this.ids.push(t.id);
  }
}
