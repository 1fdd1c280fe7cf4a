import type { Frame } from '../../capture/types.js';
import { ACK, FIN, RST, SYN, formatIp, type TcpSegment } from '../packet.js';
import type { Dir, EndReason, Endpoint, GapReason, StreamConsumer } from '../types.js';

export interface ReassemblyLimits {
  /** Out-of-order bytes held per connection (both directions). */
  readonly maxBufferedPerConnection: number;
  /** Out-of-order bytes held across all connections. */
  readonly maxBufferedTotal: number;
  /** Gap records kept per connection (all are counted). */
  readonly maxGapRecords: number;
}

/**
 * What one held segment counts against the limits at least: its bookkeeping costs memory and
 * insertion time whatever its size, so a flood of one-byte segments cannot hold millions of entries.
 */
export const HELD_SEGMENT_MIN_COST = 512;

export const DEFAULT_REASSEMBLY_LIMITS: ReassemblyLimits = {
  maxBufferedPerConnection: 4 * 1024 * 1024,
  maxBufferedTotal: 64 * 1024 * 1024,
  maxGapRecords: 32,
};

export interface GapRecord {
  readonly dir: Dir;
  readonly streamOffset: number;
  readonly length: number;
  readonly reason: GapReason;
  readonly frame: number;
}

export interface DirEnd {
  readonly reason: EndReason;
  readonly frame: number;
}

/** Summary of one TCP connection, kept for every connection (small: no payload). */
export interface Connection {
  /** 0-based, in order of first packet, as tshark numbers tcp.stream. */
  readonly id: number;
  /** A: the initiator when the SYN was seen, else the source of the first packet seen. */
  readonly a: Endpoint;
  readonly b: Endpoint;
  readonly ipVersion: 4 | 6;
  synSeen: boolean;
  firstFrame: number;
  lastFrame: number;
  firstTs: { sec: number; nsec: number };
  lastTs: { sec: number; nsec: number };
  /** TCP payload bytes seen per direction, retransmissions included. */
  readonly bytes: [number, number];
  readonly packets: [number, number];
  readonly gaps: GapRecord[];
  gapCount: number;
  gapBytes: number;
  retransmissions: number;
  outOfOrder: number;
  readonly ends: [DirEnd | undefined, DirEnd | undefined];
  /** The consumer declared no further interest (or there was none). */
  ignored: boolean;
}

interface Pending {
  off: number;
  data: Uint8Array;
  /** Counted against the limits: the length, at least HELD_SEGMENT_MIN_COST. */
  cost: number;
  frame: number;
  tsSec: number;
  tsNsec: number;
}

/** Per-direction sequence state. Offsets are unwrapped doubles; u32 sequence numbers wrap. */
interface DirState {
  /** Sequence number of the next expected byte; -1 until known. */
  nextSeq: number;
  /** Stream offset of the next expected byte. */
  next: number;
  isn: number;
  pending: Pending[];
  pendingBytes: number;
  /** Stream offset just past the FIN, once a FIN was seen. */
  finOffset: number;
  finFrame: number;
  ended: boolean;
  midStreamReported: boolean;
}

interface Live {
  conn: Connection;
  consumer: StreamConsumer | undefined;
  /** Sequence state; the shared IGNORED_DIRS once nothing reaches the consumer any more. */
  dirs: readonly [DirState, DirState];
  /** Canonical key's orientation: true when A is the lower endpoint. */
  aKeyLow: boolean;
  /** Each direction's initial sequence number (-1 until a SYN), kept after `dirs` is let go: port reuse needs it. */
  isn0: number;
  isn1: number;
}

/** Held segments of a direction that holds none: shared, frozen, so nothing can add to it by mistake. */
const NO_PENDING: Pending[] = Object.freeze([]) as unknown as Pending[];

/**
 * Sequence state of every connection nothing reads any more (its consumer let go): a finished
 * session's connection is kept for its counters and for port-reuse detection, and thousands of
 * them must not each keep two directions' worth of state. Ended, so no path delivers through it.
 */
const IGNORED_DIR: DirState = Object.freeze({ nextSeq: -1, next: 0, isn: -1, pending: NO_PENDING, pendingBytes: 0, finOffset: -1, finFrame: 0, ended: true, midStreamReported: true });
const IGNORED_DIRS: readonly [DirState, DirState] = Object.freeze([IGNORED_DIR, IGNORED_DIR] as [DirState, DirState]);

