/**
 * `report` told as the captures are read (ReportOptions.stream: each session told as its connection
 * closes, set aside, and let go) writes exactly what the report made from the whole explanation
 * writes, in every format (JSON, CSV, text with and without colour and at other widths, Markdown,
 * HTML): the same text, findings count and exit code, for every capture of the corpus and the
 * scenarios, several captures at once, with stores and Expressway addresses given, and with a key log.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeCapture, type Session } from '../../src/analysis/index.js';
import { REPORT_FORMATS, runReport, type ReportOptions } from '../../src/cli/report.js';
import { CertPool } from '../../src/x509/index.js';
import { capturesDir, capturesUnder, corpusFiles } from '../helpers/corpus.js';
import { describeWith } from '../helpers/tools.js';
import { alertRecord, clientHelloWith, handshakeRecords, serverHello12, serverHelloDone, sniExtension, tempDir, tlsCaptureMany, type Step } from '../hostile/lib.js';
import { makePki, record, writePcapngWithSecrets } from '../decrypt/sessions.js';

/** Every format, and text as a terminal shows it (colour) and at other widths. */
const OUTPUTS: readonly ReportOptions[] = [...REPORT_FORMATS.map((format) => ({ format })), { format: 'text', color: true }, { format: 'text', width: 60 }, { format: 'text', color: true, width: 160 }];

/** `readAgain`: the streamed report is expected to have been made the whole way after all. */
async function both(paths: readonly string[], opts: ReportOptions = {}, readAgain = false): Promise<void> {
  for (const output of OUTPUTS) {
    const whole = await runReport(paths, { ...output, ...opts });
    const streamed = await runReport(paths, { ...output, ...opts, stream: true });
    const what = JSON.stringify(output);
    expect(streamed.errors, what).toEqual(whole.errors);
    // The streamed result has no explanation to keep: that is how it is told from the whole one.
    if (whole.errors.length === 0) expect(streamed.explanation === undefined, what).toBe(!readAgain);
    expect(streamed.text, what).toBe(whole.text);
    expect(streamed.exitCode, what).toBe(whole.exitCode);
    expect(streamed.sessions, what).toBe(whole.sessions);
    expect(streamed.findings, what).toBe(whole.findings);
  }
}

const scenarioCaptures = capturesUnder(capturesDir);
const scenario = (name: string) => scenarioCaptures.filter((p) => p.includes(`/${name}/`));

describe('report told as it is read', () => {
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

  it('writes the same report when sessions alike are told once, some told out of order (no FIN: told at the end), in one capture, a folder of two and two cases', async () => {
    const attempt = (alert: number, sni: string, fin: boolean): Step[] => [
      { dir: 'c2s', bytes: handshakeRecords(clientHelloWith([sniExtension(sni)])) },
      { dir: 's2c', bytes: handshakeRecords(serverHello12(), serverHelloDone()) },
      { dir: 'c2s', bytes: alertRecord(2, alert) },
      ...(fin ? ([{ fin: 'c2s' }, { fin: 's2c' }] as const) : []),
    ];
    // More than 13 alike (the list is cut to the first ten and the last three), the group's first session told last.
    const connections = Array.from({ length: 24 }, (_, k) => attempt(k % 9 === 4 ? 48 : 40, k % 11 === 10 ? 'b.example.com' : 'vcs.example.com', k % 7 !== 0));
    const temp = tempDir();
    try {
      const one = temp.file('retries.pcap', tlsCaptureMany(connections));
      const dir = join(temp.dir, 'folder');
      mkdirSync(dir);
      const a = temp.file('folder/a.pcap', tlsCaptureMany(connections.slice(0, 15)));
      temp.file('folder/b.pcap', tlsCaptureMany(connections.slice(3)));
      const whole = await runReport([one], { format: 'text' });
      expect(whole.text).toMatch(/\(and \d+ more alike\)/);
      expect(whole.text).toContain(' … ');
      await both([one]);
      await both([dir]);
      await both([one, a, dir]);
      // No TLS at all: the case says how many TCP connections it had instead.
      const plain = temp.file('plain.pcap', tlsCaptureMany([[{ dir: 'c2s', bytes: new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n') }, { fin: 'c2s' }, { fin: 's2c' }]]));
      expect((await runReport([plain])).text).toContain('No TLS handshake was found (1 TCP connection(s) in the capture).');
      await both([plain]);
      await both([plain, one]);
    } finally {
      temp.cleanup();
    }
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

describeWith(['openssl'], 'report told as it is read, with a key log in the capture', () => {
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
