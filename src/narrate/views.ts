/**
 * View models for the interactive viewer: pure functions from the analysis (sessions, messages with
 * field trees, the certificate pool) and the narration (Explanation) to read-only rows, trees and
 * lines. The TUI renders these and nothing else: no component knows what a TLS message is.
 *
 * Every string that can come from a capture or a certificate (names, field values, file names) is
 * passed through safeText here, once, so a component cannot print one raw by accident. safeText is
 * idempotent, so a renderer that escapes again does no harm.
 */
import { safeText } from '../bytes/text.js';
import type { Session } from '../analysis/index.js';
import { closeEvents } from '../net/index.js';
import { classifyBundleFileName, nameService } from '../expressway/index.js';
import {
  alertDescriptionName,
  alertLevelName,
  cipherSuiteName,
  contentTypeName,
  handshakeTypeName,
  versionName,
  type Dir,
  type Field,
  type TlsMessage,
} from '../tls/index.js';
import { ekuStatus, toPem, type CertInfo, type EkuName } from '../x509/index.js';
import { framesText, incompleteText, type Finding, type Inline, type LadderStep, type Severity } from './doc.js';
import type { Explanation, SessionStory, StoryOutcome } from './explanation.js';
import { lineSeverity } from './explain.js';

// ---- inputs ------------------------------------------------------------------------------------

/** One capture as the viewer needs it: an Analysis, or a live snapshot of one still being read. */
export interface CaptureData {
  readonly source: string;
  readonly sessions: readonly Session[];
  readonly pool: { get(id: string): CertInfo | undefined };
  /** A short name for lists (e.g. the case folder when several are open); else one is made from `source`. */
  readonly label?: string;
}

export interface ViewData {
  readonly captures: readonly CaptureData[];
  /** Absent while the captures are still being read, or when no explanation could be made. */
  readonly explanation?: Explanation;
  /** Before the explanation: the stories of the sessions that have settled (a file followed as it grows). */
  readonly stories?: readonly SessionStory[];
}

// ---- shared display vocabulary ----------------------------------------------------------------

/** What a piece of text means, for colour; symbols carry the same meaning without colour. */
export type Tone = 'ok' | 'bad' | 'warn' | 'info' | 'muted' | 'accent' | 'plain';

/** A run of display text. `text` is already safe to print. */
export interface Seg {
  readonly text: string;
  readonly tone?: Tone;
  readonly bold?: boolean;
  /** Highlighted (the selected field's bytes, the current finding). */
  readonly hl?: boolean;
}

export const OUTCOME_SYMBOL: Readonly<Record<StoryOutcome, string>> = { ok: '✔', failed: '✖', warning: '▲', unknown: '?' };
export const OUTCOME_TONE: Readonly<Record<StoryOutcome, Tone>> = { ok: 'ok', failed: 'bad', warning: 'warn', unknown: 'muted' };
export const SEVERITY_SYMBOL: Readonly<Record<Severity, string>> = { error: '✖', warning: '▲', info: 'ℹ', ok: '✔' };
export const SEVERITY_TONE: Readonly<Record<Severity, Tone>> = { error: 'bad', warning: 'warn', info: 'info', ok: 'ok' };

function endpointText(ep: { readonly ip: string; readonly port: number }): string {
  return ep.ip.includes(':') ? `[${ep.ip}]:${ep.port}` : `${ep.ip}:${ep.port}`;
}

/** A short name for a capture: the host tag of an Expressway capture file, else the file name. */
export function captureLabel(source: string): string {
  const base = source.split(/[\\/]/).pop() ?? source;
  const c = classifyBundleFileName(base);
  const label = c?.kind === 'capture' ? c.host : base;
  return safeText(label.length > 24 ? `${label.slice(0, 23)}…` : label);
}

// ---- the session index -------------------------------------------------------------------------

/** One line of the sessions pane. */
export interface SessionRow {
  readonly key: string;
  readonly captureLabel: string;
  readonly sessionId: number;
  readonly clientAddr: string;
  readonly serverAddr: string;
  readonly clientName?: string;
  readonly serverName?: string;
  readonly service: string;
  readonly version: string;
  readonly outcome: StoryOutcome;
  readonly outcomeText: string;
  readonly symbol: string;
  readonly tone: Tone;
  readonly findings: number;
  /** Lower-case text the session filter searches: hosts, ports, outcome, serials, subjects. */
  readonly haystack: string;
}

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
}

export function sessionKey(captureIndex: number, sessionId: number): string {
  return `${captureIndex}:${sessionId}`;
}

