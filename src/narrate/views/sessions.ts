/** The session index: one row per TLS session of every capture open, with its outcome, and the filter over them. */
import { safeText } from '../../bytes/text.js';
import type { Session } from '../../analysis/index.js';
import { endpointText, nameService } from '../../expressway/index.js';
import { alertDescriptionName, alertLevelName, versionName } from '../../tls/index.js';
import type { Finding } from '../doc.js';
import type { SessionStory, StoryOutcome } from '../explanation.js';
import { lineSeverity } from '../explain/document.js';
import { OUTCOME_SYMBOL, OUTCOME_TONE, SEVERITY_SYMBOL, SEVERITY_TONE, captureLabel, type CaptureData, type SessionRow, type StoryTeller, type Tone, type ViewData } from './common.js';

export type { SessionRow, StoryTeller } from './common.js';

export interface SessionEntry {
  readonly row: SessionRow;
  readonly session: Session;
  readonly capture: CaptureData;
  readonly story?: SessionStory;
}

export interface ViewModel {
  readonly rows: readonly SessionRow[];
  readonly entries: ReadonlyMap<string, SessionEntry>;
  readonly counts: Readonly<Record<StoryOutcome, number>>;
  readonly findings: number;
  readonly explained: boolean;
  /** Capture- or store-wide findings (no session). */
  readonly generalFindings: readonly Finding[];
  /** Sessions left out because the explanation tells them with the same handshake from another capture. */
  readonly toldOnce: number;
  readonly captures: number;
  /** Telling the sessions when they are shown (ViewData.teller). */
  readonly teller?: StoryTeller;
}

export function sessionKey(captureIndex: number, sessionId: number): string {
  return `${captureIndex}:${sessionId}`;
}

/** A session of a told capture: its story is the teller's, told when first read. */
class ToldEntry implements SessionEntry {
  constructor(
    readonly row: SessionRow,
    readonly session: Session,
    readonly capture: CaptureData,
    private readonly teller: StoryTeller,
  ) {}

  get story(): SessionStory | undefined {
    return this.teller.story(this.row.key);
  }
}

export function buildViewModel(data: ViewData): ViewModel {
  const stories = new Map<string, SessionStory>();
  for (const s of data.explanation?.stories ?? data.stories ?? []) stories.set(`${s.source}\u0000${s.sessionId}`, s);
  const rows: SessionRow[] = [];
  const entries = new Map<string, SessionEntry>();
  const counts: Record<StoryOutcome, number> = { ok: 0, failed: 0, warning: 0, unknown: 0 };
  let findings = 0;
  let toldOnce = 0;
  const teller = data.teller;
  data.captures.forEach((capture, ci) => {
    for (const session of capture.sessions) {
      if (teller) {
        const key = sessionKey(ci, session.id);
        if (!teller.tells(key)) {
          toldOnce++;
          continue;
        }
        const marked = teller.row(key);
        // The line the analysis alone made is not needed again once the teller has marked one.
        if (marked) rowCache.delete(session);
        const row = marked ?? cachedRow(key, capture, session, undefined);
        rows.push(row);
        entries.set(key, new ToldEntry(row, session, capture, teller));
        counts[markCount(row)]++;
        findings += row.findings;
        continue;
      }
      const story = stories.get(`${capture.source}\u0000${session.id}`);
      // The explanation tells a handshake captured on two boxes once: so does the list.
      if (data.explanation && !story) {
        toldOnce++;
        continue;
      }
      const row = cachedRow(sessionKey(ci, session.id), capture, session, story);
      rows.push(row);
      entries.set(row.key, { row, session, capture, ...(story && { story }) });
      counts[markCount(row)]++;
      findings += row.findings;
    }
  });
  const generalFindings = teller ? teller.generalFindings : (data.explanation?.findings ?? []).filter((f) => f.session === undefined);
  const explained = data.explanation !== undefined || teller?.finished === true;
  return { rows, entries, counts, findings, explained, generalFindings, toldOnce, captures: data.captures.length, ...(teller && { teller }) };
}

/**
 * Where a row counts in the header: by the mark it carries, as the report's summary sentence counts,
 * so that ✖ in the header is the number of ✖ lines (failed, or an error found).
 */
function markCount(row: SessionRow): StoryOutcome {
  return row.tone === 'bad' ? 'failed' : row.tone === 'warn' ? 'warning' : row.tone === 'ok' ? 'ok' : 'unknown';
}

export function roleEndpoints(s: Session): { client: { ip: string; port: number }; server: { ip: string; port: number } } {
  return { client: s.client ?? s.connection.a, server: s.server ?? s.connection.b };
}

function isAddressName(name: string, addrs: readonly string[]): boolean {
  return addrs.includes(name) || /^[0-9a-f:.[\]]+$/i.test(name);
}

/**
 * Rows already made, by session: a viewer reading a busy capture rebuilds its model a few times a
 * second, and a finished session (the same object from one snapshot to the next) keeps its row.
 * Without it each snapshot made every row again: 20,000 sessions, ~0.4 s a snapshot.
 */
const rowCache = new WeakMap<Session, { readonly key: string; readonly source: string; readonly label: string | undefined; readonly pool: CaptureData['pool']; readonly story: SessionStory | undefined; readonly row: SessionRow }>();

function cachedRow(key: string, capture: CaptureData, s: Session, story: SessionStory | undefined): SessionRow {
  const c = rowCache.get(s);
  if (c && c.key === key && c.story === story && c.source === capture.source && c.label === capture.label && c.pool === capture.pool) return c.row;
  const row = sessionRow(key, capture, s, story);
  rowCache.set(s, { key, source: capture.source, label: capture.label, pool: capture.pool, story, row });
  return row;
}

