/**
 * `ekuscope report --follow PATH|-`: each session's story written as soon as the session settles
 * (its handshake over, or its connection ended), while the capture is still being read: a live pipe
 * (`tcpdump -U -w - | ekuscope report --follow -`) or a file that grows (read on as it grows, as
 * `tail -f` reads, until Ctrl-C or SIGTERM). At the end (the pipe closed, or the signal) comes what
 * needs the whole case: the summary of every session seen, the inputs, the case-wide findings.
 *
 * Text: the stories as the report tells them, then the summary. JSON lines: one
 * `{"type":"session","session":{...}}` per session (as in the report's `sessions[]`), then one
 * `{"type":"report","report":{...}}`: the report's model with `sessions` empty.
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { analysisSoFar, analyzeCapture, type Analysis, type AnalyzeOptions, type Session } from '../analysis/index.js';
import { CaptureFormatError } from '../capture/index.js';
import { followFile, untilAborted } from '../capture/follow.js';
import { buildContext, RuleCache, type ExpresswayContext } from '../expressway/index.js';
import { explain, explainSession, REPORT_SCHEMA_ID, withoutSessionSections, type SessionTold } from '../narrate/explain.js';
import { renderTextChunks, renderTextSections } from '../report/text.js';
import type { CertPool } from '../x509/index.js';
import { decryptionNotes, keyLogDecryption } from './keylog.js';
import { escapeUnsafe } from './output.js';
import { exitFor, InputError, optionStoresOf, parseOptions, type ReportOptions } from './report.js';
import { STDIN_NAME, STDIN_PATH, stdinProblem } from './stdin.js';

export const FOLLOW_FORMATS = ['text', 'json'] as const;

export interface FollowOptions extends Pick<ReportOptions, 'stores' | 'expressway' | 'keylogs' | 'decryption' | 'color' | 'width' | 'generator' | 'analyzeOptions' | 'stdinIsTty'> {
  readonly format?: string;
  readonly redact?: boolean;
  /** Where each piece goes, as it is made. */
  out(text: string): void;
  /** Ends the following (Ctrl-C, SIGTERM): what was read is finished and summed up. */
  readonly signal: AbortSignal;
  /** Standard input, for `-` (tests give their own). */
  readonly stdin?: Readable;
  /** How often a file that stopped growing is looked at again. */
  readonly pollMs?: number;
}

export interface FollowResult {
  readonly exitCode: 0 | 1 | 2;
  readonly errors: readonly string[];
  readonly sessions: number;
}

/** The Expressway context --store and --expressway give (no bundle: `--follow` reads one capture). */
export async function optionContext(opts: Pick<ReportOptions, 'stores' | 'expressway'>): Promise<ExpresswayContext> {
  const { given, storeOpts } = parseOptions({ stores: opts.stores ?? [], expressway: opts.expressway ?? [] });
  const { optionStores, boxStores } = await optionStoresOf(storeOpts, 'stores given with --store');
  return buildContext({ bundles: [], given, ...(optionStores ? { optionStores } : {}), boxStores });
}

/**
 * A handshake that did not complete is told once its connection has closed both ways (a rejection is
 * followed by the FIN or RST within moments, and the story names who sent it, C5), or once this much
 * capture time has passed since it settled, or when the reading ends: a live pipe is never held up long.
 */
const CLOSE_WAIT_SEC = 1;

/**
 * The analysis options that tell each session of `source` as soon as it is built (a completed
 * handshake at once, one that failed when its connection has closed; see CLOSE_WAIT_SEC), and
 * `flush`, which tells the ones still waiting when the reading has ended.
 */
export function tellingAsTheyCome(source: string, context: ExpresswayContext, tell: (one: SessionTold) => void): Pick<AnalyzeOptions, 'onFrame' | 'onSession'> & { flush(): void } {
  const cache = new RuleCache();
  let firstTs: { sec: number; nsec: number } | undefined;
  let lastSec = 0;
  const waiting = new Map<Session, { pool: CertPool; since: number }>();
  const tellNow = (s: Session, pool: CertPool) => tell(explainSession(analysisSoFar(source, pool, firstTs), s, context, cache));
  const closed = (s: Session) => s.connection.ends[0] !== undefined && s.connection.ends[1] !== undefined;
  const release = (all: boolean) => {
    for (const [s, w] of waiting) {
      if (all || closed(s) || lastSec - w.since >= CLOSE_WAIT_SEC) {
        waiting.delete(s);
        tellNow(s, w.pool);
      }
    }
  };
  // The waiting list is walked every 256 frames or 50 ms of capture time, not at every frame: under a
  // flood of rejected handshakes it holds a second's worth of them.
  let framesSinceWalk = 0;
  let lastWalkSec = 0;
  return {
    onFrame: (f) => {
      firstTs ??= { sec: f.tsSec, nsec: f.tsNsec };
      lastSec = f.tsSec + f.tsNsec / 1e9;
      if (waiting.size > 0 && (++framesSinceWalk >= 256 || lastSec - lastWalkSec >= 0.05)) {
        framesSinceWalk = 0;
        lastWalkSec = lastSec;
        release(false);
      }
    },
    onSession: (s: Session, pool: CertPool) => {
      if (s.tls.outcome.kind === 'completed' || s.tls.outcome.kind === 'resumed' || closed(s)) tellNow(s, pool);
      else waiting.set(s, { pool, since: lastSec });
    },
    flush: () => release(true),
  };
}

