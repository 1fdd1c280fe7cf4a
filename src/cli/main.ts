import { Command, CommanderError } from 'commander';
import { safeText } from '../bytes/index.js';
import { CaptureFormatError } from '../capture/index.js';
import { passiveConsumer, scanCapture } from '../analysis/frames.js';
import { flowJson, writeFlowsText } from './flows.js';
import { defaultJobs, listCerts } from './certs-jobs.js';
import type { AnalyzeOptions } from '../analysis/index.js';
import { preferProductionUi, runView } from './view.js';
import { basename } from 'node:path';
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { JsonArrayWriter } from './output.js';
import { REPORT_FORMATS, formatForOutFile, runCheckStore, runReport, type ReportFormat, type ReportResult } from './report.js';
import { collect, keyLogDecryption, keyLogNoteText, loadKeyLogs } from './keylog.js';
import { ProgressLine } from './progress.js';
import { runFollow } from './follow.js';
import type { ArchiveProgress } from '../expressway/index.js';
import { captureInput, stdinProblem, STDIN_NAME, STDIN_PATH } from './stdin.js';
import { runWhatIf, WhatIfUsageError, type WhatIfOptions } from './whatif.js';
import { lessonProblems, lessonText, LessonUsageError, resolveNamedLesson, type LessonOptions } from './lesson.js';
import { rulesText, RulesUsageError, type RulesOptions } from './rules.js';

/** Exit codes, documented in the README. */
export const EXIT = { OK: 0, FINDINGS: 1, USAGE: 2 } as const;

interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Colour allowed on stdout: a terminal, and NO_COLOR unset or empty (https://no-color.org). */
  readonly color?: boolean;
  /** Standard error is a terminal: long reads show a progress line there (unless --quiet). */
  readonly errIsTty?: boolean;
  /** The width of standard error's terminal. */
  errColumns?(): number | undefined;
}

const stdio: Io = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  color: process.stdout.isTTY === true && !process.env.NO_COLOR,
  errIsTty: process.stderr.isTTY === true,
  errColumns: () => process.stderr.columns,
};

/** The progress line of a run: on a terminal, not with --quiet. Its `out` clears it before writing. */
function progressOf(io: Io, quiet: boolean | undefined): { progress?: ProgressLine; out(text: string): void } {
  if (quiet || io.errIsTty !== true) return { out: io.out };
  const progress = new ProgressLine({ write: io.err, columns: () => io.errColumns?.() });
  return {
    progress,
    out: (t) => {
      progress.clear();
      io.out(t);
    },
  };
}

const QUIET_HELP = 'no progress line on standard error (shown only when it is a terminal)';

const repeatable = (v: string, prev: string[]): string[] => [...prev, v];

interface ReportCliOptions {
  format: string;
  store: string[];
  expressway: string[];
  keylog: string[];
  redact?: boolean;
  out?: string;
  quiet?: boolean;
  follow?: boolean;
}

/** --format as given; without it, what --out's file name asks for (`report.html`), else the default. */
function formatOf(o: ReportCliOptions, cmd: Command): ReportFormat {
  const fromName = o.out && cmd.getOptionValueSource('format') === 'default' ? formatForOutFile(o.out) : undefined;
  return fromName ?? (o.format as ReportFormat);
}

/** The package's version (package.json is two folders up from src/cli and from dist/cli alike). */
function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** What a command's wiring needs from the run: the streams, and how to set the exit code. */
interface Run {
  readonly io: Io;
  setCode(code: number): void;
}

/** Registers one command on the program. */
type CommandWiring = (program: Command, run: Run) => void;

