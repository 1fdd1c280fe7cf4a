/**
 * Handshake message decoders (RFC 5246 §7.4, RFC 8446 §4). Each takes the whole message (4-byte
 * header included, so field offsets match the hex pane) and returns a Result: never throws on
 * capture bytes. A message shorter than its header says gives 'truncated', one whose inner
 * lengths contradict each other gives 'malformed'.
 */
import { brotliDecompressSync, inflateSync } from 'node:zlib';
import { ByteReader, decodeWith, err, ok, type Result } from '../bytes/index.js';
import { readDistinguishedNames, readExtensions } from './extensions.js';
import { field, shortHex } from './fields.js';
import {
  HandshakeType,
  certificateTypeName,
  cipherSuiteInfo,
  compressionMethodName,
  handshakeTypeName,
  hex16,
  namedGroupName,
  signatureSchemeName,
  versionName,
} from './names.js';
import type {
  CertificateEntry,
  CertificateMsg,
  CertificateRequestMsg,
  ClientHello,
  DecodeContext,
  Decoded,
  Extension,
  Field,
  HandshakeBody,
  ServerHello,
  ServerKeyExchangeMsg,
} from './types.js';

/** RFC 8446 §4.1.3: a ServerHello with this random is a HelloRetryRequest (SHA-256 of "HelloRetryRequest"). */
export const HELLO_RETRY_REQUEST_RANDOM = Uint8Array.of(
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
  0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
);

export const TLS13 = 0x0304;

function isHrrRandom(random: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) if (random[i] !== HELLO_RETRY_REQUEST_RANDOM[i]) return false;
  return true;
}

/** A reader over the body of a message: from after the header to the declared end or the bytes' end. */
function bodyReader(bytes: Uint8Array): { r: ByteReader; length: number } {
  const length = bytes.length >= 4 ? (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]! : 0;
  return { r: new ByteReader(bytes, 4, 4 + length), length };
}

/** What a decoder returns for `fields` when the context asks for none (the hot path). */
const NO_FIELDS: readonly Field[] = Object.freeze([]);

function headerFields(bytes: Uint8Array): Field[] {
  const type = bytes[0] ?? 0;
  const length = bytes.length >= 4 ? (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]! : 0;
  return [
    field('Handshake Type', 0, 1, `${handshakeTypeName(type)} (${type})`, type),
    field('Length', 1, 3, String(length)),
  ];
}

function versionField(label: string, at: number, v: number): Field {
  return field(label, at, 2, `${versionName(v)} (${hex16(v)})`, v);
}

