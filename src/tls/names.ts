/**
 * Code → name tables for display. Codes stay numbers in the model; a name is looked up only when
 * something is shown, and an unknown code prints as `unknown(0x1a)` so it is never silently lost.
 * Sources: the IANA "TLS Parameters" registry, RFC 5246 §7.4 / §A.5, RFC 8446 §4.2 / §B.3,
 * RFC 8422 §5.1.1, RFC 6066 §3.
 */

export function unknownName(code: number, width = 2): string {
  return `unknown(0x${code.toString(16).padStart(width, '0')})`;
}

function lookup(table: ReadonlyMap<number, string>, code: number, width = 2): string {
  return table.get(code) ?? unknownName(code, width);
}

/** RFC 5246 §6.2.1 ContentType; 24 is heartbeat (RFC 6520). */
export const ContentType = {
  ChangeCipherSpec: 20,
  Alert: 21,
  Handshake: 22,
  ApplicationData: 23,
  Heartbeat: 24,
} as const;

const CONTENT_TYPES = new Map<number, string>([
  [20, 'change_cipher_spec'],
  [21, 'alert'],
  [22, 'handshake'],
  [23, 'application_data'],
  [24, 'heartbeat'],
]);
export const contentTypeName = (c: number): string => lookup(CONTENT_TYPES, c);

/** RFC 5246 §7.4 and RFC 8446 §4 HandshakeType. */
export const HandshakeType = {
  HelloRequest: 0,
  ClientHello: 1,
  ServerHello: 2,
  HelloVerifyRequest: 3,
  NewSessionTicket: 4,
  EndOfEarlyData: 5,
  EncryptedExtensions: 8,
  Certificate: 11,
  ServerKeyExchange: 12,
  CertificateRequest: 13,
  ServerHelloDone: 14,
  CertificateVerify: 15,
  ClientKeyExchange: 16,
  Finished: 20,
  CertificateUrl: 21,
  CertificateStatus: 22,
  SupplementalData: 23,
  KeyUpdate: 24,
  CompressedCertificate: 25,
  MessageHash: 254,
} as const;

const HANDSHAKE_TYPES = new Map<number, string>([
  [0, 'HelloRequest'],
  [1, 'ClientHello'],
  [2, 'ServerHello'],
  [3, 'HelloVerifyRequest'],
  [4, 'NewSessionTicket'],
  [5, 'EndOfEarlyData'],
  [8, 'EncryptedExtensions'],
  [11, 'Certificate'],
  [12, 'ServerKeyExchange'],
  [13, 'CertificateRequest'],
  [14, 'ServerHelloDone'],
  [15, 'CertificateVerify'],
  [16, 'ClientKeyExchange'],
  [20, 'Finished'],
  [21, 'CertificateURL'],
  [22, 'CertificateStatus'],
  [23, 'SupplementalData'],
  [24, 'KeyUpdate'],
  [25, 'CompressedCertificate'],
  [254, 'MessageHash'],
]);
export const handshakeTypeName = (t: number): string => lookup(HANDSHAKE_TYPES, t);
export const isKnownHandshakeType = (t: number): boolean => HANDSHAKE_TYPES.has(t);

const VERSIONS = new Map<number, string>([
  [0x0002, 'SSL 2.0'],
  [0x0300, 'SSL 3.0'],
  [0x0301, 'TLS 1.0'],
  [0x0302, 'TLS 1.1'],
  [0x0303, 'TLS 1.2'],
  [0x0304, 'TLS 1.3'],
  [0xfeff, 'DTLS 1.0'],
  [0xfefd, 'DTLS 1.2'],
  [0xfefc, 'DTLS 1.3'],
]);
/** GREASE values (RFC 8701 §2) are 0x?A?A with both bytes equal. */
export function isGrease(v: number): boolean {
  return (v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff);
}
export function versionName(v: number): string {
  if (isGrease(v)) return `GREASE(0x${v.toString(16).padStart(4, '0')})`;
  // Drafts of TLS 1.3 advertised 0x7fXX (draft-ietf-tls-tls13-XX).
  if (v >> 8 === 0x7f) return `TLS 1.3 draft ${v & 0xff}`;
  return lookup(VERSIONS, v, 4);
}

