/**
 * The interactive lesson as a view model: for a resolved lesson and the learner's progress, what the
 * screen shows — the step's ladder (revealed only as far as the lesson has gone, so a quiz is not
 * answered by the ladder itself), the highlighted message, the text, the quiz and its answer.
 * Pure; the TUI renders it and keeps the progress.
 */
import { framesText } from './doc.js';
import { ruleCitations } from './rule-help.js';
import type { LessonLadderEntry, ResolvedLesson, ResolvedSession, ResolvedStep } from './lessons-resolve.js';
import type { LadderRow, LadderView, Seg, Tone } from './views.js';

/** The viewer's vocabulary (views.ts): the lesson screen draws with the viewer's panes. */
export type LessonTone = Tone;
export type LessonSeg = Seg;
export type LessonLadderRow = LadderRow;
export type LessonLadder = LadderView;

/** What the learner has done: the current step (steps.length = the closing screen) and quiz answers. */
export interface LessonProgress {
  readonly step: number;
  /** Step index → the key pressed; '' = the answer was shown without one. */
  readonly answers: Readonly<Record<number, string>>;
}

export interface LessonScreen {
  readonly title: string;
  /** "Step 3/7 · Which store answers?" or "Done". */
  readonly heading: string;
  readonly sessionLine?: string;
  readonly ladder?: LessonLadder;
  /** Row of `ladder.rows` to highlight. */
  readonly highlight?: number;
  /** Paragraphs; a segment whose text is "\n" breaks the line inside one. */
  readonly body: readonly (readonly LessonSeg[])[];
  /** The paragraph to bring into view first (a quiz's verdict once answered). */
  readonly anchor?: number;
  /** Keys that do something now, for the footer. */
  readonly keys: string;
  readonly quizOpen: boolean;
  /** Choice keys accepted now. */
  readonly choiceKeys: readonly string[];
  readonly score: { readonly right: number; readonly answered: number; readonly quizzes: number };
  readonly last: boolean;
}

function toRow(e: LessonLadderEntry): LessonLadderRow {
  // Inside the arrow "Alert fatal 43"; the description goes to the note.
  const alert = e.label.match(/^(Alert \S+ \d+) (.+)$/);
  const note = alert ? [alert[2]!, e.note].filter((x) => x).join(' · ') : e.note;
  return {
    kind: e.messageIndex === undefined ? 'end' : 'message',
    ...(e.messageIndex !== undefined ? { index: e.messageIndex } : {}),
    dir: e.from === 'left' ? 'right' : 'left',
    label: e.label,
    arrow: alert ? alert[1]! : e.label,
    frame: e.frame,
    frames: e.frames,
    ...(e.frames.length > 1 ? { carried: framesText(e.frames).replace(/^frames? /, '') } : {}),
    ...(note ? { note } : {}),
    tone: e.tone ?? 'plain',
  };
}

/** The ladder row a step has shown once it is done (its focus, or its quiz's answer once answered). */
function shownIndex(step: ResolvedStep, answered: boolean): number | undefined {
  if (step.focus) return step.focus.ladderIndex;
  if (step.quiz?.answerFocus && answered) return step.quiz.answerFocus.ladderIndex;
  return undefined;
}

/** How far the ladder of `session` is revealed at step `upto`: the furthest message shown so far. */
function horizon(r: ResolvedLesson, session: ResolvedSession, upto: number, progress: LessonProgress): number | undefined {
  let h: number | undefined;
  let seen = false;
  for (let i = 0; i <= upto && i < r.steps.length; i++) {
    const s = r.steps[i]!;
    if (s.session?.key !== session.key) continue;
    seen = true;
    const idx = shownIndex(s, progress.answers[i] !== undefined);
    if (idx !== undefined) h = Math.max(h ?? -1, idx);
  }
  return seen ? h : undefined;
}

