import { u32be } from '../bytes/index.js';
import type { Frame } from '../capture/types.js';
import { LINKTYPE } from './linktypes.js';
import { GENEVE_PORT, INNER_ETHERNET, INNER_IP, IPPROTO_GRE, RawTunnel, TunnelCounter, VXLAN_PORT, geneve, gre, ipInIpName, vxlan, type TunnelLayer, type TunnelParse } from './tunnel.js';

export { formatIp } from './format.js';

/** TCP flag bits (RFC 9293 §3.1). */
export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;

/**
 * One decoded TCP segment. `src`, `dst` and `payload` are views into the frame's bytes and live
 * only as long as the frame does.
 */
export interface TcpSegment {
  readonly ipVersion: 4 | 6;
  readonly src: Uint8Array;
  readonly dst: Uint8Array;
  /** IPv4 only: the addresses as numbers (0 for IPv6), for flow lookups without views. */
  readonly src4: number;
  readonly dst4: number;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly window: number;
  readonly payload: Uint8Array;
  /** payload.length, without making the view (most packets of a large capture are only counted). */
  readonly payloadLength: number;
  /** Payload bytes the IP header announces but the snap length cut off. */
  readonly payloadMissing: number;
  /** Offset of the TCP payload within frame.data (for a hex pane over the whole frame). */
  readonly payloadOffset: number;
  /** The tunnels the segment came through, outermost first (rule C7); undefined when it came through none. Made when read. */
  readonly tunnel?: readonly TunnelLayer[] | undefined;
}

/**
 * The decoder's segments: the addresses and the payload are made into views only when read (a new
 * connection's first packet, IPv6 flow keys, bytes someone reads), not for each of the millions of
 * packets of a large capture. A segment is its own decode outcome (`kind`, `seg`): no wrapper object per packet.
 */
class DecodedSegment implements TcpSegment, TcpOutcome {
  #payload: Uint8Array | undefined;
  constructor(
    readonly ipVersion: 4 | 6,
    /** The bytes holding the IP header, and where its source address starts (destination follows). */
    private readonly addrBytes: Uint8Array,
    private readonly addrAt: number,
    readonly src4: number,
    readonly dst4: number,
    readonly srcPort: number,
    readonly dstPort: number,
    readonly seq: number,
    readonly ack: number,
    readonly flags: number,
    readonly window: number,
    /** The frame's bytes; the payload is payloadLength bytes from payloadOffset. */
    private readonly frameBytes: Uint8Array,
    readonly payloadLength: number,
    readonly payloadMissing: number,
    readonly payloadOffset: number,
  ) {}

  get kind(): 'tcp' {
    return 'tcp';
  }

  get seg(): TcpSegment {
    return this;
  }

  get payload(): Uint8Array {
    return (this.#payload ??= this.frameBytes.subarray(this.payloadOffset, this.payloadOffset + this.payloadLength));
  }

  get src(): Uint8Array {
    const n = this.ipVersion === 4 ? 4 : 16;
    return this.addrBytes.subarray(this.addrAt, this.addrAt + n);
  }

  get dst(): Uint8Array {
    const n = this.ipVersion === 4 ? 4 : 16;
    return this.addrBytes.subarray(this.addrAt + n, this.addrAt + 2 * n);
  }

  get tunnel(): readonly TunnelLayer[] | undefined {
    return undefined;
  }
}

const NO_TUNNELS: readonly RawTunnel[] = Object.freeze([]);

/**
 * A segment that came through tunnels: its own class, so that the segments of untunnelled traffic
 * (nearly all) carry no field for it. The outer headers are read from the frame when asked, so the
 * tunnel lives as long as the frame, as the addresses do.
 */
class TunnelledSegment extends DecodedSegment {
  /** The decoder's tunnels, of which the first `#depth` are this packet's (PacketDecoder.layers). */
  #layers: readonly RawTunnel[] = NO_TUNNELS;
  #depth = 0;

  setTunnels(layers: readonly RawTunnel[], depth: number): this {
    this.#layers = layers;
    this.#depth = depth;
    return this;
  }

