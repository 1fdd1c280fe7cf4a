/**
 * The record-layer and TCP-fact classes of issues #22 and #17, each on a capture made with real TLS
 * stacks (test/fixtures/records/make.sh: OpenSSL s_server/s_client, Node's tls for a RST): who sent
 * the FIN/RST (C5), a connection caught mid-stream (C2), encrypted alerts and NULL suites (C6),
 * bytes cut by the snap length (C3), a capture that ends inside a flight (C4). tshark agrees on the
 * senders and alert records of these captures (test/analysis/senders.test.ts).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runReport } from '../../src/cli/report.js';
import type { ReportJson } from '../../src/narrate/explain.js';
import { renderText } from '../../src/report/text.js';
import { repoRoot } from '../helpers/corpus.js';

const dir = join(repoRoot, 'test', 'fixtures', 'records');

async function report(file: string): Promise<{ json: ReportJson; text: string; ladders: string[] }> {
  const r = await runReport([join(dir, file)], { format: 'json', quiet: true, generator: 'ekuscope' });
  expect(r.errors).toEqual([]);
  const expl = r.explanation!;
  // One line per sentence: the checks below read sentences, not the wrapping.
  return { json: expl.json as ReportJson, text: renderText(expl.doc, { color: false, width: 10_000 }), ladders: expl.stories.flatMap((st) => st.ladder.map((l) => l.label)) };
}

type Session = ReportJson['sessions'][number];
const storyText = (s: Session) => s.story.map((x) => x.text).join('\n');
const findingCodes = (s: Session) => s.findings.map((f) => `${f.rule}:${f.code}`);

describe('who sent the FIN and the RST (C5)', () => {
  it('a RST from the TLS client after the server flight is drawn from the client and blamed on it; a RST from the server after the handshake from the server', async () => {
    const { json, text } = await report('rst.pcap');
    const [early, late] = json.sessions;
    // The client reset the connection instead of sending its key exchange: a silent rejection of the server certificate.
    expect(early!.tcpEvents).toEqual([expect.objectContaining({ kind: 'rst', from: 'client', port: early!.client.port })]);
    expect(early!.outcome.status).toBe('failed');
    expect(early!.outcome.rejected).toBe('server');
    expect(early!.outcome.text).toContain('the TLS client closed without an alert');
    expect(storyText(early!)).toMatch(/reset the connection \(RST\) in frame \d+, right after .*ServerHelloDone/);
    // One RST, once, on the client's side of the ladder (arrow to the right).
    const rstLines = text.split('\n').filter((l) => l.includes('TCP RST'));
    expect(rstLines.length).toBe(1);
    expect(rstLines[0]).toMatch(/\|─ TCP RST ─+▶\|/);
    // After a completed handshake the server sent the RST: the JSON says so with its address and port.
    expect(late!.outcome.status).toBe('ok');
    expect(late!.tcpEvents).toEqual([expect.objectContaining({ kind: 'rst', from: 'server', ip: late!.server.ip, port: late!.server.port })]);
  });
});

describe('connections caught mid-stream (C2)', () => {
  it('are not failed handshakes, renegotiating or not; the roles are a guess and said to be; every record has its real sender', async () => {
    const { json, text } = await report('midstream.pcap');
    expect(json.sessions).toHaveLength(3);
    for (const s of json.sessions) {
      expect(s.roles).toEqual({ basis: expect.stringMatching(/^(syn|port|first-speaker)$/), inferred: true });
      expect(s.outcome.status).toBe('unknown');
      expect(findingCodes(s)).toContain('C2:no-handshake');
      expect(s.findings.every((f) => f.severity !== 'error')).toBe(true);
      expect(storyText(s)).toContain('is taken as TLS client because it spoke first in the capture: inferred, not observed (C2)');
      expect(storyText(s)).not.toMatch(/capture longer/i);
      // Records from both sides, each with its own sender (the client spoke first here).
      expect(new Set(s.messages.map((m) => m.from))).toEqual(new Set(['client', 'server']));
    }
    const [closed, reset] = json.sessions;
    // Encrypted close_notify from each side, never read as plaintext.
    expect(closed!.alerts.map((a) => [a.from, a.encrypted, a.code])).toEqual([
      ['client', true, null],
      ['server', true, null],
    ]);
    expect(closed!.tcpEvents.map((e) => [e.kind, e.from])).toEqual([
      ['fin', 'client'],
      ['fin', 'server'],
    ]);
    expect(reset!.outcome.text).toMatch(/^handshake not captured; the established connection was reset by /);
    expect(reset!.tcpEvents.map((e) => [e.kind, e.from])).toEqual([['rst', 'client']]);
    expect(storyText(reset!)).toMatch(/reset the established connection \(RST\) in frame \d+/);
    // A renegotiation under the keys in use: its handshake records are ciphertext, not messages in
    // clear, and the connection is not a failed handshake (C6, C2).
    const reneg = json.sessions[2]!;
    expect(reneg.messages.filter((m) => m.type === 'EncryptedHandshake').length).toBeGreaterThanOrEqual(4);
    expect(reneg.messages.every((m) => ['EncryptedHandshake', 'ChangeCipherSpec', 'ApplicationData', 'EncryptedAlert'].includes(m.type))).toBe(true);
    expect(reneg.findings.map((f) => f.code).filter((c) => c.startsWith('tls-'))).toEqual([]);
    expect(reneg.tcpEvents.map((e) => [e.kind, e.from])).toEqual([
      ['fin', 'client'],
      ['fin', 'server'],
    ]);
    expect(text).toContain('⇄');
    expect(text).toContain('Fix: Capture from before the connection is made');
  });
});

describe('encrypted alerts and NULL suites (C6)', () => {
  it('lists the close_notify of both sides long after the handshake, encrypted, by size', async () => {
    const { json } = await report('alerts.pcap');
    const s = json.sessions[0]!;
    expect(s.outcome.status).toBe('ok');
    expect(s.alerts.map((a) => [a.from, a.encrypted, a.description])).toEqual([
      ['client', true, null],
      ['server', true, null],
    ]);
  });
  it('reads a NULL-cipher suite\'s Finished and alerts in clear and says they are unencrypted', async () => {
    const { json, text } = await report('null-cipher.pcap');
    const s = json.sessions[0]!;
    expect(s.cipherSuite).toContain('_WITH_NULL_');
    expect(s.messages.filter((m) => m.type === 'Finished').length).toBe(2);
    expect(s.messages.some((m) => m.type === 'EncryptedHandshake')).toBe(false);
    expect(s.alerts.map((a) => [a.encrypted, a.description])).toEqual([
      [false, 'close_notify'],
      [false, 'close_notify'],
    ]);
    expect(text).not.toContain('Finished (encrypted)');
  });
});

describe('bytes cut by the snap length (C3): tcpdump -s 200 of a rejected mutual-TLS handshake', () => {
  it('reads the fatal alert 43 captured whole after the cut bytes, and names the snap length', async () => {
    const { json, text, ladders } = await report('snaplen200.pcap');
    const s = json.sessions[0]!;
    expect(s.alerts).toEqual([expect.objectContaining({ from: 'server', level: 'fatal', code: 43, encrypted: false })]);
    expect(s.outcome.status).toBe('failed');
    expect(s.outcome.rejected).toBe('client');
    expect(storyText(s)).not.toContain('without an alert');
    // The SYN is in the capture: not "joined mid-stream".
    expect(findingCodes(s)).not.toContain('C2:mid-stream');
    // The Certificates with missing bytes are incomplete, never empty.
    expect(text).not.toContain('Certificate (empty)');
    expect(ladders.filter((l) => /^Certificate \(incomplete: \d+ of \d+ bytes captured\)$/.test(l))).toHaveLength(2);
    expect(s.clientCertificate).toBe('truncated');
    const snap = json.cases[0]!.findings.find((f) => f.code === 'snaplen-truncated')!;
    expect(snap.rule).toBe('C3');
    expect(snap.title).toMatch(/^\d+ frame\(s\) were cut by the capture's snap length of 200 bytes$/);
    expect(snap.fix).toContain('tcpdump -s 0');
  });
});

describe('a capture that ends inside the client\'s flight (C4)', () => {
  it('never says the client sent no Certificate; says what was seen last and that the rest is not in the capture', async () => {
    const { json, text } = await report('mtls-cut.pcap');
    const s = json.sessions[0]!;
    expect(s.certificateRequest).not.toBeNull();
    expect(s.clientCertificate).toBe('not-captured');
    expect(text).not.toContain('sent no Certificate message');
    expect(storyText(s)).toMatch(/The capture shows nothing .* sent after the CertificateRequest \(its last record is its ClientHello in frame \d+\): whether it sent a certificate is not in the capture/);
    expect(s.outcome.text).toBe('the capture ended before the handshake did');
    expect(findingCodes(s)).toContain('C4:capture-ended');
  });
});
