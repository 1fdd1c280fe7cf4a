import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TLS_LIMITS,
  HELLO_RETRY_REQUEST_RANDOM,
  alertDescriptionName,
  certificateTypeName,
  cipherSuiteInfo,
  decodeAlert,
  decodeChangeCipherSpec,
  decodeHandshake,
  decodeSslv2ClientHello,
  distinguishedNameText,
  extensionTypeName,
  handshakeTypeName,
  namedGroupName,
  signatureSchemeName,
  versionName,
  type DecodeContext,
  type Field,
} from '../../src/tls/index.js';
import {
  OID_C,
  OID_CN,
  OID_O,
  ascii,
  cat,
  certificate12,
  clientHello,
  derName,
  ext,
  fill,
  hs,
  serverHello,
  u16,
  u8,
  vec16,
  vec24,
  vec8,
} from './build.js';

const ctx12: DecodeContext = { version: 0x0303, keyExchange: 'ECDHE_RSA', limits: DEFAULT_TLS_LIMITS };
const ctx13: DecodeContext = { version: 0x0304, limits: DEFAULT_TLS_LIMITS };

function decode(bytes: Uint8Array, ctx: DecodeContext = ctx12) {
  const r = decodeHandshake(bytes, ctx);
  if (!r.ok) throw new Error(`${r.error.kind}: ${r.error.message}`);
  return r.value;
}

/** Every field span lies inside the message, recursively. */
function spansInside(fields: readonly Field[], len: number): boolean {
  return fields.every((f) => f.offset >= 0 && f.length >= 0 && f.offset + f.length <= len && spansInside(f.children ?? [], len));
}

function find(fields: readonly Field[], label: string): Field | undefined {
  for (const f of fields) {
    if (f.label === label) return f;
    const c = find(f.children ?? [], label);
    if (c) return c;
  }
  return undefined;
}

describe('ClientHello', () => {
  const caName = derName([OID_C, 'GB'], [OID_O, 'Example'], [OID_CN, 'Example CA']);
  const bytes = clientHello({
    sessionId: fill(32, 0x33),
    suites: [0x1a1a, 0x1301, 0xc02f, 0x009c, 0x00ff],
    extensions: [
      ext(0, vec16(u8(0), vec16(ascii('expressway.example.com')))),
      ext(43, vec8(u16(0x3a3a), u16(0x0304), u16(0x0303))),
      ext(13, vec16(u16(0x0403), u16(0x0804), u16(0x0401))),
      ext(16, vec16(vec8(ascii('h2')), vec8(ascii('http/1.1')))),
      ext(47, vec16(vec16(caName))),
      ext(51, vec16(u16(29), vec16(fill(32, 1)))),
      ext(10, vec16(u16(29), u16(23), u16(24))),
      ext(23),
      ext(0xff01, vec8()),
      ext(35),
      ext(0x1a, [1, 2, 3]),
    ],
  });

  it('decodes the fields the explainer needs', () => {
    const { body, fields } = decode(bytes);
    expect(body.kind).toBe('client-hello');
    if (body.kind !== 'client-hello') return;
    expect(body.legacyVersion).toBe(0x0303);
    expect(body.sessionId.length).toBe(32);
    expect(body.cipherSuites).toEqual([0x1a1a, 0x1301, 0xc02f, 0x009c, 0x00ff]);
    expect(body.renegotiationScsv).toBe(true);
    expect(body.serverName).toBe('expressway.example.com');
    expect(body.supportedVersions).toEqual([0x3a3a, 0x0304, 0x0303]);
    expect(body.maxVersion).toBe(0x0304);
    expect(body.signatureAlgorithms).toEqual([0x0403, 0x0804, 0x0401]);
    expect(body.alpn).toEqual(['h2', 'http/1.1']);
    expect(body.keyShareGroups).toEqual([29]);
    expect(body.supportedGroups).toEqual([29, 23, 24]);
    expect(body.extendedMasterSecret).toBe(true);
    expect(body.renegotiationInfo?.length).toBe(0);
    expect(body.sessionTicketLength).toBe(0);
    expect(body.certificateAuthorities?.[0]?.text).toBe('CN=Example CA,O=Example,C=GB');
    expect(body.certificateAuthorities?.[0]?.der).toEqual(caName);
    expect(body.extensions.map((e) => e.type)).toContain(0x1a);
    expect(spansInside(fields, bytes.length)).toBe(true);
  });

  it('keeps spans that point at the bytes they describe', () => {
    const { fields } = decode(bytes);
    const sni = find(fields, 'Server Name')!;
    const text = new TextDecoder().decode(bytes.subarray(sni.offset + 3, sni.offset + sni.length));
    expect(text).toBe('expressway.example.com');
    const unknown = find(fields, 'Extension: unknown(0x001a)');
    expect(unknown?.code).toBe(0x1a);
    expect(find(fields, 'Cipher Suite')?.value).toBe('GREASE(0x1a1a) (0x1a1a)');
  });

  it('says truncated when the bytes stop early, malformed when lengths contradict', () => {
    const cut = decodeHandshake(bytes.subarray(0, 60), ctx12);
    expect(cut.ok).toBe(false);
    if (!cut.ok) expect(cut.error.kind).toBe('truncated');
    const bad = bytes.slice();
    bad[38] = 40; // session id length 40 > 32 (RFC 5246 §7.4.1.2)
    const r = decodeHandshake(bad, ctx12);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.kind).toBe('malformed');
  });

  it('a hello without extensions is fine', () => {
    const { body } = decode(clientHello({ version: 0x0301 }));
    expect(body.kind === 'client-hello' && body.extensions.length).toBe(0);
  });

  it('a broken extension is a warning, not a lost message', () => {
    const b = clientHello({ extensions: [ext(0, [0, 9, 0])] });
    const r = decodeHandshake(b, ctx12);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.warnings[0]).toMatch(/server_name/);
  });
});

