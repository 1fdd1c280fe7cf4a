/**
 * The mutation fuzzer's bounded in-suite run: a fixed number of damaged copies of the captures in
 * captures/ and test/corpus go through the analysis, every CLI command in every format and the
 * renderers (scripts/fuzz/run.ts). `npm run fuzz` runs the long mode. FUZZ_CASES and FUZZ_SEED
 * change this run; a failure leaves its mutated file and a replay command in a temporary folder.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fuzzInputs, inputLabel, makeCase } from '../../scripts/fuzz/cases.js';
import { runCase } from '../../scripts/fuzz/run.js';
import { tempDir } from './lib.js';

const CASES = Number(process.env.FUZZ_CASES ?? 120);
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);

describe('mutation fuzzer (bounded run)', () => {
  const work = tempDir('ekuscope-fuzz-suite-');
  afterAll(() => work.cleanup());
  const inputs = fuzzInputs();

  it.runIf(inputs.length > 0)(`${CASES} damaged captures (seed ${SEED}): no exception, documented exit codes, valid JSON, no raw control characters, memory within the cap`, async () => {
    const failures: string[] = [];
    let slowest = 0;
    let peak = 0;
    let outputs = 0;
    let kept: string | undefined;
    for (let i = 0; i < CASES; i++) {
      const c = makeCase(SEED, i, inputs);
      const path = work.file(`case${c.ext}`, c.bytes);
      const oc = await runCase(path);
      slowest = Math.max(slowest, oc.ms);
      peak = Math.max(peak, oc.peakBytes);
      outputs += oc.outputs;
      if (oc.failures.length) {
        kept ??= mkdtempSync(join(tmpdir(), 'ekuscope-fuzz-'));
        const file = join(kept, `case-${SEED}-${i}${c.ext}`);
        writeFileSync(file, c.bytes);
        failures.push(`case ${i} (${inputLabel(c.input)}: ${c.steps.join('; ')}), saved as ${file}, replay: npm run fuzz -- --seed ${SEED} --case ${i}\n  ${oc.failures.join('\n  ')}`);
      }
    }
    console.info(`fuzz: ${CASES} cases (seed ${SEED}), ${outputs} outputs checked, ${failures.length} failures, slowest ${slowest.toFixed(0)} ms, peak memory growth ${(peak / 1048576).toFixed(1)} MB`);
    expect(failures).toEqual([]);
  });
});
