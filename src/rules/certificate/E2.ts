import type { PresentedFacts } from '../checks.js';
import type { RuleFinding } from '../finding.js';
import { citing } from '../citing.js';
import { ekuFinding, storeVerdictFinding } from './purpose.js';
import type { Rule } from '../types.js';

export const E2: Rule = {
  id: 'E2',
  family: 'E',
  title: 'EKU present: only the listed purposes',
  statement: 'With an EKU extension, the certificate is good only for the purposes it lists. "clientAuth missing" is said only when the extension is present and lacks 1.3.6.1.5.5.7.3.2; serverAuth is 1.3.6.1.5.5.7.3.1.',
  explanation: [
    'The rule book: "EKU present: the certificate is good only for the listed purposes. Say \'clientAuth missing\' only when the extension is present and lacks 1.3.6.1.5.5.7.3.2. serverAuth is 1.3.6.1.5.5.7.3.1."',
    'This is the heart of the 2026 change: public CAs stopped issuing certificates with clientAuth (DigiCert 1 May 2026, Sectigo 15 May 2026, Let\'s Encrypt from February to May 2026), so a box that is TLS client with a public serverAuth-only certificate fails wherever its peer checks clientAuth.',
    'ekuscope reports "lacks clientAuth" (client certificate) or "lacks serverAuth" (server certificate) only from an EKU extension it read, and "has clientAuth/serverAuth" when the extension lists it.',
  ].join('\n\n'),
  fix: 'Give the TLS client a certificate whose EKU lists clientAuth (for Expressway: in the client store, e.g. from a private CA), and the TLS server one that lists serverAuth.',
  sources: ['RFC 5280 §4.2.1.12', 'Cisco document 225693', 'Chrome Root Program policy v1.8'],
  checks: {
    presented: [{ order: 2, run: undecodable }, { order: 3, run: citing('E2', ekuFinding) }],
    storeRole: [{ order: 2, run: citing('E2', storeVerdictFinding) }],
  },
};

/** A presented leaf that could not be decoded: no verdict on its EKU. */
function undecodable(f: PresentedFacts): RuleFinding | undefined {
  const leaf = f.p.leaf;
  if (!leaf?.error) return undefined;
  return { severity: 'warning', rule: 'E2', session: f.sid, frames: f.frames, code: 'cert-undecodable', title: `The ${f.what} in frame ${f.p.message.frame} could not be decoded`, detail: leaf.error };
}