function decodeClientHello(bytes: Uint8Array, wf: boolean): Out<ClientHello> {
  const { r } = bodyReader(bytes);
  const f = wf ? headerFields(bytes) : undefined;
  // RFC 5246 §7.4.1.2 / RFC 8446 §4.1.2.
  const legacyVersion = r.u16('client_version');
  f?.push(versionField('Version', 4, legacyVersion));
  const random = r.bytes(32, 'random');
  f?.push(field('Random', 6, 32, shortHex(random, 64)));
  const sidAt = r.offset;
  const sid = r.vec8('session_id');
  if (sid.remaining > 32) r.malformed('session_id longer than 32 bytes');
  const sessionId = sid.bytes(sid.remaining);
  f?.push(field('Session ID', sidAt, 1 + sessionId.length, sessionId.length ? shortHex(sessionId, 64) : 'empty'));
  const csAt = r.offset;
  const cs = r.vec16('cipher_suites');
  if (cs.remaining % 2 !== 0) r.malformed('cipher_suites length is odd');
  const cipherSuites: number[] = [];
  const csFields: Field[] | undefined = wf ? [] : undefined;
  while (!cs.atEnd) {
    const at = cs.offset;
    const c = cs.u16('cipher_suite');
    cipherSuites.push(c);
    csFields?.push(field('Cipher Suite', at, 2, `${cipherSuiteInfo(c).name} (${hex16(c)})`, c));
  }
  f?.push(field('Cipher Suites', csAt, r.offset - csAt, `${cipherSuites.length} suites`, undefined, csFields));
  const cmAt = r.offset;
  const cm = r.vec8('compression_methods');
  const compressionMethods: number[] = [];
  while (!cm.atEnd) compressionMethods.push(cm.u8());
  f?.push(field('Compression Methods', cmAt, r.offset - cmAt, compressionMethods.map(compressionMethodName).join(', ')));
  const ext = readExtensions(r, 'client-hello', wf);
  f?.push(ext.field!);
  const x = ext.facts;
  const real = (x.supportedVersions ?? []).filter((v) => (v & 0x0f0f) !== 0x0a0a);
  const maxVersion = real.length ? Math.max(...real) : legacyVersion;
  const hello: ClientHello = {
    kind: 'client-hello',
    legacyVersion,
    random,
    sessionId,
    cipherSuites,
    compressionMethods,
    extensions: ext.extensions,
    extendedMasterSecret: x.extendedMasterSecret,
    // RFC 5746 §3.3: the SCSV stands in for an empty renegotiation_info.
    renegotiationScsv: cipherSuites.includes(0x00ff),
    pskOffered: x.psk,
    maxVersion,
    ...(x.serverName !== undefined && { serverName: x.serverName }),
    ...(x.alpn !== undefined && { alpn: x.alpn }),
    ...(x.supportedVersions !== undefined && { supportedVersions: x.supportedVersions }),
    ...(x.signatureAlgorithms !== undefined && { signatureAlgorithms: x.signatureAlgorithms }),
    ...(x.signatureAlgorithmsCert !== undefined && { signatureAlgorithmsCert: x.signatureAlgorithmsCert }),
    ...(x.supportedGroups !== undefined && { supportedGroups: x.supportedGroups }),
    ...(x.keyShareGroups !== undefined && { keyShareGroups: x.keyShareGroups }),
    ...(x.certificateAuthorities !== undefined && { certificateAuthorities: x.certificateAuthorities }),
    ...(x.renegotiationInfo !== undefined && { renegotiationInfo: x.renegotiationInfo }),
    ...(x.sessionTicketLength !== undefined && { sessionTicketLength: x.sessionTicketLength }),
  };
  return { body: hello, fields: f ?? NO_FIELDS, warnings: ext.warnings };
}

function decodeServerHello(bytes: Uint8Array, wf: boolean): Out<ServerHello> {
  const { r } = bodyReader(bytes);
  const f = wf ? headerFields(bytes) : undefined;
  const legacyVersion = r.u16('server_version');
  f?.push(versionField('Version', 4, legacyVersion));
  const random = r.bytes(32, 'random');
  const helloRetryRequest = isHrrRandom(random);
  f?.push(field('Random', 6, 32, helloRetryRequest ? 'HelloRetryRequest' : shortHex(random, 64)));
  const sidAt = r.offset;
  const sid = r.vec8('session_id');
  if (sid.remaining > 32) r.malformed('session_id longer than 32 bytes');
  const sessionId = sid.bytes(sid.remaining);
  f?.push(field('Session ID', sidAt, 1 + sessionId.length, sessionId.length ? shortHex(sessionId, 64) : 'empty'));
  const csAt = r.offset;
  const cipherSuite = r.u16('cipher_suite');
  const info = cipherSuiteInfo(cipherSuite);
  f?.push(field('Cipher Suite', csAt, 2, `${info.name} (${hex16(cipherSuite)})`, cipherSuite));
  const cmAt = r.offset;
  const compressionMethod = r.u8('compression_method');
  f?.push(field('Compression Method', cmAt, 1, compressionMethodName(compressionMethod), compressionMethod));
  const ext = readExtensions(r, helloRetryRequest ? 'hello-retry-request' : 'server-hello', wf);
  f?.push(ext.field!);
  const x = ext.facts;
  const version = x.selectedVersion ?? legacyVersion;
  const hello: ServerHello = {
    kind: 'server-hello',
    legacyVersion,
    random,
    sessionId,
    cipherSuite,
    keyExchange: info.keyExchange,
    compressionMethod,
    extensions: ext.extensions,
    version,
    helloRetryRequest,
    extendedMasterSecret: x.extendedMasterSecret,
    pskSelected: x.psk,
    sessionTicketAck: ext.extensions.some((e) => e.type === 35),
    ...(x.selectedVersion !== undefined && { selectedVersion: x.selectedVersion }),
    ...(x.keyShareGroup !== undefined && { keyShareGroup: x.keyShareGroup }),
    ...(x.alpn?.[0] !== undefined && { alpn: x.alpn[0] }),
    ...(x.renegotiationInfo !== undefined && { renegotiationInfo: x.renegotiationInfo }),
  };
  return { body: hello, fields: f ?? NO_FIELDS, warnings: ext.warnings };
}

