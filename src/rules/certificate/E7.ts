import { citing } from '../citing.js';
import { kuFinding } from './purpose.js';
import type { Rule } from '../types.js';

export const E7: Rule = {
  id: 'E7',
  family: 'E',
  title: 'Key Usage must allow the use',
  statement: 'When present, Key Usage must allow the use as well: an SSL client needs digitalSignature or keyAgreement; an SSL server one of digitalSignature, keyEncipherment, keyAgreement. A Netscape cert type, if present, must have the SSL client or server bit; a CA\'s Key Usage must include keyCertSign.',
  explanation: [
    'The rule book: "Key Usage, when present, must allow the use as well: OpenSSL SSL client needs digitalSignature or keyAgreement; SSL server needs one of digitalSignature, keyEncipherment, keyAgreement. A Netscape cert type extension, if present, must have the SSL client / server bit. A CA\'s KU must include keyCertSign."',
    'A certificate with the right EKU can still be refused for its Key Usage; OpenSSL reports both as "unsupported certificate purpose" (alert 43, T5). A CA certificate that cannot sign certificates makes the chain unusable, which OpenSSL answers with unknown_ca (48).',
  ].join('\n\n'),
  fix: 'Issue the certificate with a Key Usage that allows its use, and its CA with keyCertSign.',
  sources: ['RFC 5280 §4.2.1.3', 'OpenSSL crypto/x509/v3_purp.c'],
  checks: {
    presented: [{ order: 4, run: citing('E7', kuFinding) }],
  },
};
