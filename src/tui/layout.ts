/**
 * Where the panes go for a terminal size. Pure, so that the store (scrolling) and the components
 * (drawing) agree on every pane's size.
 *
 * compact (under 100 columns or 30 rows, e.g. 80×24): the sessions list on top and one pane below,
 *   the focused one (the narration while the sessions list has the focus); Tab walks through them.
 * wide (e.g. 120×40): sessions on top; the story below it (ladder beside narration); the dissection
 *   at the bottom (details beside bytes).
 */
export type PaneId = 'sessions' | 'ladder' | 'details' | 'hex' | 'narration';

export const PANE_ORDER: readonly PaneId[] = ['sessions', 'ladder', 'details', 'hex', 'narration'];

export const PANE_TITLE: Readonly<Record<PaneId, string>> = {
  sessions: 'Sessions',
  ladder: 'Ladder',
  details: 'Details',
  hex: 'Bytes',
  narration: 'Narration',
};

export interface PaneBox {
  readonly pane: PaneId;
  readonly width: number;
  readonly height: number;
}

export interface Layout {
  readonly mode: 'compact' | 'wide';
  readonly cols: number;
  readonly rows: number;
  /** Rows of panes, top to bottom; each row's panes left to right. */
  readonly grid: readonly (readonly PaneBox[])[];
}

export const MIN_COLS = 40;
export const MIN_ROWS = 12;

const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));

/** `sessionCount`: a short list gives its unused lines to the panes below it. */
export function layout(cols: number, rows: number, focus: PaneId, sessionCount = Infinity): Layout {
  const c = Math.max(MIN_COLS, cols);
  const r = Math.max(MIN_ROWS, rows);
  // One line of header (title, progress) and one of status (messages, key hints).
  const body = r - 2;
  const fit = (h: number) => Math.max(3, Math.min(h, sessionCount + 2));
  if (c < 100 || r < 30) {
    const sessions = fit(clamp(Math.round(body * 0.3), 4, 10));
    const lower = focus === 'sessions' ? 'narration' : focus;
    return { mode: 'compact', cols: c, rows: r, grid: [[{ pane: 'sessions', width: c, height: sessions }], [{ pane: lower, width: c, height: body - sessions }]] };
  }
  const sessions = fit(clamp(Math.round(body * 0.22), 5, 14));
  const rest = body - sessions;
  const middle = Math.ceil(rest / 2);
  const bottom = rest - middle;
  // The story (ladder and narration) above the dissection (details and bytes).
  const ladder = clamp(Math.round(c * 0.48), 50, 90);
  // 8 bytes a row fits in 43 columns; 16 a row needs 74.
  const hex = c >= 170 ? 76 : 43;
  return {
    mode: 'wide',
    cols: c,
    rows: r,
    grid: [
      [{ pane: 'sessions', width: c, height: sessions }],
      [
        { pane: 'ladder', width: ladder, height: middle },
        { pane: 'narration', width: c - ladder, height: middle },
      ],
      [
        { pane: 'details', width: c - hex, height: bottom },
        { pane: 'hex', width: hex, height: bottom },
      ],
    ],
  };
}

export function paneBox(l: Layout, pane: PaneId): PaneBox | undefined {
  for (const row of l.grid) for (const b of row) if (b.pane === pane) return b;
  return undefined;
}

/** Lines of content inside a pane's frame (the ladder also has a column header line). */
export function innerHeight(b: PaneBox | undefined): number {
  if (!b) return 0;
  return Math.max(1, b.height - 2 - (b.pane === 'ladder' ? 1 : 0));
}

export function innerWidth(b: PaneBox | undefined): number {
  return b ? Math.max(1, b.width - 2) : 0;
}

/** Bytes per hex row that fit in a pane. */
export function hexBytesPerRow(b: PaneBox | undefined): number {
  return innerWidth(b) >= 72 ? 16 : 8;
}
