/**
 * Small drawing parts of the lesson screen: a line of styled runs cut to a width, a framed pane, and
 * the ladder with one highlighted message. Self-contained (Ink only) so the lesson screen does not
 * depend on the viewer's panes while they change; the shapes (rows, segments) are the viewer's, so
 * switching to its ladder pane is a change of import.
 */
import { Box, Text, useStdout } from 'ink';
import { useEffect, useState, type ReactNode } from 'react';
import type { LessonLadder, LessonLadderRow, LessonSeg, LessonTone } from '../../narrate/lessons-view.js';

const COLORS: Readonly<Record<LessonTone, string | undefined>> = {
  ok: 'green',
  bad: 'red',
  warn: 'yellow',
  info: 'blue',
  muted: 'gray',
  accent: 'cyan',
  plain: undefined,
};

export function useSize(): { cols: number; rows: number } {
  const { stdout } = useStdout();
  const read = () => ({ cols: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const on = () => setSize(read());
    stdout.on('resize', on);
    return () => {
      stdout.off('resize', on);
    };
  }, [stdout]);
  return size;
}

/** One line of runs, cut to `width` columns; `selected` draws it inverted. */
export function SegLine(p: { readonly segs: readonly LessonSeg[]; readonly width: number; readonly color: boolean; readonly selected?: boolean }) {
  let used = 0;
  const parts: LessonSeg[] = [];
  for (const s of p.segs) {
    if (used >= p.width) break;
    const chars = [...s.text];
    const take = chars.slice(0, p.width - used).join('');
    used += Math.min(chars.length, p.width - used);
    if (take) parts.push({ ...s, text: take });
  }
  if (p.selected && used < p.width) parts.push({ text: ' '.repeat(p.width - used) });
  return (
    <Box height={1} width={p.width} flexShrink={0}>
      <Text wrap="truncate-end" inverse={p.selected ?? false}>
        {parts.map((s, i) => {
          const c = p.color && s.tone ? COLORS[s.tone] : undefined;
          return (
            <Text key={i} bold={s.bold ?? false} {...(c ? { color: c } : {})}>
              {s.text}
            </Text>
          );
        })}
      </Text>
    </Box>
  );
}

/** A frame with its title in the top border; `strong` draws it heavy (visible without colour). */
export function Frame(p: { readonly title: string; readonly width: number; readonly height: number; readonly strong?: boolean; readonly children?: ReactNode }) {
  const h = p.strong ? '━' : '─';
  const title = ` ${p.title} `;
  const room = Math.max(0, p.width - 3);
  const shown = [...title].length > room ? `${[...title].slice(0, Math.max(0, room - 1)).join('')}…` : title;
  const top = `${p.strong ? '┏' : '┌'}${h}${shown}${h.repeat(Math.max(0, p.width - 3 - [...shown].length))}${p.strong ? '┓' : '┐'}`;
  return (
    <Box flexDirection="column" width={p.width} height={p.height} flexShrink={0}>
      <Text wrap="truncate-end" bold={p.strong ?? false}>
        {top}
      </Text>
      {/* Keyed by style: changing borderStyle on a mounted box with borderTop={false} draws a stray top row (Ink 6). */}
      <Box key={p.strong ? 'bold' : 'single'} borderStyle={p.strong ? 'bold' : 'single'} borderTop={false} width={p.width} height={p.height - 1} flexDirection="column" overflow="hidden">
        {p.children}
      </Box>
    </Box>
  );
}

function cut(s: string, n: number): string {
  const chars = [...s];
  return chars.length > n ? `${chars.slice(0, Math.max(0, n - 1)).join('')}…` : s;
}

/** `›   12 │─ Certificate ──────▶│ serial … (EKU …)`; the highlighted row has › and is inverted. */
export function ladderSegs(r: LessonLadderRow, width: number, selected: boolean): LessonSeg[] {
  const aw = Math.max(18, Math.min(44, width - 20));
  const label = cut(r.label, aw - 6);
  const fill = '─'.repeat(Math.max(1, aw - [...label].length - 5));
  const arrow = r.dir === 'right' ? `│─ ${label} ${fill}▶│` : `│◀${fill} ${label} ─│`;
  const tone = r.tone === 'plain' ? undefined : r.tone;
  return [
    { text: selected ? '›' : ' ', tone: 'accent', bold: true },
    { text: `${r.frame}`.padStart(5) + ' ', tone: 'muted' },
    { text: arrow, ...(tone ? { tone } : {}), bold: r.tone === 'bad' || selected },
    ...(r.note ? [{ text: ` ${r.note}`, ...(tone ? { tone } : {}) }] : []),
  ];
}

export function LadderView(p: { readonly ladder: LessonLadder; readonly highlight?: number; readonly width: number; readonly height: number; readonly color: boolean }) {
  const inner = p.width - 2;
  const lines = Math.max(1, p.height - 3);
  const rows = p.ladder.rows;
  const hi = p.highlight;
  const top = hi !== undefined && hi >= lines ? hi - lines + 1 : 0;
  const shown = rows.slice(top, top + lines);
  const aw = Math.max(18, Math.min(44, inner - 20));
  const head = `${' frame'} ${cut(p.ladder.left, Math.floor(aw / 2))}`;
  const header = head + ' '.repeat(Math.max(1, aw + 8 - [...head].length - [...cut(p.ladder.right, aw / 2)].length)) + cut(p.ladder.right, Math.floor(aw / 2));
  const fill: ReactNode[] = [];
  for (let i = shown.length; i < lines; i++) fill.push(<Box key={`f${i}`} height={1} width={inner} />);
  return (
    <Frame title={`Ladder · ${hi !== undefined ? `frame ${rows[hi]?.frame ?? '?'}` : `${rows.length} messages so far`}`} width={p.width} height={p.height} strong={hi !== undefined}>
      <SegLine segs={[{ text: header, bold: true }]} width={inner} color={p.color} />
      {shown.map((r, i) => (
        <SegLine key={`r${top + i}`} segs={ladderSegs(r, inner, top + i === hi)} width={inner} color={p.color} selected={top + i === hi} />
      ))}
      {fill}
    </Frame>
  );
}
