import type { Seg } from '../../narrate/views.js';
import { Filler, Line, Pane } from './Pane.js';

export function NarrationPane(p: { readonly lines: readonly (readonly Seg[])[]; readonly top: number; readonly title: string; readonly width: number; readonly height: number; readonly focused: boolean }) {
  const inner = p.width - 2;
  const count = p.height - 2;
  const shown = p.lines.slice(p.top, p.top + count);
  return (
    <Pane title={p.title} width={p.width} height={p.height} focused={p.focused}>
      {shown.map((l, i) => (
        <Line key={`${p.top + i}`} segs={[{ text: ' ' }, ...l]} width={inner} />
      ))}
      <Filler count={Math.max(0, count - shown.length)} width={inner} />
    </Pane>
  );
}
