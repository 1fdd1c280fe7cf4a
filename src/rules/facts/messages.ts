/** A session's messages in words: which message came before, the flight a peer reacted to. */
import type { Session } from '../../analysis/index.js';
import { HandshakeType, handshakeTypeName, type TlsMessage } from '../../tls/index.js';

export function msgAt(s: Session, index: number): TlsMessage | undefined {
  return s.tls.messages.find((m) => m.index === index);
}

export function messageName(m: TlsMessage | undefined): string {
  if (!m) return 'the previous message';
  switch (m.kind) {
    case 'handshake':
      return m.type === HandshakeType.Certificate ? 'Certificate' : handshakeTypeName(m.type);
    case 'change-cipher-spec':
      return 'ChangeCipherSpec';
    case 'alert':
      return 'an alert';
    case 'encrypted-handshake':
      return 'an encrypted handshake message (Finished)';
    case 'application-data':
      return 'application data';
    default:
      return 'a record';
  }
}

/**
 * "Expressway-C vcs8c's Certificate, ClientKeyExchange, CertificateVerify, ChangeCipherSpec and
 * Finished (frame 12)": the run of messages one side sent up to `last`, which is what a peer reacts to.
 */
export function flightText(s: Session, last: TlsMessage, who: string): string {
  const run: TlsMessage[] = [];
  for (const m of s.tls.messages) {
    if (m.index > last.index) break;
    if (m.dir !== last.dir) run.length = 0;
    else run.push(m);
  }
  const names = run.map((m) => (m.kind === 'encrypted-handshake' ? 'Finished (encrypted)' : messageName(m)));
  const frames = [...new Set(run.map((m) => m.frame))];
  const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names[0] ?? 'message';
  return `${who}'s ${list} (frame${frames.length > 1 ? 's' : ''} ${frames.join(', ')})`;
}
