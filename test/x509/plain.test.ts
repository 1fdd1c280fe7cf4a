/**
 * The fast path (plain.ts) against pkijs: a certificate the fast schema check passes skips pkijs,
 * so for every certificate the tests can find, decoding with the fast path must give exactly what
 * decoding with pkijs's schema check gives (error, warnings, every field), and the certificates
 * of real captures must take the fast path (or it would not be one).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/analysis/index.js';
import { loadCertificates, parseCertificate } from '../../src/x509/index.js';
import { PKIJS_MAX_NODES, checkWithPkijs } from '../../src/x509/pkijs-boundary.js';
import { isPlainCertificate } from '../../src/x509/plain.js';
import { CORPUS, FIXTURES, REPO_ROOT, bytes, cert, ext, makeCert, name, oid, seq, tlv, utf8 } from './helpers.js';

function files(dir: string, re: RegExp): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? files(p, re) : re.test(n) ? [p] : [];
  });
}

/** Every certificate the project's own pipeline finds in the captures of a folder, and in its PEM files. */
async function certificatesUnder(dir: string): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const f of files(dir, /\.(pcap|pcapng|gz)$/)) {
    const a = await analyzeCapture(f);
    for (const c of a.pool.all()) out.set(c.sha256, c.der);
  }
  for (const f of files(dir, /\.(pem|crt|cer|der)$/)) {
    for (const c of loadCertificates(new Uint8Array(readFileSync(f)), path.basename(f)).certificates) out.set(c.sha256, c.der);
  }
  return out;
}

/** The two paths agree on one certificate, field for field. */
function expectSameAsPkijs(der: Uint8Array): void {
  expect(parseCertificate(der)).toEqual(parseCertificate(der, { schemaCheck: 'always' }));
}

describe('the fast schema check agrees with pkijs', () => {
  for (const [label, dir] of [
    ['captures/', path.join(REPO_ROOT, 'captures')],
    ['test/corpus/', CORPUS],
    ['test/fixtures/x509/', FIXTURES],
  ] as const) {
    it(`on every certificate of ${label}`, async () => {
      const certs = await certificatesUnder(dir);
      expect(certs.size).toBeGreaterThan(5);
      let plain = 0;
      for (const der of certs.values()) {
        expectSameAsPkijs(der);
        if (isPlainCertificate(der, 2 * PKIJS_MAX_NODES)) {
          plain++;
          // What the fast path stands for: pkijs accepts it and reads the same version and validity.
          const schema = checkWithPkijs(der);
          expect(schema.ok).toBe(true);
        }
      }
      // Real certificates take the fast path; the ones that do not are damaged or odd on purpose.
      expect(plain / certs.size).toBeGreaterThan(0.8);
    }, 60_000);
  }

  it('every certificate the scenario generator mints is plain', async () => {
    const certs = await certificatesUnder(path.join(REPO_ROOT, 'captures'));
    const odd = [...certs.values()].filter((der) => !isPlainCertificate(der, 2 * PKIJS_MAX_NODES));
    expect(odd.length).toBe(0);
  }, 60_000);

  it('on hand-made odd and hostile certificates', () => {
    let deep = bytes(0x05, 0x00);
    for (let i = 0; i < 1000; i++) deep = tlv(0x30, deep);
    const cases = [
      makeCert(),
      makeCert({ extensions: [ext('1.2.3.4.5', deep)] }),
      makeCert({ serial: bytes(0x80, 0x01) }),
      makeCert({ subject: name(['2.5.4.3', bytes(0x00, 0x41, 0x00, 0xe9), 0x1e], ['2.5.4.10', bytes(0x4d, 0xfc, 0x6e), 0x14]) }),
      makeCert({ subject: name(['2.5.4.3', bytes(0x00, 0x41, 0x00), 0x1e]) }), // odd-length BMPString
      makeCert({ subject: seq() }), // empty subject
      makeCert({ subject: seq(tlv(0x31)) }), // empty RDN
      makeCert({ subject: name(['2.5.4.3', utf8('x'), 0x0a]) }), // ENUMERATED as a value
      makeCert({ extensions: [ext('2.5.29.15', bytes(0x03, 0x09, 0x00))] }),
      makeCert({ extensions: [ext('2.5.29.37', seq(oid('1.3.6.1.5.5.7.3.2'))), ext('2.5.29.37', seq(oid('1.3.6.1.5.5.7.3.2')))] }),
      makeCert({ extensions: [] }),
      makeCert({ sigAlgOid: '1.2.3' }),
      makeCert({ spki: seq(seq(oid('1.2.840.10045.2.1'), oid('1.2.840.10045.3.1.7')), tlv(0x03, bytes(0x08, 0x04))) }),
    ];
    for (const der of cases) expectSameAsPkijs(der);
    expect(isPlainCertificate(cases[0]!, 2 * PKIJS_MAX_NODES)).toBe(true);
  });

  it('on random mutations and cuts of real certificates', () => {
    const seeds = ['leaf-client-under-serverauth.pem', 'leaf-ec.pem', 'leaf-noeku.pem'].map((n) => cert(n).der);
    fc.assert(
      fc.property(
        fc.nat(seeds.length - 1),
        fc.array(fc.tuple(fc.nat(4095), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.nat(4096),
        (which, muts, cut) => {
          const good = seeds[which]!;
          const b = new Uint8Array(good);
          for (const [i, v] of muts) b[i % b.length] = v;
          expectSameAsPkijs(b);
          expectSameAsPkijs(b.subarray(0, Math.max(1, Math.min(cut, b.length))));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