/**
 * Certificate (RFC 5246 §7.4.2; RFC 8446 §4.4.2 adds a request context and per-entry extensions).
 * Tolerates truncation: certificates wholly present are returned and `truncated` is set, because
 * a chain cut by the capture still names its leaf.
 */
function decodeCertificate(bytes: Uint8Array, ctx: DecodeContext): Out<CertificateMsg> {
  const { r, length } = bodyReader(bytes);
  const wf = ctx.fields !== false;
  const f = wf ? headerFields(bytes) : undefined;
  const tls13 = ctx.version === TLS13;
  let requestContext: Uint8Array | undefined;
  if (tls13) {
    const at = r.offset;
    const c = r.vec8('certificate_request_context');
    requestContext = c.bytes(c.remaining);
    f?.push(field('Certificate Request Context', at, 1 + requestContext.length, requestContext.length ? shortHex(requestContext) : 'empty'));
  }
  const listAt = r.offset;
  const declared = r.u24('certificate_list length');
  if (declared > length - (listAt - 4) - 3) {
    // The list cannot be longer than the message; a longer claim is malformed, not merely cut.
    r.malformed(`certificate_list length ${declared} exceeds message length ${length}`);
  }
  const end = Math.min(r.offset + declared, bytes.length);
  const certs: CertificateEntry[] = [];
  const children: Field[] | undefined = wf ? [] : undefined;
  let omitted = 0;
  let truncated = bytes.length < 4 + length;
  let p = r.offset;
  while (p < listAt + 3 + declared) {
    if (p + 3 > end) {
      truncated = true;
      break;
    }
    const len = (bytes[p]! << 16) | (bytes[p + 1]! << 8) | bytes[p + 2]!;
    if (p + 3 + len > listAt + 3 + declared) {
      const lr = new ByteReader(bytes, p, p);
      lr.malformed(`certificate length ${len} runs past the certificate list`);
    }
    if (p + 3 + len > end) {
      truncated = true;
      break;
    }
    const der = bytes.subarray(p + 3, p + 3 + len);
    let q = p + 3 + len;
    let extensions: Extension[] | undefined;
    let entryFields: Field[] | undefined = wf ? [field('Certificate Length', p, 3, String(len)), field('Certificate', p + 3, len, `${len} bytes of DER`)] : undefined;
    if (tls13) {
      // RFC 8446 §4.4.2: each CertificateEntry is followed by its own extensions<0..2^16-1>.
      const listEnd = listAt + 3 + declared;
      if (q + 2 > listEnd) new ByteReader(bytes, q, q).malformed('certificate entry without its extensions');
      if (q + 2 > end || q + 2 + ((bytes[q]! << 8) | bytes[q + 1]!) > end) {
        truncated = true;
        if (certs.length < ctx.limits.maxCertificates) certs.push({ der, span: { offset: p + 3, length: len } });
        else omitted++;
        break;
      }
      const er = new ByteReader(bytes, q, listEnd);
      const ext = readExtensions(er, 'certificate', wf);
      extensions = ext.extensions;
      if (entryFields) entryFields = [...entryFields, ext.field!];
      q = er.offset;
    }
    if (certs.length < ctx.limits.maxCertificates) {
      certs.push(extensions ? { der, span: { offset: p + 3, length: len }, extensions } : { der, span: { offset: p + 3, length: len } });
    } else omitted++;
    children?.push(field(`Certificate ${certs.length + omitted - 1}`, p, q - p, `${len} bytes`, undefined, entryFields));
    p = q;
  }
  f?.push(
    field('Certificates', listAt, Math.min(3 + declared, bytes.length - listAt), `${certs.length + omitted} certificates${truncated ? ' (truncated)' : ''}`, undefined, [
      field('Certificates Length', listAt, 3, String(declared)),
      ...children!,
    ]),
  );
  const msg: CertificateMsg = {
    kind: 'certificate',
    tls13,
    certificates: certs,
    omitted,
    truncated,
    ...(requestContext !== undefined && { requestContext }),
  };
  return { body: msg, fields: f ?? NO_FIELDS, warnings: [] };
}