/** A session's list line: from its story when told, else from the analysis alone. */
export function sessionRow(key: string, capture: CaptureData, s: Session, story: SessionStory | undefined): SessionRow {
  const { client, server } = roleEndpoints(s);
  const fallback = analysisOutcome(s);
  const outcome = story?.outcome ?? fallback.outcome;
  const outcomeText = safeText(story?.outcomeText ?? fallback.text);
  const service = safeText(story?.service ?? nameService({ clientPort: client.port, serverPort: server.port }).service?.name ?? '');
  const version = s.tls.version !== undefined ? versionName(s.tls.version) : s.tls.offeredMaxVersion !== undefined ? `${versionName(s.tls.offeredMaxVersion)}?` : '?';
  const clientName = story && !isAddressName(story.client.name, story.client.addresses) ? safeText(story.client.name) : undefined;
  const serverName = story && !isAddressName(story.server.name, story.server.addresses) ? safeText(story.server.name) : undefined;
  const certTexts: string[] = [];
  for (const m of s.certificateMessages) {
    for (const ref of m.certificates) {
      const c = capture.pool.get(ref.id);
      if (!c) continue;
      certTexts.push(c.serial ?? '', c.serialDisplay ?? '', c.subject?.rfc4514 ?? '', c.issuer?.rfc4514 ?? '', ...(c.san?.dns ?? []));
    }
  }
  const clientAddr = endpointText(client);
  const serverAddr = endpointText(server);
  const haystack = [
    clientAddr,
    serverAddr,
    `:${client.port}`,
    `:${server.port}`,
    clientName ?? '',
    serverName ?? '',
    service,
    version,
    outcome,
    outcomeText,
    s.sni ?? '',
    capture.source,
    capture.label ?? '',
    story?.headline ?? '',
    `#${s.id}`,
    ...certTexts,
  ]
    .join('\n')
    .toLowerCase();
  return {
    key,
    captureLabel: capture.label !== undefined ? safeText(capture.label) : captureLabel(capture.source),
    sessionId: s.id,
    clientAddr: safeText(clientAddr),
    serverAddr: safeText(serverAddr),
    ...(clientName !== undefined && { clientName }),
    ...(serverName !== undefined && { serverName }),
    service,
    version,
    outcome,
    outcomeText,
    ...rowMark(outcome, story),
    findings: story?.findings.length ?? 0,
    haystack,
  };
}

/** A row's mark: as the report's summary line, the worse of the outcome's and the worst finding's (a completed handshake with an error finding is ✖). */
export function rowMark(outcome: StoryOutcome, story: SessionStory | undefined): { symbol: string; tone: Tone } {
  const sev = story ? lineSeverity(story) : undefined;
  if (sev === 'error' || sev === 'warning') return { symbol: SEVERITY_SYMBOL[sev], tone: SEVERITY_TONE[sev] };
  return { symbol: OUTCOME_SYMBOL[outcome], tone: OUTCOME_TONE[outcome] };
}

/** The verdict the analysis alone supports, for sessions without a story (yet). */
function analysisOutcome(s: Session): { outcome: StoryOutcome; text: string } {
  const o = s.tls.outcome;
  const who = (by: string) => (by === 'unknown' ? 'one side' : `the ${by}`);
  switch (o.kind) {
    case 'completed':
      return { outcome: 'ok', text: `handshake completed (frame ${o.frame})` };
    case 'resumed':
      return { outcome: 'ok', text: `session resumed (frame ${o.frame})` };
    case 'alert': {
      const a = o.alert;
      if (a.encrypted) return { outcome: 'warning', text: `encrypted alert from ${who(a.by)} (frame ${a.frame})` };
      const fatal = a.level === 2;
      const desc = a.description !== undefined ? `${a.description} ${alertDescriptionName(a.description)}` : '?';
      return { outcome: fatal ? 'failed' : 'warning', text: `${a.level !== undefined ? alertLevelName(a.level) : ''} alert ${desc} from ${who(a.by)} (frame ${a.frame})`.trim() };
    }
    case 'closed':
    case 'reset': {
      const how = o.kind === 'closed' ? 'closed' : 'reset';
      if (s.tls.silentRejection) return { outcome: 'failed', text: `${how} by ${who(o.end.by)} without an alert after the peer's certificate (frame ${o.end.frame})` };
      return { outcome: 'warning', text: `${how} by ${who(o.end.by)} before the handshake completed (frame ${o.end.frame})` };
    }
    case 'capture-ended':
      return { outcome: 'unknown', text: `the capture ended during the handshake (frame ${o.frame})` };
    case 'tls13':
      return { outcome: 'unknown', text: o.resumed ? 'TLS 1.3 resumption: its end is not visible without keys' : 'TLS 1.3: the end of the handshake is not visible without keys' };
    case 'no-handshake':
      return { outcome: 'unknown', text: 'the capture started after the handshake' };
    case 'in-progress':
      return { outcome: 'unknown', text: 'handshake in progress' };
    case 'not-tls':
      return { outcome: 'unknown', text: 'not TLS' };
  }
}

/**
 * The sessions a filter keeps. Each whitespace-separated word must occur in the session's host
 * names, addresses, ports, service, outcome, or a certificate's serial, subject or issuer.
 */
export function filterRows(rows: readonly SessionRow[], query: string): readonly SessionRow[] {
  const words = query.toLowerCase().split(/\s+/).filter((w) => w.length > 0);
  if (words.length === 0) return rows;
  return rows.filter((r) => words.every((w) => r.haystack.includes(w)));
}
