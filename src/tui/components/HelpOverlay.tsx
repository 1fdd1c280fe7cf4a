import { helpLines } from '../help.js';
import { Filler, Line, Pane } from './Pane.js';

export function HelpOverlay(p: { readonly width: number; readonly height: number; readonly top: number; readonly notes: readonly string[] }) {
  const inner = p.width - 2;
  const lines = helpLines(p.width, p.notes);
  const count = p.height - 2;
  const more = lines.length > count;
  const shown = lines.slice(p.top, p.top + count);
  const title = `Help · ekuscope view${more ? ` · ${p.top + 1}–${p.top + shown.length} of ${lines.length}, ↑↓ scroll` : ''} · other keys close`;
  return (
    <Pane title={title} width={p.width} height={p.height} focused>
      {shown.map((l, i) => (
        <Line key={p.top + i} segs={l} width={inner} />
      ))}
      <Filler count={Math.max(0, count - shown.length)} width={inner} />
    </Pane>
  );
}
