/**
 * Guided lessons over the captures in captures/: the store rule (X1), the upgrade copy (X2), the
 * sunset failure and its fixes (X4, X5, X7), private CA trade-offs, the copied public Edge
 * certificate, EKU chaining (E5), and what TLS 1.3 hides (T7).
 *
 * Lessons are data. A step names a capture folder, a session by its endpoints (the TLS server's port
 * and address, never a frame number) and a message by sender and type; lessons-resolve.ts finds the
 * frames in the analysis, so the text always matches the capture. Text may use placeholders that
 * are filled from the message the step points at:
 *
 *   {frame} {frames} {from} {to} {client} {server} {version} {sni} {outcome}
 *   {serial} {subject} {issuer} {eku} {chain} {caSubject} {caEku}        (Certificate messages)
 *   {store}                                   (which store of the step's host holds that certificate)
 *   {alert}                                   (Alert messages)
 *   {caNames} {certTypes}                     (CertificateRequest messages)
 *   {host} {hostRole} {checking}              (the box whose bundle the step reads)
 *   {clientChecking} {serverChecking}         (the X4 mode of the box at either end, when its bundle is there)
 *
 * A quiz states its answer and how to check it against the capture (`check`); resolution computes
 * the observed answer and reports a mismatch, so a lesson cannot teach what its capture contradicts.
 */

export type Side = 'client' | 'server';

export type MessageWhat =
  | 'ClientHello'
  | 'ServerHello'
  | 'Certificate'
  | 'ServerKeyExchange'
  | 'CertificateRequest'
  | 'ServerHelloDone'
  | 'ClientKeyExchange'
  | 'CertificateVerify'
  | 'NewSessionTicket'
  | 'ChangeCipherSpec'
  /** TLS ≤ 1.2 Finished after ChangeCipherSpec, or any protected TLS 1.3 record. */
  | 'EncryptedRecord'
  | 'Alert'
  /** The TCP FIN of that side. */
  | 'FIN';

export interface SessionRef {
  /** Folder under captures/. */
  readonly capture: string;
  /** Host tag of the box whose capture (and stores) to read, when the folder holds several. */
  readonly host?: string;
  /** The TLS server's port and, where the capture has several servers on it, its address. */
  readonly serverPort: number;
  readonly serverIp?: string;
  /** A key log file in the folder (SSLKEYLOGFILE format): read the capture decrypted with it. */
  readonly keylog?: string;
}

export interface MessageRef {
  readonly from: Side;
  readonly what: MessageWhat;
  /** 1-based among the matching messages; -1 = the last. Default 1. */
  readonly nth?: number;
}

/** How a quiz's answer is read from the capture. */
export type QuizCheck =
  /** Which store of the host holds the certificate in `answerAt`: client, server (both: the host's TLS role decides, X1). */
  | { readonly kind: 'store' }
  /** completes | rejected (a fatal alert, or a close without one before the handshake ended). */
  | { readonly kind: 'outcome' }
  /** Is the host the TLS client or the TLS server of the session (T1)? */
  | { readonly kind: 'role' }
  /** Did `answerAt.from` send any alert: yes | no. */
  | { readonly kind: 'alert-sent' }
  /** Is any Certificate message readable in the session: yes | no (T7). */
  | { readonly kind: 'certificate-visible' }
  /** Which side closed (FIN) first: client | server. */
  | { readonly kind: 'closed-first' }
  /** Does the leaf in `answerAt` list the EKU: yes | no. */
  | { readonly kind: 'has-eku'; readonly eku: 'clientAuth' | 'serverAuth' };

export interface Choice {
  /** The key the learner presses. */
  readonly key: string;
  /** The observed value this choice stands for (see QuizCheck). */
  readonly answer: string;
  readonly text: string;
}

export interface ExplainStep {
  readonly kind: 'explain';
  readonly title: string;
  readonly session?: SessionRef;
  readonly focus?: MessageRef;
  readonly text: readonly string[];
}

