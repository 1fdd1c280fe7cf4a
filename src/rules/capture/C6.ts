import { citing } from '../citing.js';
import { failedHandshake } from '../handshake/headline.js';
import type { Rule } from '../types.js';

export const C6: Rule = {
  id: 'C6',
  family: 'C',
  title: 'Records after the keys change',
  statement: 'After ChangeCipherSpec (TLS 1.0–1.2) or ServerHello (TLS 1.3) records are ciphertext: an alert there is "encrypted alert (N bytes)" unless decrypted with a key log.',
  explanation: [
    'The rule book: "Records after the keys change (after ChangeCipherSpec in TLS 1.0–1.2, after ServerHello in TLS 1.3) are ciphertext: an alert there is \'encrypted alert (N bytes)\' unless decrypted with a key log; NULL suites are the exception (readable, and said to be unencrypted)."',
    'ekuscope tells an encrypted alert by its size and timing and never guesses its code.',
  ].join('\n\n'),
  fix: 'Capture with a key log and pass it with --keylog to read the alert\'s code.',
  sources: ['RFC 5246 §7.1', 'RFC 8446 §5.2'],
  checks: {
    session: [{ order: 20, run: citing('C6', failedHandshake) }],
  },
};
