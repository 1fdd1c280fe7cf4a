import { createWriteStream, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listTarGz, openTarGzEntry, readTarGzEntry, scanTarGz, TarReadError } from '../../src/expressway/tar.js';
import { header, tarBytes, tarGzBytes, tempDir } from './tarWriter.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

function write(name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

describe('listTarGz', () => {
  it('lists ustar, prefix, GNU long name and pax entries', async () => {
    const long = `bundle/${'d'.repeat(120)}/xconf_dump_vcs8c_2026-03-30_10_12_13.txt`;
    const p = write(
      'b.tar.gz',
      tarGzBytes([
        { name: 'bundle/', type: '5' },
        { name: 'bundle/ca_vcs8c_2026-03-30_10_12_13.pem', data: 'PEM' },
        { name: 'deep/path/with/prefix/file.txt', data: 'x', usePrefix: true },
        { name: long, data: 'long', gnuLongName: true },
        { name: 'short', data: 'pax!', pax: { path: 'pax/renamed_ümlaut.txt' } },
        { name: './dot/./file', data: '' },
      ]),
    );
    const l = await listTarGz(p);
    expect(l.complete).toBe(true);
    expect(l.compression).toBe('gzip');
    expect(l.problems).toEqual([]);
    expect(l.entries.map((e) => [e.name, e.type, e.size])).toEqual([
      ['bundle', 'directory', 0],
      ['bundle/ca_vcs8c_2026-03-30_10_12_13.pem', 'file', 3],
      ['deep/path/with/prefix/file.txt', 'file', 1],
      [long, 'file', 4],
      ['pax/renamed_ümlaut.txt', 'file', 4],
      ['dot/file', 'file', 0],
    ]);
    expect(l.entries.every((e) => !e.refused)).toBe(true);
  });

  it('reads a plain (uncompressed) tar too, sniffed by content not name', async () => {
    const p = write('looks-gzipped.tar.gz', tarBytes([{ name: 'a.txt', data: 'hello' }]));
    const l = await listTarGz(p);
    expect(l.compression).toBe('none');
    expect(l.entries.map((e) => e.name)).toEqual(['a.txt']);
    const r = await readTarGzEntry(p, 'a.txt', 100);
    expect(r.ok && Buffer.from(r.bytes).toString()).toBe('hello');
  });

  it('refuses hostile entries with a reason, reads none of them, and writes nothing', async () => {
    const before = readdirSync(dir);
    const p = write(
      'evil.tar.gz',
      tarGzBytes([
        { name: '../escaped.txt', data: 'escape' },
        { name: '/etc/ekuscope-test-x', data: 'abs' },
        { name: 'a/../../b', data: 'parent' },
        { name: 'C:\\windows\\x', data: 'drive' },
        { name: 'link', type: '2', linkName: '/etc/passwd' },
        { name: 'hard', type: '1', linkName: 'ok.txt' },
        { name: 'dev', type: '3' },
        { name: 'fifo', type: '6' },
        { name: 'sparse', type: 'S', data: 'zz' },
        { name: 'ok.txt', data: 'fine' },
        { name: 'safe', data: 'p', pax: { path: '../via-pax' } },
        { name: 'x', data: 'g', gnuLongName: false, pax: { path: '/abs-via-pax' } },
      ]),
    );
    const l = await listTarGz(p);
    const reasons = Object.fromEntries(l.entries.map((e) => [e.rawName, e.refused?.reason]));
    expect(reasons).toEqual({
      '../escaped.txt': 'parent-component',
      '/etc/ekuscope-test-x': 'absolute-path',
      'a/../../b': 'parent-component',
      'C:\\windows\\x': 'absolute-path',
      link: 'link',
      hard: 'link',
      dev: 'device',
      fifo: 'device',
      sparse: 'unsupported-type',
      'ok.txt': undefined,
      '../via-pax': 'parent-component',
      '/abs-via-pax': 'absolute-path',
    });
    expect(l.entries.find((e) => e.name === 'link')?.linkName).toBe('/etc/passwd');
    // A visitor is never handed a refused entry's bytes.
    const seen: string[] = [];
    await scanTarGz(p, (e) => ({
      write: () => {
        seen.push(e.rawName);
      },
      end: () => undefined,
    }));
    expect(seen).toEqual(['ok.txt']);
    const r1 = await readTarGzEntry(p, '../escaped.txt', 100);
    expect(r1.ok).toBe(false);
    const r2 = await readTarGzEntry(p, { offset: l.entries[0]!.offset }, 100);
    expect(!r2.ok && r2.problem.code).toBe('entry-refused');
    const s = openTarGzEntry(p, { offset: l.entries[4]!.offset });
    await expect(collect(s)).rejects.toBeInstanceOf(TarReadError);
    expect(readdirSync(dir).sort()).toEqual([...before, 'evil.tar.gz'].sort());
    expect(existsSync(join(dir, '..', 'escaped.txt'))).toBe(false);
    expect(existsSync('/etc/ekuscope-test-x')).toBe(false);
  });

  it('a truncated gzip keeps the entries read before it and names the offset', async () => {
    const gz = tarGzBytes([
      { name: 'first.txt', data: 'a'.repeat(1000) },
      { name: 'second.bin', data: Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 251)) },
    ]);
    const p = write('cut.tar.gz', gz.subarray(0, Math.floor(gz.length * 0.6)));
    const l = await listTarGz(p);
    expect(l.complete).toBe(false);
    expect(l.entries.map((e) => e.name)).toEqual(['first.txt', 'second.bin']);
    const err = l.problems.find((x) => x.severity === 'error');
    expect(err?.code).toBe('gzip-truncated');
    expect(err?.message).toMatch(/offset \d+/);
    expect(err?.offset).toBeGreaterThan(1536);
    expect(err?.name).toBe('second.bin');
    const first = await readTarGzEntry(p, 'first.txt', 10_000);
    expect(first.ok && first.bytes.length).toBe(1000);
    const second = await readTarGzEntry(p, 'second.bin', 1_000_000);
    expect(!second.ok && second.problem.code).toBe('gzip-truncated');
    await expect(collect(openTarGzEntry(p, 'second.bin'))).rejects.toThrow(/ends early/);
  });

  it('a header claiming a huge size ends the scan as truncated, without allocating it', async () => {
    const p = write(
      'huge.tar.gz',
      tarGzBytes([
        { name: 'ok.pem', data: 'PEM' },
        { name: 'huge.pcap', data: 'tiny', claimSize: 8 * 2 ** 30 },
      ]),
    );
    const l = await listTarGz(p);
    expect(l.entries.map((e) => [e.name, e.size])).toEqual([
      ['ok.pem', 3],
      ['huge.pcap', 8 * 2 ** 30],
    ]);
    expect(l.problems[0]?.code).toBe('tar-truncated');
    expect(l.problems[0]?.message).toMatch(/declares 8589934592 bytes, but the archive ends at offset \d+/);
    const r = await readTarGzEntry(p, 'huge.pcap', 16 << 20);
    expect(!r.ok && r.problem.code).toBe('entry-too-large');
    expect((await readTarGzEntry(p, 'ok.pem', 100)).ok).toBe(true);
  });

  it('a size beyond the entry limit, a bad checksum and garbage are corrupt, with offsets', async () => {
    const huge = write('limit.tar', Buffer.concat([header({ name: 'a', size: 2 ** 45 }), Buffer.alloc(1024)]));
    const l1 = await listTarGz(huge);
    expect(l1.problems[0]?.code).toBe('tar-bad-header');
    const bad = write('bad.tar', tarBytes([{ name: 'a.txt', data: 'a' }, { name: 'b.txt', data: 'b', badChecksum: true }]));
    const l2 = await listTarGz(bad);
    expect(l2.entries.map((e) => e.name)).toEqual(['a.txt']);
    expect(l2.problems[0]).toMatchObject({ code: 'tar-bad-checksum', offset: 1024 });
    const junk = write('junk.bin', Buffer.from('this is not a tar archive at all'.repeat(40)));
    expect((await listTarGz(junk)).problems[0]?.code).toBe('tar-bad-checksum');
    const gzJunk = write('junk.gz', Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff]));
    expect((await listTarGz(gzJunk)).problems[0]?.code).toMatch(/^gzip-/);
    expect((await listTarGz(join(dir, 'missing.tar.gz'))).problems[0]?.code).toBe('io');
  });

  it('bounds entry count and pax header size', async () => {
    const many = write('many.tar', tarBytes(Array.from({ length: 30 }, (_, i) => ({ name: `f${i}`, data: 'x' }))));
    const l = await listTarGz(many, { maxEntries: 10 });
    expect(l.entries).toHaveLength(10);
    expect(l.problems[0]?.code).toBe('tar-limit');
    const bigPax = write('pax.tar', tarBytes([{ name: 'a', data: 'x', pax: { comment: 'c'.repeat(5000), path: 'p' } }, { name: 'b', data: 'y' }]));
    const l2 = await listTarGz(bigPax, { maxPaxHeaderBytes: 1024 });
    expect(l2.entries.map((e) => [e.name, e.refused?.reason])).toEqual([
      ['a', 'bad-header'],
      ['b', undefined],
    ]);
  });

  it('tolerates a missing end-of-archive marker, with a warning', async () => {
    const p = write('nomarker.tar', tarBytes([{ name: 'a', data: 'x' }], { endMarker: false }));
    const l = await listTarGz(p);
    expect(l.complete).toBe(true);
    expect(l.problems.map((x) => x.code)).toEqual(['tar-no-end-marker']);
  });

  it('streams a 200 MB entry with bounded memory', async () => {
    const p = join(dir, 'big.tar.gz');
    const gz = createGzip({ level: 1 });
    const out = createWriteStream(p);
    gz.pipe(out);
    const size = 200 * 1024 * 1024;
    gz.write(header({ name: 'eth0_diagnostic_logging_tcpdump00_vcs8c_2026-03-30_10_12_13.pcap', size }));
    const zeros = Buffer.alloc(1 << 20);
    for (let left = size; left > 0; left -= zeros.length) {
      if (!gz.write(zeros)) await once(gz, 'drain');
    }
    gz.write(tarBytes([{ name: 'after.txt', data: 'after' }]));
    gz.end();
    await once(out, 'finish');

    global.gc?.();
    const base = process.memoryUsage();
    let peak = 0;
    let total = 0;
    let nonZero = 0;
    for await (const chunk of openTarGzEntry(p, 'eth0_diagnostic_logging_tcpdump00_vcs8c_2026-03-30_10_12_13.pcap')) {
      const c = chunk as Buffer;
      total += c.length;
      if (c.some((b) => b !== 0)) nonZero++;
      if ((total & 0xffffff) < c.length) {
        const m = process.memoryUsage();
        peak = Math.max(peak, m.heapUsed + m.arrayBuffers - (base.heapUsed + base.arrayBuffers));
      }
    }
    expect(total).toBe(size);
    expect(nonZero).toBe(0);
    // Holding the entry would cost 200 MB; streaming costs a few zlib chunks plus GC slack.
    expect(peak).toBeLessThan(64 * 1024 * 1024);
    const after = await readTarGzEntry(p, 'after.txt', 100);
    expect(after.ok && Buffer.from(after.bytes).toString()).toBe('after');
  });
});
