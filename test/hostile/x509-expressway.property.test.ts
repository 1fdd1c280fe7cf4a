/**
 * Properties of the certificate stage and of the Expressway inputs under random and damaged input:
 * parseCertificate and loadCertificates never throw and never fail by an internal error, a private
 * key never appears in what they return; xconf/xstat dumps and logging snapshots parse whatever the
 * bytes (and a snapshot parses the same whatever its chunking); a damaged bundle archive is listed
 * as far as it can be read, never throws, never extracts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createLoggingSnapshotParser, openBundle, parseLoggingSnapshot, parseXconf, parseXstat, scanTarGz } from '../../src/expressway/index.js';
import { loadCertificates, parseCertificate } from '../../src/x509/index.js';
import { capturesDir } from '../helpers/corpus.js';
import { tarBytes } from '../expressway/tarWriter.js';
import { FIXTURES, fixtureBytes } from '../x509/helpers.js';
import { tempDir } from './lib.js';

const RUNS = Number(process.env.HOSTILE_RUNS ?? 1);
/** JavaScript's own failure messages: seeing one in a certificate error means a decoder bug, not bad input. */
const INTERNAL = /Cannot read prop|is not a function|is not iterable|undefined is not|Maximum call stack|Invalid array length|decoder error/;

const pemFixtures = readdirSync(FIXTURES).filter((n) => n.endsWith('.pem') && n !== 'fake-key.pem' && n !== 'garbage.pem');
const ders = pemFixtures.flatMap((n) => loadCertificates(fixtureBytes(n), n).certificates.map((c) => c.der));

const mutatedDer = fc
  .record({
    der: fc.constantFrom(...ders),
    edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
    cut: fc.option(fc.nat(), { nil: undefined }),
    insert: fc.option(fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 })), { nil: undefined }),
  })
  .map(({ der, edits, cut, insert }) => {
    let b = der.slice();
    for (const [at, v] of edits) b[at % b.length] = v;
    if (insert) {
      const at = insert[0] % b.length;
      b = Uint8Array.from([...b.subarray(0, at), ...insert[1], ...b.subarray(at)]);
    }
    return cut === undefined ? b : b.subarray(0, cut % (b.length + 1));
  });

describe('x509', () => {
  it('parseCertificate on mutated real certificates: never throws, always fingerprints, errors are verdicts not bugs', () => {
    fc.assert(
      fc.property(mutatedDer, (der) => {
        const c = parseCertificate(der);
        expect(c.sha256).toMatch(/^[0-9a-f]{64}$/);
        if (c.error) expect(c.error).not.toMatch(INTERNAL);
        for (const w of c.warnings) expect(w).not.toMatch(INTERNAL);
        if (c.san) expect(c.san.dns.length + c.san.ip.length + c.san.uri.length + c.san.email.length + c.san.other.length).toBeLessThanOrEqual(1000);
      }),
      { numRuns: 1500 * RUNS },
    );
  });

  it('parseCertificate on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (der) => {
        const c = parseCertificate(der);
        expect(c.error ?? '').not.toMatch(INTERNAL);
      }),
      { numRuns: 2000 * RUNS },
    );
  });

  it('loadCertificates on random mixes of certificate, key, garbage and broken blocks: never throws, never returns key material', () => {
    const keyB64 = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDSECRETKEYMATERIAL';
    const block = fc.oneof(
      fc.constantFrom(...pemFixtures).map((n) => new TextDecoder().decode(fixtureBytes(n))),
      fc.constantFrom('PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'OPENSSH PRIVATE KEY').map((l) => `-----BEGIN ${l}-----\n${keyB64}\n-----END ${l}-----\n`),
      fc.constant(`-----BEGIN PRIVATE KEY-----\n${keyB64}\n`),
      fc.string({ maxLength: 80 }),
      fc.constantFrom('-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n', '-----BEGIN CERTIFICATE-----\nMIIB\n', 'Bag Attributes\n    localKeyID: 01\n', '-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n'),
    );
    fc.assert(
      fc.property(fc.array(block, { maxLength: 8 }), fc.boolean(), (blocks, crlf) => {
        let text = blocks.join('');
        if (crlf) text = text.replace(/\n/g, '\r\n');
        const r = loadCertificates(new TextEncoder().encode(text), 'mixed.pem');
        const everything = JSON.stringify({ problems: r.problems, certs: r.certificates.map((c) => ({ ...c, der: Buffer.from(c.der).toString('base64') })) });
        expect(everything).not.toContain('SECRETKEYMATERIAL');
        expect(everything).not.toContain(keyB64.slice(0, 40));
        for (const p of r.problems) expect(p).not.toMatch(INTERNAL);
      }),
      { numRuns: 600 * RUNS },
    );
  });
});

