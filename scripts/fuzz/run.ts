/**
 * Runs one (possibly damaged) capture through everything a user can run on it: the analysis, the
 * CLI commands in every output format (the `report` command too, once it exists), and the text and
 * Markdown renderers over a document made of every capture-controlled string. Collects failures
 * instead of throwing: an exception that escapes, an exit code outside the documented ones, JSON
 * that does not parse, a raw control or bidi character from the data in text output, memory past
 * the cap.
 */
import { performance } from 'node:perf_hooks';
import { CaptureFormatError } from '../../src/capture/index.js';
import { analyzeCapture, statsNotes, type Analysis } from '../../src/analysis/index.js';
import { main } from '../../src/cli/main.js';
import type { Block, Doc, Finding, Inline } from '../../src/narrate/doc.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderText } from '../../src/report/text.js';

export interface CaseLimits {
  /** Growth of heap + array buffers over the case's start allowed before it counts as a failure. */
  readonly memoryBytes: number;
  /** Wall-clock time after which the case is reported as slow (reported, not failed). */
  readonly slowMs: number;
}

export const DEFAULT_CASE_LIMITS: CaseLimits = { memoryBytes: 256 << 20, slowMs: 10_000 };

export interface CaseOutcome {
  readonly failures: string[];
  readonly ms: number;
  readonly slow: boolean;
  /** Peak growth of heap + array buffers during the analysis, bytes. */
  readonly peakBytes: number;
  /** Frames and TLS sessions the analysis got out of the file; undefined when it was not a capture. */
  readonly frames?: number;
  readonly sessions?: number;
  /** Outputs produced (command and format), for the summary. */
  readonly outputs: number;
}

/** Control characters (except newline), DEL, C1 controls and bidi controls: none may reach a terminal from data. */
// eslint-disable-next-line no-control-regex
export const RAW_UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[0-9;]*m/g;

/** What JSON's rules guarantee (RFC 8259 §7: control characters escaped); newlines are the pretty-printing's. */
// eslint-disable-next-line no-control-regex
export const RAW_UNSAFE_JSON = /[\u0000-\u0009\u000b-\u001f]/;

/** Where the first unsafe character is, described, or undefined. `sgr`: the renderer's own colours are allowed. */
export function firstUnsafe(text: string, sgr = false, re: RegExp = RAW_UNSAFE): string | undefined {
  const t = sgr ? text.replace(SGR, '') : text;
  const m = re.exec(t);
  if (!m) return undefined;
  const code = m[0].codePointAt(0)!;
  return `U+${code.toString(16).padStart(4, '0')} at ${m.index}: ${JSON.stringify(t.slice(Math.max(0, m.index - 30), m.index + 10))}`;
}

/** Every string the analysis took from the capture, in a document (until the narration exists for every capture). */
export function analysisDoc(a: Analysis): Doc {
  const blocks: Block[] = [];
  const findings: Finding[] = [];
  for (const s of a.sessions) {
    const inner: Block[] = [];
    const pairs: [string, Inline[]][] = [];
    if (s.sni !== undefined) pairs.push(['SNI', [{ kind: 'code', text: s.sni }]]);
    if (s.tls.preamble) pairs.push(['Preamble', [s.tls.preamble.protocol]]);
    pairs.push(['Outcome', [s.tls.outcome.kind, ' ', { kind: 'frames', frames: [s.connection.firstFrame, s.connection.lastFrame] }]]);
    inner.push({ kind: 'kv', pairs });
    const rows: Inline[][][] = [];
    for (const m of s.certificateMessages) {
      for (const ref of m.certificates) {
        const c = a.pool.get(ref.id);
        if (!c) continue;
        const san = c.san ? [...c.san.dns, ...c.san.ip, ...c.san.uri, ...c.san.email, ...c.san.other.map((o) => `${o.type}:${o.value}`)].join(', ') : '';
        rows.push([[m.from], [{ kind: 'strong', text: c.subject?.rfc4514 ?? c.error ?? '?' }], [c.issuer?.rfc4514 ?? ''], [{ kind: 'em', text: san }], [c.warnings.join('; ')], [{ kind: 'frames', frames: [ref.frame] }]]);
      }
    }
    if (rows.length) inner.push({ kind: 'table', columns: ['from', 'subject', 'issuer', 'SAN', 'warnings', 'frame'], rows });
    if (s.certificateRequest) inner.push({ kind: 'list', items: s.certificateRequest.caNames.map((n) => [n.text]) });
    inner.push({
      kind: 'ladder',
      left: s.client ? `${s.client.ip}:${s.client.port}` : 'A',
      right: s.sni ?? (s.server ? `${s.server.ip}:${s.server.port}` : 'B'),
      steps: s.tls.messages.slice(0, 40).map((m) => ({ from: m.dir === 0 ? 'left' : 'right', label: m.kind === 'handshake' && m.body?.kind === 'client-hello' ? `ClientHello ${m.body.serverName ?? ''}` : m.kind, frame: m.frame, ...(m.kind === 'handshake' && m.error ? { note: m.error.message, tone: 'bad' as const } : {}) })),
    });
    for (const an of s.tls.anomalies) findings.push({ severity: 'warning', rule: 'C3', code: an.code, session: s.id, frames: [an.frame], title: an.code, detail: an.message });
    blocks.push({ kind: 'section', title: `Session ${s.id} ${s.sni ?? ''}`, blocks: inner });
  }
  for (const p of a.capture.problems) findings.push({ severity: p.severity === 'fatal' ? 'error' : 'warning', rule: 'C4', code: 'capture', frames: p.frame ? [p.frame] : [], title: p.message, detail: `byte offset ${p.fileOffset}` });
  const notes = statsNotes(a.stats);
  if (notes.length) blocks.push({ kind: 'paragraph', content: notes.map((n) => n.text) });
  blocks.push({ kind: 'findings', findings });
  blocks.push({ kind: 'code', text: a.sessions.map((s) => s.sni ?? '').join('\n') });
  return { title: a.source, blocks };
}

