/**
 * Reading a capture as it is written: a file read on as it grows until the stop, and a pipe until
 * it ends or the stop (with a moment for its writer's last bytes).
 */
import { appendFileSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { followFile, untilAborted } from '../../src/capture/follow.js';

const tmp = mkdtempSync(join(tmpdir(), 'ekuscope-follow-unit-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Collects a stream's bytes; `waitFor(n)` resolves once n bytes have come (generous limit, no timing claim). */
function collect(stream: Readable) {
  const parts: Buffer[] = [];
  let size = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  stream.on('data', (c: Buffer) => {
    parts.push(c);
    size += c.length;
    for (const w of waiters.filter((w) => size >= w.n)) w.resolve();
  });
  const ended = new Promise<Buffer>((resolve, reject) => {
    stream.on('end', () => resolve(Buffer.concat(parts)));
    stream.on('error', reject);
  });
  return {
    ended,
    waitFor: (n: number) =>
      new Promise<void>((resolve, reject) => {
        if (size >= n) return resolve();
        const t = setTimeout(() => reject(new Error(`only ${size} of ${n} bytes after 30 s`)), 30_000);
        waiters.push({ n, resolve: () => (clearTimeout(t), resolve()) });
      }),
  };
}

describe('followFile', () => {
  it('reads what is there, then each append, and ends at the stop with every byte', async () => {
    const file = join(tmp, 'grow.bin');
    writeFileSync(file, Buffer.alloc(1000, 1));
    const stop = new AbortController();
    const c = collect(followFile(file, stop.signal, 20));
    await c.waitFor(1000);
    appendFileSync(file, Buffer.alloc(500, 2));
    await c.waitFor(1500);
    appendFileSync(file, Buffer.alloc(3, 3));
    stop.abort();
    const all = await c.ended;
    expect(all.length).toBe(1503);
    expect(all.subarray(1000, 1500).every((b) => b === 2)).toBe(true);
    expect([...all.subarray(1500)]).toEqual([3, 3, 3]);
  });
  it('ends when the file shrinks (rotated or truncated): what was read stays', async () => {
    const file = join(tmp, 'shrink.bin');
    writeFileSync(file, Buffer.alloc(800, 7));
    const c = collect(followFile(file, new AbortController().signal, 20));
    await c.waitFor(800);
    truncateSync(file, 10);
    expect((await c.ended).length).toBe(800);
  });
});

describe('untilAborted', () => {
  it('passes a pipe through to its end', async () => {
    const input = new PassThrough();
    const c = collect(untilAborted(input, new AbortController().signal));
    input.end(Buffer.from('abc'));
    expect((await c.ended).toString()).toBe('abc');
  });
  it('after a stop, reads what the writer sends within the grace, then ends without the writer', async () => {
    const input = new PassThrough();
    const stop = new AbortController();
    const c = collect(untilAborted(input, stop.signal, 200));
    input.write('first ');
    await c.waitFor(6);
    stop.abort();
    input.write('last'); // the writer's last bytes, as tcpdump writes them when Ctrl-C reaches it too
    expect((await c.ended).toString()).toBe('first last');
    expect(input.writableEnded).toBe(false); // the writer never closed: the stop ended the reading
  });
});