/** RFC 5246 §7.2, RFC 8446 §6, and T4 of the domain rules. */
const ALERT_DESCRIPTIONS = new Map<number, string>([
  [0, 'close_notify'],
  [10, 'unexpected_message'],
  [20, 'bad_record_mac'],
  [21, 'decryption_failed'],
  [22, 'record_overflow'],
  [30, 'decompression_failure'],
  [40, 'handshake_failure'],
  [41, 'no_certificate'],
  [42, 'bad_certificate'],
  [43, 'unsupported_certificate'],
  [44, 'certificate_revoked'],
  [45, 'certificate_expired'],
  [46, 'certificate_unknown'],
  [47, 'illegal_parameter'],
  [48, 'unknown_ca'],
  [49, 'access_denied'],
  [50, 'decode_error'],
  [51, 'decrypt_error'],
  [60, 'export_restriction'],
  [70, 'protocol_version'],
  [71, 'insufficient_security'],
  [80, 'internal_error'],
  [86, 'inappropriate_fallback'],
  [90, 'user_canceled'],
  [100, 'no_renegotiation'],
  [109, 'missing_extension'],
  [110, 'unsupported_extension'],
  [111, 'certificate_unobtainable'],
  [112, 'unrecognized_name'],
  [113, 'bad_certificate_status_response'],
  [114, 'bad_certificate_hash_value'],
  [115, 'unknown_psk_identity'],
  [116, 'certificate_required'],
  [120, 'no_application_protocol'],
]);
export const alertDescriptionName = (d: number): string => lookup(ALERT_DESCRIPTIONS, d);
export function alertLevelName(l: number): string {
  return l === 1 ? 'warning' : l === 2 ? 'fatal' : unknownName(l);
}

/** RFC 5246 §7.4.4 ClientCertificateType, RFC 8422 §5.5 (rule T2). */
const CERTIFICATE_TYPES = new Map<number, string>([
  [1, 'rsa_sign'],
  [2, 'dss_sign'],
  [3, 'rsa_fixed_dh'],
  [4, 'dss_fixed_dh'],
  [5, 'rsa_ephemeral_dh'],
  [6, 'dss_ephemeral_dh'],
  [20, 'fortezza_dms'],
  [64, 'ecdsa_sign'],
  [65, 'rsa_fixed_ecdh'],
  [66, 'ecdsa_fixed_ecdh'],
  [67, 'gost_sign256'],
  [68, 'gost_sign512'],
]);
export const certificateTypeName = (t: number): string => lookup(CERTIFICATE_TYPES, t);

/** RFC 8446 §4.2.3 SignatureScheme, plus the TLS 1.2 (hash, signature) pairs of RFC 5246 §7.4.1.4.1. */
const SIGNATURE_SCHEMES = new Map<number, string>([
  [0x0201, 'rsa_pkcs1_sha1'],
  [0x0202, 'dsa_sha1'],
  [0x0203, 'ecdsa_sha1'],
  [0x0301, 'rsa_pkcs1_sha224'],
  [0x0302, 'dsa_sha224'],
  [0x0303, 'ecdsa_sha224'],
  [0x0401, 'rsa_pkcs1_sha256'],
  [0x0402, 'dsa_sha256'],
  [0x0403, 'ecdsa_secp256r1_sha256'],
  [0x0420, 'rsa_pkcs1_sha256_legacy'],
  [0x0501, 'rsa_pkcs1_sha384'],
  [0x0502, 'dsa_sha384'],
  [0x0503, 'ecdsa_secp384r1_sha384'],
  [0x0520, 'rsa_pkcs1_sha384_legacy'],
  [0x0601, 'rsa_pkcs1_sha512'],
  [0x0602, 'dsa_sha512'],
  [0x0603, 'ecdsa_secp521r1_sha512'],
  [0x0620, 'rsa_pkcs1_sha512_legacy'],
  [0x0704, 'eccsi_sha256'],
  [0x0804, 'rsa_pss_rsae_sha256'],
  [0x0805, 'rsa_pss_rsae_sha384'],
  [0x0806, 'rsa_pss_rsae_sha512'],
  [0x0807, 'ed25519'],
  [0x0808, 'ed448'],
  [0x0809, 'rsa_pss_pss_sha256'],
  [0x080a, 'rsa_pss_pss_sha384'],
  [0x080b, 'rsa_pss_pss_sha512'],
  [0x081a, 'ecdsa_brainpoolP256r1tls13_sha256'],
  [0x081b, 'ecdsa_brainpoolP384r1tls13_sha384'],
  [0x081c, 'ecdsa_brainpoolP512r1tls13_sha512'],
  [0x0904, 'mldsa44'],
  [0x0905, 'mldsa65'],
  [0x0906, 'mldsa87'],
]);
export function signatureSchemeName(s: number): string {
  if (isGrease(s)) return `GREASE(0x${s.toString(16).padStart(4, '0')})`;
  return lookup(SIGNATURE_SCHEMES, s, 4);
}

