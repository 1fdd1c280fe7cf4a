import { describe, expect, it } from 'vitest';
import type { Frame } from '../../src/capture/types.js';
import { PacketDecoder, TcpReassembler, type Connection, type Dir, type StreamConsumer, type DEFAULT_REASSEMBLY_LIMITS } from '../../src/net/index.js';
import { ethernet, tcpPacketIp, type TcpOpts } from '../helpers/frames.js';

interface Event {
  kind: 'data' | 'gap' | 'end';
  dir: Dir;
  text?: string;
  off?: number;
  len?: number;
  reason?: string;
  frame: number;
}

function run(packets: TcpOpts[], limits?: typeof DEFAULT_REASSEMBLY_LIMITS) {
  const events: Event[] = [];
  const consumer: StreamConsumer = {
    data(dir, data, off, frame) {
      events.push({ kind: 'data', dir, text: Buffer.from(data).toString('latin1'), off, frame });
    },
    gap(dir, off, len, reason, frame) {
      events.push({ kind: 'gap', dir, off, len, reason, frame });
    },
    end(dir, reason, frame) {
      events.push({ kind: 'end', dir, reason, frame });
    },
  };
  const dec = new PacketDecoder();
  const r = new TcpReassembler(() => consumer, limits);
  packets.forEach((p, i) => {
    const frame: Frame = { number: i + 1, tsSec: 0, tsNsec: 0, linkType: 1, interfaceId: 0, data: ethernet(tcpPacketIp(p)), origLen: 0, fileOffset: 0 };
    const out = dec.decode(frame);
    if (out.kind !== 'tcp') throw new Error(`not tcp: ${out.kind}`);
    r.segment(frame, out.seg);
  });
  r.finish();
  const stream = (dir: Dir) => events.filter((e) => e.kind === 'data' && e.dir === dir).map((e) => e.text).join('');
  return { events, stream, conns: r.connections };
}

const C = { src: '10.0.0.1', dst: '10.0.0.2', sport: 40000, dport: 443 };
const S = { src: '10.0.0.2', dst: '10.0.0.1', sport: 443, dport: 40000 };

function handshake(isnC: number, isnS: number): TcpOpts[] {
  return [
    { ...C, seq: isnC, flags: 'S' },
    { ...S, seq: isnS, ack: isnC + 1, flags: 'SA' },
    { ...C, seq: isnC + 1, ack: isnS + 1, flags: 'A' },
  ];
}

