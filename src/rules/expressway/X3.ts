import type { Rule } from '../types.js';

export const X3: Rule = {
  id: 'X3',
  family: 'X',
  title: 'The client store refuses a certificate without clientAuth',
  statement: 'The web UI refuses it ("The file provided does not have a client usage attribute"); the only way in for a serverAuth-only certificate is "Upload server certificate file as client certificate" on the server certificate page.',
  explanation: [
    'The rule book: "The client store refuses a certificate without clientAuth (web UI: \'Invalid certificate: The file provided does not have a client usage attribute. Services requiring mutual TLS may not work.\'). The only way in for a serverAuth-only certificate is \'Upload server certificate file as client certificate\' on the server certificate page."',
    'So a serverAuth-only certificate in the client store was put there on purpose (or by the upgrade, X2); ekuscope cites this rule in its advice on fixing the client store.',
  ].join('\n\n'),
  sources: ['Cisco document 225693', 'Cisco Expressway administrator guide (x15.5)'],
  fix: 'Get a client certificate with clientAuth (a private CA); use "Upload server certificate file as client certificate" only where the far ends do not check clientAuth.',
};