/** IANA ExtensionType values (RFC 6066, 7301, 8446 §4.2, 7627, 5746, 5077, ...). */
export const ExtensionType = {
  ServerName: 0,
  StatusRequest: 5,
  SupportedGroups: 10,
  EcPointFormats: 11,
  SignatureAlgorithms: 13,
  Alpn: 16,
  EncryptThenMac: 22,
  ExtendedMasterSecret: 23,
  SessionTicket: 35,
  PreSharedKey: 41,
  EarlyData: 42,
  SupportedVersions: 43,
  Cookie: 44,
  PskKeyExchangeModes: 45,
  CertificateAuthorities: 47,
  PostHandshakeAuth: 49,
  SignatureAlgorithmsCert: 50,
  KeyShare: 51,
  RenegotiationInfo: 0xff01,
} as const;

const EXTENSION_TYPES = new Map<number, string>([
  [0, 'server_name'],
  [1, 'max_fragment_length'],
  [2, 'client_certificate_url'],
  [3, 'trusted_ca_keys'],
  [4, 'truncated_hmac'],
  [5, 'status_request'],
  [6, 'user_mapping'],
  [7, 'client_authz'],
  [8, 'server_authz'],
  [9, 'cert_type'],
  [10, 'supported_groups'],
  [11, 'ec_point_formats'],
  [12, 'srp'],
  [13, 'signature_algorithms'],
  [14, 'use_srtp'],
  [15, 'heartbeat'],
  [16, 'application_layer_protocol_negotiation'],
  [17, 'status_request_v2'],
  [18, 'signed_certificate_timestamp'],
  [19, 'client_certificate_type'],
  [20, 'server_certificate_type'],
  [21, 'padding'],
  [22, 'encrypt_then_mac'],
  [23, 'extended_master_secret'],
  [24, 'token_binding'],
  [27, 'compress_certificate'],
  [28, 'record_size_limit'],
  [34, 'delegated_credentials'],
  [35, 'session_ticket'],
  [41, 'pre_shared_key'],
  [42, 'early_data'],
  [43, 'supported_versions'],
  [44, 'cookie'],
  [45, 'psk_key_exchange_modes'],
  [47, 'certificate_authorities'],
  [48, 'oid_filters'],
  [49, 'post_handshake_auth'],
  [50, 'signature_algorithms_cert'],
  [51, 'key_share'],
  [57, 'quic_transport_parameters'],
  [0x4469, 'application_settings'],
  [0x44cd, 'application_settings'],
  [0xfe0d, 'encrypted_client_hello'],
  [0xff01, 'renegotiation_info'],
]);
export function extensionTypeName(t: number): string {
  if (isGrease(t)) return `GREASE(0x${t.toString(16).padStart(4, '0')})`;
  return lookup(EXTENSION_TYPES, t, 4);
}

/** RFC 8446 §4.2.7 NamedGroup, RFC 8422 §5.1.1, RFC 7919. */
const NAMED_GROUPS = new Map<number, string>([
  [1, 'sect163k1'],
  [19, 'secp192r1'],
  [21, 'secp224r1'],
  [22, 'secp256k1'],
  [23, 'secp256r1'],
  [24, 'secp384r1'],
  [25, 'secp521r1'],
  [26, 'brainpoolP256r1'],
  [27, 'brainpoolP384r1'],
  [28, 'brainpoolP512r1'],
  [29, 'x25519'],
  [30, 'x448'],
  [256, 'ffdhe2048'],
  [257, 'ffdhe3072'],
  [258, 'ffdhe4096'],
  [259, 'ffdhe6144'],
  [260, 'ffdhe8192'],
  [0x0200, 'MLKEM512'],
  [0x0201, 'MLKEM768'],
  [0x0202, 'MLKEM1024'],
  [0x11eb, 'SecP256r1MLKEM768'],
  [0x11ec, 'X25519MLKEM768'],
  [0x11ed, 'SecP384r1MLKEM1024'],
  [0x6399, 'X25519Kyber768Draft00'],
  [0xff01, 'arbitrary_explicit_prime_curves'],
  [0xff02, 'arbitrary_explicit_char2_curves'],
]);
export function namedGroupName(g: number): string {
  if (isGrease(g)) return `GREASE(0x${g.toString(16).padStart(4, '0')})`;
  return lookup(NAMED_GROUPS, g, 4);
}