const CERT_COMPRESSION: Record<number, string> = { 1: 'zlib', 2: 'brotli', 3: 'zstd' };

/**
 * CompressedCertificate (RFC 8879 §4): algorithm, uncompressed_length, the compressed Certificate
 * message body. zlib and brotli are inflated with node:zlib, bounded by the declared length (which
 * must fit the message limit); the result is decoded as the Certificate it stands for. zstd (and
 * any other algorithm) is said plainly to be unreadable: the list is unknown, never "empty".
 */
function decodeCompressedCertificate(bytes: Uint8Array, ctx: DecodeContext): Out<CertificateMsg> {
  const { r } = bodyReader(bytes);
  const wf = ctx.fields !== false;
  const algorithm = r.u16('algorithm');
  const declared = r.u24('uncompressed_length');
  const at = r.offset;
  const data = r.vec24('compressed_certificate_message');
  const compressed = data.bytes(data.remaining);
  const name = CERT_COMPRESSION[algorithm] ?? `unknown(${algorithm})`;
  const head = wf
    ? [...headerFields(bytes), field('Algorithm', 4, 2, `${name} (${algorithm})`, algorithm), field('Uncompressed Length', 6, 3, String(declared)), field('Compressed Certificate Message', at, 3 + compressed.length, `${compressed.length} bytes`)]
    : undefined;
  const unreadable = (error: string): Out<CertificateMsg> => ({
    body: { kind: 'certificate', tls13: true, certificates: [], omitted: 0, truncated: false, compressed: { algorithm, name, error } },
    fields: head ?? NO_FIELDS,
    warnings: [error],
  });
  if (declared > ctx.limits.maxMessageBytes) return unreadable(`the certificate list would be ${declared} bytes uncompressed, over the limit of ${ctx.limits.maxMessageBytes}`);
  const plain = inflateCertificate(algorithm, compressed, declared);
  if (typeof plain === 'string') return unreadable(plain);
  // The inflated bytes are a Certificate message body (RFC 8879 §4): give it its handshake header.
  const msg = new Uint8Array(4 + plain.length);
  msg.set([HandshakeType.Certificate, plain.length >>> 16, (plain.length >>> 8) & 0xff, plain.length & 0xff]);
  msg.set(plain, 4);
  const inner = decodeCertificate(msg, { ...ctx, version: TLS13 });
  return {
    body: { ...inner.body, compressed: { algorithm, name } },
    fields: head ? [...head, field(`Certificate (inflated with ${name})`, at + 3, compressed.length, `${inner.body.certificates.length} certificates`, undefined, [...inner.fields])] : NO_FIELDS,
    warnings: inner.warnings,
  };
}

/** The one place node:zlib (which throws on bad input) is called: bytes, or why there are none. */
function inflateCertificate(algorithm: number, compressed: Uint8Array, declared: number): Uint8Array | string {
  const opts = { maxOutputLength: Math.max(declared, 1) };
  try {
    let out: Uint8Array;
    if (algorithm === 1) out = inflateSync(compressed, opts);
    else if (algorithm === 2) out = brotliDecompressSync(compressed, opts);
    else if (algorithm === 3) return 'the certificates are compressed with zstd (RFC 8879), which this tool cannot read: which certificates were sent is not known';
    else return `the certificates are compressed with an unknown algorithm (${algorithm}): which certificates were sent is not known`;
    if (out.length !== declared) return `the inflated certificate list is ${out.length} bytes, not the ${declared} the message declares`;
    return out;
  } catch (e) {
    return `the compressed certificate list could not be inflated (${e instanceof Error ? e.message : String(e)})`;
  }
}

