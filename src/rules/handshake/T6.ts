import { citing } from '../citing.js';
import { failedHandshake } from './headline.js';
import type { Rule } from '../types.js';

export const T6: Rule = {
  id: 'T6',
  family: 'T',
  title: 'Who rejected whom, from the alert\'s direction',
  statement: 'A fatal alert from server to client after the client\'s Certificate and CertificateVerify means the server rejected the client certificate; from client to server after ServerHelloDone, the client rejected the server certificate. After ChangeCipherSpec alerts are encrypted: their timing is told, not a guessed code.',
  explanation: [
    'The rule book: "Direction: a fatal alert from server to client after the client\'s Certificate/CertificateVerify means the server rejected the client certificate; from client to server after ServerHelloDone means the client rejected the server certificate. After ChangeCipherSpec, alerts are encrypted: report the fact and its timing, not a guessed code."',
    'The headline of a failed handshake says which side refused which certificate; it cites this rule when the alert\'s direction decided it, and otherwise the more specific rule that did: T3 (no certificate sent), T8 (closed without an alert), T7 (TLS 1.3, inferred), T5 (unknown_ca), C6 (encrypted alert), T4 (a code without a direction).',
  ].join('\n\n'),
  sources: ['RFC 5246 §7.2, §7.4', 'RFC 8446 §4.4'],
  checks: {
    session: [{ order: 20, run: citing('T6', failedHandshake) }],
  },
};
