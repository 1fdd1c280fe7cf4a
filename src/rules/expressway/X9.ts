import { boxTitle } from '../../expressway/context.js';
import type { SessionFacts } from '../facts/session.js';
import type { RuleFinding } from '../finding.js';
import type { Rule } from '../types.js';

export const X9: Rule = {
  id: 'X9',
  family: 'X',
  title: 'Expressway\'s log lines',
  statement: 'Event="Inbound TLS Negotiation Error" means Expressway was the TLS server; "Outbound" means client. Its TLS is OpenSSL, so the E rules for OpenSSL apply to its verdicts.',
  explanation: [
    'The rule book: "Expressway logs: Event="Inbound TLS Negotiation Error" = Expressway was server; "Outbound" = client; bServer="true" = server. Its TLS is OpenSSL, so E-rules for OpenSSL apply to its verdicts."',
    'With a bundle\'s loggingsnapshot ekuscope matches log lines to the captured connection by address and port, and says whether the role the log states agrees with the capture.',
  ].join('\n\n'),
  sources: ['Cisco Expressway administrator guide (x15.5)', 'OpenSSL ssl/statem/statem_lib.c'],
  checks: {
    session: [{ order: 49, run: logLines }],
  },
};

/** Expressway's own log lines about this connection. */
function logLines(f: SessionFacts): RuleFinding[] {
  const { s, outcome, chMsg, logs } = f;
  const findings: RuleFinding[] = [];
  for (const lm of logs) {
    const ev = lm.event;
    findings.push({
      severity: lm.roleAgrees ? 'info' : 'warning',
      rule: 'X9',
      session: s.id,
      frames: outcome.frames.length ? [...outcome.frames] : chMsg ? [chMsg.frame] : [],
      code: lm.roleAgrees ? 'log-event' : 'log-role-disagrees',
      title:
        ev.kind === 'ssl-socket'
          ? `${boxTitle(lm.box)}'s log records this connection's TLS socket`
          : `${boxTitle(lm.box)}'s log records ${ev.kind === 'inbound-negotiation-error' ? 'an inbound' : 'an outbound'} TLS negotiation error for this connection`,
      detail: `loggingsnapshot line ${ev.line}: ${ev.fields['Event'] ?? ev.kind}${ev.reason ? `, Detail "${ev.reason}"` : ''}${ev.fields['Common-name'] ? `, Common-name "${ev.fields['Common-name']}"` : ''}. ${
        ev.expresswayRole === 'server' ? `${boxTitle(lm.box)} was TLS server` : ev.expresswayRole === 'client' ? `${boxTitle(lm.box)} was TLS client` : 'The role is not stated'
      } (X9)${lm.roleAgrees ? ', as in the capture' : ', which disagrees with the capture'}. ${
        ev.reasonCodes.includes('unsupported-certificate-purpose') ? 'Its OpenSSL reason names the certificate purpose (EKU/KU), E2/E5.' : ''
      }`.trim(),
    });
  }
  return findings;
}