/**
 * CertificateRequest. TLS 1.0/1.1 (RFC 4346 §7.4.4): certificate_types, certificate_authorities.
 * TLS 1.2 (RFC 5246 §7.4.4) adds supported_signature_algorithms between them. TLS 1.3 (RFC 8446
 * §4.3.2): a request context and extensions (signature_algorithms, certificate_authorities).
 */
function decodeCertificateRequest(bytes: Uint8Array, ctx: DecodeContext): Out<CertificateRequestMsg> {
  const { r } = bodyReader(bytes);
  const wf = ctx.fields !== false;
  const f = wf ? headerFields(bytes) : undefined;
  if (ctx.version === TLS13) {
    const at = r.offset;
    const c = r.vec8('certificate_request_context');
    const requestContext = c.bytes(c.remaining);
    f?.push(field('Certificate Request Context', at, 1 + requestContext.length, requestContext.length ? shortHex(requestContext) : 'empty'));
    const ext = readExtensions(r, 'certificate-request', wf);
    f?.push(ext.field!);
    const msg: CertificateRequestMsg = {
      kind: 'certificate-request',
      form: 'tls13',
      certificateTypes: [],
      certificateAuthorities: ext.facts.certificateAuthorities ?? [],
      requestContext,
      extensions: ext.extensions,
      ...(ext.facts.signatureAlgorithms !== undefined && { signatureAlgorithms: ext.facts.signatureAlgorithms }),
      ...(ext.facts.signatureAlgorithmsCert !== undefined && { signatureAlgorithmsCert: ext.facts.signatureAlgorithmsCert }),
    };
    return { body: msg, fields: f ?? NO_FIELDS, warnings: ext.warnings };
  }
  const ctAt = r.offset;
  const ct = r.vec8('certificate_types');
  const certificateTypes: number[] = [];
  const ctFields: Field[] | undefined = wf ? [] : undefined;
  while (!ct.atEnd) {
    const at = ct.offset;
    const t = ct.u8('certificate_type');
    certificateTypes.push(t);
    ctFields?.push(field('Certificate Type', at, 1, `${certificateTypeName(t)} (${t})`, t));
  }
  f?.push(field('Certificate Types', ctAt, r.offset - ctAt, `${certificateTypes.length}`, undefined, ctFields));
  // Before ServerHello is known (it always is in a real capture) assume TLS 1.2, the common case.
  const tls12 = ctx.version === undefined || ctx.version >= 0x0303;
  let signatureAlgorithms: number[] | undefined;
  if (tls12) {
    const saAt = r.offset;
    const sa = r.vec16('supported_signature_algorithms');
    if (sa.remaining % 2 !== 0) r.malformed('supported_signature_algorithms length is odd');
    signatureAlgorithms = [];
    const saFields: Field[] | undefined = wf ? [] : undefined;
    while (!sa.atEnd) {
      const at = sa.offset;
      const s = sa.u16('signature_algorithm');
      signatureAlgorithms.push(s);
      saFields?.push(field('Signature Algorithm', at, 2, `${signatureSchemeName(s)} (${hex16(s)})`, s));
    }
    f?.push(field('Signature Hash Algorithms', saAt, r.offset - saAt, `${signatureAlgorithms.length}`, undefined, saFields));
  }
  const dnAt = r.offset;
  const dnFields: Field[] | undefined = wf ? [] : undefined;
  const names = readDistinguishedNames(r.vec16('certificate_authorities'), dnFields);
  f?.push(
    field('Distinguished Names', dnAt, r.offset - dnAt, names.length ? `${names.length}` : 'empty (any CA)', undefined, [
      field('Distinguished Names Length', dnAt, 2, String(r.offset - dnAt - 2)),
      ...dnFields!,
    ]),
  );
  const msg: CertificateRequestMsg = {
    kind: 'certificate-request',
    form: tls12 ? 'tls12' : 'tls10',
    certificateTypes,
    certificateAuthorities: names,
    ...(signatureAlgorithms !== undefined && { signatureAlgorithms }),
  };
  return { body: msg, fields: f ?? NO_FIELDS, warnings: [] };
}