function flowsCommand(program: Command, { io }: Run): void {
  program
    .command('flows')
    .description('one line per TCP connection: endpoints, frames, bytes each way, gaps, how it ended')
    .argument('<files...>', 'capture files (pcap, pcapng, optionally gzip-compressed); - reads one from standard input')
    .option('--format <format>', 'text or json', 'text')
    .option('--quiet', QUIET_HELP)
    .action(async (files: string[], opts: { format: string; quiet?: boolean }) => {
      if (opts.format !== 'text' && opts.format !== 'json') throw new UsageError(`--format must be text or json, not ${JSON.stringify(opts.format)}`);
      // Written as each file is read, in pieces: one array over all files for JSON.
      // A file that cannot be read ends the run with its error; the array of what was read is closed all the same.
      refuseStdinProblem(files);
      const { progress, out } = progressOf(io, opts.quiet);
      const json = opts.format === 'json' ? new JsonArrayWriter(out) : undefined;
      try {
        for (const path of files) {
          const file = path === STDIN_PATH ? STDIN_NAME : path;
          progress?.start(basename(file));
          const r = await scanCapture(captureInput(path), () => passiveConsumer, progress ? { onProgress: (b, t) => progress.update(b, t) } : {});
          progress?.clear();
          if (json) for (const c of r.connections) json.push({ file, ...flowJson(c) });
          else writeFlowsText(r, file, out);
          for (const p of r.capture.problems) if (p.severity === 'fatal' && json) io.err(`ekuscope: ${safeText(file)}: ${p.message}\n`);
        }
      } finally {
        progress?.clear();
        json?.end();
      }
    });
}

function certsCommand(program: Command, { io }: Run): void {
  program
    .command('certs')
    .description('every certificate seen: session, frame, sender, position in the chain, subject, issuer, serial, EKU')
    .argument('<files...>', 'capture files (pcap, pcapng, optionally gzip-compressed); - reads one from standard input')
    .option('--format <format>', 'text or json', 'text')
    .option('--export <dir>', 'also write each certificate as a PEM file named by role, session and serial')
    .option('--keylog <file>', 'NSS key log (SSLKEYLOGFILE) to decrypt TLS 1.3 handshakes and TLS 1.2 renegotiations and alerts; repeatable', collect, [])
    .option('--quiet', QUIET_HELP)
    .option('--jobs <n>', 'files read at once, each on a worker thread (default: the number of cores; 1: one after the other); given, one big pcap is split by connection across N threads')
    .action(async (files: string[], opts: { format: string; export?: string; keylog: string[]; quiet?: boolean; jobs?: string }) => {
      if (opts.format !== 'text' && opts.format !== 'json') throw new UsageError(`--format must be text or json, not ${JSON.stringify(opts.format)}`);
      const jobs = jobsOption(opts.jobs);
      refuseStdinProblem(files);
      const keyLog = loadKeyLogs(opts.keylog, (m) => new UsageError(m));
      for (const n of keyLog?.notes ?? []) io.err(`ekuscope: ${keyLogNoteText(n)}\n`);
      const { progress, out } = progressOf(io, opts.quiet);
      await listCerts(files, { format: opts.format, jobs, splitOne: opts.jobs !== undefined, keyLogFiles: opts.keylog, ...(opts.export !== undefined && { export: opts.export }), ...(keyLog && { keyLog }), ...(progress && { progress }), out, err: io.err });
    });
}

function whatifCommand(program: Command, { io, setCode }: Run): void {
  program
    .command('whatif')
    .description('predict, service by service, what works with these certificates and checking modes (see README: whatif)')
    .argument('[bundles...]', 'Expressway diagnostic bundles (folders, .tar.gz); C and E told apart by their traversal zone')
    .option('--condition <id>', 'start from a condition of the Cisco document: 1, 2, 2.1, 3 or 4')
    .option('--c-client <spec>', "Expressway-C client store, e.g. eku=serverAuth,clientAuth,issuer=private, or copy")
    .option('--c-server <spec>', 'Expressway-C server store')
    .option('--e-client <spec>', 'Expressway-E client store')
    .option('--e-server <spec>', 'Expressway-E server store, e.g. eku=serverAuth,issuer=public')
    .option('--c-checking <mode>', 'Expressway-C SIP TLS EKU checking: On or Off')
    .option('--e-checking <mode>', 'Expressway-E SIP TLS EKU checking: On or Off')
    .option('--c-bundle <path>', 'the bundle of Expressway-C')
    .option('--e-bundle <path>', 'the bundle of Expressway-E')
    .option('--remote-checking <yes|no|unknown>', 'Webex and B2B remotes check clientAuth')
    .option('--remote-trusts-private <yes|no|unknown>', 'Webex and B2B remotes trust the private CA')
    .option('--cucm-checking <yes|no|unknown>', "CUCM checks clientAuth on Expressway-C's certificate")
    .option('--neighbor-checking <mode>', "the neighbor Expressway's checking mode (default On)")
    .option('--peer-cert <spec>', 'the certificate far ends present when they connect in')
    .option('--format <format>', 'text, markdown or json', 'text')
    .action(async (bundles: string[], opts: WhatIfOptions) => {
      try {
        const r = await runWhatIf(bundles, opts, io.color === true);
        for (const w of r.warnings) io.err(`ekuscope: ${w}\n`);
        io.out(r.text);
        if (r.anyFails) setCode(EXIT.FINDINGS);
      } catch (e) {
        throw e instanceof WhatIfUsageError ? new UsageError(e.message) : e;
      }
    });
}

