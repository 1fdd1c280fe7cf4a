/** A session's ladder diagram: its messages and alerts in frame order, each labelled. */
import type { Session } from '../../analysis/index.js';
import { closeEvents } from '../../net/index.js';
import { HandshakeType, alertDescriptionName, alertLevelName, handshakeTypeName, isNullCipher, type TlsMessage } from '../../tls/index.js';
import { ekuText, serialText, type PresentedAssessment, type SessionAssessment } from '../../expressway/index.js';
import { incompleteText, type LadderStep } from '../doc.js';

function messageLabel(m: TlsMessage, s: Session): { label: string; tone?: LadderStep['tone'] } {
  switch (m.kind) {
    case 'handshake':
      if (m.type === HandshakeType.Certificate) {
        // Counted from the session's certificate list: decoding the message again would rebuild its bytes.
        const cm = s.certificateMessages.find((c) => c.messageIndex === m.index);
        const n = cm?.certificates.length;
        // C3: bytes missing make a message incomplete, never empty; whole certificates in it still count.
        if (cm?.truncated || m.truncated) return { label: `Certificate (${incompleteText(m)}${n ? `; ${n} whole certificate(s)` : ''})`, tone: 'warn' };
        if (n !== undefined) return { label: n === 0 ? 'Certificate (empty)' : `Certificate (${n})` };
      }
      return { label: handshakeTypeName(m.type) + (m.decrypted ? ' (decrypted)' : '') + (m.truncated ? ` (${incompleteText(m)})` : '') };
    case 'change-cipher-spec':
      return { label: 'ChangeCipherSpec', tone: 'muted' };
    case 'alert':
      if (m.encrypted) return { label: alertLabel(m), tone: s.tls.outcome.kind === 'alert' && s.tls.outcome.alert.frame === m.frame ? 'bad' : 'muted' };
      return { label: alertLabel(m), tone: m.level === 2 ? 'bad' : 'warn' };
    case 'encrypted-handshake':
      // C6: a NULL-cipher suite sends Finished in clear (with a MAC).
      // Without the handshake in the capture (C2) the record is not known to be a Finished.
      return { label: s.tls.tls13 || s.roleGuess ? `Encrypted handshake (${m.length} B)` : isNullCipher(s.tls.cipherSuite) ? 'Finished (unencrypted: NULL cipher)' : 'Finished (encrypted)', tone: 'muted' };
    case 'application-data':
      return { label: s.tls.tls13 && m.length < 100 ? `Encrypted record (${m.length} B)` : `Application data (${m.length} B)`, tone: 'muted' };
    default:
      return { label: 'Record', tone: 'muted' };
  }
}

/** An alert record's ladder label (C6: an encrypted one by its size, a NULL-cipher one said to be in clear). */
function alertLabel(a: { readonly encrypted: boolean; readonly length: number; readonly level?: number; readonly description?: number; readonly nullCipher?: boolean }): string {
  if (a.encrypted) return `Encrypted alert (${a.length} B)`;
  const text = `Alert ${a.level !== undefined ? alertLevelName(a.level) + ' ' : ''}${a.description ?? '?'} ${a.description !== undefined ? alertDescriptionName(a.description) : ''}`.trim();
  return a.nullCipher ? `${text} (unencrypted: NULL cipher)` : text;
}

const MAX_LADDER_STEPS = 30;

export function buildLadder(a: SessionAssessment): LadderStep[] {
  const s = a.session;
  const cd = s.clientDir ?? 0;
  const steps: LadderStep[] = [];
  const certNote = (p: PresentedAssessment | undefined): string | undefined => {
    if (!p?.leaf || p.leaf.error) return undefined;
    const st = p.store.kind === 'as-expected' ? `, ${p.store.expected} store` : '';
    return `serial ${shortSerial(serialText(p.leaf))}, ${ekuText(p.leaf)}${st}`;
  };
  for (const m of s.tls.messages) {
    if (steps.length >= MAX_LADDER_STEPS) break;
    const from = m.dir === cd ? 'left' : 'right';
    const { label, tone } = messageLabel(m, s);
    const prev = steps[steps.length - 1];
    // Runs of application data in one direction become one step.
    if (m.kind === 'application-data' && !s.tls.tls13 && prev && prev.from === from && prev.label.startsWith('Application data')) continue;
    let note: string | undefined;
    let rejected = false;
    if (m.kind === 'handshake' && m.type === HandshakeType.Certificate) {
      const p = m.dir === cd ? a.presented.client : a.presented.server;
      note = certNote(p);
      rejected = a.outcome.status === 'failed' && p !== undefined && p.message.frame === m.frame && a.outcome.rejected === p.from;
    }
    steps.push({ from, label, frame: m.frame, ...(note ? { note } : {}), ...(tone ? { tone } : {}), ...(rejected ? { rejected } : {}) });
  }
  // Alerts seen after the dissector let go (a late close_notify), the same way as the others (C6).
  for (const al of s.alerts) {
    if (!al.late) continue;
    steps.push({ from: al.dir === cd ? 'left' : 'right', label: alertLabel(al), frame: al.frame, tone: 'muted' });
  }
  // TCP ends: a FIN or RST without an alert is the whole story of a silent close (T8).
  for (const e of closeEvents(s.connection.ends)) {
    const from = e.from === cd ? 'left' : 'right';
    const silent = s.tls.silentRejection && s.tls.silentRejection.end.frame === e.frame;
    steps.push({ from, label: e.kind === 'fin' ? 'TCP FIN' : 'TCP RST', frame: e.frame, tone: silent ? 'bad' : 'muted', ...(silent ? { note: 'closed without an alert (T8)' } : {}) });
  }
  return steps.sort((x, y) => x.frame - y.frame);
}

function shortSerial(s: string): string {
  return s.length > 20 ? `${s.slice(0, 8)}…${s.slice(-4)}` : s;
}