export interface QuizStep {
  readonly kind: 'quiz';
  readonly title: string;
  readonly session: SessionRef;
  readonly question: string;
  readonly choices: readonly Choice[];
  readonly check: QuizCheck;
  /** The choice's `answer` value that is right. */
  readonly answer: string;
  /** The message that answers it; the step highlights it once answered. */
  readonly answerAt: MessageRef;
  /** Shown after the answer; placeholders are read from `answerAt`. */
  readonly reveal: readonly string[];
}

export interface CompareRow {
  readonly label: string;
  readonly session: SessionRef;
  /** The Expressway whose role and store the row shows. */
  readonly host: string;
}

/** A table of sessions side by side: Expressway's role, the store it presented, serial, EKU. */
export interface CompareStep {
  readonly kind: 'compare';
  readonly title: string;
  readonly text: readonly string[];
  readonly rows: readonly CompareRow[];
}

export type LessonStep = ExplainStep | QuizStep | CompareStep;

export interface Lesson {
  readonly name: string;
  readonly title: string;
  /** One line for the list. */
  readonly summary: string;
  readonly rules: readonly string[];
  readonly intro: readonly string[];
  readonly steps: readonly LessonStep[];
  readonly takeaways: readonly string[];
}

const STORE_CHOICES: readonly Choice[] = [
  { key: 'c', answer: 'client', text: 'its client-store certificate' },
  { key: 's', answer: 'server', text: 'its server-store certificate' },
];
const OUTCOME_CHOICES: readonly Choice[] = [
  { key: 'y', answer: 'completes', text: 'yes, the handshake completes' },
  { key: 'n', answer: 'rejected', text: 'no, it is rejected' },
];
const YES_NO: readonly Choice[] = [
  { key: 'y', answer: 'yes', text: 'yes' },
  { key: 'n', answer: 'no', text: 'no' },
];

// Sessions used by the lessons, by endpoints (never by frame).
const S01: SessionRef = { capture: '01-webex-client-cert', host: 'smartslave', serverIp: '163.129.37.33', serverPort: 5061 };
const S02: SessionRef = { capture: '02-neighbor-zone-server', host: 'vcs8c', serverIp: '10.106.80.16', serverPort: 5061 };
const S03: SessionRef = { capture: '03-cucm-tftp-6972', host: 'vcs8c', serverIp: '10.106.80.38', serverPort: 6972 };
const S03B: SessionRef = { capture: '03b-cucm-tftp-6972-tls13', host: 'vcs8c', serverIp: '10.106.80.38', serverPort: 6972 };
const S04_IN: SessionRef = { capture: '04-upgrade-same-cert', host: 'vcs8c', serverIp: '10.106.80.16', serverPort: 5061 };
const S04_OUT: SessionRef = { capture: '04-upgrade-same-cert', host: 'vcs8c', serverIp: '10.106.80.38', serverPort: 6972 };
const S05: SessionRef = { capture: '05-uc-traversal-eku-on-failed', host: 'vcs8c', serverIp: '10.106.80.31', serverPort: 7001 };
const S05_E: SessionRef = { ...S05, host: 'smartslave' };
const S06_UC: SessionRef = { capture: '06-uc-traversal-eku-off-ssh-fails', host: 'smartslave', serverIp: '10.106.80.31', serverPort: 7001 };
const S06_SSH: SessionRef = { ...S06_UC, serverPort: 2222 };
const S07_UC: SessionRef = { capture: '07-condition-2-1-success', host: 'vcs8c', serverIp: '10.106.80.31', serverPort: 7001 };
const S07_SSH: SessionRef = { ...S07_UC, serverPort: 2222 };
const S08: SessionRef = { capture: '08-all-private-ca-unknown-ca', host: 'smartslave', serverIp: '203.0.113.45', serverPort: 5061 };
const S09_CHECKS: SessionRef = { capture: '09-edge-public-client-cert', host: 'smartslave', serverIp: '203.0.113.45', serverPort: 5061 };
const S09_NOCHECK: SessionRef = { ...S09_CHECKS, serverIp: '198.51.100.77' };
const S10: SessionRef = { capture: '10-eku-chaining', host: 'vcs8c', serverIp: '10.106.80.31', serverPort: 7001 };
const S11: SessionRef = { capture: '11-silent-close', host: 'vcs8c', serverIp: '10.106.80.31', serverPort: 7001 };
const S12: SessionRef = { capture: '12-tls13-uc-traversal-keylog', host: 'vcs8c', serverIp: '10.106.80.31', serverPort: 7001 };
const S12_KEYS: SessionRef = { ...S12, keylog: 'sslkeylog.txt' };

