/** The ladder view: a session's records and messages in frame order, each row with the story's step for it. */
import { safeText } from '../../bytes/text.js';
import type { Session } from '../../analysis/index.js';
import { closeEvents } from '../../net/index.js';
import { endpointText } from '../../expressway/index.js';
import { alertDescriptionName, alertLevelName, handshakeTypeName, type Dir, type TlsMessage } from '../../tls/index.js';
import { ekuStatus, type CertInfo, type EkuName } from '../../x509/index.js';
import { framesText, incompleteText, type LadderStep } from '../doc.js';
import type { SessionStory } from '../explanation.js';
import type { Tone } from './common.js';
import { roleEndpoints, type SessionEntry } from './sessions.js';

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

export function messageLabel(m: TlsMessage): string {
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

export function runText(frames: readonly number[]): string {
  return framesText(frames).replace(/^frames? /, '');
}

export function sideOf(s: Session, dir: Dir): 'client' | 'server' {
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

export function commonName(c: CertInfo): string {
  const cn = c.subject?.attributes.find((a) => a.shortName === 'CN')?.value;
  return safeText(cn !== undefined ? `CN=${cn}` : (c.subject?.rfc4514 ?? c.error ?? 'undecodable certificate'));
}
