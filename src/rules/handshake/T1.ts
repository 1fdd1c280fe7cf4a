import type { Rule } from '../types.js';

export const T1: Rule = {
  id: 'T1',
  family: 'T',
  title: 'Who sends ClientHello is the TLS client',
  statement: 'The endpoint that sends the ClientHello is the TLS client: usually, not always, the one that sent the TCP SYN.',
  explanation: [
    'DOMAIN.md: "The endpoint that sends ClientHello is the TLS client (usually, not always, the one that sent SYN)."',
    'Every certificate need follows from the roles (E6, X1), so ekuscope takes them from the handshake, never from ports or from who opened the TCP connection; ports only name a service. Where the TLS client is not the TCP initiator it says so.',
  ].join('\n\n'),
  sources: ['RFC 5246 §7.4.1.2', 'RFC 8446 §4.1.2'],
};