const COMPRESSION_METHODS = new Map<number, string>([
  [0, 'null'],
  [1, 'DEFLATE'],
  [64, 'LZS'],
]);
export const compressionMethodName = (m: number): string => lookup(COMPRESSION_METHODS, m);

/**
 * Key exchange of a cipher suite, which decides the server certificate's Key Usage need in TLS 1.2
 * (rule E8, RFC 5246 §7.4.2 and RFC 8422 §2). 'TLS13' suites carry no key exchange (RFC 8446 §B.4).
 */
export type KeyExchange =
  | 'RSA'
  | 'RSA_EXPORT'
  | 'DHE_RSA'
  | 'DHE_DSS'
  | 'DH_RSA'
  | 'DH_DSS'
  | 'DH_anon'
  | 'ECDHE_RSA'
  | 'ECDHE_ECDSA'
  | 'ECDH_RSA'
  | 'ECDH_ECDSA'
  | 'ECDH_anon'
  | 'PSK'
  | 'DHE_PSK'
  | 'RSA_PSK'
  | 'ECDHE_PSK'
  | 'SRP_SHA'
  | 'SRP_SHA_RSA'
  | 'SRP_SHA_DSS'
  | 'KRB5'
  | 'TLS13'
  | 'NULL'
  | 'unknown';

export interface CipherSuiteInfo {
  readonly code: number;
  readonly name: string;
  readonly keyExchange: KeyExchange;
  /** True when the name is known; unknown codes get `unknown(0x....)`. */
  readonly known: boolean;
}

