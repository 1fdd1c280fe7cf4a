/**
 * Properties of the TLS stage under random and hostile input: the decoders never throw and never
 * fail by an internal error (a TypeError turned into "decoder error" by decodeWith is a bug, not a
 * verdict on the bytes); every field span lies inside the message; the connection reassembles
 * records and messages the same way whatever the segmentation, and stays bounded whatever the bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/bytes/index.js';
import { decodeAlert, decodeHandshake, DEFAULT_TLS_LIMITS, type Field } from '../../src/tls/index.js';
import { feed, ladder, loadFixture, resegment, type Segment } from '../tls/harness.js';
import { certificate12, clientHello, derName, ext, hs, OID_CN, serverHello, u16, vec16, vec8 } from '../tls/build.js';

const RUNS = Number(process.env.HOSTILE_RUNS ?? 1);
const FIXTURES = ['tls12-mutual-ok', 'tls12-client-cert-rejected', 'tls12-handshake-failure', 'tls12-resumed', 'tls13-mutual'];
const INTERNAL = /^decoder error: /;

function spansInside(fields: readonly Field[], length: number, path = ''): void {
  for (const f of fields) {
    const where = `${path}/${f.label}`;
    expect(f.offset, where).toBeGreaterThanOrEqual(0);
    expect(f.length, where).toBeGreaterThanOrEqual(0);
    expect(f.offset + f.length, where).toBeLessThanOrEqual(length);
    if (f.children) spansInside(f.children, length, where);
  }
}

/** Well-formed messages of every type the decoders know, as seeds for mutation. */
const SEEDS: Uint8Array[] = [
  clientHello({ extensions: [ext(0, vec16(vec16([0], vec16(new TextEncoder().encode('a.example'))))), ext(43, vec8(u16(0x0304), u16(0x0303))), ext(13, vec16(u16(0x0804)))] }),
  serverHello({ extensions: [ext(43, u16(0x0304)), ext(51, u16(0x001d), vec16(new Uint8Array(32)))] }),
  certificate12(new Uint8Array(40).fill(0x30), new Uint8Array(10).fill(0x31)),
  hs(13, vec8([1, 64]), vec16(u16(0x0401)), vec16(vec16(derName([OID_CN, 'Root CA'])), vec16(derName([OID_CN, 'x'])))),
  hs(12, [3], u16(0x001d), vec8(new Uint8Array(32)), u16(0x0804), vec16(new Uint8Array(64))),
  hs(15, u16(0x0804), vec16(new Uint8Array(64))),
  hs(16, vec8(new Uint8Array(32))),
  hs(4, [0, 0, 0, 9], vec16(new Uint8Array(20))),
  hs(20, new Uint8Array(12)),
  hs(14),
  hs(22, [1], [0, 0, 3, 1, 2, 3]),
  hs(8, vec16(ext(16, vec16(vec8(new TextEncoder().encode('h2')))))),
];

const mutatedMessage = fc
  .record({
    seed: fc.constantFrom(...SEEDS),
    edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
    cut: fc.option(fc.nat(), { nil: undefined }),
    lengthClaim: fc.option(fc.constantFrom(0, 1, 0xff, 0xffff, 0xffffff), { nil: undefined }),
  })
  .map(({ seed, edits, cut, lengthClaim }) => {
    const b = seed.slice();
    for (const [at, v] of edits) if (b.length > 0) b[at % b.length] = v;
    if (lengthClaim !== undefined && b.length >= 4) {
      b[1] = lengthClaim >> 16;
      b[2] = (lengthClaim >> 8) & 0xff;
      b[3] = lengthClaim & 0xff;
    }
    return cut === undefined ? b : b.subarray(0, cut % (b.length + 1));
  });

const context = fc.record({ version: fc.constantFrom(undefined, 0x0301, 0x0303, 0x0304), keyExchange: fc.constantFrom(undefined, 'ECDHE_RSA', 'RSA', 'DHE_RSA', 'TLS13') });