describe('TCP reassembly', () => {
  const cases: { name: string; isn?: number; segs: (isn: number) => TcpOpts[]; client: string; gaps?: number; retrans?: number }[] = [
    { name: 'in order', segs: (i) => [{ ...C, seq: i + 1, flags: 'PA', payload: 'hello ' }, { ...C, seq: i + 7, flags: 'PA', payload: 'world' }], client: 'hello world' },
    { name: 'reordered', segs: (i) => [{ ...C, seq: i + 7, flags: 'PA', payload: 'world' }, { ...C, seq: i + 1, flags: 'PA', payload: 'hello ' }], client: 'hello world' },
    { name: 'retransmission', segs: (i) => [{ ...C, seq: i + 1, flags: 'PA', payload: 'hello ' }, { ...C, seq: i + 1, flags: 'PA', payload: 'hello ' }, { ...C, seq: i + 7, flags: 'PA', payload: 'world' }], client: 'hello world', retrans: 1 },
    { name: 'overlap', segs: (i) => [{ ...C, seq: i + 1, flags: 'PA', payload: 'hello ' }, { ...C, seq: i + 4, flags: 'PA', payload: 'lo world' }], client: 'hello world', retrans: 1 },
    { name: 'overlap out of order', segs: (i) => [{ ...C, seq: i + 4, flags: 'PA', payload: 'lo wo' }, { ...C, seq: i + 8, flags: 'PA', payload: 'orld' }, { ...C, seq: i + 1, flags: 'PA', payload: 'hel' }], client: 'hello world' },
    { name: 'wrap at 0xFFFFFFFF', isn: 0xfffffffa, segs: (i) => [{ ...C, seq: i + 1, flags: 'PA', payload: 'hello ' }, { ...C, seq: (i + 7) >>> 0, flags: 'PA', payload: 'world' }], client: 'hello world' },
    { name: 'wrap reordered', isn: 0xfffffffc, segs: (i) => [{ ...C, seq: (i + 7) >>> 0, flags: 'PA', payload: 'world' }, { ...C, seq: i + 1, flags: 'PA', payload: 'hello ' }], client: 'hello world' },
    {
      name: 'gap acknowledged by the peer',
      segs: (i) => [
        { ...C, seq: i + 1, flags: 'PA', payload: 'hello ' },
        { ...C, seq: i + 12, flags: 'PA', payload: '!!' },
        { ...S, seq: 1001, ack: i + 14, flags: 'A' },
      ],
      client: 'hello !!',
      gaps: 1,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const isn = c.isn ?? 1000;
      const { stream, conns, events } = run([...handshake(isn, 5000), ...c.segs(isn)]);
      expect(stream(0)).toBe(c.client);
      expect(conns).toHaveLength(1);
      expect(conns[0]!.synSeen).toBe(true);
      expect(conns[0]!.gapCount).toBe(c.gaps ?? 0);
      if (c.retrans !== undefined) expect(conns[0]!.retransmissions).toBe(c.retrans);
      // Offsets are contiguous apart from declared gaps.
      let next = 0;
      for (const e of events.filter((e) => e.dir === 0 && (e.kind === 'data' || e.kind === 'gap'))) {
        expect(e.off).toBe(next);
        next += e.kind === 'data' ? e.text!.length : e.len!;
      }
    });
  }

  it('reports the gap with size, position and frame, and never bridges it', () => {
    const isn = 1000;
    const { events } = run([
      ...handshake(isn, 5000),
      { ...C, seq: isn + 1, flags: 'PA', payload: 'abc' },
      { ...C, seq: isn + 10, flags: 'PA', payload: 'xyz' }, // bytes 3..8 never captured
      { ...S, seq: 5001, ack: isn + 13, flags: 'A' },
    ]);
    const gap = events.find((e) => e.kind === 'gap' && e.len! > 0)!;
    expect(gap).toMatchObject({ dir: 0, off: 3, len: 6, reason: 'missing', frame: 6 });
    const after = events.find((e) => e.kind === 'data' && e.text === 'xyz')!;
    expect(after.off).toBe(9);
    expect(after.frame).toBe(5);
  });

  it('starts mid-stream without a SYN and says so', () => {
    const { events, conns, stream } = run([
      { ...C, seq: 77777, ack: 1, flags: 'PA', payload: 'mid' },
      { ...S, seq: 1, ack: 77780, flags: 'PA', payload: 'reply' },
      { ...C, seq: 77780, ack: 6, flags: 'PA', payload: 'more' },
    ]);
    expect(conns[0]!.synSeen).toBe(false);
    expect(conns[0]!.a).toEqual({ ip: '10.0.0.1', port: 40000 });
    expect(events.filter((e) => e.reason === 'mid-stream-start').map((e) => e.dir).sort()).toEqual([0, 1]);
    expect(stream(0)).toBe('midmore');
    expect(stream(1)).toBe('reply');
  });

  it('holds back data behind a hole and delivers it at the end with an explicit gap', () => {
    const isn = 10;
    const { events, stream } = run([...handshake(isn, 5000), { ...C, seq: isn + 1, flags: 'PA', payload: 'aa' }, { ...C, seq: isn + 5, flags: 'PA', payload: 'bb' }]);
    expect(stream(0)).toBe('aabb');
    expect(events.find((e) => e.kind === 'gap' && e.len)).toMatchObject({ off: 2, len: 2 });
    expect(events.at(-1)).toMatchObject({ kind: 'end', reason: 'capture-end' });
  });

  it('ends directions on FIN and RST, naming who closed', () => {
    const isn = 100;
    const { events, conns } = run([
      ...handshake(isn, 5000),
      { ...C, seq: isn + 1, flags: 'PA', payload: 'x' },
      { ...S, seq: 5001, ack: isn + 2, flags: 'FA' },
      { ...C, seq: isn + 2, ack: 5002, flags: 'R' },
    ]);
    expect(events.filter((e) => e.kind === 'end')).toEqual([
      { kind: 'end', dir: 1, reason: 'fin', frame: 5 },
      { kind: 'end', dir: 0, reason: 'rst', frame: 6 },
    ]);
    expect(conns[0]!.ends).toEqual([{ reason: 'rst', frame: 6 }, { reason: 'fin', frame: 5 }]);
  });

  it('a FIN waits for the data before it', () => {
    const isn = 100;
    const { events } = run([...handshake(isn, 5000), { ...C, seq: isn + 3, flags: 'FA', payload: 'cd' }, { ...C, seq: isn + 1, flags: 'PA', payload: 'ab' }]);
    const kinds = events.filter((e) => e.dir === 0).map((e) => (e.kind === 'data' ? e.text : e.kind));
    expect(kinds).toEqual(['ab', 'cd', 'end']);
  });

  it('caps held-back bytes and skips ahead with a buffer-limit gap', () => {
    const isn = 0;
    const segs: TcpOpts[] = [];
    for (let k = 0; k < 10; k++) segs.push({ ...C, seq: isn + 1 + 100 + k * 10, flags: 'PA', payload: 'x'.repeat(10) });
    const { events } = run([...handshake(isn, 5000), ...segs], { maxBufferedPerConnection: 50, maxBufferedTotal: 1000, maxGapRecords: 8 });
    const gap = events.find((e) => e.kind === 'gap' && e.len);
    expect(gap).toMatchObject({ reason: 'buffer-limit', off: 0, len: 100 });
  });

  it('a consumer that says ignore gets nothing more', () => {
    let calls = 0;
    const consumer: StreamConsumer = {
      data() {
        calls++;
        return 'ignore';
      },
      gap() {},
      end() {
        calls++;
      },
    };
    const dec = new PacketDecoder();
    let conn: Connection | undefined;
    const r = new TcpReassembler((c) => ((conn = c), consumer));
    const pk: TcpOpts[] = [...handshake(1, 2), { ...C, seq: 2, flags: 'PA', payload: 'SSH-2.0-x' }, { ...C, seq: 11, flags: 'PA', payload: 'more' }, { ...C, seq: 15, flags: 'FA' }];
    pk.forEach((p, i) => {
      const f: Frame = { number: i + 1, tsSec: 0, tsNsec: 0, linkType: 1, interfaceId: 0, data: ethernet(tcpPacketIp(p)), origLen: 0, fileOffset: 0 };
      const o = dec.decode(f);
      if (o.kind === 'tcp') r.segment(f, o.seg);
    });
    r.finish();
    expect(calls).toBe(1);
    expect(conn!.ignored).toBe(true);
    expect(conn!.ends[0]).toEqual({ reason: 'fin', frame: 6 });
    expect(conn!.lastFrame).toBe(6);
  });

  it('a new SYN after RST on the same ports starts a new connection', () => {
    const { conns } = run([...handshake(1, 2), { ...C, seq: 2, flags: 'R' }, ...handshake(9999, 8888)]);
    expect(conns.map((c) => c.firstFrame)).toEqual([1, 5]);
  });

  it('SYN-ACK seen first still names the initiator', () => {
    const { conns } = run([{ ...S, seq: 5000, ack: 11, flags: 'SA' }, { ...C, seq: 11, ack: 5001, flags: 'PA', payload: 'x' }]);
    expect(conns[0]!.a).toEqual({ ip: '10.0.0.1', port: 40000 });
  });
});