/** The common IANA suites. Names carry the key exchange between `TLS_` and `_WITH_`. */
const CIPHER_SUITES = new Map<number, string>([
  [0x0000, 'TLS_NULL_WITH_NULL_NULL'],
  [0x0001, 'TLS_RSA_WITH_NULL_MD5'],
  [0x0002, 'TLS_RSA_WITH_NULL_SHA'],
  [0x0003, 'TLS_RSA_EXPORT_WITH_RC4_40_MD5'],
  [0x0004, 'TLS_RSA_WITH_RC4_128_MD5'],
  [0x0005, 'TLS_RSA_WITH_RC4_128_SHA'],
  [0x0006, 'TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5'],
  [0x0007, 'TLS_RSA_WITH_IDEA_CBC_SHA'],
  [0x0008, 'TLS_RSA_EXPORT_WITH_DES40_CBC_SHA'],
  [0x0009, 'TLS_RSA_WITH_DES_CBC_SHA'],
  [0x000a, 'TLS_RSA_WITH_3DES_EDE_CBC_SHA'],
  [0x000d, 'TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA'],
  [0x0010, 'TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA'],
  [0x0012, 'TLS_DHE_DSS_WITH_DES_CBC_SHA'],
  [0x0013, 'TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA'],
  [0x0015, 'TLS_DHE_RSA_WITH_DES_CBC_SHA'],
  [0x0016, 'TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA'],
  [0x0018, 'TLS_DH_anon_WITH_RC4_128_MD5'],
  [0x001b, 'TLS_DH_anon_WITH_3DES_EDE_CBC_SHA'],
  [0x002f, 'TLS_RSA_WITH_AES_128_CBC_SHA'],
  [0x0030, 'TLS_DH_DSS_WITH_AES_128_CBC_SHA'],
  [0x0031, 'TLS_DH_RSA_WITH_AES_128_CBC_SHA'],
  [0x0032, 'TLS_DHE_DSS_WITH_AES_128_CBC_SHA'],
  [0x0033, 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA'],
  [0x0034, 'TLS_DH_anon_WITH_AES_128_CBC_SHA'],
  [0x0035, 'TLS_RSA_WITH_AES_256_CBC_SHA'],
  [0x0036, 'TLS_DH_DSS_WITH_AES_256_CBC_SHA'],
  [0x0037, 'TLS_DH_RSA_WITH_AES_256_CBC_SHA'],
  [0x0038, 'TLS_DHE_DSS_WITH_AES_256_CBC_SHA'],
  [0x0039, 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA'],
  [0x003a, 'TLS_DH_anon_WITH_AES_256_CBC_SHA'],
  [0x003b, 'TLS_RSA_WITH_NULL_SHA256'],
  [0x003c, 'TLS_RSA_WITH_AES_128_CBC_SHA256'],
  [0x003d, 'TLS_RSA_WITH_AES_256_CBC_SHA256'],
  [0x0040, 'TLS_DHE_DSS_WITH_AES_128_CBC_SHA256'],
  [0x0041, 'TLS_RSA_WITH_CAMELLIA_128_CBC_SHA'],
  [0x0045, 'TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA'],
  [0x0067, 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256'],
  [0x006a, 'TLS_DHE_DSS_WITH_AES_256_CBC_SHA256'],
  [0x006b, 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256'],
  [0x0084, 'TLS_RSA_WITH_CAMELLIA_256_CBC_SHA'],
  [0x0088, 'TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA'],
  [0x008c, 'TLS_PSK_WITH_AES_128_CBC_SHA'],
  [0x008d, 'TLS_PSK_WITH_AES_256_CBC_SHA'],
  [0x0096, 'TLS_RSA_WITH_SEED_CBC_SHA'],
  [0x009c, 'TLS_RSA_WITH_AES_128_GCM_SHA256'],
  [0x009d, 'TLS_RSA_WITH_AES_256_GCM_SHA384'],
  [0x009e, 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256'],
  [0x009f, 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384'],
  [0x00a0, 'TLS_DH_RSA_WITH_AES_128_GCM_SHA256'],
  [0x00a1, 'TLS_DH_RSA_WITH_AES_256_GCM_SHA384'],
  [0x00a2, 'TLS_DHE_DSS_WITH_AES_128_GCM_SHA256'],
  [0x00a3, 'TLS_DHE_DSS_WITH_AES_256_GCM_SHA384'],
  [0x00a8, 'TLS_PSK_WITH_AES_128_GCM_SHA256'],
  [0x00a9, 'TLS_PSK_WITH_AES_256_GCM_SHA384'],
  [0x00ae, 'TLS_PSK_WITH_AES_128_CBC_SHA256'],
  [0x00af, 'TLS_PSK_WITH_AES_256_CBC_SHA384'],
  [0x00ff, 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV'],
  [0x1301, 'TLS_AES_128_GCM_SHA256'],
  [0x1302, 'TLS_AES_256_GCM_SHA384'],
  [0x1303, 'TLS_CHACHA20_POLY1305_SHA256'],
  [0x1304, 'TLS_AES_128_CCM_SHA256'],
  [0x1305, 'TLS_AES_128_CCM_8_SHA256'],
  [0x5600, 'TLS_FALLBACK_SCSV'],
  [0xc001, 'TLS_ECDH_ECDSA_WITH_NULL_SHA'],
  [0xc002, 'TLS_ECDH_ECDSA_WITH_RC4_128_SHA'],
  [0xc003, 'TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA'],
  [0xc004, 'TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA'],
  [0xc005, 'TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA'],
  [0xc006, 'TLS_ECDHE_ECDSA_WITH_NULL_SHA'],
  [0xc007, 'TLS_ECDHE_ECDSA_WITH_RC4_128_SHA'],
  [0xc008, 'TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA'],
  [0xc009, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA'],
  [0xc00a, 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA'],
  [0xc00b, 'TLS_ECDH_RSA_WITH_NULL_SHA'],
  [0xc00c, 'TLS_ECDH_RSA_WITH_RC4_128_SHA'],
  [0xc00d, 'TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA'],
  [0xc00e, 'TLS_ECDH_RSA_WITH_AES_128_CBC_SHA'],
  [0xc00f, 'TLS_ECDH_RSA_WITH_AES_256_CBC_SHA'],
  [0xc010, 'TLS_ECDHE_RSA_WITH_NULL_SHA'],
  [0xc011, 'TLS_ECDHE_RSA_WITH_RC4_128_SHA'],
  [0xc012, 'TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA'],
  [0xc013, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA'],
  [0xc014, 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA'],
  [0xc015, 'TLS_ECDH_anon_WITH_NULL_SHA'],
  [0xc018, 'TLS_ECDH_anon_WITH_AES_128_CBC_SHA'],
  [0xc019, 'TLS_ECDH_anon_WITH_AES_256_CBC_SHA'],
  [0xc01d, 'TLS_SRP_SHA_WITH_AES_128_CBC_SHA'],
  [0xc023, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256'],
  [0xc024, 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384'],
  [0xc025, 'TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256'],
  [0xc026, 'TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384'],
  [0xc027, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256'],
  [0xc028, 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384'],
  [0xc029, 'TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256'],
  [0xc02a, 'TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384'],
  [0xc02b, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'],
  [0xc02c, 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'],
  [0xc02d, 'TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256'],
  [0xc02e, 'TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384'],
  [0xc02f, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'],
  [0xc030, 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'],
  [0xc031, 'TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256'],
  [0xc032, 'TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384'],
  [0xc035, 'TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA'],
  [0xc036, 'TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA'],
  [0xc037, 'TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256'],
  [0xc038, 'TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384'],
  [0xc072, 'TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256'],
  [0xc076, 'TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256'],
  [0xc09c, 'TLS_RSA_WITH_AES_128_CCM'],
  [0xc09d, 'TLS_RSA_WITH_AES_256_CCM'],
  [0xc09e, 'TLS_DHE_RSA_WITH_AES_128_CCM'],
  [0xc09f, 'TLS_DHE_RSA_WITH_AES_256_CCM'],
  [0xc0a0, 'TLS_RSA_WITH_AES_128_CCM_8'],
  [0xc0a1, 'TLS_RSA_WITH_AES_256_CCM_8'],
  [0xc0ac, 'TLS_ECDHE_ECDSA_WITH_AES_128_CCM'],
  [0xc0ad, 'TLS_ECDHE_ECDSA_WITH_AES_256_CCM'],
  [0xc0ae, 'TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8'],
  [0xc0af, 'TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8'],
  [0xcca8, 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256'],
  [0xcca9, 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256'],
  [0xccaa, 'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256'],
  [0xccab, 'TLS_PSK_WITH_CHACHA20_POLY1305_SHA256'],
  [0xccac, 'TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256'],
  [0xccad, 'TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256'],
  [0xccae, 'TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256'],
  [0xd001, 'TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256'],
]);

const KEY_EXCHANGES: readonly KeyExchange[] = [
  'RSA_EXPORT',
  'RSA_PSK',
  'RSA',
  'DHE_RSA',
  'DHE_DSS',
  'DHE_PSK',
  'DH_RSA',
  'DH_DSS',
  'DH_anon',
  'ECDHE_RSA',
  'ECDHE_ECDSA',
  'ECDHE_PSK',
  'ECDH_RSA',
  'ECDH_ECDSA',
  'ECDH_anon',
  'PSK',
  'SRP_SHA_RSA',
  'SRP_SHA_DSS',
  'SRP_SHA',
  'KRB5',
  'NULL',
];

function keyExchangeOf(name: string, code: number): KeyExchange {
  if (code >= 0x1301 && code <= 0x1305) return 'TLS13';
  const m = /^TLS_(.*)_WITH_/.exec(name);
  if (!m) return 'unknown';
  const kx = m[1]!;
  // RSA_EXPORT suites name the export cipher after WITH; the kx part is "RSA_EXPORT".
  return KEY_EXCHANGES.find((k) => k === kx) ?? 'unknown';
}

export function cipherSuiteInfo(code: number): CipherSuiteInfo {
  if (isGrease(code)) {
    return { code, name: `GREASE(0x${code.toString(16).padStart(4, '0')})`, keyExchange: 'unknown', known: false };
  }
  const name = CIPHER_SUITES.get(code);
  if (name === undefined) return { code, name: unknownName(code, 4), keyExchange: 'unknown', known: false };
  return { code, name, keyExchange: keyExchangeOf(name, code), known: true };
}

export const cipherSuiteName = (code: number): string => cipherSuiteInfo(code).name;

/** A suite with no encryption (`_WITH_NULL_`): its records after ChangeCipherSpec are in clear, with a MAC (rule C6). */
export function isNullCipher(code: number | undefined): boolean {
  return code !== undefined && cipherSuiteInfo(code).name.includes('_WITH_NULL_');
}

/** Hex with 0x and a fixed width, for field values. */
export function hex16(v: number): string {
  return `0x${v.toString(16).padStart(4, '0')}`;
}
