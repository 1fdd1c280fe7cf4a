/**
 * Secrets: a private key in a PEM input is never printed, exported or kept; bundles are read in
 * place (nothing written in the working folder or the temporary folder); archive entries with
 * absolute paths, '..' components or links write nothing anywhere.
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openBundle, storesFromBundle } from '../../src/expressway/index.js';
import { loadCertificates, toPem } from '../../src/x509/index.js';
import { capturesDir } from '../helpers/corpus.js';
import { tarGzBytes, tarBytes, type TestEntry } from '../expressway/tarWriter.js';
import { cli, type CliResult } from './lib.js';

/** Distinctive base64 so that any leak, even partial, is found by a plain search. */
const MARK = 'S3cr3tK3yM4t3r14l';
const keyBody = (n: number) => `MIIEvQIBADANBgkqhkiG9w0BAQEFAASC${MARK}${n}AoIBAQDQ\n${MARK}${n}ZZZZ${'A'.repeat(40)}\n`;
const KEYS = [
  `-----BEGIN PRIVATE KEY-----\n${keyBody(1)}-----END PRIVATE KEY-----\n`,
  `-----BEGIN RSA PRIVATE KEY-----\n${keyBody(2)}-----END RSA PRIVATE KEY-----\n`,
  `-----BEGIN EC PRIVATE KEY-----\n${keyBody(3)}-----END EC PRIVATE KEY-----\n`,
  `-----BEGIN ENCRYPTED PRIVATE KEY-----\n${keyBody(4)}-----END ENCRYPTED PRIVATE KEY-----\n`,
  // A key block cut before its END line: still a key, and nothing of it may leak.
  `-----BEGIN PRIVATE KEY-----\n${keyBody(5)}`,
];

/** Looks for any trace of the keys in a text. */
function leaks(text: string): string | undefined {
  if (text.includes(MARK)) return `key base64 (${MARK})`;
  if (/PRIVATE KEY/.test(text) && /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) return 'a PEM private key block';
  return undefined;
}

/** The scenario-01 bundle with keys added to its client (and server) PEM files. */
const SCENARIO = join(capturesDir, '01-webex-client-cert');
function bundleFiles(): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const n of readdirSync(SCENARIO).filter((x) => x !== 'README.md')) {
    let b = readFileSync(join(SCENARIO, n));
    if (n.startsWith('client_')) b = Buffer.concat([Buffer.from(KEYS[0]! + KEYS[1]!), b, Buffer.from(KEYS[2]! + KEYS[4]!)]);
    if (n.startsWith('server_')) b = Buffer.concat([b, Buffer.from(KEYS[3]!)]);
    out[n] = b;
  }
  return out;
}