export const LESSONS: readonly Lesson[] = Object.freeze([
  {
    name: 'store-rule',
    title: 'The store rule: client store out, server store in',
    summary: 'Scenarios 1 and 2 side by side: the TLS role decides which certificate Expressway presents (X1)',
    rules: ['X1', 'T1', 'T2', 'E6', 'X4'],
    intro: [
      'Expressway x15.5 has two certificate stores and one trusted CA list. Acting as TLS client it presents the certificate of its client store; acting as TLS server, the certificate of its server store (X1).',
      'The TLS client is the side that sends ClientHello (T1) — usually the side that opened the TCP connection, but read it from the handshake, not from the port.',
      'Two captures from the Cisco document: Expressway-E calling Webex (scenario 1), and an x8.11.4 neighbor calling an x15.5 Expressway (scenario 2).',
    ],
    steps: [
      {
        kind: 'explain',
        title: 'Scenario 1: who says hello first?',
        session: S01,
        focus: { from: 'client', what: 'ClientHello' },
        text: [
          'Frame {frame}: {from} sends ClientHello to {to}. {from} is Expressway-E ({host}): it opened a SIP TLS connection to Webex on 5061 for a call, so it is the TLS client.',
        ],
      },
      {
        kind: 'explain',
        title: 'Webex asks for a certificate',
        session: S01,
        focus: { from: 'server', what: 'CertificateRequest' },
        text: [
          'Frame {frame}: Webex, the TLS server, sends CertificateRequest: it wants mutual TLS. Acceptable CAs: {caNames}; certificate types: {certTypes}.',
          'The message says nothing about EKU (T2): the need for clientAuth comes from how the server verifies what it receives.',
        ],
      },
      {
        kind: 'quiz',
        title: 'Which store answers?',
        session: S01,
        question: 'Expressway-E is the TLS client here. Which certificate will it send in its Certificate message?',
        choices: STORE_CHOICES,
        check: { kind: 'store' },
        answer: 'client',
        answerAt: { from: 'client', what: 'Certificate' },
        reveal: [
          'Frame {frame}: Expressway-E sends serial {serial} ({subject}, issued by {issuer}) — that is {store}.',
          'EKU: {eku}. Webex verifies a client certificate, so it needs clientAuth — and has it: {outcome}.',
        ],
      },
      {
        kind: 'explain',
        title: 'Scenario 2: now the neighbor calls in',
        session: S02,
        focus: { from: 'client', what: 'ClientHello' },
        text: [
          'Frame {frame}: the x8.11.4 neighbor {from} sends ClientHello to {to}, the x15.5 Expressway ({host}) on 5061. This time Expressway is the TLS server.',
        ],
      },
      {
        kind: 'quiz',
        title: 'Which store now?',
        session: S02,
        question: 'Expressway ({host}) is the TLS server. Which certificate will it present?',
        choices: STORE_CHOICES,
        check: { kind: 'store' },
        answer: 'server',
        answerAt: { from: 'server', what: 'Certificate' },
        reveal: [
          'Frame {frame}: serial {serial} ({subject}) — {store}. A TLS client verifies it for "SSL server" (E6): it needs serverAuth. EKU: {eku}.',
        ],
      },
      {
        kind: 'explain',
        title: "The neighbor's own certificate",
        session: S02,
        focus: { from: 'client', what: 'Certificate' },
        text: [
          'Frame {frame}: Expressway asked for a certificate (secure neighbor zone), so the neighbor sends one: serial {serial}, EKU {eku}.',
          "Expressway's SIP TLS EKU checking is {checking} (X4), so this inbound certificate must carry clientAuth. It does: {outcome}.",
        ],
      },
      {
        kind: 'compare',
        title: 'Side by side',
        text: ['Same product, opposite roles, different stores. The port (5061 in both) did not decide anything: the ClientHello did.'],
        rows: [
          { label: 'Scenario 1: Expressway-E → Webex', session: S01, host: 'smartslave' },
          { label: 'Scenario 2: neighbor → Expressway', session: S02, host: 'vcs8c' },
        ],
      },
    ],
    takeaways: [
      'TLS client → client store; TLS server → server store (X1).',
      'A client certificate needs clientAuth wherever the far end verifies it; a server certificate needs serverAuth.',
      'Decide the role from the ClientHello (T1), never from the port.',
    ],
  },
  {
    name: 'upgrade-copy',
    title: 'The upgrade copy: one certificate in both stores (condition 1)',
    summary: 'Condition 1: after the upgrade both stores hold the x15.4 server certificate (X2)',
    rules: ['X1', 'X2', 'X3'],
    intro: [
      'Upgrading from x15.4 copies the server certificate into the new client store (X2). Both stores then hold the same certificate — same serial in client_ and server_ PEM of the diagnostic bundle.',
      'This bundle (condition 1) has one inbound and one outbound connection. The role still decides the store; the store just happens to hold the same certificate.',
    ],
    steps: [
      {
        kind: 'quiz',
        title: 'Inbound: the neighbor calls',
        session: S04_IN,
        question: 'A neighbor connects to {host} on 5061. Which store does {host} present from?',
        choices: STORE_CHOICES,
        check: { kind: 'store' },
        answer: 'server',
        answerAt: { from: 'server', what: 'Certificate' },
        reveal: ['Frame {frame}: serial {serial} — {store}. Expressway is the TLS server, so it is the server store (X1), even though the client store holds the same certificate.'],
      },
      {
        kind: 'quiz',
        title: 'Outbound: configuration from CUCM',
        session: S04_OUT,
        question: '{host} fetches MRA configuration from CUCM on 6972, and CUCM requests a certificate. Which store does {host} present from?',
        choices: STORE_CHOICES,
        check: { kind: 'store' },
        answer: 'client',
        answerAt: { from: 'client', what: 'Certificate' },
        reveal: ['Frame {frame}: serial {serial} — {store}. Same bytes as the inbound one; this time it comes from the client store because Expressway is the TLS client.'],
      },
      {
        kind: 'explain',
        title: 'Why it still works',
        session: S04_OUT,
        focus: { from: 'client', what: 'Certificate' },
        text: [
          'EKU of the copied certificate: {eku}. Issued before the sunset by {issuer}, it carries both serverAuth and clientAuth, so the same certificate serves both roles: {outcome}.',
          'The trap is the renewal: a 2026 public certificate has serverAuth only. The client store refuses it on upload ("does not have a client usage attribute", X3); only "Upload server certificate file as client certificate" puts it there — and then every peer that checks clientAuth rejects it (lessons sunset-failure and edge-public-copy).',
        ],
      },
      {
        kind: 'explain',
        title: 'The same copy in scenario 3',
        session: S03,
        focus: { from: 'client', what: 'Certificate' },
        text: ["The document's test case 3: Expressway-C sends its client certificate to CUCM on 6972 in frame {frame}: serial {serial} — {store}."],
      },
    ],
    takeaways: [
      'Same serial in client_ and server_ PEM: copied at upgrade or with the upload option (X2).',
      'It works while that certificate has clientAuth; plan the renewal before a public CA issues serverAuth-only.',
      'Try: ekuscope whatif --condition 1',
    ],
  },
  {
    name: 'sunset-failure',
    title: 'The sunset failure and its two fixes (conditions 2 and 2.1)',
    summary: 'Condition 2: serverAuth-only client certificate on Expressway-C; checking Off; CA1 client certificate',
    rules: ['X1', 'X4', 'X5', 'X7', 'E2', 'E5', 'T5', 'T6'],
    intro: [
      'Condition 2 of the document: every certificate comes from the public CA2, which since 2026 issues serverAuth only. Expressway-C opens the UC traversal zone to Expressway-E (7001) with its client-store certificate.',
      'Test case 1 (checking On on Expressway-E): the zone fails. Test case 2 (checking Off): the zone comes up but the SSH tunnels (2222) do not. Condition 2.1: a clientAuth certificate from a private CA in the client store fixes both.',
    ],
    steps: [
      {
        kind: 'explain',
        title: 'Expressway-C calls Expressway-E',
        session: S05,
        focus: { from: 'client', what: 'ClientHello' },
        text: ['Frame {frame}: {from} (Expressway-C) sends ClientHello to {to} (Expressway-E, traversal zone). Expressway-C is the TLS client: it will present its client store.'],
      },
      {
        kind: 'explain',
        title: 'Expressway-E asks for a client certificate',
        session: S05,
        focus: { from: 'server', what: 'CertificateRequest' },
        text: ['Frame {frame}: Expressway-E requests a certificate. Its SIP TLS EKU checking is {serverChecking} (X4; On is the default): the certificate it gets must have clientAuth.'],
      },
      {
        kind: 'explain',
        title: "What Expressway-C sends",
        session: S05,
        focus: { from: 'client', what: 'Certificate' },
        text: [
          'Frame {frame}: serial {serial}, issued by {issuer} — {store}. EKU: {eku}. The issuing CA in the same message, {caSubject}, has EKU {caEku}.',
          'So clientAuth is missing on the leaf (E2) and the CA above it is serverAuth-only too (E5): the 2026 public-CA shape.',
        ],
      },
      {
        kind: 'quiz',
        title: 'Test case 1: checking On',
        session: S05,
        question: 'Will Expressway-E (OpenSSL, checking On) accept this client certificate?',
        choices: OUTCOME_CHOICES,
        check: { kind: 'outcome' },
        answer: 'rejected',
        answerAt: { from: 'server', what: 'Alert' },
        reveal: [
          'Frame {frame}: Expressway-E ({from}) sends {alert} right after the client certificate. 43 is how OpenSSL says "unsupported certificate purpose": an EKU/KU rejection (T5). The server sent it, after the client\'s Certificate: the server rejected the client certificate (T6).',
          'On Expressway-C the UC traversal zone shows Failed.',
        ],
      },
      {
        kind: 'explain',
        title: "The same, seen from Expressway-E's capture",
        session: S05_E,
        focus: { from: 'server', what: 'Alert' },
        text: ["Expressway-E's own capture of the same connection shows the alert in its frame {frame}. Its bundle's xconf says checking {checking}."],
      },
      {
        kind: 'quiz',
        title: 'Fix 1 (test case 2): checking Off',
        session: S06_UC,
        question: 'Same certificates, checking Off on Expressway-E. Will the 7001 handshake complete now?',
        choices: OUTCOME_CHOICES,
        check: { kind: 'outcome' },
        answer: 'completes',
        answerAt: { from: 'server', what: 'ChangeCipherSpec' },
        reveal: ["Frame {frame}: Expressway-E sends ChangeCipherSpec and Finished: {outcome}. Its bundle says checking {serverChecking}: X4 Off skipped the clientAuth check (exactly what else 'Off' still checks is not fully documented). The zone is Active."],
      },
      {
        kind: 'quiz',
        title: 'But the SSH tunnels',
        session: S06_SSH,
        question: 'Expressway-C now opens port 2222 (SSH tunnels) with the same client certificate. Will it be accepted?',
        choices: OUTCOME_CHOICES,
        check: { kind: 'outcome' },
        answer: 'rejected',
        answerAt: { from: 'server', what: 'Alert' },
        reveal: [
          'Frame {frame}: {alert} from {from}. The tunnels need clientAuth on Expressway-C\'s client certificate whatever the checking mode (X5): "Permission denied", tunnels Failed, and with them MRA login and the WebRTC proxy (X7).',
          '(What 2222 carries is not documented; this capture models it as TLS carrying the client certificate. Read the protocol from the bytes, X5.)',
        ],
      },
      {
        kind: 'explain',
        title: 'Fix 2 (condition 2.1): a clientAuth certificate in the client store',
        session: S07_UC,
        focus: { from: 'client', what: 'Certificate' },
        text: [
          'Frame {frame}: Expressway-C now presents serial {serial} from {issuer} — {store}. EKU: {eku}. Its server store keeps the public serverAuth-only certificate: devices never see the client store.',
        ],
      },
      {
        kind: 'quiz',
        title: 'The tunnels with the fix',
        session: S07_SSH,
        question: 'Will the 2222 connection complete now?',
        choices: OUTCOME_CHOICES,
        check: { kind: 'outcome' },
        answer: 'completes',
        answerAt: { from: 'server', what: 'ChangeCipherSpec' },
        reveal: ['Frame {frame}: {outcome}. Zone and tunnels both Active, with checking On or Off: the document\'s success case (X7).'],
      },
    ],
    takeaways: [
      'A serverAuth-only certificate in the client store of Expressway-C breaks the zone (checking On) or the tunnels (always): X4, X5, X7.',
      'Turning checking Off is a half fix: the zone comes up, MRA and WebRTC proxy still fail.',
      'The fix: a clientAuth certificate from a private CA in the client store; the public one stays in the server store.',
      'Try: ekuscope whatif --condition 2 --e-checking Off, then --condition 2.1',
    ],
  },
  {
    name: 'private-ca',
    title: 'Private CA trade-offs (condition 3)',
    summary: 'Condition 3: every certificate from the private CA1; a remote that does not trust CA1 says unknown_ca',
    rules: ['X1', 'T2', 'T5', 'T6'],
    intro: [
      'Condition 3: sign every certificate with the internal CA1. EKU is then never the problem — a private CA can put clientAuth in every certificate — but trust becomes one: every remote must load CA1.',
    ],
    steps: [
      {
        kind: 'explain',
        title: 'Expressway-E calls a remote',
        session: S08,
        focus: { from: 'client', what: 'ClientHello' },
        text: ['Frame {frame}: Expressway-E ({from}) opens SIP TLS to a remote organisation, {to}. Expressway-E is the TLS client: client store.'],
      },
      {
        kind: 'explain',
        title: 'The remote says which CAs it accepts',
        session: S08,
        focus: { from: 'server', what: 'CertificateRequest' },
        text: ['Frame {frame}: CertificateRequest. Acceptable CAs: {caNames}. An empty list means "any"; a list is a hint of what the remote trusts (T2).'],
      },
      {
        kind: 'quiz',
        title: 'Does the client certificate have clientAuth?',
        session: S08,
        question: "Does the certificate Expressway-E sends list clientAuth?",
        choices: YES_NO,
        check: { kind: 'has-eku', eku: 'clientAuth' },
        answer: 'yes',
        answerAt: { from: 'client', what: 'Certificate' },
        reveal: ['Frame {frame}: serial {serial}, issued by {issuer} — {store}. EKU: {eku}. EKU is fine.'],
      },
      {
        kind: 'quiz',
        title: 'And will the remote accept it?',
        session: S08,
        question: 'The remote has not loaded CA1. Will the handshake complete?',
        choices: OUTCOME_CHOICES,
        check: { kind: 'outcome' },
        answer: 'rejected',
        answerAt: { from: 'server', what: 'Alert' },
        reveal: ['Frame {frame}: {alert} from {from}, right after the client certificate. 48 is trust, not EKU (T5): the remote cannot chain the certificate to a CA it trusts. The fix is on the remote (load CA1) or on the certificate (a chain the remote already trusts).'],
      },
    ],
    takeaways: [
      'Private CA: clientAuth everywhere, but every remote must trust CA1 — or the TLS connection fails (unknown_ca).',
      'MRA clients show certificate warnings unless CA1 is in the operating system trust store.',
      'Try: ekuscope whatif --condition 3 --remote-trusts-private no',
    ],
  },
  {
    name: 'edge-public-copy',
    title: 'A public Edge certificate copied to the client store (condition 4)',
    summary: "Condition 4: Expressway-E's serverAuth-only certificate in both stores; works only where the remote does not check clientAuth",
    rules: ['X1', 'X2', 'X3', 'X7', 'T5'],
    intro: [
      'Condition 4: Expressway-E keeps a public certificate (serverAuth only) and copies it to its client store with "Upload server certificate file as client certificate" — the only way in for a certificate without clientAuth (X3).',
      'Two remotes on 5061: the first checks clientAuth on the certificates it receives, the second has that check disabled.',
    ],
    steps: [
      {
        kind: 'quiz',
        title: 'Which store?',
        session: S09_CHECKS,
        question: 'Expressway-E calls {server}. Which store does it present from?',
        choices: STORE_CHOICES,
        check: { kind: 'store' },
        answer: 'client',
        answerAt: { from: 'client', what: 'Certificate' },
        reveal: ['Frame {frame}: serial {serial} — {store}. EKU: {eku}, issued by {issuer}.'],
      },
      {
        kind: 'quiz',
        title: 'A remote that checks clientAuth',
        session: S09_CHECKS,
        question: 'This remote checks clientAuth. Will the handshake complete?',
        choices: OUTCOME_CHOICES,
        check: { kind: 'outcome' },
        answer: 'rejected',
        answerAt: { from: 'server', what: 'Alert' },
        reveal: ['Frame {frame}: {alert} from {from}, right after the client certificate: an EKU rejection (T5).'],
      },
      {
        kind: 'quiz',
        title: 'A remote that does not',
        session: S09_NOCHECK,
        question: 'The second remote, {server}, has its clientAuth check disabled. Will the same certificate pass?',
        choices: OUTCOME_CHOICES,
        check: { kind: 'outcome' },
        answer: 'completes',
        answerAt: { from: 'server', what: 'ChangeCipherSpec' },
        reveal: ['Frame {frame}: {outcome}. As the document says: with a serverAuth-only client certificate, outbound mutual TLS works only where the remote end disables its clientAuth check (X7).'],
      },
    ],
    takeaways: [
      'Copying a serverAuth-only certificate to the client store makes the upload succeed, not the connections.',
      'Every outbound mutual TLS now depends on the remote not checking clientAuth (X7).',
      'Try: ekuscope whatif --condition 4 --remote-checking yes',
    ],
  },
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
] satisfies Lesson[]);