/** Writes a report (or a store audit) where --out says, piece by piece; its exit code. */
async function finishReport(io: Io, r: ReportResult, o: ReportCliOptions, progress?: ProgressLine): Promise<number> {
  progress?.clear();
  if (r.errors.length) {
    for (const e of r.errors) io.err(`ekuscope: ${e}\n`);
    return EXIT.USAGE;
  }
  // Written piece by piece (a JSON report session by session): the whole text is never held.
  if (o.out) {
    let fd: number | undefined;
    try {
      fd = openSync(o.out, 'w');
      for (const piece of r.pieces()) writeSync(fd, piece);
    } catch (e) {
      io.err(`ekuscope: cannot write ${o.out}: ${e instanceof Error ? e.message : String(e)}\n`);
      return EXIT.USAGE;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  } else for (const piece of r.pieces()) io.out(piece);
  return r.exitCode;
}

/** What `report` takes from its options, with or without --follow. */
function reportInputs(io: Io, o: ReportCliOptions) {
  return {
    stores: o.store,
    expressway: o.expressway,
    keylogs: o.keylog,
    decryption: keyLogDecryption,
    redact: o.redact === true,
    color: !o.out && io.color === true,
    generator: 'ekuscope 0.1.0',
  };
}

/** `report --follow`: until the input ends, Ctrl-C or SIGTERM; a second Ctrl-C ends at once. */
async function followReport(io: Io, paths: string[], o: ReportCliOptions): Promise<number> {
  const { progress, out } = progressOf(io, o.quiet);
  let fd: number | undefined;
  if (o.out) {
    try {
      fd = openSync(o.out, 'w');
    } catch (e) {
      io.err(`ekuscope: cannot write ${o.out}: ${e instanceof Error ? e.message : String(e)}\n`);
      return EXIT.USAGE;
    }
  }
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const r = await runFollow(paths, {
      ...reportInputs(io, o),
      format: o.format,
      signal: stop.signal,
      out: fd === undefined ? out : (t) => void writeSync(fd!, t),
      ...(progress && { analyzeOptions: progressOptions(progress) }),
    });
    progress?.clear();
    for (const e of r.errors) io.err(`ekuscope: ${safeText(e)}\n`);
    return r.exitCode;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (fd !== undefined) closeSync(fd);
  }
}

function reportCommand(program: Command, { io, setCode }: Run): void {
  program
    .command('report')
    .description('explains every TLS handshake: roles, certificate stores, EKU needed and present, why it ended as it did, and the fix')
    .argument('<paths...>', 'capture files, Expressway diagnostic bundles (folder, .tar.gz), or a folder of such cases (e.g. captures/); - reads a capture from standard input')
    .option('--format <format>', `${REPORT_FORMATS.join(', ')}`, 'text')
    .option('--store <role=FILE>', 'a certificate store: client=FILE, server=FILE or ca=FILE|DIR; client@BOX=FILE binds it to one box (a --expressway name or address) (repeatable)', repeatable, [])
    .option('--expressway <IP[=NAME]>', 'an Expressway address in the capture, e.g. 10.106.80.31=Expressway-E (repeatable)', repeatable, [])
    .option('--keylog <FILE>', 'a TLS key log (SSLKEYLOGFILE format) for decryption (repeatable)', repeatable, [])
    .option('--redact', 'replace addresses and host names consistently (for tickets that leave the company)')
    .option('--out <FILE>', 'write the report to FILE instead of standard output (never coloured); FILE.html without --format writes the web page')
    .option('--follow', 'tell each session as soon as it settles, while the capture is read: a pipe (-) or a file that grows, read on until Ctrl-C; then the summary. Formats: text, or json as JSON lines (not markdown, csv or html)')
    .option('--quiet', QUIET_HELP)
    .action(async (paths: string[], o: ReportCliOptions, cmd: Command) => {
      if (o.follow) {
        setCode(await followReport(io, paths, o));
        return;
      }
      const { progress } = progressOf(io, o.quiet);
      const r = await runReport(paths, {
        ...(progress && { analyzeOptions: progressOptions(progress), archiveProgress: archiveProgressOf(progress) }),
        ...reportInputs(io, o),
        format: formatOf(o, cmd),
        stream: true,
      });
      setCode(await finishReport(io, r, o, progress));
    });
}

