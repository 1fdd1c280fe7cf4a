import type { Seg } from '../../narrate/views.js';
import { Filler, Line, Pane } from './Pane.js';

/**
 * A panel over the panes (the help, the rule panel): its lines from `top`, and a title that says
 * which lines are shown when there are more than fit, then what closes it.
 */
export function Overlay(p: { readonly title: string; readonly closes: string; readonly lines: readonly (readonly Seg[])[]; readonly width: number; readonly height: number; readonly top: number }) {
  const inner = p.width - 2;
  const count = p.height - 2;
  const more = p.lines.length > count;
  const shown = p.lines.slice(p.top, p.top + count);
  const title = `${p.title}${more ? ` · ${p.top + 1}–${p.top + shown.length} of ${p.lines.length}, ↑↓ scroll` : ''} · ${p.closes}`;
  return (
    <Pane title={title} width={p.width} height={p.height} focused>
      {shown.map((l, i) => (
        <Line key={p.top + i} segs={l} width={inner} />
      ))}
      <Filler count={Math.max(0, count - shown.length)} width={inner} />
    </Pane>
  );
}
