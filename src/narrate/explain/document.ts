/** The neutral document of a report: the summary table, each case's inputs and boxes, a section per session or group of sessions alike. */
import type { CertInfo } from '../../x509/index.js';
import { certName, editionText, ekuText, endpointText, serialText, type ExpresswayBox } from '../../expressway/index.js';
import type { Block, Doc, Finding, Inline, Severity } from '../doc.js';
import type { SessionStory, StoryOutcome } from '../explanation.js';
import { SEVERITY_ORDER, type CaseEntry, type ReportCase, type SessionEntry } from './common.js';

/** The document without its sessions' sections: the summary, inputs and case-wide notes (after `--follow` told each session). */
export function withoutSessionSections(doc: Doc): Doc {
  const strip = (blocks: readonly Block[]): Block[] =>
    blocks.filter((b) => !(b.kind === 'section' && SECTION_SOURCE in b)).map((b) => (b.kind === 'section' && b.id !== undefined && b.id !== 'summary' ? { ...b, blocks: strip(b.blocks) } : b));
  return { ...doc, blocks: strip(doc.blocks) };
}

function outcomeCell(st: SessionStory): Inline[] {
  const sev = storySeverity(st.outcome);
  const word = st.outcome === 'ok' ? 'ok' : st.outcome === 'failed' ? 'FAILED' : st.outcome === 'warning' ? 'warning' : 'unknown';
  return [{ kind: 'severity', severity: sev }, ` ${word}: ${st.outcomeText}`];
}

const OUTCOME_WORD: Record<StoryOutcome, string> = { ok: 'ok', failed: 'FAILED', warning: 'warning', unknown: 'not visible' };

function storySeverity(o: StoryOutcome): Severity {
  return o === 'ok' ? 'ok' : o === 'failed' ? 'error' : o === 'warning' ? 'warning' : 'info';
}

/** A summary line's mark: the worse of the outcome's and the worst finding's (an ERROR finding is never shown as a warning). */
export function lineSeverity(st: SessionStory): Severity {
  let sev = storySeverity(st.outcome);
  for (const f of st.findings) if ((f.severity === 'error' || f.severity === 'warning') && SEVERITY_ORDER[f.severity] < SEVERITY_ORDER[sev]) sev = f.severity;
  return sev;
}

/** The word after the mark: the outcome's, or "ERROR" when an error finding stands over a handshake that did not fail. */
function lineWord(st: SessionStory): string {
  return st.outcome !== 'failed' && lineSeverity(st) === 'error' ? 'ERROR' : OUTCOME_WORD[st.outcome];
}

/** The one finding that says most: the first error, else the first warning, else the key ok fact. */
function conclusion(st: SessionStory): string {
  const fs = st.findings;
  const errors = fs.filter((f) => f.severity === 'error');
  // Prefer the certificate's reason over the bare rejection when both are errors.
  // A broken store rule (X1) is the root of what the certificate then lacks.
  const cause = errors.find((f) => f.code === 'store-mismatch') ?? errors.find((f) => /lacks|does not allow|restricts|expired|trusted CA list/.test(f.title));
  const top = errors.length > 1 && cause ? cause : (errors[0] ?? fs.find((f) => f.severity === 'warning'));
  if (top) return `${top.title} [${top.rule}]`;
  const ok = fs.find((f) => f.code === 'client-cert-has-clientauth') ?? fs.find((f) => f.code === 'server-cert-has-serverauth');
  return ok ? ok.title : '';
}

function boxKv(b: ExpresswayBox): [string, Inline[]] {
  const parts: string[] = [];
  parts.push(b.edition === 'expressway' ? 'Expressway (edition not stated in the inputs)' : `${editionText(b.edition)}${b.editionBasis ? ` (${b.editionBasis})` : ''}`);
  parts.push(b.addresses.length ? `addresses ${b.addresses.join(', ')}${b.addressBasis === 'option' ? ' (--expressway)' : ''}` : 'no address known');
  if (b.version) parts.push(`software ${b.version}`);
  if (b.checking) parts.push(`SIP TLS EKU checking ${b.checking.mode}${b.checking.defaulted ? ' (not in xconf: default On, X4)' : ' (xconf, X4)'}`);
  const st = b.stores;
  if (st) {
    const leaf = (l: readonly { cert: CertInfo; file: string }[]) => (l[0] ? `${certName(l[0].cert)}, serial ${serialText(l[0].cert)}, ${ekuText(l[0].cert)} (${l[0].file})` : 'none');
    parts.push(`client store: ${leaf(st.client)}`);
    parts.push(`server store: ${leaf(st.server)}`);
    parts.push(`trusted CAs: ${st.ca.length}`);
  }
  return [b.name, [parts.join('; ')]];
}

