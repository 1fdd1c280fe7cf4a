import type { Rule } from '../types.js';

export const C4: Rule = {
  id: 'C4',
  family: 'C',
  title: 'Capture ended',
  statement: 'What comes after the last frame is unknown: "X did not send Y" holds only where the capture shows what X sent next.',
  explanation: [
    'DOMAIN.md: "Capture ended: what comes after the last frame is unknown; \'X did not send Y\' holds only where the capture shows what X sent next."',
    'A capture stopped during a handshake, or a file cut in transfer, says nothing about what followed; ekuscope reports such a handshake as not finished in the capture, not as failed.',
  ].join('\n\n'),
  fix: 'Capture longer: start the capture, then trigger the connection, and stop only after it is up or has failed.',
};