/**
 * A connection whose consumer let go keeps no sequence state, only its counters and ISNs: these
 * pin what that must not change, for IPv4 (looked up by number) and IPv6 (by key string).
 */
describe('connections nothing reads any more', async () => {
  const { buildTcpFrame, ip, mac, TCP_FLAGS } = await import('../../scripts/lib/pcap/frame.js');
  const flagBits = (f: string) => [...f].reduce((a, ch) => a | ({ S: TCP_FLAGS.SYN, A: TCP_FLAGS.ACK, F: TCP_FLAGS.FIN, R: TCP_FLAGS.RST, P: TCP_FLAGS.PSH } as Record<string, number>)[ch]!, 0);
  const families = [
    { name: 'IPv4', c: '10.0.0.1', s: '10.0.0.2' },
    { name: 'IPv6', c: '2001:db8::1', s: '2001:db8::2' },
  ];
  for (const fam of families) {
    it(`${fam.name}: after the consumer lets go, trailing packets stay in the connection and a SYN with a new ISN opens a new one`, () => {
      type P = { from: 'c' | 's'; seq: number; ack?: number; flags: string; payload?: string };
      const pk: P[] = [
        { from: 'c', seq: 100, flags: 'S' },
        { from: 's', seq: 500, ack: 101, flags: 'SA' },
        { from: 'c', seq: 101, ack: 501, flags: 'A' },
        { from: 'c', seq: 101, ack: 501, flags: 'PA', payload: 'hello' }, // frame 4: the consumer lets go
        { from: 's', seq: 501, ack: 106, flags: 'PA', payload: 'world' },
        { from: 'c', seq: 101, ack: 501, flags: 'PA', payload: 'hello' }, // a retransmission
        { from: 'c', seq: 100, flags: 'S' }, // a retransmitted SYN, same ISN: the same connection
        { from: 'c', seq: 106, ack: 506, flags: 'FA' },
        { from: 's', seq: 506, ack: 107, flags: 'FA' },
        { from: 'c', seq: 107, ack: 507, flags: 'A' }, // frame 10: the last ACK after both FINs
        { from: 'c', seq: 9000, flags: 'S' }, // frame 11: port reuse
        { from: 's', seq: 7000, ack: 9001, flags: 'SA' },
        { from: 'c', seq: 9001, ack: 7001, flags: 'PA', payload: 'again' },
        { from: 'c', seq: 3000, flags: 'S' }, // frame 14: neither side ended, but a SYN with another ISN
        { from: 's', seq: 4000, ack: 3001, flags: 'SA' },
        { from: 'c', seq: 3001, ack: 4001, flags: 'PA', payload: 'third' },
      ];
      const seen: { id: number; dir: Dir; text: string; frame: number }[] = [];
      const dec = new PacketDecoder();
      const r = new TcpReassembler((conn) => ({
        data(dir, data, _off, frame) {
          seen.push({ id: conn.id, dir, text: Buffer.from(data).toString('latin1'), frame });
          return 'ignore';
        },
        gap() {},
        end() {},
      }));
      const link = { kind: 'ethernet' as const, src: mac('00:00:00:00:00:01'), dst: mac('00:00:00:00:00:02') };
      pk.forEach((p, i) => {
        const [src, dst, sp, dp] = p.from === 'c' ? [fam.c, fam.s, 40000, 443] : [fam.s, fam.c, 443, 40000];
        const data = buildTcpFrame(link, { src: ip(src), dst: ip(dst), srcPort: sp, dstPort: dp, seq: p.seq, ack: p.ack ?? 0, flags: flagBits(p.flags), window: 65535, payload: p.payload ? Buffer.from(p.payload) : undefined });
        const f: Frame = { number: i + 1, tsSec: 0, tsNsec: 0, linkType: 1, interfaceId: 0, data, origLen: data.length, fileOffset: 0 };
        const o = dec.decode(f);
        if (o.kind !== 'tcp') throw new Error(o.kind);
        r.segment(f, o.seg);
      });
      r.finish();
      expect(r.connections.map((c) => [c.firstFrame, c.lastFrame])).toEqual([[1, 10], [11, 13], [14, 16]]);
      const [first, second] = r.connections;
      expect(first!.ignored).toBe(true);
      expect(first!.ends).toEqual([{ reason: 'fin', frame: 8 }, { reason: 'fin', frame: 9 }]);
      expect(first!.packets).toEqual([7, 3]);
      expect(first!.bytes).toEqual([10, 5]);
      expect(first!.a).toEqual({ ip: fam.c, port: 40000 });
      expect(second!.a).toEqual({ ip: fam.c, port: 40000 });
      expect(seen).toEqual([
        { id: 0, dir: 0, text: 'hello', frame: 4 },
        { id: 1, dir: 0, text: 'again', frame: 13 },
        { id: 2, dir: 0, text: 'third', frame: 16 },
      ]);
    });
  }
});

