/**
 * Properties of link/IP/TCP decoding and TCP reassembly under random and hostile input: decoding
 * never throws, and the reassembler's output is a faithful, contiguous account of the stream
 * whatever the order, duplication, overlap, loss and sequence wrap-around of its segments, while
 * holding no more than its limits.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../src/capture/types.js';
import { ACK, FIN, HELD_SEGMENT_MIN_COST, PacketDecoder, SYN, TcpReassembler, type Dir, type GapReason, type ReassemblyLimits, type TcpSegment } from '../../src/net/index.js';
import { LINKTYPE } from '../../src/net/linktypes.js';

const RUNS = Number(process.env.HOSTILE_RUNS ?? 1);

function frame(number: number, data: Uint8Array, linkType: number): Frame {
  return { number, tsSec: 1_780_000_000, tsNsec: 0, linkType, interfaceId: 0, data, origLen: data.length, fileOffset: 0 };
}

const LINK_TYPES = [...Object.values(LINKTYPE), 0, 108, 12, 14, 229, 9999];

/** An IPv4 header with the given fields, then `payload`; total length and flags as asked. */
function ipv4(o: { id: number; off: number; more: boolean; proto?: number; payload: Uint8Array; totalOverride?: number; ihl?: number }): Uint8Array {
  const ihl = o.ihl ?? 5;
  const total = o.totalOverride ?? ihl * 4 + o.payload.length;
  const b = new Uint8Array(ihl * 4 + o.payload.length);
  const frag = ((o.more ? 0x2000 : 0) | ((o.off >> 3) & 0x1fff)) >>> 0;
  b.set([0x40 | ihl, 0, (total >> 8) & 0xff, total & 0xff, o.id >> 8, o.id & 0xff, frag >> 8, frag & 0xff, 64, o.proto ?? 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
  b.set(o.payload, ihl * 4);
  return b;
}

describe('PacketDecoder never throws', () => {
  it('on arbitrary bytes under every link type it knows (and some it does not)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...LINK_TYPES), fc.uint8Array({ maxLength: 200 }), (lt, data) => {
        const out = new PacketDecoder().decode(frame(1, data, lt));
        expect(['tcp', 'other', 'unknown-link', 'malformed', 'fragment']).toContain(out.kind);
      }),
      { numRuns: 2000 * RUNS },
    );
  });

  it('on arbitrary bytes behind a valid Ethernet + IPv4/IPv6 start (tunnels, extension headers, VLAN stacks)', () => {
    const head = fc.constantFrom(
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00],
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x86, 0xdd],
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x81, 0x00, 0, 1, 0x81, 0x00],
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x88, 0x47],
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x88, 0x64],
    );
    fc.assert(
      fc.property(head, fc.constantFrom(0x45, 0x46, 0x4f, 0x60, 0x00), fc.uint8Array({ maxLength: 120 }), (h, v, rest) => {
        const data = Uint8Array.from([...h, v, ...rest]);
        new PacketDecoder().decode(frame(1, data, LINKTYPE.ETHERNET));
      }),
      { numRuns: 3000 * RUNS },
    );
  });

  it('on random IPv4 fragment sets (offsets, lengths, more-fragments flags, duplicates, overlaps)', () => {
    const frag = fc.record({
      id: fc.integer({ min: 0, max: 3 }),
      off: fc.integer({ min: 0, max: 8191 }).map((x) => x * 8),
      more: fc.boolean(),
      len: fc.integer({ min: 0, max: 600 }),
    });
    fc.assert(
      fc.property(fc.array(frag, { maxLength: 40 }), fc.integer({ min: 1, max: 8 }), (frags, sets) => {
        const dec = new PacketDecoder({ maxFragmentSets: sets, maxFragmentBytes: 4096 });
        frags.forEach((f, i) => {
          const out = dec.decode(frame(i + 1, ipv4({ id: f.id, off: f.off, more: f.more, payload: new Uint8Array(f.len).fill(i) }), LINKTYPE.RAW));
          if (out.kind === 'tcp') expect(out.seg.payload.length).toBeLessThanOrEqual(65535);
        });
      }),
      { numRuns: 3000 * RUNS },
    );
  });

  it('a fragment that starts past the end the last fragment declared, once the rest is covered (found by the property above)', () => {
    const dec = new PacketDecoder();
    dec.decode(frame(1, ipv4({ id: 7, off: 0, more: true, payload: new Uint8Array(400) }), LINKTYPE.RAW));
    dec.decode(frame(2, ipv4({ id: 7, off: 304, more: true, payload: new Uint8Array(8) }), LINKTYPE.RAW));
    const out = dec.decode(frame(3, ipv4({ id: 7, off: 16, more: false, payload: new Uint8Array(8) }), LINKTYPE.RAW));
    expect(out.kind).not.toBe('fragment');
  });

  it('a flood of tiny fragments of one datagram costs bounded time (each arrival must not re-sort thousands)', () => {
    const dec = new PacketDecoder();
    dec.decode(frame(1, ipv4({ id: 9, off: 60000, more: false, payload: new Uint8Array(8) }), LINKTYPE.RAW));
    const t = performance.now();
    for (let i = 0; i < 20_000; i++) dec.decode(frame(i + 2, ipv4({ id: 9, off: 8 * ((i % 7000) + 1), more: true, payload: new Uint8Array(0) }), LINKTYPE.RAW));
    expect(performance.now() - t).toBeLessThan(2000);
    expect(dec.fragmentsDropped).toBeGreaterThan(0);
  });
});

