import type { Dir, EndReason, GapReason } from '../types.js';
import type { TunnelLayer } from '../tunnel.js';
import type { Endpoint } from '../types.js';

/**
 * What the reassembler keeps of every TCP connection for the stages after it (Connection), and
 * the records it is made of: gaps, ends, FINs and RSTs with their senders, late alerts.
 */
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
  /**
   * The direction of the segment that ended this one, when it is the other direction: a RST ends
   * both directions, but only its sender sent it (rule C5). Absent: this direction's own segment
   * (or the capture's end).
   */
  readonly from?: Dir;
}

/** A FIN or RST as it was sent: by `from`, in `frame` (rule C5). */
export interface CloseEvent {
  readonly kind: 'fin' | 'rst';
  /** The direction of the segment that carried it: its sender. */
  readonly from: Dir;
  readonly frame: number;
}

/**
 * The FINs and RSTs of a connection, each once, with its real sender, from the two directions'
 * ends (a Connection's `ends`, or a TLS summary's): a RST ends both directions but is one segment
 * from one side, so it is told once, from that side. The one place that says who sent a TCP event.
 */
export function closeEvents(ends: readonly [{ readonly reason: EndReason; readonly frame: number; readonly from?: Dir } | undefined, { readonly reason: EndReason; readonly frame: number; readonly from?: Dir } | undefined]): CloseEvent[] {
  const out: CloseEvent[] = [];
  for (const dir of [0, 1] as const) {
    const e = ends[dir];
    if (!e || e.reason === 'capture-end') continue;
    const from = e.from ?? dir;
    if (out.some((x) => x.kind === e.reason && x.frame === e.frame && x.from === from)) continue;
    out.push({ kind: e.reason, from, frame: e.frame });
  }
  return out.sort((a, b) => a.frame - b.frame);
}

/** Summary of one TCP connection, kept for every connection (small: no payload). */
export interface Connection {
  /** 0-based, in order of first packet, as tshark numbers tcp.stream. */
  readonly id: number;
  /** A: the initiator when the SYN was seen, else the source of the first packet seen. */
  readonly a: Endpoint;
  readonly b: Endpoint;
  readonly ipVersion: 4 | 6;
  readonly synSeen: boolean;
  readonly firstFrame: number;
  readonly lastFrame: number;
  readonly firstTs: { readonly sec: number; readonly nsec: number };
  readonly lastTs: { readonly sec: number; readonly nsec: number };
  /** TCP payload bytes seen per direction, retransmissions included. */
  readonly bytes: readonly [number, number];
  readonly packets: readonly [number, number];
  /** The first gaps (maxGapRecords); gapCount counts them all. */
  readonly gaps: readonly GapRecord[];
  readonly gapCount: number;
  readonly gapBytes: number;
  readonly retransmissions: number;
  readonly outOfOrder: number;
  readonly ends: readonly [DirEnd | undefined, DirEnd | undefined];
  /** The consumer declared no further interest (or there was none). */
  readonly ignored: boolean;
  /**
   * The tunnels its first packet came through, outermost first (rule C7: the connection is
   * the inner one; the outer addresses are where it was mirrored from). Absent when none.
   */
  readonly tunnel?: readonly TunnelLayer[];
  /**
   * TLS alert records seen after the consumer let go (a close_notify long after the handshake):
   * segments whose payload is exactly one alert record, at most MAX_LATE_ALERTS. Undefined: none.
   */
  readonly lateAlerts?: readonly LateAlert[];
}

/** An alert record that filled a whole segment of a connection nobody was reading any more. */
export interface LateAlert {
  readonly dir: Dir;
  readonly frame: number;
  /** The record's body length. */
  readonly length: number;
  /** Its first two body bytes (level and description when the record is in clear). */
  readonly head: readonly [number, number];
  /** The segment's sequence number: a retransmission of the same alert is kept once. */
  readonly seq: number;
  /** Its offset in the direction's stream (as the consumer counts it) when the SYN gave the ISN. */
  readonly streamOffset?: number;
}

export const MAX_LATE_ALERTS = 4;

/**
 * A segment whose payload is one whole TLS alert record (RFC 5246 §6.2.1: type 21, version 3.x,
 * length = what follows). Alerts are sent alone, so this is how a late close_notify travels.
 */
export function lateAlertOf(p: Uint8Array, dir: Dir, frame: number, seq: number, isn: number): LateAlert | undefined {
  if (p.length < 7 || p[0] !== 21 || p[1] !== 3 || p[2]! > 4) return undefined;
  const len = (p[3]! << 8) | p[4]!;
  if (len + 5 !== p.length) return undefined;
  return { dir, frame, length: len, head: [p[5]!, p[6]!], seq, ...(isn >= 0 && { streamOffset: seqDiff(seq, (isn + 1) >>> 0) }) };
}

/** Signed distance a − b between two u32 sequence numbers (RFC 9293 §3.4 modular arithmetic). */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}
