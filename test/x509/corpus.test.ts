/**
 * Real-world certificates: the corpus truth files give, per certificate, the serial (DER content
 * octets), and subject/issuer as Python cryptography's rfc4514_string(). The certificates are taken
 * from the captures with tshark (the same extraction the truth was built from) and decoded here.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCertificate } from '../../src/x509/index.js';
import { describeWith } from '../helpers/tools.js';
import { CORPUS } from './helpers.js';

interface TruthRow {
  serial: string;
  subject: string;
  issuer: string;
  sha256: string;
  parseError: boolean;
}

function truth(file: string): TruthRow[] {
  const lines = readFileSync(path.join(CORPUS, 'truth', file), 'utf8').split('\n');
  const head = lines[0]!.split('\t');
  const col = (n: string): number => head.indexOf(n);
  return lines
    .slice(1)
    .map((l) => l.split('\t'))
    .filter((c) => c[col('kind')] === 'CERT')
    .map((c) => ({
      serial: c[col('serial_hex')]!,
      subject: c[col('subject')]!,
      issuer: c[col('issuer')]!,
      sha256: c[col('sha256')]!,
      parseError: /x509_parse_error=/.test(c[col('note')] ?? ''),
    }));
}

function certificatesIn(capture: string): Uint8Array[] {
  // Same preferences as the truth; tshark exits non-zero on deliberately corrupt captures, so only stdout counts.
  const r = spawnSync(
    'tshark',
    ['-r', capture, '-o', 'tls.desegment_ssl_records:TRUE', '-o', 'tcp.desegment_tcp_streams:TRUE', '-o', 'tcp.reassemble_out_of_order:TRUE',
      '-Y', 'tls.handshake.certificate', '-T', 'fields', '-e', 'tls.handshake.certificate'],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  return (r.stdout ?? '')
    .split(/[\n,]/)
    .map((h) => h.trim().replace(/:/g, ''))
    .filter((h) => h.length > 0)
    .map((h) => new Uint8Array(Buffer.from(h, 'hex')));
}

describeWith(['tshark'], 'corpus certificates against the truth files', () => {
  const files = readdirSync(path.join(CORPUS, 'truth')).filter((f) => f.endsWith('.tsv'));
  for (const file of files) {
    const rows = truth(file);
    if (rows.length === 0) continue;
    it(`${file.replace(/\.tsv$/, '')}: serial, subject, issuer equal Python cryptography's`, () => {
      const decoded = new Map(certificatesIn(path.join(CORPUS, file.replace(/\.tsv$/, ''))).map((der) => {
        const c = parseCertificate(der);
        return [c.sha256, c] as const;
      }));
      for (const row of rows) {
        const c = decoded.get(row.sha256);
        expect(c, `certificate ${row.sha256} extracted`).toBeDefined();
        if (row.parseError) {
          expect(c!.error).toBeDefined();
          continue;
        }
        expect(c!.error).toBeUndefined();
        expect({ serial: c!.serial, subject: c!.subject!.rfc4514, issuer: c!.issuer!.rfc4514 }).toEqual({
          serial: row.serial,
          subject: row.subject,
          issuer: row.issuer,
        });
      }
    });
  }
});
