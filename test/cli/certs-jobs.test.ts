/**
 * certs --jobs N: the files listed on worker threads, the output the same byte for byte as one
 * thread's, in the order of the files, including when a file in the middle cannot be read. The
 * captures here are small, so the workers are asked for whatever the files' size (the command
 * itself lists small files in its own thread).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCerts } from '../../src/cli/certs.js';
import { listCerts } from '../../src/cli/certs-jobs.js';
import { cli, tempDir } from '../hostile/lib.js';
import { capturesUnder, repoRoot } from '../helpers/corpus.js';

const files = capturesUnder(join(repoRoot, 'captures')).slice(0, 12);

/** One listing: what went to standard output and standard error, and the error it ended with. */
async function listing(list: readonly string[], format: 'json' | 'text', jobs: number): Promise<{ out: string; err: string; error?: string }> {
  let out = '';
  let err = '';
  const o = { format, jobs, out: (t: string) => void (out += t), err: (t: string) => void (err += t) };
  try {
    await (jobs === 1 ? runCerts(list, o) : listCerts(list, o, 0));
    return { out, err };
  } catch (e) {
    return { out, err, error: `${(e as Error).constructor.name}: ${(e as Error).message}` };
  }
}

describe('certs --jobs', () => {
  it('lists a dozen captures on 3 worker threads exactly as in one thread, JSON and text', async () => {
    expect(files.length).toBe(12);
    for (const format of ['json', 'text'] as const) {
      const one = await listing(files, format, 1);
      const three = await listing(files, format, 3);
      expect(one.error).toBeUndefined();
      expect(three).toEqual(one);
      expect(one.out.length).toBeGreaterThan(1000);
    }
  });

  it('stops at a file that is not a capture as one thread does: the files before it listed, the JSON closed, the same error', async () => {
    const temp = tempDir();
    try {
      const bad = join(temp.dir, 'notes.pcap');
      writeFileSync(bad, 'not a capture\n');
      const list = [...files.slice(0, 4), bad, ...files.slice(4, 8)];
      const one = await listing(list, 'json', 1);
      const two = await listing(list, 'json', 2);
      expect(one.error).toMatch(/^CaptureFormatError: .*text file/);
      expect(two).toEqual(one);
      expect(() => JSON.parse(two.out)).not.toThrow();
    } finally {
      temp.cleanup();
    }
  });

  it('the command lists small files in its own thread, with the same output', async () => {
    const r = await cli('certs', '--format', 'json', '--jobs', '2', ...files);
    expect(r.code).toBe(0);
    expect(r.out).toBe((await listing(files, 'json', 1)).out);
  });

  it('refuses a --jobs that is not a whole number from 1', async () => {
    for (const bad of ['0', 'two', '-1', '1.5']) {
      const r = await cli('certs', '--jobs', bad, files[0]!);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/--jobs must be a whole number/);
    }
  });
});
