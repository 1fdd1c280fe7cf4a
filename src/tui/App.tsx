/**
 * The viewer: one store (store.ts), panes that render its view models, and the effects a key can
 * ask for (quit; write a file: a certificate as PEM, the selected session as a web page). Data
 * arrives through a ViewSource, so the UI is up at once and fills in while captures stream.
 */
import { Box, useApp, useInput } from 'ink';
import { useEffect, useReducer, useRef } from 'react';
import { join } from 'node:path';
import { safeText } from '../bytes/text.js';
import { DetailsPane } from './components/DetailsPane.js';
import { Header, StatusLine } from './components/Chrome.js';
import { HelpOverlay } from './components/HelpOverlay.js';
import { HexPane } from './components/HexPane.js';
import { LadderPane } from './components/LadderPane.js';
import { NarrationPane } from './components/NarrationPane.js';
import { RulePanel } from './components/RulePanel.js';
import { SessionsPane } from './components/SessionsPane.js';
import { sessionPage, writePem, type PemWriter } from './export.js';
import { useTerminalSize } from './hooks.js';
import { innerHeight, type PaneBox } from './layout.js';
import type { ViewSource } from './source.js';
import {
  currentLayout,
  exportTarget,
  hexPane,
  selectedEntry,
  initialState,
  ladder,
  ladderRow,
  narration,
  narrationText,
  reduce,
  rowsOnScreen,
  selectedNode,
  visibleTree,
  type UiState,
} from './store.js';
import { ThemeContext } from './theme.js';

export interface AppProps {
  readonly source: ViewSource;
  readonly color: boolean;
  /** Where `e` writes PEM files and `E` web pages; shown as given in the status line. */
  readonly exportDir?: string;
  readonly writePem?: PemWriter;
  /** Called with every state (tests). */
  readonly onState?: (s: UiState) => void;
}

export function App(props: AppProps) {
  const size = useTerminalSize();
  const [state, dispatch] = useReducer(reduce, undefined, () => initialState(size.cols, size.rows));
  const { exit } = useApp();
  const stateRef = useRef(state);
  stateRef.current = state;
  props.onState?.(state);

  useEffect(() => {
    if (size.cols !== state.cols || size.rows !== state.rows) dispatch({ type: 'resize', cols: size.cols, rows: size.rows });
  }, [size.cols, size.rows, state.cols, state.rows]);

  useEffect(() => props.source((u) => dispatch({ type: 'snapshot', ...(u.data && { data: u.data }), progress: u.progress })), [props.source]);

  useInput((input, key) => dispatch({ type: 'key', input, key }));

  // The lines on screen are marked before the rest of the list.
  useEffect(() => {
    const teller = state.model.teller;
    if (!teller || teller.finished) return;
    teller.prefer(rowsOnScreen(state).map((r) => r.key));
  }, [state.model, state.visible, state.sessionTop, state.rows]);

  useEffect(() => {
    if (state.quit) exit();
  }, [state.quit, exit]);

  const write = props.writePem ?? writePem;
  const dir = props.exportDir ?? '.';
  /** Writes what a key asked to export, and says where it went (or why not) in the status line. */
  const exportFile = (target: { readonly fileName: string; readonly text: string; readonly description: string } | { readonly error: string }) => {
    if ('error' in target) {
      dispatch({ type: 'status', status: { text: `export: ${target.error}`, tone: 'warn' } });
      return;
    }
    try {
      const name = write(dir, target.fileName, target.text);
      dispatch({ type: 'status', status: { text: `wrote ${safeText(join(dir, name))} · ${target.description}`, tone: 'ok' } });
    } catch (e) {
      dispatch({ type: 'status', status: { text: `export failed: ${safeText((e as Error).message)}`, tone: 'bad' } });
    }
  };
  useEffect(() => {
    if (state.exportRequest === 0) return;
    const target = exportTarget(stateRef.current);
    exportFile('error' in target ? target : { ...target, text: target.pem });
  }, [state.exportRequest]);
  useEffect(() => {
    if (state.pageExportRequest === 0) return;
    const page = sessionPage(selectedEntry(stateRef.current));
    exportFile('error' in page ? page : { ...page, text: page.html });
  }, [state.pageExportRequest]);

  return (
    <ThemeContext.Provider value={{ color: props.color }}>
      <Screen state={state} />
    </ThemeContext.Provider>
  );
}

function Screen({ state: s }: { readonly state: UiState }) {
  const l = currentLayout(s);
  const m = s.model;
  const counts = {
    captures: m.captures,
    toldOnce: m.toldOnce,
    sessions: m.rows.length,
    failed: m.counts.failed,
    warning: m.counts.warning,
    ok: m.counts.ok,
    unknown: m.counts.unknown,
    findings: m.findings,
  };
  const body = s.rule ? (
    <RulePanel ids={s.rule.ids} width={l.cols} height={l.rows - 2} top={s.rule.top} />
  ) : s.help ? (
    <HelpOverlay width={l.cols} height={l.rows - 2} top={s.helpTop} notes={s.progress.problems} />
  ) : (
    <Box flexDirection="column">
      {l.grid.map((row, i) => (
        <Box key={i} flexDirection="row">
          {row.map((b) => (
            <PaneFor key={b.pane} state={s} box={b} />
          ))}
        </Box>
      ))}
    </Box>
  );
  return (
    <Box flexDirection="column" width={l.cols} height={l.rows}>
      <Header counts={counts} progress={s.progress} width={l.cols} />
      {body}
      <StatusLine {...(s.status && { status: s.status })} filterEditing={s.filterEditing} filter={s.filter} width={l.cols} />
    </Box>
  );
}

function PaneFor({ state: s, box }: { readonly state: UiState; readonly box: PaneBox }) {
  const focused = s.focus === box.pane;
  switch (box.pane) {
    case 'sessions':
      return (
        <SessionsPane
          rows={s.visible}
          total={s.model.rows.length}
          {...(s.selected !== undefined && { selected: s.selected })}
          top={s.sessionTop}
          filter={s.filter}
          filterEditing={s.filterEditing}
          showCapture={new Set(s.model.rows.map((r) => r.key.split(':')[0])).size > 1}
          width={box.width}
          height={box.height}
          focused={focused}
        />
      );
    case 'ladder': {
      const v = ladder(s);
      return <LadderPane {...(v && { view: v })} cursor={s.ladderCursor} top={s.ladderTop} width={box.width} height={box.height} focused={focused} />;
    }
    case 'details': {
      const row = ladderRow(s);
      const title = row ? `Details · ${row.label} · frame ${row.frame}` : 'Details';
      return <DetailsPane nodes={visibleTree(s)} cursor={s.treeCursor} top={s.treeTop} title={title} width={box.width} height={box.height} focused={focused} />;
    }
    case 'hex': {
      const v = hexPane(s);
      const r = selectedNode(s)?.node.range;
      const title = v.length ? `Bytes · ${v.length}${r && r.length > 0 ? ` · selected ${r.offset}–${r.offset + r.length - 1}` : ''}` : 'Bytes';
      return <HexPane view={v} title={title} width={box.width} height={innerHeight(box) + 2} focused={focused} />;
    }
    case 'narration': {
      const v = narration(s);
      const text = narrationText(s);
      const title = v ? `Narration · ${v.symbol} ${v.outcomeText}${v.findings.length ? ` · ${v.findings.length} finding${v.findings.length === 1 ? '' : 's'}` : ''}` : 'Narration';
      return <NarrationPane lines={text.lines} top={s.narrationTop} title={title} width={box.width} height={box.height} focused={focused} />;
    }
  }
}
