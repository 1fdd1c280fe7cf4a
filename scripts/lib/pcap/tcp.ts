/**
 * A TCP connection as seen on the wire: keeps sequence and acknowledgement numbers, TCP timestamps
 * and IPv4 identifications for both ends, and turns "A sends these bytes", "B acknowledges",
 * "A closes" into frames. The caller decides the timing; every method takes the time of the first
 * frame it emits and returns the time after the last one.
 */
import { buildTcpFrame, tcpOptions, TCP_FLAGS, type Ip, type Link, type Mac } from './frame.js';
import type { Timestamp } from '../../../src/capture/writer.js';

export type Dir = 'c2s' | 's2c';

export interface TcpEndpoint {
  ip: Ip;
  port: number;
  mac: Mac;
  /** Initial sequence number. */
  isn: number;
  /** MSS this end announces in its SYN (the peer's segments are at most this minus options). */
  mss: number;
  /** Receive window announced in the SYN and (scaled) afterwards. */
  window: number;
  wscale: number;
  ttl: number;
  /** First IPv4 identification this end uses. */
  ipId: number;
  /** TCP timestamp clock value at the SYN (ms ticks). */
  tsBase: number;
}

export interface TcpConnectionOptions {
  client: TcpEndpoint;
  server: TcpEndpoint;
  /**
   * Link header for frames travelling in `dir`. Default: Ethernet with the endpoints' MACs. Use it to
   * add a VLAN tag or to write Linux cooked (SLL2) frames.
   */
  link?: (dir: Dir) => Link;
  /** Send TCP timestamps (default true, as Linux does). */
  timestamps?: boolean;
  /** Spacing between back-to-back segments of one write, ns (default 12 µs). */
  segmentGapNs?: bigint;
}

export type Emit = (ts: Timestamp, frame: Uint8Array, meta: FrameMeta) => void;

export interface FrameMeta {
  dir: Dir;
  flags: number;
  seq: number;
  ack: number;
  payloadLength: number;
  /** Byte offset of the payload in this direction's stream (0 = first byte after SYN). */
  streamOffset: number;
}

interface Side {
  ep: TcpEndpoint;
  nextSeq: number; // absolute, unsigned 32-bit arithmetic applied on output
  /** Next sequence number this side expects from its peer: its ACK field. */
  rcvNext: number;
  ipId: number;
  finSent: boolean;
  sentBytes: number;
}

export class TcpConnection {
  private readonly c: Side;
  private readonly s: Side;
  private readonly ts: boolean;
  private readonly gap: bigint;
  private t0: Timestamp | undefined;

  constructor(
    private readonly o: TcpConnectionOptions,
    private readonly emit: Emit,
  ) {
    const side = (ep: TcpEndpoint): Side => ({ ep, nextSeq: ep.isn, rcvNext: 0, ipId: ep.ipId, finSent: false, sentBytes: 0 });
    this.c = side(o.client);
    this.s = side(o.server);
    this.ts = o.timestamps ?? true;
    this.gap = o.segmentGapNs ?? 12_000n;
  }

  private sides(dir: Dir): [Side, Side] {
    return dir === 'c2s' ? [this.c, this.s] : [this.s, this.c];
  }

  /** Largest payload per segment from `dir`'s sender: the receiver's MSS minus the timestamp option. */
  segmentSize(dir: Dir): number {
    const [, rcv] = this.sides(dir);
    return rcv.ep.mss - (this.ts ? 12 : 0);
  }

  private link(dir: Dir): Link {
    if (this.o.link) return this.o.link(dir);
    const [snd, rcv] = this.sides(dir);
    return { kind: 'ethernet', src: snd.ep.mac, dst: rcv.ep.mac };
  }

  private tsval(side: Side, t: Timestamp): number {
    const ms = this.t0 === undefined ? 0n : (t - this.t0) / 1_000_000n;
    return (side.ep.tsBase + Number(ms)) >>> 0;
  }

  private lastTsSeen: { c: number; s: number } = { c: 0, s: 0 };

