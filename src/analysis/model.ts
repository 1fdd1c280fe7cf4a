import type { CaptureSummary } from '../capture/index.js';
import type { Connection, Dir, Endpoint } from '../net/index.js';
import type { CertificateRequestMsg, NotTlsReason, Role, TlsSummary } from '../tls/index.js';
import type { CertId, CertPool } from '../x509/index.js';
import type { DecodeStats } from './frames.js';
import type { DecryptionReport } from '../tls/decrypt/index.js';
import type { KeyLogSummary } from './keylog.js';
import type { RoleGuess } from './roles.js';

/** A certificate as one session carried it; the certificate itself lives once in the pool. */
export interface CertRef {
  readonly id: CertId;
  /** 0 = leaf. */
  readonly index: number;
  /** Frame where its Certificate message completed. */
  readonly frame: number;
  /** Index of the Certificate message in the session's message list. */
  readonly messageIndex: number;
}

export interface CertificateMessageInfo {
  readonly from: Role;
  readonly frame: number;
  readonly frames: readonly number[];
  readonly messageIndex: number;
  readonly certificates: readonly CertRef[];
  /** The list was empty (a client with nothing suitable, rule T3). */
  readonly empty: boolean;
  readonly truncated: boolean;
  readonly decrypted: boolean;
  /** Sent as a CompressedCertificate (RFC 8879); `error` when its list could not be inflated. */
  readonly compressed?: { readonly algorithm: number; readonly name: string; readonly error?: string };
}

export interface CaName {
  readonly der: Uint8Array;
  /** RFC 4514 string, or a note when the DER is not a valid Name. */
  readonly text: string;
}

export interface CertificateRequestInfo {
  readonly frame: number;
  readonly messageIndex: number;
  readonly form: CertificateRequestMsg['form'];
  readonly certificateTypes: readonly number[];
  readonly signatureAlgorithms?: readonly number[];
  readonly caNames: readonly CaName[];
  readonly decrypted: boolean;
}

export interface AlertInfo {
  readonly from: Role | 'unknown';
  readonly dir: Dir;
  readonly frame: number;
  readonly level?: number;
  readonly description?: number;
  readonly encrypted: boolean;
  readonly length: number;
  readonly messageIndex: number;
  /** Read with a key log (then `encrypted` is false). */
  readonly decrypted?: boolean;
  /** Sent under a NULL-cipher suite: read in clear (C6). */
  readonly nullCipher?: boolean;
  /**
   * Seen after the dissector stopped reading the connection (a close_notify long after the
   * handshake), in a segment of its own; not in the message list (`messageIndex` is -1).
   */
  readonly late?: boolean;
}

/** One TLS connection, with roles, certificates and outcome, every fact tied to frames. */
export interface Session {
  /** The TCP stream id (as tshark numbers tcp.stream). */
  readonly id: number;
  readonly connection: Connection;
  readonly tls: TlsSummary;
  /** TLS roles (rule T1); a guess when `roleGuess` says so; undefined only when nothing was seen at all. */
  readonly client?: Endpoint;
  readonly server?: Endpoint;
  readonly clientDir?: Dir;
  /**
   * Present when no hello showed the roles (the handshake was not captured, C2): `client`,
   * `server` and `clientDir` are then a guess, made this way, and every output says so.
   */
  readonly roleGuess?: RoleGuess;
  readonly sni?: string;
  readonly certificateMessages: readonly CertificateMessageInfo[];
  /** First Certificate message from each side (the one the explanation is about). */
  readonly serverCertificates: readonly CertRef[];
  readonly clientCertificates: readonly CertRef[];
  /** The client answered a CertificateRequest with an empty Certificate (T3). */
  readonly clientCertificateEmpty: boolean;
  readonly certificateRequest?: CertificateRequestInfo;
  readonly alerts: readonly AlertInfo[];
  /** Messages were decrypted with a key log. */
  readonly decrypted: boolean;
  /** How key-log decryption went, when any key was available for the capture. */
  readonly decryption?: DecryptionReport;
}

/** A TCP connection whose bytes were recognised as another protocol (e.g. "SSH-2.0" on 2222, rule X5). */
export interface NonTlsStream {
  readonly id: number;
  readonly connection: Connection;
  readonly reason: NotTlsReason;
}

export interface AnalysisTiming {
  readonly totalMs: number;
  readonly x509Ms: number;
  readonly certificatesParsed: number;
}

export interface Analysis {
  /** How the input is named in output (a file name, never a full path of the machine that ran it). */
  readonly source: string;
  readonly capture: CaptureSummary;
  readonly connections: readonly Connection[];
  readonly sessions: readonly Session[];
  /** Connections the TLS stage recognised as another protocol (not listed as sessions). */
  readonly nonTls: readonly NonTlsStream[];
  readonly pool: CertPool;
  readonly stats: DecodeStats;
  readonly certificateCount: number;
  readonly certificateRequestCount: number;
  /** Key log secrets used for this capture (files and its Decryption Secrets Blocks), when there were any. */
  readonly keyLog?: KeyLogSummary;
  readonly timing: AnalysisTiming;
  /**
   * Sessions handed out as their connections closed (AnalyzeOptions.tellWhenClosed) before something
   * that changes them came: an alert after both FINs, or a secrets block after the packets it would
   * decrypt. Whoever told them reads the capture again (keeping the sessions) to tell them right.
   */
  readonly toldEarly?: 'late-alerts' | 'late-secrets';
}
