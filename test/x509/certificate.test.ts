import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { describeWith } from '../helpers/tools.js';
import { parseCertificate, escapeForDisplay, parseName } from '../../src/x509/index.js';
import {
  bytes,
  cert,
  ext,
  fixtureBytes,
  fixturePath,
  makeCert,
  name,
  oid,
  openssl,
  seq,
  tlv,
  utf8,
} from './helpers.js';

const LEAVES = [
  'root-noeku.pem',
  'int-serverauth.pem',
  'int-noeku.pem',
  'leaf-client-under-serverauth.pem',
  'leaf-client-ok.pem',
  'leaf-serveronly.pem',
  'leaf-serveronly-critical.pem',
  'leaf-anyeku.pem',
  'leaf-noeku.pem',
  'leaf-ku-keyenc-only.pem',
  'leaf-ku-digsig-only.pem',
  'leaf-nscerttype-server.pem',
  'leaf-rsa4096.pem',
  'leaf-ec.pem',
  'leaf-serial-pad.pem',
  'leaf-hostile-cn.pem',
  'leaf-names.pem',
];

describe('parseCertificate on the openssl-made fixtures', () => {
  it('decodes the 2026 shape: clientAuth leaf under a serverAuth-only intermediate', () => {
    const c = cert('leaf-client-under-serverauth.pem');
    expect(c.error).toBeUndefined();
    expect(c.version).toBe(3);
    expect(c.serial).toBe('46df76aa0000000029');
    expect(c.serialDisplay).toBe('46df76aa0000000029');
    expect(c.subject!.rfc4514).toBe('CN=expc.example.com,O=Ekuscope Test,C=US');
    expect(c.issuer!.rfc4514).toBe('CN=Ekuscope ServerAuth-only Issuing CA,O=Ekuscope Test,C=US');
    expect(c.subject!.attributes.map((a) => [a.oid, a.shortName, a.value])).toEqual([
      ['2.5.4.6', 'C', 'US'],
      ['2.5.4.10', 'O', 'Ekuscope Test'],
      ['2.5.4.3', 'CN', 'expc.example.com'],
    ]);
    expect(c.eku).toMatchObject({ present: true, critical: false, serverAuth: true, clientAuth: true, anyExtendedKeyUsage: false });
    expect(c.eku!.oids).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(c.eku!.names).toEqual(['serverAuth', 'clientAuth']);
    expect(c.keyUsage).toEqual({ critical: true, usages: ['digitalSignature', 'keyEncipherment'] });
    expect(c.basicConstraints).toEqual({ critical: false, cA: false });
    expect(c.san).toMatchObject({ dns: ['expc.example.com', 'expc'], ip: ['192.0.2.10'], total: 3, truncated: false });
    expect(c.subjectKeyId).toMatch(/^[0-9a-f]{40}$/);
    expect(c.authorityKeyId?.keyIdentifier).toBe(cert('int-serverauth.pem').subjectKeyId);
    expect(c.publicKey).toMatchObject({ type: 'rsa', bits: 2048, algorithmName: 'rsaEncryption' });
    expect(c.signatureAlgorithm).toMatchObject({ name: 'sha256WithRSAEncryption', oid: '1.2.840.113549.1.1.11' });
    expect(c.isSelfIssued).toBe(false);
    expect(c.warnings).toEqual([]);
    expect(c.sha256).toBe(createHash('sha256').update(c.der).digest('hex'));
    expect(c.sha1).toBe(createHash('sha1').update(c.der).digest('hex'));
    expect(c.validity!.notBeforeIso).toBe(c.validity!.notBefore.toISOString());
  });

  it('EKU variants: none, anyEKU only, serverAuth only (critical and not)', () => {
    expect(cert('leaf-noeku.pem').eku).toMatchObject({ present: false, oids: [] });
    expect(cert('root-noeku.pem').eku!.present).toBe(false);
    expect(cert('leaf-anyeku.pem').eku).toMatchObject({ present: true, anyExtendedKeyUsage: true, names: ['anyExtendedKeyUsage'] });
    expect(cert('leaf-serveronly.pem').eku).toMatchObject({ present: true, critical: false, serverAuth: true, clientAuth: false });
    expect(cert('leaf-serveronly-critical.pem').eku).toMatchObject({ present: true, critical: true, serverAuth: true, clientAuth: false });
  });

  it('CA certificates: basic constraints, keyCertSign, self-issued root', () => {
    const root = cert('root-noeku.pem');
    expect(root.isSelfIssued).toBe(true);
    expect(root.basicConstraints).toEqual({ critical: true, cA: true });
    expect(root.keyUsage!.usages).toEqual(['keyCertSign', 'cRLSign']);
    expect(cert('int-serverauth.pem').basicConstraints).toEqual({ critical: true, cA: true, pathLen: 0 });
  });

  it('Key Usage and Netscape cert type variants', () => {
    expect(cert('leaf-ku-keyenc-only.pem').keyUsage!.usages).toEqual(['keyEncipherment']);
    expect(cert('leaf-ku-digsig-only.pem').keyUsage!.usages).toEqual(['digitalSignature']);
    expect(cert('leaf-nscerttype-server.pem').netscapeCertType).toEqual({ critical: false, types: ['sslServer'] });
  });

  it('key sizes: RSA 4096 and EC P-256', () => {
    expect(cert('leaf-rsa4096.pem').publicKey).toMatchObject({ type: 'rsa', bits: 4096 });
    expect(cert('leaf-ec.pem').publicKey).toMatchObject({ type: 'ec', curve: 'prime256v1', bits: 256 });
    expect(cert('leaf-ec.pem').keyUsage!.usages).toEqual(['digitalSignature', 'keyAgreement']);
  });

  it('keeps a leading 00 pad byte in serial and drops it in serialDisplay', () => {
    const c = cert('leaf-serial-pad.pem');
    expect(c.serial).toBe('00c6df76aa0000000029');
    expect(c.serialDisplay).toBe('c6df76aa0000000029');
  });

  it('RFC 4514: escaping, multi-valued RDN, dotted OIDs for email and postalCode (as Python cryptography)', () => {
    const c = cert('leaf-names.pem');
    expect(c.subject!.rfc4514).toBe(
      '1.2.840.113549.1.9.1=pki@example.com,UID=u123+CN=names.example.com,2.5.4.17=94043,OU=\\#hash\\;semi,O=Acme\\, Inc. \\<R&D\\>,ST=CA,C=US',
    );
    expect(c.subject!.rdns[5]!.map((a) => a.shortName)).toEqual(['UID', 'CN']);
    expect(c.san).toMatchObject({ dns: ['names.example.com'], ip: ['2001:db8::1'], uri: ['sip:names@example.com'], email: ['pki@example.com'] });
  });

  it('hostile CN: keeps the text as data, warns, and escapes it for display', () => {
    const c = cert('leaf-hostile-cn.pem');
    expect(c.subject!.rfc4514).toBe('CN=evil\x1b[31mred\u202egpj.exe,O=Ekuscope Test,C=US');
    expect(c.warnings.join(' ')).toMatch(/control or bidirectional/);
    const shown = escapeForDisplay(c.subject!.rfc4514);
    expect(shown).not.toMatch(/[\x1b\u202e]/);
    expect(shown).toContain('\\u{1b}[31m');
    expect(shown).toContain('\\u{202e}');
  });

  it('the Name DER is byte-exact (for CertificateRequest CA-name matching) and parses on its own', () => {
    const c = cert('leaf-client-under-serverauth.pem');
    const issuer = cert('int-serverauth.pem');
    expect(Buffer.from(c.issuer!.der).equals(Buffer.from(issuer.subject!.der))).toBe(true);
    expect(parseName(issuer.subject!.der).name!.rfc4514).toBe(issuer.subject!.rfc4514);
    expect(parseName(bytes(0x30, 0x05, 1)).error).toBeDefined();
  });

  it('copies its input: later changes to the caller buffer do not leak in', () => {
    const der = new Uint8Array(cert('leaf-noeku.pem').der);
    const c = parseCertificate(der);
    der.fill(0);
    expect(c.der[0]).toBe(0x30);
    expect(c.subject!.rfc4514).toContain('noeku');
  });
});

