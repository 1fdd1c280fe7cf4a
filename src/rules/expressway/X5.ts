import type { Rule } from '../types.js';

export const X5: Rule = {
  id: 'X5',
  family: 'X',
  title: 'SSH tunnels always need clientAuth',
  statement: 'SSH tunnels from Expressway-C to Expressway-E on port 2222 need clientAuth on Expressway-C\'s client certificate whatever the checking mode says.',
  explanation: [
    'DOMAIN.md: "SSH tunnels C→E on port 2222 need clientAuth on Expressway-C\'s client certificate whatever X4 says. Detect what 2222 carries from its bytes (TLS record vs \'SSH-2.0\')."',
    'MRA login and the WebRTC proxy run over these tunnels, so they fail with a serverAuth-only client certificate even when the traversal zone is up. ekuscope tells what port 2222 carried from its first bytes, never from the port number; DOMAIN.md marks the exact protocol as uncertain.',
  ].join('\n\n'),
  fix: 'Put a certificate with clientAuth in Expressway-C\'s client store; EKU checking Off does not help the tunnels.',
  sources: ['Cisco document 225693'],
};
