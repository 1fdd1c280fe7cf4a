/**
 * Every lesson runs end to end without a terminal: it resolves against the shipped captures with no
 * problem (every placeholder filled, every quiz answer equal to what the capture shows), and the
 * frame each step points at is the one the capture's README lists for that message — an independent
 * record written by the capture generator, not by the resolver.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { loadLesson, loadLessonCaptures } from '../../src/cli/lesson.js';
import { lessonCaptures, LESSONS, type MessageRef, type MessageWhat } from '../../src/narrate/lessons.js';
import { resolveLesson, type Focus, type ResolvedSession } from '../../src/narrate/lessons-resolve.js';
import { capturesDir } from '../helpers/corpus.js';

function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  return main(args, { out: (t) => void (out += t), err: (t) => void (err += t) }).then((code) => ({ code, out, err }));
}

interface KeyFrame {
  frame: number;
  from: string;
  message: string;
}

/** README "Key frames in `file`" tables: file → "client → server" → rows. */
function readmeFrames(folder: string): Map<string, Map<string, KeyFrame[]>> {
  const text = readFileSync(join(capturesDir, folder, 'README.md'), 'utf8');
  const out = new Map<string, Map<string, KeyFrame[]>>();
  let file: Map<string, KeyFrame[]> | undefined;
  let conn: KeyFrame[] | undefined;
  for (const line of text.split('\n')) {
    const f = line.match(/^## Key frames in `(?:[^`/]*\/)?([^`]+)`/);
    if (f) {
      file = new Map();
      out.set(f[1]!, file);
      conn = undefined;
      continue;
    }
    const c = line.match(/^Connection \S+ \((\S+) → (\S+)\):/);
    if (c && file) {
      conn = [];
      file.set(`${c[1]} → ${c[2]}`, conn);
      continue;
    }
    const row = line.match(/^\| (\d+) \| (\S+) \| (.+) \|$/);
    if (row && conn) conn.push({ frame: Number(row[1]), from: row[2]!, message: row[3]!.trim() });
  }
  return out;
}

function readmeNames(what: MessageWhat): (m: string) => boolean {
  switch (what) {
    case 'Alert':
      return (m) => m.startsWith('Alert') || m === 'Encrypted Alert';
    case 'EncryptedRecord':
      return (m) => m === 'Encrypted Handshake Message' || m === 'Application Data (encrypted)';
    case 'FIN':
      return (m) => m === 'TCP FIN';
    default:
      return (m) => m === what;
  }
}

/**
 * The frame the README gives for the message a step points at. The README lists what a reader
 * without keys sees; a message decrypted with a key log must sit in one of the sender's protected
 * records there (the frames that may hold it are returned).
 */
function expectedFrame(rs: ResolvedSession, ref: MessageRef): number | readonly number[] | undefined {
  const tables = readmeFrames(rs.folder).get(rs.file);
  const rows = tables?.get(`${rs.client} → ${rs.server}`);
  if (!rows) return undefined;
  const fromIp = (ref.from === 'client' ? rs.client : rs.server).replace(/:\d+$/, '');
  if (rs.keylog && !['ClientHello', 'ServerHello', 'ChangeCipherSpec', 'FIN'].includes(ref.what)) {
    return rows.filter((r) => r.from === fromIp && r.message === 'Application Data (encrypted)').map((r) => r.frame);
  }
  const match = readmeNames(ref.what);
  const hits = rows.filter((r) => r.from === fromIp && match(r.message));
  const nth = ref.nth ?? 1;
  return (nth === -1 ? hits[hits.length - 1] : hits[nth - 1])?.frame;
}

const missingFolders = (name: string) => lessonCaptures(LESSONS.find((l) => l.name === name)!).filter((f) => !existsSync(join(capturesDir, f)));

describe('lessons', () => {
  it('have unique names and at least the lessons the issue asks for', () => {
    const names = LESSONS.map((l) => l.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['store-rule', 'upgrade-copy', 'sunset-failure', 'private-ca', 'edge-public-copy', 'eku-chaining', 'tls13']));
    for (const l of LESSONS) {
      expect(l.steps.some((s) => s.kind === 'quiz'), `${l.name} has a quiz`).toBe(true);
      for (const s of l.steps) if (s.kind === 'quiz') expect(new Set(s.choices.map((c) => c.key)).size, `${l.name}: ${s.title}`).toBe(s.choices.length);
    }
  });

  for (const lesson of LESSONS) {
    it(`${lesson.name}: resolves against its captures, and every step's frame is the one the capture's README lists`, async () => {
      expect(missingFolders(lesson.name), 'the lesson\'s capture folders are bundled in captures/').toEqual([]);
      const r = await loadLesson(lesson, capturesDir);
      expect(r.missing).toEqual([]);
      expect(r.problems).toEqual([]);
      lesson.steps.forEach((step, i) => {
        const rs = r.steps[i]!;
        const check = (ref: MessageRef, focus: Focus | undefined, what: string) => {
          expect(focus, `${lesson.name} step ${i + 1} ${what}`).toBeDefined();
          expect(rs.session).toBeDefined();
          const want = expectedFrame(rs.session!, ref);
          expect(want, `${lesson.name} step ${i + 1}: README lists ${ref.what} from the ${ref.from}`).toBeDefined();
          if (typeof want === 'number') expect(focus!.frame, `${lesson.name} step ${i + 1} ${what}`).toBe(want);
          else expect(want, `${lesson.name} step ${i + 1} ${what}: a protected record of the sender`).toContain(focus!.frame);
          expect(rs.session!.ladder[focus!.ladderIndex]!.frame).toBe(focus!.frame);
        };
        if (step.kind === 'explain' && step.focus) check(step.focus, rs.focus, 'focus');
        if (step.kind === 'quiz') {
          check(step.answerAt, rs.quiz?.answerFocus, 'answer');
          expect(rs.quiz?.observed, `${lesson.name} step ${i + 1}: the capture answers the quiz`).toBe(step.answer);
        }
        if (step.kind === 'compare') expect(rs.table?.rows.length).toBe(step.rows.length);
        for (const t of [...rs.text, ...(rs.quiz ? [rs.quiz.question, ...rs.quiz.reveal] : [])]) expect(t, `${lesson.name} step ${i + 1}`).not.toMatch(/\{[A-Za-z]+\}/);
      });
    });
  }

  it('store rule: the compare table shows the client store for Expressway-E and the server store for the x15.5 box', async () => {
    const r = await loadLesson(LESSONS.find((l) => l.name === 'store-rule')!, capturesDir);
    const table = r.steps.find((s) => s.kind === 'compare')!.table!;
    expect(table.rows.map((row) => [row[2], row[3], row[4], row[6]])).toEqual([
      ['TLS client', 'client', '2f0000004c869c77c8981becde00000000004c', 'clientAuth'],
      ['TLS server', 'server (same cert in both)', '46df76aa0000000029', 'serverAuth'],
    ]);
  });

  it('a quiz whose answer the capture contradicts is reported, not taught', async () => {
    const lesson = LESSONS.find((l) => l.name === 'eku-chaining')!;
    const wrong = { ...lesson, steps: lesson.steps.map((s) => (s.kind === 'quiz' && s.check.kind === 'outcome' ? { ...s, answer: 'completes' } : s)) };
    const r = resolveLesson(wrong, await loadLessonCaptures(lesson, capturesDir));
    expect(r.problems.join('\n')).toMatch(/the lesson says completes, the capture shows rejected/);
  });

  it('a missing capture folder is said, per step, not thrown', () => {
    const r = resolveLesson(LESSONS[0]!, new Map());
    expect(r.missing.length).toBeGreaterThan(0);
    expect(r.problems.join('\n')).toMatch(/is not available/);
  });
});

