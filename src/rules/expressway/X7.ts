import type { Rule } from '../types.js';

export const X7: Rule = {
  id: 'X7',
  family: 'X',
  title: 'The document\'s outcomes',
  statement: 'Expressway-C\'s client certificate serverAuth-only with Expressway-E checking On: the UC traversal zone fails. Checking Off: the zone is active, SSH tunnels fail, MRA login and the WebRTC proxy do not work. A client certificate with clientAuth (private CA): everything works. Expressway-E\'s serverAuth-only client certificate: outbound mutual TLS works only where the far end disables its clientAuth check.',
  explanation: [
    'The rule book: "The document\'s outcomes: C client cert serverAuth-only and E checking On: UC traversal zone FAILED. Checking Off: zone active, SSH tunnels fail, MRA login and WebRTC proxy do not work. C client cert with clientAuth (private CA1): everything works in either mode. E client cert serverAuth-only: outbound mutual TLS works only where the far end disables its clientAuth check."',
    'ekuscope uses these outcomes to say which services a certificate breaks, and what-if predicts them for a changed store or mode.',
  ].join('\n\n'),
  fix: 'A client certificate with clientAuth from a private CA, in the client store (the document\'s condition 2.1).',
  sources: ['Cisco document 225693'],
};
