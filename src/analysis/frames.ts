import type { Readable } from 'node:stream';
import { sizeText } from '../bytes/index.js';
import { readCapture, type CaptureSummary, type Frame, type ReadOptions } from '../capture/index.js';
import { PacketDecoder, TcpReassembler, linkTypeName, tunnelText, type Connection, type TunnelCount, type OverLimit, type ReassemblyLimits, type StreamConsumer, DEFAULT_REASSEMBLY_LIMITS } from '../net/index.js';

export interface DecodeStats {
  tcpSegments: number;
  /** Non-TCP packets by kind ("UDP", "EtherType 0x0806", ...). */
  other: Map<string, number>;
  unknownLinkTypes: Map<number, { count: number; firstFrame: number }>;
  malformed: { count: number; first?: { frame: number; layer: string; message: string } };
  fragmentsReassembled: number;
  fragmentsDropped: number;
  /** Tunnelled packets by outermost tunnel (rule C7), when the capture had any; `more`: packets of tunnels past the ones listed. */
  tunnels?: { readonly list: readonly TunnelCount[]; readonly more: number };
  /** TCP packets of connections past the connection table's limit: counted, not analysed. */
  connectionsOverLimit?: OverLimit;
  /** Set by the analysis: handshakes set aside unfinished because too many were under way at once. */
  handshakesOverLimit?: ConnectionsLeftOut;
  /** Set by the analysis: handshakes summarised unfinished because those under way held their byte bound (`limit`, bytes). */
  handshakesOverBytes?: ConnectionsLeftOut;
  /** Set by the analysis: connections not dissected because the sessions kept reached their limit. */
  sessionsOverLimit?: ConnectionsLeftOut;
  /**
   * Set by the analysis: the capture-wide budget (CaptureBudget) the connections under way shared,
   * reassembly and handshake buffers: its bound and the most they held at once (bytes).
   */
  held?: { readonly limit: number; readonly peak: number };
}

/** Connections an analysis limit left out (AnalyzeOptions.maxHandshakesUnderWay, maxSessions): how many, from where. */
export interface ConnectionsLeftOut {
  readonly limit: number;
  connections: number;
  /** Where the first was left out. */
  readonly firstFrame: number;
}

export interface ScanResult {
  readonly capture: CaptureSummary;
  readonly connections: Connection[];
  readonly stats: DecodeStats;
}

export interface ScanOptions extends ReadOptions {
  limits?: ReassemblyLimits;
  /** Optional per-frame hook (after decoding), e.g. for timing splits in the benchmark. */
  onFrame?(frame: Frame): void;
}

/**
 * capture → link/IP/TCP → reassembly, calling `factory` for each new TCP connection. The
 * factory's consumer receives ordered bytes; returning undefined ignores the connection.
 */
export async function scanCapture(
  input: string | Readable,
  factory: (conn: Connection) => StreamConsumer | undefined,
  opts: ScanOptions = {},
): Promise<ScanResult> {
  const decoder = new PacketDecoder();
  const reasm = new TcpReassembler(factory, opts.limits ?? DEFAULT_REASSEMBLY_LIMITS);
  const stats: DecodeStats = { tcpSegments: 0, other: new Map(), unknownLinkTypes: new Map(), malformed: { count: 0 }, fragmentsReassembled: 0, fragmentsDropped: 0 };
  const capture = await readCapture(
    input,
    (frame) => {
      const out = decoder.decode(frame);
      switch (out.kind) {
        case 'tcp':
          stats.tcpSegments++;
          reasm.segment(frame, out.seg);
          break;
        case 'other':
          stats.other.set(out.what, (stats.other.get(out.what) ?? 0) + 1);
          break;
        case 'unknown-link': {
          const u = stats.unknownLinkTypes.get(out.linkType);
          if (u) u.count++;
          else stats.unknownLinkTypes.set(out.linkType, { count: 1, firstFrame: frame.number });
          break;
        }
        case 'malformed':
          stats.malformed.count++;
          stats.malformed.first ??= { frame: frame.number, layer: out.layer, message: out.message };
          break;
        case 'fragment':
          break;
      }
      opts.onFrame?.(frame);
    },
    opts,
  );
  reasm.finish();
  stats.fragmentsReassembled = decoder.fragmentsReassembled;
  stats.fragmentsDropped = decoder.fragmentsDropped;
  if (decoder.tunnels.counts.length > 0) stats.tunnels = { list: decoder.tunnels.counts, more: decoder.tunnels.more };
  if (reasm.overLimit) stats.connectionsOverLimit = reasm.overLimit;
  return { capture, connections: reasm.connections, stats };
}