// ---- reassembly ---------------------------------------------------------------------------------

interface Seg {
  off: number;
  len: number;
}

interface Conversation {
  data: Uint8Array;
  isn: number;
  syn: boolean;
  fin: boolean;
  /** Segments in capture order (offsets into `data`), duplicates and overlaps included. */
  order: Seg[];
  /** Offsets of segments dropped (never in the capture). */
  lost: boolean;
  /** Peer ACK after each data segment: acknowledges up to this stream offset, or none. */
  acks: (number | undefined)[];
  limits: ReassemblyLimits;
}

const conversation: fc.Arbitrary<Conversation> = fc
  .record({
    len: fc.integer({ min: 1, max: 3000 }),
    seed: fc.integer({ min: 0, max: 255 }),
    cuts: fc.array(fc.integer({ min: 1, max: 2999 }), { maxLength: 40 }),
    isn: fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0xffffffff - 3000, max: 0xffffffff })),
    syn: fc.boolean(),
    fin: fc.boolean(),
    dups: fc.array(fc.tuple(fc.integer({ min: 0, max: 2999 }), fc.integer({ min: 1, max: 400 })), { maxLength: 8 }),
    keys: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 50, maxLength: 50 }),
    shuffle: fc.constantFrom('none', 'local', 'full'),
    drop: fc.array(fc.integer({ min: 0, max: 49 }), { maxLength: 3 }),
    ackEvery: fc.constantFrom(0, 1, 3),
    perConn: fc.constantFrom(64, 500, 4096, 1 << 20),
  })
  .map((g) => {
    const data = new Uint8Array(g.len);
    for (let i = 0; i < g.len; i++) data[i] = (i * 31 + g.seed) & 0xff;
    const points = [...new Set(g.cuts.filter((c) => c < g.len))].sort((a, b) => a - b);
    const segs: Seg[] = [];
    let p = 0;
    for (const c of [...points, g.len]) {
      segs.push({ off: p, len: c - p });
      p = c;
    }
    for (const [o, l] of g.dups) if (o < g.len) segs.push({ off: o, len: Math.min(l, g.len - o) });
    const keyed = segs.map((s, i) => ({ s, k: g.shuffle === 'full' ? g.keys[i % 50]! : g.shuffle === 'local' ? i + g.keys[i % 50]! * 4 : i }));
    keyed.sort((a, b) => a.k - b.k);
    const dropped = new Set(g.drop);
    let order = keyed.map((x) => x.s).filter((_, i) => !dropped.has(i));
    if (order.length === 0) order = [keyed[0]!.s];
    const lost = order.length < keyed.length;
    let sent = 0;
    const acks = order.map((s, i) => {
      sent = Math.max(sent, s.off + s.len);
      return g.ackEvery && i % g.ackEvery === 0 ? sent : undefined;
    });
    return { data, isn: g.isn >>> 0, syn: g.syn, fin: g.fin, order, lost, acks, limits: { maxBufferedPerConnection: g.perConn, maxBufferedTotal: g.perConn * 2, maxGapRecords: 8 } };
  });

