import type { SessionFacts } from '../facts/session.js';
import type { RuleFinding } from '../finding.js';
import type { Rule } from '../types.js';

export const C4: Rule = {
  id: 'C4',
  family: 'C',
  title: 'Capture ended',
  statement: 'What comes after the last frame is unknown: "X did not send Y" holds only where the capture shows what X sent next.',
  explanation: [
    'The rule book: "Capture ended: what comes after the last frame is unknown; \'X did not send Y\' holds only where the capture shows what X sent next."',
    'A capture stopped during a handshake, or a file cut in transfer, says nothing about what followed; ekuscope reports such a handshake as not finished in the capture, not as failed.',
  ].join('\n\n'),
  fix: 'Capture longer: start the capture, then trigger the connection, and stop only after it is up or has failed.',
  sources: ['RFC 9293 §3.6 (closing a TCP connection: what each side sent last is its FIN or RST)', 'the test corpus, with tshark\'s dissection as reference'],
  checks: {
    session: [{ order: 20, run: captureEnded }],
  },
};

/** The capture ends before the handshake does (C4; C2 when its start is missing too). */
function captureEnded(f: SessionFacts): RuleFinding[] {
  const { s, outcome } = f;
  const findings: RuleFinding[] = [];
  if (outcome.status !== 'unknown' || s.tls.outcome.kind !== 'capture-ended') return findings;
  // The start of the handshake missing too (no ClientHello): capturing longer would not show it (C2).
  const startMissing = s.tls.roleSource !== 'client-hello';
  findings.push({
    severity: 'warning',
    rule: startMissing ? 'C2' : 'C4',
    ...(startMissing && { alsoRules: ['C4'] }),
    session: s.id,
    frames: outcome.frames,
    code: 'capture-ended',
    title: 'The capture ends before the handshake does',
    detail: outcome.explanation.join(' '),
    fix: startMissing
      ? 'Capture from before the connection is made, and stop only after it is up or has failed.'
      : 'Capture longer: start the capture, then trigger the connection, and stop only after it is up or has failed.',
  });
  return findings;
}