export function score(r: ResolvedLesson, progress: LessonProgress): { right: number; answered: number; quizzes: number } {
  let right = 0;
  let answered = 0;
  let quizzes = 0;
  r.steps.forEach((s, i) => {
    if (!s.quiz) return;
    quizzes++;
    const key = progress.answers[i];
    if (key === undefined || key === '') return;
    answered++;
    if (s.quiz.choices.find((c) => c.key === key)?.answer === s.quiz.answer) right++;
  });
  return { right, answered, quizzes };
}

function focusSegs(rs: ResolvedSession, f: { frame: number; label: string; from: 'client' | 'server' }): LessonSeg[] {
  const from = f.from === 'client' ? rs.client : rs.server;
  const to = f.from === 'client' ? rs.server : rs.client;
  return [{ text: '▶ ', tone: 'accent' }, { text: `frame ${f.frame} `, tone: 'muted' }, { text: f.label, bold: true }, { text: `  ${from} → ${to}`, tone: 'muted' }];
}

/** The screen for the current progress. */
export function lessonScreen(r: ResolvedLesson, progress: LessonProgress): LessonScreen {
  const total = r.steps.length;
  const sc = score(r, progress);
  const title = r.lesson.title;
  if (progress.step >= total) {
    const body: LessonSeg[][] = [
      [{ text: `Quizzes: ${sc.right} of ${sc.quizzes} right`, bold: true, tone: sc.right === sc.quizzes ? 'ok' : 'warn' }],
      [],
      [{ text: 'Takeaways', bold: true }],
      ...r.lesson.takeaways.map((t) => [{ text: `• ${t}` }]),
    ];
    return { title, heading: 'Done', body, keys: 'b back · q quit', quizOpen: false, choiceKeys: [], score: sc, last: true };
  }
  const step = r.steps[progress.step]!;
  const answered = progress.answers[progress.step] !== undefined;
  const body: LessonSeg[][] = [];
  const rs = step.session;
  let ladder: LessonLadder | undefined;
  let highlight: number | undefined;
  if (rs) {
    let h = horizon(r, rs, progress.step, progress);
    // Messages that arrived in the same frame as the furthest one shown are shown with it.
    while (h !== undefined && h + 1 < rs.ladder.length && rs.ladder[h + 1]!.frame === rs.ladder[h]!.frame) h++;
    // A quiz not yet answered shows the ladder up to just before its answer.
    const cut = step.quiz && !answered && step.quiz.answerFocus ? step.quiz.answerFocus.ladderIndex - 1 : h;
    const rows = rs.ladder.slice(0, cut === undefined ? rs.ladder.length : cut + 1).map(toRow);
    ladder = { left: `${rs.client} (client)`, right: `${rs.server} (server)`, leftAddr: rs.client, rightAddr: rs.server, rows };
    const hi = step.focus?.ladderIndex ?? (answered ? step.quiz?.answerFocus?.ladderIndex : undefined);
    if (hi !== undefined && hi < rows.length) highlight = hi;
    if (step.focus) body.push(focusSegs(rs, step.focus));
  }
  for (const t of step.text) body.push([{ text: t }]);
  if (step.table) {
    const widths = step.table.columns.map((c, i) => Math.max(c.length, ...step.table!.rows.map((row) => (row[i] ?? '').length)));
    const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
    body.push([{ text: line(step.table.columns), bold: true }]);
    for (const row of step.table.rows) body.push([{ text: line(row) }]);
  }
  let choiceKeys: string[] = [];
  let anchor: number | undefined;
  if (step.quiz) {
    const q = step.quiz;
    const chosen = progress.answers[progress.step];
    body.push([{ text: 'Quiz: ', bold: true, tone: 'accent' }, { text: q.question }]);
    const choices: LessonSeg[] = [];
    for (const c of q.choices) {
      const isRight = c.answer === q.answer;
      const mark = !answered ? '  ' : isRight ? '✔ ' : c.key === chosen ? '✖ ' : '  ';
      const tone: LessonTone | undefined = answered ? (isRight ? 'ok' : c.key === chosen ? 'bad' : 'muted') : undefined;
      if (choices.length) choices.push({ text: '\n' });
      choices.push({ text: `${mark}[${c.key}] ${c.text}`, ...(tone ? { tone } : {}), bold: answered && isRight });
    }
    body.push(choices);
    if (!answered) {
      choiceKeys = q.choices.map((c) => c.key);
      body.push([{ text: `Press ${choiceKeys.join(' or ')} to answer (Space shows the answer).`, tone: 'muted' }]);
    } else {
      const right = q.choices.find((c) => c.key === chosen)?.answer === q.answer;
      anchor = body.length;
      body.push([
        chosen === ''
          ? { text: 'Answer:', bold: true }
          : right
            ? { text: '✔ Right.', bold: true, tone: 'ok' }
            : { text: '✖ Not this time.', bold: true, tone: 'bad' },
      ]);
      if (q.answerFocus && rs) body.push(focusSegs(rs, q.answerFocus));
      for (const t of q.reveal) body.push([{ text: t }]);
    }
  }
  // A quiz names its rules once answered: a rule's title can give the answer away.
  if (step.rules.length && (!step.quiz || answered)) {
    body.push([{ text: step.rules.length === 1 ? 'Rule: ' : 'Rules: ', bold: true }, { text: ruleCitations(step.rules), tone: 'accent' }, { text: ` · ekuscope rules ${step.rules[0]}`, tone: 'muted' }]);
  }
  for (const p of step.problems) body.push([{ text: `✖ ${p}`, tone: 'bad' }]);
  const open = step.quiz !== undefined && !answered;
  return {
    title,
    heading: `Step ${progress.step + 1}/${total} · ${step.title}`,
    ...(rs ? { sessionLine: `captures/${rs.folder}/${rs.file}${rs.keylog ? ` + ${rs.keylog}` : ''} · ${rs.client} → ${rs.server} · ${rs.version}` } : {}),
    ...(ladder ? { ladder } : {}),
    ...(highlight !== undefined ? { highlight } : {}),
    body,
    ...(anchor !== undefined ? { anchor } : {}),
    keys: open ? `${choiceKeys.join('/')} answer · Space show answer · b back · q quit` : `Space/Enter next · b back · q quit`,
    quizOpen: open,
    choiceKeys,
    score: sc,
    last: false,
  };
}

