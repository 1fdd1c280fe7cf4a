/**
 * `ekuscope report` told as the captures are read (ReportOptions.stream): each session assessed,
 * told and rendered as its connection closes, its part of the output set aside in a spool, and let
 * go; what comes before the sessions (the summary, the lists) made from what was kept of each. The
 * output is exactly what the report made from the whole explanation writes, in every format:
 * - JSON: the session's element of `sessions` and its findings' elements of `findings`;
 * - CSV: the session's rows (there is no summary);
 * - text, Markdown, HTML: the blocks of the session's section (its headline, sentences, findings,
 *   ladder and certificate table) as JSON, read back when the section is written; kept of each
 *   session are its summary line and what tells which sessions went the same way (the document's
 *   summary has a line for each group, and the group's first session's section names the others).
 */
import { createHash } from 'node:crypto';
import { analysisSoFar, type Analysis, type AnalyzeOptions } from '../analysis/index.js';
import { buildContext, RuleCache, type BoxStores, type GivenExpressway } from '../expressway/index.js';
import { caseFindingJson, caseFindings, explainSession, reportModel, REPORT_TITLE, type CaseSessionFacts, type ReportCase, type SessionTold } from '../narrate/explain.js';
import { docSession, documentOf, type DocSession, type SummaryLine } from '../narrate/explain/document.js';
import type { Block, Severity } from '../narrate/doc.js';
import type { StoryOutcome } from '../narrate/explanation.js';
import { csvSessionRows, CSV_HEADER, type SessionRow } from '../report/csv.js';
import { jsonElement, renderJsonFromParts } from '../report/json.js';
import { isDocFormat, renderDocument, type RenderOptions, type ReportFormat, type ReportResult } from './report-render.js';
import { Spool } from './spool.js';
import { CertPool } from '../x509/index.js';

/** Certificates a streamed report keeps decoded: the ones met last (a session's are kept until it is told). */
const STREAMED_POOL_KEEP = 2048;
/** Chains and purposes a streamed report remembers before it starts its memo again (each keeps its certificates). */
const STREAMED_MEMO_ENTRIES = 1024;

/** What a streamed report is told and rendered with (the report's options). */
export interface StreamedOptions extends RenderOptions {
  /** More analysis options for each capture, by its display name and size. */
  readonly analyzeOptions?: (sourceName: string, sizeHint: number | undefined) => Partial<AnalyzeOptions>;
  readonly quiet?: boolean;
  readonly skipRender?: boolean;
}

/** A case to read: its name, and how to read it with the analysis options given (the report's loadCase). */
export interface StreamedCase {
  readonly name: string;
  load(analyzeOptions: (name: string, size: number | undefined) => Partial<AnalyzeOptions>): Promise<ReportCase>;
}

/** What a streamed report's cases share: the Expressway addresses and stores given. */
export interface StreamedInputs {
  readonly given: readonly GivenExpressway[];
  readonly optionStores: BoxStores | undefined;
  readonly boxStores: readonly { readonly box: string; readonly stores: BoxStores }[];
}

/** A session told as it settled and set aside in the spool: what the summary, the lists and the case's findings need of it. */
interface SpooledSession {
  readonly id: number;
  /** Its part of the output (spool piece): a JSON element, CSV rows (-1: none), or its section's blocks. */
  readonly piece: number;
  /** JSON: its findings' elements of `findings`, pieces `findings` to `findings + findingCount - 1`. */
  readonly findings: number;
  readonly findingCount: number;
  readonly status: string;
  readonly errors: number;
  readonly warnings: number;
  /** What the case-wide findings read of it (only when the case knows Expressway boxes). */
  readonly facts?: CaseSessionFacts;
  /** Text, Markdown, HTML: the session as the document sees it, its blocks in the spool. */
  readonly doc?: DocSession;
}

/**
 * A session of the document whose summary line, title and section's blocks wait in the spool (pieces
 * `piece` and `piece + 1`): the summary reads the line of a group's first session only, and its section
 * the title and blocks, once each. Kept: what places it and tells which sessions are alike (as a
 * digest: it is compared, never shown), a hundred bytes or so.
 */
