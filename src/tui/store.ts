/**
 * The viewer's one store: its state, the actions that change it, and the selectors the panes read.
 * `reduce` is pure (state, action) → state; effects (writing a PEM file, quitting) are done by the
 * app around it. Everything a pane shows is a view model from narrate/views.ts, picked here.
 */
import {
  buildViewModel,
  certificateExport,
  detailsTree,
  filterRows,
  flattenTree,
  hexView,
  ladderView,
  messageBytes,
  narrationLines,
  narrationView,
  type CertificateExport,
  type HexView,
  type LadderRow,
  type LadderView,
  type NarrationView,
  type Seg,
  type SessionEntry,
  type SessionRow,
  type TreeNode,
  type ViewData,
  type ViewModel,
  type VisibleNode,
} from '../narrate/views.js';
import type { Key } from 'ink';
import { safeText } from '../bytes/text.js';
import { helpLines } from './help.js';
import { keyToCommand } from './keymap.js';
import type { Action, KeyPress, Move, Progress, Status } from './actions.js';
import { citedRules, rulePanelLines, type RulePanel } from './rule-panel.js';
import { hexBytesPerRow, innerHeight, innerWidth, layout, paneBox, PANE_ORDER, type Layout, type PaneId } from './layout.js';

export type { Action, KeyPress, Move, Progress, Status } from './actions.js';

export interface UiState {
  readonly cols: number;
  readonly rows: number;
  readonly model: ViewModel;
  readonly progress: Progress;
  readonly focus: PaneId;
  readonly filter: string;
  readonly filterEditing: boolean;
  /** Rows the filter keeps, in capture order. */
  readonly visible: readonly SessionRow[];
  readonly selected?: string;
  readonly sessionTop: number;
  readonly ladderCursor: number;
  readonly ladderTop: number;
  readonly treeCursor: number;
  readonly treeTop: number;
  /** Nodes the user opened or closed, by session, ladder row and node id. */
  readonly expanded: Readonly<Record<string, boolean>>;
  readonly hexTop: number;
  readonly narrationTop: number;
  /** The finding n/N last moved to, in the selected session's story. */
  readonly finding?: number;
  readonly help: boolean;
  readonly helpTop: number;
  /** The rule panel (key r): the rules it explains and its scroll. */
  readonly rule?: RulePanel;
  readonly status?: Status;
  readonly quit: boolean;
  /** Counts export requests (key e); the app writes the file when it changes. */
  readonly exportRequest: number;
  /** Counts page export requests (key E), as exportRequest. */
  readonly pageExportRequest: number;
}

const EMPTY: ViewData = { captures: [] };

export function initialState(cols: number, rows: number, data: ViewData = EMPTY, progress: Progress = { phase: 'starting', bytes: 0, problems: [] }): UiState {
  const model = buildViewModel(data);
  return {
    cols,
    rows,
    model,
    progress,
    focus: 'sessions',
    filter: '',
    filterEditing: false,
    visible: model.rows,
    ...(model.rows[0] && { selected: model.rows[0].key }),
    sessionTop: 0,
    ladderCursor: 0,
    ladderTop: 0,
    treeCursor: 0,
    treeTop: 0,
    expanded: {},
    hexTop: 0,
    narrationTop: 0,
    help: false,
    helpTop: 0,
    quit: false,
    exportRequest: 0,
    pageExportRequest: 0,
  };
}

// ---- selectors ---------------------------------------------------------------------------------

export function currentLayout(s: UiState): Layout {
  return layout(s.cols, s.rows, s.focus, s.visible.length);
}

export function selectedEntry(s: UiState): SessionEntry | undefined {
  return s.selected === undefined ? undefined : s.model.entries.get(s.selected);
}

export function selectedIndex(s: UiState): number {
  return s.visible.findIndex((r) => r.key === s.selected);
}

/** The sessions pane's lines on screen (or that would be, when another pane fills the screen). */
export function rowsOnScreen(s: UiState): readonly SessionRow[] {
  return s.visible.slice(s.sessionTop, s.sessionTop + height(s, 'sessions'));
}

export function ladder(s: UiState): LadderView | undefined {
  const e = selectedEntry(s);
  return e && ladderView(e);
}

export function ladderRow(s: UiState): LadderRow | undefined {
  return ladder(s)?.rows[s.ladderCursor];
}

function rowId(row: LadderRow): string {
  return row.kind === 'message' ? `m${row.index}` : `e${row.frame}${row.dir}`;
}

