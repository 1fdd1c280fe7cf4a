import type { Rule } from '../types.js';

export const X6: Rule = {
  id: 'X6',
  family: 'X',
  title: 'x15.4\'s EnableServerEkuUpload',
  statement: 'x15.4 had XCP TLS Certificate CVS EnableServerEkuUpload (Expressway-E only), deprecated in x15.5. Before x15.4 a clientAuth problem on MRA could surface inside the SIP SERVICE message after a successful handshake.',
  explanation: [
    'The rule book: "x15.4 had xConfiguration XCP TLS Certificate CVS EnableServerEkuUpload: On (Expressway-E only), deprecated in x15.5. Before x15.4 a clientAuth problem on MRA could surface inside the SIP SERVICE message after a successful handshake: not a handshake failure."',
    'This is background for older releases: a capture of such a box can show a completed handshake although the service fails. ekuscope draws no finding from it.',
  ].join('\n\n'),
  sources: ['Cisco Expressway release notes (x15.4, x15.5)'],
};
