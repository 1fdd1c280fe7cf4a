/** --keylog on the command line: certs marks decrypted certificates, problems are one line each on standard error. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { capturesDir } from '../helpers/corpus.js';

const DIR = join(capturesDir, '12-tls13-uc-traversal-keylog');
const PCAP = join(DIR, 'vcs8c', 'eth0_diagnostic_logging_tcpdump00_vcs8c_2026-03-29_07_35_10.pcap');
const KEYLOG = join(DIR, 'sslkeylog.txt');
const tmp = mkdtempSync(join(tmpdir(), 'ekuscope-keylog-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

describe('certs --keylog', () => {
  it('without a key log: no certificate in the TLS 1.3 session', async () => {
    const r = await run(['certs', PCAP]);
    expect(r.out).toContain('0 certificates in 1 TLS sessions');
  });

  it('with it: four certificates, each marked (decrypted); JSON says so too', async () => {
    const r = await run(['certs', PCAP, '--keylog', KEYLOG]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('4 certificates in 1 TLS sessions');
    expect(r.out.match(/\(decrypted\)/g)?.length).toBe(4);
    expect(r.out).toContain('#0 frame 12 client cert 0: serial 03a1c47e5b92d6f0e81c2b4d6a8f0e1c7b39 (decrypted)');
    expect(r.err).toBe('');
    const j = await run(['certs', '--format', 'json', PCAP, '--keylog', KEYLOG]);
    expect((JSON.parse(j.out) as { decrypted: boolean }[]).every((x) => x.decrypted)).toBe(true);
  });

  it('repeatable; bad lines are reported by file and line, never quoted', async () => {
    const junk = join(tmp, 'junk.keylog');
    writeFileSync(junk, '# comment\nnot a key log line 0123456789abcdef0123456789abcdef\n');
    const r = await run(['certs', PCAP, '--keylog', junk, '--keylog', KEYLOG]);
    expect(r.code).toBe(0);
    expect(r.err).toContain('ekuscope: junk.keylog line 2: not a key log entry');
    expect(r.err).toContain('ekuscope: junk.keylog: no usable secrets');
    expect(r.err).not.toContain('0123456789abcdef');
    expect(r.out.match(/\(decrypted\)/g)?.length).toBe(4);
  });

  it('a key log that matches nothing, and secrets that do not decrypt, are said once', async () => {
    const other = join(tmp, 'other.keylog');
    writeFileSync(other, `CLIENT_RANDOM ${'11'.repeat(32)} ${'22'.repeat(48)}\n`);
    const r = await run(['certs', PCAP, '--keylog', other]);
    expect(r.err).toContain('no TLS session in this capture has secrets in the key log');
    const wrong = join(tmp, 'wrong.keylog');
    const { readFileSync } = await import('node:fs');
    writeFileSync(wrong, readFileSync(KEYLOG, 'utf8').replace(/^(\S+ [0-9a-f]{64} )([0-9a-f])/gim, (_, h: string, d: string) => h + (d === '0' ? '1' : '0')));
    const w = await run(['certs', PCAP, '--keylog', wrong]);
    expect(w.code).toBe(0);
    expect(w.err.trim().split('\n')).toEqual([expect.stringMatching(/session #0: the key log's secrets for this session do not decrypt it \(server record at frame 6/)]);
    expect(w.out).toContain('0 certificates');
  });

  it('an unreadable key log is a usage error', async () => {
    const r = await run(['certs', PCAP, '--keylog', join(tmp, 'missing.keylog')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot read key log .*missing\.keylog: ENOENT/);
  });
});

describe('report --keylog', () => {
  it('the report reads the decrypted handshake as observed', async () => {
    const r = await run(['report', PCAP, '--keylog', KEYLOG, '--format', 'markdown']);
    expect(r.out).toMatch(/decrypted with the key log/);
    expect(r.out).toContain('03a1c47e5b92d6f0e81c2b4d6a8f0e1c7b39');
  });
});
