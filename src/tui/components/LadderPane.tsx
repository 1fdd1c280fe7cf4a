import type { LadderRow, LadderView, Seg } from '../../narrate/views.js';
import { Filler, Line, Pane } from './Pane.js';

const FRAME_COL = 6;

/** Room for the arrow; what is left after it is for the frames that carried a message and its note. */
function arrowWidth(width: number): number {
  return Math.max(22, Math.min(40, width - 30));
}

function cut(s: string, n: number): string {
  const chars = [...s];
  return chars.length > n ? `${chars.slice(0, Math.max(0, n - 1)).join('')}…` : s;
}

/** `    12 │─ Certificate ──────▶│ 10–12 CN=… · clientAuth ✖ missing` */
export function ladderSegs(r: LadderRow, width: number, selected: boolean): Seg[] {
  const aw = arrowWidth(width);
  const label = cut(r.arrow, aw - 6);
  const fill = '─'.repeat(Math.max(1, aw - label.length - 5));
  const arrow = r.dir === 'right' ? `│─ ${label} ${fill}▶│` : `│◀${fill} ${label} ─│`;
  const tone = r.tone === 'plain' ? undefined : r.tone;
  const segs: Seg[] = [
    { text: selected ? '›' : ' ' },
    { text: `${r.frame}`.padStart(FRAME_COL - 2) + ' ', tone: 'muted' },
    { text: arrow, ...(tone && { tone }), bold: r.tone === 'bad' },
  ];
  if (r.carried) segs.push({ text: ` ⇠${r.carried}`, tone: 'muted' });
  if (r.note) segs.push({ text: ` ${r.note}`, ...(tone && { tone }) });
  return segs;
}

/** ` frame vcs8c                 smartslave`: each name just right of its life line (client left). */
export function ladderHeader(v: LadderView, width: number): Seg[] {
  const aw = arrowWidth(width);
  const left = cut(v.left, aw - 1);
  return [{ text: ' frame ' }, { text: `${left.padEnd(aw)}${v.right}`, bold: true }];
}

export function LadderPane(p: { readonly view?: LadderView; readonly cursor: number; readonly top: number; readonly width: number; readonly height: number; readonly focused: boolean; readonly title?: string }) {
  const inner = p.width - 2;
  const lines = p.height - 3;
  const rows = p.view?.rows ?? [];
  const shown = rows.slice(p.top, p.top + lines);
  const title = p.view ? `Ladder · ${p.view.leftAddr} ⇄ ${p.view.rightAddr} · ${rows.length ? `${p.cursor + 1}/${rows.length}` : 'no messages'}` : 'Ladder';
  return (
    <Pane title={title} width={p.width} height={p.height} focused={p.focused}>
      {p.view ? <Line segs={ladderHeader(p.view, inner)} width={inner} /> : <Line segs={[{ text: ' select a session', tone: 'muted' }]} width={inner} />}
      {shown.map((r, i) => (
        <Line key={`${p.top + i}`} segs={ladderSegs(r, inner, p.top + i === p.cursor)} width={inner} selected={p.focused && p.top + i === p.cursor} />
      ))}
      <Filler count={Math.max(0, lines - shown.length)} width={inner} />
    </Pane>
  );
}