export function findLesson(name: string): Lesson | undefined {
  return LESSONS.find((l) => l.name === name);
}

function sessionRefs(lesson: Lesson): SessionRef[] {
  const refs: SessionRef[] = [];
  for (const s of lesson.steps) {
    if (s.kind === 'compare') refs.push(...s.rows.map((r) => r.session));
    else if (s.session) refs.push(s.session);
  }
  return refs;
}

/** Every capture folder a lesson reads. */
export function lessonCaptures(lesson: Lesson): string[] {
  return [...new Set(sessionRefs(lesson).map((r) => r.capture))];
}

/** How a folder is read: plain, or decrypted with one of its key logs. The key of LessonCaptures. */
export function captureKey(ref: { readonly capture: string; readonly keylog?: string }): string {
  return ref.keylog ? `${ref.capture}#keylog=${ref.keylog}` : ref.capture;
}

/** Every (folder, key log) a lesson reads. */
export function lessonSources(lesson: Lesson): { readonly capture: string; readonly keylog?: string }[] {
  const seen = new Map<string, { capture: string; keylog?: string }>();
  for (const r of sessionRefs(lesson)) seen.set(captureKey(r), { capture: r.capture, ...(r.keylog ? { keylog: r.keylog } : {}) });
  return [...seen.values()];
}
