/**
 * The fast schema check: is this certificate laid out exactly as RFC 5280 §4.1 says, in plain DER,
 * with nothing in it that the ASN.1 library could read otherwise than the bounded walker does?
 *
 * pkijs's schema check (pkijs-boundary.ts) costs about 0.7 ms a certificate, most of a busy
 * capture's run; a certificate that passes this check would pass that one and give the same
 * version and validity (test/x509/plain.test.ts checks it on every certificate of captures/ and
 * test/corpus/, on the hostile constructions of the x509 tests, and on random mutations). Every
 * other certificate (anything unusual: BER forms, unknown universal types, odd times, extra or
 * missing fields) still goes through pkijs, so hostile input is refused or flagged as before.
 *
 * No allocation: one reusable header record and offsets into the input.
 */

/** One element's header: its identifier octet and where its content octets lie. */
interface Head {
  tag: number;
  start: number;
  end: number;
}

/** Reads the element at `pos` (before `limit`) into `h`; minimal definite lengths only (X.690 §10.1). */
function head(b: Uint8Array, pos: number, limit: number, h: Head): boolean {
  if (limit - pos < 2) return false;
  const tag = b[pos]!;
  if ((tag & 0x1f) === 0x1f) return false;
  let len = b[pos + 1]!;
  let p = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3 || limit - p < n || b[p] === 0) return false;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p++]!;
    if (len < 0x80) return false;
  }
  if (limit - p < len) return false;
  h.tag = tag;
  h.start = p;
  h.end = p + len;
  return true;
}

const DIGIT0 = 0x30;
const DIGIT9 = 0x39;

function digits(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i]! < DIGIT0 || b[i]! > DIGIT9) return false;
  return true;
}

/** A primitive universal element whose content asn1js reads the same way as the walker. */
function plainPrimitive(b: Uint8Array, h: Head): boolean {
  const len = h.end - h.start;
  switch (h.tag) {
    case 0x01: // BOOLEAN
      return len === 1;
    case 0x02: // INTEGER
      return len >= 1;
    case 0x03: // BIT STRING: the unused-bits octet is 0–7
      return len >= 1 && b[h.start]! <= 7;
    case 0x04: // OCTET STRING
      return true;
    case 0x05: // NULL
      return len === 0;
    case 0x06: // OBJECT IDENTIFIER: minimal arcs, the last one terminated (X.690 §8.19)
      if (len === 0 || (b[h.end - 1]! & 0x80) !== 0) return false;
      for (let i = h.start; i < h.end; i++) if (b[i] === 0x80 && (i === h.start || (b[i - 1]! & 0x80) === 0)) return false;
      return true;
    case 0x0c: // UTF8String, PrintableString, T61String, IA5String, VisibleString
    case 0x13:
    case 0x14:
    case 0x16:
    case 0x1a:
      return true;
    case 0x1e: // BMPString
      return len % 2 === 0;
    case 0x1c: // UniversalString
      return len % 4 === 0;
    case 0x17: // UTCTime YYMMDDHHMMSSZ (RFC 5280 §4.1.2.5.1)
      return len === 13 && digits(b, h.start, h.start + 12) && b[h.start + 12] === 0x5a;
    case 0x18: // GeneralizedTime YYYYMMDDHHMMSSZ (§4.1.2.5.2)
      return len === 15 && digits(b, h.start, h.start + 14) && b[h.start + 14] === 0x5a;
    default:
      return false;
  }
}

/** Below the pre-scan's MAX_DER_DEPTH, as maxBytes / 2 elements are below its MAX_DER_ELEMENTS: a plain certificate needs no pre-scan. */
const MAX_PLAIN_DEPTH = 16;

/** Every element inside [start, end) is plain, and they fill it exactly. */
function plainElements(b: Uint8Array, start: number, end: number, depth: number, h: Head): boolean {
  if (depth > MAX_PLAIN_DEPTH) return false;
  let pos = start;
  while (pos < end) {
    if (!head(b, pos, end, h)) return false;
    const { tag, start: s, end: e } = h;
    if (tag & 0x20) {
      // Constructed: universal SEQUENCE and SET only (a constructed string is BER), any tagged type.
      if ((tag & 0xc0) === 0 && tag !== 0x30 && tag !== 0x31) return false;
      if (!plainElements(b, s, e, depth + 1, h)) return false;
    } else if ((tag & 0xc0) === 0 && !plainPrimitive(b, h)) return false;
    pos = e;
  }
  return pos === end;
}

