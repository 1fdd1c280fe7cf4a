import type { Rule } from '../types.js';

export const E4: Rule = {
  id: 'E4',
  family: 'E',
  title: 'Criticality does not change the verdict',
  statement: 'Whether the EKU extension is marked critical does not change OpenSSL\'s verdict.',
  explanation: [
    'The rule book: "Criticality of the EKU extension does not change OpenSSL\'s verdict."',
    'A critical and a non-critical EKU extension restrict the purposes the same way, so ekuscope judges them alike and draws no finding from the critical flag alone; the certificate details show it.',
  ].join('\n\n'),
  sources: ['RFC 5280 §4.2.1.12', 'OpenSSL crypto/x509/v3_purp.c'],
};
