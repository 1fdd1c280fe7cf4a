import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import type { Seg } from '../../narrate/views.js';
import { toneColor, useTheme } from '../theme.js';

/**
 * A framed pane with its title in the top border. The focused pane has a heavy frame and a ▶
 * before its title: visible without colour.
 */
export function Pane(props: { readonly title: string; readonly width: number; readonly height: number; readonly focused: boolean; readonly children?: ReactNode }) {
  const theme = useTheme();
  const { width, height, focused } = props;
  const h = focused ? '━' : '─';
  const title = ` ${focused ? '▶ ' : ''}${props.title} `;
  const room = Math.max(0, width - 3);
  const shown = title.length > room ? `${title.slice(0, Math.max(0, room - 1))}…` : title;
  const top = `${focused ? '┏' : '┌'}${h}${shown}${h.repeat(Math.max(0, width - 3 - shown.length))}${focused ? '┓' : '┐'}`;
  const color = focused && theme.color ? 'cyan' : undefined;
  return (
    <Box flexDirection="column" width={width} height={height} flexShrink={0}>
      <Text bold={focused} {...(color && { color })} wrap="truncate-end">
        {top}
      </Text>
      <Box
        // Remounted when the focus changes: Ink keeps the old border widths when only the style of a
        // box without a top border changes, which leaves an empty line at the top.
        key={focused ? 'focused' : 'plain'}
        borderStyle={focused ? 'bold' : 'single'}
        borderTop={false}
        {...(color && { borderColor: color })}
        width={width}
        height={height - 1}
        flexDirection="column"
        overflow="hidden"
      >
        {props.children}
      </Box>
    </Box>
  );
}

/** One line of styled runs, cut to `width` columns; `selected` shows it inverted (and marked by the caller). */
export function Line(props: { readonly segs: readonly Seg[]; readonly width: number; readonly selected?: boolean }) {
  const theme = useTheme();
  const { width } = props;
  let used = 0;
  const parts: Seg[] = [];
  for (const s of props.segs) {
    if (used >= width) break;
    const chars = [...s.text];
    const take = chars.slice(0, width - used).join('');
    used += Math.min(chars.length, width - used);
    if (take) parts.push({ ...s, text: take });
  }
  if (props.selected && used < width) parts.push({ text: ' '.repeat(width - used) });
  return (
    <Box height={1} width={width} flexShrink={0}>
      <Text wrap="truncate-end" inverse={props.selected ?? false}>
        {parts.map((s, i) => {
          const color = toneColor(theme, s.tone);
          return (
            <Text key={i} bold={s.bold ?? false} inverse={s.hl ?? false} {...(color && { color })}>
              {s.text}
            </Text>
          );
        })}
      </Text>
    </Box>
  );
}

/** Pads a list of lines with empty ones so a pane keeps its height. */
export function Filler(props: { readonly count: number; readonly width: number }) {
  const out: ReactNode[] = [];
  for (let i = 0; i < props.count; i++) out.push(<Box key={`f${i}`} height={1} width={props.width} />);
  return <>{out}</>;
}