  override get tunnel(): readonly TunnelLayer[] {
    const out: TunnelLayer[] = [];
    for (let i = 0; i < this.#depth; i++) out.push(this.#layers[i]!.layer());
    return out;
  }
}

export interface TcpOutcome {
  readonly kind: 'tcp';
  readonly seg: TcpSegment;
}

export type DecodeOutcome =
  | TcpOutcome
  | { readonly kind: 'other'; readonly what: string }
  | { readonly kind: 'unknown-link'; readonly linkType: number }
  | { readonly kind: 'malformed'; readonly layer: string; readonly message: string }
  | { readonly kind: 'fragment' };

const ETH_IPV4 = 0x0800;
const ETH_IPV6 = 0x86dd;
const ETH_VLAN = 0x8100;
const ETH_QINQ = 0x88a8;
const ETH_QINQ_OLD = 0x9100;
const ETH_PPPOE = 0x8864;
const ETH_MPLS = 0x8847;

const MAX_NESTING = 8; // tunnels inside tunnels: beyond this the packet is left alone

interface FragKey {
  parts: { off: number; data: Uint8Array }[];
  total: number; // -1 until the last fragment is seen
  bytes: number;
  firstFrame: number;
  header: Uint8Array;
}

export interface NetLimits {
  /** Pending IPv4 fragment sets kept at once, and bytes held in them. */
  readonly maxFragmentSets: number;
  readonly maxFragmentBytes: number;
}

export const DEFAULT_NET_LIMITS: NetLimits = { maxFragmentSets: 256, maxFragmentBytes: 8 * 1024 * 1024 };

/**
 * Fragments kept per datagram: a 64 KiB datagram in 64-byte pieces. Each arrival re-checks the
 * whole set, so a flood of tiny (or empty) fragments would otherwise cost time quadratic in the
 * flood; past this the set is dropped and counted like any other that cannot be reassembled.
 */
export const MAX_FRAGMENTS_PER_DATAGRAM = 1024;

/**
 * Link → IP → TCP decoding. One instance per capture: it holds the IPv4 fragment table, which is
 * bounded by `limits` (oldest set dropped and counted when full).
 */
export class PacketDecoder {
  private readonly frags = new Map<string, FragKey>();
  private fragBytes = 0;
  fragmentsReassembled = 0;
  fragmentsDropped = 0;
  /** Tunnelled packets by outermost tunnel. */
  readonly tunnels = new TunnelCounter();
  /**
   * The tunnels of the packet being decoded, outermost first: index i is the tunnel entered at
   * nesting depth i, set again by each packet that reaches that depth, so the first `depth` entries
   * are the current packet's (entries past its depth are an earlier packet's, never read). Reused:
   * a tunnelled packet allocates nothing for its tunnels.
   */
  private readonly layers: RawTunnel[] = [];

  constructor(private readonly limits: NetLimits = DEFAULT_NET_LIMITS) {}

  decode(frame: Frame): DecodeOutcome {
    const d = frame.data;
    switch (frame.linkType) {
      case LINKTYPE.ETHERNET:
        return this.ether(d, 0, frame, 0);
      case LINKTYPE.RAW:
      case LINKTYPE.RAW_BSD12:
      case LINKTYPE.RAW_OPENBSD14:
        return this.ipByVersion(d, 0, frame, 0);
      case LINKTYPE.IPV4:
        return this.ipv4(d, 0, frame, 0);
      case LINKTYPE.IPV6:
        return this.ipv6(d, 0, frame, 0);
      case LINKTYPE.NULL:
      case LINKTYPE.LOOP: {
        if (d.length < 4) return malformed('loopback', 'shorter than its 4-byte header');
        // NULL stores the address family in the writer's byte order; LOOP in network order.
        const le = d[0]! | (d[1]! << 8) | (d[2]! << 16) | (d[3]! << 24);
        const be = (d[0]! << 24) | (d[1]! << 16) | (d[2]! << 8) | d[3]!;
        const af = frame.linkType === LINKTYPE.LOOP ? be : (d[0] !== 0 ? le : be);
        if (af === 2) return this.ipv4(d, 4, frame, 0);
        if (af === 24 || af === 28 || af === 30 || af === 10 || af === 23) return this.ipv6(d, 4, frame, 0);
        return { kind: 'other', what: `loopback family ${af}` };
      }
      case LINKTYPE.LINUX_SLL: {
        if (d.length < 16) return malformed('SLL', 'shorter than its 16-byte header');
        return this.etherType((d[14]! << 8) | d[15]!, d, 16, frame, 0);
      }
      case LINKTYPE.LINUX_SLL2: {
        if (d.length < 20) return malformed('SLL2', 'shorter than its 20-byte header');
        return this.etherType((d[0]! << 8) | d[1]!, d, 20, frame, 0);
      }
      default:
        return { kind: 'unknown-link', linkType: frame.linkType };
    }
  }

