import { beforeAll, describe, expect, it } from 'vitest';
import { keyToCommand, KEY_HELP } from '../../src/tui/keymap.js';
import { layout } from '../../src/tui/layout.js';
import {
  exportTarget,
  hexPane,
  initialState,
  ladder,
  ladderRow,
  narrationText,
  reduce,
  selectedNode,
  visibleTree,
  type KeyPress,
  type UiState,
} from '../../src/tui/store.js';
import { fixture, type Fixture } from './fixture.js';

let f: Fixture;
beforeAll(async () => {
  f = await fixture();
});

const done = { phase: 'done' as const, bytes: 0, problems: [] };

function start(cols = 120, rows = 40, explained = true): UiState {
  return reduce(initialState(cols, rows), { type: 'snapshot', data: explained ? f.explained : f.raw, progress: done });
}

/** Presses keys as a terminal sends them: text, or named keys in braces. */
function press(s: UiState, ...keys: string[]): UiState {
  const named: Record<string, KeyPress> = {
    '{down}': { downArrow: true },
    '{up}': { upArrow: true },
    '{left}': { leftArrow: true },
    '{right}': { rightArrow: true },
    '{enter}': { return: true },
    '{tab}': { tab: true },
    '{stab}': { tab: true, shift: true },
    '{esc}': { escape: true },
    '{bs}': { backspace: true },
    '{del}': { delete: true },
    '{pgdn}': { pageDown: true },
  };
  for (const k of keys) s = named[k] ? reduce(s, { type: 'key', input: '', key: named[k]! }) : reduce(s, { type: 'key', input: k, key: {} });
  return s;
}

/** Moves the ladder to the client's Certificate message and the tree to its leaf's EKU. */
function toClientEku(s: UiState): UiState {
  s = press(s, '2');
  while (!(ladderRow(s)?.label === 'Certificate' && ladderRow(s)?.dir === 'right')) s = press(s, 'j');
  s = press(s, '{enter}');
  while (selectedNode(s)?.node.label !== 'Extended Key Usage') s = press(s, 'j');
  return s;
}

