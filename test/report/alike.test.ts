/**
 * A client that retries: the same failing handshake many times over. The text and Markdown
 * reports tell it once, with the list of the sessions that went the same way; JSON and CSV keep
 * every session.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/analysis/index.js';
import { CertPool } from '../../src/x509/index.js';
import { buildContext } from '../../src/expressway/index.js';
import { explain } from '../../src/narrate/explain.js';
import { renderText } from '../../src/report/text.js';
import { repoRoot } from '../helpers/corpus.js';
import { alertRecord, cli, clientHelloWith, handshakeRecords, serverHello12, serverHelloDone, sniExtension, tempDir, tlsCaptureMany, type Step } from '../hostile/lib.js';

const retry = (alert: number, sni = 'vcs.example.com'): Step[] => [
  { dir: 'c2s', bytes: handshakeRecords(clientHelloWith([sniExtension(sni)])) },
  { dir: 's2c', bytes: handshakeRecords(serverHello12(), serverHelloDone()) },
  { dir: 'c2s', bytes: alertRecord(2, alert) },
  { fin: 'c2s' },
  { fin: 's2c' },
];

describe('sessions alike', () => {
  it('five identical failures and one other: told once with the list, the other on its own; JSON keeps all six', async () => {
    const temp = tempDir();
    try {
      const file = temp.file('retries.pcap', tlsCaptureMany([retry(40), retry(40), retry(40), retry(48), retry(40), retry(40)]));
      const text = await cli('report', file);
      expect(text.code).toBe(1);
      const flat = text.out.replace(/\s+/g, ' ');
      // One section for the five, its title and first paragraph saying so, with each session's ClientHello frame.
      expect(text.out).toMatch(/Session #0 in retries\.pcap: 10\.0\.0\.1:20000 → 10\.0\.0\.2:443 \(and 4 more alike\)/);
      expect(flat).toMatch(/4 more sessions went the same way \(the same ends but for the client's port, the same certificates, the same outcome and findings\), so they are not told again: #1 \(frame 15\), #2 \(frame 26\), #4 \(frame 48\), #5 \(frame 59\)\. Every frame number below is this session's\./);
      expect(text.out).not.toMatch(/Session #[1245] in/);
      // The different alert is its own story.
      expect(text.out).toMatch(/Session #3 in retries\.pcap: 10\.0\.0\.1:20003 → 10\.0\.0\.2:443\n/);
      // The summary: six sessions counted, two lines.
      expect(flat).toMatch(/6 TLS session\(s\): 0 fine, 6 failed/);
      expect(flat).toMatch(/handshake_failure from the TLS client \[T4\]\. The same in 4 more sessions: #1 \(frame 15\), #2 \(frame 26\), #4 \(frame 48\), #5 \(frame 59\)\./);
      const md = await cli('report', '--format', 'markdown', file);
      // Markdown escapes # and parentheses in headings.
      expect(md.out).toMatch(/## Session \\#0 in retries\.pcap: .* \\\(and 4 more alike\\\)/);
      expect(md.out).not.toMatch(/Session \\#1 in/);
      const json = JSON.parse((await cli('report', '--format', 'json', file)).out) as { sessions: { id: number }[] };
      expect(json.sessions.map((s) => s.id)).toEqual([0, 1, 2, 3, 4, 5]);
    } finally {
      temp.cleanup();
    }
  });

  it('a different SNI is a different story', async () => {
    const temp = tempDir();
    try {
      const file = temp.file('two.pcap', tlsCaptureMany([retry(40, 'a.example.com'), retry(40, 'b.example.com')]));
      const text = await cli('report', file);
      expect(text.out).toMatch(/Session #0 in two\.pcap: 10\.0\.0\.1:20000 → 10\.0\.0\.2:443\n/);
      expect(text.out).toMatch(/Session #1 in two\.pcap: 10\.0\.0\.1:20001 → 10\.0\.0\.2:443\n/);
      expect(text.out).not.toMatch(/more alike/);
    } finally {
      temp.cleanup();
    }
  });
});

describe('sessions alike across the capture files of one case', () => {
  it('a session alike in another file is named with its file: ids and frames belong to one file', async () => {
    // Two tcpdump runs of one client retrying one OpenSSL server (test/fixtures/alike/make.sh), read
    // as one case whose captures are compared (as the two boxes' captures of a bundle are).
    const dir = join(repoRoot, 'test', 'fixtures', 'alike');
    const pool = new CertPool();
    const analyses = [await analyzeCapture(join(dir, 'a.pcap'), { pool }), await analyzeCapture(join(dir, 'b.pcap'), { pool })];
    const e = explain([{ name: 'alike', inputs: ['a.pcap', 'b.pcap'], analyses, context: buildContext({ bundles: [] }), notes: [], dedupe: true }]);
    const flat = renderText(e.doc, { color: false, width: 200 }).replace(/\s+/g, ' ');
    expect(flat).toMatch(/The same in 1 more session: #0 in b\.pcap \(frame 4\)\./);
    expect(flat).toMatch(/1 more session went the same way .* not told again: #0 in b\.pcap \(frame 4\)\. Every frame number below is this session's\./);
  });
});
