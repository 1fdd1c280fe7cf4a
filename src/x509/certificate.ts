/**
 * DER → CertInfo (RFC 5280 §4.1). Never throws: every failure becomes a CertInfo with `error` set
 * that still carries the bytes and fingerprints, so a session can say "the peer sent something
 * that is not a certificate" and still match it by hash.
 *
 * Three layers, cheapest first: a size cap and an iterative depth/element pre-scan (hostile input
 * is refused before anything recursive sees it); our bounded DER walker, which reads every field
 * byte-exact (serial content octets, Name DER) and caps every list; and pkijs, behind its
 * boundary, as the RFC 5280 schema check.
 */
import { createHash } from 'node:crypto';
import { ByteReader, bytesEqual, copyBytes, toHex } from '../bytes/index.js';
import { TAG, type Tlv, bitLength, childrenOf, decodeOid, decodeTime, expectTag, readerOf, readOid, readTlv, ReaderMissing, walk } from './der.js';
import { hasUnsafeText } from './display.js';
import {
  NO_EKU,
  decodeAia,
  decodeAki,
  decodeBasicConstraints,
  decodeCrlDp,
  decodeEku,
  decodeKeyUsage,
  decodeNetscapeCertType,
  decodeSan,
  decodeSki,
} from './extensions.js';
import { decodeName } from './names.js';
import { CURVE_BITS, CURVE_NAMES, EXTENSION_NAMES, OID, PUBLIC_KEY_ALGORITHMS, SIGNATURE_ALGORITHMS } from './oids.js';
import { PKIJS_MAX_NODES, checkWithPkijs } from './pkijs-boundary.js';
import { isPlainCertificate } from './plain.js';
import type { CertInfo, DistinguishedName, ExtendedKeyUsage, ExtensionSummary, PublicKeyInfo, SignatureAlgorithm } from './types.js';

/**
 * A TLS Certificate entry can be up to 2^24-1 bytes; real ones are a few KiB and the largest
 * multi-SAN certificates a few hundred KiB. Past this we keep the hash and decode nothing.
 */
export const MAX_CERT_BYTES = 4 * 1024 * 1024;
/** Deepest constructed nesting a certificate needs is about 10 (a directoryName in a SAN); refuse hostile towers early. */
export const MAX_DER_DEPTH = 32;
export const MAX_DER_ELEMENTS = 400_000;
/** Real certificates carry about ten extensions. */
export const MAX_EXTENSIONS = 100;

/**
 * Bounded pre-scan of the constructed structure (no recursion: an explicit stack), so input nested
 * 10,000 deep is refused with a clear reason before any library sees it.
 */
function prescan(der: Uint8Array): string | undefined {
  const stack: { r: ByteReader; depth: number }[] = [{ r: new ByteReader(der), depth: 0 }];
  let elements = 0;
  const res = walk(() => {
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.r.atEnd) {
        stack.pop();
        continue;
      }
      const t = readTlv(top.r);
      if (++elements > MAX_DER_ELEMENTS) return `more than ${MAX_DER_ELEMENTS} ASN.1 elements; not decoded`;
      if (t.constructed && t.value.length > 0) {
        if (top.depth + 1 > MAX_DER_DEPTH) return `ASN.1 nested deeper than ${MAX_DER_DEPTH} levels; not decoded`;
        stack.push({ r: readerOf(t), depth: top.depth + 1 });
      }
    }
    return undefined;
  }, 'certificate');
  return res.ok ? res.value : undefined; // structural errors are reported by the full decode
}

/**
 * CertInfo.sha1, computed the first time it is read (nothing on the hot path reads it) and then kept
 * as a plain value. Defined on the finished object: a getter written in the object literal would
 * put every CertInfo in V8's slow dictionary mode (larger, and slower to read).
 */
const LAZY_SHA1: PropertyDescriptor = Object.freeze({
  enumerable: true,
  configurable: true,
  get(this: { readonly der: Uint8Array }): string {
    const sha1 = createHash('sha1').update(this.der).digest('hex');
    Object.defineProperty(this, 'sha1', { value: sha1, enumerable: true, writable: false, configurable: false });
    return sha1;
  },
});

