import type { Rule } from '../types.js';

export const T7: Rule = {
  id: 'T7',
  family: 'T',
  title: 'TLS 1.3 without keys',
  statement: 'Only ClientHello and ServerHello are readable; CertificateRequest, Certificate and alerts are encrypted. Any role or EKU statement about such a session is "inferred, not observed", unless it was decrypted with a key log. Resumed sessions carry no certificates.',
  explanation: [
    'DOMAIN.md: "TLS 1.3 without keys: only ClientHello and ServerHello are readable (SNI, ALPN, versions, signature algorithms, key shares, certificate_authorities). CertificateRequest, Certificate and alerts are encrypted. Any role or EKU statement about a TLS 1.3 session is \'inferred, not observed\', unless the session was decrypted with a key log. Resumed sessions carry no certificates."',
    'Without keys ekuscope infers the outcome from record sizes (an alert is a small record, a certificate chain a large one) and the certificate from the store rule (X1), and says each is inferred. With a key log (--keylog) it reads what was decrypted as observed.',
  ].join('\n\n'),
  fix: 'Capture with a key log (SSLKEYLOGFILE on a test client) and pass it with --keylog.',
  sources: ['RFC 8446 §2, §4.4'],
};