/** The id of a session's section: its case, capture and TCP stream (stream ids repeat across captures). */
function sessionAnchor(s: DocSession): string {
  return `session-${s.caseIndex}-${s.id}-${s.source}`;
}

/** A session's summary line without its capture's name: the mark, the ends, service and version, the outcome word and why. */
export interface SummaryLine {
  readonly severity: Severity;
  readonly ends: string;
  readonly word: string;
  readonly tail: string;
}

/**
 * What the document needs of a session: where it is, its summary line, what makes it the same story
 * as others, and its section told alone. Made from a told session (docSession), or from what a report
 * told as the capture is read set aside (its blocks read back when the section is written).
 */
export interface DocSession {
  readonly caseIndex: number;
  readonly id: number;
  readonly source: string;
  /** The frame a list of sessions names it by: its ClientHello's, else its connection's first. */
  readonly frame: number;
  readonly outcome: StoryOutcome;
  /** Its mark in the list: the worst of its outcome and its findings (lineSeverity). */
  readonly severity: Severity;
  readonly line: SummaryLine;
  /** What makes two sessions of a capture the same story to a reader: equal for those only. */
  readonly likeness: string;
  /** Its section's title, alone. */
  readonly title: string;
  /** Its section's blocks, alone (made when read, a new array each time). */
  blocks(): Block[];
}

/** What a session's section is told from. */
type ToldSession = Pick<SessionEntry, 'a' | 'story'> & Partial<Pick<SessionEntry, 'caseIndex' | 'alsoIn'>>;