const describeOpenssl = (name: string, body: () => void) => describeWith(['openssl'], name, body);

const OPENSSL_EKU: Record<string, string> = {
  'TLS Web Server Authentication': '1.3.6.1.5.5.7.3.1',
  'TLS Web Client Authentication': '1.3.6.1.5.5.7.3.2',
  'Any Extended Key Usage': '2.5.29.37.0',
  'Code Signing': '1.3.6.1.5.5.7.3.3',
  'E-mail Protection': '1.3.6.1.5.5.7.3.4',
};

/** `-nameopt sep_multiline,utf8,oid` prints one RDN per line, unescaped, attributes joined by " + ". */
function opensslName(out: string, field: string): [string, string][] {
  const lines = out.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`${field}=`));
  const attrs: [string, string][] = [];
  for (const l of lines.slice(start + 1)) {
    if (!l.startsWith('    ')) break;
    for (const part of l.slice(4).split(' + ')) {
      const eq = part.indexOf('=');
      attrs.push([part.slice(0, eq), part.slice(eq + 1)]);
    }
  }
  return attrs;
}

describeOpenssl('certificate fields against openssl x509', () => {
  for (const f of LEAVES) {
    it(`${f}: serial, subject, issuer, EKU, dates, fingerprint, key size agree with openssl`, () => {
      const c = cert(f);
      const r = openssl([
        'x509', '-in', fixturePath(f), '-noout', '-serial', '-subject', '-issuer', '-dates', '-fingerprint', '-sha256',
        '-nameopt', 'sep_multiline,utf8,oid', '-ext', 'extendedKeyUsage',
      ]);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(`serial=${c.serialDisplay!.toUpperCase()}\n`);
      expect(opensslName(r.stdout, 'subject')).toEqual(c.subject!.attributes.map((a) => [a.oid, a.value]));
      expect(opensslName(r.stdout, 'issuer')).toEqual(c.issuer!.attributes.map((a) => [a.oid, a.value]));
      const fp = /sha256 Fingerprint=([0-9A-F:]+)/.exec(r.stdout)![1]!.replace(/:/g, '').toLowerCase();
      expect(fp).toBe(c.sha256);
      const nb = new Date(/notBefore=(.*)/.exec(r.stdout)![1]!);
      const na = new Date(/notAfter=(.*)/.exec(r.stdout)![1]!);
      expect(c.validity!.notBefore.getTime()).toBe(nb.getTime());
      expect(c.validity!.notAfter.getTime()).toBe(na.getTime());
      const ekuBlock = /X509v3 Extended Key Usage:( critical)?\s*\n\s+(.*)/.exec(r.stdout);
      if (!ekuBlock) expect(c.eku!.present).toBe(false);
      else {
        expect(c.eku!.present).toBe(true);
        expect(c.eku!.critical).toBe(ekuBlock[1] === ' critical');
        expect(ekuBlock[2]!.split(', ').map((n) => OPENSSL_EKU[n.trim()] ?? n.trim())).toEqual(c.eku!.oids);
      }
      const text = openssl(['x509', '-in', fixturePath(f), '-noout', '-text']).stdout;
      expect(text).toContain(`Public-Key: (${c.publicKey!.bits} bit)`);
    });
  }

  it('reads the DER fixture the same as its PEM twin', () => {
    const fromDer = parseCertificate(fixtureBytes('leaf-ec.der'));
    expect(fromDer.sha256).toBe(cert('leaf-ec.pem').sha256);
  });
});

