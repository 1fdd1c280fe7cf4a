import type { Rule } from '../types.js';

export const T5: Rule = {
  id: 'T5',
  family: 'T',
  title: 'What an alert says about an EKU rejection',
  statement: 'On an EKU rejection of a client certificate OpenSSL sends 43 (unsupported certificate purpose), Go 42, Java 46. 43 points strongly at a purpose (EKU or Key Usage) failure; 42 and 46 are generic; 48 is about trust, not EKU. A missing client certificate where one is required: 40 in TLS 1.2, 116 in TLS 1.3.',
  explanation: [
    'DOMAIN.md: "Who sends what on an EKU rejection of a client certificate: OpenSSL 43 (its \'unsupported certificate purpose\' maps to unsupported_certificate), Go 42, Java 46 (\'Extended key usage does not permit use for TLS client authentication\'). 43 points strongly at a purpose (EKU/KU) failure; 42 and 46 are generic; 48 is trust, not EKU. Missing client certificate when one is required: 40 in TLS 1.2 (newer stacks), 116 in TLS 1.3."',
    'So an alert alone proves a purpose failure only at 43; ekuscope weighs 42 and 46 against what the certificate itself shows, and treats 48 and a chain the verifier cannot complete as a trust problem.',
  ].join('\n\n'),
  fix: 'For unknown_ca (48): add the issuing CA to the verifier\'s trusted CA list, or present a chain to a CA it trusts.',
  sources: ['RFC 5246 §7.2', 'OpenSSL ssl/statem/statem_lib.c', 'Go crypto/tls/handshake_server.go', 'OpenJDK EndEntityChecker'],
};