function newDir(): DirState {
  return { nextSeq: -1, next: 0, isn: -1, pending: [], pendingBytes: 0, finOffset: -1, finFrame: 0, ended: false, midStreamReported: false };
}

/** Signed distance a − b between two u32 sequence numbers (RFC 9293 §3.4 modular arithmetic). */
function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/**
 * TCP reassembly per connection and direction (RFC 9293). Delivers in-order bytes with the frame
 * that carried each piece; reports gaps explicitly, never bridging them silently. A gap is
 * declared when the peer acknowledges bytes the capture never showed (Wireshark's "ACKed unseen
 * segment" past held data), when held out-of-order data passes the caller's limits, and at the end.
 */
export class TcpReassembler {
  /** IPv6 connections by key string (flowKey). */
  private readonly live = new Map<string, Live>();
  /**
   * IPv4 connections by number (address × 2^16 + port, low end then high end): finding a packet's
   * connection builds no key string, and a connection kept to the end keeps no key string either.
   */
  private readonly live4 = new Map<number, Map<number, Live>>();
  readonly connections: Connection[] = [];
  /** IPv4 address strings, shared by the connections of an address (bounded: a scan of many addresses stops adding). */
  private readonly ip4Text = new Map<number, string>();
  private bufferedTotal = 0;
  private lastFrame = 0;

  constructor(
    private readonly factory: (conn: Connection) => StreamConsumer | undefined,
    private readonly limits: ReassemblyLimits = DEFAULT_REASSEMBLY_LIMITS,
  ) {}

  segment(frame: Frame, seg: TcpSegment): void {
    this.lastFrame = frame.number;
    let l: Live | undefined;
    let srcLow: boolean;
    if (seg.ipVersion === 4) {
      const se = end4(seg.src4, seg.srcPort);
      const de = end4(seg.dst4, seg.dstPort);
      // The same order isSrcLow gives (address bytes, then port), without making address views.
      srcLow = se <= de;
      l = srcLow ? this.live4.get(se)?.get(de) : this.live4.get(de)?.get(se);
    } else {
      srcLow = isSrcLow(seg);
      l = this.live.get(flowKey(seg));
    }
    if (l === undefined || ((seg.flags & (SYN | ACK)) === SYN && this.isNewIncarnation(l, seg, srcLow))) {
      l = this.open(l, frame, seg, srcLow);
    }
    const conn = l.conn;
    const dir: Dir = srcLow === l.aKeyLow ? 0 : 1;
    conn.lastFrame = frame.number;
    // Updated in place: one object per connection, not one per packet.
    conn.lastTs.sec = frame.tsSec;
    conn.lastTs.nsec = frame.tsNsec;
    conn.packets[dir]++;
    const n = seg.payloadLength;
    conn.bytes[dir] += n + seg.payloadMissing;

    if (conn.ignored) {
      // One lookup and a few counters: the cost of a connection nobody is interested in.
      if (seg.flags & RST) {
        if (!conn.ends[dir]) conn.ends[dir] = { reason: 'rst', frame: frame.number };
      } else if (seg.flags & FIN) {
        if (!conn.ends[dir]) conn.ends[dir] = { reason: 'fin', frame: frame.number };
      }
      return;
    }

    const ds = l.dirs[dir];
    if (seg.flags & SYN) {
      ds.isn = seg.seq;
      if (dir === 0) l.isn0 = seg.seq;
      else l.isn1 = seg.seq;
      if (ds.nextSeq < 0) {
        ds.nextSeq = (seg.seq + 1) >>> 0;
        ds.next = 0;
        conn.synSeen = true;
      }
    }
    // The peer's acknowledgement tells us what it received: bytes we never saw are a gap.
    if (seg.flags & ACK) this.ackAdvance(l, (1 - dir) as Dir, seg.ack, frame);
    if (conn.ignored) return;

    if (n > 0 || seg.payloadMissing > 0) this.data(l, dir, seg, frame);
    if (conn.ignored) return;

    if (seg.flags & RST) {
      this.closeDir(l, dir, 'rst', frame.number);
      this.closeDir(l, (1 - dir) as Dir, 'rst', frame.number);
    } else if (seg.flags & FIN) {
      if (ds.nextSeq >= 0) {
        const finOff = ds.next + seqDiff(seg.seq, ds.nextSeq) + n + seg.payloadMissing;
        ds.finOffset = Math.max(ds.finOffset, finOff);
        ds.finFrame = frame.number;
        if (ds.next >= ds.finOffset) this.closeDir(l, dir, 'fin', frame.number);
      } else this.closeDir(l, dir, 'fin', frame.number);
    }
  }

