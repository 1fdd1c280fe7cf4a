import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeCapture, type Analysis } from '../../src/analysis/index.js';
import { certRows } from '../../src/cli/certs.js';
import { TSHARK_PREFS, capturesDir, capturesUnder, corpusFiles, tshark } from '../helpers/corpus.js';
import { needs } from '../helpers/tools.js';
import { truthFor } from '../helpers/truth.js';

/** (frame, sender, index, serial) for every certificate, as the truth files and tshark list them. */
function ourCerts(a: Analysis): string[] {
  return certRows(a)
    .filter((r) => !r.decrypted)
    .map((r) => `${r.frame}/${r.sender}/${r.index}/${r.serial}`)
    .sort();
}
const certReqFrames = (a: Analysis) => a.sessions.flatMap((s) => (s.certificateRequest && !s.certificateRequest.decrypted ? [s.certificateRequest.frame] : [])).sort((x, y) => x - y);
const emptyFrames = (a: Analysis) => a.sessions.flatMap((s) => s.certificateMessages.filter((m) => m.empty).map((m) => m.frame)).sort((x, y) => x - y);

describe('certificates and CertificateRequests agree with tshark on the shared corpus (truth files)', () => {
  for (const f of corpusFiles()) {
    const truth = truthFor(f);
    if (!truth) continue;
    it(basename(f), async () => {
      const a = await analyzeCapture(f);
      const expected = truth
        .filter((t) => t.kind === 'CERT' && !t.tls13Decrypted)
        .map((t) => `${t.frame}/${t.sender}/${t.chainIndex}/${t.serial}`)
        .sort();
      expect(ourCerts(a)).toEqual(expected);
      expect(certReqFrames(a)).toEqual(truth.filter((t) => t.kind === 'CERTREQ').map((t) => t.frame).sort((x, y) => x - y));
      expect(emptyFrames(a)).toEqual(truth.filter((t) => t.kind === 'CERT_EMPTY').map((t) => t.frame).sort((x, y) => x - y));
      // Subjects and issuers in RFC 4514 form, by fingerprint.
      const bySha = new Map(certRows(a).map((r) => [r.sha256, r]));
      for (const t of truth.filter((t) => t.kind === 'CERT' && t.subject)) {
        const r = bySha.get(t.sha256);
        if (!r) continue;
        expect(r.subject).toBe(t.subject);
        expect(r.issuer).toBe(t.issuer);
      }
    });
  }
});

describe('certificates agree with tshark run live on captures/', () => {
  const files = capturesUnder(capturesDir);
  it('captures/ has captures', () => {
    if (files.length === 0) console.warn('SKIPPED: captures/ holds no captures yet');
    expect(Array.isArray(files)).toBe(true);
  });
  for (const f of files) {
    it(f.slice(capturesDir.length + 1), async (ctx) => {
      needs(ctx, 'tshark');
      const a = await analyzeCapture(f);
      // Decode every TCP port as TLS where tshark's heuristics need help: the ports the capture uses.
      const ports = new Set(a.connections.flatMap((c) => [c.a.port, c.b.port]).filter((p) => p < 49152 && p !== 443));
      const decodeAs = [...ports].flatMap((p) => ['-d', `tcp.port==${p},tls`]);
      const out = tshark(['-r', f, ...TSHARK_PREFS, ...decodeAs, '-Y', 'tls.handshake.type == 11 || tls.handshake.type == 13', '-T', 'fields', '-e', 'frame.number', '-e', 'tls.handshake.type', '-e', 'tls.handshake.certificate', '-E', 'occurrence=a', '-E', 'aggregator=|']);
      const theirCertFrames = new Set<number>();
      const theirCrFrames = new Set<number>();
      let theirCount = 0;
      for (const line of out.split('\n').filter(Boolean)) {
        const [frame, types, certs] = line.split('\t');
        if (types!.split('|').includes('11') && certs) {
          theirCertFrames.add(parseInt(frame!, 10));
          theirCount += certs.split('|').length;
        }
        if (types!.split('|').includes('13')) theirCrFrames.add(parseInt(frame!, 10));
      }
      const rows = certRows(a).filter((r) => !r.decrypted);
      expect(new Set(rows.map((r) => r.frame))).toEqual(theirCertFrames);
      expect(rows.length).toBe(theirCount);
      expect(new Set(certReqFrames(a))).toEqual(theirCrFrames);
    });
  }
});