describe('ServerHello', () => {
  it('TLS 1.2 with suite and key exchange', () => {
    const { body } = decode(serverHello({ suite: 0xc030, extensions: [ext(23), ext(0xff01, vec8())] }));
    if (body.kind !== 'server-hello') throw new Error('kind');
    expect(body.version).toBe(0x0303);
    expect(body.keyExchange).toBe('ECDHE_RSA');
    expect(body.extendedMasterSecret).toBe(true);
    expect(body.helloRetryRequest).toBe(false);
  });
  it('supported_versions makes it TLS 1.3', () => {
    const { body } = decode(serverHello({ suite: 0x1301, extensions: [ext(43, u16(0x0304)), ext(51, u16(29), vec16(fill(32)))] }));
    if (body.kind !== 'server-hello') throw new Error('kind');
    expect(body.legacyVersion).toBe(0x0303);
    expect(body.version).toBe(0x0304);
    expect(body.keyShareGroup).toBe(29);
    expect(body.keyExchange).toBe('TLS13');
  });
  it('HelloRetryRequest by its random', () => {
    const { body, fields } = decode(serverHello({ random: HELLO_RETRY_REQUEST_RANDOM, suite: 0x1301, extensions: [ext(43, u16(0x0304)), ext(51, u16(23))] }));
    if (body.kind !== 'server-hello') throw new Error('kind');
    expect(body.helloRetryRequest).toBe(true);
    expect(body.keyShareGroup).toBe(23);
    expect(find(fields, 'Random')?.value).toBe('HelloRetryRequest');
  });
});

