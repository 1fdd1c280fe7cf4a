import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCapture, type CaptureSummary, type Frame } from '../../src/capture/index.js';
import { capturesDir, capturesUnder, corpusFiles } from '../helpers/corpus.js';

/**
 * Files are read straight from disk, in chunks cut on pcap record boundaries, and pcap-parser
 * takes those chunks without copying them. Whatever the chunk size, the frames must be exactly
 * those read through a plain stream (the path streams, gzip and tar entries take).
 */

interface Seen {
  frames: string[];
  summary: Omit<CaptureSummary, 'bytesRead'> & { bytesRead: number };
}

function row(f: Frame): string {
  const h = createHash('sha1').update(f.data).digest('hex');
  return `${f.number} ${f.tsSec}.${f.tsNsec} ${f.linkType} ${f.interfaceId} ${f.origLen} ${f.fileOffset} ${f.data.length} ${h}`;
}

async function read(input: string | NodeJS.ReadableStream, chunkSize?: number): Promise<Seen> {
  const frames: string[] = [];
  const summary = await readCapture(input as string, (f) => void frames.push(row(f)), chunkSize ? { chunkSize } : {});
  return { frames, summary };
}

const files = [...capturesUnder(capturesDir), ...corpusFiles()].filter((f) => !f.endsWith('.gz'));

describe('reading a file directly gives the frames a plain stream gives', () => {
  it('has captures to compare, classic pcap among them', () => {
    expect(files.filter((f) => readFileSync(f).readUInt32BE(0) !== 0x0a0d0d0a).length).toBeGreaterThan(10);
  });

  it.each(files.map((f) => [f.slice(f.lastIndexOf('/') + 1), f]))('%s, with reads of 1 MiB, 4096, 1500, 100 and 37 bytes', async (_n, file) => {
    const want = await read(createReadStream(file));
    expect(want.frames.length).toBe(want.summary.frames);
    for (const size of [undefined, 4096, 1500, 100, 37]) {
      const got = await read(file, size);
      expect(got.frames, `chunk ${size}`).toEqual(want.frames);
      expect(got.summary, `chunk ${size}`).toEqual(want.summary);
    }
  });

  it('reads into a few buffers over and over (a handled chunk\'s buffer is read into again)', async () => {
    // The largest classic pcap at hand, in 4 KiB reads: many chunks.
    const pcaps = files.filter((f) => f.endsWith('.pcap') && readFileSync(f).readUInt32BE(0) !== 0x0a0d0d0a);
    const file = pcaps.sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
    const chunks = Math.floor(statSync(file).size / 4096);
    expect(chunks).toBeGreaterThan(20);
    const buffers = new Set<ArrayBufferLike>();
    await readCapture(file, (f) => void buffers.add(f.data.buffer), { chunkSize: 4096 });
    expect(buffers.size).toBeLessThanOrEqual(8);
  });

  it('a file cut inside a record, and one with a damaged record length, read the same as through a stream', async () => {
    const src = files.find((f) => f.includes('01-webex') && f.endsWith('.pcap'))!;
    const bytes = readFileSync(src);
    const dir = mkdtempSync(join(tmpdir(), 'ekuscope-direct-'));
    const cut = join(dir, 'cut.pcap');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const damaged = join(dir, 'damaged.pcap');
    const d = Buffer.from(bytes);
    // The third record's captured length: 3 GB.
    let p = 24;
    for (let i = 0; i < 2; i++) p += 16 + d.readUInt32LE(p + 8);
    d.writeUInt32LE(0xc0000000, p + 8);
    writeFileSync(damaged, d);
    for (const file of [cut, damaged]) {
      const want = await read(createReadStream(file));
      expect(want.summary.problems.length).toBeGreaterThan(0);
      for (const size of [undefined, 1500, 64]) {
        const got = await read(file, size);
        expect(got.frames).toEqual(want.frames);
        expect(got.summary).toEqual(want.summary);
      }
    }
  });
});
