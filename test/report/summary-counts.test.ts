/**
 * The summary's sentence counts sessions by the mark each line carries: a handshake that did not fail
 * but has an error found (here a server certificate not yet valid when its frame was captured, C1) is
 * marked ✖ ERROR in the list, so the sentence must not call it fine or merely a warning.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCertificates } from '../../src/x509/pem.js';
import { repoRoot } from '../helpers/corpus.js';
import { alertRecord, certificateMessage, cli, clientHelloWith, handshakeRecords, serverHello12, serverHelloDone, tempDir, tlsCaptureMany, type Step } from '../hostile/lib.js';

// notBefore 2026-11-23; the test captures are stamped 2026-05-29.
const futureLeaf = loadCertificates(readFileSync(join(repoRoot, 'test/fixtures/x509/leaf-rsa4096.pem')), 'leaf-rsa4096.pem').certificates[0]!.der;

const notYetValid: Step[] = [
  { dir: 'c2s', bytes: handshakeRecords(clientHelloWith()) },
  // The capture ends here: how the handshake ended is not seen (C4), so it did not fail.
  { dir: 's2c', bytes: handshakeRecords(serverHello12(), certificateMessage(futureLeaf), serverHelloDone()) },
];
const refused: Step[] = [
  { dir: 'c2s', bytes: handshakeRecords(clientHelloWith()) },
  { dir: 's2c', bytes: handshakeRecords(serverHello12(), serverHelloDone()) },
  { dir: 'c2s', bytes: alertRecord(2, 40) },
  { fin: 'c2s' },
  { fin: 's2c' },
];

describe('the summary sentence', () => {
  it('counts a session that did not fail but has an error found as such, as its ✖ line shows', async () => {
    const temp = tempDir();
    try {
      const file = temp.file('counts.pcap', tlsCaptureMany([refused, notYetValid]));
      for (const format of ['text', 'markdown']) {
        const r = await cli('report', file, '--format', format);
        const flat = r.out.replace(/\\/g, '').replace(/\s+/g, ' '); // Markdown's escapes off
        expect(flat, format).toMatch(/2 TLS session\(s\): 0 fine, 1 failed, 1 not failed but with an error found, 0 with warnings or not fully visible\./);
        expect(flat, format).toMatch(/✖ failed or an error found/);
        // The line itself: marked ✖ with ERROR, for the certificate's time (C1).
        expect(flat, format).toMatch(/#1[\s|]* ✖ [^#]*ERROR[^#]*not yet valid/);
      }
      const json = JSON.parse((await cli('report', file, '--format', 'json')).out) as { summary: { ok: number; failed: number; errors: number } };
      expect(json.summary.failed).toBe(1);
      expect(json.summary.errors).toBeGreaterThanOrEqual(2);
    } finally {
      temp.cleanup();
    }
  });
});
