import type { Rule } from '../types.js';

export const C1: Rule = {
  id: 'C1',
  family: 'C',
  title: 'Time is judged at the frame',
  statement: 'A certificate\'s validity is judged at the timestamp of the frame that carried it, not the capture\'s first packet. Timestamps that jump are capture advice, not certificate faults.',
  explanation: [
    'DOMAIN.md: "Time: a time-dependent fact (a certificate not yet valid or expired) is judged at the timestamp of the frame that carried the certificate, never the capture\'s first packet. Timestamps that jump (1970, years apart) are capture advice, not certificate faults."',
    'A long capture can span a certificate\'s expiry, and a capturing clock that was never set (frames stamped 1970) would make every certificate look not yet valid. So ekuscope judges each certificate at its own frame, does not judge it at all before 2000, and gives clock advice for the capture instead. Store audits judge the stores\' certificates at the time of the audit.',
  ].join('\n\n'),
  fix: 'Set the capturing machine\'s clock (NTP) before capturing; editcap -t shifts a file\'s timestamps when the offset is known.',
  sources: ['RFC 5280 §4.1.2.5'],
};
