/** Starts a lesson on the terminal (alternate screen, raw keys); settles when the learner quits. */
import { render } from 'ink';
import type { ResolvedLesson } from '../../narrate/lessons-resolve.js';
import { LessonApp } from './LessonApp.js';

const ALT_SCREEN_ON = '\x1b[?1049h\x1b[H';
const ALT_SCREEN_OFF = '\x1b[?1049l';

export async function runLesson(lesson: ResolvedLesson, opts: { readonly color: boolean; readonly stdin?: NodeJS.ReadStream; readonly stdout?: NodeJS.WriteStream }): Promise<void> {
  const stdout = opts.stdout ?? process.stdout;
  const stdin = opts.stdin ?? process.stdin;
  stdout.write(ALT_SCREEN_ON);
  const app = render(<LessonApp lesson={lesson} color={opts.color} />, { stdout, stdin, exitOnCtrlC: false, patchConsole: true });
  try {
    await app.waitUntilExit();
  } finally {
    app.cleanup();
    stdout.write(ALT_SCREEN_OFF);
  }
}
