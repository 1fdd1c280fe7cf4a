import type { Rule } from '../types.js';

export const X2: Rule = {
  id: 'X2',
  family: 'X',
  title: 'The upgrade copies the server certificate',
  statement: 'The upgrade to x15.5 copies the server certificate into the client store. The same serial in the client_ and server_ files means "copied at upgrade, or with \'Upload server certificate file as client certificate\'".',
  explanation: [
    'DOMAIN.md: "The upgrade to x15.5 copies the server certificate into the client store. Same serial in client_ and server_ PEM: \'copied at upgrade, or with \'Upload server certificate file as client certificate\'\'."',
    'Such a copy works while the certificate still has clientAuth; once it is renewed from a public CA (serverAuth only from 2026) the client store must get a clientAuth certificate of its own.',
  ].join('\n\n'),
  fix: 'Put a clientAuth certificate (e.g. from a private CA) in the client store; keep the public serverAuth certificate in the server store.',
  sources: ['Cisco document 225693'],
};
