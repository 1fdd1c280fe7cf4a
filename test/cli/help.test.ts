/**
 * --help and the README stay in step: every option a command's --help lists is in that command's
 * README section, and the exit codes the CLI uses are in the README's table.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT, main } from '../../src/cli/main.js';
import { repoRoot } from '../helpers/corpus.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

/** The README's section of a command: from its `### \`ekuscope CMD` heading to the next heading of that level or above. */
function section(cmd: string): string {
  const start = readme.indexOf(`### \`ekuscope ${cmd}`);
  expect(start, `README has a section for ${cmd}`).toBeGreaterThan(-1);
  const next = readme.slice(start + 4).search(/\n##?#? /);
  return next < 0 ? readme.slice(start) : readme.slice(start, start + 4 + next);
}

async function helpOf(cmd: string): Promise<string> {
  let out = '';
  const code = await main([cmd, '--help'], { out: (t) => void (out += t), err: (t) => void (out += t) });
  expect(code).toBe(0);
  return out;
}

describe('--help and the README', () => {
  for (const cmd of ['report', 'check-store', 'view', 'flows', 'certs', 'whatif', 'lesson', 'rules']) {
    it(`every option of ${cmd} --help is in the README's ${cmd} section`, async () => {
      const help = await helpOf(cmd);
      const options = [...help.matchAll(/^\s+(?:-\w, )?(--[a-z][a-z-]*)/gm)].map((m) => m[1]!).filter((o) => o !== '--help');
      expect(options.length).toBeGreaterThan(0);
      const text = section(cmd);
      for (const o of options) expect(text, `${cmd} ${o}`).toContain(o);
    });
  }
  it('a capture on standard input (-) is in --help and the README for the commands that take one', async () => {
    for (const cmd of ['report', 'flows', 'certs']) {
      expect((await helpOf(cmd)).replace(/\s+/g, ' ')).toMatch(/; - reads (one|a capture) from standard input/);
      expect(section(cmd)).toMatch(/`-`/);
    }
  });
  it('the exit codes are in the README', () => {
    const table = readme.slice(readme.indexOf('## Exit codes'));
    for (const c of Object.values(EXIT)) expect(table).toMatch(new RegExp(`\\n\\| ${c} \\|`));
  });
});
