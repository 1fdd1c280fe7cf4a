/**
 * Resolves a lesson against analysed captures: each step's session is found by its endpoints, each
 * message by sender and type, and every placeholder is filled from the bytes, so the lesson's text
 * always matches its capture. A quiz's answer is checked against what the capture shows; a lesson
 * whose author and capture disagree resolves with a problem, never silently.
 *
 * Pure: the captures are analysed and the bundles read by the caller.
 */
import type { CertificateMessageInfo, Session } from '../analysis/index.js';
import { closeEvents } from '../net/index.js';
import { alertDescriptionName, alertLevelName, certificateTypeName, handshakeTypeName, versionName, type TlsMessage } from '../tls/index.js';
import type { CertInfo } from '../x509/index.js';
import { framesText, type LadderStep } from './doc.js';
import type { DomainRuleId } from '../expressway/rulebook.js';
import { captureKey, lessonSources, type Choice, type CompareStep, type Lesson, type LessonStep, type MessageRef, type MessageWhat, type QuizCheck, type SessionRef, type Side } from './lessons.js';

// ---------------------------------------------------------------------------------------------
// Inputs

export interface StoreFile {
  readonly cert: CertInfo;
  /** The PEM file's name, for display. */
  readonly file: string;
}

/** One Expressway of a capture folder, from its bundle. */
export interface LessonBox {
  readonly host: string;
  readonly addresses: readonly string[];
  readonly checking?: 'On' | 'Off';
  readonly clientStore?: StoreFile;
  readonly serverStore?: StoreFile;
}

/** One analysed capture file of a folder under captures/. */
export interface LessonCapture {
  readonly folder: string;
  /** Host tag of the box that wrote the capture file. */
  readonly host?: string;
  /** The capture file's name. */
  readonly file: string;
  /** The key log it was decrypted with, if any. */
  readonly keylog?: string;
  readonly sessions: readonly Session[];
  readonly pool: { get(id: string): CertInfo | undefined };
  /** Every box whose bundle is in the folder. */
  readonly boxes: readonly LessonBox[];
}

/** Captures by captureKey (the folder name, or folder and key log). */
export type LessonCaptures = ReadonlyMap<string, readonly LessonCapture[]>;

// ---------------------------------------------------------------------------------------------
// Outputs

/** One line of a session's ladder, with what a MessageRef matches. */
export interface LessonLadderEntry extends LadderStep {
  readonly side: Side;
  readonly what?: MessageWhat;
  /** Index in the session's message list (absent for a TCP FIN). */
  readonly messageIndex?: number;
  readonly frames: readonly number[];
}

export interface ResolvedSession {
  /** `${folder}/${file}#${sessionId}`. */
  readonly key: string;
  readonly folder: string;
  readonly file: string;
  readonly host?: string;
  /** Decrypted with this key log. */
  readonly keylog?: string;
  readonly sessionId: number;
  readonly client: string;
  readonly server: string;
  readonly version: string;
  readonly ladder: readonly LessonLadderEntry[];
  /** The analysis session itself, for viewers that show more (hex, details). */
  readonly session: Session;
  readonly capture: LessonCapture;
}

export interface Focus {
  /** Index into the session's ladder. */
  readonly ladderIndex: number;
  readonly frame: number;
  readonly frames: readonly number[];
  readonly label: string;
  readonly from: Side;
  readonly messageIndex?: number;
}

export interface ResolvedQuiz {
  readonly question: string;
  readonly choices: readonly Choice[];
  /** The lesson's answer (a choice's `answer`). */
  readonly answer: string;
  /** What the capture shows, read by the quiz's check. */
  readonly observed?: string;
  readonly answerFocus?: Focus;
  readonly reveal: readonly string[];
}