function withLazySha1<T extends { readonly der: Uint8Array }>(cert: T): T & { readonly sha1: string } {
  return Object.defineProperty(cert, 'sha1', LAZY_SHA1) as T & { readonly sha1: string };
}

function failed(der: Uint8Array, error: string, warnings: string[], sha256: string): CertInfo {
  return withLazySha1({ der, sha256, error, warnings });
}

/** Serial without leading 00 pad bytes (OpenSSL prints the integer's value). */
export function serialForDisplay(serialHex: string): string {
  let s = serialHex;
  while (s.length > 2 && s.startsWith('00')) s = s.slice(2);
  return s;
}

function algorithm(t: Tlv | undefined, what: string): { oid: string; parameters?: Uint8Array } {
  const parts = childrenOf(expectTag(t, TAG.SEQUENCE, what), 2).items;
  const oid = readOid(parts[0], `${what} algorithm`);
  const p = parts[1];
  return p && p.tag !== TAG.NULL ? { oid, parameters: p.raw } : { oid };
}

/** SubjectPublicKeyInfo (§4.1.2.7): algorithm, size and curve. */
function publicKeyInfo(t: Tlv | undefined, warnings: string[]): PublicKeyInfo {
  const spki = expectTag(t, TAG.SEQUENCE, 'subjectPublicKeyInfo');
  const [algTlv, keyTlv] = childrenOf(spki, 2).items;
  const alg = algorithm(algTlv, 'subjectPublicKeyInfo');
  const key = expectTag(keyTlv, TAG.BIT_STRING, 'subjectPublicKey').value.subarray(1);
  const base = { algorithmOid: alg.oid, algorithmName: PUBLIC_KEY_ALGORITHMS[alg.oid] ?? alg.oid, spki: spki.raw };
  const sizes = walk(() => {
    if (alg.oid === OID.rsaEncryption || alg.oid === OID.rsassaPss) {
      // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 §A.1.1)
      const r = new ByteReader(key);
      const n = childrenOf(expectTag(readTlv(r), TAG.SEQUENCE, 'RSAPublicKey'), 2).items[0];
      return { type: alg.oid === OID.rsaEncryption ? 'rsa' : 'rsa-pss', bits: bitLength(expectTag(n, TAG.INTEGER, 'modulus').value) };
    }
    if (alg.oid === OID.ecPublicKey) {
      // ECParameters: namedCurve OID (RFC 5480 §2.1.1); explicit parameters are not named.
      const r = alg.parameters ? new ByteReader(alg.parameters) : undefined;
      const p = r ? readTlv(r) : undefined;
      const curveOid = p?.tag === TAG.OID ? decodeOid(p.value) : undefined;
      const curve = curveOid ? (CURVE_NAMES[curveOid] ?? curveOid) : 'explicit parameters';
      const bits = CURVE_BITS[curve];
      return bits !== undefined ? { type: 'ec', curve, bits } : { type: 'ec', curve };
    }
    if (alg.oid === OID.ed25519) return { type: 'ed25519', bits: 256 };
    if (alg.oid === OID.ed448) return { type: 'ed448', bits: 456 };
    if (alg.oid === OID.dsa && alg.parameters) {
      const p = childrenOf(expectTag(readTlv(new ByteReader(alg.parameters)), TAG.SEQUENCE, 'Dss-Parms'), 1).items[0];
      return { type: 'dsa', bits: bitLength(expectTag(p, TAG.INTEGER, 'p').value) };
    }
    return { type: 'unknown' };
  }, 'public key');
  if (!sizes.ok) {
    warnings.push(sizes.error.message);
    return { ...base, type: 'unknown' };
  }
  return { ...base, ...sizes.value };
}

