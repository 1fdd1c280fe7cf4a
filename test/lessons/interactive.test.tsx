/**
 * The interactive lesson, rendered with ink-testing-library: advance, go back, answer a quiz, and the
 * highlighted ladder row is the message the step is about.
 */
import { render } from 'ink-testing-library';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadLesson } from '../../src/cli/lesson.js';
import { LESSONS } from '../../src/narrate/lessons.js';
import type { ResolvedLesson } from '../../src/narrate/lessons-resolve.js';
import { lessonScreen } from '../../src/narrate/lessons-view.js';
import { LessonApp } from '../../src/tui/lesson/LessonApp.js';
import { initialLessonState, lessonReducer, RESERVED_KEYS, type LessonState } from '../../src/tui/lesson/store.js';
import { capturesDir } from '../helpers/corpus.js';

const tick = () => new Promise((r) => setTimeout(r, 30));

let lesson: ResolvedLesson;
beforeAll(async () => {
  lesson = await loadLesson(LESSONS.find((l) => l.name === 'store-rule')!, capturesDir);
});

async function press(stdin: { write(s: string): void }, ...keys: string[]): Promise<void> {
  for (const k of keys) {
    stdin.write(k);
    await tick();
  }
}

describe('interactive lesson (Ink)', () => {
  it('advances, goes back, answers a quiz and highlights the answering frame', async () => {
    let state: LessonState = initialLessonState;
    const app = render(<LessonApp lesson={lesson} color={false} onState={(s) => (state = s)} />);
    await tick();
    let frame = app.lastFrame() ?? '';
    expect(frame).toContain('Step 1/7');
    // Step 1 highlights the ClientHello: the ladder's selected row is marked with ›.
    expect(frame).toMatch(/›\s+4 │─ ClientHello/);

    await press(app.stdin, ' ');
    frame = app.lastFrame() ?? '';
    expect(frame).toContain('Step 2/7');
    expect(frame).toMatch(/›\s+8 │◀─+ CertificateRequest/);

    await press(app.stdin, 'b');
    expect(app.lastFrame()).toContain('Step 1/7');

    // Step 3 is the quiz: before the answer the ladder stops before the client's Certificate.
    await press(app.stdin, ' ', ' ');
    frame = app.lastFrame() ?? '';
    expect(frame).toContain('Step 3/7');
    expect(frame).toContain('[c] its client-store certificate');
    expect(frame).not.toMatch(/│─ Certificate/);
    // Space does not skip an open quiz: the answer keys are what it waits for.
    await press(app.stdin, 'c');
    frame = app.lastFrame() ?? '';
    expect(frame).toContain('✔ Right.');
    expect(frame).toMatch(/›\s+11 │─ Certificate/);
    expect(frame).toContain('the client store');
    expect(state.answers[2]).toBe('c');

    await press(app.stdin, ' ', ' ');
    frame = app.lastFrame() ?? '';
    expect(frame).toContain('Step 5/7');
    await press(app.stdin, 'c'); // wrong: the x15.5 box is the TLS server here
    frame = app.lastFrame() ?? '';
    expect(frame).toContain('✖ Not this time.');
    expect(frame).toMatch(/›\s+8 │◀─+ Certificate/);
    expect(frame).toContain('quiz 1/2');

    await press(app.stdin, 'q');
    expect(state.quit).toBe(true);
    app.unmount();
  });

  it('fits 80×24 and 120×40 without a line longer than the terminal', () => {
    for (const [cols, rows] of [
      [80, 24],
      [120, 40],
    ] as const) {
      const app = render(<LessonApp lesson={lesson} color={false} />);
      // ink-testing-library's stdout is 100 columns and has no rows: give it a terminal's size.
      Object.defineProperty(app.stdout, 'columns', { value: cols, configurable: true });
      Object.defineProperty(app.stdout, 'rows', { value: rows, configurable: true });
      app.stdout.emit('resize');
      app.rerender(<LessonApp lesson={lesson} color={false} />);
      const frame = app.lastFrame() ?? '';
      const lines = frame.split('\n');
      expect(lines.length, `${cols}×${rows}`).toBe(rows);
      for (const line of lines) expect([...line].length, `${cols}×${rows}`).toBeLessThanOrEqual(cols);
      expect(frame).toMatch(/›\s+4 │─ ClientHello/);
      app.unmount();
    }
  });
});

describe('lesson keys (reducer)', () => {
  it('Space on an open quiz shows the answer without scoring it; the closing screen has the score and takeaways', () => {
    const reduce = lessonReducer(lesson);
    let s = initialLessonState;
    const key = (input: string) => (s = reduce(s, { type: 'key', input, key: {} }));
    key(' ');
    key(' ');
    expect(lessonScreen(lesson, s).quizOpen).toBe(true);
    key(' ');
    expect(s.answers[2]).toBe('');
    expect(lessonScreen(lesson, s).quizOpen).toBe(false);
    for (let i = 0; i < 20; i++) key(' ');
    const done = lessonScreen(lesson, s);
    expect(done.heading).toBe('Done');
    expect(done.body.flat().map((x) => x.text).join('\n')).toContain('Takeaways');
    key('b');
    expect(s.step).toBe(lesson.steps.length - 1);
  });

  it('no quiz uses a key the screen keeps for itself', () => {
    for (const l of LESSONS) for (const step of l.steps) if (step.kind === 'quiz') for (const c of step.choices) expect(RESERVED_KEYS, `${l.name}: ${step.title}`).not.toContain(c.key);
  });
});

describe('the rules a step teaches, on the lesson screen', () => {
  const text = (body: readonly (readonly { text: string }[])[]) => body.map((p) => p.map((s) => s.text).join('')).join('\n');
  it('an explain step ends with its rules and the command that explains them', () => {
    const screen = lessonScreen(lesson, { step: 0, answers: {} });
    expect(text(screen.body)).toContain('Rule: T1 (Who sends ClientHello is the TLS client) · ekuscope rules T1');
  });
  it('a quiz names its rules only once answered, as a rule title could give the answer away', () => {
    const quiz = lesson.steps.findIndex((s) => s.quiz !== undefined);
    expect(lesson.steps[quiz]!.rules).toContain('X1');
    expect(text(lessonScreen(lesson, { step: quiz, answers: {} }).body)).not.toContain('Rules:');
    expect(text(lessonScreen(lesson, { step: quiz, answers: { [quiz]: 'c' } }).body)).toContain('Rules: X1 (The store rule), E6 (Which purpose a verifier checks) · ekuscope rules X1');
  });
});
