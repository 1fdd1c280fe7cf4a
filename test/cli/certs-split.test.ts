/**
 * certs --jobs N on one capture, split by connection across worker threads (certs-split.ts): the
 * listing must be the one one thread writes, byte for byte, JSON and text, with 2 and 3 workers, on
 * every pcap of the corpus and of captures/, and on a generated busy capture (bench/busy.mjs) cut so
 * that it starts in the middle of connections and ends in the middle of handshakes. pcapng and gzip
 * files are not split (the command reads them whole first, for the key log they may carry).
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readCapture } from '../../src/capture/index.js';
import { CaptureWriter } from '../../src/capture/writer.js';
import { certsListing, runCerts } from '../../src/cli/certs.js';
import { listCerts } from '../../src/cli/certs-jobs.js';
import { SplitPool, splitCertsOfFile } from '../../src/cli/certs-split.js';
import { tempDir } from '../hostile/lib.js';
import { capturesUnder, capturesDir, corpusDir, repoRoot } from '../helpers/corpus.js';

interface Listed {
  out: string;
  err: string;
  error?: string;
}

async function caught(o: Listed, run: () => Promise<unknown>): Promise<Listed> {
  try {
    await run();
  } catch (e) {
    o.error = `${(e as Error).constructor.name}: ${(e as Error).message}`;
  }
  return o;
}

/** The listing one thread writes. */
function serial(file: string, format: 'json' | 'text'): Promise<Listed> {
  const r: Listed = { out: '', err: '' };
  return caught(r, () => runCerts([file], { format, out: (t) => void (r.out += t), err: (t) => void (r.err += t) }));
}

/** The listing of the file split across the pool's workers, and whether it was read again in this thread. */
async function split(file: string, format: 'json' | 'text', pool: SplitPool): Promise<Listed & { how?: string }> {
  const r: Listed & { how?: string } = { out: '', err: '' };
  const o = { format, out: (t: string) => void (r.out += t), err: (t: string) => void (r.err += t) };
  const listing = certsListing(o);
  return caught(r, async () => {
    try {
      r.how = await splitCertsOfFile(file, pool, o, listing.sink());
    } finally {
      listing.end();
    }
  });
}

const pools = [new SplitPool(2), new SplitPool(3)];
afterAll(async () => {
  for (const p of pools) await p.close();
});

/** Checks the file split 2 and 3 ways against one thread, in both formats; returns how often it was split. */
async function sameAsOneThread(file: string): Promise<{ split: number; rows: number }> {
  let splitRuns = 0;
  let rows = 0;
  for (const format of ['json', 'text'] as const) {
    const one = await serial(file, format);
    for (const pool of pools) {
      const { how, ...many } = await split(file, format, pool);
      expect(many, `${file}, ${format}, ${pool.size} workers`).toEqual(one);
      if (how === 'split') splitRuns++;
    }
    if (format === 'json' && one.error === undefined) rows = (JSON.parse(one.out) as unknown[]).length;
  }
  return { split: splitRuns, rows };
}

const pcaps = [...capturesUnder(corpusDir), ...capturesUnder(capturesDir)].filter((f) => f.endsWith('.pcap'));

