/**
 * Where the viewer's data comes from. The composition root (the CLI) starts the reading and pushes
 * updates: snapshots while captures stream in, then the final analysis with its explanation. The
 * viewer only renders what it is given, so it appears at once and fills in.
 */
import type { ViewData } from '../narrate/views.js';
import type { Progress } from './store.js';

export interface SourceUpdate {
  /** Absent: progress only (the sessions did not change). */
  readonly data?: ViewData;
  readonly progress: Progress;
}

/** Starts delivering updates; returns a function that stops the reading (the user quit). */
export type ViewSource = (emit: (update: SourceUpdate) => void) => () => void;

/** Data that is all there already (tests, small inputs read before the UI starts). */
export function staticSource(data: ViewData, problems: readonly string[] = []): ViewSource {
  return (emit) => {
    emit({ data, progress: { phase: 'done', bytes: 0, problems } });
    return () => {};
  };
}

/** "12.3 MB" */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}

/** `▕██████░░░░▏ 60%` */
export function progressBar(done: number, total: number | undefined, width: number): string {
  if (!total || total <= 0) return '';
  const f = Math.max(0, Math.min(1, done / total));
  const full = Math.round(f * width);
  return `▕${'█'.repeat(full)}${'░'.repeat(width - full)}▏ ${Math.floor(f * 100)}%`;
}