describe('Certificate', () => {
  const c1 = fill(1200, 0x30);
  const c2 = fill(900, 0x31);
  it('TLS 1.2 list with spans of each DER', () => {
    const bytes = certificate12(c1, c2);
    const { body, fields } = decode(bytes);
    if (body.kind !== 'certificate') throw new Error('kind');
    expect(body.certificates.map((c) => c.der.length)).toEqual([1200, 900]);
    expect(body.certificates[1]!.span).toEqual({ offset: 4 + 3 + 3 + 1200 + 3, length: 900 });
    expect(body.truncated).toBe(false);
    expect(spansInside(fields, bytes.length)).toBe(true);
  });
  it('empty client Certificate (rule T3)', () => {
    const { body } = decode(hs(11, vec24()));
    expect(body.kind === 'certificate' && body.certificates.length).toBe(0);
  });
  it('TLS 1.3 form with request context and per-entry extensions', () => {
    const bytes = hs(11, vec8(), vec24(vec24(c1), vec16(ext(5, [1, 2])), vec24(c2), vec16()));
    const { body } = decode(bytes, ctx13);
    if (body.kind !== 'certificate') throw new Error('kind');
    expect(body.tls13).toBe(true);
    expect(body.certificates.length).toBe(2);
    expect(body.certificates[0]!.extensions?.[0]?.type).toBe(5);
  });
  it('keeps the complete certificates of a truncated message', () => {
    const bytes = certificate12(c1, c2).subarray(0, 1500);
    const { body } = decode(bytes);
    if (body.kind !== 'certificate') throw new Error('kind');
    expect(body.truncated).toBe(true);
    expect(body.certificates.length).toBe(1);
  });
  it('a list longer than the message is malformed, and never allocated', () => {
    const bytes = cat(u8(11), [0, 0, 10], [0xff, 0xff, 0xff], fill(7));
    const r = decodeHandshake(bytes, ctx12);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.kind).toBe('malformed');
  });
  it('limits the certificates kept', () => {
    const bytes = certificate12(...Array.from({ length: 5 }, () => fill(10, 0x30)));
    const r = decodeHandshake(bytes, { ...ctx12, limits: { ...DEFAULT_TLS_LIMITS, maxCertificates: 3 } });
    if (!r.ok || r.value.body.kind !== 'certificate') throw new Error('decode');
    expect(r.value.body.certificates.length).toBe(3);
    expect(r.value.body.omitted).toBe(2);
  });
});

describe('CertificateRequest', () => {
  const ca1 = derName([OID_O, 'Example'], [OID_CN, 'Example Issuing CA']);
  const ca2 = derName([OID_CN, 'Other, Inc. Root']);
  it('TLS 1.2: types, signature algorithms, CA names as DER and text (rule T2)', () => {
    const bytes = hs(13, vec8([1, 64, 2]), vec16(u16(0x0401), u16(0x0403), u16(0x0804)), vec16(vec16(ca1), vec16(ca2)));
    const { body, fields } = decode(bytes);
    if (body.kind !== 'certificate-request') throw new Error('kind');
    expect(body.form).toBe('tls12');
    expect(body.certificateTypes).toEqual([1, 64, 2]);
    expect(body.signatureAlgorithms).toEqual([0x0401, 0x0403, 0x0804]);
    expect(body.certificateAuthorities.map((c) => c.text)).toEqual(['CN=Example Issuing CA,O=Example', 'CN=Other\\, Inc. Root']);
    expect(body.certificateAuthorities[0]!.der).toEqual(ca1);
    const span = body.certificateAuthorities[1]!.span;
    expect(bytes.subarray(span.offset, span.offset + span.length)).toEqual(ca2);
    expect(find(fields, 'Certificate Type')?.value).toBe('rsa_sign (1)');
    expect(spansInside(fields, bytes.length)).toBe(true);
  });
  it('reads a repeated CA name the same each time, an unreadable one as unreadable each time', () => {
    // The texts are remembered per process (a server asks every client alike): repeats must match a first reading.
    const bad = Uint8Array.from([0x30, 0x03, 0x31, 0x01, 0x00]);
    const bytes = hs(13, vec8([1]), vec16(u16(0x0401)), vec16(vec16(ca2), vec16(bad), vec16(ca1), vec16(ca2), vec16(bad)));
    for (let i = 0; i < 3; i++) {
      const { body, fields } = decode(bytes);
      if (body.kind !== 'certificate-request') throw new Error('kind');
      expect(body.certificateAuthorities.map((c) => c.text)).toEqual([distinguishedNameText(ca2), undefined, distinguishedNameText(ca1), distinguishedNameText(ca2), undefined]);
      expect(body.certificateAuthorities[4]!.der).toEqual(bad);
      const named = (fs: readonly Field[]): Field[] => fs.flatMap((f) => (f.label === 'Distinguished Name' ? [f] : named(f.children ?? [])));
      expect(named(fields).map((f) => f.value)).toEqual(['CN=Other\\, Inc. Root', '(unreadable DER, 5 bytes)', 'CN=Example Issuing CA,O=Example', 'CN=Other\\, Inc. Root', '(unreadable DER, 5 bytes)']);
    }
  });
  it('TLS 1.2 with an empty CA list means any CA', () => {
    const { body } = decode(hs(13, vec8([1]), vec16(u16(0x0401)), vec16()));
    expect(body.kind === 'certificate-request' && body.certificateAuthorities.length).toBe(0);
  });
  it('TLS 1.0/1.1 has no signature algorithms', () => {
    const { body } = decode(hs(13, vec8([1, 2]), vec16(vec16(ca1))), { ...ctx12, version: 0x0301 });
    if (body.kind !== 'certificate-request') throw new Error('kind');
    expect(body.form).toBe('tls10');
    expect(body.signatureAlgorithms).toBeUndefined();
    expect(body.certificateAuthorities.length).toBe(1);
  });
  it('TLS 1.3 form with extensions', () => {
    const bytes = hs(13, vec8(), vec16(ext(13, vec16(u16(0x0804))), ext(47, vec16(vec16(ca1)))));
    const { body } = decode(bytes, ctx13);
    if (body.kind !== 'certificate-request') throw new Error('kind');
    expect(body.form).toBe('tls13');
    expect(body.signatureAlgorithms).toEqual([0x0804]);
    expect(body.certificateAuthorities[0]?.text).toBe('CN=Example Issuing CA,O=Example');
  });
  it('keeps unreadable CA names as DER', () => {
    const { body } = decode(hs(13, vec8([1]), vec16(), vec16(vec16([0x30, 0x05, 1, 2]))));
    if (body.kind !== 'certificate-request') throw new Error('kind');
    expect(body.certificateAuthorities[0]!.text).toBeUndefined();
    expect(body.certificateAuthorities[0]!.der).toEqual(Uint8Array.from([0x30, 0x05, 1, 2]));
  });
});

