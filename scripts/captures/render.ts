/**
 * Turns a relay trace (what each TLS stack wrote, in order, and how each closed) into TCP frames
 * between the scenario's addresses, on a deterministic timeline: the relay's order of events is kept;
 * times come from a seeded model of the link (one-way latency between the capture point and the
 * remote end, processing delays), so that re-running the generator gives the same timestamps.
 */
import { TcpConnection, type Dir, type FrameMeta, type TcpEndpoint, type Link, ip, mac } from '../lib/pcap/index.js';
import type { Trace, Side } from './relay.js';
import { Prng } from './prng.js';

export interface HostDef {
  name: string;
  ip: string;
  /** IPv6 address used by the IPv6 variant. */
  ip6?: string;
  mac: string;
  /** TTL of its packets as seen at the capture point. */
  ttl: number;
  /** MSS it announces. */
  mss: number;
}

export interface RenderedPacket {
  ts: bigint;
  frame: Uint8Array;
  meta: FrameMeta;
  conn: string;
}

export interface RenderOptions {
  connId: string;
  trace: Trace;
  client: HostDef;
  server: HostDef;
  clientPort: number;
  serverPort: number;
  start: bigint;
  /** Which end the capture was taken on. */
  capturedAt: Side;
  /** One-way latency between the two ends, ns. */
  latencyNs: bigint;
  seed: string;
  link?: (dir: Dir) => Link;
  ipv6?: boolean;
}

export function render(o: RenderOptions): RenderedPacket[] {
  const rng = new Prng(o.seed);
  const out: RenderedPacket[] = [];
  const ep = (h: HostDef, port: number, isClient: boolean): TcpEndpoint => ({
    ip: ip(o.ipv6 ? (h.ip6 ?? '::1') : h.ip),
    port,
    mac: mac(h.mac),
    isn: rng.uint32(),
    mss: o.ipv6 ? h.mss - 20 : h.mss,
    window: isClient ? 64240 : 65160,
    wscale: 7,
    ttl: h.ttl,
    ipId: rng.int(0, 0xffff),
    tsBase: rng.uint32(),
  });
  const conn = new TcpConnection(
    {
      client: ep(o.client, o.clientPort, true),
      server: ep(o.server, o.serverPort, false),
      ...(o.link ? { link: o.link } : {}),
    },
    (ts, frame, meta) => out.push({ ts, frame, meta, conn: o.connId }),
  );
  const L = o.latencyNs;
  const local = o.capturedAt;
  const us = (a: number, b: number) => BigInt(rng.int(a, b)) * 1000n;
  const dirOf = (s: Side): Dir => (s === 'client' ? 'c2s' : 's2c');
  const other = (s: Side): Side => (s === 'client' ? 'server' : 'client');

  // SYN, SYN-ACK, ACK as seen from the capture point.
  let t = o.start;
  t = local === 'client' ? conn.open(t, 2n * L + us(30, 90), us(20, 60)) : conn.open(t, us(25, 70), 2n * L + us(20, 60));

  const events = o.trace.events;
  let i = 0;
  let prevFrom: Side = 'client';
  let reset = false;
  // The last frame was a pure ACK from prevFrom: its next data still needs processing time.
  let justAcked = false;
  const closed = { client: false, server: false };
  // Time the next event from `from` can start, given who spoke last.
  const startFor = (from: Side, heavy: boolean): bigint => {
    const proc = heavy ? us(600, 2800) : us(60, 400);
    if (from === prevFrom && justAcked) return t + proc;
    if (from === prevFrom) return t + us(15, 60);
    return from === local ? t + proc : t + 2n * L + proc;
  };
  const ackDelay = (receiver: Side): bigint => (receiver === local ? us(20, 60) : 2n * L + us(15, 50));

  while (i < events.length && !reset) {
    const e = events[i]!;
    if (closed[e.from] && e.kind !== 'rst') {
      i++;
      continue;
    }
    if (e.kind === 'data') {
      // A flight: consecutive data events from one side, each a separate write (PSH at its end).
      const from = e.from;
      const heavy = i > 0; // everything after the ClientHello involves public-key work
      t = startFor(from, heavy);
      justAcked = false;
      let segs = 0;
      const dir = dirOf(from);
      while (i < events.length) {
        const x = events[i]!;
        if (x.kind !== 'data' || x.from !== from) break;
        if (segs > 0) t += us(15, 40);
        const before = out.length;
        t = conn.send(dir, t, x.bytes);
        segs += out.length - before;
        i++;
      }
      prevFrom = from;
      const receiver = other(from);
      if (closed[receiver]) continue;
      // The receiver acknowledges the flight (Linux quick-ACKs during a handshake).
      t += ackDelay(receiver);
      conn.ack(dirOf(receiver), t);
      prevFrom = receiver;
      justAcked = true;
      void segs;
      continue;
    }
    if (e.kind === 'fin') {
      const from = e.from;
      t = startFor(from, false);
      justAcked = false;
      conn.fin(dirOf(from), t);
      closed[from] = true;
      prevFrom = from;
      i++;
      const next = events[i];
      const receiver = other(from);
      const receiverClosesNow = next && next.from === receiver && (next.kind === 'fin' || next.kind === 'data');
      if (!closed[receiver] && !receiverClosesNow) {
        t += ackDelay(receiver);
        conn.ack(dirOf(receiver), t);
        prevFrom = receiver;
        justAcked = true;
      }
      if (closed[receiver]) {
        // The last FIN is acknowledged by the side that closed first.
        t += ackDelay(receiver);
        conn.ack(dirOf(receiver), t);
      }
      continue;
    }
    // RST
    t = startFor(e.from, false);
    conn.rst(dirOf(e.from), t);
    reset = true;
  }
  return out;
}

/** Merges several connections' packets into one time-ordered capture. */
export function merge(lists: RenderedPacket[][]): RenderedPacket[] {
  return lists.flat().sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
}