/**
 * ServerKeyExchange (RFC 5246 §7.4.3, RFC 8422 §5.4). Its shape depends on the suite's key
 * exchange; only the parts the explainer uses are decoded: curve, DH prime size, signature scheme.
 * TLS 1.0/1.1 signatures carry no algorithm field (RFC 4346 §7.4.3).
 */
function decodeServerKeyExchange(bytes: Uint8Array, ctx: DecodeContext): Out<ServerKeyExchangeMsg> {
  const { r } = bodyReader(bytes);
  const f = ctx.fields !== false ? headerFields(bytes) : undefined;
  const kx = ctx.keyExchange ?? 'unknown';
  const signed = kx === 'ECDHE_RSA' || kx === 'ECDHE_ECDSA' || kx === 'DHE_RSA' || kx === 'DHE_DSS';
  const withSigAlg = ctx.version !== undefined && ctx.version >= 0x0303;
  // Filled in place, in the order the fields are read (no copy per field).
  const out: { -readonly [K in keyof ServerKeyExchangeMsg]: ServerKeyExchangeMsg[K] } = { kind: 'server-key-exchange', params: 'unknown' };
  if (kx.startsWith('ECDHE') || kx === 'ECDH_anon') {
    const at = r.offset;
    const curveType = r.u8('curve_type');
    if (curveType === 3) {
      // named_curve (RFC 8422 §5.4); explicit curves (1, 2) are deprecated and left undecoded.
      const g = r.u16('namedcurve');
      out.params = 'ecdhe';
      out.namedCurve = g;
      f?.push(field('Named Curve', at, 3, `${namedGroupName(g)} (${hex16(g)})`, g));
      const pAt = r.offset;
      const point = r.vec8('ec point');
      point.skip(point.remaining);
      f?.push(field('Public Key', pAt, r.offset - pAt, `${r.offset - pAt - 1} bytes`));
    } else {
      f?.push(field('Curve Type', at, 1, `explicit (${curveType})`, curveType));
      out.params = 'ecdhe';
      return { body: out, fields: f ?? NO_FIELDS, warnings: [] };
    }
  } else if (kx.startsWith('DHE') || kx === 'DH_anon') {
    const at = r.offset;
    const p = r.vec16('dh_p');
    let bits = p.remaining * 8;
    const first = p.peekU8();
    if (first !== undefined) bits -= Math.clz32(first) - 24;
    p.skip(p.remaining);
    r.vec16('dh_g');
    r.vec16('dh_Ys');
    out.params = 'dhe';
    out.dhPrimeBits = bits;
    f?.push(field('DH Parameters', at, r.offset - at, `p is ${bits} bits`));
  } else {
    return { body: out, fields: f ?? NO_FIELDS, warnings: [] };
  }
  if (signed) {
    const at = r.offset;
    if (withSigAlg) {
      const s = r.u16('signature_algorithm');
      out.signatureAlgorithm = s;
      f?.push(field('Signature Algorithm', at, 2, `${signatureSchemeName(s)} (${hex16(s)})`, s));
    }
    const sAt = r.offset;
    const sig = r.vec16('signature');
    out.signatureLength = sig.remaining;
    f?.push(field('Signature', sAt, 2 + sig.remaining, `${sig.remaining} bytes`));
  }
  return { body: out, fields: f ?? NO_FIELDS, warnings: [] };
}

function decodeCertificateVerify(bytes: Uint8Array, ctx: DecodeContext): Decoded<HandshakeBody> {
  const { r } = bodyReader(bytes);
  const f = ctx.fields !== false ? headerFields(bytes) : undefined;
  // RFC 5246 §7.4.8 / RFC 8446 §4.4.3: TLS 1.2+ names the scheme; TLS 1.0/1.1 does not.
  if (ctx.version !== undefined && ctx.version < 0x0303) {
    const sig = r.vec16('signature');
    f?.push(field('Signature', 4, 2 + sig.remaining, `${sig.remaining} bytes`));
    return { body: { kind: 'certificate-verify', signatureLength: sig.remaining }, fields: f ?? NO_FIELDS };
  }
  const s = r.u16('algorithm');
  f?.push(field('Signature Algorithm', 4, 2, `${signatureSchemeName(s)} (${hex16(s)})`, s));
  const sig = r.vec16('signature');
  f?.push(field('Signature', 6, 2 + sig.remaining, `${sig.remaining} bytes`));
  return { body: { kind: 'certificate-verify', signatureAlgorithm: s, signatureLength: sig.remaining }, fields: f ?? NO_FIELDS };
}