  /** End of capture: everything still held is delivered around explicit gaps. */
  finish(): void {
    const all = [...this.live.values()];
    for (const inner of this.live4.values()) for (const l of inner.values()) all.push(l);
    // In order of first packet, as the connections are numbered.
    all.sort((x, y) => x.conn.id - y.conn.id);
    for (const l of all) {
      for (const dir of [0, 1] as Dir[]) {
        const ds = l.dirs[dir];
        if (ds.ended || l.conn.ignored) continue;
        this.flushPending(l, dir, this.lastFrame);
        if (l.conn.ignored) break;
        if (ds.finOffset >= 0 && ds.next >= ds.finOffset) this.closeDir(l, dir, 'fin', ds.finFrame);
        else this.closeDir(l, dir, 'capture-end', this.lastFrame);
      }
    }
  }

  get bufferedBytes(): number {
    return this.bufferedTotal;
  }

  /** `srcLow`: the segment's source is the connection key's low end (isSrcLow). */
  private isNewIncarnation(l: Live, seg: TcpSegment, srcLow: boolean): boolean {
    const c = l.conn;
    const bothEnded = (c.ends[0] !== undefined && c.ends[1] !== undefined) || c.ends[0]?.reason === 'rst' || c.ends[1]?.reason === 'rst';
    if (bothEnded) return true;
    // A SYN with a different ISN from the same side is a new connection reusing the ports.
    const dir: Dir = srcLow === l.aKeyLow ? 0 : 1;
    const isn = dir === 0 ? l.isn0 : l.isn1;
    return isn >= 0 && isn !== seg.seq;
  }

  /** `old`: the connection these ports belonged to until now (port reuse), if any; `srcLow` as isNewIncarnation's. */
  private open(old: Live | undefined, frame: Frame, seg: TcpSegment, srcLow: boolean): Live {
    if (old) {
      // Port reuse: the old incarnation ends here.
      for (const dir of [0, 1] as Dir[]) {
        if (!old.dirs[dir].ended && !old.conn.ignored) {
          this.flushPending(old, dir, frame.number);
          this.closeDir(old, dir, 'capture-end', old.conn.lastFrame);
        }
      }
    }
    const srcEp: Endpoint = { ip: seg.ipVersion === 4 ? this.ip4(seg.src4, seg.src) : formatIp(seg.src), port: seg.srcPort };
    const dstEp: Endpoint = { ip: seg.ipVersion === 4 ? this.ip4(seg.dst4, seg.dst) : formatIp(seg.dst), port: seg.dstPort };
    // SYN-ACK first: its destination is the initiator.
    const synAck = (seg.flags & (SYN | ACK)) === (SYN | ACK);
    const a = synAck ? dstEp : srcEp;
    const b = synAck ? srcEp : dstEp;
    const conn: Connection = {
      id: this.connections.length,
      a,
      b,
      ipVersion: seg.ipVersion,
      synSeen: false,
      firstFrame: frame.number,
      lastFrame: frame.number,
      firstTs: { sec: frame.tsSec, nsec: frame.tsNsec },
      lastTs: { sec: frame.tsSec, nsec: frame.tsNsec },
      bytes: [0, 0],
      packets: [0, 0],
      gaps: [],
      gapCount: 0,
      gapBytes: 0,
      retransmissions: 0,
      outOfOrder: 0,
      ends: [undefined, undefined],
      ignored: false,
    };
    this.connections.push(conn);
    const l: Live = { conn, consumer: undefined, dirs: [newDir(), newDir()], aKeyLow: synAck ? !srcLow : srcLow, isn0: -1, isn1: -1 };
    l.consumer = this.factory(conn);
    if (!l.consumer) this.ignore(l);
    if (seg.ipVersion === 6) this.live.set(flowKey(seg), l);
    else {
      const se = end4(seg.src4, seg.srcPort);
      const de = end4(seg.dst4, seg.dstPort);
      const lo = srcLow ? se : de;
      let inner = this.live4.get(lo);
      if (!inner) this.live4.set(lo, (inner = new Map()));
      inner.set(srcLow ? de : se, l);
    }
    return l;
  }

  private ignore(l: Live): void {
    l.conn.ignored = true;
    // Nothing reaches it any more: dropping it frees the consumer's own state (a TLS dissector's
    // buffers) and the sequence state, while the connection's entry stays for its counters and
    // port-reuse detection (isn0/isn1).
    l.consumer = undefined;
    for (const ds of l.dirs) this.bufferedTotal -= ds.pendingBytes;
    l.dirs = IGNORED_DIRS;
  }