export interface ResolvedStep {
  readonly kind: LessonStep['kind'];
  readonly number: number;
  readonly title: string;
  readonly session?: ResolvedSession;
  readonly focus?: Focus;
  readonly text: readonly string[];
  readonly quiz?: ResolvedQuiz;
  readonly table?: { readonly columns: readonly string[]; readonly rows: readonly (readonly string[])[] };
  /** The rules the step teaches (`ekuscope rules ID`). */
  readonly rules: readonly DomainRuleId[];
  /** Anything that did not resolve; a lesson with problems is a bug in the lesson or the capture. */
  readonly problems: readonly string[];
}

export interface ResolvedLesson {
  readonly lesson: Lesson;
  readonly steps: readonly ResolvedStep[];
  /** Capture folders the lesson needs that were not given. */
  readonly missing: readonly string[];
  readonly problems: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Sessions and ladders

function ep(e: { readonly ip: string; readonly port: number } | undefined): string {
  if (!e) return '?';
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

function sideOf(s: Session, dir: 0 | 1): Side {
  return dir === (s.clientDir ?? 0) ? 'client' : 'server';
}

function messageWhat(m: TlsMessage): { what?: MessageWhat; label: string } {
  switch (m.kind) {
    case 'handshake': {
      const name = handshakeTypeName(m.type);
      const known: readonly string[] = ['ClientHello', 'ServerHello', 'Certificate', 'ServerKeyExchange', 'CertificateRequest', 'ServerHelloDone', 'ClientKeyExchange', 'CertificateVerify', 'NewSessionTicket'];
      return { ...(known.includes(name) ? { what: name as MessageWhat } : {}), label: `${name}${m.decrypted ? ' (decrypted)' : ''}` };
    }
    case 'change-cipher-spec':
      return { what: 'ChangeCipherSpec', label: 'ChangeCipherSpec' };
    case 'alert':
      return {
        what: 'Alert',
        label: m.encrypted
          ? `Encrypted Alert (${m.length} bytes)`
          : `Alert ${m.level !== undefined ? alertLevelName(m.level) : '?'} ${m.description ?? '?'} ${m.description !== undefined ? alertDescriptionName(m.description) : ''}`.trim() + (m.decrypted ? ' (decrypted)' : ''),
      };
    case 'encrypted-handshake':
      return { what: 'EncryptedRecord', label: 'Encrypted Handshake Message' };
    case 'application-data':
      return { what: 'EncryptedRecord', label: `Encrypted record (${m.length} bytes)` };
    case 'heartbeat':
      return { label: 'Heartbeat' };
  }
}

function leafOf(c: LessonCapture, msg: CertificateMessageInfo | undefined): CertInfo | undefined {
  const ref = msg?.certificates[0];
  return ref ? c.pool.get(ref.id) : undefined;
}

function ekuText(cert: CertInfo | undefined): string {
  if (!cert?.eku) return 'undecodable';
  if (!cert.eku.present) return 'no EKU extension (no restriction, E1)';
  return cert.eku.names.join(' + ') || 'empty';
}

function cn(cert: CertInfo | undefined, dn: 'subject' | 'issuer'): string {
  const name = cert?.[dn];
  return name?.attributes.find((a) => a.shortName === 'CN')?.value ?? name?.rfc4514 ?? '?';
}

function buildLadder(s: Session, c: LessonCapture): LessonLadderEntry[] {
  const out: LessonLadderEntry[] = [];
  const certMsgs = new Map(s.certificateMessages.map((m) => [m.messageIndex, m]));
  for (const m of s.tls.messages) {
    const side = sideOf(s, m.dir);
    const { what, label } = messageWhat(m);
    let note: string | undefined;
    let tone: LadderStep['tone'];
    const cm = certMsgs.get(m.index);
    if (cm) {
      const leaf = leafOf(c, cm);
      // Words and '/' only: the Markdown ladder keeps a small safe alphabet.
      note = cm.empty ? 'empty: no certificate' : leaf ? `serial ${leaf.serialDisplay ?? '?'} (EKU ${leaf.eku?.present ? leaf.eku.names.join('/') || 'empty' : 'none'})` : undefined;
    }
    if (m.kind === 'alert') tone = m.encrypted ? 'warn' : m.level === 2 ? 'bad' : 'warn';
    else if (m.kind === 'encrypted-handshake' || m.kind === 'application-data') tone = 'muted';
    out.push({
      from: side === 'client' ? 'left' : 'right',
      label,
      frame: m.frame,
      frames: m.frames,
      side,
      ...(what ? { what } : {}),
      messageIndex: m.index,
      ...(note ? { note } : {}),
      ...(tone ? { tone } : {}),
    });
  }
  for (const end of closeEvents(s.tls.ended)) {
    const side = sideOf(s, end.from);
    const silent = s.tls.silentRejection?.end.frame === end.frame;
    out.push({
      from: side === 'client' ? 'left' : 'right',
      label: end.kind === 'fin' ? 'TCP FIN' : 'TCP RST',
      frame: end.frame,
      frames: [end.frame],
      side,
      ...(end.kind === 'fin' ? { what: 'FIN' as const } : {}),
      ...(silent ? { note: 'closed without an alert (T8)', tone: 'bad' as const } : { tone: 'muted' as const }),
    });
  }
  // Stable: messages and a FIN in the same frame keep their order.
  return out.map((e, i) => ({ e, i })).sort((a, b) => a.e.frame - b.e.frame || a.i - b.i).map((x) => x.e);
}

function findSession(ref: SessionRef, captures: LessonCaptures): { session?: ResolvedSession; problem?: string } {
  const files = captures.get(captureKey(ref));
  if (!files || files.length === 0) return { problem: `captures/${ref.capture}${ref.keylog ? ` with ${ref.keylog}` : ''} is not available` };
  const file = ref.host ? files.find((f) => f.host === ref.host) : files[0];
  if (!file) return { problem: `captures/${ref.capture} has no capture from host ${ref.host}` };
  const matches = file.sessions.filter((s) => s.server?.port === ref.serverPort && (ref.serverIp === undefined || s.server.ip === ref.serverIp));
  if (matches.length !== 1) {
    return { problem: `captures/${ref.capture} (${file.file}): ${matches.length} TLS sessions to ${ref.serverIp ?? '*'}:${ref.serverPort}, expected exactly one` };
  }
  const s = matches[0]!;
  return {
    session: {
      key: `${file.folder}/${file.file}${file.keylog ? `+${file.keylog}` : ''}#${s.id}`,
      folder: file.folder,
      file: file.file,
      ...(file.host ? { host: file.host } : {}),
      ...(file.keylog ? { keylog: file.keylog } : {}),
      sessionId: s.id,
      client: ep(s.client),
      server: ep(s.server),
      version: s.tls.version !== undefined ? versionName(s.tls.version) : 'unknown version',
      ladder: buildLadder(s, file),
      session: s,
      capture: file,
    },
  };
}

function findMessage(rs: ResolvedSession, ref: MessageRef): Focus | undefined {
  const hits = rs.ladder.map((e, i) => ({ e, i })).filter(({ e }) => e.side === ref.from && e.what === ref.what);
  const nth = ref.nth ?? 1;
  const hit = nth === -1 ? hits[hits.length - 1] : hits[nth - 1];
  if (!hit) return undefined;
  return {
    ladderIndex: hit.i,
    frame: hit.e.frame,
    frames: hit.e.frames,
    label: hit.e.label,
    from: hit.e.side,
    ...(hit.e.messageIndex !== undefined ? { messageIndex: hit.e.messageIndex } : {}),
  };
}

function refText(ref: MessageRef): string {
  return `${ref.nth && ref.nth !== 1 ? `${ref.nth === -1 ? 'last' : `#${ref.nth}`} ` : ''}${ref.what} from the ${ref.from}`;
}

// ---------------------------------------------------------------------------------------------
// Facts about a focus, for placeholders and quiz checks

function boxOf(rs: ResolvedSession, host?: string): LessonBox | undefined {
  const h = host ?? rs.host;
  return rs.capture.boxes.find((b) => b.host === h) ?? (rs.capture.boxes.length === 1 ? rs.capture.boxes[0] : undefined);
}

function hostRole(rs: ResolvedSession, box: LessonBox | undefined): Side | undefined {
  if (!box) return undefined;
  const s = rs.session;
  if (s.client && box.addresses.includes(s.client.ip)) return 'client';
  if (s.server && box.addresses.includes(s.server.ip)) return 'server';
  return undefined;
}

function certMessageAt(rs: ResolvedSession, focus: Focus | undefined): CertificateMessageInfo | undefined {
  if (focus?.messageIndex === undefined) return undefined;
  return rs.session.certificateMessages.find((m) => m.messageIndex === focus.messageIndex);
}

type StoreMatch = 'client' | 'server' | 'both' | 'neither';

function storeMatch(box: LessonBox | undefined, leaf: CertInfo | undefined): StoreMatch | undefined {
  if (!box || !leaf || (!box.clientStore && !box.serverStore)) return undefined;
  const inClient = box.clientStore?.cert.sha256 === leaf.sha256;
  const inServer = box.serverStore?.cert.sha256 === leaf.sha256;
  return inClient && inServer ? 'both' : inClient ? 'client' : inServer ? 'server' : 'neither';
}

function storeText(box: LessonBox, match: StoreMatch, role: Side | undefined): string {
  const file = (s: StoreFile | undefined) => (s ? ` (${s.file})` : '');
  switch (match) {
    case 'client':
      return `the client store${file(box.clientStore)}`;
    case 'server':
      return `the server store${file(box.serverStore)}`;
    case 'both':
      return `the ${role ?? 'client'} store — which holds the same certificate as the ${role === 'server' ? 'client' : 'server'} store (same serial in ${box.clientStore!.file} and ${box.serverStore!.file}: copied, X2)`;
    case 'neither':
      return `in neither store of ${box.host}`;
  }
}

function outcomeText(s: Session): string {
  const o = s.tls.outcome;
  const fatal = s.alerts.find((a) => !a.encrypted && a.level === 2);
  if (fatal) return `the handshake ends with fatal alert ${fatal.description} ${alertDescriptionName(fatal.description ?? 0)} from the ${fatal.from} (frame ${fatal.frame})`;
  switch (o.kind) {
    case 'completed':
      return `the handshake completes (frame ${o.frame})`;
    case 'resumed':
      return `the session is resumed (frame ${o.frame})`;
    case 'closed':
    case 'reset':
      return `the ${o.end.by} ${o.kind === 'closed' ? 'closed' : 'reset'} the connection in frame ${o.end.frame} before the handshake finished`;
    case 'tls13':
      return 'TLS 1.3: without keys the end of the handshake cannot be seen (T7)';
    default:
      return `the handshake's end is not visible (${o.kind})`;
  }
}

function observedOutcome(s: Session): string {
  if (s.alerts.some((a) => !a.encrypted && a.level === 2)) return 'rejected';
  if (s.tls.outcome.kind === 'completed' || s.tls.outcome.kind === 'resumed') return 'completes';
  if (s.tls.silentRejection) return 'rejected';
  return 'unknown';
}

function facts(rs: ResolvedSession, focus: Focus | undefined, host?: string): Map<string, string> {
  const s = rs.session;
  const f = new Map<string, string>();
  f.set('client', rs.client);
  f.set('server', rs.server);
  f.set('version', rs.version);
  f.set('capture', `captures/${rs.folder}`);
  if (s.sni) f.set('sni', s.sni);
  f.set('outcome', outcomeText(s));
  const box = boxOf(rs, host);
  const role = hostRole(rs, box);
  if (box) {
    f.set('host', box.host);
    if (box.checking) f.set('checking', box.checking);
  }
  if (role) f.set('hostRole', role);
  for (const [name, end] of [['clientChecking', s.client], ['serverChecking', s.server]] as const) {
    const b = end ? rs.capture.boxes.find((x) => x.addresses.includes(end.ip)) : undefined;
    if (b?.checking) f.set(name, b.checking);
  }
  if (s.certificateRequest) {
    const names = s.certificateRequest.caNames.map((n) => n.text.match(/CN=([^,]+)/)?.[1] ?? n.text);
    f.set('caNames', names.length ? names.join('; ') : 'any (empty list)');
    f.set('certTypes', s.certificateRequest.certificateTypes.map(certificateTypeName).join(', ') || 'none listed');
  }
  if (!focus) return f;
  f.set('frame', String(focus.frame));
  f.set('frames', framesText(focus.frames));
  f.set('from', focus.from === 'client' ? rs.client : rs.server);
  f.set('to', focus.from === 'client' ? rs.server : rs.client);
  const cm = certMessageAt(rs, focus);
  if (cm) {
    const leaf = leafOf(rs.capture, cm);
    if (leaf) {
      if (leaf.serialDisplay) f.set('serial', leaf.serialDisplay);
      f.set('subject', cn(leaf, 'subject'));
      f.set('issuer', cn(leaf, 'issuer'));
      f.set('eku', ekuText(leaf));
      const match = storeMatch(box, leaf);
      if (box && match) f.set('store', storeText(box, match, role));
    }
    f.set('chain', String(cm.certificates.length));
    const ca = cm.certificates[1] ? rs.capture.pool.get(cm.certificates[1].id) : undefined;
    if (ca) {
      f.set('caSubject', cn(ca, 'subject'));
      f.set('caEku', ekuText(ca));
    }
  }
  if (focus.messageIndex !== undefined) {
    const alert = s.alerts.find((a) => a.messageIndex === focus.messageIndex);
    if (alert) {
      f.set(
        'alert',
        alert.encrypted || alert.description === undefined
          ? `an encrypted alert (${alert.length} bytes)`
          : `${alertLevelName(alert.level ?? 0)} alert ${alert.description} ${alertDescriptionName(alert.description)}`,
      );
    }
  }
  return f;
}

function fill(template: string, values: Map<string, string>, problems: string[], where: string): string {
  return template.replace(/\{([A-Za-z]+)\}/g, (_, name: string) => {
    const v = values.get(name);
    if (v === undefined) {
      problems.push(`${where}: {${name}} has no value here`);
      return `{${name}}`;
    }
    return v;
  });
}

function observe(check: QuizCheck, rs: ResolvedSession, focus: Focus | undefined): string | undefined {
  const s = rs.session;
  switch (check.kind) {
    case 'store': {
      const box = boxOf(rs);
      const m = storeMatch(box, leafOf(rs.capture, certMessageAt(rs, focus)));
      if (m === 'both') return hostRole(rs, box);
      return m;
    }
    case 'outcome':
      return observedOutcome(s);
    case 'role':
      return hostRole(rs, boxOf(rs));
    case 'alert-sent':
      return focus ? (s.alerts.some((a) => a.from === focus.from) ? 'yes' : 'no') : undefined;
    case 'certificate-visible':
      return s.certificateMessages.length > 0 ? 'yes' : 'no';
    case 'closed-first': {
      const first = closeEvents(s.tls.ended)[0];
      return first ? sideOf(s, first.from) : undefined;
    }
    case 'has-eku': {
      const leaf = leafOf(rs.capture, certMessageAt(rs, focus));
      if (!leaf?.eku) return undefined;
      return !leaf.eku.present || leaf.eku[check.eku] ? 'yes' : 'no';
    }
  }
}

function compareTable(step: CompareStep, captures: LessonCaptures, problems: string[]): { columns: string[]; rows: string[][] } {
  const rows: string[][] = [];
  for (const row of step.rows) {
    const found = findSession(row.session, captures);
    if (!found.session) {
      problems.push(found.problem ?? 'session not found');
      continue;
    }
    const rs = found.session;
    const box = boxOf(rs, row.host);
    const role = hostRole(rs, box);
    if (!box || !role) {
      problems.push(`${row.label}: ${row.host} is neither end of the session`);
      continue;
    }
    const msg = rs.session.certificateMessages.find((m) => m.from === role);
    const leaf = leafOf(rs.capture, msg);
    const match = storeMatch(box, leaf);
    const store = match === 'both' ? `${role} (same cert in both)` : (match ?? '?');
    rows.push([row.label, `${rs.client} → ${rs.server}`, `TLS ${role}`, store, leaf?.serialDisplay ?? '?', ekuText(leaf), role === 'client' ? 'clientAuth' : 'serverAuth', msg ? `frame ${msg.frame}` : '']);
  }
  return { columns: ['session', 'TLS client → server', 'Expressway is', 'store presented', 'serial', 'EKU', 'needs', 'Certificate'], rows };
}

/** Resolves every step of a lesson against the captures given. */
export function resolveLesson(lesson: Lesson, captures: LessonCaptures): ResolvedLesson {
  const steps: ResolvedStep[] = [];
  const missing = lessonSources(lesson)
    .filter((src) => !captures.has(captureKey(src)))
    .map((src) => `${src.capture}${src.keylog ? ` (with ${src.keylog})` : ''}`);
  lesson.steps.forEach((step, i) => {
    const number = i + 1;
    const where = `lesson ${lesson.name}, step ${number}`;
    const problems: string[] = [];
    const rules = step.rules ?? [];
    if (step.kind === 'compare') {
      const table = compareTable(step, captures, problems);
      steps.push({ kind: 'compare', number, title: step.title, text: step.text, table, rules, problems });
      return;
    }
    let rs: ResolvedSession | undefined;
    if (step.session) {
      const found = findSession(step.session, captures);
      rs = found.session;
      if (!rs) problems.push(`${where}: ${found.problem}`);
    }
    if (step.kind === 'explain') {
      const focus = rs && step.focus ? findMessage(rs, step.focus) : undefined;
      if (rs && step.focus && !focus) problems.push(`${where}: no ${refText(step.focus)} in ${rs.key}`);
      const values = rs ? facts(rs, focus) : new Map<string, string>();
      const text = step.text.map((t) => (rs ? fill(t, values, problems, where) : t));
      steps.push({ kind: 'explain', number, title: step.title, ...(rs ? { session: rs } : {}), ...(focus ? { focus } : {}), text, rules, problems });
      return;
    }
    // Quiz: the question is asked with the session in view; the answer focuses answerAt.
    const answerFocus = rs ? findMessage(rs, step.answerAt) : undefined;
    if (rs && !answerFocus) problems.push(`${where}: no ${refText(step.answerAt)} in ${rs.key}`);
    // The question is asked before the answer is shown: it may use session facts, not the answer's.
    const qValues = rs ? facts(rs, undefined) : new Map<string, string>();
    const aValues = rs ? facts(rs, answerFocus) : new Map<string, string>();
    const question = rs ? fill(step.question, qValues, problems, where) : step.question;
    const reveal = step.reveal.map((t) => (rs ? fill(t, aValues, problems, where) : t));
    if (!step.choices.some((c) => c.answer === step.answer)) problems.push(`${where}: the answer ${step.answer} is not among the choices`);
    const observed = rs ? observe(step.check, rs, answerFocus) : undefined;
    if (rs && observed !== step.answer) problems.push(`${where}: the lesson says ${step.answer}, the capture shows ${observed ?? 'nothing decidable'}`);
    steps.push({
      kind: 'quiz',
      number,
      title: step.title,
      ...(rs ? { session: rs } : {}),
      text: [],
      quiz: { question, choices: step.choices, answer: step.answer, ...(observed ? { observed } : {}), ...(answerFocus ? { answerFocus } : {}), reveal },
      rules,
      problems,
    });
  });
  return { lesson, steps, missing, problems: steps.flatMap((s) => s.problems) };
}