/** Wraps a line of segments to `width` columns (words kept whole where they fit). */
export function wrapLessonSegs(segs: readonly LessonSeg[], width: number, indent = ''): LessonSeg[][] {
  const w = Math.max(10, width);
  const lines: LessonSeg[][] = [];
  let cur: LessonSeg[] = [];
  let used = 0;
  const push = (s: LessonSeg) => {
    const last = cur[cur.length - 1];
    if (last && last.tone === s.tone && last.bold === s.bold) cur[cur.length - 1] = { ...last, text: last.text + s.text };
    else cur.push(s);
    used += [...s.text].length;
  };
  for (const seg of segs) {
    if (seg.text === '\n') {
      lines.push(cur);
      cur = indent ? [{ text: indent }] : [];
      used = [...indent].length;
      continue;
    }
    for (const word of seg.text.split(/(\s+)/)) {
      if (word === '') continue;
      const len = [...word].length;
      if (/^\s+$/.test(word)) {
        if (used > 0 && used + len <= w) push({ ...seg, text: word });
        continue;
      }
      if (used > 0 && used + len > w) {
        lines.push(cur);
        cur = indent ? [{ text: indent }] : [];
        used = [...indent].length;
      }
      let rest = word;
      while ([...rest].length > w - used && w - used > 0 && used === 0) {
        const chars = [...rest];
        push({ ...seg, text: chars.slice(0, w).join('') });
        lines.push(cur);
        cur = [];
        used = 0;
        rest = chars.slice(w).join('');
      }
      if (rest) push({ ...seg, text: rest });
    }
  }
  if (cur.length || lines.length === 0) lines.push(cur);
  return lines;
}
