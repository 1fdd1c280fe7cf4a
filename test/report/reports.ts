import { join } from 'node:path';
import { runReport } from '../../src/cli/report.js';
import type { Explanation } from '../../src/narrate/explanation.js';
import { capturesDir } from '../helpers/corpus.js';

/** One analysis per scenario folder, shared by the golden and sentence tests of one file. */
export async function scenarioReports(names: readonly string[]): Promise<Record<string, Explanation | undefined>> {
  const out: Record<string, Explanation | undefined> = {};
  for (const n of names) {
    const r = await runReport([join(capturesDir, n)], { format: 'json', quiet: true, generator: 'ekuscope' });
    if (r.errors.length) throw new Error(`${n}: ${r.errors.join('; ')}`);
    out[n] = r.explanation;
  }
  return out;
}
