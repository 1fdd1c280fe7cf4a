import type { Rule } from '../types.js';

export const C2: Rule = {
  id: 'C2',
  family: 'C',
  title: 'Handshake not captured',
  statement: 'Without a ClientHello the TLS client is inferred and said to be; there is no verdict on certificates or on how a handshake ended. The advice is to capture from before the connection is made.',
  explanation: [
    'DOMAIN.md: "Handshake not captured (the capture began after it; on Expressway most long-lived traversal and SIP TLS connections): no ClientHello, so the TLS client is inferred (who spoke first, well-known ports) and said to be; no verdict on certificates or on how a handshake ended; advice is \'capture from before the connection is made\', never \'capture longer\'."',
    'Traversal zones and SIP trunks stay up for days, so a capture started while they run sees only records of established connections.',
  ].join('\n\n'),
  fix: 'Start the capture first, then make the connection happen again (restart the zone, or disable and re-enable the service).',
  sources: ['RFC 5246 §7.3', 'RFC 8446 §2'],
};
