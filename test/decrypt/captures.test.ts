/**
 * captures/12-tls13-uc-traversal-keylog: scenario 05 over TLS 1.3, with the key log written from
 * Node's 'keylog' event beside the bundles. Read with the key log, it must show what the bundles
 * hold (each side's certificate), the CertificateRequest with its CA names, and the fatal alert 43
 * encrypted under the server's application traffic secret; tshark with the same key log agrees.
 */
import { X509Certificate, createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeCapture, KeyLog } from '../../src/analysis/index.js';
import { capturesDir } from '../helpers/corpus.js';
import { needs } from '../helpers/tools.js';
import { ourView, tsharkView } from './sessions.js';

const DIR = join(capturesDir, '12-tls13-uc-traversal-keylog');
const KEYLOG = join(DIR, 'sslkeylog.txt');
const HOSTS = ['vcs8c', 'smartslave'] as const;

const file = (host: string, prefix: string): string => {
  const d = join(DIR, host);
  const n = readdirSync(d).find((f) => f.startsWith(prefix));
  if (!n) throw new Error(`no ${prefix}* in ${host}`);
  return join(d, n);
};
const pemFingerprint = (path: string): string => createHash('sha256').update(new X509Certificate(readFileSync(path)).raw).digest('hex');

describe('captures/12: TLS 1.3 mutual TLS with its key log', () => {
  for (const host of HOSTS) {
    describe(`captured on ${host}`, () => {
      const pcap = () => file(host, 'eth0_diagnostic_logging_tcpdump');

      it('without the key log: nothing past the ServerHello is readable (T7)', async () => {
        const a = await analyzeCapture(pcap());
        const s = a.sessions[0]!;
        expect([s.decrypted, s.certificateMessages.length, s.certificateRequest, s.alerts.length]).toEqual([false, 0, undefined, 0]);
      });

      it('with the key log: both certificates, the CertificateRequest and alert 43, all decrypted', async () => {
        const a = await analyzeCapture(pcap(), { keyLog: KeyLog.fromFiles([KEYLOG]) });
        expect(a.sessions.length).toBe(1);
        const s = a.sessions[0]!;
        expect(s.tls.version).toBe(0x0304);
        expect(s.decryption).toMatchObject({ status: 'decrypted', missing: [] });
        expect(s.decrypted).toBe(true);
        // vcs8c (the client) presented its client store; smartslave (the server) its server store.
        const leaf = (role: 'client' | 'server') => a.pool.get(s.certificateMessages.find((m) => m.from === role)!.certificates[0]!.id)!;
        expect(leaf('client').sha256).toBe(pemFingerprint(file('vcs8c', 'client_')));
        expect(leaf('server').sha256).toBe(pemFingerprint(file('smartslave', 'server_')));
        expect(leaf('client').serial).toBe('03a1c47e5b92d6f0e81c2b4d6a8f0e1c7b39');
        expect(leaf('server').serial).toBe('04b7e2190c3d5f6a7b8c9d0e1f2a3b4c5d6e');
        expect(s.certificateMessages.every((m) => m.decrypted)).toBe(true);
        expect(s.certificateRequest?.decrypted).toBe(true);
        expect(s.certificateRequest?.caNames.map((n) => n.text)).toEqual([
          'CN=RICKY200-TMS-CA,DC=RICKY200,DC=com',
          'CN=bgluclab-WIN-DC-01-CA,DC=bgluclab,DC=com',
          'CN=Example Public Root CA 2026,O=Example Trust,C=US',
          'CN=Example Public TLS CA 2026,O=Example Trust,C=US',
        ]);
        expect(s.alerts).toEqual([expect.objectContaining({ from: 'server', level: 2, description: 43, encrypted: false, decrypted: true })]);
        expect(s.tls.outcome).toMatchObject({ kind: 'alert', alert: { description: 43, by: 'server' } });
      });

      it('agrees with tshark given the same key log', async (ctx) => {
        needs(ctx, 'tshark');
        const a = await analyzeCapture(pcap(), { keyLog: KeyLog.fromFiles([KEYLOG]) });
        expect(ourView(a)).toEqual(tsharkView(pcap(), KEYLOG, ['-d', 'tcp.port==7001,tls']));
      });
    });
  }
});
