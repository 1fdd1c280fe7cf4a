import type { Rule } from '../types.js';

export const X9: Rule = {
  id: 'X9',
  family: 'X',
  title: 'Expressway\'s log lines',
  statement: 'Event="Inbound TLS Negotiation Error" means Expressway was the TLS server; "Outbound" means client. Its TLS is OpenSSL, so the E rules for OpenSSL apply to its verdicts.',
  explanation: [
    'DOMAIN.md: "Expressway logs: Event="Inbound TLS Negotiation Error" = Expressway was server; "Outbound" = client; bServer="true" = server. Its TLS is OpenSSL, so E-rules for OpenSSL apply to its verdicts."',
    'With a bundle\'s loggingsnapshot ekuscope matches log lines to the captured connection by address and port, and says whether the role the log states agrees with the capture.',
  ].join('\n\n'),
  sources: ['Cisco Expressway administrator guide (x15.5)', 'OpenSSL ssl/statem/statem_lib.c'],
};