  private ether(d: Uint8Array, o: number, frame: Frame, depth: number): DecodeOutcome {
    if (d.length < o + 14) return malformed('Ethernet', 'shorter than its 14-byte header');
    return this.etherType((d[o + 12]! << 8) | d[o + 13]!, d, o + 14, frame, depth);
  }

  private etherType(type: number, d: Uint8Array, o: number, frame: Frame, depth: number): DecodeOutcome {
    // 802.1Q and stacked 802.1ad tags: each is 4 bytes, the inner EtherType follows.
    let guard = 0;
    while ((type === ETH_VLAN || type === ETH_QINQ || type === ETH_QINQ_OLD) && guard++ < MAX_NESTING) {
      if (d.length < o + 4) return malformed('802.1Q', 'VLAN tag cut short');
      type = (d[o + 2]! << 8) | d[o + 3]!;
      o += 4;
    }
    switch (type) {
      case ETH_IPV4:
        return this.ipv4(d, o, frame, depth);
      case ETH_IPV6:
        return this.ipv6(d, o, frame, depth);
      case ETH_PPPOE: {
        if (d.length < o + 8) return malformed('PPPoE', 'header cut short');
        const proto = (d[o + 6]! << 8) | d[o + 7]!;
        if (proto === 0x0021) return this.ipv4(d, o + 8, frame, depth);
        if (proto === 0x0057) return this.ipv6(d, o + 8, frame, depth);
        return { kind: 'other', what: `PPP protocol 0x${proto.toString(16)}` };
      }
      case ETH_MPLS: {
        let n = 0;
        while (n++ < MAX_NESTING) {
          if (d.length < o + 4) return malformed('MPLS', 'label stack cut short');
          const bottom = d[o + 2]! & 1;
          o += 4;
          if (bottom) return this.ipByVersion(d, o, frame, depth);
        }
        return { kind: 'other', what: 'MPLS label stack too deep' };
      }
      default:
        return { kind: 'other', what: `EtherType 0x${type.toString(16).padStart(4, '0')}` };
    }
  }

  private ipByVersion(d: Uint8Array, o: number, frame: Frame, depth: number): DecodeOutcome {
    if (d.length <= o) return malformed('IP', 'no IP header');
    const v = d[o]! >> 4;
    if (v === 4) return this.ipv4(d, o, frame, depth);
    if (v === 6) return this.ipv6(d, o, frame, depth);
    return { kind: 'other', what: `IP version ${v}` };
  }

  /** RFC 791 §3.1. */
  private ipv4(d: Uint8Array, o: number, frame: Frame, depth: number): DecodeOutcome {
    if (d.length < o + 20) return malformed('IPv4', 'shorter than its 20-byte header');
    if (d[o]! >> 4 !== 4) return malformed('IPv4', `version field is ${d[o]! >> 4}`);
    const ihl = (d[o]! & 0x0f) * 4;
    if (ihl < 20) return malformed('IPv4', `header length ${ihl} below 20`);
    if (d.length < o + ihl) return malformed('IPv4', 'header cut short');
    let total = (d[o + 2]! << 8) | d[o + 3]!;
    // TSO/offloaded captures write total length 0; trust the captured bytes then.
    if (total === 0) total = d.length - o;
    if (total < ihl) return malformed('IPv4', `total length ${total} below header length ${ihl}`);
    const proto = d[o + 9]!;
    const fragField = (d[o + 6]! << 8) | d[o + 7]!;
    const moreFrags = (fragField & 0x2000) !== 0;
    const fragOff = (fragField & 0x1fff) * 8;
    const end = Math.min(d.length, o + total);
    const missing = Math.max(0, o + total - d.length);
    if (moreFrags || fragOff > 0) {
      const whole = this.defragment(d, o, ihl, end, fragOff, moreFrags, frame);
      if (!whole) return { kind: 'fragment' };
      return this.transport(proto, whole, 20, whole.length, 0, 4, whole, 12, frame, depth);
    }
    return this.transport(proto, d, o + ihl, end, missing, 4, d, o + 12, frame, depth);
  }