interface TbsParts {
  tbs: Tlv;
  signature: Uint8Array;
  outerAlg: { oid: string; parameters?: Uint8Array };
  innerAlgRaw: Uint8Array;
  outerAlgRaw: Uint8Array;
  version: number;
  serial: Uint8Array;
  issuer: Tlv;
  subject: Tlv;
  spki: Tlv;
  notBefore: Date;
  notAfter: Date;
  extensions: { oid: string; critical: boolean; value: Uint8Array }[];
  extensionsTotal: number;
}

/** Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue } (§4.1.1). */
function splitCertificate(der: Uint8Array): TbsParts {
  const r = new ByteReader(der);
  const cert = expectTag(readTlv(r), TAG.SEQUENCE, 'Certificate');
  if (!r.atEnd) throw new ReaderMissing(`${r.remaining} bytes after the certificate`);
  const [tbs, outerAlgTlv, sigTlv] = childrenOf(cert, 4).items;
  const tbsSeq = expectTag(tbs, TAG.SEQUENCE, 'tbsCertificate');
  const outerAlg = algorithm(outerAlgTlv, 'signatureAlgorithm');
  const sigBits = expectTag(sigTlv, TAG.BIT_STRING, 'signatureValue').value;
  const f = childrenOf(tbsSeq, 12).items;
  let i = 0;
  let version = 0;
  if (f[0]?.tag === 0xa0) {
    // [0] EXPLICIT Version DEFAULT v1 (§4.1.2.1)
    const v = childrenOf(f[0], 1).items[0];
    const n = expectTag(v, TAG.INTEGER, 'version').value;
    version = n.length === 1 ? n[0]! : -1;
    if (version < 0 || version > 2) throw new ReaderMissing('version is not v1, v2 or v3');
    i = 1;
  }
  const serial = expectTag(f[i], TAG.INTEGER, 'serialNumber').value;
  const innerAlg = expectTag(f[i + 1], TAG.SEQUENCE, 'signature');
  const issuer = expectTag(f[i + 2], TAG.SEQUENCE, 'issuer');
  const validity = childrenOf(expectTag(f[i + 3], TAG.SEQUENCE, 'validity'), 2).items;
  const subject = expectTag(f[i + 4], TAG.SEQUENCE, 'subject');
  const spki = expectTag(f[i + 5], TAG.SEQUENCE, 'subjectPublicKeyInfo');
  if (serial.length === 0) throw new ReaderMissing('serialNumber is empty');
  // §4.1.2.9: extensions are [3] EXPLICIT, after the optional unique identifiers [1] and [2].
  const extensions: { oid: string; critical: boolean; value: Uint8Array }[] = [];
  let extensionsTotal = 0;
  const extField = f.slice(i + 6).find((t) => t.tag === 0xa3);
  if (extField) {
    const list = childrenOf(expectTag(childrenOf(extField, 1).items[0], TAG.SEQUENCE, 'extensions'), MAX_EXTENSIONS);
    extensionsTotal = list.total;
    for (const e of list.items) {
      const parts = childrenOf(expectTag(e, TAG.SEQUENCE, 'Extension'), 3).items;
      const extOid = readOid(parts[0], 'extnID');
      let j = 1;
      let critical = false;
      if (parts[1]?.tag === TAG.BOOLEAN) {
        critical = parts[1].value.length === 1 && parts[1].value[0] !== 0;
        j = 2;
      }
      extensions.push({ oid: extOid, critical, value: expectTag(parts[j], TAG.OCTET_STRING, 'extnValue').value });
    }
  }
  return {
    tbs: tbsSeq,
    signature: sigBits.subarray(1),
    outerAlg,
    innerAlgRaw: innerAlg.raw,
    outerAlgRaw: outerAlgTlv!.raw,
    version,
    serial,
    issuer,
    subject,
    spki,
    notBefore: decodeTime(validity[0], 'notBefore'),
    notAfter: decodeTime(validity[1], 'notAfter'),
    extensions,
    extensionsTotal,
  };
}

