import { KEY_HELP, PANE_HELP } from '../keymap.js';
import { Filler, Line, Pane } from './Pane.js';

export function HelpOverlay(p: { readonly width: number; readonly height: number }) {
  const inner = p.width - 2;
  const keyW = Math.max(...KEY_HELP.map((k) => k.keys.length), ...PANE_HELP.map((k) => k.keys.length)) + 3;
  const lines = [
    { text: ' Keys', bold: true },
    ...KEY_HELP.map((k) => [{ text: `  ${k.keys.padEnd(keyW)}`, tone: 'accent' as const, bold: true }, { text: k.what }]),
    { text: ' Panes', bold: true },
    ...PANE_HELP.map((k) => [{ text: `  ${k.keys.padEnd(keyW)}`, tone: 'accent' as const, bold: true }, { text: k.what }]),
    { text: ' ✔ ok  ✖ failed  ▲ warning  ? unknown · focused pane: heavy frame, ▶ · any key closes', tone: 'muted' as const },
  ];
  const count = p.height - 2;
  return (
    <Pane title="Help · ekuscope view" width={p.width} height={p.height} focused>
      {lines.slice(0, count).map((l, i) => (
        <Line key={i} segs={Array.isArray(l) ? l : [l]} width={inner} />
      ))}
      <Filler count={Math.max(0, count - lines.length)} width={inner} />
    </Pane>
  );
}
