import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { classifyBundleFileName, openBundle, stripPrivateKeys, type Bundle } from '../../src/expressway/bundle.js';
import { pcapFile } from '../helpers/frames.js';
import { type TestEntry, tarBytes, tarGzBytes, tempDir } from './tarWriter.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'expressway');
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));

const TS_E = '2026-03-30_10_12_13';
const TS_C = '2026-03-30_10_11_00';
const PEM = (label: string): string => `-----BEGIN CERTIFICATE-----\n${Buffer.from(label).toString('base64')}\n-----END CERTIFICATE-----\n`;
const KEY = '-----BEGIN RSA PRIVATE KEY-----\nc2VjcmV0\n-----END RSA PRIVATE KEY-----\n';
/** An empty capture: the pcap header alone. */
const PCAP = pcapFile([], { snaplen: 65535 });

/** Expressway-E's files (host tag with underscores on purpose) and Expressway-C's. */
function edgeFiles(host = 'smart_slave_e'): Record<string, Buffer> {
  return {
    [`ca_${host}_${TS_E}.pem`]: Buffer.from(PEM('ca1') + PEM('ca2')),
    [`client_${host}_${TS_E}.pem`]: Buffer.from(PEM('client')),
    [`server_${host}_${TS_E}.pem`]: Buffer.from(PEM('server')),
    [`eth0_diagnostic_logging_tcpdump00_${host}_${TS_E}.pcap`]: PCAP,
    [`eth1_diagnostic_logging_tcpdump01_${host}_${TS_E}.pcap.gz`]: Buffer.from([0x1f, 0x8b]),
    [`loggingsnapshot_${host}_${TS_E}.txt`]: fixture(`loggingsnapshot_smartslave_${TS_E}.txt`),
    [`xconf_dump_${host}_${TS_E}.txt`]: fixture(`xconf_dump_smartslave_${TS_E}.txt`),
    [`xconf_dump_${host}_${TS_E}.xml`]: fixture(`xconf_dump_smartslave_${TS_E}.xml`),
    [`xstat_dump_${host}_${TS_E}.txt`]: fixture(`xstat_dump_smartslave_${TS_E}.txt`),
    'README-from-customer.txt': Buffer.from('notes'),
  };
}

function coreFiles(): Record<string, Buffer> {
  return {
    [`client_vcs8c_${TS_C}.pem`]: Buffer.from(PEM('c-client') + KEY),
    [`server_vcs8c_${TS_C}.pem`]: Buffer.from(PEM('c-server')),
    [`xconf_dump_vcs8c_${TS_C}.txt`]: fixture(`xconf_dump_vcs8c_${TS_C}.txt`),
  };
}

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

function writeFolder(root: string, files: Record<string, Buffer>): void {
  mkdirSync(root, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(root, name), bytes);
}

