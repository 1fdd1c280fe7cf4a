/**
 * #17 item 3: TLS 1.3 with keys, observed is observed. A real OpenSSL TLS 1.3 mutual-TLS handshake
 * that completes, with the client's key log beside it (test/fixtures/tls13-keys/make.sh): the
 * certificates are told as observed, completion comes from the decrypted Finished messages, and the
 * T7 wording and finding appear only without the keys.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runReport } from '../../src/cli/report.js';
import { repoRoot } from '../helpers/corpus.js';
import { needs } from '../helpers/tools.js';
import { spawnSync } from 'node:child_process';

const dir = join(repoRoot, 'test', 'fixtures', 'tls13-keys');

interface S {
  decrypted: boolean;
  outcome: { status: string; text: string; inferred: boolean; frames: number[] };
  serverCertificates: { frame: number; subject: string }[];
  clientCertificates: { frame: number; subject: string }[];
  story: { text: string }[];
  findings: { rule: string; code: string; title: string; detail: string }[];
}

async function session(withKeys: boolean): Promise<S> {
  const r = await runReport([dir], { format: 'json', quiet: true, ...(withKeys ? {} : { decryption: async () => ({ notes: [] }) }) });
  expect(r.errors).toEqual([]);
  const ss = (r.explanation!.json as { sessions: S[] }).sessions;
  expect(ss).toHaveLength(1);
  return ss[0]!;
}

const all = (s: S) => [...s.story.map((x) => x.text), ...s.findings.flatMap((f) => [f.title, f.detail])].join('\n');

describe('TLS 1.3 with a key log: observed is observed', () => {
  it('decrypted: certificates observed, completion from the Finished messages, no T7 wording or finding', async () => {
    const s = await session(true);
    expect(s.decrypted).toBe(true);
    expect(s.serverCertificates.map((c) => c.subject)).toEqual(['CN=server.keys.example', 'CN=Keys-CA']);
    expect(s.clientCertificates.map((c) => c.subject)).toEqual(['CN=client.keys.example', 'CN=Keys-CA']);
    expect(s.outcome).toMatchObject({ status: 'ok', inferred: false, text: 'handshake completed (Finished decrypted with the key log)', frames: [6, 8] });
    const t = all(s);
    expect(t).not.toMatch(/everything after the ServerHello is encrypted|inferred, not observed|inferred from record sizes|without keys/);
    expect(t).toMatch(/Both sides sent their Finished, read with the key log \(server frame 6, client frame 8\): the handshake completed, and only warning alerts followed \(close_notify\)/);
    expect(s.findings.filter((f) => f.rule === 'T7')).toEqual([]);
    // Told once: one sentence per certificate message.
    expect(s.story.filter((x) => /answered with CN=client\.keys\.example/.test(x.text))).toHaveLength(1);
  });

  it('the same capture without the key log: T7, inferred, not observed', async () => {
    const s = await session(false);
    expect(s.decrypted).toBe(false);
    expect(s.clientCertificates).toEqual([]);
    expect(s.outcome.inferred).toBe(true);
    expect(s.findings.find((f) => f.code === 'tls13-not-observed')?.rule).toBe('T7');
    expect(all(s)).toMatch(/everything after the ServerHello is encrypted/);
  });

  it('tshark with the same key log puts the two Finished messages in frames 6 and 8', (ctx) => {
    needs(ctx, 'tshark');
    const r = spawnSync('tshark', ['-r', join(dir, 'tls13-mutual.pcap'), '-o', `tls.keylog_file:${join(dir, 'tls13-mutual-keylog.txt')}`, '-Y', 'tls.handshake.type == 20', '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' });
    expect(r.stdout.trim().split('\n').map(Number)).toEqual([6, 8]);
  });
});
