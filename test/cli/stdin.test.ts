/**
 * `-` reads the capture from standard input (`tcpdump -U -w - | ekuscope report -`, `zcat x.gz |
 * ekuscope certs -`): the process is started with the capture piped in, and what it prints is what
 * the same command prints for the file, but for the name it gives the input.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { capturesDir, corpusDir } from '../helpers/corpus.js';
import { runCli } from '../helpers/cli.js';

const PCAP = join(capturesDir, '05-uc-traversal-eku-on-failed', 'vcs8c', 'eth0_diagnostic_logging_tcpdump00_vcs8c_2026-03-29_07_05_33.pcap');
const PCAPNG = join(corpusDir, 'ja4__browsers-x509.pcapng');
const GZIP = join(corpusDir, 'scapy__tls_tcp_frag_withnss.pcap.gz');

/** The file's run as the stdin run names it: `stdin` for the file's name, and heading rules (as long as the title) dropped. */
function asStdin(text: string, names: readonly string[]): string {
  let t = text;
  for (const n of names) t = t.split(n).join('stdin');
  return t.replace(/^[═─]+$/gm, '');
}

const tmp = mkdtempSync(join(tmpdir(), 'ekuscope-stdin-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const GZIPPED_HERE = join(tmp, 'scenario05.pcap.gz');
writeFileSync(GZIPPED_HERE, gzipSync(readFileSync(PCAP)));

const ALL: string[][] = [['report'], ['report', '--format', 'json'], ['certs'], ['certs', '--format', 'json'], ['flows'], ['flows', '--format', 'json']];
// Each run is a process of its own (about a second): every command on the pcap, some on the others.
const inputs: [string, string, string[][]][] = [
  ['pcap', PCAP, ALL],
  ['pcapng', PCAPNG, [['report', '--format', 'json'], ['certs']]],
  ['gzip (a .pcap.gz)', GZIP, [['report'], ['flows', '--format', 'json']]],
  ['gzip made here of the pcap', GZIPPED_HERE, [['report', '--format', 'json'], ['certs', '--format', 'json']]],
];

describe('- reads a capture from standard input', () => {
  for (const [what, file, commands] of inputs) {
    it(`${commands.map((c) => c.join(' ')).join(', ')}: ${what} on stdin prints what the file prints`, async () => {
      const bytes = readFileSync(file);
      for (const args of commands) {
        const piped = await runCli([...args, '-'], bytes);
        const named = await runCli([...args, file]);
        expect(piped.err, `${args.join(' ')} -`).toBe(named.err.split(basename(file)).join('stdin').split(file).join('stdin'));
        expect(piped.code, `${args.join(' ')} -`).toBe(named.code);
        expect(piped.out.length).toBeGreaterThan(100);
        expect(asStdin(piped.out, []), `${args.join(' ')} -`).toBe(asStdin(named.out, [file, basename(file)]));
      }
    }, 120_000);
  }

  it('says once, in one line, that stdin is not a capture, and - given twice is a usage error', async () => {
    const text = await runCli(['report', '-'], Buffer.from('hello, this is not a capture\n'));
    expect(text.code).toBe(2);
    expect(text.err).toMatch(/^ekuscope: .*stdin.*not a capture.*a text file/);
    const twice = await runCli(['certs', '-', '-'], readFileSync(PCAP));
    expect(twice.code).toBe(2);
    expect(twice.err).toBe('ekuscope: - (standard input) can be given only once: it can be read only once\n');
    const empty = await runCli(['flows', '-'], Buffer.alloc(0));
    expect(empty.code).toBe(2);
    expect(empty.err).toMatch(/not a capture: it looks like an empty file/);
  }, 60_000);

  it('a capture cut short on stdin is read up to the cut and said so, as for a file', async () => {
    const bytes = readFileSync(PCAP);
    const cut = bytes.subarray(0, Math.floor(bytes.length * 0.6));
    const r = await runCli(['flows', '-'], cut);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^stdin: \d+ frames/);
    expect(r.out).toMatch(/error: the file ends inside record/);
  }, 60_000);
});