export function tree(s: UiState): readonly TreeNode[] {
  const e = selectedEntry(s);
  return e ? detailsTree(e, ladderRow(s)) : [];
}

function expandKey(s: UiState, nodeId: string): string {
  const row = ladderRow(s);
  return `${s.selected ?? ''}/${row ? rowId(row) : ''}/${nodeId}`;
}

export function isOpen(s: UiState, n: TreeNode): boolean {
  return s.expanded[expandKey(s, n.id)] ?? n.open ?? false;
}

export function visibleTree(s: UiState): readonly VisibleNode[] {
  return flattenTree(tree(s), (n) => isOpen(s, n));
}

export function selectedNode(s: UiState): VisibleNode | undefined {
  return visibleTree(s)[s.treeCursor];
}

export function hexPane(s: UiState, top = s.hexTop): HexView {
  const e = selectedEntry(s);
  if (!e) return hexView(undefined, undefined, 16, 0, 0, 'no session selected');
  const box = paneBox(currentLayout(s), 'hex') ?? { pane: 'hex' as const, width: s.cols, height: s.rows };
  const { bytes, note } = messageBytes(e, ladderRow(s));
  return hexView(bytes, selectedNode(s)?.node.range, hexBytesPerRow(box), top, innerHeight(box), note);
}

export function narration(s: UiState): NarrationView | undefined {
  const e = selectedEntry(s);
  return e && narrationView(e, s.progress.phase === 'reading' || s.progress.phase === 'explaining' || s.progress.phase === 'starting');
}

/** The pane's width for narration (the visible narration pane, or where it would be). */
function narrationWidth(s: UiState): number {
  const l = currentLayout(s);
  // One column less: the pane indents its lines by one.
  return innerWidth(paneBox(l, 'narration') ?? l.grid[l.grid.length - 1]![0]) - 1;
}

export function narrationText(s: UiState): { lines: readonly (readonly Seg[])[]; findingLines: readonly number[] } {
  const v = narration(s);
  return v ? narrationLines(v, narrationWidth(s), s.finding) : { lines: [], findingLines: [] };
}

export function exportTarget(s: UiState): CertificateExport | { readonly error: string } {
  const e = selectedEntry(s);
  if (!e) return { error: 'no session selected' };
  return certificateExport(e, ladderRow(s), tree(s), selectedNode(s)?.node.id);
}

/** Is a pane on screen in the current layout? */
export function paneVisible(s: UiState, pane: PaneId): boolean {
  return paneBox(currentLayout(s), pane) !== undefined;
}

// ---- the reducer -------------------------------------------------------------------------------

const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));

/** The top line that keeps `cursor` inside a window of `height` lines. */
export function keepVisible(cursor: number, top: number, height: number): number {
  if (cursor < top) return Math.max(0, cursor);
  if (cursor >= top + height) return Math.max(0, cursor - height + 1);
  return Math.max(0, top);
}

function moveIndex(i: number, move: Move, count: number, page: number): number {
  if (count <= 0) return 0;
  switch (move) {
    case 'up':
      return clamp(i - 1, 0, count - 1);
    case 'down':
      return clamp(i + 1, 0, count - 1);
    case 'pageUp':
      return clamp(i - Math.max(1, page - 1), 0, count - 1);
    case 'pageDown':
      return clamp(i + Math.max(1, page - 1), 0, count - 1);
    case 'home':
      return 0;
    case 'end':
      return count - 1;
  }
}

function height(s: UiState, pane: PaneId): number {
  return innerHeight(paneBox(currentLayout(s), pane) ?? { pane, width: s.cols, height: s.rows });
}

/** A new session selection resets everything below it. */
function selectSession(s: UiState, key: string | undefined): UiState {
  if (key === s.selected) return s;
  const next: UiState = { ...s, ladderCursor: 0, ladderTop: 0, treeCursor: 0, treeTop: 0, hexTop: 0, narrationTop: 0 };
  delete (next as { finding?: number }).finding;
  if (key === undefined) {
    delete (next as { selected?: string }).selected;
    return next;
  }
  const withKey = { ...next, selected: key };
  const i = selectedIndex(withKey);
  return { ...withKey, sessionTop: i >= 0 ? keepVisible(i, s.sessionTop, height(s, 'sessions')) : s.sessionTop };
}

