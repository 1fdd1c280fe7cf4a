/**
 * `ekuscope view PATH...`: the composition of the interactive viewer. It reads the same inputs as
 * `report` (captures, bundle folders, bundle archives) and feeds the viewer while they stream: a
 * snapshot of the sessions a few times a second, then the analysis with its explanation.
 */
import type { Analysis, AnalyzeOptions, LiveSnapshot } from '../analysis/index.js';
import { safeText } from '../bytes/text.js';
import type { Explanation, SessionStory } from '../narrate/explanation.js';
import { captureLabel, Teller, type CaptureData } from '../narrate/views.js';
import type { ViewSource } from '../tui/source.js';
import { stat } from 'node:fs/promises';
import { followFile } from '../capture/follow.js';
import { optionContext, tellingAsTheyCome } from './follow.js';
import { runReport } from './report.js';
import { STDIN_PATH } from './stdin.js';

/** What the loader lets the viewer attach to each capture's analysis. */
export interface CaptureHooks {
  forCapture(sourceName: string, sizeHint?: number): Pick<AnalyzeOptions, 'onProgress' | 'live' | 'sizeHint'>;
  /** Aborted when the viewer stops the reading (the user quit): a followed file is read no further. */
  readonly signal?: AbortSignal;
  /** A session's story, told as soon as the session settles (`view --follow`: the explanation never comes while following). */
  onStory?(story: SessionStory): void;
}

export interface Loaded {
  readonly analyses: readonly (Analysis & { readonly label?: string })[];
  /** The narration made whole (a loader that tells everything up front). */
  readonly explanation?: Explanation;
  /** Or the narration told when needed, over `analyses` (the report's loader). */
  readonly teller?: Teller;
  readonly notes: readonly string[];
}

/** Reads every capture in the paths, with the hooks' options for each. */
export type Loader = (paths: readonly string[], hooks: CaptureHooks) => Promise<Loaded>;

/** The options `view` shares with `report`. */
export interface ViewInputOptions {
  readonly stores?: readonly string[];
  readonly expressway?: readonly string[];
  readonly keylogs?: readonly string[];
  /** Read the capture file on as it grows (`view --follow`), until the viewer is left. */
  readonly follow?: boolean;
}

/** The report's composition (the same inputs, stores, Expressway context and explanation), read for the viewer. */
export function reportLoader(inputs: ViewInputOptions = {}): Loader {
  return async (paths, hooks) => {
    // The hex pane shows every message's bytes.
    const follow = inputs.follow === true ? { openCapture: (p: string) => followFile(p, hooks.signal ?? new AbortController().signal) } : {};
    // Following, each session's story as it settles (the context --store and --expressway give).
    const context = inputs.follow === true ? await optionContext(inputs).catch(() => undefined) : undefined;
    const r = await runReport(paths, {
      ...inputs,
      ...follow,
      // Nothing told here: the viewer tells each session when it is shown, and marks the list in steps.
      untold: true,
      analyzeOptions: (name, size) => ({
        ...hooks.forCapture(name, size),
        messageBytes: 'all',
        // A failed handshake's story waits for its connection's close (the reading's end tells the rest).
        ...(context && (({ onFrame, onSession }) => ({ onFrame, onSession }))(tellingAsTheyCome(name, context, (one) => hooks.onStory?.(one.story)))),
      }),
    });
    if (r.errors.length > 0) return { analyses: [], notes: r.errors };
    const cases = r.cases ?? [];
    // Several cases (a folder of scenarios): a session is best known by its case's name.
    const analyses = cases.flatMap((c) => (cases.length > 1 ? c.analyses.map((a) => ({ ...a, label: c.name })) : c.analyses));
    const notes = cases.flatMap((c) => (cases.length > 1 ? c.notes.map((n) => `${c.name}: ${n}`) : c.notes));
    return { analyses, teller: new Teller(cases, analyses), notes };
  };
}

/** How often the viewer gets a new snapshot of the sessions while a capture streams. */
const SNAPSHOT_MS = 250;

/**
 * The viewer's source over a loader: progress as bytes are read, a snapshot of the sessions every
 * SNAPSHOT_MS (the capture reader yields to the event loop after each chunk, so keys keep working),
 * and the final analysis with its explanation.
 */
