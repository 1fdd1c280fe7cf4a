import type { Rule } from '../types.js';

export const T3: Rule = {
  id: 'T3',
  family: 'T',
  title: 'An empty client Certificate',
  statement: 'A client Certificate message is legal only after a CertificateRequest. An empty one means the client had nothing suitable; some clients (.NET) leave out certificates without clientAuth, so it is "possibly filtered by EKU" when the client-store certificate lacks clientAuth.',
  explanation: [
    'DOMAIN.md: "A client Certificate message is legal only after a CertificateRequest. An empty one (no certificates) means the client had nothing suitable; some clients (e.g. .NET) filter out certificates without clientAuth and send it empty, so say \'possibly filtered by EKU\' when the box\'s client-store certificate lacks clientAuth."',
    'An empty Certificate is not a rejected certificate: there was nothing to reject. A server that requires one answers handshake_failure (40) in TLS 1.2 or certificate_required (116) in TLS 1.3 (T5).',
  ].join('\n\n'),
  fix: 'Give the client a certificate issued by one of the CAs the server lists, with clientAuth.',
  sources: ['RFC 5246 §7.4.6', 'RFC 8446 §4.4.2', 'dotnet/runtime#121982'],
};
