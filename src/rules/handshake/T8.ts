import { citing } from '../citing.js';
import { failedHandshake } from './headline.js';
import type { Rule } from '../types.js';

export const T8: Rule = {
  id: 'T8',
  family: 'T',
  title: 'A rejection without an alert',
  statement: 'Not every stack sends an alert: a Node.js server that rejects a client certificate reads the client\'s flight and closes with a FIN. A close right after the client\'s certificate, before the server\'s Finished, is a likely rejection, and the peer gave no reason.',
  explanation: [
    'The rule book: "Not every stack sends an alert. A Node.js server that rejects a client certificate reads the client\'s Certificate, CertificateVerify and Finished and then closes with a FIN, no alert (seen with Node 20). A close right after the client\'s certificate, before the server\'s Finished, is a likely rejection: say so, and say that the peer gave no reason."',
    'ekuscope calls such a close a likely rejection and names the certificate that lacks what it needs, if one does; any other close before the handshake completed is reported as a close without a reason in the capture.',
  ].join('\n\n'),
  sources: ['Node.js tls (Node 20)', 'RFC 5246 §7.2.1'],
  fix: 'The peer gave no reason on the wire: read the verifier\'s own log for why it closed.',
  checks: {
    session: [{ order: 20, run: citing('T8', failedHandshake) }],
  },
};
