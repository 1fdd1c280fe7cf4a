import { citing } from '../citing.js';
import { failedHandshake } from './headline.js';
import { boxTitle } from '../../expressway/context.js';
import type { PresentedFacts } from '../checks.js';
import type { RuleFinding } from '../finding.js';
import type { Rule } from '../types.js';

export const T5: Rule = {
  id: 'T5',
  family: 'T',
  title: 'What an alert says about an EKU rejection',
  statement: 'On an EKU rejection of a client certificate OpenSSL sends 43 (unsupported certificate purpose), Go 42, Java 46. 43 points strongly at a purpose (EKU or Key Usage) failure; 42 and 46 are generic; 48 is about trust, not EKU. A missing client certificate where one is required: 40 in TLS 1.2, 116 in TLS 1.3.',
  explanation: [
    'The rule book: "Who sends what on an EKU rejection of a client certificate: OpenSSL 43 (its \'unsupported certificate purpose\' maps to unsupported_certificate), Go 42, Java 46 (\'Extended key usage does not permit use for TLS client authentication\'). 43 points strongly at a purpose (EKU/KU) failure; 42 and 46 are generic; 48 is trust, not EKU. Missing client certificate when one is required: 40 in TLS 1.2 (newer stacks), 116 in TLS 1.3."',
    'So an alert alone proves a purpose failure only at 43; ekuscope weighs 42 and 46 against what the certificate itself shows, and treats 48 and a chain the verifier cannot complete as a trust problem.',
  ].join('\n\n'),
  fix: 'For unknown_ca (48): add the issuing CA to the verifier\'s trusted CA list, or present a chain to a CA it trusts.',
  sources: ['RFC 5246 §7.2', 'OpenSSL ssl/statem/statem_lib.c', 'Go crypto/tls/handshake_server.go', 'OpenJDK EndEntityChecker'],
  checks: {
    session: [{ order: 20, run: citing('T5', failedHandshake) }],
    presented: [{ order: 6, run: verifierTrust }],
  },
};

/** The chain against the verifier's own trusted CA list: trust, not EKU (T5). */
function verifierTrust(f: PresentedFacts): RuleFinding[] {
  const { p, sid, frames, what, end } = f;
  if (!f.verdict) return [];
  const completed = f.verdict.completed;
  const who = end.short;
  const out: RuleFinding[] = [];
  if (p.trust) {
    const t = p.trust.chain;
    if (t.status === 'unknown-root' || t.status === 'missing-intermediate' || t.status === 'complete-untrusted-root') {
      out.push({
        severity: completed ? 'warning' : 'error',
        rule: 'T5',
        session: sid,
        frames,
        code: t.status === 'missing-intermediate' ? 'chain-missing-intermediate' : 'chain-unknown-root',
        title: `${boxTitle(p.trust.box)}'s trusted CA list does not complete this ${what}'s chain`,
        detail: `${t.notes.join('; ')}. A verifier that cannot complete the chain answers unknown_ca (48): trust, not EKU (T5).`,
        fix: `Add the missing CA certificate(s) to ${boxTitle(p.trust.box)}'s trusted CA list, or have ${who} send the intermediate.`,
      });
    } else if (t.status === 'signature-invalid') {
      out.push({ severity: 'error', rule: 'T5', session: sid, frames, code: 'chain-signature-invalid', title: `A signature in the ${what}'s chain does not verify`, detail: t.notes.join('; ') + '.' });
    }
  }
  return out;
}