function checkStoreCommand(program: Command, { io, setCode }: Run): void {
  program
    .command('check-store')
    .description('audits certificate stores without a capture: which certificate loses which service when the peer checks clientAuth, EKU traps in CA certificates, expiry, client store = server store')
    .argument('[paths...]', 'bundle folders or archives, or client_/server_/ca_*.pem files')
    .option('--format <format>', 'text, markdown, json or html', 'text')
    .option('--store <role=FILE>', 'client=FILE, server=FILE or ca=FILE|DIR; client@BOX=FILE for one box (repeatable)', repeatable, [])
    .option('--expressway <IP[=NAME]>', 'name a box (repeatable)', repeatable, [])
    .option('--redact', 'replace addresses and host names consistently')
    .option('--out <FILE>', 'write to FILE instead of standard output; FILE.html without --format writes the web page')
    .option('--quiet', QUIET_HELP)
    .action(async (paths: string[], o: ReportCliOptions, cmd: Command) => {
      const { progress } = progressOf(io, o.quiet);
      const r = await runCheckStore(paths, {
        ...(progress && { archiveProgress: archiveProgressOf(progress) }),
        format: formatOf(o, cmd),
        stores: o.store,
        expressway: o.expressway,
        redact: o.redact === true,
        color: !o.out && io.color === true,
      });
      setCode(await finishReport(io, r, { ...o, keylog: [] }, progress));
    });
}

function lessonCommand(program: Command, { io, setCode }: Run): void {
  program
    .command('lesson')
    .description('guided walkthroughs over the captures in captures/; without NAME, the list (see README: lesson)')
    .argument('[name]', 'the lesson to run')
    .option('--print', 'write the whole lesson as Markdown (for a wiki), no terminal needed')
    .option('--format <format>', 'with --print or for the list: markdown or text')
    .option('--captures <dir>', 'the captures folder (default: the one shipped with ekuscope)')
    .action(async (name: string | undefined, opts: LessonOptions) => {
      try {
        const color = io.color === true;
        // Interactive on a terminal; printed otherwise (pipes, --print, --format).
        if (name !== undefined && !opts.print && opts.format === undefined && io === stdio && process.stdout.isTTY && process.stdin.isTTY) {
          const resolved = await resolveNamedLesson(name, opts);
          preferProductionUi();
          const { runLesson } = await import('../tui/lesson/run.js');
          await runLesson(resolved, { color });
          const problems = lessonProblems(resolved);
          for (const p of problems) io.err(`ekuscope: ${p}\n`);
          if (problems.length) setCode(EXIT.FINDINGS);
          return;
        }
        const r = await lessonText(name, opts, color);
        io.out(r.text);
        for (const p of r.problems) io.err(`ekuscope: ${p}\n`);
        if (r.problems.length) setCode(EXIT.FINDINGS);
      } catch (e) {
        throw e instanceof LessonUsageError ? new UsageError(e.message) : e;
      }
    });
}

