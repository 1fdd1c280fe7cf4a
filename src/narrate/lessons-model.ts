/**
 * The vocabulary of the lessons (lessons.ts lists them): what a step points at in a capture, the
 * kinds of step, the answers a quiz accepts, and the sessions of captures/ the lessons read.
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

import type { DomainRuleId } from '../expressway/rulebook.js';

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
  /** The rules the step teaches (`ekuscope rules ID` explains each). */
  readonly rules?: readonly DomainRuleId[];
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
  /** The rules the step teaches. */
  readonly rules?: readonly DomainRuleId[];
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
  /** The rules the step teaches. */
  readonly rules?: readonly DomainRuleId[];
}

export type LessonStep = ExplainStep | QuizStep | CompareStep;

export interface Lesson {
  readonly name: string;
  readonly title: string;
  /** One line for the list. */
  readonly summary: string;
  /** The rules the lesson teaches, the first the one it is about. */
  readonly rules: readonly DomainRuleId[];
  readonly intro: readonly string[];
  readonly steps: readonly LessonStep[];
  readonly takeaways: readonly string[];
}

export const STORE_CHOICES: readonly Choice[] = [
  { key: 'c', answer: 'client', text: 'its client-store certificate' },
  { key: 's', answer: 'server', text: 'its server-store certificate' },
];
export const OUTCOME_CHOICES: readonly Choice[] = [
  { key: 'y', answer: 'completes', text: 'yes, the handshake completes' },
  { key: 'n', answer: 'rejected', text: 'no, it is rejected' },
];
export const YES_NO: readonly Choice[] = [
  { key: 'y', answer: 'yes', text: 'yes' },
  { key: 'n', answer: 'no', text: 'no' },
];

// Sessions used by the lessons, by endpoints (never by frame).
export const S01: SessionRef = { capture: '01-webex-client-cert', host: 'smartslave', serverIp: '163.129.37.33', serverPort: 5061 };
export const S02: SessionRef = { capture: '02-neighbor-zone-server', host: 'vcs8c', serverIp: '10.106.80.16', serverPort: 5061 };
export const S03: SessionRef = { capture: '03-cucm-tftp-6972', host: 'vcs8c', serverIp: '10.106.80.38', serverPort: 6972 };
export const S03B: SessionRef = { capture: '03b-cucm-tftp-6972-tls13', host: 'vcs8c', serverIp: '10.106.80.38', serverPort: 6972 };
export const S04_IN: SessionRef = { capture: '04-upgrade-same-cert', host: 'vcs8c', serverIp: '10.106.80.16', serverPort: 5061 };
export const S04_OUT: SessionRef = { capture: '04-upgrade-same-cert', host: 'vcs8c', serverIp: '10.106.80.38', serverPort: 6972 };
export const S05: SessionRef = { capture: '05-uc-traversal-eku-on-failed', host: 'vcs8c', serverIp: '10.106.80.31', serverPort: 7001 };
export const S05_E: SessionRef = { ...S05, host: 'smartslave' };
export const S06_UC: SessionRef = { capture: '06-uc-traversal-eku-off-ssh-fails', host: 'smartslave', serverIp: '10.106.80.31', serverPort: 7001 };
export const S06_SSH: SessionRef = { ...S06_UC, serverPort: 2222 };
export const S07_UC: SessionRef = { capture: '07-condition-2-1-success', host: 'vcs8c', serverIp: '10.106.80.31', serverPort: 7001 };
export const S07_SSH: SessionRef = { ...S07_UC, serverPort: 2222 };
export const S08: SessionRef = { capture: '08-all-private-ca-unknown-ca', host: 'smartslave', serverIp: '203.0.113.45', serverPort: 5061 };
export const S09_CHECKS: SessionRef = { capture: '09-edge-public-client-cert', host: 'smartslave', serverIp: '203.0.113.45', serverPort: 5061 };
export const S09_NOCHECK: SessionRef = { ...S09_CHECKS, serverIp: '198.51.100.77' };
export const S10: SessionRef = { capture: '10-eku-chaining', host: 'vcs8c', serverIp: '10.106.80.31', serverPort: 7001 };
export const S11: SessionRef = { capture: '11-silent-close', host: 'vcs8c', serverIp: '10.106.80.31', serverPort: 7001 };
export const S12: SessionRef = { capture: '12-tls13-uc-traversal-keylog', host: 'vcs8c', serverIp: '10.106.80.31', serverPort: 7001 };
export const S12_KEYS: SessionRef = { ...S12, keylog: 'sslkeylog.txt' };