describe('the store: keys → state', () => {
  it('starts on the first session with the sessions pane focused', () => {
    const s = start();
    expect(s.focus).toBe('sessions');
    expect(s.selected).toBe(s.visible[0]!.key);
    expect(s.visible).toHaveLength(2);
  });

  it('j/k and arrows move the session selection, bounded', () => {
    let s = start();
    s = press(s, 'j');
    expect(s.selected).toBe(s.visible[1]!.key);
    s = press(s, 'j', '{down}');
    expect(s.selected).toBe(s.visible[1]!.key);
    s = press(s, 'k');
    expect(s.selected).toBe(s.visible[0]!.key);
    s = press(s, 'G');
    expect(s.selected).toBe(s.visible[1]!.key);
    s = press(s, 'g');
    expect(s.selected).toBe(s.visible[0]!.key);
  });

  it('Tab and Shift-Tab walk the panes; Enter opens session → ladder → details; 1–5 jump', () => {
    let s = start();
    expect(press(s, '{tab}').focus).toBe('ladder');
    expect(press(s, '{tab}', '{tab}', '{tab}', '{tab}', '{tab}').focus).toBe('sessions');
    expect(press(s, '{stab}').focus).toBe('narration');
    s = press(s, '{enter}');
    expect(s.focus).toBe('ladder');
    s = press(s, '{enter}');
    expect(s.focus).toBe('details');
    expect(press(s, '4').focus).toBe('hex');
  });

  it('a new session resets the ladder, the tree and the scroll positions', () => {
    let s = press(start(), '2', 'j', 'j', '3', 'j');
    expect(s.ladderCursor).toBe(2);
    expect(s.treeCursor).toBe(1);
    s = press(s, '1', 'j');
    expect([s.ladderCursor, s.treeCursor, s.hexTop, s.narrationTop]).toEqual([0, 0, 0, 0]);
  });

  it("walks to the client certificate's EKU, expands it, and the hex pane follows the certificate's bytes", () => {
    let s = toClientEku(start());
    const v = selectedNode(s)!;
    expect(v.node.badge).toBe('clientAuth needed ✖ missing');
    expect(v.open).toBe(false);
    const before = visibleTree(s).length;
    s = press(s, '{enter}');
    expect(selectedNode(s)!.open).toBe(true);
    expect(visibleTree(s).length).toBe(before + 4);
    expect(visibleTree(s)[s.treeCursor + 2]!.node.label).toBe('clientAuth');
    s = press(s, ' ');
    expect(selectedNode(s)!.open).toBe(false);
    // → opens, → again steps into the first child, ← goes back to the parent, ← closes.
    s = press(s, '{right}');
    expect(selectedNode(s)!.open).toBe(true);
    s = press(s, '{right}');
    expect(selectedNode(s)!.node.label).toBe('serverAuth');
    s = press(s, '{left}');
    expect(selectedNode(s)!.node.label).toBe('Extended Key Usage');
    s = press(s, 'h');
    expect(selectedNode(s)!.open).toBe(false);
    // The leaf's DER starts at byte 10 of the message: row 1 at 8 bytes a row (the 120-column layout).
    expect(hexPane(s).rangeRow).toBe(1);
    expect(hexPane(s).lines.some((l) => l.hex.some((x) => x.hl))).toBe(true);
  });

  it('keeps what the user opened per message', () => {
    let s = press(toClientEku(start()), '{enter}');
    const opened = visibleTree(s).length;
    s = press(s, '2', 'k', 'j', '3');
    expect(visibleTree(s).length).toBe(opened);
  });

  it('/ filters sessions as you type; Backspace, Enter keeps, Esc clears', () => {
    let s = press(start(), '/');
    expect(s.filterEditing).toBe(true);
    s = press(s, 'f', 'a', 'i', 'l');
    expect(s.filter).toBe('fail');
    expect(s.visible).toHaveLength(1);
    expect(s.visible[0]!.outcome).toBe('failed');
    s = press(s, '{bs}', '{del}');
    expect(s.filter).toBe('fa');
    s = press(s, 'i', 'l', '{enter}');
    expect(s.filterEditing).toBe(false);
    expect(s.visible).toHaveLength(1);
    // q is text while typing the filter, a command after it.
    expect(press(press(s, '/'), 'q').filter).toBe('failq');
    s = press(s, '{esc}');
    expect(s.filter).toBe('');
    expect(s.visible).toHaveLength(2);
  });

  it('text that arrives in one chunk: "/7001" opens the filter and types into it', () => {
    const s = press(start(), '/7001');
    expect(s.filterEditing).toBe(true);
    expect(s.filter).toBe('7001');
    expect(s.visible).toHaveLength(1);
    // Control characters in pasted text never reach the filter.
    expect(press(s, `x\x1b[2J`).filter).toBe('7001x[2J');
  });

  it('a filter that matches nothing leaves no selection, and clearing it selects again', () => {
    let s = press(start(), '/', 'zzz');
    expect(s.visible).toHaveLength(0);
    expect(s.selected).toBeUndefined();
    expect(ladder(s)).toBeUndefined();
    s = press(s, '{esc}');
    expect(s.selected).toBe(s.visible[0]!.key);
  });

  it('n/N step through the findings of the sessions shown, selecting the session, the frame and the narration line', () => {
    let s = press(start(), 'n');
    expect(s.selected).toBe(s.visible[0]!.key);
    expect(s.finding).toBe(0);
    expect(s.status?.text).toMatch(/^finding 1 of 3: E2 Expressway-C's client certificate lacks clientAuth/);
    expect(ladderRow(s)).toMatchObject({ frame: 12 });
    const { findingLines } = narrationText(s);
    expect(s.narrationTop).toBeLessThanOrEqual(findingLines[0]!);
    s = press(s, 'n');
    expect(s.finding).toBe(1);
    s = press(s, 'n');
    expect(s.selected).toBe(s.visible[1]!.key);
    expect(s.finding).toBe(0);
    s = press(s, 'n');
    expect(s.selected).toBe(s.visible[0]!.key);
    expect(s.status?.text).toMatch(/\(wrapped\)/);
    s = press(s, 'N');
    expect(s.selected).toBe(s.visible[1]!.key);
  });

  it('n without an explanation says so', () => {
    const s = press(start(120, 40, false), 'n');
    expect(s.status?.text).toMatch(/no findings yet/);
    expect(press(s, 'j').status).toBeUndefined();
  });

  it('in the compact layout n shows the narration', () => {
    const s = press(start(80, 24), '2', 'n');
    expect(s.focus).toBe('narration');
  });

  it('e asks for an export of the certificate under the cursor; elsewhere it explains what to select', () => {
    let s = start();
    s = press(s, 'e');
    expect(s.exportRequest).toBe(1);
    expect(exportTarget(s)).toEqual({ error: 'the selected message is not a Certificate message' });
    s = toClientEku(s);
    expect(exportTarget(s)).toMatchObject({ fileName: expect.stringMatching(/^client-vcs8c-session0-frame12-0-03a1c47e/) });
  });

  it('? opens the help, ↑↓ scroll it, other keys close it, q quits', () => {
    let s = press(start(80, 24), '?');
    expect(s.help).toBe(true);
    s = press(s, 'j', 'j');
    expect(s.help).toBe(true);
    expect(s.helpTop).toBe(0);
    s = reduce(press(start(80, 24), '?'), { type: 'snapshot', data: f.explained, progress: { phase: 'done', bytes: 0, problems: ['one', 'two', 'three'] } });
    s = press(s, 'j', 'j', 'j', 'j', 'j', 'j', 'j');
    expect(s.helpTop).toBe(4);
    s = press(s, 'x');
    expect(s.help).toBe(false);
    expect(s.helpTop).toBe(0);
    expect(s.selected).toBe(s.visible[0]!.key);
    expect(press(s, '?', '{esc}').help).toBe(false);
    expect(press(s, 'q').quit).toBe(true);
    expect(press(s, '?', 'q').quit).toBe(true);
    expect(reduce(s, { type: 'key', input: 'c', key: { ctrl: true } }).quit).toBe(true);
  });

  it('scrolls the sessions list to keep the selection visible at 80×24', () => {
    let s = start(80, 24);
    const many = { captures: Array.from({ length: 12 }, () => f.failing) };
    s = reduce(s, { type: 'snapshot', data: many, progress: done });
    expect(s.visible).toHaveLength(12);
    const h = layout(80, 24, 'sessions').grid[0]![0]!.height - 2;
    for (let i = 0; i < 8; i++) s = press(s, 'j');
    expect(s.sessionTop).toBe(8 - h + 1);
    s = press(s, '{pgdn}');
    expect(s.visible.findIndex((r) => r.key === s.selected)).toBe(Math.min(11, 8 + h - 1));
    expect(press(s, 'g').sessionTop).toBe(0);
  });

  it('snapshots keep the selection and cursors while a capture fills in', () => {
    let s = reduce(initialState(120, 40), { type: 'snapshot', data: { captures: [f.ok] }, progress: { phase: 'reading', bytes: 10, total: 100, problems: [] } });
    const key = s.selected;
    s = press(s, '2', 'j', 'j');
    s = reduce(s, { type: 'snapshot', data: { captures: [f.ok] }, progress: { phase: 'reading', bytes: 50, total: 100, problems: [] } });
    expect(s.selected).toBe(key);
    expect(s.ladderCursor).toBe(2);
    expect(s.progress.bytes).toBe(50);
  });

  it('notes from reading are announced once, in the status line', () => {
    let s = reduce(initialState(80, 24), { type: 'snapshot', data: f.raw, progress: { phase: 'reading', bytes: 1, problems: [] } });
    expect(s.status).toBeUndefined();
    s = reduce(s, { type: 'snapshot', data: f.explained, progress: { phase: 'done', bytes: 0, problems: ['a.pcap: not a capture file', 'Key log used'] } });
    expect(s.status).toEqual({ text: 'ℹ 2 notes from reading the inputs: ? shows them', tone: 'info' });
    s = reduce(press(s, 'j'), { type: 'snapshot', data: f.explained, progress: { phase: 'done', bytes: 0, problems: ['a.pcap: not a capture file', 'Key log used'] } });
    expect(s.status).toBeUndefined();
    const failed = reduce(initialState(80, 24), { type: 'snapshot', progress: { phase: 'failed', bytes: 0, problems: ['x: no such file or folder'] } });
    expect(failed.status).toEqual({ text: '✖ x: no such file or folder', tone: 'bad' });
  });

  it('resizing recomputes the layout and keeps the cursors visible', () => {
    let s = press(toClientEku(start(120, 40)), '{enter}');
    s = reduce(s, { type: 'resize', cols: 80, rows: 24 });
    expect(s.treeCursor - s.treeTop).toBeLessThan(24);
    expect(s.treeTop).toBeLessThanOrEqual(s.treeCursor);
  });
});

describe('the rule panel (r)', () => {
  it('opens on the current finding\'s rules, scrolls with j/k, closes with r, Esc or any other key; q still quits', () => {
    let s = press(start(80, 24), 'n', 'r');
    expect(s.rule).toEqual({ ids: ['E2', 'X4', 'T5'], top: 0 });
    s = press(s, 'j', 'j');
    expect(s.rule?.top).toBe(2);
    s = press(s, 'k');
    expect(s.rule?.top).toBe(1);
    // Keys meant for the panes do not reach them while the panel is open.
    const focus = s.focus;
    expect(press(s, '1').rule).toBeUndefined();
    expect(press(s, '1').focus).toBe(focus);
    expect(press(s, 'r').rule).toBeUndefined();
    expect(press(s, '{esc}').rule).toBeUndefined();
    expect(press(s, 'q').quit).toBe(true);
  });

  it('r with no session says so and opens nothing', () => {
    const s = press(initialState(80, 24), 'r');
    expect(s.rule).toBeUndefined();
    expect(s.status?.text).toBe('no session selected');
  });

  it('r closes the help and opens over it', () => {
    const s = press(start(), 'n', '?');
    expect(s.help).toBe(true);
    // In the help any key but the scrolling ones closes it: r first closes the help, then opens the panel.
    const closed = press(s, 'r');
    expect(closed.help).toBe(false);
    expect(press(closed, 'r').rule?.ids[0]).toBe('E2');
  });
});

describe('keymap', () => {
  it('every key in the help does something', () => {
    const ctx = { filterEditing: false, help: false };
    for (const k of ['k', 'j', 'g', 'G', '/', 'n', 'N', 'e', 'r', '?', 'q', 'h', 'l', ' ', '1', '5']) expect(keyToCommand(k, {} as never, ctx), k).toBeDefined();
    expect(KEY_HELP.map((k) => k.keys).join(' ')).toContain('Tab');
    expect(keyToCommand('x', {} as never, ctx)).toBeUndefined();
  });
});
