/**
 * Extension value decoders (RFC 5280 §4.2). Each runs inside `walk`, so one malformed extension
 * is reported on that extension and the rest of the certificate is kept. Lists are capped
 * (a hostile certificate can carry 100,000 SANs): the cap and the true count go into warnings.
 */
import { type Result, toHex } from '../bytes/index.js';
import {
  TAG,
  type Tlv,
  bitStringBits,
  childrenOf,
  decodeString,
  expectTag,
  parseOne,
  readOid,
  readSmallInt,
  ReaderMissing,
  walk,
} from './der.js';
import { decodeName } from './names.js';
import { EKU_NAMES, KEY_USAGE_BITS, NETSCAPE_CERT_TYPE_BITS, OID } from './oids.js';
import type {
  AuthorityKeyIdentifier,
  BasicConstraints,
  ExtendedKeyUsage,
  KeyUsage,
  NetscapeCertType,
  SubjectAltName,
} from './types.js';

export const MAX_SAN_ENTRIES = 1000;
export const MAX_EKU_ENTRIES = 64;
export const MAX_URI_ENTRIES = 32;

function top(value: Uint8Array, what: string): Tlv {
  const t = parseOne(value, what);
  if (!t.ok) throw new ReaderMissing(t.error.message);
  return t.value;
}

/** §4.2.1.12: SEQUENCE SIZE (1..MAX) OF KeyPurposeId. */
export function decodeEku(value: Uint8Array, critical: boolean, warnings: string[]): Result<ExtendedKeyUsage> {
  return walk(() => {
    const seq = expectTag(top(value, 'extKeyUsage'), TAG.SEQUENCE, 'extKeyUsage');
    const { items, total } = childrenOf(seq, MAX_EKU_ENTRIES);
    if (total > items.length) warnings.push(`extKeyUsage lists ${total} purposes; only the first ${items.length} were decoded`);
    const oids = items.map((t) => readOid(t, 'KeyPurposeId'));
    return {
      present: true,
      critical,
      oids,
      names: oids.map((o) => EKU_NAMES[o] ?? o),
      serverAuth: oids.includes(OID.serverAuth),
      clientAuth: oids.includes(OID.clientAuth),
      anyExtendedKeyUsage: oids.includes(OID.anyExtendedKeyUsage),
    };
  }, 'extKeyUsage');
}

export const NO_EKU: ExtendedKeyUsage = {
  present: false,
  critical: false,
  oids: [],
  names: [],
  serverAuth: false,
  clientAuth: false,
  anyExtendedKeyUsage: false,
};

/** §4.2.1.3: KeyUsage ::= BIT STRING. */
export function decodeKeyUsage(value: Uint8Array, critical: boolean): Result<KeyUsage> {
  return walk(() => {
    const { bits } = bitStringBits(top(value, 'keyUsage'), 'keyUsage');
    return { critical, usages: bits.filter((b) => b < KEY_USAGE_BITS.length).map((b) => KEY_USAGE_BITS[b]!) };
  }, 'keyUsage');
}

/** Netscape cert type: a BIT STRING like KeyUsage; OpenSSL still honours it (rule E7). */
export function decodeNetscapeCertType(value: Uint8Array, critical: boolean): Result<NetscapeCertType> {
  return walk(() => {
    const { bits } = bitStringBits(top(value, 'netscapeCertType'), 'netscapeCertType');
    return { critical, types: bits.filter((b) => b < NETSCAPE_CERT_TYPE_BITS.length).map((b) => NETSCAPE_CERT_TYPE_BITS[b]!) };
  }, 'netscapeCertType');
}

/** §4.2.1.9: SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL }. */
export function decodeBasicConstraints(value: Uint8Array, critical: boolean): Result<BasicConstraints> {
  return walk(() => {
    const seq = expectTag(top(value, 'basicConstraints'), TAG.SEQUENCE, 'basicConstraints');
    const items = childrenOf(seq, 2).items;
    let i = 0;
    let cA = false;
    if (items[i]?.tag === TAG.BOOLEAN) {
      cA = items[i]!.value.length === 1 && items[i]!.value[0] !== 0;
      i++;
    }
    const bc: BasicConstraints = items[i] ? { critical, cA, pathLen: readSmallInt(items[i], 'pathLenConstraint') } : { critical, cA };
    return bc;
  }, 'basicConstraints');
}

/** Text of an IA5String-like GeneralName, kept as the bytes say (it may be hostile: display escapes it). */
function ia5(v: Uint8Array): string {
  return decodeString(TAG.IA5String, v).text;
}

function ipText(v: Uint8Array): string {
  if (v.length === 4) return Array.from(v).join('.');
  if (v.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((v[i]! << 8) | v[i + 1]!).toString(16));
    // RFC 5952 §4.2: compress the longest run of zero groups.
    let best = -1;
    let bestLen = 0;
    for (let i = 0; i < 8; ) {
      if (groups[i] !== '0') {
        i++;
        continue;
      }
      let j = i;
      while (j < 8 && groups[j] === '0') j++;
      if (j - i > bestLen && j - i > 1) {
        best = i;
        bestLen = j - i;
      }
      i = j;
    }
    if (best < 0) return groups.join(':');
    return groups.slice(0, best).join(':') + '::' + groups.slice(best + bestLen).join(':');
  }
  return '#' + toHex(v);
}

