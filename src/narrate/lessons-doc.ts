/**
 * Lessons as neutral documents: the list of lessons, and one resolved lesson written out whole (for
 * `ekuscope lesson NAME --print`, a wiki page): each session's ladder where the lesson turns to it,
 * each step with the frame it points at, quizzes with their answer after them.
 */
import type { Block, Doc, Inline } from './doc.js';
import { lessonCaptures, LESSONS, type Lesson } from './lessons.js';
import { ruleCitations } from './rule-help.js';
import type { ResolvedLesson, ResolvedSession, ResolvedStep } from './lessons-resolve.js';

export function lessonListDoc(lessons: readonly Lesson[] = LESSONS): Doc {
  return {
    title: 'Lessons',
    blocks: [
      {
        kind: 'table',
        columns: ['name', 'lesson', 'captures'],
        rows: lessons.map((l) => [[{ kind: 'code', text: l.name }], [l.summary], [lessonCaptures(l).map((c) => c.replace(/^(\d+[a-z]?)-.*$/, '$1')).join(', ')]]),
      },
      { kind: 'paragraph', content: ['Run ', { kind: 'code', text: 'ekuscope lesson NAME' }, ' for the interactive walkthrough, or add ', { kind: 'code', text: '--print' }, ' for the same lesson as a document.'] },
    ],
  };
}

function sessionIntro(rs: ResolvedSession): Block[] {
  return [
    {
      kind: 'paragraph',
      content: [
        'Capture ',
        { kind: 'code', text: `captures/${rs.folder}/${rs.file}` },
        ...(rs.keylog ? [' decrypted with ', { kind: 'code' as const, text: rs.keylog }] : []),
        `, session ${rs.client} → ${rs.server}, ${rs.version}:`,
      ],
    },
    {
      kind: 'ladder',
      left: `${rs.client} (TLS client)`,
      right: `${rs.server} (TLS server)`,
      steps: rs.ladder.map(({ from, label, frame, note, tone }) => ({ from, label, frame, ...(note ? { note } : {}), ...(tone ? { tone } : {}) })),
    },
  ];
}

function focusLine(rs: ResolvedSession, f: { frame: number; label: string; from: 'client' | 'server' }): Inline[] {
  const from = f.from === 'client' ? rs.client : rs.server;
  const to = f.from === 'client' ? rs.server : rs.client;
  return ['▶ ', { kind: 'frames', frames: [f.frame] }, ' ', { kind: 'strong', text: f.label }, ` ${from} → ${to}`];
}

function stepBlocks(step: ResolvedStep, showLadder: boolean): Block[] {
  const blocks: Block[] = [];
  if (showLadder && step.session) blocks.push(...sessionIntro(step.session));
  if (step.focus && step.session) blocks.push({ kind: 'paragraph', content: focusLine(step.session, step.focus) });
  for (const t of step.text) blocks.push({ kind: 'paragraph', content: [t] });
  if (step.table) blocks.push({ kind: 'table', columns: step.table.columns, rows: step.table.rows.map((r) => r.map((c) => [c])) });
  if (step.quiz) {
    const q = step.quiz;
    blocks.push({ kind: 'paragraph', content: [{ kind: 'strong', text: 'Quiz:' }, ' ', q.question] });
    blocks.push({ kind: 'list', items: q.choices.map((c) => [{ kind: 'code', text: c.key }, ` ${c.text}`]) });
    const right = q.choices.find((c) => c.answer === q.answer);
    blocks.push({ kind: 'paragraph', content: [{ kind: 'strong', text: 'Answer:' }, ' ', right ? `${right.key} — ${right.text}` : q.answer] });
    if (q.answerFocus && step.session) blocks.push({ kind: 'paragraph', content: focusLine(step.session, q.answerFocus) });
    for (const t of q.reveal) blocks.push({ kind: 'paragraph', content: [t] });
  }
  if (step.rules.length) {
    blocks.push({ kind: 'paragraph', content: [{ kind: 'strong', text: step.rules.length === 1 ? 'Rule:' : 'Rules:' }, ` ${ruleCitations(step.rules)}; `, { kind: 'code', text: `ekuscope rules ${step.rules[0]}` }, ' explains it in full.'] });
  }
  if (step.problems.length) blocks.push({ kind: 'list', items: step.problems.map((p) => [{ kind: 'severity', severity: 'error' }, ` ${p}`]) });
  return blocks;
}

/** The whole lesson as one document, answers included. */
export function lessonDoc(r: ResolvedLesson): Doc {
  const blocks: Block[] = [];
  blocks.push({ kind: 'paragraph', content: [{ kind: 'em', text: r.lesson.summary }, ` (rules ${r.lesson.rules.join(', ')})`] });
  for (const t of r.lesson.intro) blocks.push({ kind: 'paragraph', content: [t] });
  if (r.missing.length) {
    blocks.push({ kind: 'paragraph', content: [{ kind: 'severity', severity: 'warning' }, ` Not available yet: ${r.missing.map((m) => `captures/${m}`).join(', ')}; the steps that need them cannot show their frames.`] });
  }
  let lastSession: string | undefined;
  for (const step of r.steps) {
    const show = step.session !== undefined && step.session.key !== lastSession;
    if (step.session) lastSession = step.session.key;
    blocks.push({ kind: 'section', title: `Step ${step.number}: ${step.title}`, blocks: stepBlocks(step, show) });
  }
  blocks.push({ kind: 'section', title: 'Takeaways', blocks: [{ kind: 'list', items: r.lesson.takeaways.map((t) => [t]) }] });
  return { title: `Lesson: ${r.lesson.title}`, blocks };
}
