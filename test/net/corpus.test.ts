import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { passiveConsumer, scanCapture } from '../../src/analysis/frames.js';
import { corpusFiles, manifest, tshark } from '../helpers/corpus.js';
import { needs } from '../helpers/tools.js';

const files = corpusFiles();
const rows = new Map(manifest().map((r) => [r.file, r]));

describe('real public captures (test/corpus)', () => {
  it('the vendored corpus is present', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });
  for (const f of files) {
    it(`${basename(f)}: reads every frame`, async () => {
      const r = await scanCapture(f, () => passiveConsumer);
      const row = rows.get(basename(f));
      if (row) expect(r.capture.frames).toBe(row.packets);
      if (row?.format.includes('corrupt')) expect(r.capture.problems.some((p) => p.severity === 'fatal')).toBe(true);
      else expect(r.capture.problems).toEqual([]);
    });
    it(`${basename(f)}: finds tshark's TCP conversations`, async (ctx) => {
      needs(ctx, 'tshark');
      const r = await scanCapture(f, () => passiveConsumer);
      const conv = tshark(['-r', f, '-q', '-z', 'conv,tcp']);
      expect(r.connections.length).toBe(conv.split('\n').filter((l) => l.includes('<->')).length);
    });
  }
});