interface CliRun {
  code: number | undefined;
  out: string;
  err: string;
  threw?: unknown;
}

async function cli(args: string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  try {
    const code = await main(args, { out: (t) => void (out += t), err: (t) => void (err += t) });
    return { code, out, err };
  } catch (e) {
    return { code: undefined, out, err, threw: e };
  }
}

let reportFormats: string[] | undefined;

/** The report command's formats, when the CLI has a report command (it is being written alongside). */
async function reportCommandFormats(): Promise<string[]> {
  if (reportFormats) return reportFormats;
  const help = await cli(['report', '--help']);
  const text = help.out + help.err;
  if (help.code !== 0 || !/--format/.test(text)) return (reportFormats = []);
  reportFormats = ['text', 'markdown', 'json', 'csv', 'html'].filter((f) => text.includes(f));
  return reportFormats;
}

function describe(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}\n${(e.stack ?? '').split('\n').slice(1, 6).join('\n')}`;
  return String(e);
}

/** Runs one file through everything. Never throws. */
export async function runCase(path: string, limits: CaseLimits = DEFAULT_CASE_LIMITS): Promise<CaseOutcome> {
  const failures: string[] = [];
  const t0 = performance.now();
  const m0 = process.memoryUsage();
  const base = m0.heapUsed + m0.arrayBuffers;
  let peak = 0;
  let n = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.heapUsed + m.arrayBuffers - base);
  };
  let analysis: Analysis | undefined;
  try {
    analysis = await analyzeCapture(path, {
      sourceName: 'case',
      onFrame: () => {
        if ((++n & 63) === 0) sample();
      },
    });
    sample();
  } catch (e) {
    if (!(e instanceof CaptureFormatError)) failures.push(`analyzeCapture threw ${describe(e)}`);
  }
  if (peak > limits.memoryBytes) failures.push(`memory: the analysis grew heap + buffers by ${peak} bytes (cap ${limits.memoryBytes})`);

  let outputs = 0;
  if (analysis) {
    const doc = analysisDoc(analysis);
    for (const [what, render] of [
      ['renderText', () => renderText(doc, { color: false, width: 100 })],
      ['renderText --color', () => renderText(doc, { color: true, width: 80 })],
      ['renderMarkdown', () => renderMarkdown(doc)],
    ] as const) {
      try {
        const out = render();
        outputs++;
        const bad = firstUnsafe(out, what === 'renderText --color');
        if (bad) failures.push(`${what}: raw ${bad}`);
      } catch (e) {
        failures.push(`${what} threw ${describe(e)}`);
      }
    }
  }

  const runs: [string[], 'text' | 'json' | 'csv'][] = [
    [['flows', path], 'text'],
    [['flows', path, '--format', 'json'], 'json'],
    [['certs', path], 'text'],
    [['certs', path, '--format', 'json'], 'json'],
  ];
  for (const f of await reportCommandFormats()) runs.push([['report', path, '--format', f], f === 'json' ? 'json' : f === 'csv' ? 'csv' : 'text']);
  for (const [args, kind] of runs) {
    const r = await cli(args);
    const what = args.filter((a) => a !== path).join(' ');
    outputs++;
    if (r.threw !== undefined) {
      failures.push(`ekuscope ${what} threw ${describe(r.threw)}`);
      continue;
    }
    if (r.code === undefined || ![0, 1, 2].includes(r.code)) failures.push(`ekuscope ${what}: exit code ${r.code}`);
    if (kind === 'json' && r.code !== 2) {
      try {
        JSON.parse(r.out);
      } catch (e) {
        failures.push(`ekuscope ${what}: output is not JSON (${(e as Error).message})`);
      }
    }
    // CSV ends its lines with CRLF (RFC 4180); JSON escapes by JSON's rules; text escapes everything.
    const bad = firstUnsafe(kind === 'csv' ? r.out.replace(/\r\n/g, '\n') : r.out, false, kind === 'json' ? RAW_UNSAFE_JSON : RAW_UNSAFE);
    if (bad) failures.push(`ekuscope ${what}: raw ${bad} in standard output`);
    const badErr = firstUnsafe(r.err);
    if (badErr) failures.push(`ekuscope ${what}: raw ${badErr} in standard error`);
  }
  const ms = performance.now() - t0;
  return {
    failures,
    ms,
    slow: ms > limits.slowMs,
    peakBytes: peak,
    outputs,
    ...(analysis ? { frames: analysis.capture.frames, sessions: analysis.sessions.length } : {}),
  };
}