export function buildViewModel(data: ViewData): ViewModel {
  const stories = new Map<string, SessionStory>();
  for (const s of data.explanation?.stories ?? data.stories ?? []) stories.set(`${s.source}\u0000${s.sessionId}`, s);
  const rows: SessionRow[] = [];
  const entries = new Map<string, SessionEntry>();
  const counts: Record<StoryOutcome, number> = { ok: 0, failed: 0, warning: 0, unknown: 0 };
  let findings = 0;
  let toldOnce = 0;
  data.captures.forEach((capture, ci) => {
    for (const session of capture.sessions) {
      const story = stories.get(`${capture.source}\u0000${session.id}`);
      // The explanation tells a handshake captured on two boxes once: so does the list.
      if (data.explanation && !story) {
        toldOnce++;
        continue;
      }
      const row = cachedRow(sessionKey(ci, session.id), capture, session, story);
      rows.push(row);
      entries.set(row.key, { row, session, capture, ...(story && { story }) });
      counts[row.outcome]++;
      findings += row.findings;
    }
  });
  const generalFindings = (data.explanation?.findings ?? []).filter((f) => f.session === undefined);
  return { rows, entries, counts, findings, explained: data.explanation !== undefined, generalFindings, toldOnce, captures: data.captures.length };
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

function roleEndpoints(s: Session): { client: { ip: string; port: number }; server: { ip: string; port: number } } {
  return { client: s.client ?? s.connection.a, server: s.server ?? s.connection.b };
}

function isAddressName(name: string, addrs: readonly string[]): boolean {
  return addrs.includes(name) || /^[0-9a-f:.[\]]+$/i.test(name);
}

function sessionRow(key: string, capture: CaptureData, s: Session, story: SessionStory | undefined): SessionRow {
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
function rowMark(outcome: StoryOutcome, story: SessionStory | undefined): { symbol: string; tone: Tone } {
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

// ---- the ladder --------------------------------------------------------------------------------

export interface LadderRow {
  /**
   * 'message': a TLS message (has details); 'end': a TCP FIN or RST; 'record': an alert record seen
   * after the dissector stopped reading the connection (no bytes kept).
   */
  readonly kind: 'message' | 'end' | 'record';
  /** Position in the session's message list (messages only). */
  readonly index?: number;
  /** 'right' = client → server. */
  readonly dir: 'right' | 'left';
  readonly label: string;
  /** A short form of the label for inside a ladder arrow ("Alert fatal"; the rest goes in the note). */
  readonly arrow: string;
  /** Frame in which it completed ("reassembled in"). */
  readonly frame: number;
  /** Every frame that carried its bytes. */
  readonly frames: readonly number[];
  /** "10–12" when more than one frame carried it. */
  readonly carried?: string;
  readonly note?: string;
  readonly tone: Tone;
}

export interface LadderView {
  readonly left: string;
  readonly right: string;
  readonly leftAddr: string;
  readonly rightAddr: string;
  readonly rows: readonly LadderRow[];
}

/** An alert record as the ladder names it: a session's alert or its message (C6: encrypted ones by their size). */
function alertText(a: { readonly encrypted: boolean; readonly length: number; readonly level?: number; readonly description?: number; readonly nullCipher?: boolean }): string {
  if (a.encrypted) return `Encrypted Alert (${a.length} bytes)`;
  return `Alert ${a.level !== undefined ? alertLevelName(a.level) : '?'} ${a.description !== undefined ? `${a.description} ${alertDescriptionName(a.description)}` : '?'}${a.nullCipher ? ' (unencrypted: NULL cipher)' : ''}`;
}

function messageLabel(m: TlsMessage): string {
  switch (m.kind) {
    case 'handshake':
      return `${handshakeTypeName(m.type)}${m.decrypted ? ' (decrypted)' : ''}${m.truncated ? ` (${incompleteText(m)})` : ''}`;
    case 'change-cipher-spec':
      return 'ChangeCipherSpec';
    case 'alert':
      return alertText(m);
    case 'encrypted-handshake':
      return 'Encrypted Handshake Message';
    case 'application-data':
      return 'Application Data';
    case 'heartbeat':
      return 'Heartbeat';
  }
}

function runText(frames: readonly number[]): string {
  return framesText(frames).replace(/^frames? /, '');
}

function sideOf(s: Session, dir: Dir): 'client' | 'server' {
  const clientDir = s.clientDir ?? 0;
  return dir === clientDir ? 'client' : 'server';
}

const firstWord = (x: string) => (/[a-z]+/.exec(x.toLowerCase())?.[0] ?? '');

/**
 * The story's ladder step for a message: same frame, same sender (a step is `from` the side whose
 * life line it leaves: the client's is the left one), same first word of the label.
 */
function storyStep(story: SessionStory | undefined, frame: number, sender: 'client' | 'server', label: string): LadderStep | undefined {
  if (!story) return undefined;
  const from = sender === 'client' ? 'left' : 'right';
  const word = firstWord(label);
  return story.ladder.find((st) => st.frame === frame && st.from === from && firstWord(st.label) === word);
}

export function ladderView(e: SessionEntry): LadderView {
  const s = e.session;
  const { client, server } = roleEndpoints(s);
  const rows: LadderRow[] = [];
  const certMsgs = new Map(s.certificateMessages.map((c) => [c.messageIndex, c]));
  for (const m of s.tls.messages) {
    const side = sideOf(s, m.dir);
    const dir = side === 'client' ? 'right' : 'left';
    const label = messageLabel(m);
    let arrow = label;
    let tone: Tone = 'plain';
    let note: string | undefined;
    if (m.kind === 'alert') {
      tone = m.encrypted ? 'warn' : m.level === 2 ? 'bad' : 'warn';
      if (!m.encrypted) {
        arrow = `Alert ${m.level !== undefined ? alertLevelName(m.level) : '?'}`;
        note = m.description !== undefined ? `${m.description} ${alertDescriptionName(m.description)}` : 'description not readable';
      } else arrow = 'Encrypted Alert';
    }
    if (m.kind === 'encrypted-handshake') arrow = 'Encrypted Handshake';
    // The arrow has little room: the type alone; "decrypted" goes last in the note.
    const decrypted = m.kind === 'handshake' && m.decrypted === true;
    if (m.kind === 'handshake') arrow = handshakeTypeName(m.type);
    if (m.kind === 'encrypted-handshake' || m.kind === 'application-data') tone = 'muted';
    const cm = certMsgs.get(m.index);
    if (cm) {
      const leaf = cm.certificates[0] && e.capture.pool.get(cm.certificates[0].id);
      if (cm.empty) {
        note = 'empty: no certificate sent';
        tone = 'warn';
      } else if (leaf) {
        const need: EkuName = cm.from === 'client' ? 'clientAuth' : 'serverAuth';
        const st = ekuStatus(leaf, need);
        note = st === 'present' ? `✔ ${need}` : st === 'missing' ? `✖ no ${need}` : st === 'no-eku-extension' ? '✔ no EKU: any purpose' : st === 'any-eku-only' ? `▲ anyEKU, no ${need}` : '? EKU unreadable';
        if (st === 'missing') tone = 'bad';
      }
    }
    const step = storyStep(e.story, m.frame, side, label);
    // A certificate's EKU verdict stays first: it is what a narrow ladder must still show.
    if (step?.note) note = cm && note ? `${note} · ${step.note}` : step.note;
    if (decrypted) note = note ? `${note} · decrypted` : 'decrypted';
    if (step?.tone) tone = step.tone === 'bad' ? 'bad' : step.tone === 'warn' ? 'warn' : step.tone === 'ok' ? 'ok' : 'muted';
    rows.push({
      kind: 'message',
      index: m.index,
      dir,
      label,
      arrow,
      frame: m.frame,
      frames: m.frames,
      ...(m.frames.length > 1 && { carried: runText(m.frames) }),
      ...(note !== undefined && { note: safeText(note) }),
      tone,
    });
  }
  // Alerts seen after the dissector let go (a late close_notify): listed the same way (C6).
  for (const al of s.alerts) {
    if (!al.late) continue;
    const side = sideOf(s, al.dir);
    const arrow = al.encrypted ? 'Encrypted Alert' : `Alert ${al.level !== undefined ? alertLevelName(al.level) : '?'}`;
    rows.push({ kind: 'record', dir: side === 'client' ? 'right' : 'left', label: alertText(al), arrow, frame: al.frame, frames: [al.frame], tone: 'warn' });
  }
  for (const end of closeEvents(s.tls.ended)) {
    const side = sideOf(s, end.from);
    const silent = s.tls.silentRejection?.end.frame === end.frame;
    rows.push({
      kind: 'end',
      dir: side === 'client' ? 'right' : 'left',
      label: end.kind === 'fin' ? 'TCP FIN' : 'TCP RST',
      arrow: end.kind === 'fin' ? 'TCP FIN' : 'TCP RST',
      frame: end.frame,
      frames: [end.frame],
      ...(silent && { note: 'closed without an alert (T8)' }),
      tone: silent ? 'bad' : 'muted',
    });
  }
  // Stable: a message and a FIN in the same frame keep their order.
  rows.sort((a, b) => a.frame - b.frame);
  const name = (label: string | undefined, addr: string) => (label ? safeText(label) : addr);
  const clientAddr = safeText(endpointText(client));
  const serverAddr = safeText(endpointText(server));
  return {
    left: name(e.row.clientName, clientAddr),
    right: name(e.row.serverName, serverAddr),
    leftAddr: clientAddr,
    rightAddr: serverAddr,
    rows,
  };
}

function commonName(c: CertInfo): string {
  const cn = c.subject?.attributes.find((a) => a.shortName === 'CN')?.value;
  return safeText(cn !== undefined ? `CN=${cn}` : (c.subject?.rfc4514 ?? c.error ?? 'undecodable certificate'));
}

// ---- the details tree --------------------------------------------------------------------------

export interface ByteRange {
  readonly offset: number;
  readonly length: number;
}

export interface TreeNode {
  /** Path of child positions ("0.2.1"): stable for a message, used for expansion state. */
  readonly id: string;
  readonly label: string;
  readonly value?: string;
  /** Bytes of the message this node stands for, for the hex pane. */
  readonly range?: ByteRange;
  readonly tone?: Tone;
  /** A verdict shown after the value, with a symbol: "clientAuth needed ✖ missing". */
  readonly badge?: string;
  /** Expanded unless the user closed it. */
  readonly open?: boolean;
  /** Set on the node of one certificate: which one, for export. */
  readonly certIndex?: number;
  readonly children: readonly TreeNode[];
}

interface Draft {
  label: string;
  value?: string;
  range?: ByteRange;
  tone?: Tone;
  badge?: string;
  open?: boolean;
  certIndex?: number;
  children?: Draft[];
}

function finish(d: Draft, id: string): TreeNode {
  return {
    id,
    label: safeText(d.label),
    ...(d.value !== undefined && { value: safeText(d.value) }),
    ...(d.range && { range: d.range }),
    ...(d.tone && { tone: d.tone }),
    ...(d.badge !== undefined && { badge: safeText(d.badge) }),
    ...(d.open && { open: true }),
    ...(d.certIndex !== undefined && { certIndex: d.certIndex }),
    children: (d.children ?? []).map((c, i) => finish(c, `${id}.${i}`)),
  };
}

/** The details tree of one ladder row: record layer → protocol message → fields → certificates. */
export function detailsTree(e: SessionEntry, row: LadderRow | undefined): readonly TreeNode[] {
  if (!row) return [];
  const s = e.session;
  const { client, server } = roleEndpoints(s);
  const dirText = (side: 'client' | 'server') =>
    side === 'client' ? `client → server (${endpointText(client)} → ${endpointText(server)})` : `server → client (${endpointText(server)} → ${endpointText(client)})`;
  if (row.kind === 'end' || row.kind === 'record') {
    const side = row.dir === 'right' ? 'client' : 'server';
    return [finish({ label: row.label, value: `frame ${row.frame}`, open: true, children: [{ label: 'Direction', value: dirText(side) }, ...(row.note ? [{ label: 'Note', value: row.note, tone: 'bad' as Tone }] : [])] }, '0')];
  }
  const m = s.tls.messages.find((x) => x.index === row.index);
  if (!m) return [];
  const side = sideOf(s, m.dir);
  const ct = m.kind === 'handshake' || m.kind === 'encrypted-handshake' ? 22 : m.kind === 'change-cipher-spec' ? 20 : m.kind === 'alert' ? 21 : m.kind === 'application-data' ? 23 : 24;
  const recordChildren: Draft[] = [
    { label: 'Content Type', value: `${contentTypeName(ct)} (${ct})` },
    { label: 'Version', value: versionName(m.recordVersion) },
    { label: 'Direction', value: dirText(side) },
    { label: m.frames.length > 1 ? 'Carried by frames' : 'Carried by frame', value: runText(m.frames) },
    { label: 'Reassembled in', value: `frame ${m.frame}` },
  ];
  const protocol = protocolNode(e, m, side);
  if (protocol) recordChildren.push(protocol);
  const record: Draft = {
    label: `TLS Record Layer: ${contentTypeName(ct)}`,
    value: `${versionName(m.recordVersion)}, ${side} → ${side === 'client' ? 'server' : 'client'}, ${m.frames.length > 1 ? `reassembled in frame ${m.frame} from frames ${runText(m.frames)}` : `frame ${m.frame}`}${m.kind === 'handshake' && m.decrypted ? ', decrypted with the key log' : ''}`,
    open: true,
    children: recordChildren,
  };
  return [finish(record, '0')];
}

function fieldDraft(f: Field, open: (f: Field) => boolean): Draft {
  return {
    label: f.label,
    ...(f.value !== undefined && { value: f.value }),
    range: { offset: f.offset, length: f.length },
    ...(open(f) && { open: true }),
    children: (f.children ?? []).map((c) => fieldDraft(c, open)),
  };
}

function protocolNode(e: SessionEntry, m: TlsMessage, side: 'client' | 'server'): Draft | undefined {
  if (m.kind !== 'handshake' && m.kind !== 'change-cipher-spec' && m.kind !== 'alert') {
    return { label: messageLabel(m), value: `${m.length} bytes, encrypted: not readable without keys`, tone: 'muted' };
  }
  const whole: ByteRange = { offset: 0, length: m.bytes.length };
  if (m.kind === 'change-cipher-spec') return { label: 'Change Cipher Spec Protocol', range: whole, open: true, children: m.fields.map((f) => fieldDraft(f, () => false)) };
  if (m.kind === 'alert') {
    return {
      label: `Alert Protocol: ${messageLabel(m).replace(/^Alert /, '')}`,
      range: whole,
      open: true,
      tone: m.level === 2 ? 'bad' : 'warn',
      children: m.encrypted ? [{ label: 'Encrypted', value: `${m.length} bytes: level and description are not readable (T6)` }] : m.fields.map((f) => fieldDraft(f, () => false)),
    };
  }
  const cm = e.session.certificateMessages.find((c) => c.messageIndex === m.index);
  const openField = (f: Field) => cm !== undefined && (f.label === 'Certificates' || /^Certificate \d+$/.test(f.label));
  const children = m.fields.map((f) => fieldDraft(f, openField));
  if (cm) graftCertificates(children, e, cm.certificates, side);
  if (m.error) children.push({ label: 'Decode problem', value: m.error.message ?? String(m.error), tone: 'bad' });
  return {
    label: `Handshake Protocol: ${handshakeTypeName(m.type)}`,
    value: `${m.bytes.length} bytes${m.truncated ? ` of ${m.length + 4} (truncated)` : ''}`,
    range: whole,
    open: true,
    children,
  };
}

/** Adds the decoded certificate under each "Certificate N" field of a Certificate message. */
function graftCertificates(drafts: Draft[], e: SessionEntry, refs: readonly { id: string; index: number }[], side: 'client' | 'server'): void {
  for (const d of drafts) {
    const m = /^Certificate (\d+)$/.exec(d.label);
    if (m) {
      const index = Number(m[1]);
      const ref = refs.find((r) => r.index === index);
      const cert = ref && e.capture.pool.get(ref.id);
      const der = d.children?.find((c) => c.label === 'Certificate');
      if (cert) {
        d.certIndex = index;
        (d.children ??= []).push(certificateDraft(cert, index, side, der?.range ?? d.range));
        const eku = cert.eku;
        if (eku) d.value = `${d.value ?? ''} · ${commonName(cert)}`.replace(/^ · /, '');
      }
      continue;
    }
    if (d.children) graftCertificates(d.children, e, refs, side);
  }
}

function certificateDraft(c: CertInfo, index: number, side: 'client' | 'server', range: ByteRange | undefined): Draft {
  const children: Draft[] = [];
  const at = range ? { range } : {};
  if (c.error) children.push({ label: 'Undecodable', value: c.error, tone: 'bad', ...at });
  if (c.eku) children.push(ekuDraft(c, index, side, at));
  if (c.subject) children.push({ label: 'Subject', value: c.subject.rfc4514, ...at });
  if (c.issuer) children.push({ label: 'Issuer', value: c.issuer.rfc4514, ...at });
  if (c.serialDisplay !== undefined) children.push({ label: 'Serial Number', value: c.serialDisplay, ...at });
  if (c.validity) children.push({ label: 'Validity', value: `${isoShort(c.validity.notBeforeIso)} → ${isoShort(c.validity.notAfterIso)}`, ...at });
  if (c.keyUsage) children.push({ label: 'Key Usage', value: `${c.keyUsage.usages.join(', ') || 'none'}${c.keyUsage.critical ? ' (critical)' : ''}`, ...at });
  if (c.san) {
    const names = [...c.san.dns.map((d) => `DNS:${d}`), ...c.san.ip.map((i) => `IP:${i}`), ...c.san.uri.map((u) => `URI:${u}`), ...c.san.email.map((m) => `email:${m}`), ...c.san.other.map((o) => `${o.type}:${o.value}`)];
    children.push({
      label: 'Subject Alternative Name',
      value: `${names.length} name${names.length === 1 ? '' : 's'}${c.san.truncated ? ` (of ${c.san.total})` : ''}`,
      ...at,
      children: names.map((n) => ({ label: n, ...at })),
    });
  }
  if (c.basicConstraints) children.push({ label: 'Basic Constraints', value: `CA: ${c.basicConstraints.cA ? 'yes' : 'no'}${c.basicConstraints.pathLen !== undefined ? `, path length ${c.basicConstraints.pathLen}` : ''}`, ...at });
  if (c.publicKey) children.push({ label: 'Public Key', value: `${c.publicKey.algorithmName}${c.publicKey.bits ? ` ${c.publicKey.bits} bits` : ''}${c.publicKey.curve ? ` ${c.publicKey.curve}` : ''}`, ...at });
  if (c.signatureAlgorithm) children.push({ label: 'Signature Algorithm', value: c.signatureAlgorithm.name, ...at });
  if (c.extensions) {
    children.push({
      label: 'Extensions',
      value: `${c.extensions.length}`,
      ...at,
      children: c.extensions.map((x) => ({ label: x.name ?? x.oid, value: `${x.critical ? 'critical, ' : ''}${x.length} bytes${x.error ? `, undecodable: ${x.error}` : ''}`, ...at })),
    });
  }
  children.push({ label: 'SHA-256', value: c.sha256, ...at });
  for (const w of c.warnings) children.push({ label: 'Warning', value: w, tone: 'warn', ...at });
  return {
    label: `X.509 Certificate${index === 0 ? ' (leaf)' : ` (CA ${index})`}`,
    value: c.subject?.rfc4514 ?? 'undecodable',
    ...at,
    open: true,
    certIndex: index,
    children,
  };
}

function isoShort(iso: string): string {
  return iso.replace('T', ' ').replace(/\.000Z$/, 'Z');
}

const EKU_OID: Record<EkuName, string> = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' };

/**
 * EKU with the role's need marked (E1–E5): a client's certificate needs clientAuth, a server's
 * serverAuth. On a CA certificate the EKU constrains the leaf for most verifiers (E5).
 */
function ekuDraft(c: CertInfo, index: number, side: 'client' | 'server', at: { range?: ByteRange }): Draft {
  const need: EkuName = side === 'client' ? 'clientAuth' : 'serverAuth';
  const eku = c.eku!;
  const status = ekuStatus(c, need);
  const whose = `${side === 'client' ? 'a client' : 'a server'} certificate${index > 0 ? "'s chain (E5)" : ''}`;
  const e5 = index > 0 ? ' (E5)' : '';
  let badge: string;
  let tone: Tone;
  switch (status) {
    case 'present':
      badge = `${need} needed${e5} ✔ present`;
      tone = 'ok';
      break;
    case 'missing':
      badge = `${need} needed${e5} ✖ missing`;
      tone = 'bad';
      break;
    case 'no-eku-extension':
      badge = `${need} needed ✔ not restricted (E1)`;
      tone = 'ok';
      break;
    case 'any-eku-only':
      badge = `${need} needed ▲ anyExtendedKeyUsage only: Go/Java accept, OpenSSL/NSS reject (E3)`;
      tone = 'warn';
      break;
    default:
      badge = `${need} needed ? undecodable`;
      tone = 'warn';
  }
  const children: Draft[] = [];
  if (!eku.present) {
    children.push({ label: 'Extension absent', value: index > 0 ? 'a CA without EKU does not constrain the leaf (E1, E5)' : 'no purpose restriction (E1)', ...at });
  } else {
    eku.oids.forEach((oid, i) => {
      const name = eku.names[i] ?? oid;
      const isNeed = oid === EKU_OID[need];
      children.push({
        label: name,
        value: oid,
        ...(isNeed && { badge: `✔ needed, present`, tone: 'ok' as Tone }),
        ...(oid === '2.5.29.37.0' && { badge: 'Go/Java: any; OpenSSL/NSS: no (E3)', tone: 'warn' as Tone }),
        ...at,
      });
    });
    if (status === 'missing' || status === 'any-eku-only') {
      children.push({ label: need, value: EKU_OID[need], badge: `✖ needed, missing (E2)`, tone: 'bad', ...at });
    }
    children.push({ label: 'Needed', value: `${need}, by ${whose} (${side === 'client' ? 'the server verifies purpose "SSL client"' : 'the client verifies purpose "SSL server"'}, E6)`, ...at });
    children.push({ label: 'Critical', value: `${eku.critical ? 'yes' : 'no'} (does not change OpenSSL's verdict, E4)`, ...at });
  }
  return {
    label: 'Extended Key Usage',
    value: eku.present ? eku.names.join(', ') || 'empty' : 'absent',
    badge,
    tone,
    ...at,
    children,
  };
}

export interface VisibleNode {
  readonly node: TreeNode;
  readonly depth: number;
  readonly open: boolean;
  readonly hasChildren: boolean;
}

/** The tree as the lines the pane shows, given which nodes are open. */
export function flattenTree(nodes: readonly TreeNode[], isOpen: (n: TreeNode) => boolean): readonly VisibleNode[] {
  const out: VisibleNode[] = [];
  const walk = (list: readonly TreeNode[], depth: number) => {
    for (const n of list) {
      const open = n.children.length > 0 && isOpen(n);
      out.push({ node: n, depth, open, hasChildren: n.children.length > 0 });
      if (open) walk(n.children, depth + 1);
    }
  };
  walk(nodes, 0);
  return out;
}

/** A node by id, and the ids of its ancestors (outermost first). */
export function findNode(nodes: readonly TreeNode[], id: string): { node: TreeNode; path: readonly TreeNode[] } | undefined {
  const walk = (list: readonly TreeNode[], path: TreeNode[]): { node: TreeNode; path: TreeNode[] } | undefined => {
    for (const n of list) {
      if (n.id === id) return { node: n, path };
      if (id.startsWith(`${n.id}.`)) return walk(n.children, [...path, n]);
    }
    return undefined;
  };
  return walk(nodes, []);
}

// ---- the hex pane ------------------------------------------------------------------------------

export interface HexLine {
  readonly offset: string;
  readonly hex: readonly Seg[];
  readonly ascii: readonly Seg[];
}

export interface HexView {
  /** Bytes of the message (0 when its body is not kept: encrypted records). */
  readonly length: number;
  readonly totalRows: number;
  readonly lines: readonly HexLine[];
  /** Row of the first highlighted byte. */
  readonly rangeRow?: number;
  /** Shown instead of bytes, or as a caption. */
  readonly note?: string;
}

/** The bytes of a ladder row's message: the handshake message with its header, or the record body. */
export function messageBytes(e: SessionEntry, row: LadderRow | undefined): { bytes?: Uint8Array; note: string } {
  if (!row) return { note: 'no message selected' };
  if (row.kind === 'end') return { note: `${row.label}: no TLS bytes` };
  if (row.kind === 'record') return { note: `${row.label}: seen after the handshake, its bytes not kept` };
  const m = e.session.tls.messages.find((x) => x.index === row.index);
  if (!m) return { note: 'message not found' };
  if (m.kind === 'handshake' || m.kind === 'change-cipher-spec' || (m.kind === 'alert' && !m.encrypted)) {
    const what = m.kind === 'handshake' ? 'handshake message (header included)' : 'record body';
    return { bytes: m.bytes, note: `${m.bytes.length} bytes of ${what}${m.kind === 'handshake' && m.truncated ? `, truncated from ${m.length + 4}` : ''}` };
  }
  return { note: `${'length' in m ? m.length : 0} bytes, encrypted: the body is not kept` };
}

function hex2(b: number): string {
  return b.toString(16).padStart(2, '0');
}

/** Rows `top`..`top+height` of a hex dump; bytes in `range` are marked. */
export function hexView(bytes: Uint8Array | undefined, range: ByteRange | undefined, bytesPerRow: number, top: number, height: number, note?: string): HexView {
  if (!bytes) return { length: 0, totalRows: 0, lines: [], ...(note !== undefined && { note }) };
  const per = Math.max(1, bytesPerRow);
  const totalRows = Math.ceil(bytes.length / per);
  const lines: HexLine[] = [];
  const inRange = (i: number) => range !== undefined && i >= range.offset && i < range.offset + range.length;
  const width = Math.max(4, bytes.length.toString(16).length);
  for (let r = Math.max(0, top); r < Math.min(totalRows, top + height); r++) {
    const hex: Seg[] = [];
    const ascii: Seg[] = [];
    const push = (list: Seg[], text: string, hl: boolean) => {
      const last = list[list.length - 1];
      if (last && (last.hl ?? false) === hl) list[list.length - 1] = { ...last, text: last.text + text };
      else list.push(hl ? { text, hl } : { text });
    };
    for (let k = 0; k < per; k++) {
      const i = r * per + k;
      if (i >= bytes.length) {
        push(hex, '   ', false);
        continue;
      }
      const b = bytes[i]!;
      const hl = inRange(i);
      // The space after a byte is highlighted only inside a run, as Wireshark does.
      push(hex, hex2(b), hl);
      push(hex, k === per - 1 ? '' : ' ', hl && inRange(i + 1) && k !== per - 1);
      if (k === 7 && per > 8) push(hex, ' ', false);
      push(ascii, b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.', hl);
    }
    lines.push({ offset: (r * per).toString(16).padStart(width, '0'), hex: hex.filter((s) => s.text.length > 0), ascii });
  }
  return {
    length: bytes.length,
    totalRows,
    lines,
    ...(range && range.length > 0 && { rangeRow: Math.floor(range.offset / per) }),
    ...(note !== undefined && { note }),
  };
}

// ---- the narration pane ------------------------------------------------------------------------

export interface FindingView {
  readonly severity: Severity;
  readonly symbol: string;
  readonly tone: Tone;
  /** "T5" or "T5, T6, X4". */
  readonly rules: string;
  readonly title: string;
  readonly detail: string;
  readonly fix?: string;
  readonly frames: readonly number[];
  readonly framesText: string;
  readonly code: string;
}

export interface NarrationView {
  readonly headline: string;
  readonly symbol: string;
  readonly tone: Tone;
  readonly outcomeText: string;
  readonly sentences: readonly (readonly Seg[])[];
  readonly findings: readonly FindingView[];
  /** Built from the analysis alone (no explanation yet, or none available). */
  readonly provisional: boolean;
  /** Why the narration is provisional, shown under the outcome. */
  readonly note?: string;
}

function inlineSegs(content: readonly Inline[]): Seg[] {
  return content.map((i): Seg => {
    if (typeof i === 'string') return { text: safeText(i) };
    switch (i.kind) {
      case 'strong':
        return { text: safeText(i.text), bold: true };
      case 'em':
      case 'link':
        return { text: safeText(i.text) };
      case 'code':
        return { text: safeText(i.text), tone: 'accent' };
      case 'frames':
        return { text: `(${framesText(i.frames)})`, tone: 'muted' };
      case 'severity':
        return { text: SEVERITY_SYMBOL[i.severity], tone: SEVERITY_TONE[i.severity] };
    }
  });
}

export function findingView(f: Finding): FindingView {
  return {
    severity: f.severity,
    symbol: SEVERITY_SYMBOL[f.severity],
    tone: SEVERITY_TONE[f.severity],
    rules: safeText([f.rule, ...(f.alsoRules ?? [])].join(', ')),
    title: safeText(f.title),
    detail: safeText(f.detail),
    ...(f.fix !== undefined && { fix: safeText(f.fix) }),
    frames: f.frames,
    framesText: framesText(f.frames),
    code: safeText(f.code),
  };
}

export function narrationView(e: SessionEntry, stillReading: boolean): NarrationView {
  const st = e.story;
  if (st) {
    return {
      headline: safeText(st.headline),
      symbol: OUTCOME_SYMBOL[st.outcome],
      tone: OUTCOME_TONE[st.outcome],
      outcomeText: safeText(st.outcomeText),
      sentences: st.sentences.map(inlineSegs),
      findings: st.findings.map(findingView),
      provisional: false,
    };
  }
  const r = e.row;
  const service = r.service ? `, ${r.service}` : '';
  return {
    headline: `${r.clientName ?? r.clientAddr} → ${r.serverName ?? r.serverAddr}${service}, ${r.version}`,
    symbol: r.symbol,
    tone: r.tone,
    outcomeText: r.outcomeText,
    sentences: factSentences(e).map(inlineSegs),
    findings: [],
    provisional: true,
    note: stillReading ? 'The explanation follows when the capture has been read.' : 'No explanation with Expressway context: the facts the capture shows.',
  };
}

/** What the capture alone shows about a session, each sentence with its frames. */
function factSentences(e: SessionEntry): Inline[][] {
  const s = e.session;
  const { client, server } = roleEndpoints(s);
  const facts: { frame: number; text: Inline[] }[] = [];
  const out = { push: (text: Inline[]) => facts.push({ frame: firstFrame(text), text }) };
  const hello = (type: number) => s.tls.messages.find((m) => m.kind === 'handshake' && m.type === type);
  const ch = hello(1);
  const sh = hello(2);
  if (ch) out.push([{ kind: 'strong', text: endpointText(client) }, ' was the TLS client: it sent the ClientHello (T1) ', { kind: 'frames', frames: [ch.frame] }]);
  if (sh) {
    const suite = s.tls.cipherSuite !== undefined ? `, ${cipherSuiteName(s.tls.cipherSuite)}` : '';
    out.push([{ kind: 'strong', text: endpointText(server) }, ` answered as TLS server: ${s.tls.version !== undefined ? versionName(s.tls.version) : '?'}${suite} `, { kind: 'frames', frames: [sh.frame] }]);
  }
  for (const cm of s.certificateMessages) {
    const who = cm.from === 'client' ? endpointText(client) : endpointText(server);
    if (cm.empty) {
      out.push([`The ${cm.from} sent an empty Certificate message: it had no suitable certificate (T3) `, { kind: 'frames', frames: [cm.frame] }]);
      continue;
    }
    const leaf = cm.certificates[0] && e.capture.pool.get(cm.certificates[0].id);
    if (!leaf) continue;
    const need: EkuName = cm.from === 'client' ? 'clientAuth' : 'serverAuth';
    const st = ekuStatus(leaf, need);
    const ekuText =
      st === 'present'
        ? `it has ${need}`
        : st === 'missing'
          ? `its EKU (${leaf.eku?.names.join(', ')}) lacks ${need} (E2)`
          : st === 'no-eku-extension'
            ? 'it has no EKU extension, so no purpose restriction (E1)'
            : st === 'any-eku-only'
              ? 'it has only anyExtendedKeyUsage: Go and Java accept it, OpenSSL and NSS do not (E3)'
              : 'its EKU could not be read';
    out.push([
      `${who} presented ${cm.certificates.length} certificate${cm.certificates.length === 1 ? '' : 's'}; the leaf is `,
      { kind: 'code', text: leaf.subject?.rfc4514 ?? '?' },
      `, serial ${leaf.serialDisplay ?? '?'}. As ${cm.from === 'client' ? 'a client' : 'a server'} certificate it needs ${need}: ${ekuText} `,
      { kind: 'frames', frames: cm.frames },
    ]);
  }
  if (s.certificateRequest) out.push(['The server asked for a client certificate (CertificateRequest) ', { kind: 'frames', frames: [s.certificateRequest.frame] }]);
  // Stable sort: the story in frame order, as the ladder shows it.
  const sorted = facts.sort((a, b) => a.frame - b.frame).map((f) => f.text);
  return [...sorted, [`Outcome: ${e.row.outcomeText}.`]];
}

function firstFrame(content: readonly Inline[]): number {
  // A list of frames can be one per session: folded, not spread into call arguments.
  for (const i of content) if (typeof i !== 'string' && i.kind === 'frames' && i.frames.length > 0) return i.frames.reduce((m, x) => (x < m ? x : m), Infinity);
  return Number.MAX_SAFE_INTEGER;
}

/** Narration as wrapped lines for a pane `width` wide; `findingLines[i]` is where finding i starts. */
export function narrationLines(v: NarrationView, width: number, current?: number): { lines: readonly (readonly Seg[])[]; findingLines: readonly number[] } {
  const w = Math.max(10, width);
  const lines: Seg[][] = [];
  const add = (segs: readonly Seg[], indent = '', first = '') => lines.push(...wrapSegs(segs, w, first, indent));
  add([{ text: `${v.symbol} `, tone: v.tone, bold: true }, { text: v.headline, bold: true }]);
  // The outcome, unless the headline already says it.
  if (!v.headline.includes(v.outcomeText)) add([{ text: v.outcomeText, tone: v.tone }], '  ', '  ');
  if (v.note) add([{ text: v.note, tone: 'muted' }], '  ', '  ');
  for (const s of v.sentences) {
    lines.push([]);
    add(s, '  ', '• ');
  }
  const findingLines: number[] = [];
  if (v.findings.length > 0) {
    lines.push([]);
    add([{ text: `Findings (${v.findings.length})`, bold: true }]);
    v.findings.forEach((f, i) => {
      const hl = i === current;
      findingLines.push(lines.length);
      add([
        { text: `${f.symbol} ${f.severity.toUpperCase()}`, tone: f.tone, bold: true, ...(hl && { hl }) },
        { text: ` [${f.rules}] `, tone: 'accent', ...(hl && { hl }) },
        { text: f.title, bold: true, ...(hl && { hl }) },
        ...(f.framesText ? [{ text: ` (${f.framesText})`, tone: 'muted' as Tone }] : []),
      ], '    ');
      add([{ text: f.detail }], '    ', '    ');
      if (f.fix) add([{ text: 'Fix: ', tone: 'ok', bold: true }, { text: f.fix }], '    ', '    ');
    });
  }
  return { lines, findingLines };
}

/** Word-wraps styled runs to `width` columns; `first` prefixes the first line, `indent` the rest. */
export function wrapSegs(segs: readonly Seg[], width: number, first = '', indent = ''): Seg[][] {
  const out: Seg[][] = [];
  let line: Seg[] = first ? [{ text: first }] : [];
  let col = first.length;
  const pushText = (text: string, style: Omit<Seg, 'text'>) => {
    const last = line[line.length - 1];
    if (last && last.tone === style.tone && last.bold === style.bold && last.hl === style.hl) line[line.length - 1] = { ...last, text: last.text + text };
    else line.push({ ...style, text });
    col += text.length;
  };
  const newline = () => {
    out.push(trimEnd(line));
    line = indent ? [{ text: indent }] : [];
    col = indent.length;
  };
  for (const seg of segs) {
    const { text, ...style } = seg;
    // Words with their following spaces; very long words are cut.
    for (const word of text.match(/\S+\s*|\s+/g) ?? []) {
      const bare = word.trimEnd();
      if (col + bare.length > width && col > indent.length) newline();
      let rest = col === indent.length ? word.trimStart() : word;
      while (rest.length > 0 && col + rest.trimEnd().length > width) {
        const room = Math.max(1, width - col);
        pushText(rest.slice(0, room), style);
        rest = rest.slice(room);
        newline();
      }
      if (rest.length > 0) pushText(rest, style);
    }
  }
  if (line.length > 0 || out.length === 0) out.push(trimEnd(line));
  return out;
}

function trimEnd(line: Seg[]): Seg[] {
  const copy = [...line];
  while (copy.length > 0) {
    const last = copy[copy.length - 1]!;
    const t = last.text.trimEnd();
    if (t.length === last.text.length) break;
    if (t.length === 0) copy.pop();
    else {
      copy[copy.length - 1] = { ...last, text: t };
      break;
    }
  }
  return copy;
}

// ---- certificate export ------------------------------------------------------------------------

export interface CertificateExport {
  /** Made only of [A-Za-z0-9_-], then ".pem". */
  readonly fileName: string;
  readonly pem: string;
  /** "client certificate 0 (leaf), CN=cluster.s.com". */
  readonly description: string;
}

/** Only characters that mean nothing to a shell, a terminal or a file system: [A-Za-z0-9_-]. */
export function safeFileName(s: string): string {
  // No dots: the caller adds the extension, and no name can then be '.', '..' or hidden.
  const clean = s.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^[_-]+|_+$/g, '');
  return clean.slice(0, 120) || 'certificate';
}

/**
 * The certificate a tree selection points at: the certificate node it is in, else the leaf of the
 * selected Certificate message.
 */
export function certificateExport(e: SessionEntry, row: LadderRow | undefined, tree: readonly TreeNode[], nodeId: string | undefined): CertificateExport | { readonly error: string } {
  if (!row || row.kind !== 'message') return { error: 'select a Certificate message in the ladder first' };
  const cm = e.session.certificateMessages.find((c) => c.messageIndex === row.index);
  if (!cm) return { error: 'the selected message is not a Certificate message' };
  if (cm.certificates.length === 0) return { error: 'this Certificate message carries no certificate' };
  let index = 0;
  const found = nodeId !== undefined ? findNode(tree, nodeId) : undefined;
  if (found) {
    for (const n of [...found.path, found.node]) if (n.certIndex !== undefined) index = n.certIndex;
  }
  const ref = cm.certificates.find((c) => c.index === index) ?? cm.certificates[0]!;
  const cert = e.capture.pool.get(ref.id);
  if (!cert) return { error: 'the certificate is not available' };
  const serial = (cert.serialDisplay ?? cert.sha256.slice(0, 16)).replace(/[^0-9a-f]/gi, '');
  const host = captureLabel(e.capture.source);
  const fileName = safeFileName(`${cm.from}-${host}-session${e.session.id}-frame${cm.frame}-${ref.index}-${serial}`) + '.pem';
  return {
    fileName,
    pem: toPem(cert.der),
    description: `${cm.from} certificate ${ref.index}${ref.index === 0 ? ' (leaf)' : ''}, ${commonName(cert)}`,
  };
}