async function readAll(s: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

async function checkEdge(b: Bundle, host = 'smart_slave_e'): Promise<void> {
  expect(b.host).toBe(host);
  expect(b.timestamp).toEqual({ text: TS_E, iso: '2026-03-30T10:12:13' });
  expect(b.stores.ca).toHaveLength(1);
  expect(Buffer.from(b.stores.ca[0]!.bytes!).toString()).toBe(PEM('ca1') + PEM('ca2'));
  expect(Buffer.from(b.stores.client[0]!.bytes!).toString()).toBe(PEM('client'));
  expect(Buffer.from(b.stores.server[0]!.bytes!).toString()).toBe(PEM('server'));
  expect(b.captures.map((c) => [c.interface, c.sequence, c.gzip])).toEqual([
    ['eth0', '00', false],
    ['eth1', '01', true],
  ]);
  expect(b.captures[0]!.bytes).toBeUndefined(); // captures are streamed, never held
  expect(await readAll(b.captures[0]!.open())).toEqual(PCAP);
  expect(b.xconf?.format).toBe('text');
  expect(b.xconf?.systemName).toBe('smartslave');
  expect(b.xconf?.addresses).toEqual(['10.106.80.31']);
  expect(b.xconf?.sipTlsEkuChecking).toMatchObject({ mode: 'On', defaulted: false });
  expect(b.xstat).toMatchObject({ product: 'Cisco Expressway', version: 'X15.5' });
  expect(b.logEvents).toHaveLength(1);
  expect(b.logEvents[0]).toMatchObject({ kind: 'inbound-negotiation-error', expresswayRole: 'server', reasonCodes: ['unsupported-certificate-purpose'] });
  const r = await b.stores.client[0]!.read(1 << 20);
  expect(r.ok).toBe(true);
  const tooSmall = await b.captures[0]!.read(4);
  expect(!tooSmall.ok && tooSmall.problem.code).toMatch(/too-large/);
}

describe('classifyBundleFileName', () => {
  it('recognises every kind, and hosts with underscores', () => {
    expect(classifyBundleFileName(`ca_vcs8c_${TS_E}.pem`)).toMatchObject({ kind: 'ca-pem', host: 'vcs8c', timestamp: { iso: '2026-03-30T10:12:13' } });
    expect(classifyBundleFileName(`client_my_box_2_${TS_E}.pem`)).toMatchObject({ kind: 'client-pem', host: 'my_box_2' });
    expect(classifyBundleFileName(`server_client_x_${TS_E}.pem`)).toMatchObject({ kind: 'server-pem', host: 'client_x' });
    expect(classifyBundleFileName(`eth0_diagnostic_logging_tcpdump00_exp_e_01_${TS_E}.pcap`)).toMatchObject({
      kind: 'capture',
      host: 'exp_e_01',
      interface: 'eth0',
      sequence: '00',
      gzip: false,
    });
    expect(classifyBundleFileName(`eth1_diagnostic_logging_tcpdump12_h_${TS_E}.pcap.gz`)).toMatchObject({ interface: 'eth1', sequence: '12', gzip: true });
    expect(classifyBundleFileName(`loggingsnapshot_a_b_${TS_E}.txt`)).toMatchObject({ kind: 'loggingsnapshot', host: 'a_b' });
    expect(classifyBundleFileName(`xconf_dump_a_${TS_E}.xml`)).toMatchObject({ kind: 'xconf', format: 'xml' });
    expect(classifyBundleFileName(`xstat_dump_a_${TS_E}.txt`)).toMatchObject({ kind: 'xstat', format: 'txt' });
    // A host that itself looks like a timestamp still parses: the last one is the file's.
    expect(classifyBundleFileName(`xconf_dump_x_2025-01-01_00_00_00_${TS_E}.txt`)).toMatchObject({ host: 'x_2025-01-01_00_00_00', timestamp: { text: TS_E } });
  });

  it('leaves other names unclassified', () => {
    for (const n of ['notes.txt', `ca_${TS_E}.pem`, `ca_h_2026-13-30_10_12_13.pem`, `xconf_dump_h_${TS_E}.json`, `ca_h_${TS_E}.pem.bak`, '']) {
      expect(classifyBundleFileName(n)).toBeUndefined();
    }
  });
});

describe('openBundle: folders', () => {
  it('one box in a folder', async () => {
    writeFolder(dir, edgeFiles());
    const set = await openBundle(dir);
    expect(set.sourceKind).toBe('folder');
    expect(set.bundles).toHaveLength(1);
    await checkEdge(set.bundles[0]!);
    expect(set.otherFiles.map((f) => f.name)).toEqual(['README-from-customer.txt']);
    expect(set.problems).toEqual([]);
  });

  it('several boxes in subfolders: one bundle per host tag, private keys discarded', async () => {
    writeFolder(join(dir, 'edge'), edgeFiles());
    writeFolder(join(dir, 'core', 'inner'), coreFiles());
    const set = await openBundle(dir);
    expect(set.bundles.map((b) => b.host)).toEqual(['smart_slave_e', 'vcs8c']);
    await checkEdge(set.bundles[0]!);
    const core = set.bundles[1]!;
    expect(core.xconf?.systemName).toBe('vcs8c');
    expect(core.xconf?.sipTlsEkuChecking).toMatchObject({ mode: 'On', defaulted: true });
    expect(core.problems.map((p) => p.code)).toEqual(expect.arrayContaining(['pem-private-key', 'xconf-defaulted']));
    const clientPem = Buffer.from(core.stores.client[0]!.bytes!).toString();
    expect(clientPem.trim()).toBe(PEM('c-client').trim());
    expect(clientPem).not.toMatch(/PRIVATE/);
    const reread = await core.stores.client[0]!.read(1 << 20);
    expect(reread.ok && Buffer.from(reread.bytes).toString()).toBe(clientPem);
    expect(core.files[0]!.location).toBe(`core/inner/client_vcs8c_${TS_C}.pem`);
  });

  it('does not follow symbolic links', async () => {
    const root = join(dir, 'bundle');
    writeFolder(root, coreFiles());
    writeFileSync(join(dir, 'outside-secret'), 'secret');
    symlinkSync(join(dir, 'outside-secret'), join(root, `server_evil_${TS_C}.pem`));
    symlinkSync(dir, join(root, 'loop'));
    const set = await openBundle(root);
    expect(set.bundles.map((b) => b.host)).toEqual(['vcs8c']);
    expect(set.otherFiles).toHaveLength(2);
    expect(set.otherFiles.every((f) => f.type === 'symlink' && f.refused?.reason === 'link')).toBe(true);
    expect(set.problems.map((p) => p.code)).toContain('link-not-followed');
  });

  it('an empty folder or a file that is no bundle is reported, not thrown', async () => {
    expect((await openBundle(dir)).problems.map((p) => p.code)).toEqual(['bundle-empty']);
    writeFileSync(join(dir, 'x.pcap'), PCAP);
    expect((await openBundle(join(dir, 'x.pcap'))).problems.map((p) => p.code)).toEqual(['not-a-bundle']);
    expect((await openBundle(join(dir, 'missing'))).problems.map((p) => p.code)).toEqual(['io']);
  });
});

function entries(prefix: string, files: Record<string, Buffer>): TestEntry[] {
  return Object.entries(files).map(([name, data]) => ({ name: `${prefix}${name}`, data }));
}

describe('openBundle: archives', () => {
  it('a .tar.gz with two boxes and hostile entries: bundles read in place, hostile entries refused, nothing written', async () => {
    const archive = join(dir, 'bundle.tar.gz');
    writeFileSync(
      archive,
      tarGzBytes([
        { name: 'edge/', type: '5' },
        ...entries('edge/', edgeFiles()),
        ...entries('core/', coreFiles()),
        { name: `../client_evil_${TS_C}.pem`, data: PEM('evil') },
        { name: `/tmp/server_evil_${TS_C}.pem`, data: PEM('evil') },
        { name: `core/ca_vcs8c_${TS_C}.pem`, type: '2', linkName: '/etc/ssl/private/key.pem' },
        { name: 'name\u001b[31m.txt', data: 'ansi in a name stays data' },
      ]),
    );
    const before = readdirSync(dir);
    const set = await openBundle(archive);
    expect(set.sourceKind).toBe('tar.gz');
    expect(set.bundles.map((b) => b.host)).toEqual(['smart_slave_e', 'vcs8c']);
    await checkEdge(set.bundles[0]!);
    expect(set.bundles[1]!.stores.ca).toEqual([]); // the symlink named like a CA file is not one
    expect(Buffer.from(set.bundles[1]!.stores.client[0]!.bytes!).toString().trim()).toBe(PEM('c-client').trim());
    const refused = set.otherFiles.filter((f) => f.refused).map((f) => f.refused!.reason);
    expect(refused).toEqual(['parent-component', 'absolute-path', 'link']);
    expect(set.problems.filter((p) => p.code === 'entry-refused')).toHaveLength(3);
    // Names stay data in their own field; our messages never embed them.
    expect(set.otherFiles.some((f) => f.name.includes('\u001b'))).toBe(true);
    for (const p of [...set.problems, ...set.bundles.flatMap((b) => b.problems)]) expect(p.message).not.toMatch(/evil|\u001b/);
    expect(readdirSync(dir)).toEqual(before);
    expect(readdirSync(join(dir, '..')).some((n) => n.startsWith('client_evil'))).toBe(false);
  });

  it('a plain tar made by the system tar command', async () => {
    const src = join(dir, 'src');
    writeFolder(join(src, 'smartslave'), edgeFiles('smartslave'));
    const archive = join(dir, 'plain.tar');
    execFileSync('tar', ['-cf', archive, '-C', src, 'smartslave']);
    const set = await openBundle(archive);
    expect(set.sourceKind).toBe('tar');
    expect(set.bundles).toHaveLength(1);
    await checkEdge(set.bundles[0]!, 'smartslave');
  });

  it('a truncated .tar.gz keeps the boxes read before the cut and says where it broke', async () => {
    const big = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 2654435761) >>> 24));
    const gz = tarGzBytes([...entries('core/', coreFiles()), { name: `eth0_diagnostic_logging_tcpdump00_vcs8c_${TS_C}.pcap`, data: big }, ...entries('edge/', edgeFiles())]);
    const archive = join(dir, 'cut.tar.gz');
    writeFileSync(archive, gz.subarray(0, gz.length - 20_000));
    const set = await openBundle(archive);
    expect(set.bundles.map((b) => b.host)).toEqual(['vcs8c']);
    expect(set.bundles[0]!.xconf?.systemName).toBe('vcs8c');
    const broke = set.problems.find((p) => p.severity === 'error');
    expect(broke?.code).toBe('gzip-truncated');
    expect(broke?.message).toMatch(/offset \d+/);
    const capture = set.bundles[0]!.captures[0]!;
    await expect(readAll(capture.open())).rejects.toThrow(/ends early/);
  });

  it('a plain tar written by the test writer with a PEM too large to hold', async () => {
    const archive = join(dir, 'x.tar');
    writeFileSync(archive, tarBytes(entries('', coreFiles())));
    const set = await openBundle(archive, { maxSmallFileBytes: 64 });
    const core = set.bundles[0]!;
    expect(core.stores.client[0]!.bytes).toBeUndefined();
    expect(core.problems.map((p) => p.code)).toContain('file-too-large');
  });
});