interface Event {
  kind: 'data' | 'gap' | 'end';
  dir: Dir;
  off: number;
  len: number;
  bytes?: Uint8Array;
  reason?: GapReason | string;
}

function seg(o: Partial<TcpSegment> & { seq: number; flags: number }, payload: Uint8Array, reverse = false): TcpSegment {
  const a = Uint8Array.of(10, 0, 0, 1);
  const b = Uint8Array.of(10, 0, 0, 2);
  return {
    ipVersion: 4,
    src: reverse ? b : a,
    dst: reverse ? a : b,
    src4: reverse ? 0x0a000002 : 0x0a000001,
    dst4: reverse ? 0x0a000001 : 0x0a000002,
    srcPort: reverse ? 443 : 40000,
    dstPort: reverse ? 40000 : 443,
    ack: 0,
    window: 65535,
    payload,
    payloadLength: payload.length,
    payloadMissing: 0,
    payloadOffset: 54,
    ...o,
  };
}

function replay(c: Conversation): { events: Event[]; maxHeld: number; maxEnd: number; firstOff: number } {
  const events: Event[] = [];
  let maxHeld = 0;
  const r = new TcpReassembler(
    () => ({
      data: (dir, data, off) => void events.push({ kind: 'data', dir, off, len: data.length, bytes: data.slice() }),
      gap: (dir, off, len, reason) => void events.push({ kind: 'gap', dir, off, len, reason }),
      end: (dir, reason) => void events.push({ kind: 'end', dir, off: 0, len: 0, reason }),
    }),
    c.limits,
  );
  let n = 0;
  const f = () => frame(++n, new Uint8Array(0), 1);
  const base = c.syn ? (c.isn + 1) >>> 0 : c.isn;
  if (c.syn) r.segment(f(), seg({ seq: c.isn, flags: SYN }, new Uint8Array(0)));
  let maxEnd = 0;
  const lastOff = Math.max(...c.order.map((s) => s.off + s.len));
  c.order.forEach((s, i) => {
    const fin = c.fin && s.off + s.len === c.data.length && s.off + s.len === lastOff;
    r.segment(f(), seg({ seq: (base + s.off) >>> 0, flags: ACK | (fin ? FIN : 0) }, c.data.subarray(s.off, s.off + s.len)));
    maxEnd = Math.max(maxEnd, s.off + s.len);
    maxHeld = Math.max(maxHeld, r.bufferedBytes);
    const ack = c.acks[i];
    if (ack !== undefined) {
      r.segment(f(), seg({ seq: 0x5000, ack: (base + ack) >>> 0, flags: ACK }, new Uint8Array(0), true));
      maxHeld = Math.max(maxHeld, r.bufferedBytes);
    }
  });
  r.finish();
  return { events, maxHeld, maxEnd, firstOff: c.syn ? 0 : c.order[0]!.off };
}

