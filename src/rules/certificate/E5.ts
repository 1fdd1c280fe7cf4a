import type { Rule } from '../types.js';

export const E5: Rule = {
  id: 'E5',
  family: 'E',
  title: 'EKU on CA certificates constrains the leaf',
  statement: 'OpenSSL checks the purpose on every certificate of the chain, Go crosses usages out from root to leaf, Windows intersects them over the path, and NSS applies them too; Java is believed to check only the leaf. So a clientAuth leaf under a serverAuth-only intermediate (the shape of 2026 public CAs) fails as a client certificate for OpenSSL, Go, Windows and NSS verifiers.',
  explanation: [
    'DOMAIN.md: "EKU on CA certificates constrains the leaf for OpenSSL (purpose checked on every certificate in the chain), Go (usages crossed out root→leaf; CAs with no EKU or anyEKU pass), Windows CryptoAPI (AND over the path) and NSS; Java is believed to check only the leaf. So a clientAuth leaf under a serverAuth-only intermediate (the 2026 public CA shape) fails as a client certificate for OpenSSL, Go, Windows and NSS verifiers. Evaluate the leaf and every CA above it that the capture or the ca_*.pem store supplies."',
    'The Chrome Root Program policy v1.8 requires serverAuth-only hierarchies (new subordinate CAs from 15 June 2026, new leaves from 15 March 2027), so a leaf that itself lists clientAuth can still fail when its issuing CA is restricted to serverAuth. ekuscope checks every CA certificate it can find above the leaf: sent in the capture, sent by the other side, or in a trusted CA list; where the chain is incomplete it says the CA EKUs could not be checked.',
    'Java is believed to check only the leaf: DOMAIN.md marks this as uncertain, and so does ekuscope.',
  ].join('\n\n'),
  fix: 'Issue the client certificate under a CA whose certificates carry no EKU restriction (or include clientAuth), e.g. a private CA.',
  sources: ['RFC 5280 §4.2.1.12', 'OpenSSL crypto/x509/x509_vfy.c', 'Go crypto/x509/verify.go', 'Windows CryptoAPI', 'mozilla::pkix', 'Chrome Root Program policy v1.8', 'Cisco field notice FN74362'],
};
