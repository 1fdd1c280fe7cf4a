import { citing } from '../citing.js';
import { failedHandshake } from './headline.js';
import type { Rule } from '../types.js';

export const T4: Rule = {
  id: 'T4',
  family: 'T',
  title: 'Alert codes',
  statement: '40 handshake_failure, 42 bad_certificate, 43 unsupported_certificate, 44 certificate_revoked, 45 certificate_expired, 46 certificate_unknown, 48 unknown_ca, 49 access_denied, 116 certificate_required (TLS 1.3).',
  explanation: [
    'The rule book: "Alerts: 40 handshake_failure, 42 bad_certificate, 43 unsupported_certificate, 44 certificate_revoked, 45 certificate_expired, 46 certificate_unknown, 48 unknown_ca, 49 access_denied, 116 certificate_required (TLS 1.3)."',
    'The list names the alert codes a certificate problem produces. ekuscope cites it where it reads an alert\'s code (and for a malformed alert record); what a code says about EKU is T5, and who sent it to whom is T6.',
  ].join('\n\n'),
  sources: ['RFC 5246 §7.2', 'RFC 8446 §6'],
  checks: {
    session: [{ order: 20, run: citing('T4', failedHandshake) }],
  },
};