describe('ekuscope lesson (CLI)', () => {
  it('without a name lists the lessons', async () => {
    const r = await run(['lesson']);
    expect(r.code).toBe(0);
    for (const l of LESSONS) expect(r.out).toContain(l.name);
  });

  for (const lesson of LESSONS) {
    it(`--print ${lesson.name}: Markdown with every step, its frame and the answers`, async () => {
      expect(missingFolders(lesson.name)).toEqual([]);
      const r = await run(['lesson', lesson.name, '--print']);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out.startsWith(`# Lesson: `)).toBe(true);
      for (let i = 1; i <= lesson.steps.length; i++) expect(r.out).toContain(`## Step ${i}: `);
      expect(r.out).not.toMatch(/\{[A-Za-z]+\}/);
      expect(r.out).toContain('```mermaid');
      const quizzes = lesson.steps.filter((s) => s.kind === 'quiz').length;
      expect(r.out.match(/\*\*Answer:\*\*/g)?.length ?? 0).toBe(quizzes);
    });
  }

  it('without a terminal a named lesson is printed (as text unless --print)', async () => {
    const r = await run(['lesson', 'eku-chaining']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Lesson: EKU chaining/);
    expect(r.out).toContain('Step 3: What does OpenSSL say?');
    expect(r.out).not.toContain('```mermaid');
  });

  it('an unknown lesson is a usage error naming the lessons', async () => {
    const r = await run(['lesson', 'no-such-lesson']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/store-rule/);
  });
});

describe('lessons cite the rules they teach', () => {
  const cited = (texts: readonly string[]) => [...new Set(texts.flatMap((t) => [...t.matchAll(/\b([ETCX][0-9])\b/g)].map((m) => m[1]!)))];
  for (const l of LESSONS) {
    it(`${l.name}: every rule a step's text cites is in its rules, and every step's rules in the lesson's`, () => {
      let withRules = 0;
      for (const s of l.steps) {
        const texts = s.kind === 'quiz' ? [s.question, ...s.reveal] : s.text;
        const rules = s.rules ?? [];
        for (const id of cited(texts)) expect(rules, `${l.name} / ${s.title} cites ${id}`).toContain(id);
        for (const id of rules) expect(l.rules, `${l.name} / ${s.title} teaches ${id}`).toContain(id);
        if (rules.length) withRules++;
      }
      // The rule the lesson is about is taught by at least one step.
      expect(l.steps.some((s) => s.rules?.includes(l.rules[0]!)), `${l.name} teaches ${l.rules[0]} in a step`).toBe(true);
      expect(withRules).toBeGreaterThan(0);
    });
  }

  it('a printed lesson names each step\'s rules and the command that explains them', async () => {
    const r = await run(['lesson', 'eku-chaining', '--print', '--format', 'text']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Rule: E5 (EKU on CA certificates constrains the leaf); ekuscope rules E5 explains it in full.');
  });
});
