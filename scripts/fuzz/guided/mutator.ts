/**
 * libFuzzer's mutations (MutationDispatcher): bit and byte flips, random bytes, inserts and
 * deletes, runs of a repeated byte, copies inside the input, crossover and splices with another
 * corpus entry, interesting integers (8, 16, 24, 32 bits, both byte orders) written where a
 * length field may be, small additions to such a field, and a dictionary of protocol tokens.
 * Several mutations are stacked per input (1 to 5, as libFuzzer's -mutate_depth). Deterministic
 * from the Prng.
 */
import { Prng } from '../../captures/prng.js';

const INTERESTING_8 = [0, 1, 0x7f, 0x80, 0xff, 0x10, 0x20, 0x40, 0x64];
const INTERESTING_16 = [0, 1, 0x7f, 0x80, 0xff, 0x100, 0x3fff, 0x4000, 0x4001, 0x4800, 0x4801, 0x7fff, 0x8000, 0xfffe, 0xffff];
const INTERESTING_24 = [0, 1, 3, 0x4000, 0x40000, 0x7fffff, 0x800000, 0xfffffe, 0xffffff];
const INTERESTING_32 = [0, 1, 15, 16, 0x7fffffff, 0x80000000, 0xfffffffc, 0xfffffffe, 0xffffffff];

export interface MutatorOptions {
  /** Longest input made (libFuzzer's -max_len). */
  readonly maxLength: number;
  /** Protocol tokens the target's format uses. */
  readonly dictionary: readonly Uint8Array[];
}

type Mutation = (b: Uint8Array, rng: Prng, other: Uint8Array | undefined) => Uint8Array | undefined;

function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function pick<T>(rng: Prng, list: readonly T[]): T {
  return list[rng.int(0, list.length - 1)]!;
}

/** A length: mostly small, sometimes up to `max` (libFuzzer favours short edits). */
function span(rng: Prng, max: number): number {
  if (max <= 1) return max;
  return rng.next() < 0.75 ? rng.int(1, Math.min(max, 8)) : rng.int(1, max);
}

function writeInt(b: Uint8Array, at: number, width: number, v: number, le: boolean): void {
  for (let k = 0; k < width; k++) {
    const shift = 8 * (le ? k : width - 1 - k);
    b[at + k] = Math.floor(v / 2 ** shift) & 0xff;
  }
}

function readInt(b: Uint8Array, at: number, width: number, le: boolean): number {
  let v = 0;
  for (let k = 0; k < width; k++) v = v * 256 + b[at + (le ? width - 1 - k : k)]!;
  return v;
}