  /** RFC 8200 §4: walk extension headers to the upper layer. */
  private ipv6(d: Uint8Array, o: number, frame: Frame, depth: number): DecodeOutcome {
    if (d.length < o + 40) return malformed('IPv6', 'shorter than its 40-byte header');
    if (d[o]! >> 4 !== 6) return malformed('IPv6', `version field is ${d[o]! >> 4}`);
    const plen = (d[o + 4]! << 8) | d[o + 5]!;
    let next = d[o + 6]!;
    // Payload length 0 means a jumbogram or TSO; trust the captured bytes then.
    const end = plen === 0 ? d.length : Math.min(d.length, o + 40 + plen);
    const missing = plen === 0 ? 0 : Math.max(0, o + 40 + plen - d.length);
    let p = o + 40;
    for (let i = 0; i < MAX_NESTING; i++) {
      if (next === 0 || next === 43 || next === 60) {
        if (end < p + 8) return malformed('IPv6', 'extension header cut short');
        const len = (d[p + 1]! + 1) * 8;
        next = d[p]!;
        p += len;
      } else if (next === 44) {
        if (end < p + 8) return malformed('IPv6', 'fragment header cut short');
        const off = ((d[p + 2]! << 8) | d[p + 3]!) & 0xfff8;
        const more = d[p + 3]! & 1;
        if (off !== 0 || more) return { kind: 'other', what: 'IPv6 fragment (not reassembled)' };
        next = d[p]!;
        p += 8;
      } else if (next === 51) {
        if (end < p + 8) return malformed('IPv6', 'AH header cut short');
        const len = (d[p + 1]! + 2) * 4;
        next = d[p]!;
        p += len;
      } else break;
    }
    if (p > end) return malformed('IPv6', 'extension headers run past the packet');
    return this.transport(next, d, p, end, missing, 6, d, o + 8, frame, depth);
  }

  /** `addr`/`addrAt`: where the IP header's source address is (the destination follows it). */
  private transport(proto: number, d: Uint8Array, o: number, end: number, missing: number, v: 4 | 6, addr: Uint8Array, addrAt: number, frame: Frame, depth: number): DecodeOutcome {
    if (proto === 6) return depth === 0 ? tcp(d, o, end, missing, v, addr, addrAt) : tcp(d, o, end, missing, v, addr, addrAt, this.layers, depth);
    // Tunnels whose inner packets tshark also unwraps: IPv4-in-IP, 6in4 (RFC 4213), IPv6-in-IPv6.
    if (proto === 4 || proto === 41) {
      const ver: 4 | 6 = proto === 4 ? 4 : 6;
      return this.tunnel({ kind: 'tunnel', encapsulation: ipInIpName(v, proto), id: -1, inner: ver === 4 ? 0x0800 : 0x86dd, at: o }, d, end, v, addr, addrAt, frame, depth);
    }
    if (proto === 17) return this.udp(d, o, end, v, addr, addrAt, frame, depth);
    if (proto === IPPROTO_GRE) return this.tunnel(gre(d, o, end), d, end, v, addr, addrAt, frame, depth);
    if (proto === 1 || proto === 58) return { kind: 'other', what: 'ICMP' };
    return { kind: 'other', what: `IP protocol ${proto}` };
  }

  /** UDP (RFC 768): Geneve and VXLAN by their ports, as tshark decodes them; any other datagram is only counted. */
  private udp(d: Uint8Array, o: number, end: number, v: 4 | 6, addr: Uint8Array, addrAt: number, frame: Frame, depth: number): DecodeOutcome {
    if (end >= o + 8) {
      const dst = (d[o + 2]! << 8) | d[o + 3]!;
      const port = dst === GENEVE_PORT || dst === VXLAN_PORT ? dst : (d[o]! << 8) | d[o + 1]!;
      if (port === GENEVE_PORT || port === VXLAN_PORT) {
        const len = (d[o + 4]! << 8) | d[o + 5]!;
        if (len !== 0 && len < 8) return malformed('UDP', `length ${len} below its 8-byte header`);
        // Length 0 (offloaded, or a jumbogram's): the captured bytes say where it ends.
        const e = len === 0 ? end : Math.min(end, o + len);
        return this.tunnel(port === GENEVE_PORT ? geneve(d, o + 8, e) : vxlan(d, o + 8, e), d, e, v, addr, addrAt, frame, depth);
      }
    }
    return { kind: 'other', what: 'UDP' };
  }

  /**
   * Into a tunnel whose header `h` was read: the inner packet is decoded as any other, one level
   * deeper, within the outer packet's `end`. Nesting is bounded, so hostile headers cannot recurse
   * without end; each level also consumes bytes.
   */
  private tunnel(h: TunnelParse, d: Uint8Array, end: number, v: 4 | 6, addr: Uint8Array, addrAt: number, frame: Frame, depth: number): DecodeOutcome {
    if (h.kind !== 'tunnel') return h;
    if (depth >= MAX_NESTING) return malformed(h.encapsulation, `tunnels nested more than ${MAX_NESTING} deep`);
    const t = (this.layers[depth] ??= new RawTunnel()).set(h.encapsulation, v, addr, addrAt, h.id);
    if (depth === 0) this.tunnels.count(t, frame.number);
    const inner = end < d.length ? d.subarray(0, end) : d;
    if (h.inner === INNER_ETHERNET) return this.ether(inner, h.at, frame, depth + 1);
    if (h.inner === INNER_IP) return this.ipByVersion(inner, h.at, frame, depth + 1);
    return this.etherType(h.inner, inner, h.at, frame, depth + 1);
  }

