import { citing } from '../citing.js';
import { ekuFinding, storeVerdictFinding } from './purpose.js';
import type { Rule } from '../types.js';

export const E3: Rule = {
  id: 'E3',
  family: 'E',
  title: 'anyExtendedKeyUsage alone',
  statement: 'Go and Java accept anyExtendedKeyUsage (2.5.29.37.0) for any purpose; OpenSSL\'s SSL client check and NSS do not: it passes Go/Java verifiers and fails OpenSSL/NSS.',
  explanation: [
    'The rule book: "anyExtendedKeyUsage (2.5.29.37.0) alone: Go and Java accept it for any purpose; OpenSSL\'s SSL client check and NSS do not. Report it as \'passes Go/Java verifiers, fails OpenSSL/NSS\'."',
    'Whether such a certificate works depends on the peer\'s TLS stack, so ekuscope names the verifier families that accept and refuse it rather than one verdict. Expressway\'s TLS is OpenSSL (X9), so for Expressway peers it fails.',
  ].join('\n\n'),
  fix: 'List the purposes explicitly (clientAuth, serverAuth) instead of relying on anyExtendedKeyUsage.',
  sources: ['RFC 5280 §4.2.1.12', 'OpenSSL crypto/x509/v3_purp.c', 'Go crypto/x509/verify.go', 'mozilla::pkix'],
  checks: {
    presented: [{ order: 3, run: citing('E3', ekuFinding) }],
    storeRole: [{ order: 2, run: citing('E3', storeVerdictFinding) }],
  },
};
