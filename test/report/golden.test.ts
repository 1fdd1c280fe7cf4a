/**
 * Golden reports: every scenario folder under captures/ rendered as text (no colour), Markdown and
 * JSON, compared byte for byte with test/golden/. Regenerate with UPDATE_GOLDEN=1 after reading the
 * difference: each golden was checked against SCENARIOS.md and the scenario's README, and
 * scenarios.test.ts asserts the sentences that matter, so a regeneration cannot silently accept a
 * wrong story.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runReport } from '../../src/cli/report.js';
import { renderJson } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderText } from '../../src/report/text.js';
import { capturesDir, repoRoot } from '../helpers/corpus.js';
import { scenarioReports } from './reports.js';

const goldenDir = join(repoRoot, 'test', 'golden');
const update = process.env.UPDATE_GOLDEN === '1';
const scenarios = existsSync(capturesDir) ? readdirSync(capturesDir).filter((d) => statSync(join(capturesDir, d)).isDirectory()).sort() : [];

describe('golden reports for captures/', () => {
  let reports: Awaited<ReturnType<typeof scenarioReports>>;
  beforeAll(async () => {
    reports = await scenarioReports(scenarios);
  });
  it('finds the scenario folders', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(10);
  });
  for (const name of scenarios) {
    for (const [ext, render] of [
      ['txt', (e: NonNullable<(typeof reports)[string]>) => renderText(e.doc, { color: false, width: 100 })],
      ['md', (e: NonNullable<(typeof reports)[string]>) => renderMarkdown(e.doc)],
      ['json', (e: NonNullable<(typeof reports)[string]>) => renderJson(e)],
    ] as const) {
      it(`${name}.${ext}`, () => {
        const e = reports[name];
        expect(e, `${name} has no report`).toBeDefined();
        const out = render(e!);
        const file = join(goldenDir, `${name}.${ext}`);
        if (update || !existsSync(file)) {
          mkdirSync(goldenDir, { recursive: true });
          writeFileSync(file, out);
          if (!update) throw new Error(`${file} did not exist; written now: read it against the scenario README, then commit it`);
        }
        expect(out).toBe(readFileSync(file, 'utf8'));
      });
    }
  }
  it('text goldens carry no colour and no path of the machine that made them', () => {
    for (const name of scenarios) {
      const t = readFileSync(join(goldenDir, `${name}.txt`), 'utf8') + readFileSync(join(goldenDir, `${name}.json`), 'utf8');
      expect(t).not.toMatch(/\x1b\[/);
      expect(t).not.toContain(repoRoot);
    }
  });
  it('report on the whole captures folder puts the summary first and one case per scenario', async () => {
    const r = await runReport([capturesDir], { format: 'text' });
    expect(r.errors).toEqual([]);
    const lines = r.text.split('\n');
    expect(lines[3]).toBe('Summary');
    for (const name of scenarios) expect(r.text).toContain(`Case ${name}`);
    expect(r.exitCode).toBe(1);
  });
});