describe('other handshake messages', () => {
  it('ServerKeyExchange ECDHE with curve and signature scheme', () => {
    const { body } = decode(hs(12, [3], u16(29), vec8(fill(32)), u16(0x0804), vec16(fill(256))));
    expect(body).toEqual({ kind: 'server-key-exchange', params: 'ecdhe', namedCurve: 29, signatureAlgorithm: 0x0804, signatureLength: 256 });
  });
  it('ServerKeyExchange DHE in TLS 1.0 has no signature algorithm', () => {
    const p = cat([0x80], fill(127));
    const { body } = decode(hs(12, vec16(p), vec16([2]), vec16(fill(128)), vec16(fill(128))), { ...ctx12, version: 0x0301, keyExchange: 'DHE_RSA' });
    expect(body).toEqual({ kind: 'server-key-exchange', params: 'dhe', dhPrimeBits: 1024, signatureLength: 128 });
  });
  it('ServerHelloDone must be empty', () => {
    expect(decode(hs(14)).body.kind).toBe('server-hello-done');
    const r = decodeHandshake(hs(14, [0]), ctx12);
    expect(!r.ok && r.error.kind).toBe('malformed');
  });
  it('CertificateVerify, ClientKeyExchange, NewSessionTicket, Finished, HelloRequest', () => {
    expect(decode(hs(15, u16(0x0401), vec16(fill(256)))).body).toEqual({ kind: 'certificate-verify', signatureAlgorithm: 0x0401, signatureLength: 256 });
    expect(decode(hs(16, vec8(fill(65)))).body).toEqual({ kind: 'client-key-exchange', length: 66 });
    expect(decode(hs(4, [0, 0, 0x1c, 0x20], vec16(fill(160)))).body).toEqual({ kind: 'new-session-ticket', lifetime: 7200, ticketLength: 160 });
    expect(decode(hs(20, fill(12))).body).toEqual({ kind: 'finished', verifyDataLength: 12 });
    expect(decode(hs(0)).body.kind).toBe('hello-request');
    expect(decode(hs(0x63, [1, 2])).body).toEqual({ kind: 'opaque', length: 2 });
  });
  it('never throws on random input', () => {
    let seed = 7;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
    for (let i = 0; i < 2000; i++) {
      const len = rnd() % 80;
      const b = Uint8Array.from({ length: len + 4 }, rnd);
      b[0] = [1, 2, 11, 12, 13, 15, 4][i % 7]!;
      for (const ctx of [ctx12, ctx13]) expect(() => decodeHandshake(b, ctx)).not.toThrow();
    }
  });
});