describe('TcpReassembler invariants', () => {
  it('delivered offsets are contiguous apart from declared gaps; bytes match the stream; bytes are conserved; held bytes stay within the limits', () => {
    fc.assert(
      fc.property(conversation, (c) => {
        const { events, maxHeld, maxEnd, firstOff } = replay(c);
        expect(maxHeld).toBeLessThanOrEqual(c.limits.maxBufferedPerConnection);
        const dir0 = events.filter((e) => e.dir === 0);
        expect(dir0.filter((e) => e.kind === 'end')).toHaveLength(1);
        expect(dir0[dir0.length - 1]!.kind).toBe('end');
        // Offsets count from the first byte after the SYN, or from the first byte seen.
        let at = 0;
        let delivered = 0;
        let gaps = 0;
        for (const e of dir0) {
          if (e.kind === 'end') continue;
          expect(e.off, JSON.stringify(e)).toBe(at);
          if (e.kind === 'data') {
            expect(e.len).toBeGreaterThan(0);
            expect(Buffer.from(e.bytes!).equals(Buffer.from(c.data.subarray(firstOff + e.off, firstOff + e.off + e.len)))).toBe(true);
            delivered += e.len;
          } else gaps += e.len;
          at += e.len;
        }
        // Everything up to the furthest byte the capture showed is accounted for, once.
        expect(delivered + gaps).toBe(maxEnd - firstOff);
        const room = c.order.reduce((a, s) => a + Math.max(s.len, HELD_SEGMENT_MIN_COST), 0);
        if (c.syn && !c.lost && c.limits.maxBufferedPerConnection >= room && c.acks.every((a) => a === undefined)) {
          expect(gaps).toBe(0);
          expect(delivered).toBe(c.data.length);
        }
      }),
      { numRuns: 600 * RUNS },
    );
  });

  it('segments with conflicting content, random flags and sequence numbers never throw and stay within the limits', () => {
    const raw = fc.record({ seq: fc.integer({ min: 0, max: 0xffffffff }), ack: fc.integer({ min: 0, max: 0xffffffff }), flags: fc.integer({ min: 0, max: 0x3f }), len: fc.integer({ min: 0, max: 300 }), rev: fc.boolean() });
    fc.assert(
      fc.property(fc.array(raw, { maxLength: 60 }), fc.constantFrom(64, 1000), (segs, lim) => {
        const r = new TcpReassembler(() => ({ data() {}, gap() {}, end() {} }), { maxBufferedPerConnection: lim, maxBufferedTotal: lim, maxGapRecords: 4 });
        segs.forEach((s, i) => {
          r.segment(frame(i + 1, new Uint8Array(0), 1), seg({ seq: s.seq, ack: s.ack, flags: s.flags }, new Uint8Array(s.len).fill(i), s.rev));
          expect(r.bufferedBytes).toBeLessThanOrEqual(lim);
        });
        r.finish();
        expect(r.bufferedBytes).toBe(0);
      }),
      { numRuns: 1000 * RUNS },
    );
  });

  it('held bytes stay within the limit when small held segments are followed by large ones (found by the property above)', () => {
    const limits = { maxBufferedPerConnection: 100, maxBufferedTotal: 1000, maxGapRecords: 32 };
    const r = new TcpReassembler(() => ({ data() {}, gap() {}, end() {} }), limits);
    let n = 0;
    r.segment(frame(++n, new Uint8Array(0), 1), seg({ seq: 1000, flags: SYN }, new Uint8Array(0)));
    for (let i = 0; i < 10; i++) r.segment(frame(++n, new Uint8Array(0), 1), seg({ seq: 1101 + i * 2, flags: ACK }, new Uint8Array(1)));
    for (let i = 0; i < 10; i++) {
      r.segment(frame(++n, new Uint8Array(0), 1), seg({ seq: 11001 + i * 2000, flags: ACK }, new Uint8Array(1400)));
      expect(r.bufferedBytes).toBeLessThanOrEqual(limits.maxBufferedPerConnection);
    }
  });

  it('40,000 one-byte segments arriving in descending order: bounded time and held entries', () => {
    const r = new TcpReassembler(() => ({ data() {}, gap() {}, end() {} }));
    let n = 0;
    r.segment(frame(++n, new Uint8Array(0), 1), seg({ seq: 1000, flags: SYN }, new Uint8Array(0)));
    const one = new Uint8Array(1);
    const t = performance.now();
    for (let i = 40_000; i > 0; i--) r.segment(frame(++n, new Uint8Array(0), 1), seg({ seq: 1011 + i * 2, flags: ACK }, one));
    expect(performance.now() - t).toBeLessThan(1500);
    r.finish();
    expect(r.connections[0]!.gapCount).toBeGreaterThan(0);
  });
});
