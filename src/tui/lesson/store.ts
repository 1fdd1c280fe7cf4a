/**
 * The lesson screen's state and what each key does. Pure: a reducer over the resolved lesson, so a
 * test can drive it without a terminal.
 */
import type { ResolvedLesson } from '../../narrate/lessons-resolve.js';
import { lessonScreen, type LessonProgress } from '../../narrate/lessons-view.js';

export interface LessonState extends LessonProgress {
  /** Lines scrolled from where the step's text starts (negative: above a quiz's verdict). */
  readonly scroll: number;
  readonly quit: boolean;
}

export interface KeyInfo {
  readonly return?: boolean;
  readonly escape?: boolean;
  readonly leftArrow?: boolean;
  readonly rightArrow?: boolean;
  readonly upArrow?: boolean;
  readonly downArrow?: boolean;
  readonly ctrl?: boolean;
}

export type LessonAction = { readonly type: 'key'; readonly input: string; readonly key: KeyInfo };

export const initialLessonState: LessonState = Object.freeze({ step: 0, answers: Object.freeze({}), scroll: 0, quit: false });

/** Keys the lesson screen keeps for itself: no quiz may use them as an answer. */
export const RESERVED_KEYS: readonly string[] = ['b', 'q', ' '];

export function lessonReducer(lesson: ResolvedLesson) {
  const total = lesson.steps.length;
  return (s: LessonState, a: LessonAction): LessonState => {
    const { input, key } = a;
    if (input === 'q' || key.escape || (key.ctrl && input === 'c')) return { ...s, quit: true };
    const screen = lessonScreen(lesson, s);
    if (screen.quizOpen && screen.choiceKeys.includes(input.toLowerCase())) {
      return { ...s, answers: { ...s.answers, [s.step]: input.toLowerCase() }, scroll: 0 };
    }
    if (input === ' ' || key.return || key.rightArrow) {
      // An open quiz first shows its answer (counted as not answered); then the next step.
      if (screen.quizOpen) return { ...s, answers: { ...s.answers, [s.step]: '' }, scroll: 0 };
      return s.step < total ? { ...s, step: s.step + 1, scroll: 0 } : s;
    }
    if (input === 'b' || key.leftArrow) return s.step > 0 ? { ...s, step: s.step - 1, scroll: 0 } : s;
    if (key.downArrow || input === 'j') return { ...s, scroll: Math.min(200, s.scroll + 1) };
    if (key.upArrow || input === 'k') return { ...s, scroll: Math.max(-200, s.scroll - 1) };
    return s;
  };
}
