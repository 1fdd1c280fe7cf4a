import type { Seg, VisibleNode } from '../../narrate/views.js';
import { Filler, Line, Pane } from './Pane.js';

/** `  ▾ Extended Key Usage: serverAuth  [clientAuth needed ✖ missing]` */
export function nodeSegs(v: VisibleNode, selected: boolean): Seg[] {
  const n = v.node;
  const segs: Seg[] = [{ text: `${selected ? '›' : ' '}${'  '.repeat(v.depth)}${v.hasChildren ? (v.open ? '▾ ' : '▸ ') : '  '}` }];
  segs.push({ text: n.label, bold: v.depth === 0 || n.certIndex !== undefined, ...(n.tone && !n.badge && { tone: n.tone }) });
  if (n.value !== undefined) segs.push({ text: `: ${n.value}` });
  if (n.badge) segs.push({ text: `  [${n.badge}]`, tone: n.tone ?? 'info', bold: n.tone === 'bad' });
  return segs;
}

export function DetailsPane(p: { readonly nodes: readonly VisibleNode[]; readonly cursor: number; readonly top: number; readonly title: string; readonly width: number; readonly height: number; readonly focused: boolean }) {
  const inner = p.width - 2;
  const lines = p.height - 2;
  const shown = p.nodes.slice(p.top, p.top + lines);
  return (
    <Pane title={p.title} width={p.width} height={p.height} focused={p.focused}>
      {shown.map((v, i) => (
        <Line key={v.node.id} segs={nodeSegs(v, p.top + i === p.cursor)} width={inner} selected={p.focused && p.top + i === p.cursor} />
      ))}
      {p.nodes.length === 0 ? <Line segs={[{ text: ' select a message in the ladder', tone: 'muted' }]} width={inner} /> : null}
      <Filler count={Math.max(0, lines - shown.length - (p.nodes.length === 0 ? 1 : 0))} width={inner} />
    </Pane>
  );
}