describe('records and names', () => {
  it('alert and change_cipher_spec', () => {
    const a = decodeAlert(Uint8Array.from([2, 43]));
    expect(a.ok && a.value.body).toEqual({ level: 2, description: 43 });
    expect(a.ok && a.value.fields[1]!.value).toBe('unsupported_certificate (43)');
    expect(decodeAlert(Uint8Array.from([2])).ok).toBe(false);
    expect(decodeChangeCipherSpec(Uint8Array.from([1])).ok).toBe(true);
    expect(decodeChangeCipherSpec(Uint8Array.from([2])).ok).toBe(false);
  });
  it('SSLv2-compatible ClientHello', () => {
    const specs = [0x00, 0x00, 0x2f, 0x07, 0x00, 0xc0, 0x00, 0x00, 0xff];
    const body = cat([1, 3, 1], u16(specs.length), u16(0), u16(16), specs, fill(16, 0xab));
    const rec = cat(u16(0x8000 | body.length), body);
    const r = decodeSslv2ClientHello(rec);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.body.sslv2).toBe(true);
    expect(r.value.body.legacyVersion).toBe(0x0301);
    expect(r.value.body.cipherSuites).toEqual([0x002f, 0x00ff]);
    expect(r.value.body.random.subarray(16)).toEqual(fill(16, 0xab));
  });
  it('names known codes and keeps unknown ones as numbers', () => {
    expect(alertDescriptionName(116)).toBe('certificate_required');
    expect(alertDescriptionName(0x1a)).toBe('unknown(0x1a)');
    expect(certificateTypeName(66)).toBe('ecdsa_fixed_ecdh');
    expect(handshakeTypeName(13)).toBe('CertificateRequest');
    expect(versionName(0x0304)).toBe('TLS 1.3');
    expect(versionName(0x7f17)).toBe('TLS 1.3 draft 23');
    expect(signatureSchemeName(0x0804)).toBe('rsa_pss_rsae_sha256');
    expect(namedGroupName(0x11ec)).toBe('X25519MLKEM768');
    expect(extensionTypeName(47)).toBe('certificate_authorities');
  });
  it('cipher suites carry their key exchange (rule E8)', () => {
    expect(cipherSuiteInfo(0x009c).keyExchange).toBe('RSA');
    expect(cipherSuiteInfo(0xc02f).keyExchange).toBe('ECDHE_RSA');
    expect(cipherSuiteInfo(0xc02b).keyExchange).toBe('ECDHE_ECDSA');
    expect(cipherSuiteInfo(0x009e).keyExchange).toBe('DHE_RSA');
    expect(cipherSuiteInfo(0xc031).keyExchange).toBe('ECDH_RSA');
    expect(cipherSuiteInfo(0xc005).keyExchange).toBe('ECDH_ECDSA');
    expect(cipherSuiteInfo(0x0003).keyExchange).toBe('RSA_EXPORT');
    expect(cipherSuiteInfo(0x1302).keyExchange).toBe('TLS13');
    expect(cipherSuiteInfo(0xabcd)).toEqual({ code: 0xabcd, name: 'unknown(0xabcd)', keyExchange: 'unknown', known: false });
  });
  it('DN text escapes and never throws', () => {
    expect(distinguishedNameText(derName([OID_CN, 'a+b'], [OID_O, ' x']))).toBe('O=\\ x,CN=a\\+b');
    expect(distinguishedNameText(Uint8Array.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]))).toBeUndefined();
    expect(distinguishedNameText(new Uint8Array(0))).toBeUndefined();
  });
});
