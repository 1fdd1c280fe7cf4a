/**
 * A small, bounded DER walker (ITU-T X.690 §8, §10) used for everything in a certificate that must
 * be kept byte-exact (serial content octets, Name DER for CertificateRequest matching) or decoded
 * with caps (extension values: a hostile SAN list, deep nesting). It descends only into structures
 * the caller asks for, so nesting inside an unknown extension costs nothing.
 *
 * Built on ByteReader: every declared length is checked against what is left before slicing, and
 * the bounds exception becomes a Result at `decodeWith` (never thrown past this module's callers).
 * Views returned here alias the input buffer: they live as long as the certificate's own DER copy.
 */
import { ByteReader, type Result, decodeWith, toHex, u32be } from '../bytes/index.js';
import { ATTRIBUTE_LABELS, CURVE_NAMES, EKU_NAMES, EXTENSION_NAMES, HASH_OIDS, OID, PUBLIC_KEY_ALGORITHMS, RFC4514_SHORT_NAMES, SIGNATURE_ALGORITHMS } from './oids.js';

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8String: 0x0c,
  PrintableString: 0x13,
  T61String: 0x14,
  IA5String: 0x16,
  UTCTime: 0x17,
  GeneralizedTime: 0x18,
  VisibleString: 0x1a,
  UniversalString: 0x1c,
  BMPString: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

export interface Tlv {
  /** The identifier octet (class, constructed bit and low tag number); high tag numbers are refused. */
  readonly tag: number;
  readonly constructed: boolean;
  /** Content octets (view). */
  readonly value: Uint8Array;
  /** The whole element, header included (view). */
  readonly raw: Uint8Array;
  /** Offset of the element inside the outermost buffer its reader was made over. */
  readonly offset: number;
}

/**
 * Reads one TLV. Definite lengths only: DER forbids the indefinite form (X.690 §10.1), and a
 * length is refused if it does not fit in 4 octets or in what is left.
 */
export function readTlv(r: ByteReader): Tlv {
  const start = r.offset;
  const tag = r.u8('ASN.1 tag');
  if ((tag & 0x1f) === 0x1f) r.malformed('ASN.1 high tag number form is not used in certificates');
  const first = r.u8('ASN.1 length');
  let len: number;
  if (first < 0x80) len = first;
  else if (first === 0x80) r.malformed('ASN.1 indefinite length is not DER');
  else {
    const n = first & 0x7f;
    if (n > 4) r.malformed(`ASN.1 length of ${n} octets is too large`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + r.u8('ASN.1 length');
  }
  r.skip(len!, 'ASN.1 value');
  return new Element(tag, r.buf, start, r.offset - len!, r.offset);
}

/**
 * A Tlv that keeps offsets, not views: the content and whole-element views are made only when
 * asked for. Most elements are only walked through (their children read in place by readerOf), and
 * a certificate has a few hundred of them: two typed-array views each were most of its decoding's
 * garbage.
 */
class Element implements Tlv {
  constructor(
    readonly tag: number,
    readonly buf: Uint8Array,
    readonly offset: number,
    readonly valueStart: number,
    readonly end: number,
  ) {}
  get constructed(): boolean {
    return (this.tag & 0x20) !== 0;
  }
  get value(): Uint8Array {
    return this.buf.subarray(this.valueStart, this.end);
  }
  get raw(): Uint8Array {
    return this.buf.subarray(this.offset, this.end);
  }
}

/** A reader over an element's content octets, in place when it is one of ours (no view made). */
export function readerOf(t: Tlv): ByteReader {
  return t instanceof Element ? new ByteReader(t.buf, t.valueStart, t.end) : new ByteReader(t.value);
}

/** Reads exactly one TLV filling `bytes` (trailing bytes are malformed). */
export function parseOne(bytes: Uint8Array, what: string): Result<Tlv> {
  return decodeWith(() => {
    const r = new ByteReader(bytes);
    const t = readTlv(r);
    if (!r.atEnd) r.malformed(`${what}: ${r.remaining} bytes after the end`);
    return t;
  });
}

/**
 * The children of a constructed element, at most `max` of them. `total` counts all children even
 * past the cap, so callers can report "N of M decoded". Throws ReaderError (callers run inside
 * decodeWith).
 */
export function childrenOf(t: Tlv, max = 10_000): { items: Tlv[]; total: number } {
  const r = readerOf(t);
  const items: Tlv[] = [];
  let total = 0;
  while (!r.atEnd) {
    const c = readTlv(r);
    total++;
    if (items.length < max) items.push(c);
  }
  return { items, total };
}

export function expectTag(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t) throw new ReaderMissing(what);
  if (t.tag !== tag) {
    throw new ReaderMissing(`${what}: expected tag 0x${tag.toString(16)}, found 0x${t.tag.toString(16)}`);
  }
  return t;
}

/** A structural mismatch found while walking: turned into a malformed Result by `walk`. */
export class ReaderMissing extends Error {}

/**
 * Runs a walker body and turns any bounds or structure problem into a Result prefixed with `what`
 * (decodeWith is the one place where exceptions from a ByteReader-based walk become values).
 */