describe('TCP reassembly: what a finished connection keeps', () => {
  // A connection's record stays to the end (and in the analysis after it); its consumer (a TLS
  // dissector, with its buffers) must not. Checked with a collection: only the record refers to it.
  it('once both directions ended (FIN each way, or a RST), the connection no longer refers to its consumer', async () => {
    const v8 = await import('node:v8');
    const vm = await import('node:vm');
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const refs: WeakRef<object>[] = [];
    const dec = new PacketDecoder();
    const r = new TcpReassembler(() => {
      const consumer: StreamConsumer = { data() {}, gap() {}, end() {} };
      refs.push(new WeakRef(consumer));
      return consumer;
    });
    const packets: TcpOpts[] = [
      // Ended by FIN each way.
      ...handshake(1000, 5000),
      { ...C, seq: 1001, ack: 5001, flags: 'PA', payload: 'hello' },
      { ...C, seq: 1006, ack: 5001, flags: 'FA' },
      { ...S, seq: 5001, ack: 1007, flags: 'FA' },
      // Ended by a RST (other client port).
      { ...C, sport: 40001, seq: 2000, flags: 'S' },
      { ...S, dport: 40001, seq: 0, ack: 2001, flags: 'RA' },
      // Still open at the end of the capture: finish() ends it.
      { ...C, sport: 40002, seq: 3000, flags: 'S' },
    ];
    packets.forEach((p, i) => {
      const frame: Frame = { number: i + 1, tsSec: 0, tsNsec: 0, linkType: 1, interfaceId: 0, data: ethernet(tcpPacketIp(p)), origLen: 0, fileOffset: 0 };
      const out = dec.decode(frame);
      if (out.kind === 'tcp') r.segment(frame, out.seg);
    });
    expect(refs).toHaveLength(3);
    // The open connection's consumer is still needed before finish().
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
    expect(refs.map((w) => w.deref() !== undefined)).toEqual([false, false, true]);
    r.finish();
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
    expect(refs[2]!.deref()).toBeUndefined();
    expect(r.connections.map((c) => c.ends.map((e) => e?.reason))).toEqual([['fin', 'fin'], ['rst', 'rst'], ['capture-end', 'capture-end']]);
  });
});