/** §4.2.1.6: GeneralNames, capped at MAX_SAN_ENTRIES decoded entries. */
export function decodeSan(value: Uint8Array, critical: boolean, warnings: string[]): Result<SubjectAltName> {
  return walk(() => {
    const seq = expectTag(top(value, 'subjectAltName'), TAG.SEQUENCE, 'subjectAltName');
    const { items, total } = childrenOf(seq, MAX_SAN_ENTRIES);
    const dns: string[] = [];
    const ip: string[] = [];
    const uri: string[] = [];
    const email: string[] = [];
    const other: { type: string; value: string }[] = [];
    for (const gn of items) {
      switch (gn.tag) {
        case 0x82:
          dns.push(ia5(gn.value));
          break;
        case 0x87:
          ip.push(ipText(gn.value));
          break;
        case 0x86:
          uri.push(ia5(gn.value));
          break;
        case 0x81:
          email.push(ia5(gn.value));
          break;
        case 0xa0: {
          // otherName: [0] { type-id OID, [0] EXPLICIT value }; Microsoft UPN is the common one.
          const parts = childrenOf(gn, 2).items;
          const typeId = readOid(parts[0], 'otherName type');
          let text = parts[1] ? toHex(parts[1].value) : '';
          const inner = parts[1] ? childrenOf(parts[1], 1).items[0] : undefined;
          if (inner && inner.tag !== TAG.SEQUENCE && inner.tag !== TAG.OCTET_STRING) text = decodeString(inner.tag, inner.value).text;
          other.push({ type: `otherName:${typeId}`, value: text });
          break;
        }
        case 0xa4: {
          const w: string[] = [];
          const n = decodeName(childrenOf(gn, 1).items[0], 'directoryName', w);
          other.push({ type: 'dirName', value: n.rfc4514 });
          break;
        }
        case 0x88:
          other.push({ type: 'registeredID', value: readOid({ ...gn, tag: TAG.OID }, 'registeredID') });
          break;
        default:
          other.push({ type: `tag0x${gn.tag.toString(16)}`, value: toHex(gn.value.subarray(0, 64)) });
      }
    }
    const truncated = total > items.length;
    if (truncated) warnings.push(`subjectAltName has ${total} names; only the first ${items.length} were decoded`);
    return { critical, dns, ip, uri, email, other, total, truncated };
  }, 'subjectAltName');
}

/** §4.2.1.2: SubjectKeyIdentifier ::= OCTET STRING. */
export function decodeSki(value: Uint8Array): Result<string> {
  return walk(() => toHex(expectTag(top(value, 'subjectKeyIdentifier'), TAG.OCTET_STRING, 'subjectKeyIdentifier').value), 'subjectKeyIdentifier');
}

/** §4.2.1.1: SEQUENCE { [0] keyIdentifier, [1] authorityCertIssuer, [2] authorityCertSerialNumber }. */
export function decodeAki(value: Uint8Array): Result<AuthorityKeyIdentifier> {
  return walk(() => {
    const seq = expectTag(top(value, 'authorityKeyIdentifier'), TAG.SEQUENCE, 'authorityKeyIdentifier');
    let keyIdentifier: string | undefined;
    let issuerSerial: string | undefined;
    for (const c of childrenOf(seq, 3).items) {
      if (c.tag === 0x80) keyIdentifier = toHex(c.value);
      if (c.tag === 0x82) issuerSerial = toHex(c.value);
    }
    const aki: AuthorityKeyIdentifier = {
      ...(keyIdentifier !== undefined ? { keyIdentifier } : {}),
      ...(issuerSerial !== undefined ? { issuerSerial } : {}),
    };
    return aki;
  }, 'authorityKeyIdentifier');
}

/** URIs of GeneralNames inside a DistributionPointName / AccessDescription. */
function urisIn(t: Tlv, out: string[], depth: number): void {
  if (out.length >= MAX_URI_ENTRIES || depth > 6) return;
  if (t.tag === 0x86) {
    out.push(ia5(t.value));
    return;
  }
  if (t.constructed) for (const c of childrenOf(t, MAX_URI_ENTRIES).items) urisIn(c, out, depth + 1);
}

/** §4.2.1.13: the URIs of each DistributionPoint's fullName. */
export function decodeCrlDp(value: Uint8Array): Result<string[]> {
  return walk(() => {
    const out: string[] = [];
    urisIn(expectTag(top(value, 'crlDistributionPoints'), TAG.SEQUENCE, 'crlDistributionPoints'), out, 0);
    return out;
  }, 'crlDistributionPoints');
}

/** §4.2.2.1: AuthorityInfoAccessSyntax; OCSP (id-ad 48.1) and caIssuers (48.2) URIs. */
export function decodeAia(value: Uint8Array): Result<{ ocsp: string[]; caIssuers: string[] }> {
  return walk(() => {
    const seq = expectTag(top(value, 'authorityInfoAccess'), TAG.SEQUENCE, 'authorityInfoAccess');
    const ocsp: string[] = [];
    const caIssuers: string[] = [];
    for (const ad of childrenOf(seq, MAX_URI_ENTRIES).items) {
      const [m, loc] = childrenOf(expectTag(ad, TAG.SEQUENCE, 'AccessDescription'), 2).items;
      const method = readOid(m, 'accessMethod');
      if (loc?.tag !== 0x86) continue;
      if (method === '1.3.6.1.5.5.7.48.1') ocsp.push(ia5(loc.value));
      else if (method === '1.3.6.1.5.5.7.48.2') caIssuers.push(ia5(loc.value));
    }
    return { ocsp, caIssuers };
  }, 'authorityInfoAccess');
}