  private ip4(n: number, bytes: Uint8Array): string {
    let t = this.ip4Text.get(n);
    if (t === undefined) {
      t = formatIp(bytes);
      if (this.ip4Text.size < 65536) this.ip4Text.set(n, t);
    }
    return t;
  }

  private deliver(l: Live, dir: Dir, data: Uint8Array, off: number, frame: number, tsSec: number, tsNsec: number): void {
    if (l.consumer?.data(dir, data, off, frame, tsSec, tsNsec) === 'ignore') this.ignore(l);
  }

  private gap(l: Live, dir: Dir, off: number, length: number, reason: GapReason, frame: number): void {
    const c = l.conn;
    if (length > 0) {
      c.gapCount++;
      c.gapBytes += length;
      if (c.gaps.length < this.limits.maxGapRecords) c.gaps.push({ dir, streamOffset: off, length, reason, frame });
    }
    if (l.consumer?.gap(dir, off, length, reason, frame) === 'ignore') this.ignore(l);
  }

  private data(l: Live, dir: Dir, seg: TcpSegment, frame: Frame): void {
    const ds = l.dirs[dir];
    // After FIN or RST nothing more is delivered in this direction, so nothing may be held for it:
    // held bytes would never be released and would count against every connection's limit.
    if (ds.ended) return;
    const payload = seg.payload;
    if (ds.nextSeq < 0) {
      // No SYN seen for this direction: the capture started mid-connection.
      ds.nextSeq = seg.seq;
      ds.next = 0;
      if (!ds.midStreamReported) {
        ds.midStreamReported = true;
        this.gap(l, dir, 0, 0, 'mid-stream-start', frame.number);
        if (l.conn.ignored) return;
      }
    }
    const off = ds.next + seqDiff(seg.seq, ds.nextSeq);
    const end = off + payload.length;
    if (end <= ds.next && seg.payloadMissing === 0) {
      if (payload.length > 0) l.conn.retransmissions++;
      return;
    }
    if (off <= ds.next) {
      const fresh = payload.subarray(ds.next - off);
      if (fresh.length < payload.length) l.conn.retransmissions++;
      this.advance(l, dir, fresh, frame.number, frame.tsSec, frame.tsNsec);
      if (l.conn.ignored) return;
      if (seg.payloadMissing > 0) {
        // The snap length cut the segment: its tail is a gap, the stream continues after it.
        this.gap(l, dir, ds.next, seg.payloadMissing, 'snaplen', frame.number);
        ds.next += seg.payloadMissing;
        ds.nextSeq = (ds.nextSeq + seg.payloadMissing) >>> 0;
        if (l.conn.ignored) return;
      }
      this.drain(l, dir, frame.number);
      return;
    }
    // Ahead of what we have: hold a copy (the frame's bytes die with the frame), within limits.
    l.conn.outOfOrder++;
    if (payload.length > 0) {
      const p: Pending = { off, data: payload.slice(), cost: Math.max(payload.length, HELD_SEGMENT_MIN_COST), frame: frame.number, tsSec: frame.tsSec, tsNsec: frame.tsNsec };
      insertSorted(ds.pending, p);
      ds.pendingBytes += p.cost;
      this.bufferedTotal += p.cost;
    }
    // Skip ahead until this connection is back within the limits (each step releases at least one
    // held segment; one step is not enough when small segments are held in front of a large one).
    const other = l.dirs[1 - dir]!;
    while (!l.conn.ignored && (ds.pending.length > 0 || other.pending.length > 0)) {
      const held = l.dirs[0].pendingBytes + l.dirs[1].pendingBytes;
      if (held <= this.limits.maxBufferedPerConnection && this.bufferedTotal <= this.limits.maxBufferedTotal) break;
      this.skipToPending(l, ds.pending.length > 0 ? dir : ((1 - dir) as Dir), 'buffer-limit', frame.number);
    }
  }

  private advance(l: Live, dir: Dir, data: Uint8Array, frame: number, tsSec: number, tsNsec: number): void {
    const ds = l.dirs[dir];
    if (data.length === 0) return;
    const off = ds.next;
    ds.next += data.length;
    ds.nextSeq = (ds.nextSeq + data.length) >>> 0;
    this.deliver(l, dir, data, off, frame, tsSec, tsNsec);
  }