function nameWarnings(what: string, n: DistinguishedName, warnings: string[]): void {
  if (n.attributes.some((a) => hasUnsafeText(a.value))) {
    warnings.push(`${what} contains control or bidirectional-override characters; escape it before display`);
  }
}

export interface ParseOptions {
  /**
   * 'auto' (the default): pkijs's schema check only for a certificate the fast check (plain.ts)
   * does not pass; 'always': for every certificate (what the tests compare the fast path with).
   */
  readonly schemaCheck?: 'auto' | 'always';
  /** The SHA-256 fingerprint of these bytes when the caller has it already (CertPool.addDer): not computed again. */
  readonly sha256?: string;
}

/**
 * Decodes the extensions the rules read (EKU, key usage, basic constraints, names, key ids, CRL and AIA
 * pointers) and summarises every one; `result` holds the decoded ones under their CertInfo keys.
 */
function decodeExtensions(extensions: TbsParts['extensions'], warnings: string[]): { result: Record<string, unknown>; summaries: ExtensionSummary[]; eku: ExtendedKeyUsage } {
  const result: Record<string, unknown> = {};
  const summaries: ExtensionSummary[] = [];
  const seen = new Set<string>();
  let eku = NO_EKU;
  for (const ext of extensions) {
    const name = EXTENSION_NAMES[ext.oid];
    // §4.2: a certificate MUST NOT include more than one instance of an extension. The first wins.
    if (seen.has(ext.oid)) {
      warnings.push(`extension ${name ?? ext.oid} appears more than once (RFC 5280 §4.2); the later copy is ignored`);
      summaries.push({ oid: ext.oid, ...(name ? { name } : {}), critical: ext.critical, length: ext.value.length, error: 'duplicate' });
      continue;
    }
    seen.add(ext.oid);
    let error: string | undefined;
    const take = <T>(key: string, r: { ok: true; value: T } | { ok: false; error: { message: string } }): void => {
      if (r.ok) result[key] = r.value;
      else error = r.error.message;
    };
    switch (ext.oid) {
      case OID.extKeyUsage: {
        const r = decodeEku(ext.value, ext.critical, warnings);
        if (r.ok) eku = r.value;
        else {
          // An EKU that cannot be read permits nothing: OpenSSL marks such a certificate invalid.
          error = r.error.message;
          eku = { ...NO_EKU, present: true, critical: ext.critical };
        }
        break;
      }
      case OID.keyUsage:
        take('keyUsage', decodeKeyUsage(ext.value, ext.critical));
        break;
      case OID.basicConstraints:
        take('basicConstraints', decodeBasicConstraints(ext.value, ext.critical));
        break;
      case OID.subjectAltName:
        take('san', decodeSan(ext.value, ext.critical, warnings));
        break;
      case OID.subjectKeyIdentifier:
        take('subjectKeyId', decodeSki(ext.value));
        break;
      case OID.authorityKeyIdentifier:
        take('authorityKeyId', decodeAki(ext.value));
        break;
      case OID.netscapeCertType:
        take('netscapeCertType', decodeNetscapeCertType(ext.value, ext.critical));
        break;
      case OID.crlDistributionPoints:
        take('crlDistributionPoints', decodeCrlDp(ext.value));
        break;
      case OID.authorityInfoAccess:
        take('authorityInfoAccess', decodeAia(ext.value));
        break;
    }
    if (error) warnings.push(`extension ${name ?? ext.oid} could not be decoded: ${error}`);
    summaries.push({ oid: ext.oid, ...(name ? { name } : {}), critical: ext.critical, length: ext.value.length, ...(error ? { error } : {}) });
  }
  return { result, summaries, eku };
}

