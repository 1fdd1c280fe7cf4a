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
  /** Offset of the element inside the buffer it was read from. */
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
  const value = r.bytes(len!, 'ASN.1 value');
  return new Element(tag, value, r.buf, start, r.offset);
}

/** A Tlv whose whole-element view is made only when asked for (most elements are read by value only). */
class Element implements Tlv {
  constructor(
    readonly tag: number,
    readonly value: Uint8Array,
    private readonly buf: Uint8Array,
    readonly offset: number,
    private readonly end: number,
  ) {}
  get constructed(): boolean {
    return (this.tag & 0x20) !== 0;
  }
  get raw(): Uint8Array {
    return this.buf.subarray(this.offset, this.end);
  }
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
  const r = new ByteReader(t.value);
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
  try {
    return { text: utf8.decode(v), lossy: false };
  } catch {
    return { text: latin1.decode(v), lossy: true };
  }
}

/**
 * UTCTime / GeneralizedTime (RFC 5280 §4.1.2.5). UTCTime years 50–99 are 19xx, 00–49 are 20xx
 * (§4.1.2.5.1). RFC 5280 requires the Z form with seconds; older certificates omit seconds or use
 * an offset, so those are accepted too rather than losing the certificate's dates.
 */
export function decodeTime(t: Tlv | undefined, what: string): Date {
  if (!t || (t.tag !== TAG.UTCTime && t.tag !== TAG.GeneralizedTime)) throw new ReaderMissing(`${what}: not a time`);
  const s = latin1.decode(t.value);
  const utc = t.tag === TAG.UTCTime;
  const m = utc
    ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?()(Z|[+-]\d{4})$/.exec(s)
    : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:[.,](\d{1,9}))?(Z|[+-]\d{4})?$/.exec(s);
  if (!m) throw new ReaderMissing(`${what}: bad time string`);
  let year = Number(m[1]);
  if (utc) year += year >= 50 ? 1900 : 2000;
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6] ?? '0');
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    throw new ReaderMissing(`${what}: time out of range`);
  }
  const ms = Math.floor(Number(`0.${m[7] || '0'}`) * 1000);
  const zone = m[8] ?? 'Z';
  let offset = 0;
  if (zone !== 'Z') offset = (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5)));
  const d = new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset * 60_000);
  if (Number.isNaN(d.getTime())) throw new ReaderMissing(`${what}: time out of range`);
  return d;
}

export function hex(v: Uint8Array): string {
  return toHex(v);
}