describe('TLS decoders', () => {
  it('decodeHandshake on arbitrary bytes: a Result, never an exception, never an internal error, spans inside the message', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 300 }), context, (type, body, ctx) => {
        const bytes = Uint8Array.from([type, (body.length >> 16) & 0xff, (body.length >> 8) & 0xff, body.length & 0xff, ...body]);
        const res = decodeHandshake(bytes, { limits: DEFAULT_TLS_LIMITS, ...(ctx.version && { version: ctx.version }), ...(ctx.keyExchange && { keyExchange: ctx.keyExchange as never }) });
        if (res.ok) spansInside(res.value.fields, bytes.length);
        else expect(res.error.message).not.toMatch(INTERNAL);
      }),
      { numRuns: 3000 * RUNS },
    );
  });

  it('decodeHandshake on mutated well-formed messages of every type (bytes changed, cut, lengths set to hostile values)', () => {
    fc.assert(
      fc.property(mutatedMessage, context, (bytes, ctx) => {
        const res = decodeHandshake(bytes, { limits: DEFAULT_TLS_LIMITS, ...(ctx.version && { version: ctx.version }), ...(ctx.keyExchange && { keyExchange: ctx.keyExchange as never }) });
        if (res.ok) {
          spansInside(res.value.fields, bytes.length);
          if (res.value.body.kind === 'certificate') expect(res.value.body.certificates.length).toBeLessThanOrEqual(DEFAULT_TLS_LIMITS.maxCertificates);
        } else expect(res.error.message).not.toMatch(INTERNAL);
      }),
      { numRuns: 4000 * RUNS },
    );
  });

  it('decodeAlert on any body: two bytes decode, anything shorter is truncated', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8 }), (body) => {
        const res = decodeAlert(body);
        expect(res.ok).toBe(body.length >= 2);
        if (!res.ok) expect(res.error.kind).toBe('truncated');
        else spansInside(res.value.fields, body.length);
      }),
      { numRuns: 500 * RUNS },
    );
  });
});

function sizes(seed: number): (i: number) => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return 1 + ((s >>> 0) % 700);
  };
}

function identity(segs: readonly Segment[]): string[] {
  return feed(segs).conn.messages.map((m) => `${m.kind}/${m.dir}/${m.kind === 'handshake' ? `${m.type}/${toHex(m.bytes)}` : m.kind === 'alert' ? `${m.level}/${m.description}` : ''}`);
}

describe('TlsConnection', () => {
  for (const name of FIXTURES) {
    it(`${name}: any segmentation gives the same messages, byte for byte`, () => {
      const segs = loadFixture(name);
      const want = identity(segs);
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 0x7fffffff }), (seed) => {
          expect(identity(resegment(segs, sizes(seed)))).toEqual(want);
        }),
        { numRuns: 60 * RUNS },
      );
    });
  }

  it('recorded conversations with bytes flipped, cut, duplicated and gaps inserted: no exception, bounded lists and copies', () => {
    const conv = fc.record({
      name: fc.constantFrom(...FIXTURES),
      seed: fc.integer({ min: 1, max: 0x7fffffff }),
      flips: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
      dup: fc.option(fc.nat(), { nil: undefined }),
      drop: fc.option(fc.nat(), { nil: undefined }),
      gap: fc.option(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 5000 })), { nil: undefined }),
      tiny: fc.boolean(),
    });
    fc.assert(
      fc.property(conv, (c) => {
        let segs: Segment[] = resegment(loadFixture(c.name), c.tiny ? () => 1 + (c.seed % 7) : sizes(c.seed)).map((s) => (s.bytes ? { ...s, bytes: s.bytes.slice() } : s));
        const data = segs.filter((s) => s.bytes);
        for (const [i, at, v] of c.flips) {
          const s = data[i % data.length]!;
          s.bytes![at % s.bytes!.length] = v;
        }
        if (c.dup !== undefined) segs.splice(c.dup % segs.length, 0, segs[c.dup % segs.length]!);
        if (c.drop !== undefined) segs.splice(c.drop % segs.length, 1);
        if (c.gap) {
          const i = c.gap[0] % segs.length;
          if (segs[i]!.bytes) segs[i] = { ...segs[i]!, gapBefore: c.gap[1] };
        }
        const { conn } = feed(segs);
        const s = conn.summary();
        expect(s.messages.length).toBeLessThanOrEqual(DEFAULT_TLS_LIMITS.maxMessages);
        for (const m of s.messages) {
          if (m.kind === 'handshake') {
            expect(m.bytes.length).toBeLessThanOrEqual(DEFAULT_TLS_LIMITS.maxMessageBytes);
            if (m.error) expect(m.error.message).not.toMatch(INTERNAL);
          }
        }
        for (const a of s.anomalies) expect(a.message).not.toMatch(INTERNAL);
        // Every anomaly names a frame that was fed.
        for (const a of s.anomalies) expect(a.frame).toBeGreaterThan(0);
        ladder(conn);
      }),
      { numRuns: 800 * RUNS },
    );
  });

  it('random bytes in both directions, as a TLS start or after a STARTTLS-like preamble: never throws, stays bounded', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ dir: fc.constantFrom(0 as const, 1 as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 400 }) }), { maxLength: 30 }),
        fc.constantFrom(new Uint8Array(0), new TextEncoder().encode('STARTTLS\r\n'), Uint8Array.of(0x16, 0x03, 0x01), Uint8Array.of(0x80, 0x2e, 0x01)),
        (segs, prefix) => {
          const all: Segment[] = segs.map((s, i) => (i === 0 ? { dir: s.dir, bytes: Uint8Array.from([...prefix, ...s.bytes]) } : s));
          const { conn } = feed(all);
          const s = conn.summary();
          expect(s.messages.length).toBeLessThanOrEqual(DEFAULT_TLS_LIMITS.maxMessages);
        },
      ),
      { numRuns: 1500 * RUNS },
    );
  });
});
