import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints, after vitest's own report, why tests were skipped (one line per reason, with how many), then one
 * plain closing line, "tests: N passed, N failed, N skipped", so that tools reading only the last lines of
 * a run get the counts. A test file that collected no test counts as failed: an empty suite is never a
 * pass by accident.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const reasons = new Map<string, number>();
    for (const m of modules) {
      const tests = [...m.children.allTests()];
      for (const t of tests) {
        const r = t.result();
        if (r.state === 'passed') passed++;
        else if (r.state === 'failed') failed++;
        else {
          skipped++;
          const why = (r.state === 'skipped' && r.note) || 'skipped with no reason given';
          reasons.set(why, (reasons.get(why) ?? 0) + 1);
        }
      }
      if (tests.length === 0) {
        failed++;
        process.stdout.write(`\nFAILED: ${m.moduleId} collected no test\n`);
      }
    }
    failed += errors.length;
    for (const [why, n] of reasons) process.stdout.write(`\nSKIPPED ${n}: ${why}`);
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
