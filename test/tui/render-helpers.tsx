import { render } from 'ink-testing-library';
import { App, type AppProps } from '../../src/tui/App.js';
import { staticSource } from '../../src/tui/source.js';
import type { ViewData } from '../../src/narrate/views.js';
import type { UiState } from '../../src/tui/store.js';

export const KEYS = {
  up: '\u001B[A',
  down: '\u001B[B',
  right: '\u001B[C',
  left: '\u001B[D',
  enter: '\r',
  tab: '\t',
  shiftTab: '\u001B[Z',
  escape: '\u001B',
  backspace: '\u007F',
};

/** Lets Ink and React process pending input and effects. */
export const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

export interface Rendered {
  readonly frame: () => string;
  readonly lines: () => string[];
  readonly type: (...keys: string[]) => Promise<void>;
  readonly state: () => UiState;
  readonly unmount: () => void;
}

/**
 * The viewer rendered by ink-testing-library at a terminal size: its fake stdout reports 100
 * columns, so the size is set on it before the App reads it.
 */
export async function renderAt(cols: number, rows: number, data: ViewData, extra: Partial<AppProps> = {}): Promise<Rendered> {
  let last: UiState | undefined;
  const props: AppProps = { source: staticSource(data), color: false, onState: (s) => (last = s), ...extra };
  const r = render(<App {...props} />);
  Object.defineProperty(r.stdout, 'columns', { value: cols, configurable: true });
  Object.defineProperty(r.stdout, 'rows', { value: rows, configurable: true });
  r.stdout.emit('resize');
  for (let i = 0; i < 50 && !(last && last.cols === cols && last.rows === rows && last.progress.phase !== 'starting'); i++) await tick(10);
  await tick();
  const frame = () => r.lastFrame() ?? '';
  /** Ink draws at most 30 frames a second and effects run after a render: wait until the frame is still. */
  const settle = async () => {
    let prev = frame();
    let still = 0;
    for (let waited = 0; waited < 2000 && (still < 3 || waited < 50); waited += 10) {
      await tick(10);
      const now = frame();
      still = now === prev ? still + 1 : 0;
      prev = now;
    }
  };
  await settle();
  return {
    frame,
    lines: () => frame().split('\n'),
    type: async (...keys: string[]) => {
      for (const k of keys) {
        r.stdin.write(k);
        await settle();
      }
    },
    state: () => last!,
    unmount: () => r.unmount(),
  };
}