function decodeNewSessionTicket(bytes: Uint8Array, ctx: DecodeContext): Decoded<HandshakeBody> {
  const { r } = bodyReader(bytes);
  const f = ctx.fields !== false ? headerFields(bytes) : undefined;
  const lifetime = r.u32('ticket_lifetime');
  f?.push(field('Ticket Lifetime', 4, 4, `${lifetime} s`));
  if (ctx.version === TLS13) {
    // RFC 8446 §4.6.1: age_add, nonce, ticket, extensions.
    r.u32('ticket_age_add');
    r.vec8('ticket_nonce');
  }
  const at = r.offset;
  const t = r.vec16('ticket');
  f?.push(field('Ticket', at, 2 + t.remaining, `${t.remaining} bytes`));
  return { body: { kind: 'new-session-ticket', lifetime, ticketLength: t.remaining }, fields: f ?? NO_FIELDS };
}

/** What the decoders return: the body, its field tree (empty without fields) and warnings. */
type Out<T extends HandshakeBody> = { body: T; fields: readonly Field[]; warnings: string[] };

function withoutWarnings(d: Decoded<HandshakeBody>): Out<HandshakeBody> {
  return { body: d.body, fields: d.fields, warnings: [] };
}

/**
 * Decodes one plaintext handshake message. `bytes` is the header plus as much of the body as was
 * kept; when it is shorter than the header says the result is 'truncated' (except Certificate,
 * which returns the certificates that are complete).
 */