  /**
   * Bounded IPv4 reassembly (RFC 791 §3.2, RFC 815). Returns the whole datagram (a fresh buffer
   * with a 20-byte header) when the last missing piece arrives.
   */
  private defragment(d: Uint8Array, o: number, ihl: number, end: number, off: number, more: boolean, frame: Frame): Uint8Array | undefined {
    const key = `${d[o + 12]}.${d[o + 13]}.${d[o + 14]}.${d[o + 15]}>${d[o + 16]}.${d[o + 17]}.${d[o + 18]}.${d[o + 19]}/${(d[o + 4]! << 8) | d[o + 5]!}/${d[o + 9]}`;
    let set = this.frags.get(key);
    if (!set) {
      if (this.frags.size >= this.limits.maxFragmentSets) this.evictOldest();
      set = { parts: [], total: -1, bytes: 0, firstFrame: frame.number, header: d.slice(o, o + 20) };
      this.frags.set(key, set);
    }
    const piece = d.slice(o + ihl, end);
    if (this.fragBytes + piece.length > this.limits.maxFragmentBytes) {
      this.evictOldest();
      if (this.fragBytes + piece.length > this.limits.maxFragmentBytes) {
        this.fragmentsDropped++;
        return undefined;
      }
    }
    if (set.parts.length >= MAX_FRAGMENTS_PER_DATAGRAM) {
      this.frags.delete(key);
      this.fragBytes -= set.bytes;
      this.fragmentsDropped++;
      return undefined;
    }
    set.parts.push({ off, data: piece });
    set.bytes += piece.length;
    this.fragBytes += piece.length;
    if (!more) set.total = off + piece.length;
    if (set.total < 0 || set.total > 65535) return undefined;
    set.parts.sort((a, b) => a.off - b.off);
    let covered = 0;
    for (const p of set.parts) {
      if (p.off > covered) return undefined;
      covered = Math.max(covered, p.off + p.data.length);
    }
    if (covered < set.total) return undefined;
    const whole = new Uint8Array(20 + set.total);
    whole.set(set.header, 0);
    whole[0] = 0x45;
    // A piece may start past the end the last fragment declared (overlapping, contradictory fragments).
    for (const p of set.parts) if (p.off < set.total) whole.set(p.data.subarray(0, set.total - p.off), 20 + p.off);
    this.frags.delete(key);
    this.fragBytes -= set.bytes;
    this.fragmentsReassembled++;
    return whole;
  }

  private evictOldest(): void {
    const first = this.frags.keys().next();
    if (first.done) return;
    const set = this.frags.get(first.value)!;
    this.fragBytes -= set.bytes;
    this.frags.delete(first.value);
    this.fragmentsDropped++;
  }
}

function malformed(layer: string, message: string): DecodeOutcome {
  return { kind: 'malformed', layer, message };
}

/** RFC 9293 §3.1. */
function tcp(d: Uint8Array, o: number, end: number, missing: number, v: 4 | 6, addr: Uint8Array, addrAt: number, tunnels?: readonly RawTunnel[], depth = 0): DecodeOutcome {
  if (end < o + 20) return malformed('TCP', end > o ? 'header cut short' : 'no TCP header');
  const off = (d[o + 12]! >> 4) * 4;
  if (off < 20) return malformed('TCP', `data offset ${off} below 20`);
  if (end < o + off) return malformed('TCP', `data offset ${off} runs past the packet`);
  const seg = new (tunnels === undefined ? DecodedSegment : TunnelledSegment)(
    v,
    addr,
    addrAt,
    v === 4 ? u32be(addr, addrAt) : 0,
    v === 4 ? u32be(addr, addrAt + 4) : 0,
    (d[o]! << 8) | d[o + 1]!,
    (d[o + 2]! << 8) | d[o + 3]!,
    u32be(d, o + 4),
    u32be(d, o + 8),
    d[o + 13]!,
    (d[o + 14]! << 8) | d[o + 15]!,
    d,
    end - (o + off),
    missing,
    o + off,
  );
  return tunnels === undefined ? seg : (seg as TunnelledSegment).setTunnels(tunnels, depth);
}
