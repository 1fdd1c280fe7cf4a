/**
 * The lessons on TLS and certificate rules: EKU chaining (E5), what TLS 1.3 hides (T7), and a rejection
 * without an alert (T8).
 */
import { OUTCOME_CHOICES, S03B, S10, S11, S12, S12_KEYS, YES_NO, type Lesson } from './lessons-model.js';

export const TLS_LESSONS = [
  {
    name: 'eku-chaining',
    title: 'EKU chaining: a clientAuth leaf under a serverAuth-only CA',
    summary: 'Scenario 10: the leaf has clientAuth, its issuing CA does not; OpenSSL rejects (E5)',
    rules: ['E5', 'E2', 'T5', 'X9'],
    intro: [
      'Not in the document, but the trap of 2026 public hierarchies: a CA whose own EKU is serverAuth only restricts every certificate below it. OpenSSL checks the purpose on every certificate of the chain, Go intersects usages from the root down, Windows and NSS do the same; Java is believed to check only the leaf (E5).',
    ],
    steps: [
      {
        kind: 'quiz',
        title: 'Look at the leaf',
        session: S10,
        question: 'Does the certificate Expressway-C sends list clientAuth?',
        choices: YES_NO,
        check: { kind: 'has-eku', eku: 'clientAuth' },
        answer: 'yes',
        answerAt: { from: 'client', what: 'Certificate' },
        reveal: ['Frame {frame}: serial {serial} — {store}. EKU: {eku}. The client store accepted it: it has clientAuth.'],
      },
      {
        kind: 'explain',
        title: 'Look above the leaf',
        session: S10,
        focus: { from: 'client', what: 'Certificate' },
        text: ['The same Certificate message (frame {frame}) carries {chain} certificates. The issuing CA, {caSubject}, has EKU {caEku}: clientAuth is not among the purposes it may delegate.'],
      },
      {
        kind: 'quiz',
        title: 'What does OpenSSL say?',
        session: S10,
        question: 'Expressway-E (OpenSSL, checking On) verifies the chain for "SSL client". Will it accept?',
        choices: OUTCOME_CHOICES,
        check: { kind: 'outcome' },
        answer: 'rejected',
        answerAt: { from: 'server', what: 'Alert' },
        reveal: ['Frame {frame}: {alert} from {from}. `openssl verify -purpose sslclient` on this chain says "unsuitable certificate purpose" at depth 1 — the CA, not the leaf (E5).'],
      },
    ],
    takeaways: [
      'Judge the chain, not the leaf: a serverAuth-only CA makes a clientAuth leaf useless as a client certificate for OpenSSL, Go, Windows and NSS.',
      'A public CA cannot fix this after 2026; use a private CA for the client store.',
      'Try: ekuscope whatif --c-client eku=serverAuth,clientAuth,issuer=public --e-server eku=serverAuth,issuer=public',
    ],
  },
  {
    name: 'tls13',
    title: 'What a TLS 1.3 capture does and does not show',
    summary: 'Scenario 3 over TLS 1.3 and scenario 5 over TLS 1.3: hellos readable, certificates and alerts encrypted (T7)',
    rules: ['T1', 'T7', 'X1'],
    intro: [
      'In TLS 1.3 everything after ServerHello is encrypted: EncryptedExtensions, CertificateRequest, both Certificates, CertificateVerify, Finished — and the alerts. Without the session keys only ClientHello and ServerHello can be read (T7).',
    ],
    steps: [
      {
        kind: 'explain',
        title: 'The role is still visible',
        session: S03B,
        focus: { from: 'client', what: 'ClientHello' },
        text: ['Frame {frame}: {from} sends ClientHello (SNI: {sni}). The ClientHello is in clear, so the TLS client is observed, not guessed (T1): {host} is the client, so by X1 it presents its client store — if asked.'],
      },
      {
        kind: 'explain',
        title: 'ServerHello: the last clear message',
        session: S03B,
        focus: { from: 'server', what: 'ServerHello' },
        text: ['Frame {frame}: ServerHello selects {version}. From here on the records are encrypted.'],
      },
      {
        kind: 'quiz',
        title: 'Can you see the certificate?',
        session: S03B,
        question: 'Can you read which certificate {host} presented, or even whether CUCM asked for one?',
        choices: YES_NO,
        check: { kind: 'certificate-visible' },
        answer: 'no',
        answerAt: { from: 'client', what: 'EncryptedRecord', nth: 1 },
        reveal: [
          'Frame {frame}: the first protected record from {from}. Its Certificate, if any, is inside. Anything about the store or the EKU is inferred, not observed (T7); the bundle\'s client store is the best guess ({host} client store, X1).',
        ],
      },
      {
        kind: 'explain',
        title: 'A failure you cannot read',
        session: S12,
        focus: { from: 'server', what: 'EncryptedRecord', nth: -1 },
        text: [
          "Scenario 5 over TLS 1.3. Frame {frame}: after the client's encrypted flight, {from} sends one more short protected record. Without keys nobody can say it is an alert.",
        ],
      },
      {
        kind: 'quiz',
        title: 'Who hangs up?',
        session: S12,
        question: 'Who closes the connection first?',
        choices: [
          { key: 'c', answer: 'client', text: 'the client (Expressway-C)' },
          { key: 's', answer: 'server', text: 'the server (Expressway-E)' },
        ],
        check: { kind: 'closed-first' },
        answer: 'server',
        answerAt: { from: 'server', what: 'FIN' },
        reveal: [
          "Frame {frame}: {from} closes right after the client's flight: a likely rejection, inferred not observed (T7).",
        ],
      },
      {
        kind: 'explain',
        title: 'With the key log: the hidden messages',
        session: S12_KEYS,
        focus: { from: 'server', what: 'CertificateRequest' },
        text: [
          'The folder ships sslkeylog.txt (SSLKEYLOGFILE format, from vcs8c). With it the protected records decrypt: frame {frame} holds a CertificateRequest from {from} — Expressway-E did ask for a client certificate.',
        ],
      },
      {
        kind: 'explain',
        title: "With the key log: vcs8c's certificate",
        session: S12_KEYS,
        focus: { from: 'client', what: 'Certificate' },
        text: ['Frame {frame}: the Certificate vcs8c sent, decrypted: serial {serial}, issued by {issuer} — {store}. EKU: {eku}. Now the store is observed, not inferred.'],
      },
      {
        kind: 'quiz',
        title: 'With the key log: the verdict',
        session: S12_KEYS,
        question: 'Knowing that certificate, does the handshake complete?',
        choices: OUTCOME_CHOICES,
        check: { kind: 'outcome' },
        answer: 'rejected',
        answerAt: { from: 'server', what: 'Alert' },
        reveal: ['Frame {frame}: the short record was {alert} from {from}: the same EKU rejection as scenario 5 over TLS 1.2 (T5), now observed.'],
      },
    ],
    takeaways: [
      'TLS 1.3 without keys: role yes (ClientHello), certificates, CertificateRequest and alerts no.',
      'Say "inferred" for anything about stores or EKU, or get the key log (SSLKEYLOGFILE) and decrypt: ekuscope report --keylog FILE.',
    ],
  },
  {
    name: 'silent-close',
    title: 'A rejection without an alert',
    summary: 'Scenario 11: a Node.js verifier rejects the client certificate by closing, no alert (T8)',
    rules: ['T8', 'T6', 'X1'],
    intro: ['Not every TLS stack says why it rejects. A Node.js server reads the client\'s whole flight, fails the verification and closes the connection (FIN) without an alert (T8).'],
    steps: [
      {
        kind: 'explain',
        title: 'The client certificate',
        session: S11,
        focus: { from: 'client', what: 'Certificate' },
        text: ['Frame {frame}: Expressway-C sends serial {serial} — {store}. EKU: {eku}.'],
      },
      {
        kind: 'quiz',
        title: 'Does the server explain?',
        session: S11,
        question: 'Does the server send an alert?',
        choices: YES_NO,
        check: { kind: 'alert-sent' },
        answer: 'no',
        answerAt: { from: 'server', what: 'FIN' },
        reveal: ["Frame {frame}: {from} closes with a FIN, no alert, before its own Finished. A close right after the client's certificate is a likely rejection; the peer gave no reason (T8). With a serverAuth-only client certificate, EKU is the probable one."],
      },
    ],
    takeaways: ['No alert does not mean no rejection: read the order of messages and who closed first (T8).'],
  },
] satisfies Lesson[];