/**
 * A reader of one constructed element's children in order: `next(tag)` takes the next child if it
 * has that tag and returns its content range in `h`.
 */
class Children {
  private pos: number;
  readonly h: Head = { tag: 0, start: 0, end: 0 };
  constructor(
    private readonly b: Uint8Array,
    start: number,
    private readonly end: number,
  ) {
    this.pos = start;
  }
  get done(): boolean {
    return this.pos >= this.end;
  }
  peek(): number {
    return this.pos < this.end ? this.b[this.pos]! : -1;
  }
  next(tag: number): boolean {
    if (!head(this.b, this.pos, this.end, this.h) || this.h.tag !== tag) return false;
    this.pos = this.h.end;
    return true;
  }
  /** Takes the next child, whatever its tag. */
  any(): boolean {
    if (!head(this.b, this.pos, this.end, this.h)) return false;
    this.pos = this.h.end;
    return true;
  }
  /** A reader of the next child's children, if it has that tag. */
  sub(tag: number): Children | undefined {
    return this.next(tag) ? new Children(this.b, this.h.start, this.h.end) : undefined;
  }
}

/** AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL } (§4.1.1.2). */
function algorithmIdentifier(c: Children): boolean {
  const a = c.sub(0x30);
  if (!a || !a.next(0x06)) return false;
  if (!a.done && !a.any()) return false;
  return a.done;
}

/** Name ::= SEQUENCE OF SET SIZE (1..MAX) OF SEQUENCE { type OID, value ANY } (§4.1.2.4). */
function name(c: Children): boolean {
  const n = c.sub(0x30);
  if (!n) return false;
  while (!n.done) {
    const rdn = n.sub(0x31);
    if (!rdn || rdn.done) return false;
    while (!rdn.done) {
      const atv = rdn.sub(0x30);
      if (!atv || !atv.next(0x06) || !atv.any() || !atv.done) return false;
    }
  }
  return true;
}

function time(c: Children): boolean {
  return c.peek() === 0x17 ? c.next(0x17) : c.next(0x18);
}

/** Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING } (§4.1.2.9). */
function extensions(c: Children): boolean {
  const wrapper = c.sub(0xa3);
  const list = wrapper?.sub(0x30);
  if (!wrapper || !list || !wrapper.done || list.done) return false;
  while (!list.done) {
    const e = list.sub(0x30);
    if (!e || !e.next(0x06)) return false;
    if (e.peek() === 0x01 && !e.next(0x01)) return false;
    if (!e.next(0x04) || !e.done) return false;
  }
  return true;
}

/** TBSCertificate, field by field and in order (§4.1.2), nothing before, between or after. */
function tbsCertificate(t: Children): boolean {
  if (t.peek() === 0xa0) {
    const v = t.sub(0xa0);
    if (!v || !v.next(0x02) || !v.done) return false;
  }
  if (!t.next(0x02) || !algorithmIdentifier(t) || !name(t)) return false;
  const validity = t.sub(0x30);
  if (!validity || !time(validity) || !time(validity) || !validity.done) return false;
  if (!name(t)) return false;
  const spki = t.sub(0x30);
  if (!spki || !algorithmIdentifier(spki) || !spki.next(0x03) || !spki.done) return false;
  if (t.peek() === 0x81 && !t.next(0x81)) return false;
  if (t.peek() === 0x82 && !t.next(0x82)) return false;
  if (t.peek() === 0xa3 && !extensions(t)) return false;
  return t.done;
}

/**
 * True when the certificate is plain in the sense above. `maxBytes` keeps the ASN.1 library's node
 * budget out of reach (each element takes at least two bytes), so "skipped at the library's limit"
 * cannot happen to a certificate this check passes.
 */
export function isPlainCertificate(der: Uint8Array, maxBytes: number): boolean {
  if (der.length > maxBytes) return false;
  const h: Head = { tag: 0, start: 0, end: 0 };
  if (!head(der, 0, der.length, h) || h.tag !== 0x30 || h.end !== der.length) return false;
  if (!plainElements(der, 0, der.length, 0, h)) return false;
  const top = new Children(der, 2 + lengthOctets(der), der.length);
  const tbs = top.sub(0x30);
  if (!tbs || !tbsCertificate(tbs)) return false;
  return algorithmIdentifier(top) && top.next(0x03) && top.done;
}

function lengthOctets(der: Uint8Array): number {
  const l = der[1]!;
  return l & 0x80 ? l & 0x7f : 0;
}
