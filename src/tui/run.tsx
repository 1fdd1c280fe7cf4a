/**
 * Starts the viewer on the terminal: the alternate screen (the shell's screen comes back on quit,
 * as with less), raw keys, and a promise that settles when the user quits.
 */
import { render } from 'ink';
import { App } from './App.js';
import type { PemWriter } from './export.js';
import type { ViewSource } from './source.js';

export interface RunOptions {
  readonly source: ViewSource;
  readonly color: boolean;
  readonly exportDir?: string;
  readonly writePem?: PemWriter;
  readonly stdin?: NodeJS.ReadStream;
  readonly stdout?: NodeJS.WriteStream;
}

const ALT_SCREEN_ON = '\x1b[?1049h\x1b[H';
const ALT_SCREEN_OFF = '\x1b[?1049l';

export async function runViewer(opts: RunOptions): Promise<void> {
  const stdout = opts.stdout ?? process.stdout;
  const stdin = opts.stdin ?? process.stdin;
  stdout.write(ALT_SCREEN_ON);
  let stop: (() => void) | undefined;
  // The source's stop function is kept so that quitting also stops reading a large capture.
  const source: ViewSource = (emit) => {
    stop = opts.source(emit);
    return () => stop?.();
  };
  const app = render(
    <App source={source} color={opts.color} {...(opts.exportDir !== undefined && { exportDir: opts.exportDir })} {...(opts.writePem && { writePem: opts.writePem })} />,
    { stdout, stdin, exitOnCtrlC: false, patchConsole: true },
  );
  try {
    await app.waitUntilExit();
  } finally {
    stop?.();
    app.cleanup();
    stdout.write(ALT_SCREEN_OFF);
  }
}