/** Decodes one certificate. Never throws. The input is copied; the result does not alias it. */
export function parseCertificate(input: Uint8Array, options: ParseOptions = {}): CertInfo {
  const der = copyBytes(input);
  const sha256 = options.sha256 ?? createHash('sha256').update(der).digest('hex');
  const warnings: string[] = [];
  if (der.length > MAX_CERT_BYTES) {
    warnings.push(`certificate of ${der.length} bytes exceeds the ${MAX_CERT_BYTES}-byte decode limit`);
    return failed(der, `too large to decode (${der.length} bytes)`, warnings, sha256);
  }
  // A plain certificate (plain.ts) is within the pre-scan's limits and passes pkijs's schema check
  // by construction, at a hundredth of the cost.
  const plain = options.schemaCheck !== 'always' && isPlainCertificate(der, 2 * PKIJS_MAX_NODES);
  const limit = plain ? undefined : prescan(der);
  if (limit) {
    warnings.push(limit);
    return failed(der, limit, warnings, sha256);
  }
  const parts = walk(() => splitCertificate(der), 'certificate');
  if (!parts.ok) return failed(der, parts.error.message, warnings, sha256);
  const p = parts.value;
  // The schema check: a 'limit' (asn1js node budget) means it was skipped, not that it failed.
  const schema = plain ? undefined : checkWithPkijs(der);
  if (schema && !schema.ok) {
    if (schema.error.kind !== 'limit') return failed(der, schema.error.message, warnings, sha256);
    warnings.push(`${schema.error.message}; decoded by the bounded walker only, without the full schema check`);
  } else if (
    schema &&
    (schema.value.version !== p.version ||
      schema.value.notBefore.getTime() !== p.notBefore.getTime() ||
      schema.value.notAfter.getTime() !== p.notAfter.getTime())
  ) {
    warnings.push('the schema checker reads the version or validity differently; the DER walker was used');
  }
  if (p.extensionsTotal > p.extensions.length) {
    warnings.push(`${p.extensionsTotal} extensions; only the first ${p.extensions.length} were decoded`);
  }
  const decoded = walk(() => {
    const subject = decodeName(p.subject, 'subject', warnings);
    const issuer = decodeName(p.issuer, 'issuer', warnings);
    return { subject, issuer, publicKey: publicKeyInfo(p.spki, warnings) };
  }, 'certificate');
  if (!decoded.ok) return failed(der, decoded.error.message, warnings, sha256);
  const { subject, issuer, publicKey } = decoded.value;
  nameWarnings('subject', subject, warnings);
  nameWarnings('issuer', issuer, warnings);

  const serial = toHex(p.serial);
  // §4.1.2.2: serials are positive and at most 20 octets; real CAs have broken both rules.
  if ((p.serial[0]! & 0x80) !== 0) warnings.push('serial number is negative (RFC 5280 §4.1.2.2 requires a positive integer)');
  if (p.serial.length > 20) warnings.push(`serial number is ${p.serial.length} octets (RFC 5280 §4.1.2.2 allows 20)`);
  // §4.1.1.2: the inner and outer signature algorithm must be identical.
  if (!bytesEqual(p.innerAlgRaw, p.outerAlgRaw)) warnings.push('tbsCertificate.signature differs from signatureAlgorithm (RFC 5280 §4.1.1.2)');

  const sigInfo = SIGNATURE_ALGORITHMS[p.outerAlg.oid];
  const signatureAlgorithm: SignatureAlgorithm = {
    oid: p.outerAlg.oid,
    name: sigInfo?.name ?? p.outerAlg.oid,
    ...(p.outerAlg.parameters ? { parameters: p.outerAlg.parameters } : {}),
  };

  const { result, summaries, eku } = decodeExtensions(p.extensions, warnings);

  return withLazySha1({
    der,
    sha256,
    warnings,
    version: p.version + 1,
    serial,
    serialDisplay: serialForDisplay(serial),
    subject,
    issuer,
    validity: {
      notBefore: p.notBefore,
      notAfter: p.notAfter,
      notBeforeIso: p.notBefore.toISOString(),
      notAfterIso: p.notAfter.toISOString(),
    },
    publicKey,
    signatureAlgorithm,
    extensions: summaries,
    eku,
    ...result,
    isSelfIssued: bytesEqual(subject.der, issuer.der),
    tbs: p.tbs.raw,
    signature: p.signature,
  }) as CertInfo;
}
