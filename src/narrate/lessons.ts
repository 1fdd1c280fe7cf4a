/**
 * Guided lessons over the captures in captures/: the store rule (X1), the upgrade copy (X2), the
 * sunset failure and its fixes (X4, X5, X7), private CA trade-offs, the copied public Edge
 * certificate, EKU chaining (E5), and what TLS 1.3 hides (T7).
 *
 * Lessons are data (lessons-model.ts says what a step holds and which placeholders its text may
 * use); the Expressway lessons are in lessons-expressway.ts, the TLS and certificate ones in
 * lessons-tls.ts. This file lists them and says which captures each reads.
 */

import { EXPRESSWAY_LESSONS } from './lessons-expressway.js';
import type { Lesson, SessionRef } from './lessons-model.js';
import { TLS_LESSONS } from './lessons-tls.js';

export type * from './lessons-model.js';

/** Every lesson, in the order the list shows them. */
export const LESSONS: readonly Lesson[] = Object.freeze([...EXPRESSWAY_LESSONS, ...TLS_LESSONS]);

export function findLesson(name: string): Lesson | undefined {
  return LESSONS.find((l) => l.name === name);
}

function sessionRefs(lesson: Lesson): SessionRef[] {
  const refs: SessionRef[] = [];
  for (const s of lesson.steps) {
    if (s.kind === 'compare') refs.push(...s.rows.map((r) => r.session));
    else if (s.session) refs.push(s.session);
  }
  return refs;
}

/** Every capture folder a lesson reads. */
export function lessonCaptures(lesson: Lesson): string[] {
  return [...new Set(sessionRefs(lesson).map((r) => r.capture))];
}

/** How a folder is read: plain, or decrypted with one of its key logs. The key of LessonCaptures. */
export function captureKey(ref: { readonly capture: string; readonly keylog?: string }): string {
  return ref.keylog ? `${ref.capture}#keylog=${ref.keylog}` : ref.capture;
}

/** Every (folder, key log) a lesson reads. */
export function lessonSources(lesson: Lesson): { readonly capture: string; readonly keylog?: string }[] {
  const seen = new Map<string, { capture: string; keylog?: string }>();
  for (const r of sessionRefs(lesson)) seen.set(captureKey(r), { capture: r.capture, ...(r.keylog ? { keylog: r.keylog } : {}) });
  return [...seen.values()];
}