function rulesCommand(program: Command, { io }: Run): void {
  program
    .command('rules')
    .description('the rules findings cite (E certificates, T handshake, C capture, X Expressway); with ID, that rule in full: what it says, the fix, sources, lessons')
    .argument('[id]', 'a rule id, e.g. E5 or x1 (any case)')
    .option('--format <format>', 'text, markdown or json', 'text')
    .action((id: string | undefined, opts: RulesOptions) => {
      try {
        io.out(rulesText(id, opts, io.color === true));
      } catch (e) {
        throw e instanceof RulesUsageError ? new UsageError(e.message) : e;
      }
    });
}

// view: the interactive viewer (src/tui); a plain `ekuscope PATH...` on a terminal opens it too.
function viewCommand(program: Command, { io, setCode }: Run): void {
  program
    .command('view')
    .description('interactive viewer: sessions, ladder, details, bytes and narration, keys as in less and vim (needs a terminal)')
    .argument('<paths...>', 'capture files, Expressway diagnostic bundles (folder, .tar.gz), or a folder of such cases')
    .option('--export-dir <dir>', 'where e writes the selected certificate as PEM', '.')
    .option('--store <role=FILE>', 'as for report (repeatable)', repeatable, [])
    .option('--expressway <IP[=NAME]>', 'as for report (repeatable)', repeatable, [])
    .option('--keylog <FILE>', 'as for report (repeatable)', repeatable, [])
    .option('--follow', 'read one capture file on as it grows (tcpdump -U -w FILE running), until you quit: new sessions appear as they come, with their stories once settled')
    .action(async (paths: string[], o: { exportDir: string; store: string[]; expressway: string[]; keylog: string[]; follow?: boolean }) => {
      setCode(await runView(paths, { exportDir: o.exportDir, stores: o.store, expressway: o.expressway, keylogs: o.keylog, follow: o.follow === true }, io));
    });
}

/** The commands, in the order --help lists them. */
const COMMANDS: readonly CommandWiring[] = [flowsCommand, certsCommand, whatifCommand, reportCommand, checkStoreCommand, lessonCommand, rulesCommand, viewCommand];

export async function main(argv: string[], io: Io = stdio): Promise<number> {
  let code: number = EXIT.OK;
  const program = new Command();
  program
    .name('ekuscope')
    .description('Explains TLS handshakes in packet captures: roles, certificate stores, EKUs and why a handshake failed.')
    .version(version(), '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  const run: Run = { io, setCode: (c) => void (code = c) };
  for (const wire of COMMANDS) wire(program, run);

  const first = argv[0];
  const isPath = first !== undefined && !first.startsWith('-') && first !== 'help' && !program.commands.some((c) => c.name() === first) && existsSync(first);
  if (isPath && process.stdout.isTTY && process.stdin.isTTY) argv = ['view', ...argv];

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    if (e instanceof UsageError || e instanceof CaptureFormatError) {
      // Messages can quote a path or an argument: neutralised like any other outside text.
      io.err(`ekuscope: ${safeText(e.message)}\n`);
      return EXIT.USAGE;
    }
    throw e;
  }
  return code;
}

export class UsageError extends Error {}

/** --jobs N: a whole number from 1; absent, the number of cores. */
function jobsOption(value: string | undefined): number {
  if (value === undefined) return defaultJobs();
  const n = /^\d+$/.test(value) ? parseInt(value, 10) : NaN;
  if (!(n >= 1 && n <= 1024)) throw new UsageError(`--jobs must be a whole number from 1 to 1024, not ${JSON.stringify(value)}`);
  return n;
}

/** The progress line over a bundle archive's walk (check-store, and report before it reads the captures inside). */
function archiveProgressOf(progress: ProgressLine): (name: string) => ArchiveProgress {
  return (name) => {
    progress.start(name);
    return (bytes, total) => progress.update(bytes, total);
  };
}

/** The analysis options that draw the progress line, for each capture a report reads. */
function progressOptions(progress: ProgressLine): (name: string, size: number | undefined) => Partial<AnalyzeOptions> {
  return (name) => {
    progress.start(name);
    return { onProgress: (bytes, total) => progress.update(bytes, total) };
  };
}

/** `-` given twice, or standard input a terminal: a usage error. */
function refuseStdinProblem(paths: readonly string[]): void {
  const problem = stdinProblem(paths);
  if (problem) throw new UsageError(problem);
}