/** JSON lines: one object a line, characters a terminal would act on escaped as in every JSON output. */
function jsonLine(value: unknown): string {
  return escapeUnsafe(JSON.stringify(value)) + '\n';
}

async function checkInput(paths: readonly string[], opts: FollowOptions): Promise<string> {
  if (opts.format !== undefined && !(FOLLOW_FORMATS as readonly string[]).includes(opts.format))
    throw new InputError(`--follow writes text or json (JSON lines), not ${JSON.stringify(opts.format)}`);
  if (opts.redact) throw new InputError('--follow cannot --redact: names are numbered over the whole report, which is not known until the end');
  if (paths.length !== 1) throw new InputError('--follow reads one capture: a file that grows, or - (standard input)');
  const path = paths[0]!;
  const problem = stdinProblem(paths, opts.stdinIsTty);
  if (problem) throw new InputError(problem);
  if (path === STDIN_PATH) return path;
  let st;
  try {
    st = await stat(path);
  } catch {
    throw new InputError(`${path}: no such file`);
  }
  if (!st.isFile()) throw new InputError(`${path}: --follow reads a capture file (or -), not a folder or a bundle`);
  return path;
}

/** Runs `report --follow`; writes as it goes through `opts.out`. */
export async function runFollow(paths: readonly string[], opts: FollowOptions): Promise<FollowResult> {
  let path: string;
  let context: ExpresswayContext;
  const notes: string[] = [];
  let decryptorFor: AnalyzeOptions['decryptorFor'];
  try {
    path = await checkInput(paths, opts);
    context = await optionContext(opts);
    const keylogs = opts.keylogs ?? [];
    if (keylogs.length > 0) {
      const d = await (opts.decryption ?? keyLogDecryption)(keylogs);
      decryptorFor = d.decryptorFor;
      notes.push(`Key log${keylogs.length > 1 ? 's' : ''} used for decryption: ${keylogs.map((k) => basename(k)).join(', ')}.`, ...d.notes);
    }
  } catch (e) {
    if (e instanceof InputError) return { exitCode: 2, errors: [e.message], sessions: 0 };
    throw e;
  }
  const source = path === STDIN_PATH ? STDIN_NAME : basename(path);
  const input = path === STDIN_PATH ? untilAborted(opts.stdin ?? process.stdin, opts.signal) : followFile(path, opts.signal, opts.pollMs);
  const json = opts.format === 'json';
  const textOpts = { color: opts.color === true, ...(opts.width ? { width: opts.width } : {}) };
  let told = 0;
  const tell = (one: SessionTold) => {
    told++;
    if (json) opts.out(jsonLine({ type: 'session', session: one.json(source) }));
    else opts.out([...renderTextSections([one.section], textOpts)].join('') + '\n');
  };
  let analysis: Analysis;
  const teller = tellingAsTheyCome(source, context, tell);
  try {
    analysis = await analyzeCapture(input, {
      sourceName: source,
      ...(decryptorFor ? { decryptorFor } : {}),
      ...opts.analyzeOptions?.(source, undefined),
      onFrame: teller.onFrame,
      onSession: teller.onSession,
    });
    teller.flush();
  } catch (e) {
    input.destroy();
    if (e instanceof CaptureFormatError) return { exitCode: 2, errors: [`${source}: ${e.message}`], sessions: 0 };
    throw e;
  }
  notes.push(...decryptionNotes(analysis, decryptorFor !== undefined).map((n) => `${source}: ${n}`));
  const expl = explain([{ name: source, inputs: [source], analyses: [analysis], context, notes, dedupe: false }], { generator: opts.generator ?? 'ekuscope', storiesAbove: true });
  if (json) {
    const model = expl.jsonParts?.().model ?? { schema: REPORT_SCHEMA_ID };
    opts.out(jsonLine({ type: 'report', report: model }));
  } else {
    // The stories were told above, as they came: the summary of them all, the inputs and the case's notes.
    opts.out('\n');
    for (const piece of renderTextChunks(withoutSessionSections(expl.doc), textOpts)) opts.out(piece);
  }
  return { exitCode: exitFor(expl), errors: [], sessions: told };
}
