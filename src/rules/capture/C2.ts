import { roleGuessText } from '../facts/outcome.js';
import type { SessionFacts } from '../facts/session.js';
import type { RuleFinding } from '../finding.js';
import type { Rule } from '../types.js';

export const C2: Rule = {
  id: 'C2',
  family: 'C',
  title: 'Handshake not captured',
  statement: 'Without a ClientHello the TLS client is inferred and said to be; there is no verdict on certificates or on how a handshake ended. The advice is to capture from before the connection is made.',
  explanation: [
    'The rule book: "Handshake not captured (the capture began after it; on Expressway most long-lived traversal and SIP TLS connections): no ClientHello, so the TLS client is inferred (who spoke first, well-known ports) and said to be; no verdict on certificates or on how a handshake ended; advice is \'capture from before the connection is made\', never \'capture longer\'."',
    'Traversal zones and SIP trunks stay up for days, so a capture started while they run sees only records of established connections.',
  ].join('\n\n'),
  fix: 'Start the capture first, then make the connection happen again (restart the zone, or disable and re-enable the service).',
  sources: ['RFC 5246 §7.3', 'RFC 8446 §2'],
  checks: {
    session: [{ order: 11, run: rolesFromServer }, { order: 20, run: noHandshake }, { order: 47, run: midStream }],
  },
};

/** No ClientHello: the roles were inferred from a server message. */
function rolesFromServer(f: SessionFacts): RuleFinding[] {
  const { s, shMsg } = f;
  const findings: RuleFinding[] = [];
  if (s.tls.roleSource && s.tls.roleSource !== 'client-hello') {
    findings.push({
      severity: 'warning',
      rule: 'C2',
      alsoRules: ['T1'],
      session: s.id,
      frames: shMsg ? [shMsg.frame] : [],
      code: 'roles-from-server-message',
      title: 'No ClientHello in the capture: roles inferred from a server message',
      detail: 'The capture started after the ClientHello; the TLS client was taken to be the side that did not send the server messages.',
      fix: 'Start the capture before the connection is opened (restart the zone or the service to trigger a new connection).',
    });
  }
  return findings;
}

/** The capture began after this connection's handshake. */
function noHandshake(f: SessionFacts): RuleFinding[] {
  const { s, outcome } = f;
  const findings: RuleFinding[] = [];
  if (s.tls.outcome.kind !== 'no-handshake' || outcome.status === 'failed') return findings;
  findings.push({
    severity: 'warning',
    rule: 'C2',
    session: s.id,
    frames: outcome.frames,
    code: 'no-handshake',
    title: 'The capture started after this connection’s handshake',
    detail: `Only records of an established TLS connection are in the capture: certificates and the handshake's outcome cannot be seen, and which side was TLS client is a guess (${roleGuessText(s)}).`,
    fix: 'Capture from before the connection is made: start the capture first, then make the connection happen again (e.g. restart the zone, or disable and re-enable the service), so the handshake is captured.',
  });
  return findings;
}

/** Only where the start of a direction really is missing: a captured SYN says the start is there (C3). */
function midStream(f: SessionFacts): RuleFinding[] {
  const { s } = f;
  const findings: RuleFinding[] = [];
  const conn = s.connection;
  if ((s.tls.midStream[0] || s.tls.midStream[1]) && !conn.synSeen && s.tls.outcome.kind !== 'no-handshake') {
    findings.push({
      severity: 'warning',
      rule: 'C2',
      session: s.id,
      frames: [conn.firstFrame],
      code: 'mid-stream',
      title: 'The capture joined this connection mid-stream',
      detail: 'TLS was found after a gap at the start of a direction: messages before it were not captured.',
      fix: 'Start the capture before the connection is made.',
    });
  }
  return findings;
}
