import type { Rule } from '../types.js';

export const C3: Rule = {
  id: 'C3',
  family: 'C',
  title: 'Bytes missing',
  statement: 'Later bytes are placed by TCP sequence numbers, so whole records after a gap are facts. A message with missing bytes is "incomplete (N of M bytes captured)", never "empty".',
  explanation: [
    'DOMAIN.md: "Bytes missing (snap length, loss): TCP sequence numbers place later bytes; record headers give the next record\'s offset, so whole records after a gap are facts. A message with missing bytes is \'incomplete (N of M bytes captured)\', never \'empty\'; certificates captured whole in it still count."',
    'ekuscope reports frames cut by the snap length, gaps inside the handshake, messages cut short, packets it could not decode and connections captured in one direction only, and never mistakes an incomplete message for an empty one.',
  ].join('\n\n'),
  fix: 'Recapture with the full snap length (tcpdump -s 0) and a larger capture buffer, on an interface that sees both directions.',
  sources: ['RFC 9293 §3.4', 'RFC 5246 §6.2'],
};
