/**
 * Best-effort text for a DER DistinguishedName (RFC 5280 §4.1.2.4) as carried in
 * CertificateRequest.certificate_authorities (RFC 5246 §7.4.4) and the certificate_authorities
 * extension (RFC 8446 §4.2.4). The x509 stage owns real name handling; this exists so the tls
 * stage can show something without depending on it. Never throws; undefined when unreadable.
 */

const ATTRIBUTE_NAMES = new Map<string, string>([
  ['2.5.4.3', 'CN'],
  ['2.5.4.4', 'SN'],
  ['2.5.4.5', 'serialNumber'],
  ['2.5.4.6', 'C'],
  ['2.5.4.7', 'L'],
  ['2.5.4.8', 'ST'],
  ['2.5.4.9', 'street'],
  ['2.5.4.10', 'O'],
  ['2.5.4.11', 'OU'],
  ['2.5.4.12', 'title'],
  ['2.5.4.42', 'GN'],
  ['2.5.4.97', 'organizationIdentifier'],
  ['0.9.2342.19200300.100.1.1', 'UID'],
  ['0.9.2342.19200300.100.1.25', 'DC'],
  ['1.2.840.113549.1.9.1', 'emailAddress'],
]);

interface Tlv {
  tag: number;
  start: number;
  end: number;
}

/** One DER TLV at `pos` bounded by `limit`; undefined if it does not fit (definite lengths only). */
function tlv(buf: Uint8Array, pos: number, limit: number): Tlv | undefined {
  if (pos + 2 > limit) return undefined;
  const tag = buf[pos]!;
  let len = buf[pos + 1]!;
  let p = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    // X.690 §8.1.3.5: 0x80 is indefinite (not DER); more than 4 length bytes cannot fit anyway.
    if (n === 0 || n > 4 || p + n > limit) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i]!;
    p += n;
  }
  if (len > limit - p) return undefined;
  return { tag, start: p, end: p + len };
}

function oidString(buf: Uint8Array, start: number, end: number): string | undefined {
  if (start >= end) return undefined;
  const parts: number[] = [];
  let v = 0;
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    v = v * 128 + (b & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER / 256) return undefined;
    if (!(b & 0x80)) {
      if (parts.length === 0) {
        const first = v < 80 ? Math.floor(v / 40) : 2;
        parts.push(first, v - first * 40);
      } else parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

function stringValue(tag: number, bytes: Uint8Array): string | undefined {
  switch (tag) {
    case 0x0c: // UTF8String
      return new TextDecoder('utf-8').decode(bytes);
    case 0x13: // PrintableString
    case 0x16: // IA5String
    case 0x14: // TeletexString: treated as Latin-1, as OpenSSL does for display
    case 0x1a: // VisibleString
      return String.fromCharCode(...bytes.subarray(0, 1024));
    case 0x1e: {
      // BMPString: UTF-16BE
      let s = '';
      for (let i = 0; i + 1 < bytes.length && i < 2048; i += 2) s += String.fromCharCode((bytes[i]! << 8) | bytes[i + 1]!);
      return s;
    }
    default:
      return undefined;
  }
}

/** RFC 4514 §2.4 escaping of an attribute value. */
function escapeValue(s: string): string {
  let out = s.replace(/[,+"\\<>;=]/g, (c) => `\\${c}`);
  if (out.startsWith('#') || out.startsWith(' ')) out = `\\${out}`;
  if (out.endsWith(' ') && out.length > 0) out = `${out.slice(0, -1)}\\ `;
  // Then control characters as \xNN, for display safety (this adds no RFC 4514 specials).
  // eslint-disable-next-line no-control-regex
  return out.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function hexOf(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** RFC 4514 string (RDNs last-to-first), or undefined when the DER is not a readable Name. */
export function distinguishedNameText(der: Uint8Array): string | undefined {
  const outer = tlv(der, 0, der.length);
  if (!outer || outer.tag !== 0x30 || outer.end !== der.length) return undefined;
  const rdns: string[] = [];
  let p = outer.start;
  while (p < outer.end) {
    const set = tlv(der, p, outer.end);
    if (!set || set.tag !== 0x31) return undefined;
    const atvs: string[] = [];
    let q = set.start;
    while (q < set.end) {
      const seq = tlv(der, q, set.end);
      if (!seq || seq.tag !== 0x30) return undefined;
      const oid = tlv(der, seq.start, seq.end);
      if (!oid || oid.tag !== 0x06) return undefined;
      const val = tlv(der, oid.end, seq.end);
      if (!val) return undefined;
      const oidText = oidString(der, oid.start, oid.end);
      if (oidText === undefined) return undefined;
      const name = ATTRIBUTE_NAMES.get(oidText) ?? oidText;
      const raw = der.subarray(val.start, val.end);
      const text = stringValue(val.tag, raw);
      // RFC 4514 §2.4: values of unknown type are written as # and the hex of their BER encoding.
      atvs.push(`${name}=${text === undefined ? `#${hexOf(der.subarray(oid.end, val.end))}` : escapeValue(text)}`);
      q = seq.end;
    }
    rdns.push(atvs.join('+'));
    p = set.end;
  }
  return rdns.reverse().join(',');
}