describe('stripPrivateKeys', () => {
  it('removes every private key block, including an unterminated one', () => {
    const text = PEM('a') + KEY + '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' + PEM('b') + '-----BEGIN EC PRIVATE KEY-----\nBBBB';
    const input = new Uint8Array(Buffer.from(text));
    const r = stripPrivateKeys(input);
    expect(r.removed).toBe(3);
    const out = Buffer.from(r.bytes).toString();
    expect(out).not.toMatch(/PRIVATE|c2VjcmV0|AAAA|BBBB/);
    expect(out.replace(/\n+/g, '\n')).toBe((PEM('a') + PEM('b')).replace(/\n+/g, '\n'));
    expect(input.every((b) => b === 0)).toBe(true);
  });
});

describe('mutated archives', () => {
  it('never throw: flipped bytes, truncations and duplicated blocks in .tar and .tar.gz', async () => {
    const { gzipSync } = await import('node:zlib');
    const { listTarGz } = await import('../../src/expressway/tar.js');
    const base = tarBytes([...entries('edge/', edgeFiles()), ...entries('core/', coreFiles())]);
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 60; i++) {
      let bytes = Buffer.from(base);
      const mode = i % 3;
      if (mode === 0) for (let k = 0; k < 1 + rnd(8); k++) bytes[rnd(bytes.length)] = rnd(256);
      else if (mode === 1) bytes = bytes.subarray(0, rnd(bytes.length));
      else {
        const at = rnd(bytes.length / 512) * 512;
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at, at + 1024), bytes.subarray(at)]);
      }
      const p = join(dir, `m${i}${i % 2 ? '.tar.gz' : '.tar'}`);
      writeFileSync(p, i % 2 ? gzipSync(bytes) : bytes);
      const listing = await listTarGz(p);
      expect(Array.isArray(listing.entries)).toBe(true);
      const set = await openBundle(p);
      for (const b of set.bundles) for (const c of b.captures) await readAll(c.open()).catch((e: unknown) => expect(e).toBeInstanceOf(Error));
    }
  });
});
