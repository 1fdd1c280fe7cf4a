/**
 * The lesson screen, drawn with the viewer's panes: the step's ladder (LadderPane) with the message
 * the step is about highlighted, and the explanation or quiz below it (Pane). Space/Enter advances,
 * b goes back, a quiz is answered with the key in brackets, q quits.
 */
import { Box, useApp, useInput } from 'ink';
import { useEffect, useMemo, useReducer } from 'react';
import type { ResolvedLesson } from '../../narrate/lessons-resolve.js';
import { lessonScreen, wrapLessonSegs, type LessonSeg } from '../../narrate/lessons-view.js';
import { LadderPane } from '../components/LadderPane.js';
import { Filler, Line, Pane } from '../components/Pane.js';
import { useTerminalSize } from '../hooks.js';
import { ThemeContext } from '../theme.js';
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
  const size = useTerminalSize();
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
  const cursor = screen.highlight ?? -1;
  const ladderLines = Math.max(1, ladderHeight - 3);
  // The highlighted message in view; without one, the latest messages.
  const ladderTop = cursor >= 0 ? Math.max(0, cursor - ladderLines + 1) : Math.max(0, ladderRows - ladderLines);
  const focused = cursor >= 0;
  return (
    <ThemeContext.Provider value={{ color: props.color }}>
      <Box flexDirection="column" width={cols} height={rows}>
        <Line segs={header} width={cols} />
        <Line segs={[{ text: screen.sessionLine ?? '', tone: 'muted' }]} width={cols} />
        {screen.ladder ? (
          // Keyed by focus: Ink 6 draws a stray row when a mounted box with borderTop={false} changes borderStyle.
          <LadderPane key={focused ? 'focused' : 'plain'} view={screen.ladder} cursor={cursor} top={ladderTop} width={cols} height={ladderHeight} focused={focused} />
        ) : null}
        <Pane title={lines.length > bodyLines ? `Lesson · ↑↓ ${top + 1}–${top + shown.length}/${lines.length}` : 'Lesson'} width={cols} height={bodyHeight} focused={false}>
          {shown.map((l, i) => (
            <Line key={`${top + i}`} segs={[{ text: ' ' }, ...l]} width={inner} />
          ))}
          <Filler count={Math.max(0, bodyLines - shown.length)} width={inner} />
        </Pane>
        <Line segs={[{ text: screen.keys, tone: 'muted' }]} width={cols} />
      </Box>
    </ThemeContext.Provider>
  );
}
