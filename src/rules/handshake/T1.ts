import type { SessionFacts } from '../facts/session.js';
import type { RuleFinding } from '../finding.js';
import type { Rule } from '../types.js';

export const T1: Rule = {
  id: 'T1',
  family: 'T',
  title: 'Who sends ClientHello is the TLS client',
  statement: 'The endpoint that sends the ClientHello is the TLS client: usually, not always, the one that sent the TCP SYN.',
  explanation: [
    'The rule book: "The endpoint that sends ClientHello is the TLS client (usually, not always, the one that sent SYN)."',
    'Every certificate need follows from the roles (E6, X1), so ekuscope takes them from the handshake, never from ports or from who opened the TCP connection; ports only name a service. Where the TLS client is not the TCP initiator it says so.',
  ].join('\n\n'),
  sources: ['RFC 5246 §7.4.1.2', 'RFC 8446 §4.1.2'],
  checks: {
    session: [{ order: 10, run: notInitiator }],
  },
};

/** T1: the ClientHello sender is the client, usually (not always) the TCP initiator. */
function notInitiator(f: SessionFacts): RuleFinding[] {
  const { s, client, server, chMsg } = f;
  const findings: RuleFinding[] = [];
  if (s.client && !s.roleGuess && s.connection.synSeen && s.client.ip === s.connection.b.ip && s.client.port === s.connection.b.port) {
    findings.push({
      severity: 'info',
      rule: 'T1',
      session: s.id,
      frames: chMsg ? [chMsg.frame] : [],
      code: 'tls-client-not-initiator',
      title: 'The TLS client is not the end that opened the TCP connection',
      detail: `${client.label} sent the ClientHello although ${server.label} sent the SYN: roles follow the ClientHello (T1).`,
    });
  }
  return findings;
}