describe('certs --jobs N on one capture, split by connection', () => {
  it('lists every pcap of the corpus and of captures/ as one thread does, 2 and 3 workers, JSON and text', async () => {
    expect(pcaps.length).toBeGreaterThan(30);
    let rows = 0;
    const readAgain: string[] = [];
    for (const f of pcaps) {
      const r = await sameAsOneThread(f);
      rows += r.rows;
      if (r.split < 4) readAgain.push(f);
    }
    expect(rows).toBeGreaterThan(100);
    // The workers agree on the connections of every one of these captures: none was read again.
    expect(readAgain).toEqual([]);
  }, 300_000);

  it('lists a generated busy capture, whole and cut in the middle of connections at both ends, as one thread does', async () => {
    const bench = (name: string) => import(pathToFileURL(join(repoRoot, 'bench', name)).href);
    const { loadTemplate } = await bench('gen.mjs');
    const { generateBusy } = await bench('busy.mjs');
    const temp = tempDir('ekuscope-split-');
    try {
      const tls12 = await loadTemplate(repoRoot, '01-');
      const tls13 = await loadTemplate(repoRoot, '03b-');
      const whole = join(temp.dir, 'busy.pcap');
      const g = generateBusy(whole, 3_000_000, 120, tls12, tls13, 5);
      expect(g.handshakes).toBe(120);
      // Starting mid-stream (no SYN for the connections under way) and ending mid-handshake.
      const cut = join(temp.dir, 'cut.pcap');
      await copyFrames(whole, cut, Math.floor(g.frames / 5), Math.floor((g.frames * 3) / 5));
      const full = await sameAsOneThread(whole);
      expect(full.rows).toBe(g.certificatesExpected);
      expect(full.split).toBe(4);
      const part = await sameAsOneThread(cut);
      expect(part.split).toBe(4);
      expect(part.rows).toBeGreaterThan(0);
      expect(part.rows).toBeLessThan(full.rows);
      // Sessions the capture's end closes are listed after those that ended while it was read.
      const text = (await serial(cut, 'text')).out;
      expect(text).toMatch(/certificates in \d+ TLS sessions/);
    } finally {
      temp.cleanup();
    }
  }, 120_000);

  it('a port pair reused while its handshake was under way: the workers disagree, the capture is read again in this thread, no row twice', async () => {
    const { loadTemplate, PcapOut, frame, replay } = await import(pathToFileURL(join(repoRoot, 'bench', 'gen.mjs')).href);
    const temp = tempDir('ekuscope-split-');
    try {
      const tpl = await loadTemplate(repoRoot, '01-');
      const file = join(temp.dir, 'reuse.pcap');
      const out = new PcapOut(file);
      let t = Date.UTC(2026, 3, 14, 9, 0, 0) * 1000;
      const server = 0x0a000002;
      const handshakes = (n: number, from: number) => {
        for (let i = 0; i < n; i++) replay(out, (t += 100), { src: 0x0a010000 + from + i, dst: server, sport: 30000 + i, dport: 443, cseq: 1000 + i, sseq: 5000 + i }, tpl);
      };
      // Enough handshakes first that rows are written before the workers can disagree (a mark every 2,048 frames).
      handshakes(200, 0);
      // A client starts a handshake, then sends a SYN with another ISN from the same port: one thread,
      // which follows the handshake, numbers a new connection; a worker that does not own the port pair does not.
      const c = { src: 0x0a020001, dst: server, sport: 40000, dport: 443 };
      frame(out, (t += 100), c.src, c.dst, c.sport, c.dport, 7000, 0, 0x02, null);
      frame(out, (t += 1), c.dst, c.src, c.dport, c.sport, 9000, 7001, 0x12, null);
      frame(out, (t += 1), c.src, c.dst, c.sport, c.dport, 7001, 9001, 0x10, null);
      frame(out, (t += 1), c.src, c.dst, c.sport, c.dport, 7001, 9001, 0x18, tpl.chunks[0].bytes, 0, 100);
      replay(out, (t += 100), { ...c, cseq: 800000, sseq: 900000 }, tpl);
      handshakes(20, 300);
      out.close();
      const r = await sameAsOneThread(file);
      expect(r.split).toBe(0);
      expect(r.rows).toBe(221 * tpl.certificates);
    } finally {
      temp.cleanup();
    }
  }, 120_000);

  it('a file that is not a capture: read again in this thread, the same error and output', async () => {
    const temp = tempDir('ekuscope-split-');
    // Removed after the file's tests: the reader's stream, given up on when the format is refused,
    // still opens the file a moment later (and cannot close what it could not open).
    afterAll(() => temp.cleanup());
    const bad = temp.file('notes.pcap', 'not a capture at all, but long enough to be read\n'.repeat(40));
    const one = await serial(bad, 'json');
    const { how, ...two } = await split(bad, 'json', pools[0]!);
    expect(one.error).toMatch(/^CaptureFormatError: /);
    expect(how).toBeUndefined();
    expect(two).toEqual(one);
  });

  it('the command splits one capture when --jobs is given, from a size (here any), and lists it as one thread does', async () => {
    const file = pcaps.find((f) => f.includes('flowtest__tls12'))!;
    const r: Listed = { out: '', err: '' };
    await listCerts([file], { format: 'text', jobs: 2, splitOne: true, out: (t) => void (r.out += t), err: (t) => void (r.err += t) }, 0, 0);
    expect(r).toEqual(await serial(file, 'text'));
    expect(r.out).toMatch(/certificates in/);
  });
});

/** Frames `from` to `to` (1-based, inclusive) of a pcap, into a new pcap. */
async function copyFrames(src: string, dst: string, from: number, to: number): Promise<void> {
  const w = CaptureWriter.toFile(dst, { format: 'pcap', linktype: 1 });
  await readCapture(src, (f) => {
    if (f.number < from) return;
    if (f.number > to) return 'stop';
    w.packetAt(BigInt(f.tsSec) * 1_000_000n + BigInt(Math.floor(f.tsNsec / 1000)), f.data, f.origLen);
  });
  w.close();
}