export function viewSource(paths: readonly string[], load: Loader): ViewSource & { readonly settled: () => boolean } {
  let done = false;
  const source: ViewSource = (emit) => {
    let stopped = false;
    const reading = new AbortController();
    const finished: CaptureData[] = [];
    const stories: SessionStory[] = [];
    let current: { label: string; bytes: number; total?: number; snapshot?: () => LiveSnapshot } | undefined;
    const problems: string[] = [];
    // The capture whose last snapshot, taken when it had been read to the end, was sent: its
    // sessions no longer change, so later ticks send progress only (a busy capture's 20,000
    // sessions listed again four times a second took most of the time the explanation needs).
    let sentWhole: object | undefined;
    let storiesSent = 0;
    const tick = () => {
      if (!current) return;
      // Read to the end: what follows (the next capture, or the explanation) is not reading.
      const read = current.total !== undefined && current.bytes >= current.total;
      if (read && sentWhole === current && storiesSent === stories.length) {
        emit({ progress: { phase: 'explaining', bytes: current.bytes, ...(current.total !== undefined && { total: current.total }), label: current.label, problems } });
        return;
      }
      if (read) sentWhole = current;
      storiesSent = stories.length;
      const live = current.snapshot?.();
      emit({
        data: { captures: live ? [...finished, live] : [...finished], ...(stories.length > 0 && { stories: [...stories] }) },
        progress: { phase: read ? 'explaining' : 'reading', bytes: current.bytes, ...(current.total !== undefined && { total: current.total }), label: current.label, problems },
      });
    };
    const timer = setInterval(tick, SNAPSHOT_MS);
    const hooks: CaptureHooks = {
      signal: reading.signal,
      onStory: (story) => void stories.push(story),
      forCapture(name, sizeHint) {
        if (current?.snapshot) {
          // The previous capture is complete: keep its last snapshot until the final analysis.
          const last = current.snapshot();
          finished.push(last);
        }
        const entry: { label: string; bytes: number; total?: number; snapshot?: () => LiveSnapshot } = { label: captureLabel(name), bytes: 0, ...(sizeHint !== undefined && { total: sizeHint }) };
        current = entry;
        tick();
        return {
          ...(sizeHint !== undefined && { sizeHint }),
          onProgress: (bytes, total) => {
            const was = entry.total !== undefined && entry.bytes >= entry.total;
            entry.bytes = bytes;
            if (total !== undefined) entry.total = total;
            // Say so at once: the explanation may keep the event loop busy for a moment.
            if (!was && entry.total !== undefined && bytes >= entry.total) tick();
          },
          live: (snapshot) => {
            entry.snapshot = snapshot;
          },
        };
      },
    };
    emit({ progress: { phase: 'starting', bytes: 0, problems } });
    load(paths, hooks)
      .then(async (r) => {
        clearInterval(timer);
        done = true;
        if (stopped) return;
        problems.push(...r.notes.map(safeText));
        if (r.analyses.length === 0 && problems.length === 0) problems.push('no capture found in the paths given');
        const data = { captures: r.analyses, ...(r.explanation && { explanation: r.explanation }), ...(r.teller && { teller: r.teller }) };
        if (r.teller && r.analyses.length > 0) await markInSteps(r.teller, (told) => emit({ data, progress: { phase: 'explaining', bytes: 0, told, problems } }), () => stopped);
        if (stopped) return;
        emit({ data, progress: { phase: r.analyses.length === 0 ? 'failed' : 'done', bytes: 0, problems } });
      })
      .catch((e: unknown) => {
        clearInterval(timer);
        done = true;
        if (!stopped) emit({ progress: { phase: 'failed', bytes: 0, problems: [safeText(e instanceof Error ? e.message : String(e))] } });
      });
    return () => {
      clearInterval(timer);
      stopped = true;
      reading.abort();
    };
  };
  return Object.assign(source, { settled: () => done });
}

/** Sessions marked between two turns of the event loop: a few milliseconds' work. */
const MARKS_A_STEP = 64;

/**
 * Marks the list's lines (each session's rules read), MARKS_A_STEP sessions at a time with the keys
 * served in between; every session is listed and can be opened (its story told then) from the
 * start, and the marks are sent as they come, every SNAPSHOT_MS.
 */
async function markInSteps(teller: Teller, send: (told: { done: number; total: number }) => void, stopped: () => boolean): Promise<void> {
  send({ done: 0, total: teller.total });
  let last = performance.now();
  const steps = teller.mark(MARKS_A_STEP);
  while (!stopped() && !steps.next().done) {
    if (performance.now() - last >= SNAPSHOT_MS) {
      last = performance.now();
      send({ done: teller.marked, total: teller.total });
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

export interface ViewCliOptions extends ViewInputOptions {
  /** Where `e` writes PEM files (default: the current directory). */
  readonly exportDir?: string;
}

/**
 * Call before the terminal UI is first imported: React and Ink pick their production build from
 * NODE_ENV when first loaded. React's development build records what changed in every render for
 * its performance tracks; a viewer over a 1 GB capture (3,310 sessions) held 589 MB with it and
 * 234 MB without, and read it in about 4 s instead of 8. A NODE_ENV the user set is kept.
 */
export function preferProductionUi(): void {
  process.env['NODE_ENV'] ??= 'production';
}

/** What `view --follow` cannot follow: several paths, or anything but a capture file. */
async function followProblem(paths: readonly string[], opts: ViewCliOptions): Promise<string | undefined> {
  if (!opts.follow) return undefined;
  if (paths.length !== 1) return 'view --follow reads one capture file, as it grows';
  const st = await stat(paths[0]!).catch(() => undefined);
  if (!st) return `${paths[0]}: no such file`;
  if (!st.isFile()) return `${paths[0]}: view --follow reads a capture file, not a folder or a bundle`;
  return undefined;
}

/** The `view` command: needs a terminal on both ends; returns the exit code. */
export async function runView(paths: readonly string[], opts: ViewCliOptions, io: { err(text: string): void }, load: Loader = reportLoader(opts)): Promise<number> {
  if (process.stdout.isTTY !== true || process.stdin.isTTY !== true) {
    io.err('ekuscope: view needs a terminal; for text use: ekuscope report PATH...\n');
    return 2;
  }
  const follow = await followProblem(paths, opts);
  if (follow) {
    io.err(`ekuscope: ${safeText(follow)}\n`);
    return 2;
  }
  if (paths.includes(STDIN_PATH)) {
    // The viewer's keys come from standard input: it cannot carry the capture too.
    io.err('ekuscope: view reads its keys from standard input, so it cannot read a capture from it (-): give a file, or use report -\n');
    return 2;
  }
  preferProductionUi();
  const { runViewer } = await import('../tui/run.js');
  const { colorWanted } = await import('../tui/theme.js');
  const source = viewSource(paths, load);
  await runViewer({ source, color: colorWanted(process.env, true), ...(opts.exportDir !== undefined && { exportDir: opts.exportDir }) });
  // Quitting while a large capture is still being read: the reader cannot be interrupted
  // mid-file, and the user asked to leave now, so end the process (the terminal is restored).
  if (!source.settled()) process.exit(0);
  return 0;
}