function selectLadder(s: UiState, cursor: number): UiState {
  if (cursor === s.ladderCursor) return s;
  const next = { ...s, ladderCursor: cursor, ladderTop: keepVisible(cursor, s.ladderTop, height(s, 'ladder')), treeCursor: 0, treeTop: 0, hexTop: 0 };
  return followHex(next);
}

/** After the tree selection moved: scroll the hex pane to the selected field's first byte. */
function followHex(s: UiState): UiState {
  const h = hexPane(s, 0);
  if (h.rangeRow === undefined) return s;
  const rows = height(s, 'hex');
  return { ...s, hexTop: keepVisible(h.rangeRow, s.hexTop, rows) };
}

function selectTree(s: UiState, cursor: number): UiState {
  return followHex({ ...s, treeCursor: cursor, treeTop: keepVisible(cursor, s.treeTop, height(s, 'details')) });
}

function setOpen(s: UiState, n: TreeNode, open: boolean): UiState {
  const next = { ...s, expanded: { ...s.expanded, [expandKey(s, n.id)]: open } };
  if (!open) return next;
  // Show what was opened: scroll so its children are in view, the node itself staying on screen.
  const h = height(s, 'details');
  const lastChild = s.treeCursor + n.children.length;
  const top = Math.min(s.treeCursor, Math.max(s.treeTop, lastChild - h + 1));
  return { ...next, treeTop: top };
}

function applyFilter(s: UiState, filter: string): UiState {
  const visible = filterRows(s.model.rows, filter);
  const keep = visible.some((r) => r.key === s.selected);
  const base = { ...s, filter, visible, sessionTop: 0 };
  const next = keep ? base : selectSession(base, visible[0]?.key);
  const i = selectedIndex(next);
  return { ...next, sessionTop: i >= 0 ? keepVisible(i, 0, height(s, 'sessions')) : 0 };
}

function move(s: UiState, m: Move): UiState {
  if (s.rule) {
    const page = s.rows - 4;
    const maxTop = Math.max(0, rulePanelLines(s.rule.ids, s.cols - 3).length - page);
    return { ...s, rule: { ...s.rule, top: clamp(moveIndex(s.rule.top, m, maxTop + 1, page), 0, maxTop) } };
  }
  if (s.help) {
    const page = s.rows - 4;
    const maxTop = Math.max(0, helpLines(s.cols, s.progress.problems).length - page);
    return { ...s, helpTop: clamp(moveIndex(s.helpTop, m, maxTop + 1, page), 0, maxTop) };
  }
  switch (s.focus) {
    case 'sessions': {
      const i = selectedIndex(s);
      const j = moveIndex(Math.max(0, i), m, s.visible.length, height(s, 'sessions'));
      const row = s.visible[j];
      if (!row) return s;
      const next = selectSession(s, row.key);
      return { ...next, sessionTop: keepVisible(j, next.sessionTop, height(s, 'sessions')) };
    }
    case 'ladder': {
      const rows = ladder(s)?.rows.length ?? 0;
      return selectLadder(s, moveIndex(s.ladderCursor, m, rows, height(s, 'ladder')));
    }
    case 'details': {
      const count = visibleTree(s).length;
      return selectTree(s, moveIndex(s.treeCursor, m, count, height(s, 'details')));
    }
    case 'hex': {
      const h = hexPane(s, 0);
      const page = height(s, 'hex');
      const maxTop = Math.max(0, h.totalRows - page);
      return { ...s, hexTop: clamp(moveIndex(s.hexTop, m, maxTop + 1, page), 0, maxTop) };
    }
    case 'narration': {
      const total = narrationText(s).lines.length;
      const page = height(s, 'narration');
      const maxTop = Math.max(0, total - page);
      return { ...s, narrationTop: clamp(moveIndex(s.narrationTop, m, maxTop + 1, page), 0, maxTop) };
    }
  }
}

function stepPane(s: UiState, step: 1 | -1): UiState {
  const i = PANE_ORDER.indexOf(s.focus);
  const pane = PANE_ORDER[(i + step + PANE_ORDER.length) % PANE_ORDER.length]!;
  return { ...s, focus: pane };
}