const root = mkdtempSync(join(tmpdir(), 'ekuscope-secrets-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const folder = join(root, 'bundle');
mkdirSync(folder);
for (const [n, b] of Object.entries(bundleFiles())) writeFileSync(join(folder, n), b);
const archive = join(root, 'bundle.tar.gz');
writeFileSync(archive, tarGzBytes(Object.entries(bundleFiles()).map(([n, b]) => ({ name: `smartslave/${n}`, data: b }))));
const capture = join(folder, readdirSync(folder).find((n) => n.endsWith('.pcap'))!);
const clientPem = join(folder, readdirSync(folder).find((n) => n.startsWith('client_'))!);

/** Names, sizes and modification times of everything under a folder (or a file). */
function snapshot(path: string): string[] {
  if (!existsSync(path)) return [];
  const st = lstatSync(path);
  if (!st.isDirectory()) return [`${path} ${st.size} ${st.mtimeMs}`];
  return [`${path}/`, ...readdirSync(path).sort().flatMap((n) => snapshot(join(path, n)))];
}

/**
 * Runs commands with the working folder and the temporary folder (TMPDIR, which os.tmpdir() reads)
 * pointed at fresh empty folders, and checks that both are still empty afterwards and that the
 * inputs are untouched.
 */
async function sealed(inputs: string[], run: () => Promise<void>): Promise<void> {
  const cwd = process.cwd();
  const tmpBefore = process.env.TMPDIR;
  const work = mkdtempSync(join(root, 'cwd-'));
  const tmp = mkdtempSync(join(root, 'tmp-'));
  const before = inputs.flatMap(snapshot);
  process.chdir(work);
  process.env.TMPDIR = tmp;
  try {
    expect(tmpdir()).toBe(tmp);
    await run();
  } finally {
    process.chdir(cwd);
    if (tmpBefore === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmpBefore;
  }
  expect(readdirSync(work), 'files written in the working folder').toEqual([]);
  expect(readdirSync(tmp), 'files written in the temporary folder').toEqual([]);
  expect(inputs.flatMap(snapshot)).toEqual(before);
}

function expectNoLeak(what: string, r: CliResult): void {
  expect(leaks(r.out), `${what} stdout`).toBeUndefined();
  expect(leaks(r.err), `${what} stderr`).toBeUndefined();
}

describe('private keys in PEM inputs', () => {
  it('the fixtures really hold the keys', () => {
    expect(readFileSync(clientPem, 'latin1')).toContain(MARK);
    expect(leaks(readFileSync(clientPem, 'latin1'))).toBeDefined();
  });

  it('every command over the bundle (folder and .tar.gz) and its capture: no key printed, nothing written outside --out/--export', async () => {
    const outDir = mkdtempSync(join(root, 'out-'));
    await sealed([folder, archive], async () => {
      const runs: string[][] = [
        ['flows', capture],
        ['flows', capture, '--format', 'json'],
        ['certs', capture],
        ['certs', capture, '--format', 'json'],
        ['certs', capture, '--export', join(outDir, 'pem')],
      ];
      for (const b of [folder, archive]) {
        for (const f of ['text', 'markdown', 'json', 'csv']) runs.push(['report', b, '--format', f]);
        runs.push(['report', b, '--format', 'json', '--out', join(outDir, `report-${runs.length}.json`)]);
        runs.push(['report', b, '--redact']);
        for (const f of ['text', 'markdown', 'json']) runs.push(['check-store', b, '--format', f]);
        runs.push(['whatif', '--e-bundle', b]);
        runs.push(['report', capture, '--store', `client=${clientPem}`]);
        runs.push(['check-store', '--store', `client=${clientPem}`]);
      }
      for (const args of runs) {
        const r = await cli(...args);
        expect([0, 1, 2], `${args.join(' ')}: ${r.err}`).toContain(r.code);
        expectNoLeak(args.join(' '), r);
      }
    });
    // What --out and --export wrote: certificates and reports, never a key.
    const written = snapshot(outDir).filter((l) => !l.endsWith('/')).map((l) => l.split(' ')[0]!);
    expect(written.some((p) => p.endsWith('.pem'))).toBe(true);
    for (const p of written) expect(leaks(readFileSync(p, 'latin1')), p).toBeUndefined();
  });

  it('the model keeps no key: opened bundles, loaded stores and loaded certificates hold none of its bytes', async () => {
    for (const path of [folder, archive]) {
      const set = await openBundle(path);
      const b = set.bundles[0]!;
      const stores = await storesFromBundle(b);
      const dump = JSON.stringify({ set, stores }, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
      expect(leaks(dump), path).toBeUndefined();
      for (const f of b.stores.client) {
        const r = await f.read(1 << 20);
        expect(r.ok && leaks(Buffer.from(r.bytes).toString('latin1'))).toBe(undefined);
      }
      expect(b.problems.some((p) => p.code === 'pem-private-key')).toBe(true);
    }
    const loaded = loadCertificates(new Uint8Array(readFileSync(clientPem)), 'client.pem');
    expect(loaded.privateKeysSkipped).toBe(4);
    expect(loaded.certificates.length).toBeGreaterThan(0);
    expect(leaks(JSON.stringify(loaded, (_k, v: unknown) => (v instanceof Uint8Array ? toPem(v) : v)))).toBeUndefined();
  });

  it('a key block cut before its END line: nothing of the key is kept, and the certificate after it is not lost', async () => {
    const dir = mkdtempSync(join(root, 'cut-key-'));
    const certPem = readFileSync(join(SCENARIO, readdirSync(SCENARIO).find((n) => n.startsWith('server_'))!), 'latin1');
    writeFileSync(join(dir, 'client_box_2026-03-24_11_55_47.pem'), KEYS[4]! + certPem);
    const set = await openBundle(dir);
    const f = set.bundles[0]!.stores.client[0]!;
    const text = Buffer.from(f.bytes!).toString('latin1');
    expect(leaks(text)).toBeUndefined();
    expect(loadCertificates(f.bytes!, f.name).certificates).toHaveLength(1);
    expect(set.bundles[0]!.problems.some((p) => p.code === 'pem-private-key')).toBe(true);
  });
});

describe('archive entries that try to write elsewhere', () => {
  const tag = `${process.pid}-${Date.now()}`;
  const absTarget = join(root, `abs-target-${tag}`);
  const dotTarget = `ekuscope-dotdot-${tag}`;
  const entries: TestEntry[] = [
    { name: `${absTarget}/x.pem`, data: 'absolute' },
    { name: `../../${dotTarget}/x.pem`, data: 'dotdot' },
    { name: `b/../../${dotTarget}-2`, data: 'dotdot' },
    { name: 'b/link', type: '2', linkName: '/etc/passwd' },
    { name: 'b/link/through.txt', data: 'through a link' },
    { name: 'b/hard', type: '1', linkName: '/etc/hostname' },
    { name: 'b/dirlink', type: '2', linkName: '../../..' },
    { name: `b/dirlink/${dotTarget}-3`, data: 'through a directory link' },
    { name: 'b/dev', type: '3' },
    { name: 'b/fifo', type: '6' },
    { name: `b/client_smartslave_2026-03-24_11_55_47.pem`, data: readFileSync(clientPem) },
  ];

  for (const [label, bytes] of [
    ['.tar', tarBytes(entries)],
    ['.tar.gz', tarGzBytes(entries)],
  ] as const) {
    it(`${label}: nothing is written anywhere, every unsafe entry is listed as refused`, async () => {
      const path = join(root, `evil-${label.replace(/\./g, '')}${label}`);
      writeFileSync(path, bytes);
      await sealed([path], async () => {
        const set = await openBundle(path);
        const refused = set.otherFiles.filter((f) => f.refused).map((f) => f.refused!.reason);
        expect(refused).toEqual(expect.arrayContaining(['absolute-path', 'parent-component', 'link']));
        expect(refused.length).toBeGreaterThanOrEqual(7);
        for (const args of [['report', path], ['check-store', path], ['report', path, '--format', 'json']]) {
          const r = await cli(...args);
          expect([0, 1, 2]).toContain(r.code);
          expectNoLeak(args.join(' '), r);
        }
        // Relative targets are checked from every folder a naive extractor could start from.
        for (const base of [process.cwd(), root, resolve(root, '..'), resolve(root, '../..')]) {
          for (const t of [dotTarget, `${dotTarget}-2`, `${dotTarget}-3`]) expect(existsSync(join(base, t)), join(base, t)).toBe(false);
        }
      });
      expect(existsSync(absTarget)).toBe(false);
      expect(statSync('/etc/passwd').isFile()).toBe(true);
    });
  }
});