/** A sentence about what could not be decoded; `serious` when TLS sessions may be missing for it. */
export interface StatsNote {
  readonly kind: 'link-type' | 'malformed' | 'fragments' | 'connections' | 'handshakes' | 'handshake-bytes' | 'sessions';
  readonly text: string;
  readonly frame?: number;
  readonly serious: boolean;
}

/** What could not be decoded, or had no room, for reports and listings. */
export function statsNotes(stats: DecodeStats): StatsNote[] {
  const notes: StatsNote[] = [];
  const n = (x: number) => x.toLocaleString('en-US');
  for (const [lt, u] of stats.unknownLinkTypes) notes.push({ kind: 'link-type', text: `${u.count} frames of ${linkTypeName(lt)} were not decoded (first: frame ${u.firstFrame})`, frame: u.firstFrame, serious: true });
  if (stats.malformed.count > 0 && stats.malformed.first) {
    const f = stats.malformed.first;
    notes.push({ kind: 'malformed', text: `${stats.malformed.count} malformed packets skipped (first: frame ${f.frame}, ${f.layer}: ${f.message})`, frame: f.frame, serious: false });
  }
  if (stats.fragmentsDropped > 0) notes.push({ kind: 'fragments', text: `${stats.fragmentsDropped} IPv4 fragment sets could not be reassembled`, serious: false });
  // A limit the capture reached: where, and what it left out.
  const limit = (kind: StatsNote['kind'], firstFrame: number, text: string) => notes.push({ kind, text, frame: firstFrame, serious: true });
  const over = stats.connectionsOverLimit;
  if (over) limit('connections', over.firstFrame, `the capture holds more than ${n(over.limit)} TCP connections: from frame ${over.firstFrame} on, ${n(over.segments)} packets of connections opened after the first ${n(over.limit)} were counted, not analysed (the connections opened before were analysed to their end)`);
  const hs = stats.handshakesOverLimit;
  if (hs) limit('handshakes', hs.firstFrame, `more than ${n(hs.limit)} TLS handshakes were under way at once (connections that sent a few bytes and hung): from frame ${hs.firstFrame} on, the oldest was summarised as it stood to make room for each new one, ${n(hs.connections)} in all`);
  const hb = stats.handshakesOverBytes;
  if (hb) {
    limit(
      'handshake-bytes',
      hb.firstFrame,
      `the connections under way held ${sizeText(hb.limit)} together (TCP reassembly and TLS handshake buffers), the most they may (connections that each sent part of a large message and hung, as in a flood): from frame ${hb.firstFrame} on, the oldest were summarised as they stood to make room, ${n(hb.connections)} in all; each is still listed, a message it was still reading without its bytes past 4 KiB`,
    );
  }
  const ss = stats.sessionsOverLimit;
  if (ss) limit('sessions', ss.firstFrame, `the capture holds more than ${n(ss.limit)} TLS sessions: from frame ${ss.firstFrame} on, ${n(ss.connections)} connections that carried data were counted, not analysed (the first ${n(ss.limit)} sessions were)`);
  return notes;
}

/**
 * Sentences about the tunnels the capture's packets came through (rule C7), for the capture
 * notes: which encapsulation, between which outer addresses, how many packets from which frame.
 */
export function tunnelNotes(stats: DecodeStats): string[] {
  const t = stats.tunnels;
  if (!t) return [];
  const n = (x: number) => x.toLocaleString('en-US');
  const notes = ['the traffic came through tunnels (C7): connections and sessions are told by their inner addresses; the outer addresses are where it was mirrored from or tunnelled between'];
  for (const c of t.list) notes.push(`${n(c.packets)} packet${c.packets === 1 ? '' : 's'} in ${tunnelText(c)}, the first in frame ${c.firstFrame}`);
  if (t.more > 0) notes.push(`${n(t.more)} more packets in other tunnels (only the first ${t.list.length} tunnels are listed)`);
  return notes;
}

/** A consumer that takes every byte and keeps nothing: reassembly alone (for `flows`). */
export const passiveConsumer: StreamConsumer = {
  data() {},
  gap() {},
  end() {},
};
