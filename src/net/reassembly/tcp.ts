import type { CaptureBudget } from '../../bytes/index.js';
import type { Frame } from '../../capture/types.js';
import { ACK, FIN, RST, SYN, formatIp, type TcpSegment } from '../packet.js';
import type { TunnelLayer } from '../tunnel.js';
import type { Dir, EndReason, Endpoint, GapReason, StreamConsumer } from '../types.js';
import { lateAlertOf, MAX_LATE_ALERTS, seqDiff, type Connection, type DirEnd, type GapRecord, type LateAlert } from './connection.js';
import { end4, flowKey, isSrcLow, key4, type Key4 } from './keys.js';

export interface ReassemblyLimits {
  /** Out-of-order bytes held per connection (both directions). */
  readonly maxBufferedPerConnection: number;
  /** Out-of-order bytes held across all connections (without a `budget`). */
  readonly maxBufferedTotal: number;
  /**
   * The capture-wide bound shared with the TLS dissectors (CaptureBudget): held bytes count against
   * it instead of maxBufferedTotal, and a connection its owner summarises to make room lets go of
   * what it held here (letGo).
   */
  readonly budget?: CaptureBudget;
  /** Gap records kept per connection (all are counted). */
  readonly maxGapRecords: number;
  /**
   * Connections tracked per capture (default DEFAULT_MAX_CONNECTIONS). Past it, a packet of a
   * connection not yet seen is counted (overLimit) and nothing else: a flood of SYNs or a scan of
   * every port cannot take the memory a connection's record needs, millions of times over.
   */
  readonly maxConnections?: number;
}

/** About 1 GB at the ~500 bytes (record and map entry) a connection that carried only a SYN costs. */
export const DEFAULT_MAX_CONNECTIONS = 2_097_152;

/** Packets of connections the table had no room for (ReassemblyLimits.maxConnections). */
export interface OverLimit {
  readonly limit: number;
  /** TCP segments not analysed. */
  segments: number;
  /** The first of them. */
  firstFrame: number;
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
  maxConnections: DEFAULT_MAX_CONNECTIONS,
};


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
  pending: Pending[];
  pendingBytes: number;
  /** Stream offset just past the FIN, once a FIN was seen. */
  finOffset: number;
  finFrame: number;
  ended: boolean;
  midStreamReported: boolean;
}

/** The first gap records of a connection that has none yet: shared, frozen. */
const NO_GAPS: GapRecord[] = Object.freeze([]) as unknown as GapRecord[];

