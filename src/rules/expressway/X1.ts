import type { Rule } from '../types.js';

export const X1: Rule = {
  id: 'X1',
  family: 'X',
  title: 'The store rule',
  statement: 'Expressway x15.5 has a server store and a client store, and one trusted CA list. As TLS client it presents the client-store certificate; as TLS server, the server-store certificate.',
  explanation: [
    'DOMAIN.md: "x15.5 has a server store and a client store, and one trusted CA list for both. Acting as TLS client, Expressway presents the client-store certificate; acting as TLS server, the server-store certificate. This is \'the store rule\' the tool teaches."',
    'With a diagnostic bundle ekuscope matches each presented certificate against the box\'s stores (by issuer and serial, or fingerprint) and reports whether the box presented the store its role calls for, the other store (a release before x15.5, or a bundle taken at another time), or none of them.',
  ].join('\n\n'),
  fix: 'Run x15.5 or later on every cluster peer, keep a clientAuth certificate in the client store, and download the bundle right after capturing.',
  sources: ['Cisco document 225693', 'Cisco Expressway certificate creation and use guide (x15.5)'],
};
