/**
 * What a TLS dissector (TlsConnection) takes and gives: the decryptor seam for key logs, its
 * options, and the summary of a connection's TLS.
 */
import type { CaptureBudget } from '../bytes/index.js';
import type { Dir } from '../net/types.js';
import type { EventRef, Anomaly, NotTlsReason, Preamble, TlsLimits, TlsMessage } from './types.js';
import type { EndRef, HandshakeState, Outcome, Pair, SilentRejection } from './state.js';

/** A protected record handed to a decryptor. `body` is valid only during the call. */
export interface ProtectedRecord {
  readonly dir: Dir;
  readonly contentType: number;
  readonly recordVersion: number;
  readonly body: Uint8Array;
  readonly frame: number;
  readonly frames: readonly number[];
  readonly streamOffset: number;
  readonly tsSec: number;
  readonly tsNsec: number;
}

/** What a decryptor gives back: the inner content type (RFC 8446 §5.2) and the plaintext. */
export interface Plaintext {
  readonly contentType: number;
  readonly data: Uint8Array;
}

export interface HelloSecrets {
  readonly clientRandom?: Uint8Array;
  readonly serverRandom: Uint8Array;
  readonly version: number;
  readonly cipherSuite: number;
  /** The direction the ClientHello came from (the ServerHello's opposite): whose keys protect which records. */
  readonly clientDir?: Dir;
}

/**
 * The seam for key-log decryption. Without one, protected records are only counted and listed;
 * with one, their bodies are buffered (bounded by the record maximum) during the handshake and
 * any handshake plaintext it returns is reassembled and decoded like a plaintext message.
 */
export interface TlsDecryptor {
  /** Called once the ServerHello (not a HelloRetryRequest) is known. */
  hello?(info: HelloSecrets): void;
  decrypt(record: ProtectedRecord): Plaintext | undefined;
  /** Keep delivering protected records beyond the usual budget (e.g. post-handshake auth). */
  wantsMore?(): boolean;
}

export interface TlsConnectionOptions {
  readonly limits?: Partial<TlsLimits>;
  readonly decryptor?: TlsDecryptor;
  /** Shared by every connection of one capture: a bound on what they hold together (see TlsBudget). */
  readonly budget?: CaptureBudget;
}

export interface TlsSummary {
  /** True once TLS records were recognised in either direction. */
  readonly isTls: boolean;
  readonly notTls?: NotTlsReason;
  /** Direction of the TLS client (rule T1); undefined when no hello was seen. */
  readonly clientDir?: Dir;
  readonly roleSource?: HandshakeState['roleSource'];
  readonly version?: number;
  readonly offeredMaxVersion?: number;
  readonly cipherSuite?: number;
  readonly keyExchange?: HandshakeState['keyExchange'];
  readonly tls13: boolean;
  readonly helloRetry: boolean;
  readonly preamble?: Preamble;
  /** The direction's TLS start was found after a gap (capture began mid-stream, or loss). */
  readonly midStream: Pair<boolean>;
  readonly messages: readonly TlsMessage[];
  /** Messages not listed because of `maxMessages` (they still drove the state machine). */
  readonly droppedMessages: number;
  /**
   * Application data records read past the usual budget because a decryptor wanted more (key
   * logs): counted, not listed, so that later alerts and handshake messages still are.
   */
  readonly unlistedApplicationData?: number;
  readonly outcome: Outcome;
  readonly silentRejection?: SilentRejection;
  readonly lastFromClient?: EventRef;
  readonly lastFromServer?: EventRef;
  readonly ended: Pair<EndRef | undefined>;
  readonly certificateRequested: boolean;
  readonly clientCertificates?: number;
  readonly serverCertificates?: number;
  readonly renegotiations: number;
  readonly anomalies: readonly Anomaly[];
  /** The frame at which the connection stopped being of interest, and why. */
  readonly setAside?: { readonly frame: number; readonly why: 'not-tls' | 'handshake-over' | 'lost' };
  /** The state machine's final state; absent when the summary was asked for without it (analyzeCapture's finished sessions). */
  readonly state?: HandshakeState;
}
