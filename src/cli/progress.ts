/**
 * The progress line of long reads (`report`, `certs`, `flows`): bytes read, %, rate and time left,
 * on standard error when it is a terminal, one line redrawn in place with \r a few times a second.
 * Nothing when standard error is not a terminal (a log, a pipe) or with --quiet; no % and no time
 * left when the size is unknown (standard input, a pipe).
 */
import { safeText } from '../bytes/index.js';
import { formatBytes } from '../tui/source.js';

export interface ProgressState {
  /** What is being read (a file's name, `stdin`). */
  readonly name: string;
  /** Bytes read so far (compressed bytes for a gzip file, as its size is). */
  readonly bytes: number;
  /** The size when known. */
  readonly total?: number;
  /** Time since the reading of this input started. */
  readonly elapsedMs: number;
}

/** Below this, a rate (and a time left from it) says more about start-up than about the reading. */
const MIN_ELAPSED_FOR_RATE_MS = 500;

/** "4 s", "2 min 05 s", "1 h 02 min" */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/**
 * One line: `reading big.pcap: 512.0 MiB of 1.00 GiB (50%), 240.3 MiB/s, 3 s left`; without a size,
 * `reading stdin: 512.0 MiB, 240.3 MiB/s`. Cut to `width` columns (a wrapped line could not be redrawn).
 */
export function formatProgress(p: ProgressState, width = 80): string {
  const parts: string[] = [];
  const known = p.total !== undefined && p.total > 0;
  const pct = known ? Math.min(100, Math.floor((p.bytes / p.total!) * 100)) : undefined;
  parts.push(known ? `${formatBytes(p.bytes)} of ${formatBytes(p.total!)} (${pct}%)` : formatBytes(p.bytes));
  if (p.elapsedMs >= MIN_ELAPSED_FOR_RATE_MS && p.bytes > 0) {
    const rate = p.bytes / (p.elapsedMs / 1000);
    parts.push(`${formatBytes(Math.round(rate))}/s`);
    if (known && p.bytes < p.total!) parts.push(`${formatDuration((p.total! - p.bytes) / rate)} left`);
  }
  const line = `reading ${safeText(p.name)}: ${parts.join(', ')}`;
  return [...line].length > width ? [...line].slice(0, Math.max(1, width - 1)).join('') + '…' : line;
}

export interface ProgressSink {
  /** Where the line goes (standard error). */
  write(text: string): void;
  /** The terminal's width in columns, when known. */
  columns?(): number | undefined;
  now?(): number;
}

/** At most this often a redraw (a 1 GB capture delivers a thousand chunks). */
export const PROGRESS_INTERVAL_MS = 250;

/**
 * The line over one input after another: `update` as bytes are read (drawn at most every
 * PROGRESS_INTERVAL_MS), `clear` before anything else is written to the terminal, `done` at the end.
 */
export class ProgressLine {
  private name = '';
  private started = 0;
  private last = -Infinity;
  private shown = false;

  constructor(private readonly sink: ProgressSink) {}

  private now(): number {
    return this.sink.now?.() ?? Date.now();
  }

  /** A new input starts (its own rate and time left). */
  start(name: string): void {
    this.name = name;
    this.started = this.now();
    this.last = -Infinity;
  }

  update(bytes: number, total: number | undefined): void {
    const t = this.now();
    if (t - this.last < PROGRESS_INTERVAL_MS) return;
    this.last = t;
    // A terminal that does not say its width (0 under some pseudo-terminals) is taken as 80 columns.
    const columns = this.sink.columns?.() ?? 0;
    const width = (columns >= 20 ? columns : 80) - 1;
    this.sink.write(`\r${formatProgress({ name: this.name, bytes, ...(total !== undefined && { total }), elapsedMs: t - this.started }, width)}\x1b[K`);
    this.shown = true;
  }

  /** Takes the line off the screen (before other output, and at the end). */
  clear(): void {
    if (!this.shown) return;
    this.sink.write('\r\x1b[K');
    this.shown = false;
    // Redrawn at the next update, whenever it comes.
    this.last = -Infinity;
  }
}