/** n / N: the next or previous finding, across the visible sessions, wrapping around. */
function stepFinding(s: UiState, step: 1 | -1): UiState {
  const withFindings = s.visible.filter((r) => r.findings > 0);
  if (withFindings.length === 0) {
    return { ...s, status: { text: s.model.explained ? 'no findings in the sessions shown' : 'no findings yet: the explanation is not ready', tone: 'muted' } };
  }
  const order: { key: string; index: number }[] = [];
  for (const r of withFindings) for (let k = 0; k < r.findings; k++) order.push({ key: r.key, index: k });
  const cur = order.findIndex((o) => o.key === s.selected && o.index === s.finding);
  let target: number;
  if (cur >= 0) target = (cur + step + order.length) % order.length;
  else {
    // From a session without a current finding: the first finding at or after it (or before it, for N).
    const pos = selectedIndex(s);
    const rowPos = (key: string) => s.visible.findIndex((r) => r.key === key);
    if (step === 1) {
      const t = order.findIndex((o) => rowPos(o.key) >= pos);
      target = t >= 0 ? t : 0;
    } else {
      let t = order.length - 1;
      while (t >= 0 && rowPos(order[t]!.key) > pos) t--;
      target = t >= 0 ? t : order.length - 1;
    }
  }
  const wrapped = cur >= 0 && ((step === 1 && target <= cur) || (step === -1 && target >= cur));
  const o = order[target]!;
  let next = selectSession(s, o.key);
  next = { ...next, finding: o.index };
  // The ladder goes to the first frame the finding rests on.
  const e = selectedEntry(next);
  const f = e?.story?.findings[o.index];
  const lad = ladder(next);
  if (f && lad && f.frames.length > 0) {
    // A capture-wide finding can name a frame per session: not as call arguments.
    const first = f.frames.reduce((m, x) => (x < m ? x : m), Infinity);
    const at = lad.rows.findIndex((r) => r.frame >= first);
    if (at >= 0) next = selectLadder(next, at);
  }
  if (!paneVisible(next, 'narration')) next = { ...next, focus: 'narration' };
  const text = narrationText(next);
  const line = text.findingLines[o.index] ?? 0;
  const page = height(next, 'narration');
  next = { ...next, narrationTop: clamp(line, 0, Math.max(0, text.lines.length - page)) };
  // Finding titles name boxes by their bundle host tag, which comes from file names: escape it.
  const label = safeText(`finding ${target + 1} of ${order.length}${wrapped ? ' (wrapped)' : ''}: ${f ? f.rule : ''} ${f?.title ?? ''}`.trim());
  return { ...next, status: { text: label, tone: 'info' } };
}

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/**
 * A key press, read against the state it arrives in (so "/fail" typed fast starts the filter and
 * then types into it). Plain text that arrives as one chunk is taken a character at a time, except
 * while the filter is being typed.
 */
function onKey(s: UiState, input: string, press: KeyPress): UiState {
  const key: Key = { ...NO_KEY, ...press };
  const special = Object.entries(press).some(([k, v]) => v === true && k !== 'shift');
  const chars = [...input];
  if (!special && chars.length > 1 && !s.filterEditing) {
    let next = s;
    for (let i = 0; i < chars.length; i++) {
      // Once the filter opens, the rest of the chunk is its text.
      if (next.filterEditing) return onKey(next, chars.slice(i).join(''), {});
      next = onKey(next, chars[i]!, {});
    }
    return next;
  }
  const cmd = keyToCommand(input, key, s);
  if (!cmd) return s;
  if (cmd.type === 'export') return { ...withoutStatus(s), exportRequest: s.exportRequest + 1 };
  if (cmd.type === 'exportPage') return { ...withoutStatus(s), pageExportRequest: s.pageExportRequest + 1 };
  return reduce(s, cmd);
}