function mutations(dict: readonly Uint8Array[]): Record<string, Mutation> {
  return {
    flipBit: (b, rng) => {
      if (!b.length) return undefined;
      const o = b.slice();
      const at = rng.int(0, o.length - 1);
      o[at] = o[at]! ^ (1 << rng.int(0, 7));
      return o;
    },
    randomByte: (b, rng) => {
      if (!b.length) return undefined;
      const o = b.slice();
      o[rng.int(0, o.length - 1)] = rng.int(0, 255);
      return o;
    },
    eraseBytes: (b, rng) => {
      if (b.length < 2) return undefined;
      const n = span(rng, b.length - 1);
      const at = rng.int(0, b.length - n);
      return cat(b.subarray(0, at), b.subarray(at + n));
    },
    insertByte: (b, rng) => {
      const at = rng.int(0, b.length);
      return cat(b.subarray(0, at), Uint8Array.of(rng.int(0, 255)), b.subarray(at));
    },
    insertRepeated: (b, rng) => {
      const at = rng.int(0, b.length);
      const n = rng.next() < 0.8 ? rng.int(3, 16) : rng.int(17, 512);
      const v = pick(rng, [0, 0xff, rng.int(0, 255), 0x1b, 0x41]);
      return cat(b.subarray(0, at), new Uint8Array(n).fill(v), b.subarray(at));
    },
    changeByteRun: (b, rng) => {
      if (!b.length) return undefined;
      const o = b.slice();
      const n = span(rng, o.length);
      const at = rng.int(0, o.length - n);
      o.fill(pick(rng, [0, 0xff, rng.int(0, 255)]), at, at + n);
      return o;
    },
    copyPart: (b, rng) => {
      if (b.length < 2) return undefined;
      const n = span(rng, b.length - 1);
      const from = rng.int(0, b.length - n);
      const part = b.slice(from, from + n);
      const to = rng.int(0, b.length);
      if (rng.next() < 0.5) return cat(b.subarray(0, to), part, b.subarray(to));
      const o = b.slice();
      o.set(part.subarray(0, Math.max(0, o.length - Math.min(to, o.length - 1))), Math.min(to, o.length - 1));
      return o;
    },
    interestingInt: (b, rng) => {
      const width = pick(rng, [1, 2, 2, 3, 4]);
      if (b.length < width) return undefined;
      const o = b.slice();
      const list = width === 1 ? INTERESTING_8 : width === 2 ? INTERESTING_16 : width === 3 ? INTERESTING_24 : INTERESTING_32;
      writeInt(o, rng.int(0, o.length - width), width, pick(rng, list), rng.next() < 0.3);
      return o;
    },
    addToInt: (b, rng) => {
      const width = pick(rng, [1, 2, 3, 4]);
      if (b.length < width) return undefined;
      const o = b.slice();
      const at = rng.int(0, o.length - width);
      const le = rng.next() < 0.3;
      const max = 2 ** (8 * width);
      const delta = rng.int(1, 35) * (rng.next() < 0.5 ? -1 : 1);
      writeInt(o, at, width, (((readInt(o, at, width, le) + delta) % max) + max) % max, le);
      return o;
    },
    dictionaryInsert: (b, rng) => {
      if (!dict.length) return undefined;
      const w = pick(rng, dict);
      const at = rng.int(0, b.length);
      return cat(b.subarray(0, at), w, b.subarray(at));
    },
    dictionaryOverwrite: (b, rng) => {
      if (!dict.length) return undefined;
      const w = pick(rng, dict);
      if (b.length < w.length) return undefined;
      const o = b.slice();
      o.set(w, rng.int(0, o.length - w.length));
      return o;
    },
    crossOver: (b, rng, other) => {
      if (!other || !other.length || !b.length) return undefined;
      // Alternating pieces of both, as libFuzzer's CrossOver.
      const parts: Uint8Array[] = [];
      let i = 0;
      let j = 0;
      while (i < b.length || j < other.length) {
        if (i < b.length) {
          const n = span(rng, b.length - i);
          parts.push(b.subarray(i, i + n));
          i += n;
        }
        if (j < other.length) {
          const n = span(rng, other.length - j);
          parts.push(other.subarray(j, j + n));
          j += n;
        }
      }
      return cat(...parts);
    },
    splice: (b, rng, other) => {
      if (!other || !other.length) return undefined;
      const cut = rng.int(0, b.length);
      const from = rng.int(0, other.length - 1);
      return cat(b.subarray(0, cut), other.subarray(from, from + span(rng, other.length - from)), rng.next() < 0.5 ? b.subarray(cut) : new Uint8Array(0));
    },
    insertFromOther: (b, rng, other) => {
      if (!other || !other.length) return undefined;
      const n = span(rng, other.length);
      const from = rng.int(0, other.length - n);
      const at = rng.int(0, b.length);
      return cat(b.subarray(0, at), other.subarray(from, from + n), b.subarray(at));
    },
    truncate: (b, rng) => (b.length > 1 ? b.slice(0, rng.int(0, b.length - 1)) : undefined),
  };
}

export class Mutator {
  private readonly table: Record<string, Mutation>;
  private readonly names: string[];

  constructor(private readonly o: MutatorOptions) {
    this.table = mutations(o.dictionary);
    this.names = Object.keys(this.table);
  }

  /** `base` changed by 1–5 stacked mutations; `other` is a second corpus entry for crossovers and splices. */
  mutate(base: Uint8Array, rng: Prng, other?: Uint8Array): Uint8Array {
    let b = base;
    const depth = rng.int(1, 5);
    for (let k = 0, tries = 0; k < depth && tries < 20; tries++) {
      const r = this.table[pick(rng, this.names)]!(b, rng, other);
      if (!r) continue;
      b = r.length > this.o.maxLength ? r.subarray(0, this.o.maxLength) : r;
      k++;
    }
    return b === base ? this.table.randomByte!(base, rng, undefined) ?? Uint8Array.of(rng.int(0, 255)) : b;
  }
}

/** Tokens as bytes: strings are written as UTF-8, number arrays as they are. */
export function dictionary(...tokens: (string | readonly number[])[]): Uint8Array[] {
  return tokens.map((t) => (typeof t === 'string' ? new TextEncoder().encode(t) : Uint8Array.from(t)));
}
