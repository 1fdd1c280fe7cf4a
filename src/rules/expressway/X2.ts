import type { StoreFacts } from '../checks.js';
import { certSummary, serialText } from '../facts/words.js';
import type { RuleFinding } from '../finding.js';
import type { Rule } from '../types.js';

export const X2: Rule = {
  id: 'X2',
  family: 'X',
  title: 'The upgrade copies the server certificate',
  statement: 'The upgrade to x15.5 copies the server certificate into the client store. The same serial in the client_ and server_ files means "copied at upgrade, or with \'Upload server certificate file as client certificate\'".',
  explanation: [
    'The rule book: "The upgrade to x15.5 copies the server certificate into the client store. Same serial in client_ and server_ PEM: \'copied at upgrade, or with \'Upload server certificate file as client certificate\'\'."',
    'Such a copy works while the certificate still has clientAuth; once it is renewed from a public CA (serverAuth only from 2026) the client store must get a clientAuth certificate of its own.',
  ].join('\n\n'),
  fix: 'Put a clientAuth certificate (e.g. from a private CA) in the client store; keep the public serverAuth certificate in the server store.',
  sources: ['Cisco document 225693'],
  checks: {
    store: [{ order: 10, run: sameInBoth }],
  },
};

/** The same certificate in the client and the server store: copied at the upgrade (X2). */
function sameInBoth(f: StoreFacts): RuleFinding[] {
  const { stores, name } = f;
  const out: RuleFinding[] = [];
  for (const same of stores.sameInBoth) {
    const c = same.client.cert;
    const lacks = c.eku?.present === true && !c.eku.clientAuth;
    out.push({
      severity: lacks ? 'warning' : 'info',
      rule: 'X2',
      frames: [],
      code: 'same-cert-both-stores',
      title: `${name}: the client and server stores hold the same certificate (serial ${serialText(c)})`,
      detail: `${same.client.file} and ${same.server.file} hold ${certSummary(c)}${same.identical ? '' : ' (same issuer and serial, different bytes)'}: copied at the upgrade to x15.5, or with "Upload server certificate file as client certificate" (X2).${
        lacks ? ' It lacks clientAuth, so every service where a peer checks clientAuth fails (X7).' : ' It has clientAuth today.'
      }`,
      fix: lacks
        ? 'Put a clientAuth certificate (e.g. from a private CA) in the client store; keep the public serverAuth certificate in the server store.'
        : 'When this certificate is renewed from a public CA (serverAuth only from 2026), the client store will need a clientAuth certificate from elsewhere (private CA): a copy of the server certificate would lose clientAuth.',
    });
  }
  return out;
}
