import type { Rule } from '../types.js';

export const X8: Rule = {
  id: 'X8',
  family: 'X',
  title: 'Neighbor zones',
  statement: 'Neighbor zones with TLS verify On need clientAuth on the connecting side and match the peer address against the SAN; "Peer\'s TLS certificate identity was unacceptable" is a name mismatch.',
  explanation: [
    'The rule book: "Neighbor zones with TLS verify On need clientAuth on the connecting side, and match the peer address against the SAN; \'Peer\'s TLS certificate identity was unacceptable\' is a name mismatch."',
    'ekuscope lists neighbor zones among the services a client-store certificate without clientAuth breaks; a name mismatch is not an EKU problem.',
  ].join('\n\n'),
  sources: ['Cisco Expressway administrator guide (x15.5)'],
  fix: 'Give the connecting side\'s certificate clientAuth, and a SAN that matches the address or name the peer connects to.',
};
