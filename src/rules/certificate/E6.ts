import type { Rule } from '../types.js';

export const E6: Rule = {
  id: 'E6',
  family: 'E',
  title: 'Which purpose a verifier checks',
  statement: 'By OpenSSL\'s defaults a server verifies the client\'s chain for purpose "SSL client" (clientAuth), and a client verifies the server\'s chain for "SSL server" (serverAuth).',
  explanation: [
    'The rule book: "OpenSSL defaults: a server verifies the client\'s chain for purpose \'SSL client\'; a client verifies the server\'s chain for \'SSL server\'."',
    'So what a certificate needs depends on the role its owner played in the handshake (T1), not on the box or the port: the TLS client\'s certificate needs clientAuth, the TLS server\'s needs serverAuth. ekuscope states each need with the rule behind it.',
  ].join('\n\n'),
  sources: ['OpenSSL ssl/statem/statem_lib.c', 'OpenSSL crypto/x509/v3_purp.c'],
};