describe('malformed and hostile DER never throws', () => {
  it('an 8-byte certificate with a huge declared length (as in suricata bug-1450)', () => {
    const der = bytes(0x30, 0x06, 0x30, 0x84, 0xff, 0xff, 0xff, 0xfa);
    const c = parseCertificate(der);
    expect(c.error).toBeDefined();
    expect(c.sha256).toBe(createHash('sha256').update(der).digest('hex'));
    expect(c.der).toEqual(der);
    expect(c.subject).toBeUndefined();
    expect(c.serial).toBeUndefined();
  });

  it('empty input, random text, truncated certificate, trailing garbage', () => {
    const good = cert('leaf-noeku.pem').der;
    for (const der of [new Uint8Array(0), utf8('hello world'), good.subarray(0, good.length - 10), new Uint8Array([...good, 0])]) {
      const c = parseCertificate(der);
      expect(c.error).toBeDefined();
      expect(c.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('ASN.1 nested 10,000 deep is refused quickly with a warning', () => {
    let x = bytes(0x05, 0x00);
    for (let i = 0; i < 10_000; i++) x = tlv(0x30, x);
    const t = Date.now();
    const c = parseCertificate(x);
    expect(Date.now() - t).toBeLessThan(2000);
    expect(c.error).toMatch(/nested deeper/);
    expect(c.warnings.join(' ')).toMatch(/nested deeper/);
  });

  it('deep nesting inside an unknown extension costs nothing and the certificate still decodes', () => {
    let x = bytes(0x05, 0x00);
    for (let i = 0; i < 10_000; i++) x = tlv(0x30, x);
    const c = parseCertificate(makeCert({ extensions: [ext('1.2.3.4.5', x)] }));
    expect(c.error).toBeUndefined();
    expect(c.extensions!.map((e) => e.oid)).toEqual(['1.2.3.4.5']);
  });

  it('100,000 SANs: decoded up to the cap, the true count and a warning kept', () => {
    const names: Uint8Array[] = [];
    for (let i = 0; i < 100_000; i++) names.push(tlv(0x82, utf8(`h${i}.example.com`)));
    const t = Date.now();
    const c = parseCertificate(makeCert({ extensions: [ext('2.5.29.17', seq(Buffer.concat(names)))] }));
    expect(Date.now() - t).toBeLessThan(5000);
    expect(c.error).toBeUndefined();
    expect(c.san!.total).toBe(100_000);
    expect(c.san!.truncated).toBe(true);
    expect(c.san!.dns.length).toBe(1000);
    expect(c.warnings.join(' ')).toMatch(/100000 names/);
  });

  it('past the ASN.1 library node budget the walker still decodes, and says the schema check was skipped', () => {
    const names: Uint8Array[] = [];
    for (let i = 0; i < 260_000; i++) names.push(tlv(0x82, utf8(`h${i}`)));
    const c = parseCertificate(makeCert({ extensions: [ext('2.5.29.17', seq(Buffer.concat(names)))] }));
    expect(c.error).toBeUndefined();
    expect(c.san!.total).toBe(260_000);
    expect(c.warnings.join(' ')).toMatch(/library limit.*without the full schema check/);
  });

  it('a broken extension is reported on that extension; the rest of the certificate stands', () => {
    const c = parseCertificate(
      makeCert({
        extensions: [ext('2.5.29.15', bytes(0x03, 0x09, 0x00)), ext('2.5.29.17', seq(tlv(0x82, utf8('ok.example.com'))))],
      }),
    );
    expect(c.error).toBeUndefined();
    expect(c.keyUsage).toBeUndefined();
    expect(c.extensions![0]!.error).toBeDefined();
    expect(c.san!.dns).toEqual(['ok.example.com']);
  });

  it('an EKU that cannot be read is treated as present and permitting nothing', () => {
    const c = parseCertificate(makeCert({ extensions: [ext('2.5.29.37', bytes(0x30, 0x03, 0x06, 0x01))] }));
    expect(c.eku).toMatchObject({ present: true, oids: [], clientAuth: false });
    expect(c.warnings.join(' ')).toMatch(/extendedKeyUsage could not be decoded/);
  });

  it('negative serial, duplicate extension, BMPString and Latin-1 T61String names are decoded with warnings', () => {
    const eku = ext('2.5.29.37', seq(oid('1.3.6.1.5.5.7.3.2')));
    const c = parseCertificate(
      makeCert({
        serial: bytes(0x80, 0x01),
        subject: name(['2.5.4.3', bytes(0x00, 0x41, 0x00, 0xe9), 0x1e], ['2.5.4.10', bytes(0x4d, 0xfc, 0x6e), 0x14]),
        extensions: [eku, eku],
      }),
    );
    expect(c.error).toBeUndefined();
    expect(c.serial).toBe('8001');
    expect(c.subject!.rfc4514).toBe('O=Mün,CN=Aé');
    expect(c.warnings.join(' | ')).toMatch(/negative/);
    expect(c.warnings.join(' | ')).toMatch(/more than once/);
    expect(c.warnings.join(' | ')).toMatch(/not valid UTF-8/);
  });

  it('RFC 4514 edge escapes match cryptography: leading #, leading/trailing space, NUL, plus', () => {
    const c = parseCertificate(
      makeCert({ subject: name(['2.5.4.3', utf8(' a+b ')], ['2.5.4.10', utf8('#x\u0000y')], ['2.5.4.11', utf8('')]) }),
    );
    expect(c.subject!.rfc4514).toBe('OU=,O=\\#x\\00y,CN=\\ a\\+b\\ ');
  });

  it('random bytes and mutations of a real certificate never throw', () => {
    const good = cert('leaf-client-under-serverauth.pem').der;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (b) => {
        const c = parseCertificate(b);
        expect(typeof c.sha256).toBe('string');
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(good.length), (muts, cut) => {
        const b = new Uint8Array(good);
        for (const [i, v] of muts) b[i] = v;
        const c = parseCertificate(b.subarray(0, Math.max(1, cut)));
        expect(c.error === undefined || typeof c.error === 'string').toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
