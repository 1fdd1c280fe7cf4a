import { describe, expect, it } from 'vitest';
import { loadCertificates, toPem } from '../../src/x509/index.js';
import { cert, fixtureBytes, utf8 } from './helpers.js';

describe('loadCertificates', () => {
  it('a bundle with CRLF line ends and text around and between the blocks', () => {
    const r = loadCertificates(fixtureBytes('bundle-crlf.pem'), 'bundle-crlf.pem');
    expect(r.problems).toEqual([]);
    expect(r.privateKeysSkipped).toBe(0);
    expect(r.certificates.map((c) => c.subject!.rfc4514)).toEqual([
      'CN=expc.example.com,O=Ekuscope Test,C=US',
      'CN=Ekuscope ServerAuth-only Issuing CA,O=Ekuscope Test,C=US',
    ]);
    expect(r.certificates.map((c) => c.source)).toEqual([
      { name: 'bundle-crlf.pem', index: 0 },
      { name: 'bundle-crlf.pem', index: 1 },
    ]);
  });

  it('private keys of every kind are counted and skipped, and never appear in the result', () => {
    const bytes = fixtureBytes('fake-key.pem');
    const r = loadCertificates(bytes, 'fake-key.pem');
    expect(r.privateKeysSkipped).toBe(4); // PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY, ENCRYPTED PRIVATE KEY
    expect(r.certificates.map((c) => c.subject!.rfc4514)).toEqual([
      'CN=noeku.example.com,O=Ekuscope Test,C=US',
      'CN=anyeku.example.com,O=Ekuscope Test,C=US',
    ]);
    expect(r.problems).toEqual([]);
    // No line of base64 from a key block shows up anywhere in what we return.
    const text = new TextDecoder().decode(bytes);
    const keyLines = [...text.matchAll(/-----BEGIN [A-Z ]*PRIVATE KEY-----([\s\S]*?)-----END/g)].flatMap((m) =>
      m[1]!.split('\n').filter((l) => l.length > 20),
    );
    expect(keyLines.length).toBeGreaterThan(10);
    const serialised = JSON.stringify(r, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v));
    for (const l of keyLines) expect(serialised).not.toContain(l.trim());
  });

  it('garbage PEM gives clear problems and no certificate', () => {
    const r = loadCertificates(fixtureBytes('garbage.pem'), 'garbage.pem');
    expect(r.certificates).toEqual([]);
    expect(r.problems).toHaveLength(2);
    expect(r.problems[0]).toMatch(/^garbage\.pem: certificate block at line 1 is not a valid certificate/);
    expect(r.problems[1]).toBe('garbage.pem: certificate block at line 4 is not valid base64');
  });

  it('DER files are sniffed; concatenated DER works; a DER private key is skipped', () => {
    const der = fixtureBytes('leaf-ec.der');
    expect(loadCertificates(der, 'x.der').certificates[0]!.subject!.rfc4514).toBe('CN=ec.example.com,O=Ekuscope Test,C=US');
    const two = Buffer.concat([cert('leaf-noeku.pem').der, cert('root-noeku.pem').der]);
    expect(loadCertificates(two, 'two.der').certificates).toHaveLength(2);
    // RSAPrivateKey ::= SEQUENCE { version INTEGER, ... } (RFC 8017 §A.1.2) — first element an INTEGER.
    const fakeKey = new Uint8Array([0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x05]);
    const k = loadCertificates(fakeKey, 'key.der');
    expect(k.certificates).toEqual([]);
    expect(k.privateKeysSkipped).toBe(1);
  });

  it('empty files, text without blocks, an unterminated block, other block types', () => {
    expect(loadCertificates(new Uint8Array(0), 'e.pem').problems).toEqual(['e.pem: file is empty']);
    expect(loadCertificates(utf8('hello'), 't.txt').problems[0]).toMatch(/no PEM certificate block/);
    const leafPem = toPem(cert('leaf-noeku.pem').der);
    const r = loadCertificates(utf8(`-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n${leafPem}-----BEGIN CERTIFICATE-----\nMIIB\n`), 'm.pem');
    expect(r.certificates).toHaveLength(1);
    const unterminatedLine = 3 + leafPem.split('\n').length; // 3 CRL lines, then the leaf's lines
    expect(r.problems).toEqual([
      'm.pem: skipped a "X509 CRL" block at line 1 (not a certificate)',
      `m.pem: "CERTIFICATE" block at line ${unterminatedLine} has no END line`,
    ]);
  });

  it('toPem round-trips', () => {
    const c = cert('leaf-rsa4096.pem');
    expect(loadCertificates(utf8(toPem(c.der)), 'p').certificates[0]!.sha256).toBe(c.sha256);
  });
});
