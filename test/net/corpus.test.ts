import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { passiveConsumer, scanCapture } from '../../src/analysis/frames.js';
import { corpusFiles, haveTshark, manifest, tshark } from '../helpers/corpus.js';

const files = corpusFiles();
const rows = new Map(manifest().map((r) => [r.file, r]));

describe('real public captures (test/corpus)', () => {
  it('the vendored corpus is present', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });
  for (const f of files) {
    it(`${basename(f)}: reads every frame and finds tshark's TCP conversations`, async () => {
      const r = await scanCapture(f, () => passiveConsumer);
      const row = rows.get(basename(f));
      if (row) expect(r.capture.frames).toBe(row.packets);
      if (row?.format.includes('corrupt')) expect(r.capture.problems.some((p) => p.severity === 'fatal')).toBe(true);
      else expect(r.capture.problems).toEqual([]);
      if (haveTshark()) {
        const conv = tshark(['-r', f, '-q', '-z', 'conv,tcp']);
        const expected = conv.split('\n').filter((l) => l.includes('<->')).length;
        expect(r.connections.length).toBe(expected);
      }
    });
  }
});