/** An IPv4 address as printed, from its 32 bits (as an int32 or a u32 alike). */
function ip4Text(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/**
 * One connection: the summary readers see (Connection) and the reassembler's own state, in one
 * object with plain number fields. A capture may hold millions of connections (a port scan is a
 * few bytes per connection), so nothing is allocated per connection that can be shared, made when
 * it is read (endpoints, timestamps and pairs are built by their getters), or made when first
 * needed (held segments, gap records); a connection costs about 500 bytes with its map entry.
 */
class ConnState implements Connection {
  synSeen = false;
  lastFrame: number;
  readonly firstSec: number;
  readonly firstNsec: number;
  lastSec: number;
  lastNsec: number;
  bytes0 = 0;
  bytes1 = 0;
  packets0 = 0;
  packets1 = 0;
  gaps: GapRecord[] = NO_GAPS;
  gapCount = 0;
  gapBytes = 0;
  retransmissions = 0;
  outOfOrder = 0;
  end0: DirEnd | undefined = undefined;
  end1: DirEnd | undefined = undefined;
  ignored = false;
  lateAlerts: LateAlert[] | undefined = undefined;
  consumer: StreamConsumer | undefined = undefined;
  /**
   * Sequence state per direction: the shared FRESH_DIR until the direction needs its own, the shared
   * IGNORED_DIR once nothing reaches the consumer any more (or a fresh direction ended).
   */
  d0: DirState = FRESH_DIR;
  d1: DirState = FRESH_DIR;
  /** Each direction's initial sequence number (-1 until a SYN), kept after the sequence state is let go: port reuse needs it. */
  isn0 = -1;
  isn1 = -1;

  constructor(
    readonly id: number,
    readonly ipVersion: 4 | 6,
    /** IPv4: the address as an int32 (a small integer to V8, never a boxed number); IPv6: as printed. */
    readonly aAddr: number | string,
    readonly aPort: number,
    readonly bAddr: number | string,
    readonly bPort: number,
    /** Canonical key's orientation: true when A is the lower endpoint. */
    readonly aKeyLow: boolean,
    readonly firstFrame: number,
    tsSec: number,
    tsNsec: number,
  ) {
    this.lastFrame = firstFrame;
    this.firstSec = this.lastSec = tsSec;
    this.firstNsec = this.lastNsec = tsNsec;
  }

  get a(): Endpoint {
    return { ip: typeof this.aAddr === 'number' ? ip4Text(this.aAddr) : this.aAddr, port: this.aPort };
  }
  get b(): Endpoint {
    return { ip: typeof this.bAddr === 'number' ? ip4Text(this.bAddr) : this.bAddr, port: this.bPort };
  }
  get firstTs(): { sec: number; nsec: number } {
    return { sec: this.firstSec, nsec: this.firstNsec };
  }
  get lastTs(): { sec: number; nsec: number } {
    return { sec: this.lastSec, nsec: this.lastNsec };
  }
  get bytes(): [number, number] {
    return [this.bytes0, this.bytes1];
  }
  get packets(): [number, number] {
    return [this.packets0, this.packets1];
  }
  get ends(): [DirEnd | undefined, DirEnd | undefined] {
    return [this.end0, this.end1];
  }

  dir(dir: Dir): DirState {
    return dir === 0 ? this.d0 : this.d1;
  }
  end(dir: Dir): DirEnd | undefined {
    return dir === 0 ? this.end0 : this.end1;
  }
  setEnd(dir: Dir, e: DirEnd): void {
    if (dir === 0) this.end0 ??= e;
    else this.end1 ??= e;
  }
}

/** A connection that came through tunnels: its own class, so the others carry no field for it. */
class TunnelledConnState extends ConnState {
  tunnel: readonly TunnelLayer[] = [];
}

/** Held segments of a direction that holds none: shared, frozen, so nothing can add to it by mistake. */
const NO_PENDING: Pending[] = Object.freeze([]) as unknown as Pending[];

/**
 * Sequence state of every connection nothing reads any more (its consumer let go): a finished
 * session's connection is kept for its counters and for port-reuse detection, and thousands of
 * them must not each keep two directions' worth of state. Ended, so no path delivers through it.
 */
const IGNORED_DIR: DirState = Object.freeze({ nextSeq: -1, next: 0, pending: NO_PENDING, pendingBytes: 0, finOffset: -1, finFrame: 0, ended: true, midStreamReported: true });

/**
 * Sequence state of every direction that has carried nothing but a SYN (or nothing at all): shared,
 * frozen. A scan's millions of connections never need more; a direction gets its own state
 * (TcpReassembler.own) when data, a gap or a FIN needs one, and its SYN's ISN (isn0/isn1) carries over.
 */
const FRESH_DIR: DirState = Object.freeze({ nextSeq: -1, next: 0, pending: NO_PENDING, pendingBytes: 0, finOffset: -1, finFrame: 0, ended: false, midStreamReported: false });

function newDir(nextSeq: number): DirState {
  return { nextSeq, next: 0, pending: NO_PENDING, pendingBytes: 0, finOffset: -1, finFrame: 0, ended: false, midStreamReported: false };
}


/**
 * TCP reassembly per connection and direction (RFC 9293). Delivers in-order bytes with the frame
 * that carried each piece; reports gaps explicitly, never bridging them silently. A gap is
 * declared when the peer acknowledges bytes the capture never showed (Wireshark's "ACKed unseen
 * segment" past held data), when held out-of-order data passes the caller's limits, and at the end.
 */
export class TcpReassembler {
  /** IPv6 connections by key string (flowKey). */
  private readonly live = new Map<string, ConnState>();
  /**
   * IPv4 connections by a 53-bit hash of their two ends (key4), checked against the connection's
   * own ends; the rare connections whose hashes collide share an entry as a list. One entry per
   * connection, no key string built per packet: a scan's million connections with a million
   * different low ends cost one map entry each, not a map each.
   */
  private readonly live4 = new Map<number, ConnState | ConnState[]>();
  readonly connections: Connection[] = [];
  /** Set once a connection was refused for want of room (maxConnections). */
  overLimit: OverLimit | undefined;
  private bufferedTotal = 0;
  private lastFrame = 0;

  constructor(
    private readonly factory: (conn: Connection) => StreamConsumer | undefined,
    private readonly limits: ReassemblyLimits = DEFAULT_REASSEMBLY_LIMITS,
    /** The live4 key (key4); a test passes one that collides, to reach the lists. */
    private readonly hashKey4: Key4 = key4,
  ) {
    limits.budget?.addHolder(this);
  }

  /**
   * The connection was summarised to make room in the capture-wide budget: what it holds out of
   * order is let go, and with it the connection (as when its consumer declares no further interest,
   * which it would at its next byte).
   */
  letGo(conn: Connection): void {
    if (conn instanceof ConnState && !conn.ignored && conn.d0.pendingBytes + conn.d1.pendingBytes > 0) this.ignore(conn);
  }

  /** Held bytes counted: against the capture-wide budget when there is one (`asking`: the connection's consumer). */
  private hold(cost: number, asking: unknown): void {
    this.bufferedTotal += cost;
    this.limits.budget?.take(cost, true, asking);
  }

  private unhold(cost: number): void {
    this.bufferedTotal -= cost;
    this.limits.budget?.give(cost);
  }

  /** Whether all connections together hold no more than they may. */
  private withinTotal(): boolean {
    const b = this.limits.budget;
    return b === undefined ? this.bufferedTotal <= this.limits.maxBufferedTotal : !b.over;
  }

  segment(frame: Frame, seg: TcpSegment): void {
    this.lastFrame = frame.number;
    let l: ConnState | undefined;
    let srcLow: boolean;
    if (seg.ipVersion === 4) {
      // The same order isSrcLow gives (address bytes, then port), without making address views.
      srcLow = end4(seg.src4, seg.srcPort) <= end4(seg.dst4, seg.dstPort);
      const e = this.live4.get(this.liveKey4(seg, srcLow));
      if (e !== undefined) l = e instanceof ConnState ? (isConn4(e, seg) ? e : undefined) : e.find((c) => isConn4(c, seg));
    } else {
      srcLow = isSrcLow(seg);
      l = this.live.get(flowKey(seg, srcLow));
    }
    if (l === undefined || ((seg.flags & (SYN | ACK)) === SYN && this.isNewIncarnation(l, seg, srcLow))) {
      const max = this.limits.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
      if (this.connections.length >= max) {
        if (this.overLimit) this.overLimit.segments++;
        else this.overLimit = { limit: max, segments: 1, firstFrame: frame.number };
        return;
      }
      l = this.open(l, frame, seg, srcLow);
    }
    const dir: Dir = srcLow === l.aKeyLow ? 0 : 1;
    l.lastFrame = frame.number;
    l.lastSec = frame.tsSec;
    l.lastNsec = frame.tsNsec;
    const n = seg.payloadLength;
    if (dir === 0) {
      l.packets0++;
      l.bytes0 += n + seg.payloadMissing;
    } else {
      l.packets1++;
      l.bytes1 += n + seg.payloadMissing;
    }

    if (l.ignored) {
      // One lookup and a few counters: the cost of a connection nobody is interested in.
      if (l.end(dir) === undefined && seg.flags & (RST | FIN)) l.setEnd(dir, { reason: seg.flags & RST ? 'rst' : 'fin', frame: frame.number });
      // A RST ends the other direction too; its sender is this one (C5).
      if (seg.flags & RST && l.end((1 - dir) as Dir) === undefined) l.setEnd((1 - dir) as Dir, { reason: 'rst', frame: frame.number, from: dir });
      // Late alerts (a close_notify after the handshake), for the session the connection carried:
      // the length and the first byte looked at per segment.
      if (n >= 7 && n <= 512 && (l.lateAlerts?.length ?? 0) < MAX_LATE_ALERTS) {
        const a = lateAlertOf(seg.payload, dir, frame.number, seg.seq, dir === 0 ? l.isn0 : l.isn1);
        if (a && !l.lateAlerts?.some((x) => x.dir === dir && x.seq === a.seq)) (l.lateAlerts ??= []).push(a);
      }
      return;
    }

    if (seg.flags & SYN) {
      if (dir === 0) l.isn0 = seg.seq;
      else l.isn1 = seg.seq;
      const ds = l.dir(dir);
      if (ds === FRESH_DIR || ds === IGNORED_DIR) {
        // Nothing is made for a SYN: the direction's numbers follow from its ISN when it gets its own state.
        l.synSeen = true;
      } else if (ds.nextSeq < 0) {
        ds.nextSeq = (seg.seq + 1) >>> 0;
        ds.next = 0;
        l.synSeen = true;
      }
    }
    // The peer's acknowledgement tells us what it received: bytes we never saw are a gap.
    if (seg.flags & ACK) this.ackAdvance(l, (1 - dir) as Dir, seg.ack, frame);
    if (l.ignored) return;

    if (n > 0 || seg.payloadMissing > 0) this.data(l, dir, seg, frame);
    if (l.ignored) return;

    if (seg.flags & RST) {
      this.closeDir(l, dir, 'rst', frame.number);
      // The peer's direction ends too, by this segment: its sender is `dir`, not the peer (C5).
      this.closeDir(l, (1 - dir) as Dir, 'rst', frame.number, { reason: 'rst', frame: frame.number, from: dir });
    } else if (seg.flags & FIN) {
      const ds = l.dir(dir).ended ? l.dir(dir) : this.own(l, dir);
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
    for (const e of this.live4.values()) {
      if (e instanceof ConnState) all.push(e);
      else all.push(...e);
    }
    // In order of first packet, as the connections are numbered.
    all.sort((x, y) => x.id - y.id);
    // One end record for every direction the capture's end closes (there may be millions).
    const captureEnd: DirEnd = { reason: 'capture-end', frame: this.lastFrame };
    for (const l of all) {
      for (const dir of [0, 1] as Dir[]) {
        const ds = l.dir(dir);
        if (ds.ended || l.ignored) continue;
        this.flushPending(l, dir, this.lastFrame);
        if (l.ignored) break;
        if (ds.finOffset >= 0 && ds.next >= ds.finOffset) this.closeDir(l, dir, 'fin', ds.finFrame);
        else this.closeDir(l, dir, 'capture-end', this.lastFrame, captureEnd);
      }
      // Nothing more comes: the connection keeps its counters and ends, not two directions' sequence
      // state (a flood's 40,000 connections keep theirs while their sessions are told).
      l.d0 = l.d1 = IGNORED_DIR;
    }
  }

  get bufferedBytes(): number {
    return this.bufferedTotal;
  }

  /** `srcLow`: the segment's source is the connection key's low end (isSrcLow). */
  private isNewIncarnation(l: ConnState, seg: TcpSegment, srcLow: boolean): boolean {
    const bothEnded = (l.end0 !== undefined && l.end1 !== undefined) || l.end0?.reason === 'rst' || l.end1?.reason === 'rst';
    if (bothEnded) return true;
    // A SYN with a different ISN from the same side is a new connection reusing the ports.
    const dir: Dir = srcLow === l.aKeyLow ? 0 : 1;
    const isn = dir === 0 ? l.isn0 : l.isn1;
    return isn >= 0 && isn !== seg.seq;
  }

  /** `old`: the connection these ports belonged to until now (port reuse), if any; `srcLow` as isNewIncarnation's. */
  private open(old: ConnState | undefined, frame: Frame, seg: TcpSegment, srcLow: boolean): ConnState {
    if (old) {
      // Port reuse: the old incarnation ends here.
      for (const dir of [0, 1] as Dir[]) {
        if (!old.dir(dir).ended && !old.ignored) {
          this.flushPending(old, dir, frame.number);
          this.closeDir(old, dir, 'capture-end', old.lastFrame);
        }
      }
    }
    // SYN-ACK first: its destination is the initiator.
    const synAck = (seg.flags & (SYN | ACK)) === (SYN | ACK);
    const v4 = seg.ipVersion === 4;
    const srcAddr = v4 ? seg.src4 | 0 : formatIp(seg.src);
    const dstAddr = v4 ? seg.dst4 | 0 : formatIp(seg.dst);
    const tunnel = seg.tunnel;
    const State = tunnel === undefined ? ConnState : TunnelledConnState;
    const l = synAck
      ? new State(this.connections.length, seg.ipVersion, dstAddr, seg.dstPort, srcAddr, seg.srcPort, !srcLow, frame.number, frame.tsSec, frame.tsNsec)
      : new State(this.connections.length, seg.ipVersion, srcAddr, seg.srcPort, dstAddr, seg.dstPort, srcLow, frame.number, frame.tsSec, frame.tsNsec);
    if (tunnel !== undefined) (l as TunnelledConnState).tunnel = tunnel;
    this.connections.push(l);
    l.consumer = this.factory(l);
    if (!l.consumer) this.ignore(l);
    if (seg.ipVersion === 6) this.live.set(flowKey(seg, srcLow), l);
    else {
      const k = this.liveKey4(seg, srcLow);
      const e = this.live4.get(k);
      if (e === undefined || (e instanceof ConnState && isConn4(e, seg))) this.live4.set(k, l);
      else if (e instanceof ConnState) this.live4.set(k, [e, l]);
      else {
        // A new incarnation takes its predecessor's place; another connection joins the list.
        const i = e.findIndex((c) => isConn4(c, seg));
        if (i >= 0) e[i] = l;
        else e.push(l);
      }
    }
    return l;
  }

  /** The live4 key of an IPv4 segment's connection: its low end first, whichever way the segment goes. */
  private liveKey4(seg: TcpSegment, srcLow: boolean): number {
    return srcLow ? this.hashKey4(seg.src4, seg.srcPort, seg.dst4, seg.dstPort) : this.hashKey4(seg.dst4, seg.dstPort, seg.src4, seg.srcPort);
  }

  /** The direction's own sequence state, made now if it had the shared fresh one (its SYN's ISN carries over). */
  private own(l: ConnState, dir: Dir): DirState {
    const ds = l.dir(dir);
    if (ds !== FRESH_DIR) return ds;
    const isn = dir === 0 ? l.isn0 : l.isn1;
    const made = newDir(isn >= 0 ? (isn + 1) >>> 0 : -1);
    if (dir === 0) l.d0 = made;
    else l.d1 = made;
    return made;
  }

  private ignore(l: ConnState): void {
    l.ignored = true;
    // Nothing reaches it any more: dropping it frees the consumer's own state (a TLS dissector's
    // buffers) and the sequence state, while the connection's entry stays for its counters and
    // port-reuse detection (isn0/isn1).
    l.consumer = undefined;
    this.unhold(l.d0.pendingBytes + l.d1.pendingBytes);
    l.d0 = l.d1 = IGNORED_DIR;
  }

  private deliver(l: ConnState, dir: Dir, data: Uint8Array, off: number, frame: number, tsSec: number, tsNsec: number): void {
    if (l.consumer?.data(dir, data, off, frame, tsSec, tsNsec) === 'ignore') this.ignore(l);
  }

  private gap(l: ConnState, dir: Dir, off: number, length: number, reason: GapReason, frame: number): void {
    if (length > 0) {
      l.gapCount++;
      l.gapBytes += length;
      if (l.gaps.length < this.limits.maxGapRecords) {
        if (l.gaps === NO_GAPS) l.gaps = [];
        l.gaps.push({ dir, streamOffset: off, length, reason, frame });
      }
    }
    if (l.consumer?.gap(dir, off, length, reason, frame) === 'ignore') this.ignore(l);
  }

  private data(l: ConnState, dir: Dir, seg: TcpSegment, frame: Frame): void {
    // After FIN or RST nothing more is delivered in this direction, so nothing may be held for it:
    // held bytes would never be released and would count against every connection's limit.
    if (l.dir(dir).ended) return;
    const ds = this.own(l, dir);
    const payload = seg.payload;
    if (ds.nextSeq < 0) {
      // No SYN seen for this direction: the capture started mid-connection.
      ds.nextSeq = seg.seq;
      ds.next = 0;
      if (!ds.midStreamReported) {
        ds.midStreamReported = true;
        this.gap(l, dir, 0, 0, 'mid-stream-start', frame.number);
        if (l.ignored) return;
      }
    }
    const off = ds.next + seqDiff(seg.seq, ds.nextSeq);
    const end = off + payload.length;
    if (end <= ds.next && seg.payloadMissing === 0) {
      if (payload.length > 0) l.retransmissions++;
      return;
    }
    if (off <= ds.next) {
      const fresh = payload.subarray(ds.next - off);
      if (fresh.length < payload.length) l.retransmissions++;
      this.advance(l, dir, fresh, frame.number, frame.tsSec, frame.tsNsec);
      if (l.ignored) return;
      if (seg.payloadMissing > 0) {
        // The snap length cut the segment: its tail is a gap, the stream continues after it.
        this.gap(l, dir, ds.next, seg.payloadMissing, 'snaplen', frame.number);
        ds.next += seg.payloadMissing;
        ds.nextSeq = (ds.nextSeq + seg.payloadMissing) >>> 0;
        if (l.ignored) return;
      }
      this.drain(l, dir, frame.number);
      return;
    }
    // Ahead of what we have: hold a copy (the frame's bytes die with the frame), within limits.
    l.outOfOrder++;
    if (payload.length > 0) {
      const p: Pending = { off, data: payload.slice(), cost: Math.max(payload.length, HELD_SEGMENT_MIN_COST), frame: frame.number, tsSec: frame.tsSec, tsNsec: frame.tsNsec };
      if (ds.pending === NO_PENDING) ds.pending = [];
      insertSorted(ds.pending, p);
      ds.pendingBytes += p.cost;
      this.hold(p.cost, l.consumer);
    }
    // Skip ahead until this connection is back within the limits (each step releases at least one
    // held segment; one step is not enough when small segments are held in front of a large one).
    const other = l.dir((1 - dir) as Dir);
    while (!l.ignored && (ds.pending.length > 0 || other.pending.length > 0)) {
      const held = l.d0.pendingBytes + l.d1.pendingBytes;
      if (held <= this.limits.maxBufferedPerConnection && this.withinTotal()) break;
      this.skipToPending(l, ds.pending.length > 0 ? dir : ((1 - dir) as Dir), 'buffer-limit', frame.number);
    }
  }

  private advance(l: ConnState, dir: Dir, data: Uint8Array, frame: number, tsSec: number, tsNsec: number): void {
    const ds = l.dir(dir);
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
  private drain(l: ConnState, dir: Dir, filledBy?: number): void {
    const ds = l.dir(dir);
    while (ds.pending.length > 0 && !l.ignored) {
      const p = ds.pending[0]!;
      if (p.off > ds.next) break;
      ds.pending.shift();
      ds.pendingBytes -= p.cost;
      this.unhold(p.cost);
      if (p.off + p.data.length > ds.next) this.advance(l, dir, p.data.subarray(ds.next - p.off), Math.max(p.frame, filledBy ?? 0), p.tsSec, p.tsNsec);
      else l.retransmissions++;
    }
    if (!l.ignored && ds.finOffset >= 0 && ds.next >= ds.finOffset && !ds.ended) this.closeDir(l, dir, 'fin', ds.finFrame);
  }

  /** Declares the bytes up to the first held segment missing and delivers from there. */
  private skipToPending(l: ConnState, dir: Dir, reason: GapReason, frame: number): void {
    const ds = l.dir(dir);
    const first = ds.pending[0];
    if (!first || first.off <= ds.next) return this.drain(l, dir);
    const len = first.off - ds.next;
    const at = ds.next;
    ds.next = first.off;
    ds.nextSeq = (ds.nextSeq + len) >>> 0;
    this.gap(l, dir, at, len, reason, frame);
    if (!l.ignored) this.drain(l, dir);
  }

  /**
   * The peer acknowledged past a hole in front of data we hold: the hole's bytes reached the peer
   * but not the capture, and will not come. Acks past `next` with nothing held prove nothing yet
   * (the capture may simply show the ACK before the data), so they wait.
   */
  private ackAdvance(l: ConnState, dir: Dir, ack: number, frame: Frame): void {
    const ds = l.dir(dir);
    const first = ds.pending[0];
    if (!first || ds.nextSeq < 0 || ds.ended) return;
    const ackOff = ds.next + seqDiff(ack, ds.nextSeq);
    if (ackOff <= first.off) return;
    this.skipToPending(l, dir, 'missing', frame.number);
  }

  private flushPending(l: ConnState, dir: Dir, frame: number): void {
    const ds = l.dir(dir);
    while (ds.pending.length > 0 && !l.ignored) this.skipToPending(l, dir, 'missing', frame);
  }

  /** `shared`: the end record to keep, when it is the same for many connections (the capture's end) or says who sent it. */
  private closeDir(l: ConnState, dir: Dir, reason: EndReason, frame: number, shared?: DirEnd): void {
    const ds = l.dir(dir);
    if (ds.ended) return;
    if (ds === FRESH_DIR) {
      // Nothing held, nothing to write: the shared ended state stands for it.
      if (dir === 0) l.d0 = IGNORED_DIR;
      else l.d1 = IGNORED_DIR;
    } else {
      ds.ended = true;
      this.unhold(ds.pendingBytes);
      ds.pending = NO_PENDING;
      ds.pendingBytes = 0;
    }
    const end = shared ?? { reason, frame };
    if (l.end(dir) === undefined) l.setEnd(dir, end);
    if (!l.ignored) l.consumer?.end(dir, reason, frame, end.from ?? dir);
    // Both directions over: nothing more reaches the consumer, and the connection, kept for its
    // counters to the end (and in the analysis after it), must not keep the consumer's state alive.
    if (l.d0.ended && l.d1.ended) l.consumer = undefined;
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

/** Whether an IPv4 connection is the segment's (its ends, either way round). */
function isConn4(c: ConnState, seg: TcpSegment): boolean {
  const s = seg.src4 | 0;
  const d = seg.dst4 | 0;
  return (c.aAddr === s && c.aPort === seg.srcPort && c.bAddr === d && c.bPort === seg.dstPort) || (c.aAddr === d && c.aPort === seg.dstPort && c.bAddr === s && c.bPort === seg.srcPort);
}
