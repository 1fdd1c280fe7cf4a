/**
 * certs --jobs N: the files listed on worker threads, the output the same byte for byte as one
 * thread's, in the order of the files, including when a file in the middle cannot be read.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../hostile/lib.js';
import { capturesUnder, repoRoot } from '../helpers/corpus.js';

const files = capturesUnder(join(repoRoot, 'captures')).slice(0, 12);

describe('certs --jobs', () => {
  it('lists a dozen captures on 3 worker threads exactly as in one thread, JSON and text', async () => {
    expect(files.length).toBe(12);
    for (const format of ['json', 'text']) {
      const one = await cli('certs', '--format', format, '--jobs', '1', ...files);
      const three = await cli('certs', '--format', format, '--jobs', '3', ...files);
      expect(one.code).toBe(0);
      expect(three.code).toBe(0);
      expect(three.out).toBe(one.out);
      expect(three.err).toBe(one.err);
      expect(one.out.length).toBeGreaterThan(1000);
    }
  });

  it('stops at a file that is not a capture as one thread does: the files before it listed, the JSON closed, exit 2', async () => {
    const temp = tempDir();
    try {
      const bad = join(temp.dir, 'notes.pcap');
      writeFileSync(bad, 'not a capture\n');
      const list = [...files.slice(0, 4), bad, ...files.slice(4, 8)];
      const one = await cli('certs', '--format', 'json', '--jobs', '1', ...list);
      const two = await cli('certs', '--format', 'json', '--jobs', '2', ...list);
      expect(one.code).toBe(2);
      expect(two).toEqual(one);
      expect(two.err).toMatch(/text file/);
      expect(() => JSON.parse(two.out)).not.toThrow();
    } finally {
      temp.cleanup();
    }
  });

  it('refuses a --jobs that is not a whole number from 1', async () => {
    for (const bad of ['0', 'two', '-1', '1.5']) {
      const r = await cli('certs', '--jobs', bad, files[0]!);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/--jobs must be a whole number/);
    }
  });
});
