import type { KeyUsageName, NetscapeCertTypeName } from './oids.js';

/** One AttributeTypeAndValue of a Name (RFC 5280 §4.1.2.4). */
export interface NameAttribute {
  readonly oid: string;
  /** CN, O, … for the nine names Python cryptography knows; undefined otherwise. */
  readonly shortName?: string;
  /** Decoded text. May contain control or bidi characters: escape before printing (see display.ts). */
  readonly value: string;
  /** ASN.1 tag of the value (0x0c UTF8String, 0x13 PrintableString, …). */
  readonly valueTag: number;
}

export interface DistinguishedName {
  /** RFC 4514 string exactly as Python cryptography's `Name.rfc4514_string()` prints it. */
  readonly rfc4514: string;
  /** RDNs in encoded order (least specific first), each a set of one or more attributes. */
  readonly rdns: readonly (readonly NameAttribute[])[];
  /** All attributes flattened, in encoded order. */
  readonly attributes: readonly NameAttribute[];
  /** The Name's DER (view into CertInfo.der), for byte-wise matching against CertificateRequest CA names. */
  readonly der: Uint8Array;
}

export interface Validity {
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly notBeforeIso: string;
  readonly notAfterIso: string;
}

export interface PublicKeyInfo {
  /** 'rsa' | 'ec' | 'ed25519' | 'ed448' | 'dsa' | 'rsa-pss' | 'unknown' */
  readonly type: string;
  readonly algorithmOid: string;
  readonly algorithmName: string;
  /** RSA modulus bits, EC curve size, 255/448 for EdDSA. */
  readonly bits?: number;
  /** EC named curve (OpenSSL spelling), or its OID when unknown. */
  readonly curve?: string;
  /** SubjectPublicKeyInfo DER (view into CertInfo.der), for signature verification. */
  readonly spki: Uint8Array;
}

export interface SignatureAlgorithm {
  readonly oid: string;
  readonly name: string;
  /** AlgorithmIdentifier parameters DER (view), needed for RSASSA-PSS. */
  readonly parameters?: Uint8Array;
}

export interface ExtensionSummary {
  readonly oid: string;
  readonly name?: string;
  readonly critical: boolean;
  readonly length: number;
  /** Set when this extension's value could not be decoded; the rest of the certificate stands. */
  readonly error?: string;
}

export interface ExtendedKeyUsage {
  /** False: no EKU extension at all, i.e. no purpose restriction (rule E1). */
  readonly present: boolean;
  /** Recorded but irrelevant to OpenSSL's verdict (E4). */
  readonly critical: boolean;
  readonly oids: readonly string[];
  /** OpenSSL-style names, dotted OID for unknown purposes. */
  readonly names: readonly string[];
  readonly serverAuth: boolean;
  readonly clientAuth: boolean;
  /** 2.5.29.37.0 listed (E3). */
  readonly anyExtendedKeyUsage: boolean;
}

export interface KeyUsage {
  readonly critical: boolean;
  readonly usages: readonly KeyUsageName[];
}

export interface BasicConstraints {
  readonly critical: boolean;
  readonly cA: boolean;
  readonly pathLen?: number;
}

export interface SubjectAltName {
  readonly critical: boolean;
  readonly dns: readonly string[];
  readonly ip: readonly string[];
  readonly uri: readonly string[];
  readonly email: readonly string[];
  /** otherName, directoryName, registeredID, … as `type:value` text. */
  readonly other: readonly { readonly type: string; readonly value: string }[];
  /** Number of GeneralNames in the extension, including any past the decode cap. */
  readonly total: number;
  readonly truncated: boolean;
}

export interface AuthorityKeyIdentifier {
  readonly keyIdentifier?: string;
  readonly issuerSerial?: string;
}

export interface NetscapeCertType {
  readonly critical: boolean;
  readonly types: readonly NetscapeCertTypeName[];
}

/**
 * Everything the explainer needs from one certificate. Produced by `parseCertificate`, which never
 * throws: when the DER cannot be decoded, `error` is set and only `der`, `sha256`, `sha1`,
 * `warnings` (and `source`) are present.
 */
export interface CertInfo {
  /** Own copy of the DER; every Uint8Array field below is a view into it. */
  readonly der: Uint8Array;
  /** Lower-case hex SHA-256 of the DER, the de-duplication key. */
  readonly sha256: string;
  readonly sha1: string;
  /** Where it came from when loaded from a file: file name and 0-based index in that file. */
  source?: { readonly name: string; readonly index: number };
  readonly error?: string;
  /** Limits hit and oddities seen (caps, non-UTF-8 names, negative serial…); plain words. */
  readonly warnings: readonly string[];

  /** 1, 2 or 3 (the encoded value + 1). */
  readonly version?: number;
  /** Lower-case hex of the serialNumber INTEGER content octets as encoded (leading 00 kept). */
  readonly serial?: string;
  /** `serial` without the leading 00 pad byte(s), as OpenSSL and the Cisco documents print it. */
  readonly serialDisplay?: string;
  readonly subject?: DistinguishedName;
  readonly issuer?: DistinguishedName;
  readonly validity?: Validity;
  readonly publicKey?: PublicKeyInfo;
  readonly signatureAlgorithm?: SignatureAlgorithm;
  readonly extensions?: readonly ExtensionSummary[];
  /** Always set on a decoded certificate; `present: false` when the extension is absent. */
  readonly eku?: ExtendedKeyUsage;
  readonly keyUsage?: KeyUsage;
  readonly basicConstraints?: BasicConstraints;
  readonly san?: SubjectAltName;
  /** SKI, lower-case hex. */
  readonly subjectKeyId?: string;
  readonly authorityKeyId?: AuthorityKeyIdentifier;
  readonly netscapeCertType?: NetscapeCertType;
  readonly crlDistributionPoints?: readonly string[];
  readonly authorityInfoAccess?: { readonly ocsp: readonly string[]; readonly caIssuers: readonly string[] };
  /** Subject Name DER equals issuer Name DER (RFC 5280 §3.2 "self-issued"). */
  readonly isSelfIssued?: boolean;
  /** TBSCertificate DER and signature value (views), for chain signature checks. */
  readonly tbs?: Uint8Array;
  readonly signature?: Uint8Array;
}
