/**
 * Properties of the byte reader and the capture readers: every read is bounds-checked (a failed read
 * says truncated or malformed, where, and moves nothing); any file is either refused in one line or
 * read with its problems located; and damage never changes the frames before it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteReader, decodeWith, latin1, ReaderError } from '../../src/bytes/index.js';
import { CaptureFormatError, readCapture, type CaptureSummary } from '../../src/capture/index.js';
import { pcapFile, pcapngFile, type RawFrame } from '../helpers/frames.js';
import { parseLayout, recordLength, wholeRecords } from '../../scripts/fuzz/layout.js';
import { streamOf } from './lib.js';

const RUNS = Number(process.env.HOSTILE_RUNS ?? 1);

type Op = { op: 'u8' | 'u16' | 'u24' | 'u32' | 'u16le' | 'u32le' } | { op: 'bytes' | 'skip' | 'sub' | 'peek'; n: number } | { op: 'vec8' | 'vec16' | 'vec24' };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.constantFrom('u8', 'u16', 'u24', 'u32', 'u16le', 'u32le').map((o) => ({ op: o }) as Op),
  fc.record({ op: fc.constantFrom('bytes', 'skip', 'sub', 'peek'), n: fc.oneof(fc.integer({ min: -3, max: 40 }), fc.constantFrom(0xffffff, 2 ** 31, Number.NaN, Infinity)) }) as fc.Arbitrary<Op>,
  fc.constantFrom('vec8', 'vec16', 'vec24').map((o) => ({ op: o }) as Op),
);

const WIDTH: Record<string, number> = { u8: 1, u16: 2, u24: 3, u32: 4, u16le: 2, u32le: 4 };

describe('ByteReader', () => {
  it('never reads outside [start, end): a read either returns the bytes there or throws ReaderError at the current offset and moves nothing', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(70), fc.nat(70), fc.nat(1000), fc.array(op, { maxLength: 30 }), (buf, a, b, base, ops) => {
        const start = Math.min(a, buf.length);
        const end = Math.max(start, Math.min(b, buf.length));
        const r = new ByteReader(buf, start, end, base);
        let pos = start;
        for (const o of ops) {
          const before = r.offset;
          expect(before).toBe(pos);
          try {
            switch (o.op) {
              case 'u8':
              case 'u16':
              case 'u24':
              case 'u32':
              case 'u16le':
              case 'u32le': {
                const v = r[o.op]();
                const w = WIDTH[o.op]!;
                const bytes = [...buf.subarray(pos, pos + w)];
                const le = o.op.endsWith('le');
                const expected = (le ? bytes.reverse() : bytes).reduce((acc, x) => acc * 256 + x, 0);
                expect(v).toBe(expected);
                pos += w;
                break;
              }
              case 'bytes': {
                const v = r.bytes(o.n);
                expect([...v]).toEqual([...buf.subarray(pos, pos + o.n)]);
                pos += o.n;
                break;
              }
              case 'skip':
                r.skip(o.n);
                pos += o.n;
                break;
              case 'sub': {
                const s = r.sub(o.n);
                expect(s.remaining).toBe(o.n);
                expect(s.absOffset).toBe(base + pos);
                pos += o.n;
                break;
              }
              case 'peek':
                if (o.n >= 0) expect(r.peekU8(o.n)).toBe(pos + o.n < end ? buf[pos + o.n] : undefined);
                break;
              case 'vec8':
              case 'vec16':
              case 'vec24': {
                const s = r[o.op]();
                pos = r.offset;
                expect(pos).toBeLessThanOrEqual(end);
                expect(s.remaining).toBeGreaterThanOrEqual(0);
                break;
              }
            }
          } catch (e) {
            expect(e).toBeInstanceOf(ReaderError);
            const d = (e as ReaderError).detail;
            expect(['truncated', 'malformed']).toContain(d.kind);
            // vec reads consume their length prefix before failing on the body.
            if (!o.op.startsWith('vec')) {
              expect(d.offset).toBe(base + before);
              expect(r.offset).toBe(before);
            }
            pos = r.offset;
          }
          expect(r.remaining).toBe(end - pos);
          expect(r.remaining).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 1500 * RUNS },
    );
  });

  it('decodeWith turns any bounds failure into a Result and any other exception into a malformed one', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8 }), fc.nat(20), (buf, n) => {
        const res = decodeWith(() => new ByteReader(buf).bytes(n));
        expect(res.ok).toBe(n <= buf.length);
        if (!res.ok) expect(res.error.kind).toBe('truncated');
      }),
    );
    const res = decodeWith(() => {
      throw new TypeError('boom');
    });
    expect(res).toEqual({ ok: false, error: { kind: 'malformed', message: 'decoder error: boom', offset: 0 } });
  });
});

// ---- capture readers -----------------------------------------------------------------------------

async function read(bytes: Uint8Array): Promise<{ summary?: CaptureSummary; frames: Uint8Array[]; refused?: string }> {
  const frames: Uint8Array[] = [];
  try {
    const summary = await readCapture(streamOf(bytes), (f) => void frames.push(f.data.slice()));
    return { summary, frames };
  } catch (e) {
    if (e instanceof CaptureFormatError) return { frames, refused: e.message };
    throw e;
  }
}

const rawFrames = fc.array(fc.uint8Array({ minLength: 0, maxLength: 120 }).map((data): RawFrame => ({ data })), { minLength: 1, maxLength: 12 });
const container = fc.constantFrom('pcap', 'pcap-be', 'pcap-ns', 'pcapng', 'pcapng-be');

function build(kind: string, frames: RawFrame[]): Uint8Array {
  if (kind.startsWith('pcapng')) return new Uint8Array(pcapngFile(frames, { be: kind.endsWith('be') }));
  return new Uint8Array(pcapFile(frames, { be: kind.endsWith('be'), ns: kind.endsWith('ns') }));
}

function checkLocated(summary: CaptureSummary, length: number): void {
  for (const p of summary.problems) {
    expect(p.fileOffset).toBeGreaterThanOrEqual(0);
    expect(p.fileOffset).toBeLessThanOrEqual(length);
    expect(p.message).toMatch(/byte offset \d+|24-byte pcap header/);
    expect(p.message).not.toMatch(/undefined|NaN/);
  }
}

describe('capture readers', () => {
  it('arbitrary bytes behind a valid magic: refused in one line or read with every problem located', async () => {
    const magic = fc.constantFrom([0xd4, 0xc3, 0xb2, 0xa1], [0xa1, 0xb2, 0xc3, 0xd4], [0x4d, 0x3c, 0xb2, 0xa1], [0x0a, 0x0d, 0x0d, 0x0a], [0x1f, 0x8b, 0x08, 0x00], []);
    await fc.assert(
      fc.asyncProperty(magic, fc.uint8Array({ maxLength: 300 }), async (m, tail) => {
        const bytes = Uint8Array.from([...m, ...tail]);
        const r = await read(bytes);
        if (r.refused) expect(r.refused.split('\n')).toHaveLength(1);
        else checkLocated(r.summary!, bytes.length);
      }),
      { numRuns: 1500 * RUNS },
    );
  });

  it('cut anywhere: exactly the frames wholly before the cut are read, byte for byte, and the cut is located', async () => {
    await fc.assert(
      fc.asyncProperty(container, rawFrames, fc.double({ min: 0, max: 1, noNaN: true }), async (kind, frames, frac) => {
        const file = build(kind, frames);
        const n = Math.floor(file.length * frac);
        const r = await read(file.subarray(0, n));
        if (r.refused) return; // a cut inside the magic
        const l = parseLayout(file)!;
        const { frames: whole, cutAt: p } = wholeRecords(file, n);
        expect(r.frames).toHaveLength(whole);
        r.frames.forEach((f, i) => expect([...f]).toEqual([...frames[i]!.data]));
        checkLocated(r.summary!, n);
        if (n < file.length && n > (l.format === 'pcap' ? 24 : 0) && p < n) expect(r.summary!.problems.some((x) => x.severity === 'fatal')).toBe(true);
      }),
      { numRuns: 600 * RUNS },
    );
  });

  it('a damaged record-length field: the frames before it are read unchanged, and the damage is located', async () => {
    await fc.assert(
      fc.asyncProperty(container, rawFrames, fc.nat(), fc.constantFrom(0, 1, 3, 13, 0x7fffffff, 0x80000000, 0xfffffffc, 0xffffffff), async (kind, frames, which, value) => {
        const file = build(kind, frames).slice();
        const l = parseLayout(file)!;
        const dv = new DataView(file.buffer);
        // Offsets of every packet record and of the field that gives its length.
        let p = l.header.length;
        const recs: { at: number; field: number; index: number }[] = [];
        let index = 0;
        for (const rec of l.records) {
          const len = recordLength(l, rec);
          if (rec.kind === 'packet') recs.push({ at: p, field: l.format === 'pcap' ? p + 8 : p + 4, index: index++ });
          p += len;
        }
        const target = recs[which % recs.length]!;
        const original = dv.getUint32(target.field, l.le);
        if (original === value) return;
        dv.setUint32(target.field, value, l.le);
        const r = await read(file);
        expect(r.refused).toBeUndefined();
        expect(r.frames.length).toBeGreaterThanOrEqual(target.index);
        for (let i = 0; i < target.index; i++) expect([...r.frames[i]!]).toEqual([...frames[i]!.data]);
        checkLocated(r.summary!, file.length);
      }),
      { numRuns: 800 * RUNS },
    );
  });
});

describe('latin1 (bytes as a map key)', () => {
  it('is one character per byte, the byte itself, so equal keys mean equal bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), fc.uint8Array({ maxLength: 64 }), (a, b) => {
        const k = latin1(a);
        expect(k.length).toBe(a.length);
        for (let i = 0; i < a.length; i++) expect(k.charCodeAt(i)).toBe(a[i]);
        expect(latin1(b) === k).toBe(Buffer.from(a).equals(Buffer.from(b)));
      }),
      { numRuns: 200 * RUNS },
    );
  });
});