describe('TCP reassembly: IPv4 connections whose keys collide', () => {
  // live4 finds a connection by a 53-bit hash of its ends; a hash that sends every connection to
  // one key must give the same connections and the same bytes (the lists sort them out).
  it('a hash that collides for every connection changes nothing: interleaved connections, both orientations, port reuse', () => {
    const packets: TcpOpts[] = [];
    const ends = [
      { c: '10.0.0.1', s: '10.0.0.2', cp: 40000, sp: 443 }, // client is the low end
      { c: '10.0.0.9', s: '10.0.0.2', cp: 40001, sp: 443 }, // client is the high end
      { c: '192.168.1.5', s: '10.0.0.2', cp: 50000, sp: 5061 },
      { c: '10.0.0.1', s: '10.0.0.2', cp: 40002, sp: 443 },
    ];
    const conn = (k: number, isn: number) => {
      const e = ends[k]!;
      const C2 = { src: e.c, dst: e.s, sport: e.cp, dport: e.sp };
      const S2 = { src: e.s, dst: e.c, sport: e.sp, dport: e.cp };
      return [
        { ...C2, seq: isn, flags: 'S' },
        { ...S2, seq: isn + 5000, ack: isn + 1, flags: 'SA' },
        { ...C2, seq: isn + 1, ack: isn + 5001, flags: 'PA', payload: `c${k}-${isn}` },
        { ...S2, seq: isn + 5001, ack: isn + 1 + `c${k}-${isn}`.length, flags: 'PA', payload: `s${k}-${isn}` },
        { ...C2, seq: isn + 1 + `c${k}-${isn}`.length, ack: isn + 5001, flags: 'FA' },
        { ...S2, seq: isn + 5001 + `s${k}-${isn}`.length, ack: isn + 2 + `c${k}-${isn}`.length, flags: 'FA' },
      ] as TcpOpts[];
    };
    // Round-robin interleaving of five connections (the first ends reused with a new ISN).
    const lists = [conn(0, 1000), conn(1, 2000), conn(2, 3000), conn(3, 4000)];
    for (let i = 0; i < 6; i++) for (const l of lists) packets.push(l[i]!);
    packets.push(...conn(0, 90000));
    const collect = (key?: (a: number, b: number, c: number, d: number) => number) => {
      const got: string[] = [];
      const dec = new PacketDecoder();
      const r = new TcpReassembler(
        (c) => ({
          data(dir, data) {
            got.push(`${c.id}/${dir}:${Buffer.from(data).toString('latin1')}`);
          },
          gap() {},
          end(dir, reason) {
            got.push(`${c.id}/${dir} end ${reason}`);
          },
        }),
        undefined,
        key,
      );
      packets.forEach((p, i) => {
        const frame: Frame = { number: i + 1, tsSec: 0, tsNsec: 0, linkType: 1, interfaceId: 0, data: ethernet(tcpPacketIp(p)), origLen: 0, fileOffset: 0 };
        const out = dec.decode(frame);
        if (out.kind === 'tcp') r.segment(frame, out.seg);
      });
      r.finish();
      return { got, conns: r.connections.map((c) => [c.id, c.a, c.b, c.firstFrame, c.lastFrame, c.packets, c.bytes, c.ends]) };
    };
    const normal = collect();
    const colliding = collect(() => 0);
    expect(normal.conns).toHaveLength(5);
    expect(normal.got).toContain('4/0:c0-90000');
    expect(normal.conns[1]![1]).toEqual({ ip: '10.0.0.9', port: 40001 });
    expect(colliding).toEqual(normal);
  });
});
