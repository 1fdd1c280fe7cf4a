/**
 * Keys → store actions. One table serves the key handling, the help overlay and the README, so
 * they cannot drift apart. Keys are the ones terminal users already know (less, vim, Wireshark).
 */
import type { Key } from 'ink';
import type { Action } from './actions.js';

/** What a key asks for: a store action, or an effect the app performs (writing a file). */
export type Command = Action | { readonly type: 'export' } | { readonly type: 'exportPage' };

export interface KeyHelp {
  readonly keys: string;
  readonly what: string;
}

export const KEY_HELP: readonly KeyHelp[] = [
  { keys: '↑ ↓  k j', what: 'move in the focused pane' },
  { keys: 'PgUp PgDn  g G', what: 'page up, page down, first, last' },
  { keys: 'Tab  Shift-Tab  1…5', what: 'next, previous pane; go to a pane, as listed below' },
  { keys: 'Enter  Space', what: 'open session → ladder → details; expand/collapse' },
  { keys: '→ l  ← h', what: 'expand; collapse or go to the parent (details)' },
  { keys: '/', what: 'filter: host, port, outcome, serial, subject' },
  { keys: 'n  N', what: 'next, previous finding' },
  { keys: 'e  E', what: 'export: the certificate as PEM, the session as a page' },
  { keys: 'r', what: 'explain the rules the finding or narration cites' },
  { keys: '?', what: 'this help (↑↓ scroll it, other keys close it)' },
  { keys: 'Esc', what: 'close help or the rules, clear the filter' },
  { keys: 'q  Ctrl-C', what: 'quit' },
];

export const PANE_HELP: readonly KeyHelp[] = [
  { keys: 'Sessions', what: 'a line per TLS connection: ends, service, version, outcome' },
  { keys: 'Ladder', what: 'the messages, their frames, "reassembled in"' },
  { keys: 'Details', what: 'record → handshake → certificate → EKU needed/present/missing' },
  { keys: 'Bytes', what: 'the message bytes, the selected field highlighted' },
  { keys: 'Narration', what: 'what happened and why: findings and the rules they rest on' },
];

export interface KeyContext {
  readonly filterEditing: boolean;
  readonly help: boolean;
  /** The rule panel is open (key r). */
  readonly rule?: object;
}

export function keyToCommand(input: string, key: Key, ctx: KeyContext): Command | undefined {
  if (key.ctrl && input === 'c') return { type: 'quit' };
  if (ctx.filterEditing) {
    if (key.return) return { type: 'filterAccept' };
    if (key.escape) return { type: 'filterCancel' };
    // Many terminals send DEL (0x7f) for Backspace, which Ink reports as `delete`.
    if (key.backspace || key.delete) return { type: 'filterBackspace' };
    if (key.upArrow) return { type: 'move', move: 'up' };
    if (key.downArrow) return { type: 'move', move: 'down' };
    if (key.tab) return { type: 'filterAccept' };
    if (key.ctrl || key.meta) return undefined;
    // Printable text only: a pasted control sequence must not reach the filter.
    const text = [...input].filter((c) => c >= ' ' && c !== '\x7f').join('');
    return text ? { type: 'filterInput', text } : undefined;
  }
  if (ctx.help || ctx.rule) {
    if (input === 'q') return { type: 'quit' };
    // The help and the rule panel scroll when longer than the screen; any other key closes them.
    if (key.upArrow || input === 'k') return { type: 'move', move: 'up' };
    if (key.downArrow || input === 'j') return { type: 'move', move: 'down' };
    if (key.pageUp) return { type: 'move', move: 'pageUp' };
    if (key.pageDown) return { type: 'move', move: 'pageDown' };
    return { type: ctx.help ? 'help' : 'rule' };
  }
  if (key.upArrow || input === 'k') return { type: 'move', move: 'up' };
  if (key.downArrow || input === 'j') return { type: 'move', move: 'down' };
  if (key.pageUp) return { type: 'move', move: 'pageUp' };
  if (key.pageDown) return { type: 'move', move: 'pageDown' };
  if (key.home || input === 'g') return { type: 'move', move: 'home' };
  if (key.end || input === 'G') return { type: 'move', move: 'end' };
  if (key.tab) return { type: key.shift ? 'prevPane' : 'nextPane' };
  if (key.return || input === ' ') return { type: 'activate' };
  if (key.rightArrow || input === 'l') return { type: 'expand' };
  if (key.leftArrow || input === 'h') return { type: 'collapse' };
  if (key.escape) return { type: 'escape' };
  switch (input) {
    case '/':
      return { type: 'filterStart' };
    case 'n':
      return { type: 'finding', step: 1 };
    case 'N':
      return { type: 'finding', step: -1 };
    case 'e':
      return { type: 'export' };
    case 'E':
      return { type: 'exportPage' };
    case 'r':
      return { type: 'rule' };
    case '?':
      return { type: 'help' };
    case 'q':
      return { type: 'quit' };
    case '1':
      return { type: 'focus', pane: 'sessions' };
    case '2':
      return { type: 'focus', pane: 'ladder' };
    case '3':
      return { type: 'focus', pane: 'details' };
    case '4':
      return { type: 'focus', pane: 'hex' };
    case '5':
      return { type: 'focus', pane: 'narration' };
  }
  return undefined;
}
