/**
 * The composition root of `ekuscope report` and `ekuscope check-store`: finds the cases in the paths
 * given (a capture, a bundle folder or archive, or a folder of scenario folders), opens bundles,
 * loads stores, runs the analysis, explains, redacts if asked, and renders.
 *
 * `runReport` is the programmatic entry point (the benchmark's 'report' mode uses it): it returns the
 * rendered text and the exit code instead of writing anywhere.
 */
import { readdir, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { basename, join, relative } from 'node:path';
import { analyzeCapture, tunnelNotes, type Analysis, type AnalyzeOptions } from '../analysis/index.js';
import { CaptureFormatError } from '../capture/index.js';
import {
  buildContext,
  classifyBundleFileName,
  openBundle,
  parseExpresswayOption,
  parseStoreOption,
  storesFromBundle,
  storesFromFiles,
  type ArchiveProgress,
  type Bundle,
  type BundleOptions,
  type BoxStores,
  type GivenExpressway,
  type StoreOption,
} from '../expressway/index.js';
import { explain, type ReportCase } from '../narrate/explain.js';
import { explainStores } from '../narrate/stores.js';
import { redactExplanation } from '../narrate/redact.js';
import type { Explanation } from '../narrate/explanation.js';
import { REPORT_FORMATS, renderReport, type ReportFormat, type ReportResult } from './report-render.js';
import { streamedReport } from './report-stream.js';
import { decryptionNotes, keyLogDecryption, type DecryptionHook } from './keylog.js';
import { captureInput, stdinProblem, STDIN_NAME, STDIN_PATH } from './stdin.js';

export { REPORT_FORMATS, type ReportFormat, type ReportResult } from './report-render.js';

/** The format a file name asks for when no --format is given: a page for `report.html`, else none. */
export function formatForOutFile(file: string): ReportFormat | undefined {
  return /\.html?$/i.test(file) ? 'html' : undefined;
}

export type { DecryptionHook } from './keylog.js';

export interface ReportOptions {
  /** More analysis options for each capture, by its display name and size (the viewer: progress, live snapshots). */
  readonly analyzeOptions?: (sourceName: string, sizeHint: number | undefined) => Partial<AnalyzeOptions>;
  readonly format?: ReportFormat;
  /** `client=FILE`, `server=FILE`, `ca=FILE|DIR`. */
  readonly stores?: readonly string[];
  /** `IP` or `IP=NAME`. */
  readonly expressway?: readonly string[];
  readonly redact?: boolean;
  readonly keylogs?: readonly string[];
  readonly decryption?: DecryptionHook;
  /** ANSI colour in text output (the caller decides: a TTY and no NO_COLOR). */
  readonly color?: boolean;
  readonly width?: number;
  /** No output text is kept (benchmark): only counts and the exit code. */
  readonly quiet?: boolean;
  /** With quiet: nothing is rendered either (the benchmark's split of a report's time). */
  readonly skipRender?: boolean;
  /** Read the cases and stop: no explanation (the viewer tells each session when it is shown). */
  readonly untold?: boolean;
  readonly generator?: string;
  /** The input for a capture file's path (default: the file; standard input for -); `view --follow` follows the file as it grows. */
  readonly openCapture?: (path: string) => string | Readable;
  /** Progress of a bundle archive's walk (a .tar.gz read through once), by the archive's name. */
  readonly archiveProgress?: (name: string) => ArchiveProgress;
  /** Standard input is a terminal (default: process.stdin's); `-` is then refused. */
  readonly stdinIsTty?: boolean;
  /**
   * Tell each session as its connection closes and set it aside, keeping only what the summary needs,
   * where the report allows (capture files, not redacted; every format): memory does not grow with the
   * sessions. The result then has no `explanation`, and its pieces can be read once.
   */
  readonly stream?: boolean;
}


export class InputError extends Error {}

/** A usage or input error (exit code 2), nothing to print. */
function failed(message: string): ReportResult {
  return { sessions: 0, exitCode: 2, text: '', pieces: () => [], errors: [message] };
}

const CAPTURE_EXT = /\.(pcap|pcapng|cap|dmp)(\.gz)?$/i;
const ARCHIVE_EXT = /\.(tar\.gz|tgz|tar)$/i;
const KEYLOG_NAME = /(keylog|sslkeys?).*\.(txt|log|keys)$|\.keylog$/i;
const MAX_CASES = 500;

interface CaseSpec {
  readonly name: string;
  /** Folder or archive opened as a bundle. */
  readonly bundlePath?: string;
  /** Plain capture files (not inside a bundle). */
  readonly captures: readonly string[];
  readonly keylogs: readonly string[];
  /** Two boxes' captures of the same handshakes: tell them apart once (bundles only). */
  readonly dedupe: boolean;
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** A folder of one box's bundle files, or of per-box subfolders named after the host tags. */
async function describeFolder(dir: string): Promise<{ bundleHere: boolean; boxDirs: string[]; captures: string[]; keylogs: string[]; subdirs: string[] }> {
  const entries = await readdir(dir, { withFileTypes: true });
  let bundleHere = false;
  const captures: string[] = [];
  const keylogs: string[] = [];
  const subdirs: string[] = [];
  for (const e of entries) {
    if (e.isDirectory()) subdirs.push(join(dir, e.name));
    else if (e.isFile()) {
      if (classifyBundleFileName(e.name)) bundleHere = true;
      else if (CAPTURE_EXT.test(e.name)) captures.push(join(dir, e.name));
      else if (KEYLOG_NAME.test(e.name)) keylogs.push(join(dir, e.name));
    }
  }
  const boxDirs: string[] = [];
  for (const sd of subdirs) {
    const names = await readdir(sd).catch(() => [] as string[]);
    if (names.some((n) => classifyBundleFileName(n)?.host === basename(sd))) boxDirs.push(sd);
  }
  return { bundleHere, boxDirs, captures: captures.sort(), keylogs: keylogs.sort(), subdirs: subdirs.sort() };
}

async function discover(path: string, depth: number, out: CaseSpec[]): Promise<void> {
  if (out.length >= MAX_CASES) return;
  if (path === STDIN_PATH) {
    out.push({ name: STDIN_NAME, captures: [path], keylogs: [], dedupe: false });
    return;
  }
  let st;
  try {
    st = await stat(path);
  } catch {
    throw new InputError(`${path}: no such file or folder`);
  }
  if (!st.isDirectory()) {
    if (ARCHIVE_EXT.test(path)) out.push({ name: basename(path), bundlePath: path, captures: [], keylogs: [], dedupe: true });
    else out.push({ name: basename(path), captures: [path], keylogs: [], dedupe: false });
    return;
  }
  const d = await describeFolder(path);
  if (d.bundleHere || d.boxDirs.length > 0) {
    out.push({ name: basename(path), bundlePath: path, captures: d.captures, keylogs: d.keylogs, dedupe: true });
    return;
  }
  if (d.captures.length > 0) out.push({ name: basename(path), captures: d.captures, keylogs: d.keylogs, dedupe: false });
  if (depth >= 2) return;
  for (const sd of d.subdirs) await discover(sd, depth + 1, out);
}

function archiveOptions(opts: ReportOptions, path: string): BundleOptions {
  return opts.archiveProgress ? { onArchiveProgress: opts.archiveProgress(basename(path)) } : {};
}

function fileDisplay(root: string, file: string): string {
  const r = relative(root, file);
  return r && !r.startsWith('..') ? r : basename(file);
}

function chainNotes(prefix: string, list: readonly { message: string; name?: string }[]): string[] {
  return list.map((p) => `${prefix}${p.name ? `${p.name}: ` : ''}${p.message}`);
}

async function loadCase(spec: CaseSpec, opts: ReportOptions, given: readonly GivenExpressway[], optionStores: BoxStores | undefined, boxStores: BoundStores): Promise<ReportCase> {
  const notes: string[] = [];
  const inputs: string[] = [];
  const analyses: Analysis[] = [];
  const bundles: { bundle: Bundle; stores?: BoxStores }[] = [];
  const keylogs = [...(opts.keylogs ?? []), ...spec.keylogs];
  let decryptorFor: AnalyzeOptions['decryptorFor'];
  if (keylogs.length > 0) {
    // The TLS stage's key-log decryptor unless the caller brings its own (tests, other front ends).
    const d = await (opts.decryption ?? keyLogDecryption)(keylogs);
    decryptorFor = d.decryptorFor;
    notes.push(`Key log${keylogs.length > 1 ? 's' : ''} used for decryption: ${keylogs.map((k) => basename(k)).join(', ')}.`, ...d.notes);
  }
  const analyze = async (input: string | Readable, sourceName: string, sizeHint?: number) => {
    try {
      const a = await analyzeCapture(input, { sourceName, ...(decryptorFor ? { decryptorFor } : {}), ...opts.analyzeOptions?.(sourceName, sizeHint) });
      analyses.push(a);
    } catch (e) {
      if (e instanceof CaptureFormatError) notes.push(`${sourceName}: not a capture file (${e.message}).`);
      else throw e;
    }
  };
  if (spec.bundlePath) {
    const set = await openBundle(spec.bundlePath, archiveOptions(opts, spec.bundlePath));
    notes.push(...chainNotes('', set.problems.filter((p) => p.severity !== 'info')));
    const root = spec.bundlePath;
    for (const b of set.bundles) {
      const stores = await storesFromBundle(b);
      bundles.push({ bundle: b, stores });
      notes.push(...chainNotes(`${b.host}: `, b.problems.filter((p) => p.severity !== 'info')));
      const kinds = [...new Set(b.files.filter((f) => f.kind !== 'capture').map((f) => f.kind.replace('-pem', '_*.pem').replace(/^(xconf|xstat)$/, '$1_dump')))];
      inputs.push(`bundle of ${b.host} (${kinds.join(', ') || 'no store or configuration file'})`);
      for (const c of b.captures) {
        inputs.push(c.location);
        await analyze(c.open(), c.location, c.size);
      }
    }
    for (const c of spec.captures) {
      const name = (await isDir(root)) ? fileDisplay(root, c) : basename(c);
      inputs.push(name);
      await analyze((opts.openCapture ?? captureInput)(c), name);
    }
  } else {
    for (const c of spec.captures) {
      const name = c === STDIN_PATH ? STDIN_NAME : basename(c);
      inputs.push(name);
      await analyze((opts.openCapture ?? captureInput)(c), name);
    }
  }
  inputs.push(...keylogs.map((k) => basename(k)));
  for (const a of analyses) notes.push(...tunnelNotes(a.stats).map((n) => `${a.source}: ${n}.`));
  for (const a of analyses) notes.push(...decryptionNotes(a, keylogs.length > 0).map((n) => `${a.source}: ${n}`));
  const context = buildContext({ bundles, given, ...(optionStores ? { optionStores } : {}), boxStores });
  return { name: spec.name, inputs: [...new Set(inputs)], analyses, context, notes, dedupe: spec.dedupe };
}

type BoundStores = readonly { readonly box: string; readonly stores: BoxStores }[];

/** --store files read: those not bound to a box together, those bound (`client@BOX=FILE`) box by box. */
export async function optionStoresOf(storeOpts: readonly StoreOption[], label: string): Promise<{ optionStores: BoxStores | undefined; boxStores: BoundStores }> {
  const unbound = storeOpts.filter((o) => o.box === undefined);
  const byBox = new Map<string, StoreOption[]>();
  for (const o of storeOpts) if (o.box !== undefined) byBox.set(o.box, [...(byBox.get(o.box) ?? []), o]);
  const boxStores: { box: string; stores: BoxStores }[] = [];
  for (const [box, list] of byBox) boxStores.push({ box, stores: await storesFromFiles(`stores given for ${box}`, list) });
  return { optionStores: unbound.length ? await storesFromFiles(label, unbound) : undefined, boxStores };
}

export function parseOptions(opts: ReportOptions): { given: GivenExpressway[]; storeOpts: StoreOption[] } {
  const given: GivenExpressway[] = [];
  for (const t of opts.expressway ?? []) {
    const g = parseExpresswayOption(t);
    if (!g) throw new InputError(`--expressway takes IP or IP=NAME, not ${JSON.stringify(t)}`);
    given.push(g);
  }
  const storeOpts: StoreOption[] = [];
  for (const t of opts.stores ?? []) {
    const s = parseStoreOption(t);
    if (!s) throw new InputError(`--store takes client=FILE, server=FILE or ca=FILE|DIR (or client@BOX=FILE for one box), not ${JSON.stringify(t)}`);
    storeOpts.push(s);
  }
  return { given, storeOpts };
}

export function exitFor(expl: Explanation): 0 | 1 {
  return expl.findings.some((f) => f.severity === 'error') ? 1 : 0;
}

/** `ekuscope report PATH...` without the writing: returns what would be printed and the exit code. */
export async function runReport(paths: readonly string[], opts: ReportOptions = {}): Promise<ReportResult> {
  const format = opts.format ?? 'text';
  try {
    if (!REPORT_FORMATS.includes(format)) throw new InputError(`--format must be one of ${REPORT_FORMATS.join(', ')}, not ${JSON.stringify(format)}`);
    if (paths.length === 0) throw new InputError('report needs at least one capture, bundle folder, bundle archive or folder of cases');
    const stdin = stdinProblem(paths, opts.stdinIsTty);
    if (stdin) throw new InputError(stdin);
    const { given, storeOpts } = parseOptions(opts);
    const { optionStores, boxStores } = await optionStoresOf(storeOpts, 'stores given with --store');
    const specs: CaseSpec[] = [];
    for (const p of paths) await discover(p, 0, specs);
    if (specs.length === 0) throw new InputError(`${paths.join(', ')}: no capture or bundle found`);
    if (opts.stream && streamable(specs, opts)) {
      const streamedCases = specs.map((spec) => ({ name: spec.name, load: (analyzeOptions: ReportOptions['analyzeOptions']) => loadCase(spec, { ...opts, analyzeOptions }, given, optionStores, boxStores) }));
      const streamed = await streamedReport(streamedCases, format, opts, { given, optionStores, boxStores }, (cases) => readableOrThrow(paths, cases));
      // Something came after sessions were told (a late alert after both FINs, late secrets): told again the whole way.
      if (streamed) return streamed;
    }
    const cases: ReportCase[] = [];
    for (const spec of specs) cases.push(await loadCase(spec, opts, given, optionStores, boxStores));
    readableOrThrow(paths, cases);
    if (opts.untold) return { sessions: cases.reduce((n, c) => n + c.analyses.reduce((m, a) => m + a.sessions.length, 0), 0), exitCode: 0, text: '', pieces: () => [], cases, errors: [] };
    const told = explain(cases, { generator: opts.generator ?? 'ekuscope' });
    const expl = opts.redact ? redactExplanation(told) : told;
    const sessions = expl.stories.length;
    if (opts.quiet) {
      // Quiet (the benchmark) still renders every piece, so the measured cost is the whole report's; nothing is kept.
      if (!opts.skipRender) for (const piece of renderReport(expl, format, opts)) void piece;
      return { sessions, exitCode: exitFor(expl), text: '', pieces: () => [], explanation: expl, cases, errors: [], findings: expl.findings.length };
    }
    let text: string | undefined;
    return {
      sessions,
      exitCode: exitFor(expl),
      get text() {
        text ??= [...renderReport(expl, format, opts)].join('');
        return text;
      },
      pieces: () => (text !== undefined ? [text] : renderReport(expl, format, opts)),
      explanation: expl,
      cases,
      errors: [],
      findings: expl.findings.length,
    };
  } catch (e) {
    if (e instanceof InputError || e instanceof CaptureFormatError) return failed(e.message);
    throw e;
  }
}

function readableOrThrow(paths: readonly string[], cases: readonly ReportCase[]): void {
  if (cases.every((c) => c.analyses.length === 0) && !cases.some((c) => c.context.boxes.length > 0)) {
    throw new InputError(`${paths.join(', ')}: no readable capture (${cases.flatMap((c) => c.notes).join(' ') || 'nothing found'})`);
  }
}

/**
 * Where a report can be told session by session: capture files read again if need be (not standard
 * input, not a file that grows, not a bundle, whose captures of the same handshakes are told once),
 * names not numbered over the whole report (--redact), and a report to be told at all (not `untold`:
 * the viewer tells each session itself).
 */
function streamable(specs: readonly CaseSpec[], opts: ReportOptions): boolean {
  return !opts.redact && !opts.untold && opts.openCapture === undefined && specs.every((s) => s.bundlePath === undefined && !s.captures.includes(STDIN_PATH));
}

// ---------------------------------------------------------------------------------------------
// check-store

/** `ekuscope check-store BUNDLE|PEM...`: audit stores without a capture. `now` is passed in for tests. */
export async function runCheckStore(paths: readonly string[], opts: ReportOptions & { readonly now?: Date } = {}): Promise<ReportResult> {
  const format = opts.format ?? 'text';
  try {
    if (format === 'csv') throw new InputError('check-store prints text, markdown, json or html');
    if (!REPORT_FORMATS.includes(format)) throw new InputError(`--format must be text, markdown, json or html, not ${JSON.stringify(format)}`);
    if (paths.length === 0 && !(opts.stores ?? []).length) throw new InputError('check-store needs a bundle, a PEM file, or --store options');
    const { given, storeOpts } = parseOptions(opts);
    const bundles: { bundle: Bundle; stores: BoxStores }[] = [];
    const sources: string[] = [];
    const pemRoles: StoreOption[] = [...storeOpts];
    for (const p of paths) {
      let st;
      try {
        st = await stat(p);
      } catch {
        throw new InputError(`${p}: no such file or folder`);
      }
      if (st.isDirectory() || ARCHIVE_EXT.test(p)) {
        const set = await openBundle(p, archiveOptions(opts, p));
        if (set.bundles.length === 0) throw new InputError(`${p}: no Expressway bundle files found`);
        for (const b of set.bundles) bundles.push({ bundle: b, stores: await storesFromBundle(b) });
        sources.push(basename(p));
      } else {
        const c = classifyBundleFileName(basename(p));
        const role = c?.kind === 'client-pem' ? 'client' : c?.kind === 'server-pem' ? 'server' : c?.kind === 'ca-pem' ? 'ca' : undefined;
        if (!role) throw new InputError(`${p}: a PEM file given alone must be named client_*, server_* or ca_*.pem as a bundle names it; otherwise use --store client=FILE, server=FILE or ca=FILE`);
        pemRoles.push({ role, path: p });
        sources.push(basename(p));
      }
    }
    const { optionStores, boxStores } = await optionStoresOf(pemRoles, 'stores given');
    const ctx = buildContext({ bundles, given, ...(optionStores ? { optionStores } : {}), boxStores });
    const expl0 = explainStores(ctx, opts.now ?? new Date(), sources);
    const expl = opts.redact ? redactExplanation(expl0) : expl0;
    const text = [...renderReport(expl, format, opts)].join('');
    return { sessions: 0, exitCode: exitFor(expl), text, pieces: () => [text], explanation: expl, errors: [] };
  } catch (e) {
    if (e instanceof InputError) return failed(e.message);
    throw e;
  }
}
