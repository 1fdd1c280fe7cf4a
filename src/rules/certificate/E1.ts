import { citing } from '../citing.js';
import { ekuFinding } from './purpose.js';
import type { Rule } from '../types.js';

export const E1: Rule = {
  id: 'E1',
  family: 'E',
  title: 'No EKU extension: no purpose restriction',
  statement: 'A certificate without an Extended Key Usage extension may be used for any purpose; OpenSSL, Go and Java agree.',
  explanation: [
    'The rule book: "No EKU extension at all: no purpose restriction (OpenSSL, Go, Java agree)."',
    'RFC 5280 makes the Extended Key Usage extension optional; without it a certificate is not limited to a purpose, so it may act as TLS client and TLS server alike. ekuscope says "no EKU extension (any purpose, E1)" for such a certificate and never reports it as lacking clientAuth or serverAuth.',
    'Key Usage (E7) and the EKUs of the CA certificates above it (E5) still apply.',
  ].join('\n\n'),
  sources: ['RFC 5280 §4.2.1.12', 'OpenSSL crypto/x509/v3_purp.c', 'Go crypto/x509/verify.go', 'OpenJDK EndEntityChecker'],
  checks: {
    presented: [{ order: 3, run: citing('E1', ekuFinding) }],
  },
};
