import type { HexView, Seg } from '../../narrate/views.js';
import { Filler, Line, Pane } from './Pane.js';

export function hexSegs(l: HexView['lines'][number]): Seg[] {
  const mark = (s: Seg): Seg => (s.hl ? { ...s, tone: 'accent', bold: true } : s);
  return [{ text: `${l.offset}  `, tone: 'muted' }, ...l.hex.map(mark), { text: '  ' }, ...l.ascii.map(mark)];
}

export function HexPane(p: { readonly view: HexView; readonly title: string; readonly width: number; readonly height: number; readonly focused: boolean }) {
  const inner = p.width - 2;
  const lines = p.height - 2;
  const shown = p.view.lines.slice(0, lines);
  const empty = p.view.length === 0;
  return (
    <Pane title={p.title} width={p.width} height={p.height} focused={p.focused}>
      {empty ? <Line segs={[{ text: ` ${p.view.note ?? 'no bytes'}`, tone: 'muted' }]} width={inner} /> : null}
      {shown.map((l) => (
        <Line key={l.offset} segs={hexSegs(l)} width={inner} />
      ))}
      <Filler count={Math.max(0, lines - shown.length - (empty ? 1 : 0))} width={inner} />
    </Pane>
  );
}
