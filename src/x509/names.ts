/**
 * Name (RFC 5280 §4.1.2.4) → attribute list and RFC 4514 string. The string follows Python
 * cryptography's `Name.rfc4514_string()` to the character, because the corpus truth files were made
 * with it: RDNs most specific first (reverse of encoding, RFC 4514 §2.1), attributes inside a
 * multi-valued RDN joined with '+' in encoded order, nine short names, other types dotted.
 */
import { ByteReader, toHex } from '../bytes/index.js';
import { type Tlv, TAG, childrenOf, decodeString, expectTag, readOid, readTlv, ReaderMissing, walk } from './der.js';
import { RFC4514_SHORT_NAMES } from './oids.js';
import type { DistinguishedName, NameAttribute } from './types.js';

/** A Name with more attributes than this is hostile; the rest are dropped with a warning. */
export const MAX_NAME_ATTRIBUTES = 256;

/** A character escapeRfc4514Value escapes wherever it is. */
const NEEDS_ESCAPE = /[\\"+,;<>\0]/;

/**
 * RFC 4514 §2.4 escaping as cryptography does it: backslash, '"', '+', ',', ';', '<', '>' escaped,
 * NUL as \00, a leading '#' or space and a trailing space escaped. Other control characters are
 * left as they are (the string is data); display code escapes them for the terminal.
 */
export function escapeRfc4514Value(val: string): string {
  if (val === '') return '';
  // Most values need nothing: one scan, and the value itself comes back (no new string).
  let s = NEEDS_ESCAPE.test(val) ? val.replace(/[\\"+,;<>]/g, (c) => '\\' + c).replace(/\0/g, '\\00') : val;
  // Same order as cryptography's _escape_dn_value, so even a value of one space matches it.
  if (s[0] === '#' || s[0] === ' ') s = '\\' + s;
  if (s.endsWith(' ')) s = s.slice(0, -1) + '\\ ';
  return s;
}

function attributeString(a: NameAttribute, bitStringHex?: string): string {
  const name = a.shortName ?? a.oid;
  // cryptography keeps a BIT STRING value (x500UniqueIdentifier) as bytes and prints '#' + hex.
  if (bitStringHex !== undefined) return `${name}=#${bitStringHex}`;
  return `${name}=${escapeRfc4514Value(a.value)}`;
}

/** Decodes a Name. Throws ReaderError/ReaderMissing: call inside `walk`. */
export function decodeName(t: Tlv | undefined, what: string, warnings: string[]): DistinguishedName {
  const seq = expectTag(t, TAG.SEQUENCE, what);
  const rdnTlvs = childrenOf(seq, MAX_NAME_ATTRIBUTES);
  const rdns: NameAttribute[][] = [];
  const attributes: NameAttribute[] = [];
  const rdnStrings: string[] = [];
  let count = 0;
  let lossy = false;
  let truncated = rdnTlvs.total > rdnTlvs.items.length;
  for (const rdnTlv of rdnTlvs.items) {
    const set = expectTag(rdnTlv, TAG.SET, `${what} RDN`);
    const atvs = childrenOf(set, MAX_NAME_ATTRIBUTES);
    if (atvs.items.length === 0) throw new ReaderMissing(`${what}: empty RDN`);
    const rdn: NameAttribute[] = [];
    let text = '';
    for (const atvTlv of atvs.items) {
      if (count >= MAX_NAME_ATTRIBUTES) {
        truncated = true;
        break;
      }
      const atv = childrenOf(expectTag(atvTlv, TAG.SEQUENCE, `${what} attribute`), 3).items;
      const oid = readOid(atv[0], `${what} attribute type`);
      const v = atv[1];
      if (!v) throw new ReaderMissing(`${what}: attribute without a value`);
      let value: string;
      let bitHex: string | undefined;
      if (v.tag === TAG.BIT_STRING) {
        bitHex = toHex(v.value);
        value = '#' + bitHex;
      } else {
        const d = decodeString(v.tag, v.value);
        if (d.lossy) lossy = true;
        value = d.text;
      }
      const shortName = RFC4514_SHORT_NAMES[oid];
      const attr: NameAttribute = shortName ? { oid, shortName, value, valueTag: v.tag } : { oid, value, valueTag: v.tag };
      rdn.push(attr);
      attributes.push(attr);
      // A multi-valued RDN's attributes joined with '+', in encoded order.
      text += (rdn.length > 1 ? '+' : '') + attributeString(attr, bitHex);
      count++;
    }
    rdns.push(rdn);
    rdnStrings.push(text);
    if (truncated) break;
  }
  if (lossy) warnings.push(`${what} has a value that is not valid UTF-8; shown as Latin-1`);
  if (truncated) warnings.push(`${what} has more than ${MAX_NAME_ATTRIBUTES} attributes; the rest were not decoded`);
  return {
    rfc4514: rdnStrings.reverse().join(','),
    rdns,
    attributes,
    der: seq.raw,
  };
}

/**
 * Decodes a standalone Name DER (a CertificateRequest certificate_authorities entry) without
 * throwing.
 */
export function parseName(der: Uint8Array): { name?: DistinguishedName; error?: string; warnings: string[] } {
  const warnings: string[] = [];
  const res = walk(() => {
    const r = new ByteReader(der);
    const name = decodeName(readTlv(r), 'Name', warnings);
    if (!r.atEnd) throw new ReaderMissing('trailing bytes after the Name');
    return name;
  }, 'Name');
  return res.ok ? { name: res.value, warnings } : { error: res.error.message, warnings };
}

/** Value of the first attribute with this OID, most specific (last encoded) first — e.g. the CN. */
export function nameValue(name: DistinguishedName | undefined, oid: string): string | undefined {
  if (!name) return undefined;
  for (let i = name.attributes.length - 1; i >= 0; i--) if (name.attributes[i]!.oid === oid) return name.attributes[i]!.value;
  return undefined;
}
