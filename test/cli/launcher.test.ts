/**
 * The launcher's `#!/usr/bin/env -S node …` line: env splits it, node takes its options, and the
 * option does what the launcher's comment says (V8's young generation stays small while the heap
 * keeps much alive). And `--version`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { repoRoot } from '../helpers/corpus.js';

const shebang = readFileSync(join(repoRoot, 'bin', 'ekuscope.js'), 'utf8').split('\n')[0]!;
const hasEnvS = spawnSync('/usr/bin/env', ['-S', `${process.execPath} -e 0`]).status === 0;

// Keeps ~60 MB of small objects alive (what a long capture's sessions do), then prints the young generation's size.
const PROBE = `const keep = []; for (let i = 0; i < 600000; i++) keep.push({ i, s: 'x' + i, a: [i, i] }); const v8 = require('node:v8'); console.log(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size, keep.length);`;

describe('the launcher', () => {
  it('is `#!/usr/bin/env -S node` with V8 options only', () => {
    expect(shebang).toMatch(/^#!\/usr\/bin\/env -S node( --[a-z-]+=\d+)+$/);
  });

  it('its line starts node with a young generation that stays small (V8 would grow it to 32 MB)', (ctx) => {
    ctx.skip(!hasEnvS, 'this system\'s env has no -S (busybox): the launcher line cannot be run as the kernel runs it');
    // As the kernel runs a script: the interpreter, the rest of the line as one argument, then the script's.
    const [interp, rest] = [shebang.slice(2).split(' ')[0]!, shebang.slice(2).split(' ').slice(1).join(' ')];
    const run = (args: string[]) => {
      const r = spawnSync(args[0]!, args.slice(1), { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      return Number(r.stdout.split(' ')[0]);
    };
    const launched = run([interp, rest, '-e', PROBE]);
    const plain = run([process.execPath, '-e', PROBE]);
    expect(launched).toBeLessThanOrEqual(4 * 1048576);
    expect(plain).toBeGreaterThan(launched);
  });

  it('--version prints the package version', async () => {
    let out = '';
    const code = await main(['--version'], { out: (t) => void (out += t), err: () => {} });
    expect(code).toBe(0);
    expect(out.trim()).toBe((JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version);
  });
});
