/**
 * The lesson screen: the step's ladder (the viewer's ladder pane) with the message the step is about
 * highlighted, and the explanation or quiz below it. Space/Enter advances, b goes back, a quiz is
 * answered with the key in brackets, q quits.
 */
import { Box, useApp, useInput } from 'ink';
import { useEffect, useMemo, useReducer } from 'react';
import type { ResolvedLesson } from '../../narrate/lessons-resolve.js';
import { lessonScreen, wrapLessonSegs, type LessonSeg } from '../../narrate/lessons-view.js';
import { Frame, LadderView, SegLine, useSize } from './parts.js';
import { initialLessonState, lessonReducer, type LessonState } from './store.js';

export interface LessonAppProps {
  readonly lesson: ResolvedLesson;
  readonly color: boolean;
  /** Called with every state (tests). */
  readonly onState?: (s: LessonState) => void;
}

export function LessonApp(props: LessonAppProps) {
  const reducer = useMemo(() => lessonReducer(props.lesson), [props.lesson]);
  const [state, dispatch] = useReducer(reducer, initialLessonState);
  const { exit } = useApp();
  const size = useSize();
  props.onState?.(state);
  useInput((input, key) => dispatch({ type: 'key', input, key }));
  useEffect(() => {
    if (state.quit) exit();
  }, [state.quit, exit]);

  const cols = Math.max(40, size.cols);
  const rows = Math.max(12, size.rows);
  const screen = lessonScreen(props.lesson, state);
  const header: LessonSeg[] = [
    { text: `${screen.title} · `, bold: true },
    { text: screen.heading, bold: true, tone: 'accent' },
    ...(screen.score.quizzes ? [{ text: `   quiz ${screen.score.right}/${screen.score.quizzes}`, tone: 'muted' as const }] : []),
  ];
  const ladderRows = screen.ladder?.rows.length ?? 0;
  const room = rows - 3;
  const ladderHeight = screen.ladder ? Math.min(ladderRows + 3, Math.max(6, Math.floor(room * (rows < 30 ? 0.45 : 0.55)))) : 0;
  const bodyHeight = room - ladderHeight;
  const inner = cols - 2;
  // Paragraphs wrapped to the pane, one empty line between them; where each paragraph starts.
  const lines: LessonSeg[][] = [];
  const starts: number[] = [];
  screen.body.forEach((p, i) => {
    if (i > 0 && p.length) lines.push([]);
    starts.push(lines.length);
    lines.push(...wrapLessonSegs(p, inner - 1));
  });
  const bodyLines = Math.max(1, bodyHeight - 2);
  const maxTop = Math.max(0, lines.length - bodyLines);
  // Once a quiz is answered its verdict comes into view; ↑/↓ scroll from there.
  const base = screen.anchor !== undefined ? Math.min(starts[screen.anchor] ?? 0, maxTop) : 0;
  const top = Math.max(0, Math.min(base + state.scroll, maxTop));
  const shown = lines.slice(top, top + bodyLines);
  const color = props.color;
  return (
    <Box flexDirection="column" width={cols} height={rows}>
      <SegLine segs={header} width={cols} color={color} />
      <SegLine segs={[{ text: screen.sessionLine ?? '', tone: 'muted' }]} width={cols} color={color} />
      {screen.ladder ? <LadderView ladder={screen.ladder} {...(screen.highlight !== undefined ? { highlight: screen.highlight } : {})} width={cols} height={ladderHeight} color={color} /> : null}
      <Frame title={lines.length > bodyLines ? `Lesson · ↑↓ ${top + 1}–${top + shown.length}/${lines.length}` : 'Lesson'} width={cols} height={bodyHeight}>
        {shown.map((l, i) => (
          <SegLine key={`${top + i}`} segs={[{ text: ' ' }, ...l]} width={inner} color={color} />
        ))}
        {Array.from({ length: Math.max(0, bodyLines - shown.length) }, (_, i) => (
          <Box key={`f${i}`} height={1} width={inner} />
        ))}
      </Frame>
      <SegLine segs={[{ text: screen.keys, tone: 'muted' }]} width={cols} color={color} />
    </Box>
  );
}