/** A told session as the document sees it; the parts made when read. */
class ToldDocSession implements DocSession {
  /** Made once: likeness reads it, and so do the summary (a group's first session) and the streamed report's spool. */
  #line: SummaryLine | undefined;
  constructor(private readonly s: ToldSession) {}
  get caseIndex(): number {
    return this.s.caseIndex ?? 0;
  }
  get id(): number {
    return this.s.a.session.id;
  }
  get source(): string {
    return this.s.a.source;
  }
  get frame(): number {
    return this.s.a.helloFrames.client ?? this.s.a.session.connection.firstFrame;
  }
  get outcome(): StoryOutcome {
    return this.s.story.outcome;
  }
  get severity(): Severity {
    return lineSeverity(this.s.story);
  }
  get line(): SummaryLine {
    return (this.#line ??= this.summaryLine());
  }
  private summaryLine(): SummaryLine {
    const { a, story } = this.s;
    const why = conclusion(story);
    return {
      severity: lineSeverity(story),
      ends: `${a.client.short} → ${a.server.short}:${a.server.endpoint.port}${story.service && a.service.service ? `, ${story.service}` : ''}, ${a.versionText}: `,
      word: lineWord(story),
      tail: ` (${a.outcome.text})${why ? `. ${why}` : ''}`,
    };
  }
  /** The summary line, the headline, the findings, the certificates each side presented and the SNI. A client retrying every few seconds gives hundreds alike. */
  get likeness(): string {
    const { a, story } = this.s;
    const x = a.session;
    const l = this.line;
    return JSON.stringify([
      l.severity,
      l.ends,
      l.word,
      l.tail,
      story.headline,
      story.findings.map((f) => `${f.severity}:${f.code}:${f.title}`),
      x.serverCertificates.map((r) => r.id),
      x.clientCertificates.map((r) => r.id),
      x.clientCertificateEmpty,
      x.sni ?? null,
    ]);
  }
  get title(): string {
    const a = this.s.a;
    return `Session #${a.session.id} in ${a.source}: ${endpointText(a.client.endpoint)} → ${endpointText(a.server.endpoint)}`;
  }
  blocks(): Block[] {
    const { a, story: st } = this.s;
    const b: Block[] = [{ kind: 'paragraph', content: [{ kind: 'severity', severity: lineSeverity(st) }, ' ', { kind: 'strong', text: st.headline }] }, { kind: 'list', items: st.sentences }];
    const fs = st.findings.filter((f) => f.severity !== 'ok' || f.code === 'client-cert-has-clientauth' || f.code === 'server-cert-has-serverauth' || f.code === 'store-as-expected');
    if (fs.length) b.push({ kind: 'section', title: 'Findings', blocks: [{ kind: 'findings', findings: fs }] });
    const ladder = st.ladder;
    if (ladder.length) b.push({ kind: 'ladder', left: a.client.short, right: a.server.short, steps: ladder });
    b.push(...st.blocks);
    return b;
  }
}

/** A told session as the document sees it. */
export function docSession(s: ToldSession): DocSession {
  return new ToldDocSession(s);
}

const SECTION_SOURCE = Symbol('section source');
const SECTION_ALIKE = Symbol('sessions alike');
function sessionSectionBlocks(this: { readonly [SECTION_SOURCE]: DocSession; readonly [SECTION_ALIKE]: readonly DocSession[] }): Block[] {
  const s = this[SECTION_SOURCE];
  const alike = this[SECTION_ALIKE];
  const b = s.blocks();
  if (alike.length) {
    const n = alike.length;
    const paragraph: Block = {
      kind: 'paragraph',
      content: [
        `${n.toLocaleString('en-US')} more session${n === 1 ? '' : 's'} went the same way (the same ends but for the client's port, the same certificates, the same outcome and findings), so ${n === 1 ? 'it is' : 'they are'} not told again: ${sessionList(alike, s)}. Every frame number below is this session's.`,
      ],
    };
    // After the headline.
    b.splice(1, 0, paragraph);
  }
  return b;
}
const SECTION_BLOCKS: PropertyDescriptor = Object.freeze({ enumerable: true, configurable: true, get: sessionSectionBlocks });

/** A session's section of the document, its content made when read (a renderer reads it once, as it writes it). */
export function sessionSection(s: ToldSession | DocSession, alike: readonly DocSession[] = [], id = 'session'): Block {
  const d = 'blocks' in s ? s : docSession(s);
  const more = alike.length ? ` (and ${alike.length.toLocaleString('en-US')} more alike)` : '';
  const section = { kind: 'section' as const, id, title: `${d.title}${more}` };
  Object.defineProperty(section, SECTION_SOURCE, { value: d });
  Object.defineProperty(section, SECTION_ALIKE, { value: alike });
  return Object.defineProperty(section, 'blocks', SECTION_BLOCKS) as unknown as Block;
}

/** The summary line of a session, its capture named when the case has several. */
function summaryWhat(l: SummaryLine, src: string): Inline[] {
  return [{ kind: 'severity', severity: l.severity }, ` ${src}${l.ends}`, { kind: 'strong', text: l.word }, l.tail];
}

/** A session that tells its group's story, and the sessions that went the same way. */
interface SessionGroup {
  readonly lead: DocSession;
  readonly what: Inline[];
  readonly alike: DocSession[];
}

/** A case as the document tells it: its sessions in order, and its case-wide findings. */
export interface DocCase {
  readonly c: ReportCase;
  readonly sessions: readonly DocSession[];
  readonly findings: readonly Finding[];
}

/** Sessions grouped by their capture and likeness, in order of their first session; never across cases. */
function groupAlike(entries: readonly DocCase[]): Map<DocCase, SessionGroup[]> {
  const out = new Map<DocCase, SessionGroup[]>();
  for (const e of entries) {
    const groups: SessionGroup[] = [];
    const byKey = new Map<string, SessionGroup>();
    const named = e.c.dedupe === false && e.c.analyses.length > 1;
    for (const s of e.sessions) {
      const src = named ? `[${s.source}] ` : '';
      const key = `${src}\n${s.likeness}`;
      const known = byKey.get(key);
      if (known) {
        known.alike.push(s);
        continue;
      }
      const g: SessionGroup = { lead: s, what: summaryWhat(s.line, src), alike: [] };
      byKey.set(key, g);
      groups.push(g);
    }
    out.set(e, groups);
  }
  return out;
}

/**
 * "#1 (frame 12), #2 (frame 30) … #399 (frame 9012)": the first ten and the last three when there
 * are more. A session in another capture file than `lead`'s is named with its file: session ids and
 * frame numbers belong to one file.
 */
function sessionList(list: readonly DocSession[], lead: DocSession): string {
  const one = (s: DocSession) => `#${s.id}${s.source !== lead.source ? ` in ${s.source}` : ''} (frame ${s.frame})`;
  if (list.length <= 13) return list.map(one).join(', ');
  return `${list.slice(0, 10).map(one).join(', ')} … ${list.slice(-3).map(one).join(', ')}`;
}

export function buildDoc(title: string, entries: readonly CaseEntry[], storiesAbove: boolean): Doc {
  return documentOf(
    title,
    entries.map((e) => ({ c: e.c, findings: e.findings, sessions: e.sessions.map(docSession) })),
    storiesAbove,
  );
}

/** The document of a report, from its cases' sessions as the document sees them. */
export function documentOf(title: string, entries: readonly DocCase[], storiesAbove: boolean): Doc {
  const blocks: Block[] = [];
  const all = entries.flatMap((e) => e.sessions);
  // Counted by the mark each line carries, so that the sentence and the list agree: a handshake that
  // completed with an error found (a certificate not yet valid) is marked ✖ and is not "fine".
  const failed = all.filter((s) => s.outcome === 'failed').length;
  const ok = all.filter((s) => s.severity === 'ok').length;
  const errorFound = all.filter((s) => s.outcome !== 'failed' && s.severity === 'error').length;
  const multi = entries.length > 1;
  const grouped = groupAlike(entries);
  const summaryRows: Inline[][][] = entries.flatMap((e) =>
    grouped.get(e)!.map((g) => {
      const more = g.alike.length;
      const what: Inline[] = more ? [...g.what, `. The same in ${more.toLocaleString('en-US')} more session${more === 1 ? '' : 's'}: ${sessionList(g.alike, g.lead)}.`] : g.what;
      const ref: Inline[] = [{ kind: 'link', text: `#${g.lead.id}`, to: sessionAnchor(g.lead) }];
      return multi ? [[e.c.name], ref, what] : [ref, what];
    }),
  );
  const summary: Block[] = [
    {
      kind: 'paragraph',
      content: [
        `${multi ? `${entries.length} cases, ` : ''}${all.length} TLS session(s): ${ok} fine, ${failed} failed, ${errorFound ? `${errorFound} not failed but with an error found, ` : ''}${all.length - ok - failed - errorFound} with warnings or not fully visible. Each line ${storiesAbove ? 'was explained above, as its session came' : 'is explained further on'}, every sentence with the frames that show it. ✔ fine, ✖ failed or an error found, ▲ warning, ℹ not fully visible; [E2], [T6], [X4]… name the rule a conclusion rests on (E: certificates and EKU, T: the TLS handshake, C: what the capture can show, X: Expressway).`,
      ],
    },
  ];
  if (all.length) summary.push({ kind: 'table', columns: multi ? ['case', 'session', 'what happened'] : ['session', 'what happened'], rows: summaryRows });
  blocks.push({ kind: 'section', title: 'Summary', id: 'summary', blocks: summary });

  for (const e of entries) {
    const caseBlocks: Block[] = [];
    const kv: [string, Inline[]][] = [['inputs', [e.c.inputs.join(', ') || 'none']]];
    for (const b of e.c.context.boxes) kv.push(boxKv(b));
    if (e.c.context.boxes.length === 0) kv.push(['Expressway', ['none known: a plain TLS explanation (give a bundle, or --expressway IP[=NAME], for store and checking-mode rules)']]);
    caseBlocks.push({ kind: 'kv', pairs: kv });
    if (e.sessions.length === 0) {
      const nonTls = e.c.analyses.reduce((n, a) => n + a.connections.length, 0);
      const full = e.c.analyses.some((an) => an.stats.connectionsOverLimit !== undefined);
      caseBlocks.push({ kind: 'paragraph', content: [`No TLS handshake was found (${full ? 'more than ' : ''}${nonTls.toLocaleString('en-US')} TCP connection(s) in the capture${e.c.analyses.length > 1 ? 's' : ''}).`] });
    }
    for (const g of grouped.get(e)!) caseBlocks.push(sessionSection(g.lead, g.alike, sessionAnchor(g.lead)));
    if (e.findings.length || e.c.notes.length || e.c.context.notes.length) {
      const nb: Block[] = [];
      if (e.findings.length) nb.push({ kind: 'findings', findings: e.findings });
      const notes = [...e.c.notes, ...e.c.context.notes];
      if (notes.length) nb.push({ kind: 'list', items: notes.map((n) => [n]) });
      caseBlocks.push({ kind: 'section', title: 'Stores, configuration and capture notes', blocks: nb });
    }
    if (multi) blocks.push({ kind: 'section', title: `Case ${e.c.name}`, id: e.c.name, blocks: caseBlocks });
    else {
      blocks.push({ kind: 'section', title: 'Inputs and Expressway boxes', blocks: caseBlocks.slice(0, 1) });
      // One section per story, hundreds of thousands in a large capture: never as call arguments.
      for (let i = 1; i < caseBlocks.length; i++) blocks.push(caseBlocks[i]!);
    }
  }
  return { title: entries.length === 1 ? `${title}: ${entries[0]!.c.name}` : title, blocks };
}
