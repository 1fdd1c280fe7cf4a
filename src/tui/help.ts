/** The help overlay's lines, for the overlay and for the store (which scrolls it). */
import { safeText } from '../bytes/text.js';
import { wrapSegs, type Seg } from '../narrate/views.js';
import { KEY_HELP, PANE_HELP } from './keymap.js';

export function helpLines(width: number, notes: readonly string[]): (readonly Seg[])[] {
  const inner = width - 2;
  const keyW = Math.max(...KEY_HELP.map((k) => k.keys.length), ...PANE_HELP.map((k) => k.keys.length)) + 3;
  const row = (keys: string, what: string): Seg[] => [{ text: `  ${keys.padEnd(keyW)}`, tone: 'accent', bold: true }, { text: what }];
  return [
    [{ text: ' Keys', bold: true }],
    ...KEY_HELP.map((k) => row(k.keys, k.what)),
    [{ text: ' Panes', bold: true }],
    ...PANE_HELP.map((k) => row(k.keys, k.what)),
    [{ text: ' ✔ ok  ✖ failed or error found  ▲ warning  ? unknown · focused: heavy frame, ▶', tone: 'muted' }],
    ...(notes.length ? [[{ text: ' Notes from reading the inputs', bold: true }], ...notes.flatMap((n) => wrapSegs([{ text: safeText(n) }], inner - 1, '  ℹ ', '    '))] : []),
  ];
}
