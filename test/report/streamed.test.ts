/**
 * `report --format json` told as the captures are read (ReportOptions.stream: each session told as
 * its connection closes, set aside, and let go) writes exactly what the report made from the whole
 * explanation writes: the same text, findings count and exit code, for every capture of the corpus
 * and the scenarios, several captures at once, with stores and Expressway addresses given, and with
 * a key log.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeCapture, type Session } from '../../src/analysis/index.js';
import { runReport, type ReportOptions } from '../../src/cli/report.js';
import { CertPool } from '../../src/x509/index.js';
import { capturesDir, capturesUnder, corpusFiles } from '../helpers/corpus.js';
import { describeWith } from '../helpers/tools.js';
import { makePki, record, writePcapngWithSecrets } from '../decrypt/sessions.js';

/** `readAgain`: the streamed report is expected to have been made the whole way after all. */
async function both(paths: readonly string[], opts: ReportOptions = {}, readAgain = false): Promise<void> {
  const whole = await runReport(paths, { format: 'json', ...opts });
  const streamed = await runReport(paths, { format: 'json', ...opts, stream: true });
  expect(streamed.errors).toEqual(whole.errors);
  // The streamed result has no explanation to keep: that is how it is told from the whole one.
  if (whole.errors.length === 0) expect(streamed.explanation === undefined).toBe(!readAgain);
  expect(streamed.text).toBe(whole.text);
  expect(streamed.exitCode).toBe(whole.exitCode);
  expect(streamed.sessions).toBe(whole.sessions);
  expect(streamed.findings).toBe(whole.findings);
}

const scenarioCaptures = capturesUnder(capturesDir);
const scenario = (name: string) => scenarioCaptures.filter((p) => p.includes(`/${name}/`));

describe('report --format json told as it is read', () => {
  it('has captures to compare', () => {
    expect(corpusFiles().length + scenarioCaptures.length).toBeGreaterThan(10);
  });

  for (const file of [...corpusFiles(), ...scenarioCaptures]) {
    it(`writes the same report for ${file.slice(file.lastIndexOf('/', file.lastIndexOf('/') - 1) + 1)}`, async () => {
      await both([file]);
    });
  }

  it('writes the same report for several captures at once, and with Expressway addresses and stores given', async () => {
    const caps = scenario('13-store-rule-other-store');
    expect(caps.length).toBe(2);
    await both(caps);
    const dir = join(capturesDir, '13-store-rule-other-store', 'smartslave');
    const pem = (role: string) => join(dir, `${role}_smartslave_2026-04-07_08_15_11.pem`);
    await both(caps, { stores: [`client=${pem('client')}`, `server=${pem('server')}`, `ca=${pem('ca')}`], expressway: ['10.0.0.1=smartslave'] });
  });

  it('writes the same report with a key log', async () => {
    const caps = scenario('12-tls13-uc-traversal-keylog');
    expect(caps.length).toBeGreaterThan(0);
    await both(caps, { keylogs: [join(capturesDir, '12-tls13-uc-traversal-keylog', 'sslkeylog.txt')] });
  });

  it('hands each session out once its connection closed, with the late alerts it carries, as the whole analysis keeps them', async () => {
    for (const file of scenarioCaptures.slice(0, 6)) {
      const kept = await analyzeCapture(file);
      const told: Session[] = [];
      const a = await analyzeCapture(file, { keepSessions: false, tellWhenClosed: true, onSession: (s) => told.push(s) });
      expect(a.sessions).toEqual([]);
      expect(a.toldEarly).toBeUndefined();
      told.sort((x, y) => x.id - y.id);
      expect(told.map((s) => [s.id, s.alerts])).toEqual(kept.sessions.map((s) => [s.id, s.alerts]));
    }
  });

  it('gives a waiting session its certificates back when the pool, which keeps only the last ones met, forgot them', async () => {
    let checked = 0;
    for (const file of scenarioCaptures) {
      const pool = new CertPool({ keep: 4 });
      await analyzeCapture(file, {
        pool,
        keepSessions: false,
        tellWhenClosed: true,
        onSession: (s, p) => {
          const refs = s.certificateMessages.flatMap((m) => m.certificates);
          // A session with more certificates than the pool keeps forgets its first ones itself.
          if (refs.length > 4) return;
          for (const r of refs) expect(p.get(r.id), `${file} #${s.id}`).toBeDefined();
          checked += refs.length;
        },
      });
    }
    expect(checked).toBeGreaterThan(10);
  });
});

describeWith(['openssl'], 'report --format json told as it is read, with a key log in the capture', () => {
  it('reads the capture again the whole way when its secrets block comes after the sessions, and writes the same report', async () => {
    const pki = makePki();
    try {
      const T13 = { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' } as const;
      const rec = await record({
        server: { ...T13, key: pki.serverKey, cert: pki.serverCert, requestCert: true, rejectUnauthorized: true, ca: [pki.clientCert] },
        client: { ...T13, ca: pki.serverCert, key: pki.clientKey, cert: pki.clientCert },
      });
      for (const where of ['first', 'last'] as const) {
        const f = writePcapngWithSecrets(pki.dir, `streamed-dsb-${where}`, rec, where);
        const told: Session[] = [];
        const a = await analyzeCapture(f, { keepSessions: false, tellWhenClosed: true, onSession: (s) => told.push(s) });
        // After the packets, the block comes too late for the sessions handed out: the report reads again.
        expect(a.toldEarly).toBe(where === 'last' ? 'late-secrets' : undefined);
        await both([f], {}, where === 'last');
        const r = await runReport([f], { format: 'json', stream: true });
        expect(r.text).toContain('"decrypted": true');
      }
    } finally {
      pki.cleanup();
    }
  });
});
