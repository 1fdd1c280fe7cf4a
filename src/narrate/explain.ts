/**
 * The explainer: analysed captures + Expressway context → Explanation (explanation.ts), i.e. one
 * story per TLS session in plain sentences a support engineer can paste into a ticket, each sentence
 * carrying the frames that prove it; findings with fixes; a ladder per notable handshake; the neutral
 * document every format renders; and the versioned JSON model (schema/report.schema.json).
 *
 * Pure: no file system, no process, no UI. Rules live in expressway/rules.ts; this module words them.
 * Strings from captures and bundles go into the document as they are: renderers neutralise them.
 *
 * Cost: assessments and stories are built once per session (chains and purposes memoised per
 * report); the document and the JSON model are built on first use, so a JSON report never builds
 * the document and a text report never builds the JSON.
 *
 * The parts live in explain/: the story's sentences part by part (hellos, certificates,
 * certificate-request, outcome), its ladder and story, the case-wide findings, the document and the JSON model.
 */
import type { Analysis, Session } from '../analysis/index.js';
import { RuleCache, assessSession, handshakeKey, type ExpresswayContext, type SessionAssessment } from '../expressway/index.js';
import type { Block, Doc } from './doc.js';
import { caseFindings } from './explain/case-findings.js';
import type { CaseEntry, ExplainOptions, ReportCase, SessionEntry } from './explain/common.js';
import { buildDoc, sessionSection } from './explain/document.js';
import { buildJson, jsonParts, sessionJson, wholeParts } from './explain/json.js';
import { makeStory } from './explain/story.js';
import type { Explanation, SessionStory } from './explanation.js';

export type { ExplainOptions, ReportCase } from './explain/common.js';
export { REPORT_SCHEMA_ID, REPORT_SCHEMA_VERSION, caseFindingJson, reportModel, wholeParts, type ReportCounts, type ReportJson } from './explain/json.js';
export { caseFindings, type CaseSessionFacts } from './explain/case-findings.js';
export { lineSeverity, withoutSessionSections } from './explain/document.js';

/** The title of a report's document when none is given. */
export const REPORT_TITLE = 'ekuscope report';

/** One handshake of a case, told once: the capture it is told from, and where else it was captured (another box's capture). */
export interface CaseHandshake {
  readonly analysis: Analysis;
  readonly session: Session;
  readonly alsoIn: { source: string; session: Session }[];
}

/**
 * A case's sessions as the report tells them, in its order: a handshake captured on two boxes of a
 * bundle (`dedupe`) once, from the first capture that has it. Needs the sessions only, not their assessment.
 */
export function caseHandshakes(c: ReportCase): CaseHandshake[] {
  const byKey = new Map<string, CaseHandshake>();
  const order: CaseHandshake[] = [];
  for (let ai = 0; ai < c.analyses.length; ai++) {
    const an = c.analyses[ai]!;
    for (const s of an.sessions) {
      const own = `${ai}/${s.id}`;
      const key = c.dedupe === false ? own : handshakeKey(s);
      const prev = byKey.get(key);
      if (prev && prev.analysis !== an) {
        prev.alsoIn.push({ source: an.source, session: s });
        continue;
      }
      const h: CaseHandshake = { analysis: an, session: s, alsoIn: [] };
      byKey.set(prev ? `${key}#${own}` : key, h);
      order.push(h);
    }
  }
  return order;
}

/** One handshake's assessment (the rules) and its story. */
export function tellHandshake(c: ReportCase, h: CaseHandshake, cache: RuleCache, opts: ExplainOptions = {}): { a: SessionAssessment; story: SessionStory } {
  const a = assessSession(h.analysis, h.session, c.context, cache);
  return { a, story: makeStory(a, h.alsoIn, opts.allLadders === true, !c.context.stores.empty) };
}

/** Builds the explanation of every case. */
export function explain(cases: readonly ReportCase[], opts: ExplainOptions = {}): Explanation {
  const cache = new RuleCache();
  const entries: CaseEntry[] = [];
  for (let caseIndex = 0; caseIndex < cases.length; caseIndex++) {
    const c = cases[caseIndex]!;
    const sessions: SessionEntry[] = [];
    for (const h of caseHandshakes(c)) {
      const { a, story } = tellHandshake(c, h, cache, opts);
      sessions.push({ caseIndex, analysis: h.analysis, a, alsoIn: h.alsoIn, story });
    }
    entries.push({ c, sessions, findings: caseFindings(c, sessions.map((x) => x.a)) });
  }

  const stories = entries.flatMap((e) => e.sessions.map((s) => s.story));
  const findings = entries.flatMap((e) => [...e.sessions.flatMap((s) => s.story.findings), ...e.findings]);
  const title = opts.title ?? REPORT_TITLE;
  let doc: Doc | undefined;
  let json: unknown;
  return {
    title,
    stories,
    findings,
    get doc(): Doc {
      doc ??= buildDoc(title, entries, opts.storiesAbove === true);
      return doc;
    },
    get json(): unknown {
      json ??= buildJson(entries, opts);
      return json;
    },
    jsonParts: () => (json !== undefined ? wholeParts(json as Record<string, unknown>) : undefined) ?? jsonParts(entries, opts),
  };
}

/** One session told on its own, as soon as it is built (`report --follow`): its story, its section of the document, its JSON. */
export interface SessionTold {
  readonly story: SessionStory;
  /** The section the whole report gives it (never grouped with sessions alike: those are not known yet). */
  readonly section: Block;
  /** The session as the JSON model's `sessions[]` has it. */
  json(caseName: string): unknown;
  /** What the story was told from (the JSON model's status, the case-wide findings' facts). */
  readonly assessment: SessionAssessment;
}

/**
 * Tells one session of a capture still being read. `an` needs its source, pool and the capture's first
 * timestamp (validity is judged at the capture's time); case-wide findings wait for the whole case.
 */
export function explainSession(an: Analysis, s: Session, context: ExpresswayContext, cache: RuleCache, opts: ExplainOptions = {}): SessionTold {
  const a = assessSession(an, s, context, cache);
  const entry: SessionEntry = { caseIndex: 0, analysis: an, a, alsoIn: [], story: makeStory(a, [], opts.allLadders === true, !context.stores.empty) };
  return { story: entry.story, section: sessionSection(entry), json: (caseName) => sessionJson(entry, caseName), assessment: a };
}