export function walk<T>(fn: () => T, what: string): Result<T> {
  const res = decodeWith(fn);
  if (!res.ok) {
    const m = res.error.message.replace(/^decoder error: /, '');
    return { ok: false, error: { ...res.error, message: `${what}: ${m}` } };
  }
  return res;
}

/** Dotted-decimal OID from content octets (X.690 §8.19). Arcs beyond 2^53 are shown as '?'. */
export function decodeOid(v: Uint8Array): string | undefined {
  if (v.length === 0 || v.length > 256) return undefined;
  // Certificates name the same few dozen OIDs again and again: the known ones come from a table.
  const known = v.length <= 2 * OID_KEY_BYTES ? KNOWN_OIDS.get(oidKey(v, 0))?.get(oidKey(v, OID_KEY_BYTES)) : undefined;
  return known ?? oidText(v);
}

/** Content octets per half of a table key: with the length, an exact integer below 2^53. */
const OID_KEY_BYTES = 6;

/** A number for the (at most 6) content octets from `from`, with the whole OID's length. */
function oidKey(v: Uint8Array, from: number): number {
  let key = v.length;
  const to = Math.min(v.length, from + OID_KEY_BYTES);
  for (let i = from; i < to; i++) key = key * 256 + v[i]!;
  return key;
}

/** Content octets of a dotted OID (X.690 §8.19), for the table. */
function encodeOid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const out: number[] = [];
  const push = (n: number) => {
    const groups = [n & 0x7f];
    for (let x = Math.floor(n / 128); x > 0; x = Math.floor(x / 128)) groups.unshift((x & 0x7f) | 0x80);
    out.push(...groups);
  };
  push(arcs[0]! * 40 + arcs[1]!);
  for (const a of arcs.slice(2)) push(a);
  return Uint8Array.from(out);
}

/** Every OID the tables of oids.ts name, by content octets (built once, at load). */
const KNOWN_OIDS: ReadonlyMap<number, ReadonlyMap<number, string>> = (() => {
  const table = new Map<number, Map<number, string>>();
  const lists = [RFC4514_SHORT_NAMES, ATTRIBUTE_LABELS, EKU_NAMES, EXTENSION_NAMES, SIGNATURE_ALGORITHMS, HASH_OIDS, CURVE_NAMES, PUBLIC_KEY_ALGORITHMS];
  for (const dotted of [...lists.flatMap((l) => Object.keys(l)), ...Object.values(OID)]) {
    const v = encodeOid(dotted);
    if (v.length > 2 * OID_KEY_BYTES || oidText(v) !== dotted) continue;
    const k = oidKey(v, 0);
    const inner = table.get(k) ?? new Map<number, string>();
    inner.set(oidKey(v, OID_KEY_BYTES), dotted);
    table.set(k, inner);
  }
  return table;
})();

function oidText(v: Uint8Array): string | undefined {
  const arcs: string[] = [];
  let acc = 0;
  let started = false;
  for (let i = 0; i < v.length; i++) {
    const b = v[i]!;
    if (!started && b === 0x80) return undefined; // non-minimal arc (X.690 §8.19.2)
    started = true;
    acc = acc * 128 + (b & 0x7f);
    if (acc > Number.MAX_SAFE_INTEGER) return undefined;
    if ((b & 0x80) === 0) {
      if (arcs.length === 0) {
        if (acc < 40) arcs.push('0', String(acc));
        else if (acc < 80) arcs.push('1', String(acc - 40));
        else arcs.push('2', String(acc - 80));
      } else arcs.push(String(acc));
      acc = 0;
      started = false;
    }
  }
  if (started) return undefined; // last arc unterminated
  return arcs.join('.');
}

export function readOid(t: Tlv | undefined, what: string): string {
  const o = decodeOid(expectTag(t, TAG.OID, what).value);
  if (o === undefined) throw new ReaderMissing(`${what}: bad OBJECT IDENTIFIER`);
  return o;
}

/** Small non-negative INTEGER (pathLenConstraint and similar). */
export function readSmallInt(t: Tlv | undefined, what: string): number {
  const v = expectTag(t, TAG.INTEGER, what).value;
  if (v.length === 0 || v.length > 6 || (v[0]! & 0x80) !== 0) throw new ReaderMissing(`${what}: not a small positive integer`);
  let n = 0;
  for (const b of v) n = n * 256 + b;
  return n;
}

/** Bit length of an unsigned big-endian magnitude (an RSA modulus). */
export function bitLength(v: Uint8Array): number {
  let i = 0;
  while (i < v.length && v[i] === 0) i++;
  if (i === v.length) return 0;
  return (v.length - i - 1) * 8 + (32 - Math.clz32(v[i]!));
}