  /**
   * Delivers held segments that are now in order. When a segment filled the hole (`filledBy`),
   * the held bytes are delivered as of that frame: it is where they became readable, which is
   * what Wireshark reports as "reassembled in". After a declared gap they keep their own frame.
   */
  private drain(l: Live, dir: Dir, filledBy?: number): void {
    const ds = l.dirs[dir];
    while (ds.pending.length > 0 && !l.conn.ignored) {
      const p = ds.pending[0]!;
      if (p.off > ds.next) break;
      ds.pending.shift();
      ds.pendingBytes -= p.cost;
      this.bufferedTotal -= p.cost;
      if (p.off + p.data.length > ds.next) this.advance(l, dir, p.data.subarray(ds.next - p.off), Math.max(p.frame, filledBy ?? 0), p.tsSec, p.tsNsec);
      else l.conn.retransmissions++;
    }
    if (!l.conn.ignored && ds.finOffset >= 0 && ds.next >= ds.finOffset && !ds.ended) this.closeDir(l, dir, 'fin', ds.finFrame);
  }

  /** Declares the bytes up to the first held segment missing and delivers from there. */
  private skipToPending(l: Live, dir: Dir, reason: GapReason, frame: number): void {
    const ds = l.dirs[dir];
    const first = ds.pending[0];
    if (!first || first.off <= ds.next) return this.drain(l, dir);
    const len = first.off - ds.next;
    const at = ds.next;
    ds.next = first.off;
    ds.nextSeq = (ds.nextSeq + len) >>> 0;
    this.gap(l, dir, at, len, reason, frame);
    if (!l.conn.ignored) this.drain(l, dir);
  }

  /**
   * The peer acknowledged past a hole in front of data we hold: the hole's bytes reached the peer
   * but not the capture, and will not come. Acks past `next` with nothing held prove nothing yet
   * (the capture may simply show the ACK before the data), so they wait.
   */
  private ackAdvance(l: Live, dir: Dir, ack: number, frame: Frame): void {
    const ds = l.dirs[dir];
    const first = ds.pending[0];
    if (!first || ds.nextSeq < 0 || ds.ended) return;
    const ackOff = ds.next + seqDiff(ack, ds.nextSeq);
    if (ackOff <= first.off) return;
    this.skipToPending(l, dir, 'missing', frame.number);
  }

  private flushPending(l: Live, dir: Dir, frame: number): void {
    const ds = l.dirs[dir];
    while (ds.pending.length > 0 && !l.conn.ignored) this.skipToPending(l, dir, 'missing', frame);
  }

  private closeDir(l: Live, dir: Dir, reason: EndReason, frame: number): void {
    const ds = l.dirs[dir];
    if (ds.ended) return;
    ds.ended = true;
    if (!l.conn.ends[dir]) l.conn.ends[dir] = { reason, frame };
    this.bufferedTotal -= ds.pendingBytes;
    ds.pending = NO_PENDING;
    ds.pendingBytes = 0;
    if (!l.conn.ignored) l.consumer?.end(dir, reason, frame);
  }
}

/** Inserts after any entry at the same offset (binary search: segments may arrive in any order). */
function insertSorted(list: Pending[], p: Pending): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.off > p.off) hi = mid;
    else lo = mid + 1;
  }
  list.splice(lo, 0, p);
}

function cmpBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return 0;
}

/** True when (src, srcPort) sorts below (dst, dstPort): the key's orientation. */
/** An IPv4 connection end as one number (address × 2^16 + port): the live4 index's keys. */
function end4(addr: number, port: number): number {
  return addr * 65536 + port;
}

function isSrcLow(seg: TcpSegment): boolean {
  const c = cmpBytes(seg.src, seg.dst);
  return c < 0 || (c === 0 && seg.srcPort <= seg.dstPort);
}

/** Same key for both directions of a connection. Numbers only: cheaper than formatting addresses. */
export function flowKey(seg: TcpSegment): string {
  const low = isSrcLow(seg);
  if (seg.ipVersion === 4) {
    const sa = seg.src4;
    const da = seg.dst4;
    return low ? `${sa}:${seg.srcPort}-${da}:${seg.dstPort}` : `${da}:${seg.dstPort}-${sa}:${seg.srcPort}`;
  }
  const sh = formatIp(seg.src);
  const dh = formatIp(seg.dst);
  return low ? `[${sh}]:${seg.srcPort}-[${dh}]:${seg.dstPort}` : `[${dh}]:${seg.dstPort}-[${sh}]:${seg.srcPort}`;
}
