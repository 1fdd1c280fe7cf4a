/** A story's opening: which side was TLS client and server, the service the ports name, what was agreed. */
import { roleGuessText, type EndAssessment, type SessionAssessment } from '../../expressway/index.js';
import type { Inline } from '../doc.js';
import { byFrames } from './common.js';

/**
 * The services table names rows by port; a row whose end must be an Expressway is a guess when no
 * end of the session is a known box (any HTTPS server listens on 443).
 */
function serviceCaveat(a: SessionAssessment): string {
  const d = a.service.service;
  if (!d || a.client.box || a.server.box) return '';
  const needsBox = d.clientParties.every((p) => p.startsWith('expressway')) || d.serverParties.every((p) => p.startsWith('expressway'));
  return needsBox ? `; no Expressway is known in the inputs, so this is only the table's row for port ${a.server.endpoint.port}: any TLS service on that port fits as well` : '';
}

/** Who was TLS client and server (T1, C2), the service the ports name, the version and suite agreed. */
export function helloSentences(a: SessionAssessment): Inline[][] {
  const s = a.session;
  const ch = a.helloFrames.client;
  const sh = a.helloFrames.server;
  const out: Inline[][] = [];
  const byCert = (e: EndAssessment) =>
    e.box && e.boxBasis === 'certificate'
      ? ` (${e.short} recognised by the certificate it presented, which is in one of its stores: ${e.box.addresses.length ? `${e.endpoint.ip} is not among its known addresses` : 'no address was known for it'})`
      : '';
  const clientBasis = byCert(a.client);
  const serverBasis = byCert(a.server);
  if (ch !== undefined) {
    out.push(byFrames(`${a.client.label} sent the ClientHello, so it was the TLS client; ${a.server.label} was the TLS server (T1)${clientBasis}${serverBasis}.`, [ch]));
  } else if (s.roleGuess) {
    out.push(byFrames(`No handshake was captured, so which side was TLS client is not shown: ${roleGuessText(s)} (C2).`, [s.tls.messages[0]?.frame ?? s.connection.firstFrame]));
  } else if (s.client) {
    out.push(byFrames(`No ClientHello was captured; ${a.client.label} is taken as TLS client because ${a.server.label} sent the server's messages (T1).`, sh !== undefined ? [sh] : []));
  }
  // Service (ports are hints).
  const svc = a.service;
  if (svc.service) {
    out.push(byFrames(`Service: ${svc.service.name} (from ${svc.basis.join(' and ')}: ports name a service, they do not prove it)${serviceCaveat(a)}.`, ch !== undefined ? [ch] : []));
  } else if (svc.candidates.length > 1) {
    out.push(byFrames(`Port ${a.server.endpoint.port} fits several services: ${svc.candidates.map((c) => c.name).join(', ')}; which one is not decided from ports.`, ch !== undefined ? [ch] : []));
  }
  if (a.server.peerName && a.server.peerBasis) out.push(byFrames(`${a.server.peerName} is named from ${a.server.peerBasis}.`, a.presented.server ? [a.presented.server.message.frame] : ch !== undefined ? [ch] : []));
  if (s.tls.version !== undefined && sh !== undefined) {
    out.push(byFrames(`They negotiated ${a.versionText}${a.suiteText ? ` with ${a.suiteText}` : ''}.`, [sh]));
  }
  if (s.decrypted) out.push(byFrames('Encrypted handshake messages were decrypted with the key log given: what follows is observed, not inferred.', sh !== undefined ? [sh] : []));
  return out;
}
