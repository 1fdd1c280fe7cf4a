import { citing } from '../citing.js';
import { kuFinding } from './purpose.js';
import type { Rule } from '../types.js';

export const E8: Rule = {
  id: 'E8',
  family: 'E',
  title: 'The suite decides the server\'s Key Usage need',
  statement: 'In TLS 1.2, TLS_RSA_* key exchange needs keyEncipherment; ECDHE_RSA, DHE_RSA and ECDHE_ECDSA need digitalSignature; static ECDH needs keyAgreement. Client certificates for rsa_sign or ecdsa_sign need digitalSignature; TLS 1.3 always needs digitalSignature.',
  explanation: [
    'The rule book: "In TLS 1.2 the negotiated suite decides the server\'s KU need: TLS_RSA_* key exchange needs keyEncipherment; ECDHE_RSA, DHE_RSA, ECDHE_ECDSA need digitalSignature; static ECDH needs keyAgreement. Client certificates for rsa_sign / ecdsa_sign need digitalSignature. TLS 1.3 always digitalSignature."',
    'ekuscope reads the cipher suite from the ServerHello and checks the server certificate\'s Key Usage against the exchange it negotiated, and the client certificate\'s against digitalSignature.',
  ].join('\n\n'),
  fix: 'Issue the server certificate with the Key Usage its suites need (digitalSignature for ECDHE, keyEncipherment for RSA key exchange), or negotiate a suite it fits.',
  sources: ['RFC 5246 §7.4.2', 'RFC 8422 §5.3', 'RFC 8446 §4.4.2.2'],
  checks: {
    presented: [{ order: 4, run: citing('E8', kuFinding) }],
  },
};