export function decodeHandshake(bytes: Uint8Array, ctx: DecodeContext): Result<Decoded<HandshakeBody> & { warnings: string[] }> {
  if (bytes.length < 4) return err('truncated', 'handshake header needs 4 bytes', 0);
  const type = bytes[0]!;
  const length = (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!;
  const wf = ctx.fields !== false;
  const res = decodeWith(() => {
    const { r } = bodyReader(bytes);
    switch (type) {
      case HandshakeType.ClientHello:
        return decodeClientHello(bytes, wf);
      case HandshakeType.ServerHello:
        return decodeServerHello(bytes, wf);
      case HandshakeType.Certificate:
        return decodeCertificate(bytes, ctx);
      case HandshakeType.CompressedCertificate:
        return decodeCompressedCertificate(bytes, ctx);
      case HandshakeType.CertificateRequest:
        return decodeCertificateRequest(bytes, ctx);
      case HandshakeType.ServerKeyExchange:
        return decodeServerKeyExchange(bytes, ctx);
      case HandshakeType.CertificateVerify:
        return withoutWarnings(decodeCertificateVerify(bytes, ctx));
      case HandshakeType.NewSessionTicket:
        return withoutWarnings(decodeNewSessionTicket(bytes, ctx));
      case HandshakeType.HelloRequest:
      case HandshakeType.ServerHelloDone:
      case HandshakeType.EndOfEarlyData: {
        // RFC 5246 §7.4.1.1, §7.4.5: these are empty.
        if (length !== 0) r.malformed(`${handshakeTypeName(type)} must be empty, has ${length} bytes`);
        const kind = type === 0 ? 'hello-request' : type === 14 ? 'server-hello-done' : 'end-of-early-data';
        return { body: { kind }, fields: wf ? headerFields(bytes) : NO_FIELDS, warnings: [] } as Decoded<HandshakeBody> & { warnings: string[] };
      }
      case HandshakeType.ClientKeyExchange:
        r.skip(length, 'exchange_keys');
        return { body: { kind: 'client-key-exchange', length }, fields: wf ? [...headerFields(bytes), field('Exchange Keys', 4, length, `${length} bytes`)] : NO_FIELDS, warnings: [] } as Decoded<HandshakeBody> & { warnings: string[] };
      case HandshakeType.Finished:
        r.skip(length, 'verify_data');
        return { body: { kind: 'finished', verifyDataLength: length }, fields: wf ? [...headerFields(bytes), field('Verify Data', 4, length, shortHex(bytes.subarray(4, 4 + length)))] : NO_FIELDS, warnings: [] } as Decoded<HandshakeBody> & { warnings: string[] };
      case HandshakeType.CertificateStatus: {
        // RFC 6066 §8.
        const st = r.u8('status_type');
        return { body: { kind: 'certificate-status', statusType: st, length }, fields: wf ? [...headerFields(bytes), field('Status Type', 4, 1, st === 1 ? 'ocsp (1)' : String(st), st)] : NO_FIELDS, warnings: [] } as Decoded<HandshakeBody> & { warnings: string[] };
      }
      default:
        r.skip(length, 'body');
        return { body: { kind: 'opaque', length }, fields: wf ? headerFields(bytes) : NO_FIELDS, warnings: [] } as Decoded<HandshakeBody> & { warnings: string[] };
    }
  });
  return res;
}

/** SSLv2-compatible CLIENT-HELLO (RFC 5246 §E.2, RFC 6101 §E): record header included in `bytes`. */
export function decodeSslv2ClientHello(bytes: Uint8Array): Result<Decoded<ClientHello>> {
  return decodeWith(() => {
    const r = new ByteReader(bytes);
    const f: Field[] = [];
    const len = r.u16('msg_length') & 0x7fff;
    f.push(field('Length', 0, 2, String(len)));
    const body = r.sub(Math.min(len, r.remaining), 'body');
    if (len > bytes.length - 2) body.malformed(`SSLv2 record length ${len} exceeds the bytes`);
    const mt = body.u8('msg_type');
    f.push(field('Handshake Message Type', 2, 1, `Client Hello (${mt})`, mt));
    const version = body.u16('version');
    f.push(versionField('Version', 3, version));
    const csLen = body.u16('cipher_spec_length');
    const sidLen = body.u16('session_id_length');
    const chLen = body.u16('challenge_length');
    if (csLen % 3 !== 0) body.malformed('cipher_spec_length not a multiple of 3');
    if (sidLen !== 0 && sidLen !== 16 && sidLen !== 32) body.malformed(`session_id_length ${sidLen}`);
    if (chLen < 16 || chLen > 32) body.malformed(`challenge_length ${chLen}`);
    const csAt = body.offset;
    const cipherSuites: number[] = [];
    const csFields: Field[] = [];
    for (let i = 0; i < csLen / 3; i++) {
      const at = body.offset;
      const hi = body.u8();
      const code = body.u16();
      // V2 specs with a zero first byte are V3 suites (RFC 5246 §E.2).
      if (hi === 0) cipherSuites.push(code);
      csFields.push(field('Cipher Spec', at, 3, hi === 0 ? `${cipherSuiteInfo(code).name} (${hex16(code)})` : `SSLv2 0x${((hi << 16) | code).toString(16).padStart(6, '0')}`));
    }
    f.push(field('Cipher Specs', csAt, csLen, `${csLen / 3} specs`, undefined, csFields));
    const sessionId = body.bytes(sidLen, 'session_id');
    f.push(field('Session ID', csAt + csLen, sidLen, sidLen ? shortHex(sessionId) : 'empty'));
    const challenge = body.bytes(chLen, 'challenge');
    f.push(field('Challenge', csAt + csLen + sidLen, chLen, shortHex(challenge)));
    // The V3 random is the challenge right-aligned in 32 bytes.
    const random = new Uint8Array(32);
    random.set(challenge, 32 - chLen);
    const hello: ClientHello = {
      kind: 'client-hello',
      legacyVersion: version,
      random,
      sessionId,
      cipherSuites,
      compressionMethods: [0],
      extensions: [],
      extendedMasterSecret: false,
      renegotiationScsv: cipherSuites.includes(0x00ff),
      pskOffered: false,
      maxVersion: version,
      sslv2: true,
    };
    return { body: hello, fields: f };
  });
}