  private frame(dir: Dir, t: Timestamp, flags: number, payload?: Uint8Array, options?: Uint8Array, seqOverride?: number): void {
    const [snd, rcv] = this.sides(dir);
    const tsv = this.tsval(snd, t);
    const opts = options ?? (this.ts ? tcpOptions.timestamps(tsv, dir === 'c2s' ? this.lastTsSeen.s : this.lastTsSeen.c) : undefined);
    if (dir === 'c2s') this.lastTsSeen.c = tsv;
    else this.lastTsSeen.s = tsv;
    const seq = seqOverride ?? snd.nextSeq;
    const ack = flags & TCP_FLAGS.ACK ? snd.rcvNext : 0;
    const window = flags & TCP_FLAGS.SYN ? snd.ep.window : Math.min(0xffff, Math.floor(snd.ep.window / (1 << snd.ep.wscale)));
    const f = buildTcpFrame(this.link(dir), {
      src: snd.ep.ip,
      dst: rcv.ep.ip,
      ttl: snd.ep.ttl,
      id: snd.ipId,
      srcPort: snd.ep.port,
      dstPort: rcv.ep.port,
      seq,
      ack,
      flags,
      window,
      options: opts,
      payload,
    });
    snd.ipId = (snd.ipId + 1) & 0xffff;
    this.emit(t, f, {
      dir,
      flags,
      seq: seq >>> 0,
      ack: ack >>> 0,
      payloadLength: payload ? payload.length : 0,
      streamOffset: (seq - snd.ep.isn - 1) >>> 0,
    });
  }

  /** SYN, SYN-ACK, ACK. `rttNs` is the round trip as seen from the capture point. */
  open(t: Timestamp, synAckDelayNs: bigint, ackDelayNs: bigint): Timestamp {
    this.t0 = t;
    const c = this.c;
    const s = this.s;
    this.frame('c2s', t, TCP_FLAGS.SYN, undefined, tcpOptions.syn(c.ep.mss, this.tsval(c, t), 0, c.ep.wscale));
    c.nextSeq = c.ep.isn + 1;
    s.rcvNext = c.nextSeq;
    const t1 = t + synAckDelayNs;
    this.frame('s2c', t1, TCP_FLAGS.SYN | TCP_FLAGS.ACK, undefined, tcpOptions.syn(s.ep.mss, this.tsval(s, t1), this.tsval(c, t), s.ep.wscale));
    s.nextSeq = s.ep.isn + 1;
    c.rcvNext = s.nextSeq;
    const t2 = t1 + ackDelayNs;
    this.frame('c2s', t2, TCP_FLAGS.ACK);
    return t2;
  }

  /**
   * Sends `data` from `dir`'s sender, split into segments of at most segmentSize(dir) bytes, PSH on
   * the last. Returns the time of the last segment. The receiver's view advances at once (ACK with
   * `ack()`).
   */
  send(dir: Dir, t: Timestamp, data: Uint8Array, maxSegment = this.segmentSize(dir)): Timestamp {
    const [snd, rcv] = this.sides(dir);
    let off = 0;
    let now = t;
    while (off < data.length) {
      const n = Math.min(maxSegment, data.length - off);
      const last = off + n >= data.length;
      this.frame(dir, now, TCP_FLAGS.ACK | (last ? TCP_FLAGS.PSH : 0), data.subarray(off, off + n));
      snd.nextSeq += n;
      snd.sentBytes += n;
      rcv.rcvNext = snd.nextSeq;
      off += n;
      if (!last) now += this.gap;
    }
    return now;
  }

  /**
   * Emits one segment of `data` at an explicit stream offset without advancing state: used to write
   * retransmissions (an offset already sent) and out-of-order copies.
   */
  resend(dir: Dir, t: Timestamp, streamOffset: number, payload: Uint8Array): void {
    const [snd] = this.sides(dir);
    this.frame(dir, t, TCP_FLAGS.ACK | TCP_FLAGS.PSH, payload, undefined, snd.ep.isn + 1 + streamOffset);
  }

  /** A pure ACK from `dir`'s sender for everything it has received. */
  ack(dir: Dir, t: Timestamp): Timestamp {
    this.frame(dir, t, TCP_FLAGS.ACK);
    return t;
  }

  /** FIN+ACK from `dir`'s sender. */
  fin(dir: Dir, t: Timestamp): Timestamp {
    const [snd, rcv] = this.sides(dir);
    this.frame(dir, t, TCP_FLAGS.FIN | TCP_FLAGS.ACK);
    snd.nextSeq += 1;
    snd.finSent = true;
    rcv.rcvNext = snd.nextSeq;
    return t;
  }

  /** RST+ACK from `dir`'s sender (what Linux sends when an application closes with unread data). */
  rst(dir: Dir, t: Timestamp): Timestamp {
    this.frame(dir, t, TCP_FLAGS.RST | TCP_FLAGS.ACK);
    return t;
  }

  /** Bytes of payload `dir`'s sender has sent so far. */
  sent(dir: Dir): number {
    return this.sides(dir)[0].sentBytes;
  }
}

