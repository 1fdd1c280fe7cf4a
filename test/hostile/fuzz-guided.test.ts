/**
 * The coverage-guided fuzzer's short run: every target (scripts/fuzz/guided/targets.ts) for a few
 * seconds in its own worker, as `npm run fuzz:guided` runs it, in a child process. No finding (no
 * exception escaping a stage, no broken invariant, no hang, no memory over the cap), and each
 * target's coverage grew past what its seeds covered: the guidance works. The long campaign is
 * `npm run fuzz:guided -- --runs 200000`. FUZZ_GUIDED_SECONDS changes the time per target.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TARGETS } from '../../scripts/fuzz/guided/targets.js';
import { repoRoot } from '../helpers/corpus.js';
import { tempDir } from './lib.js';

const SECONDS = Number(process.env.FUZZ_GUIDED_SECONDS ?? 2);

interface Result {
  target: string;
  runs: number;
  seedBlocks: number;
  blocks: number;
  findings: { problems: string[]; saved: string }[];
}

describe('coverage-guided fuzzer (short run)', () => {
  it(`every target for ${SECONDS} s (at most 3,000 inputs): no findings, and coverage grows past the seeds`, () => {
    const work = tempDir('ekuscope-fuzz-guided-');
    try {
      const json = join(work.dir, 'result.json');
      const r = spawnSync(
        process.execPath,
        ['--import', 'tsx', join('scripts', 'fuzz-guided.ts'), '--runs', '3000', '--seconds', String(SECONDS), '--seed', '20261207', '--quiet', '--json', json, '--out', join(work.dir, 'findings')],
        { cwd: repoRoot, encoding: 'utf8', timeout: 110_000 },
      );
      const out = `${r.stdout}\n${r.stderr}`;
      expect(r.status, out).toBe(0);
      const results = (JSON.parse(readFileSync(json, 'utf8')) as { results: Result[] }).results;
      expect(results.map((x) => x.target).sort()).toEqual(TARGETS.map((t) => t.name).sort());
      for (const x of results) {
        expect(x.findings, `${x.target}: ${JSON.stringify(x.findings)}`).toEqual([]);
        expect(x.runs, x.target).toBeGreaterThan(0);
        expect(x.blocks, `${x.target}: ${x.runs} inputs, blocks ${x.blocks} against ${x.seedBlocks} from the seeds`).toBeGreaterThan(x.seedBlocks);
      }
      console.info(results.map((x) => `${x.target}: ${x.runs} inputs, blocks ${x.seedBlocks} → ${x.blocks}`).join('; '));
    } finally {
      work.cleanup();
    }
  });
});
