import type { Rule } from '../types.js';

export const C7: Rule = {
  id: 'C7',
  family: 'C',
  title: 'Tunnels',
  statement: 'In Geneve, VXLAN, GRE, ERSPAN or IP-in-IP the inner connection is the TLS connection; the outer addresses are where it was mirrored from.',
  explanation: [
    'The rule book: "Tunnels (Geneve, VXLAN, GRE, ERSPAN, IP-in-IP): the inner connection is the TLS connection; the outer addresses are where it was mirrored from."',
    'Mirrored traffic (ERSPAN from a switch, VXLAN or Geneve in a cloud) wraps the real packets; the packet decoder unwraps them, so sessions and findings are told with the inner addresses. The rule draws no finding of its own.',
  ].join('\n\n'),
  sources: ['RFC 8926 (Geneve)', 'RFC 7348 (VXLAN)', 'RFC 2784 (GRE)', 'RFC 2003 (IP in IP)'],
};
