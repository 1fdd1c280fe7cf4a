import type { Rule } from '../types.js';

export const C5: Rule = {
  id: 'C5',
  family: 'C',
  title: 'Every frame told with its real sender',
  statement: 'Every frame, record and TCP event is told with its real sender, from that frame\'s addresses and ports, whatever the roles are.',
  explanation: [
    'The rule book: "Every frame, record and TCP event (FIN, RST) is told with its real sender, from the addresses and ports of that frame, whatever the roles are."',
    'Roles can be inferred (C2) and can differ from who opened the connection (T1); the sender of a frame is always a fact. This rule governs how every story is told, so it draws no finding of its own; it is cited where a FIN ends only its sender\'s direction.',
  ].join('\n\n'),
  sources: ['RFC 9293 §3.6'],
};