/** Named bits of a BIT STRING (X.690 §8.6): bit 0 is the most significant bit of the first content octet. */
export function bitStringBits(t: Tlv | undefined, what: string): { bits: number[]; bytes: Uint8Array } {
  const v = expectTag(t, TAG.BIT_STRING, what).value;
  if (v.length === 0 || v[0]! > 7) throw new ReaderMissing(`${what}: bad BIT STRING`);
  const unused = v[0]!;
  const bytes = v.subarray(1);
  const bits: number[] = [];
  const total = bytes.length * 8 - unused;
  for (let i = 0; i < total && i < 64; i++) if ((bytes[i >> 3]! >> (7 - (i & 7))) & 1) bits.push(i);
  return { bits, bytes };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/**
 * Decodes a directory string the way Python cryptography does (so RFC 4514 strings match the
 * corpus truth): BMPString as UTF-16BE, UniversalString as UTF-32BE, everything else as UTF-8.
 * Bytes that are not valid UTF-8 (a T61String in Latin-1) fall back to Latin-1 and say so.
 */
export function decodeString(tag: number, v: Uint8Array): { text: string; lossy: boolean } {
  if (tag === TAG.BMPString) {
    if (v.length % 2 !== 0) return { text: latin1.decode(v), lossy: true };
    let s = '';
    for (let i = 0; i < v.length; i += 2) s += String.fromCharCode((v[i]! << 8) | v[i + 1]!);
    return { text: s, lossy: false };
  }
  if (tag === TAG.UniversalString) {
    if (v.length % 4 !== 0) return { text: latin1.decode(v), lossy: true };
    let s = '';
    for (let i = 0; i < v.length; i += 4) {
      const cp = u32be(v, i);
      s += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
    }
    return { text: s, lossy: false };
  }
  if (v.length <= 64 && isAscii(v)) {
    // ASCII is its own UTF-8: a short value is made in JavaScript, cheaper than a call into the decoder.
    return { text: String.fromCharCode.apply(null, v as unknown as number[]), lossy: false };
  }
  try {
    return { text: utf8.decode(v), lossy: false };
  } catch {
    return { text: latin1.decode(v), lossy: true };
  }
}

function isAscii(v: Uint8Array): boolean {
  for (let i = 0; i < v.length; i++) if (v[i]! >= 0x80) return false;
  return true;
}

/**
 * UTCTime / GeneralizedTime (RFC 5280 §4.1.2.5). UTCTime years 50–99 are 19xx, 00–49 are 20xx
 * (§4.1.2.5.1). RFC 5280 requires the Z form with seconds; older certificates omit seconds or use
 * an offset, so those are accepted too rather than losing the certificate's dates.
 */
export function decodeTime(t: Tlv | undefined, what: string): Date {
  if (!t || (t.tag !== TAG.UTCTime && t.tag !== TAG.GeneralizedTime)) throw new ReaderMissing(`${what}: not a time`);
  const utc = t.tag === TAG.UTCTime;
  const v = t.value;
  // The form RFC 5280 requires (YYMMDDHHMMSSZ, or YYYYMMDDHHMMSSZ), read without a string or a match.
  const y = utc ? 2 : 4;
  if (v.length === y + 11 && v[y + 10] === 0x5a) {
    const year = digitsAt(v, 0, y);
    const month = digitsAt(v, y, 2);
    const day = digitsAt(v, y + 2, 2);
    const hour = digitsAt(v, y + 4, 2);
    const minute = digitsAt(v, y + 6, 2);
    const second = digitsAt(v, y + 8, 2);
    if (year >= 0 && month >= 0 && day >= 0 && hour >= 0 && minute >= 0 && second >= 0) {
      return timeOf(utc ? year + (year >= 50 ? 1900 : 2000) : year, month, day, hour, minute, second, 0, 0, what);
    }
  }
  const s = latin1.decode(v);
  const m = utc
    ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?()(Z|[+-]\d{4})$/.exec(s)
    : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:[.,](\d{1,9}))?(Z|[+-]\d{4})?$/.exec(s);
  if (!m) throw new ReaderMissing(`${what}: bad time string`);
  let year = Number(m[1]);
  if (utc) year += year >= 50 ? 1900 : 2000;
  const ms = Math.floor(Number(`0.${m[7] || '0'}`) * 1000);
  const zone = m[8] ?? 'Z';
  let offset = 0;
  if (zone !== 'Z') offset = (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5)));
  return timeOf(year, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? '0'), ms, offset, what);
}

/** The decimal number in v[at, at + n), or -1 if any of those bytes is not an ASCII digit. */
function digitsAt(v: Uint8Array, at: number, n: number): number {
  let x = 0;
  for (let i = at; i < at + n; i++) {
    const d = v[i]! - 0x30;
    if (d < 0 || d > 9) return -1;
    x = x * 10 + d;
  }
  return x;
}

/** The instant of a decoded time (offset in minutes east of UTC), with RFC 5280's ranges checked. */
function timeOf(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number, offset: number, what: string): Date {
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    throw new ReaderMissing(`${what}: time out of range`);
  }
  const d = new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset * 60_000);
  if (Number.isNaN(d.getTime())) throw new ReaderMissing(`${what}: time out of range`);
  return d;
}

export function hex(v: Uint8Array): string {
  return toHex(v);
}

