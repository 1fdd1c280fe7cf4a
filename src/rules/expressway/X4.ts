import type { Rule } from '../types.js';

export const X4: Rule = {
  id: 'X4',
  family: 'X',
  title: 'SIP TLS EKU checking mode',
  statement: 'xConfiguration SIP TLS Certificate ExtendedKeyUsage Checking Mode (default On, on C and E) checks every inbound SIP TLS connection: On, the initiator\'s certificate must have clientAuth; Off, the clientAuth check is skipped (serverAuth is still checked if present).',
  explanation: [
    'The rule book: "xConfiguration SIP TLS Certificate ExtendedKeyUsage Checking Mode: On|Off (default On, on C and E) checks every inbound SIP TLS connection: On, the initiator\'s certificate must have clientAuth; Off, the clientAuth check is skipped (serverAuth is still checked if present)."',
    'ekuscope reads the mode from the box\'s xconf dump and states the client certificate\'s need from it: required (On, or not in the dump and so the default), not checked (Off), or "if checked" when no dump gives it. The exact "Off" semantics are marked uncertain in the rule book, and ekuscope says so.',
  ].join('\n\n'),
  fix: 'Turning checking Off brings SIP TLS up but leaves the SSH tunnels failing (X5); a clientAuth certificate in the client store is the lasting fix.',
  sources: ['Cisco document 225693', 'Cisco Expressway CLI reference (x15.5)'],
};