// ---- Expressway inputs ---------------------------------------------------------------------------

const EXP = join(FIXTURES, '..', 'expressway');
const dumps = readdirSync(EXP).filter((n) => /^(xconf|xstat)_dump_/.test(n)).map((n) => readFileSync(join(EXP, n), 'latin1'));
const snapshot = readFileSync(join(EXP, readdirSync(EXP).find((n) => n.startsWith('loggingsnapshot_'))!));

const mutatedText = (sources: string[]) =>
  fc
    .record({
      src: fc.constantFrom(...sources),
      edits: fc.array(fc.tuple(fc.nat(), fc.constantFrom('<', '>', '"', '\n', '\u0000', '\u001b[31m', '\u202e', '&', '=', ' ', '</Configuration>', '<![CDATA[', '*c xConfiguration ')), { maxLength: 10 }),
      cut: fc.option(fc.nat(), { nil: undefined }),
    })
    .map(({ src, edits, cut }) => {
      let s = src;
      for (const [at, v] of edits) {
        const i = at % (s.length + 1);
        s = s.slice(0, i) + v + s.slice(i);
      }
      return cut === undefined ? s : s.slice(0, cut % (s.length + 1));
    });

describe('Expressway inputs', () => {
  it('parseXconf and parseXstat on mutated dumps (text and XML): never throw, problems are plain sentences', () => {
    fc.assert(
      fc.property(mutatedText(dumps), (text) => {
        for (const r of [parseXconf(text), parseXstat(text)]) {
          for (const p of r.problems) {
            expect(p.message).not.toMatch(INTERNAL);
            expect(p.message).not.toMatch(/[\u0000-\u0008\u001b\u202e]/);
          }
        }
      }),
      { numRuns: 800 * RUNS },
    );
  });

  it('parseXconf on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'binary' }), (s) => {
        parseXconf(s);
        parseXstat(new TextEncoder().encode(s));
      }),
      { numRuns: 800 * RUNS },
    );
  });

  it('a logging snapshot parses the same whatever the chunking, and never throws on damaged lines', () => {
    const damaged = mutatedText([snapshot.toString('latin1')]);
    fc.assert(
      fc.property(damaged, fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 20 }), (text, cuts) => {
        const bytes = Buffer.from(text, 'latin1');
        const whole = parseLoggingSnapshot(bytes);
        const p = createLoggingSnapshotParser();
        let at = 0;
        let k = 0;
        while (at < bytes.length) {
          const n = cuts[k++ % cuts.length]!;
          p.push(bytes.subarray(at, at + n));
          at += n;
        }
        expect(p.end()).toEqual(whole);
      }),
      { numRuns: 400 * RUNS },
    );
  });

  describe('damaged bundle archives', () => {
    const temp = tempDir();
    afterAll(() => temp.cleanup());
    const scenario = join(capturesDir, '01-webex-client-cert');
    const names = readdirSync(scenario).filter((n) => n !== 'README.md');
    const tar = tarBytes(names.map((n) => ({ name: `b/${n}`, data: readFileSync(join(scenario, n)) })));
    let n = 0;

    it('bytes flipped or cut in the tar or in its gzip stream: openBundle never throws and every problem has an offset', async () => {
      await fc.assert(
        fc.asyncProperty(fc.boolean(), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }), fc.option(fc.nat(), { nil: undefined }), async (gz, edits, cut) => {
          let b = gz ? new Uint8Array(gzipSync(tar)) : new Uint8Array(tar);
          b = b.slice();
          for (const [at, v] of edits) b[at % b.length] = v;
          if (cut !== undefined) b = b.subarray(0, cut % (b.length + 1));
          const path = temp.file(`b${++n}.tar${gz ? '.gz' : ''}`, b);
          const set = await openBundle(path);
          for (const p of set.problems) expect(p.message).not.toMatch(INTERNAL);
          const listing = await scanTarGz(path, () => undefined);
          for (const p of listing.problems) if (p.code !== 'io' && p.code !== 'tar-no-end-marker') expect(typeof p.offset).toBe('number');
        }),
        { numRuns: 120 * RUNS },
      );
    });
  });
});
