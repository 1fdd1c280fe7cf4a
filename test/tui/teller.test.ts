import { describe, expect, it } from 'vitest';
import { runReport } from '../../src/cli/report.js';
import { buildViewModel, sessionKey, Teller, type CaptureData, type ViewModel } from '../../src/narrate/views.js';
import { initialState, narration, reduce } from '../../src/tui/store.js';
import { scenarioDir } from './fixture.js';
import { renderAt } from './render-helpers.js';

/** The same inputs told whole (the report's explanation) and told when asked (the viewer's teller). */
async function both(dirs: string[]): Promise<{ whole: ViewModel; teller: Teller; captures: readonly CaptureData[]; explanationFindings: number }> {
  const r = await runReport(dirs, { quiet: true, skipRender: true });
  const cases = r.cases!;
  // As the viewer's loader lists them: by case name when several cases are open.
  const captures = cases.flatMap((c) => (cases.length > 1 ? c.analyses.map((a) => ({ ...a, label: c.name })) : c.analyses));
  return { whole: buildViewModel({ captures, explanation: r.explanation! }), teller: new Teller(cases, captures), captures, explanationFindings: r.explanation!.findings.length };
}

function markAll(t: Teller): void {
  for (const _ of t.mark(2)) void _;
}

const SCENARIOS = [['01-'], ['05-'], ['08-'], ['12-'], ['13-'], ['01-', '05-', '11-']];

describe('the teller: each session told when it is shown', () => {
  it.each(SCENARIOS)('%s: every story, told when asked, is the one the whole explanation tells', async (...prefixes) => {
    const { whole, teller, captures } = await both(prefixes.map(scenarioDir));
    // Before any line is marked: the same sessions listed, the duplicates of a two-box bundle left out.
    const early = buildViewModel({ captures, teller });
    expect(early.rows.map((r) => r.key)).toEqual(whole.rows.map((r) => r.key));
    expect(early.toldOnce).toBe(whole.toldOnce);
    expect(early.explained).toBe(false);
    for (const row of whole.rows) {
      const told = early.entries.get(row.key)!.story!;
      const want = whole.entries.get(row.key)!.story!;
      expect(told.headline).toBe(want.headline);
      expect(told.findings).toEqual(want.findings);
      expect(told.sentences).toEqual(want.sentences);
      expect(told.ladder).toEqual(want.ladder);
      expect(told.section).toEqual(want.section);
    }
  });

  it.each(SCENARIOS)('%s: once marked, the list is the one the whole explanation gives', async (...prefixes) => {
    const { whole, teller, captures, explanationFindings } = await both(prefixes.map(scenarioDir));
    markAll(teller);
    expect(teller.marked).toBe(teller.total);
    const marked = buildViewModel({ captures, teller });
    expect(marked.rows).toEqual(whole.rows);
    expect(marked.counts).toEqual(whole.counts);
    expect(marked.findings).toBe(whole.findings);
    expect(marked.generalFindings).toEqual(whole.generalFindings);
    expect(marked.findings + marked.generalFindings.length).toBe(explanationFindings);
    expect(marked.explained).toBe(true);
  });

  it('lines are marked in steps, in order, with the sessions not yet marked still listed from the analysis alone', async () => {
    const { teller, captures } = await both([scenarioDir('01-'), scenarioDir('05-'), scenarioDir('11-')]);
    expect(teller.total).toBeGreaterThan(2);
    const steps = teller.mark(1);
    steps.next();
    steps.next();
    expect(teller.marked).toBe(1);
    const vm = buildViewModel({ captures, teller });
    expect(vm.rows).toHaveLength(teller.total);
    // The first session's line has its findings; the others wait for theirs.
    expect(vm.rows[0]!.findings).toBeGreaterThan(0);
    expect(vm.rows.slice(1).every((r) => r.findings === 0)).toBe(true);
    expect(vm.explained).toBe(false);
  });

  it('the viewer shows the selected session told before its line is marked; n waits for the marks', async () => {
    const { teller, captures } = await both([scenarioDir('05-')]);
    let s = reduce(initialState(120, 40), { type: 'snapshot', data: { captures, teller }, progress: { phase: 'explaining', bytes: 0, told: { done: 0, total: teller.total }, problems: [] } });
    const v = narration(s)!;
    expect(v.provisional).toBe(false);
    expect(v.findings.length).toBeGreaterThan(0);
    s = reduce(s, { type: 'finding', step: 1 });
    expect(s.status?.text).toBe('no findings yet: the explanation is not ready');
    markAll(teller);
    s = reduce(s, { type: 'snapshot', data: { captures, teller }, progress: { phase: 'done', bytes: 0, problems: [] } });
    s = reduce(s, { type: 'finding', step: 1 });
    expect(s.status?.text).toMatch(/^finding 1 of \d+: /);
    expect(s.finding).toBe(0);
  });

  it('a session it does not tell (another capture tells its handshake) has no story', async () => {
    const { teller, captures } = await both([scenarioDir('05-')]);
    const hidden = captures.flatMap((c, ci) => c.sessions.map((x) => sessionKey(ci, x.id)).filter((k) => !teller.tells(k)));
    expect(hidden).toHaveLength(1);
    expect(teller.story(hidden[0]!)).toBeUndefined();
    expect(teller.story(sessionKey(99, 0))).toBeUndefined();
  });
});

describe('the teller: the lines on screen first', () => {
  it('prefer: the lines named are marked before the ones above them', async () => {
    const { teller, captures } = await both([scenarioDir('01-'), scenarioDir('05-'), scenarioDir('11-')]);
    const keys = buildViewModel({ captures, teller }).rows.map((r) => r.key);
    const last = keys.slice(-2);
    teller.prefer(last);
    const steps = teller.mark(1);
    for (let i = 0; i < 3; i++) steps.next();
    const vm = buildViewModel({ captures, teller });
    const markedKeys = keys.filter((k) => teller.row(k) !== undefined);
    expect(vm.rows.filter((r) => markedKeys.includes(r.key)).every((r) => r.findings > 0)).toBe(true);
    expect(markedKeys).toEqual(last);
    for (const _ of steps) void _;
    // Marked out of order, the case-wide findings and the lines are still the whole explanation's.
    const { whole } = await both([scenarioDir('01-'), scenarioDir('05-'), scenarioDir('11-')]);
    const marked = buildViewModel({ captures, teller });
    expect(marked.rows).toEqual(whole.rows);
    expect(marked.generalFindings).toEqual(whole.generalFindings);
  });

  it('the viewer asks for the lines it shows, and for the new ones when the list scrolls', async () => {
    const { teller, captures } = await both(['01-', '02-', '05-', '07-', '11-', '13-'].map(scenarioDir));
    const asked: string[][] = [];
    const prefer = teller.prefer.bind(teller);
    teller.prefer = (keys) => (asked.push([...keys]), prefer(keys));
    const rows = buildViewModel({ captures, teller }).rows;
    const v = await renderAt(80, 16, { captures, teller });
    try {
      const shown = asked.at(-1)!;
      expect(shown.length).toBeGreaterThan(0);
      expect(shown.length).toBeLessThan(rows.length);
      expect(shown[0]).toBe(rows[0]!.key);
      await v.type('G');
      expect(asked.at(-1)!.at(-1)).toBe(rows.at(-1)!.key);
    } finally {
      v.unmount();
    }
  });
});