class SpooledDocSession implements DocSession {
  constructor(
    readonly caseIndex: number,
    readonly id: number,
    readonly source: string,
    readonly frame: number,
    readonly outcome: StoryOutcome,
    readonly severity: Severity,
    readonly likeness: string,
    private readonly spool: Spool,
    private readonly piece: number,
  ) {}

  get line(): SummaryLine {
    return (JSON.parse(this.spool.get(this.piece)) as [SummaryLine, string])[0];
  }

  get title(): string {
    return (JSON.parse(this.spool.get(this.piece)) as [SummaryLine, string])[1];
  }

  blocks(): Block[] {
    return JSON.parse(this.spool.get(this.piece + 1)) as Block[];
  }
}

/** The session's document parts set aside in the spool. */
function spooledDoc(caseIndex: number, one: SessionTold, spool: Spool): DocSession {
  const d = docSession({ a: one.assessment, story: one.story, caseIndex });
  const likeness = createHash('sha256').update(d.likeness).digest('base64');
  const piece = spool.add(JSON.stringify([d.line, d.title]));
  spool.add(JSON.stringify(d.blocks()));
  return new SpooledDocSession(caseIndex, d.id, d.source, d.frame, d.outcome, d.severity, likeness, spool, piece);
}

/** The session's part of the output in a format other than the document's. */
function spooledPiece(format: ReportFormat, caseName: string, one: SessionTold, spool: Spool): number {
  if (format === 'json') return spool.add(jsonElement(one.json(caseName)));
  const rows = csvSessionRows(one.json(caseName) as SessionRow);
  return rows ? spool.add(rows) : -1;
}

/**
 * The report told as the captures are read. Undefined when a session was told before something that
 * changes it came (Analysis.toldEarly: a late alert after both FINs, secrets after the packets): the
 * report is then made the whole way.
 */
export async function streamedReport(specs: readonly StreamedCase[], format: ReportFormat, opts: StreamedOptions, inputs: StreamedInputs, check: (cases: readonly ReportCase[]) => void): Promise<ReportResult | undefined> {
  const spool = new Spool();
  try {
    let cache = new RuleCache();
    const told = new Map<CertPool, SpooledSession[]>();
    const cases: ReportCase[] = [];
    for (let caseIndex = 0; caseIndex < specs.length; caseIndex++) {
      const spec = specs[caseIndex]!;
      // What loadCase builds for capture files, known before they are read.
      const context = buildContext({ bundles: [], given: inputs.given, ...(inputs.optionStores ? { optionStores: inputs.optionStores } : {}), boxStores: inputs.boxStores });
      const analyzeOptions = (name: string, size: number | undefined): Partial<AnalyzeOptions> => {
        const own = opts.analyzeOptions?.(name, size) ?? {};
        let firstTs: { sec: number; nsec: number } | undefined;
        // What telling a session needs of its capture (its name, pool and first timestamp): the same for every session of it.
        let soFar: Analysis | undefined;
        return {
          pool: new CertPool({ keep: STREAMED_POOL_KEEP }),
          ...own,
          keepSessions: false,
          tellWhenClosed: true,
          onFrame: (f) => {
            firstTs ??= { sec: f.tsSec, nsec: f.tsNsec };
            own.onFrame?.(f);
          },
          onSession: (s, pool) => {
            own.onSession?.(s, pool);
            // A memo, started again now and then: what it holds keeps the certificates it was made from.
            if (cache.chains.size + cache.purposes.size > STREAMED_MEMO_ENTRIES) cache = new RuleCache();
            if (soFar?.pool !== pool) soFar = analysisSoFar(name, pool, firstTs);
            const one = explainSession(soFar, s, context, cache);
            const fs = one.story.findings;
            let findings = 0;
            if (format === 'json') {
              findings = fs.length ? spool.add(jsonElement(caseFindingJson(spec.name, fs[0]!))) : 0;
              for (let i = 1; i < fs.length; i++) spool.add(jsonElement(caseFindingJson(spec.name, fs[i]!)));
            }
            const a = one.assessment;
            let list = told.get(pool);
            if (list === undefined) told.set(pool, (list = []));
            const doc = isDocFormat(format) ? spooledDoc(caseIndex, one, spool) : undefined;
            list.push({
              id: s.id,
              piece: doc ? -1 : spooledPiece(format, spec.name, one, spool),
              findings,
              findingCount: fs.length,
              status: a.outcome.status,
              errors: fs.filter((f) => f.severity === 'error').length,
              warnings: fs.filter((f) => f.severity === 'warning').length,
              ...(context.boxes.length > 0 && { facts: { logs: a.logs, client: a.client, server: a.server, helloFrames: a.helloFrames } }),
              ...(doc && { doc }),
            });
          },
        };
      };
      cases.push(await spec.load(analyzeOptions));
    }
    if (cases.some((c) => c.analyses.some((a) => a.toldEarly !== undefined))) {
      spool.close();
      return undefined;
    }
    check(cases);
    return spooledResult(cases, told, spool, format, opts);
  } catch (e) {
    spool.close();
    throw e;
  }
}