export function reduce(s: UiState, a: Action): UiState {
  if (a.type === 'key') return onKey(s, a.input, a.key);
  // Any key clears the last status message; a new one may be set below.
  const base: UiState = a.type === 'snapshot' || a.type === 'resize' || a.type === 'status' ? s : withoutStatus(s);
  switch (a.type) {
    case 'move':
      return move(base, a.move);
    case 'expand': {
      if (base.focus !== 'details') return base;
      const v = selectedNode(base);
      if (!v || !v.hasChildren) return base;
      if (!v.open) return setOpen(base, v.node, true);
      return selectTree(base, base.treeCursor + 1);
    }
    case 'collapse': {
      if (base.focus !== 'details') return base;
      const v = selectedNode(base);
      if (!v) return base;
      if (v.open) return setOpen(base, v.node, false);
      // Closed or a leaf: go to the parent.
      const lines = visibleTree(base);
      for (let i = base.treeCursor - 1; i >= 0; i--) if (lines[i]!.depth < v.depth) return selectTree(base, i);
      return base;
    }
    case 'activate': {
      switch (base.focus) {
        case 'sessions':
          return { ...base, focus: 'ladder' };
        case 'ladder':
          return { ...base, focus: 'details' };
        case 'details': {
          const v = selectedNode(base);
          return v && v.hasChildren ? setOpen(base, v.node, !v.open) : base;
        }
        default:
          return base;
      }
    }
    case 'focus':
      return { ...base, focus: a.pane };
    case 'nextPane':
      return stepPane(base, 1);
    case 'prevPane':
      return stepPane(base, -1);
    case 'filterStart':
      return { ...base, focus: 'sessions', filterEditing: true };
    case 'filterInput':
      return applyFilter(base, base.filter + a.text);
    case 'filterBackspace':
      return applyFilter(base, [...base.filter].slice(0, -1).join(''));
    case 'filterAccept':
      return { ...base, filterEditing: false };
    case 'filterCancel':
      return { ...applyFilter(base, ''), filterEditing: false };
    case 'finding':
      return stepFinding(base, a.step);
    case 'help':
      return { ...base, help: !base.help, helpTop: 0 };
    case 'rule':
      return toggleRule(base);
    case 'escape':
      if (base.rule) return toggleRule(base);
      if (base.help) return { ...base, help: false, helpTop: 0 };
      if (base.filterEditing || base.filter) return { ...applyFilter(base, ''), filterEditing: false };
      return base;
    case 'quit':
      return { ...base, quit: true };
    case 'status':
      if (a.status === undefined) return withoutStatus(s);
      return { ...s, status: a.status };
    case 'resize': {
      const next = { ...s, cols: a.cols, rows: a.rows };
      const i = selectedIndex(next);
      return {
        ...next,
        sessionTop: i >= 0 ? keepVisible(i, next.sessionTop, height(next, 'sessions')) : 0,
        ladderTop: keepVisible(next.ladderCursor, next.ladderTop, height(next, 'ladder')),
        treeTop: keepVisible(next.treeCursor, next.treeTop, height(next, 'details')),
      };
    }
    case 'snapshot': {
      const ended = (a.progress.phase === 'done' || a.progress.phase === 'failed') && s.progress.phase !== a.progress.phase;
      const n = a.progress.problems.length;
      // Notes from reading (key logs used, files skipped) are listed in the help; say so once.
      const notice: Partial<UiState> =
        ended && n > 0
          ? { status: a.progress.phase === 'failed' ? { text: `✖ ${safeText(a.progress.problems[0]!)}`, tone: 'bad' } : { text: `ℹ ${n} note${n === 1 ? '' : 's'} from reading the inputs: ? shows ${n === 1 ? 'it' : 'them'}`, tone: 'info' } }
          : {};
      if (!a.data) return { ...s, progress: a.progress, ...notice };
      const model = buildViewModel(a.data);
      const next: UiState = { ...s, model, progress: a.progress, ...notice };
      const visible = filterRows(model.rows, s.filter);
      const withRows = { ...next, visible };
      if (s.selected !== undefined && model.entries.has(s.selected)) {
        // The same session, perhaps with more messages: keep the cursors inside what exists.
        const rows = ladder(withRows)?.rows.length ?? 0;
        return { ...withRows, ladderCursor: clamp(s.ladderCursor, 0, Math.max(0, rows - 1)) };
      }
      return selectSession(withRows, visible[0]?.key);
    }
  }
}

/** r: opens the explanation of the rules the current finding or the narration on screen cites; again, closes it. */
function toggleRule(s: UiState): UiState {
  if (s.rule) {
    const next = { ...s };
    delete (next as { rule?: RulePanel }).rule;
    return next;
  }
  const v = narration(s);
  if (!v) return { ...s, status: { text: 'no session selected', tone: 'muted' } };
  const ids = citedRules(v, narrationText(s).lines, s.finding, s.narrationTop, height(s, 'narration'));
  if (ids.length === 0) return { ...s, status: { text: 'no rule cited in the narration shown', tone: 'muted' } };
  return { ...s, help: false, rule: { ids, top: 0 } };
}

function withoutStatus(s: UiState): UiState {
  if (s.status === undefined) return s;
  const next = { ...s };
  delete (next as { status?: Status }).status;
  return next;
}
