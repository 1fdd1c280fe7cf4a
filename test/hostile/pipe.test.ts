/**
 * `ekuscope flows big.pcap | head`: the reader closes the pipe after a few lines. The run ends
 * quietly (no EPIPE stack trace, no internal error), as other command-line tools do.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/corpus.js';
import { scanThen, tempDir } from './lib.js';

describe('a reader that stops early', () => {
  it('flows into a pipe closed after the first piece ends without an error', async () => {
    const temp = tempDir();
    try {
      const file = temp.file('scan.pcap', scanThen(60_000, 2, []));
      const run = join(repoRoot, 'src', 'cli', 'run.ts');
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `import(${JSON.stringify(run)}).then((m) => m.runCli(['flows', ${JSON.stringify(file)}]))`], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      let first = '';
      await new Promise<void>((resolve) => {
        child.stdout.once('data', (d: Buffer) => {
          first = d.toString();
          // What head does after its lines: the read end goes away.
          child.stdout.destroy();
          resolve();
        });
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      expect(first).toMatch(/scan\.pcap: \d+ frames, 60000 TCP connections/);
      expect(err).toBe('');
      expect(code).toBe(0);
    } finally {
      temp.cleanup();
    }
  }, 60_000);
});