/** The result of a streamed report: the model or document around the sessions set aside, in the order the whole report has them. */
function spooledResult(cases: readonly ReportCase[], told: ReadonlyMap<CertPool, SpooledSession[]>, spool: Spool, format: ReportFormat, opts: StreamedOptions): ReportResult {
  const entries = cases.map((c) => {
    // Each capture's sessions by id, as the analysis keeps them.
    const sessions = c.analyses.flatMap((a) => (told.get(a.pool) ?? []).sort((x, y) => x.id - y.id));
    return { c, sessions, findings: caseFindings(c, sessions.flatMap((s) => (s.facts ? [s.facts] : []))) };
  });
  const all = entries.flatMap((e) => e.sessions);
  const caseWide = entries.flatMap((e) => e.findings);
  const counts = {
    sessions: all.length,
    ok: all.filter((s) => s.status === 'ok').length,
    failed: all.filter((s) => s.status === 'failed').length,
    errors: all.reduce((n, s) => n + s.errors, 0) + caseWide.filter((f) => f.severity === 'error').length,
    warnings: all.reduce((n, s) => n + s.warnings, 0) + caseWide.filter((f) => f.severity === 'warning').length,
  };
  const findingCount = all.reduce((n, s) => n + s.findingCount, 0) + caseWide.length;
  function* sessionPieces(): Generator<string> {
    for (const s of all) if (s.piece >= 0) yield spool.get(s.piece);
  }
  function* findingPieces(): Generator<string> {
    for (const s of all) for (let i = 0; i < s.findingCount; i++) yield spool.get(s.findings + i);
    for (const e of entries) for (const f of e.findings) yield jsonElement(caseFindingJson(e.c.name, f));
  }
  function* csvPieces(): Generator<string> {
    yield CSV_HEADER;
    yield* sessionPieces();
  }
  function formatPieces(): Iterable<string> {
    if (format === 'json') {
      const model = reportModel(entries, counts, [], { generator: opts.generator ?? 'ekuscope' });
      return renderJsonFromParts(model, { count: all.length, pieces: sessionPieces() }, { count: findingCount, pieces: findingPieces() });
    }
    if (format === 'csv') return csvPieces();
    // The document explain() builds (its default title), its sessions' sections read back from the spool.
    const doc = documentOf(REPORT_TITLE, entries.map((e) => ({ c: e.c, findings: e.findings, sessions: e.sessions.map((s) => s.doc!) })), false);
    return renderDocument(doc, format, opts);
  }
  function* pieces(): Generator<string> {
    try {
      yield* formatPieces();
    } finally {
      spool.close();
    }
  }
  const exitCode = counts.errors > 0 ? 1 : 0;
  const result = { sessions: all.length, exitCode, cases, errors: [], findings: findingCount } as const;
  if (opts.quiet) {
    if (!opts.skipRender) for (const piece of pieces()) void piece;
    spool.close();
    return { ...result, text: '', pieces: () => [] };
  }
  let text: string | undefined;
  return {
    ...result,
    get text() {
      text ??= [...pieces()].join('');
      return text;
    },
    pieces: () => (text !== undefined ? [text] : pieces()),
  };
}
