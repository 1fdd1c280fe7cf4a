/**
 * The viewer's actions and the small state types they carry: what the key map produces and the
 * store reduces. Kept apart from the store so the key map and help can name an action without
 * importing the store that imports them.
 */
import type { Key } from 'ink';
import type { Tone, ViewData } from '../narrate/views.js';
import type { PaneId } from './layout.js';

export interface Progress {
  /** reading: captures streaming in; explaining: read (every session listed), the list's marks being made; done; failed. */
  readonly phase: 'starting' | 'reading' | 'explaining' | 'done' | 'failed';
  readonly bytes: number;
  readonly total?: number;
  /** Explaining: the sessions whose list lines are marked so far, of all. */
  readonly told?: { readonly done: number; readonly total: number };
  /** What is being read, for the header. Safe text. */
  readonly label?: string;
  /** Problems met while reading (one line each). Safe text. */
  readonly problems: readonly string[];
}

export interface Status {
  readonly text: string;
  readonly tone: Tone;
}

export type Move = 'up' | 'down' | 'pageUp' | 'pageDown' | 'home' | 'end';

/** A key as Ink reports it; fields left out are false. */
export type KeyPress = Partial<Key>;

export type Action =
  | { readonly type: 'key'; readonly input: string; readonly key: KeyPress }
  | { readonly type: 'move'; readonly move: Move }
  | { readonly type: 'expand' }
  | { readonly type: 'collapse' }
  | { readonly type: 'activate' }
  | { readonly type: 'focus'; readonly pane: PaneId }
  | { readonly type: 'nextPane' }
  | { readonly type: 'prevPane' }
  | { readonly type: 'filterStart' }
  | { readonly type: 'filterInput'; readonly text: string }
  | { readonly type: 'filterBackspace' }
  | { readonly type: 'filterAccept' }
  | { readonly type: 'filterCancel' }
  | { readonly type: 'finding'; readonly step: 1 | -1 }
  | { readonly type: 'help' }
  | { readonly type: 'rule' }
  | { readonly type: 'escape' }
  | { readonly type: 'quit' }
  | { readonly type: 'status'; readonly status: Status | undefined }
  | { readonly type: 'resize'; readonly cols: number; readonly rows: number }
  | { readonly type: 'snapshot'; readonly data?: ViewData; readonly progress: Progress };
