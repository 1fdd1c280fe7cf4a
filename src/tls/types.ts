import type { DecodeError, Span } from '../bytes/index.js';
import type { Dir, EndReason, GapReason } from '../net/types.js';
import type { KeyExchange } from './names.js';

export type { Dir, EndReason, GapReason };

/** Which side of the handshake a direction carries (rule T1: the ClientHello sender is the client). */
export type Role = 'client' | 'server';

/**
 * One decoded field, for the detail tree and the hex pane. `offset`/`length` are relative to the
 * owning message's `bytes` (for handshake messages that includes the 4-byte handshake header).
 */
export interface Field {
  readonly label: string;
  /** Display value; codes are rendered with their names here, never replaced by them. */
  readonly value?: string;
  readonly offset: number;
  readonly length: number;
  /** The raw code when the field is an enumerated value. */
  readonly code?: number;
  readonly children?: readonly Field[];
}

export interface Extension {
  readonly type: number;
  /** View into the owning message's bytes (no copy). */
  readonly data: Uint8Array;
  readonly span: Span;
}

export interface DistinguishedNameBlob {
  /** DER of the Name, a view into the owning message's bytes; the x509 stage parses it properly. */
  readonly der: Uint8Array;
  /** Best-effort RFC 4514-style string; undefined when the DER could not be read. */
  readonly text?: string;
  readonly span: Span;
}

export interface ClientHello {
  readonly kind: 'client-hello';
  readonly legacyVersion: number;
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly cipherSuites: readonly number[];
  readonly compressionMethods: readonly number[];
  readonly extensions: readonly Extension[];
  readonly serverName?: string;
  readonly alpn?: readonly string[];
  readonly supportedVersions?: readonly number[];
  readonly signatureAlgorithms?: readonly number[];
  readonly signatureAlgorithmsCert?: readonly number[];
  readonly supportedGroups?: readonly number[];
  readonly keyShareGroups?: readonly number[];
  readonly certificateAuthorities?: readonly DistinguishedNameBlob[];
  readonly extendedMasterSecret: boolean;
  /** renegotiation_info content (RFC 5746 §3.2); empty on an initial handshake. */
  readonly renegotiationInfo?: Uint8Array;
  readonly renegotiationScsv: boolean;
  /** session_ticket extension (RFC 5077 §3.2) length: 0 = asks for a ticket, >0 = offers one. */
  readonly sessionTicketLength?: number;
  readonly pskOffered: boolean;
  /** The highest version the client offers (supported_versions when present, else legacy_version). */
  readonly maxVersion: number;
  /** Set when this came in an SSLv2-compatible CLIENT-HELLO (RFC 5246 §E.2). */
  readonly sslv2?: boolean;
}

export interface ServerHello {
  readonly kind: 'server-hello';
  readonly legacyVersion: number;
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly cipherSuite: number;
  readonly keyExchange: KeyExchange;
  readonly compressionMethod: number;
  readonly extensions: readonly Extension[];
  /** supported_versions selection (RFC 8446 §4.2.1). */
  readonly selectedVersion?: number;
  /** The negotiated version: selectedVersion when present, else legacyVersion. */
  readonly version: number;
  readonly helloRetryRequest: boolean;
  readonly keyShareGroup?: number;
  readonly alpn?: string;
  readonly extendedMasterSecret: boolean;
  readonly renegotiationInfo?: Uint8Array;
  readonly pskSelected: boolean;
  readonly sessionTicketAck: boolean;
}

export interface CertificateEntry {
  /** DER, a view into the owning message's bytes. */
  readonly der: Uint8Array;
  readonly span: Span;
  /** TLS 1.3 per-certificate extensions (RFC 8446 §4.4.2). */
  readonly extensions?: readonly Extension[];
}

export interface CertificateMsg {
  readonly kind: 'certificate';
  readonly tls13: boolean;
  readonly requestContext?: Uint8Array;
  readonly certificates: readonly CertificateEntry[];
  /** Certificates present in the message but not kept because of `maxCertificates`. */
  readonly omitted: number;
  /** The message bytes stopped before the list did (message over `maxMessageBytes`, or cut). */
  readonly truncated: boolean;
  /** RFC 8879: it came as a CompressedCertificate; `error` says why its list could not be read. */
  readonly compressed?: { readonly algorithm: number; readonly name: string; readonly error?: string };
}

export interface CertificateRequestMsg {
  readonly kind: 'certificate-request';
  /** 'tls12' has signature algorithms (RFC 5246 §7.4.4); 'tls10' is TLS 1.0/1.1 (RFC 4346 §7.4.4). */
  readonly form: 'tls10' | 'tls12' | 'tls13';
  readonly certificateTypes: readonly number[];
  readonly signatureAlgorithms?: readonly number[];
  readonly signatureAlgorithmsCert?: readonly number[];
  /** Empty = any CA (rule T2). */
  readonly certificateAuthorities: readonly DistinguishedNameBlob[];
  readonly requestContext?: Uint8Array;
  readonly extensions?: readonly Extension[];
}

export interface ServerKeyExchangeMsg {
  readonly kind: 'server-key-exchange';
  readonly params: 'ecdhe' | 'dhe' | 'unknown';
  readonly namedCurve?: number;
  readonly dhPrimeBits?: number;
  readonly signatureAlgorithm?: number;
  readonly signatureLength?: number;
}

export interface ClientKeyExchangeMsg {
  readonly kind: 'client-key-exchange';
  readonly length: number;
}

export interface CertificateVerifyMsg {
  readonly kind: 'certificate-verify';
  readonly signatureAlgorithm?: number;
  readonly signatureLength: number;
}

export interface NewSessionTicketMsg {
  readonly kind: 'new-session-ticket';
  readonly lifetime: number;
  readonly ticketLength: number;
}

export interface CertificateStatusMsg {
  readonly kind: 'certificate-status';
  readonly statusType: number;
  readonly length: number;
}

export interface EmptyMsg {
  readonly kind: 'hello-request' | 'server-hello-done' | 'end-of-early-data';
}

export interface FinishedMsg {
  readonly kind: 'finished';
  readonly verifyDataLength: number;
}

export interface OpaqueMsg {
  readonly kind: 'opaque';
  readonly length: number;
}

export type HandshakeBody =
  | ClientHello
  | ServerHello
  | CertificateMsg
  | CertificateRequestMsg
  | ServerKeyExchangeMsg
  | ClientKeyExchangeMsg
  | CertificateVerifyMsg
  | NewSessionTicketMsg
  | CertificateStatusMsg
  | FinishedMsg
  | EmptyMsg
  | OpaqueMsg;

/** What a decoder returns: the typed body and its field tree. */
export interface Decoded<T> {
  readonly body: T;
  readonly fields: readonly Field[];
}

/** What a decoder needs to know from earlier messages of the connection. */
export interface DecodeContext {
  /** Negotiated version (ServerHello), undefined before it. */
  readonly version?: number;
  readonly keyExchange?: KeyExchange;
  readonly limits: TlsLimits;
  /**
   * false: decode the body only, without the display field tree (`fields` comes back empty). The
   * dissector decodes every message this way and builds a message's tree only when it is read.
   */
  readonly fields?: boolean;
}

export type MessageKind =
  | 'handshake'
  | 'change-cipher-spec'
  | 'alert'
  /** A handshake record after ChangeCipherSpec (TLS ≤ 1.2, usually Finished) or any TLS 1.3 protected record during the handshake. */
  | 'encrypted-handshake'
  | 'application-data'
  | 'heartbeat';

/** Common fields of everything listed in a connection's message sequence. */
export interface MessageBase {
  /** Position in the connection's message list. */
  readonly index: number;
  readonly dir: Dir;
  /** Frame in which the message completed ("reassembled in"). */
  readonly frame: number;
  /** Frames that carried its bytes, in stream order, without repeats. */
  readonly frames: readonly number[];
  readonly tsSec: number;
  readonly tsNsec: number;
  /** Stream offset (within `dir`) of its first byte, handshake header or record header. */
  readonly streamOffset: number;
  /** Record-layer version of the (first) record that carried it. */
  readonly recordVersion: number;
}

export interface HandshakeMessage extends MessageBase {
  readonly kind: 'handshake';
  readonly type: number;
  /** Declared body length (from the handshake header). */
  readonly length: number;
  /** Header + body, a copy, at most `maxMessageBytes` long. */
  readonly bytes: Uint8Array;
  /** `bytes` is shorter than 4 + length (over the limit, or a gap/end cut it). */
  readonly truncated: boolean;
  readonly fields: readonly Field[];
  readonly body?: HandshakeBody;
  readonly error?: DecodeError;
  /** Decrypted through the decryptor seam. */
  readonly decrypted?: boolean;
  /** Came in an SSLv2-compatible record (RFC 5246 §E.2). */
  readonly sslv2?: boolean;
  /**
   * Its bytes were not kept once the connection settled (an analysis that does not show bytes):
   * `bytes` is empty, `fields` empty, `body` undefined; everything else stands.
   */
  readonly bytesDropped?: boolean;
  /**
   * With `bytesDropped` on a truncated message: how many of its bytes (header included) the
   * capture had, so that what was missing can still be said exactly.
   */
  readonly capturedBytes?: number;
}

export interface ChangeCipherSpecMessage extends MessageBase {
  readonly kind: 'change-cipher-spec';
  readonly bytes: Uint8Array;
  readonly fields: readonly Field[];
}

export interface AlertMessage extends MessageBase {
  readonly kind: 'alert';
  /** After ChangeCipherSpec (or in TLS 1.3 after ServerHello) the content is not readable (rule T6). */
  readonly encrypted: boolean;
  /** Record body length: the "size" of an encrypted alert. */
  readonly length: number;
  readonly level?: number;
  readonly description?: number;
  /** Record body, a copy, only when plaintext. */
  readonly bytes: Uint8Array;
  readonly fields: readonly Field[];
  /** Read through the decryptor seam (a key log): `encrypted` is then false. */
  readonly decrypted?: boolean;
  /** Sent after ChangeCipherSpec under a NULL-cipher suite: readable, but unencrypted (rule C6). */
  readonly nullCipher?: boolean;
}

export interface EncryptedRecordMessage extends MessageBase {
  readonly kind: 'encrypted-handshake' | 'application-data' | 'heartbeat';
  readonly contentType: number;
  /** Record body length. Bodies are never copied. */
  readonly length: number;
}

export type TlsMessage = HandshakeMessage | ChangeCipherSpecMessage | AlertMessage | EncryptedRecordMessage;

export type AnomalyCode =
  | 'unexpected-message'
  | 'malformed-message'
  | 'truncated-message'
  | 'gap-in-handshake'
  | 'gap-in-record'
  | 'record-too-long'
  | 'record-desync'
  | 'message-too-long'
  | 'too-many-messages'
  | 'too-many-certificates'
  | 'interleaved-record'
  | 'bad-ccs'
  | 'bad-alert'
  | 'data-after-close';

export interface Anomaly {
  readonly code: AnomalyCode;
  readonly dir: Dir;
  readonly frame: number;
  /** One line, plain words; capture text never included unescaped. */
  readonly message: string;
}

export type PreambleProtocol =
  | 'smtp-starttls'
  | 'imap-starttls'
  | 'pop3-stls'
  | 'ftp-auth-tls'
  | 'xmpp-starttls'
  | 'ldap-starttls'
  | 'postgresql-sslrequest'
  | 'mysql-ssl'
  | 'socks4'
  | 'socks5'
  | 'http-connect'
  | 'unknown';

export interface Preamble {
  readonly protocol: PreambleProtocol;
  /** Plaintext bytes before the first TLS record, both directions together. */
  readonly bytes: number;
  readonly bytesByDir: readonly [number, number];
}

/** Why a connection was judged not to be TLS. */
export type NotTlsReason = 'ssh' | 'http' | 'sip' | 'no-tls-record' ;

/** A pointer to an observed event, for "after which message" statements. */
export interface EventRef {
  readonly dir: Dir;
  /** 'ClientHello', 'Certificate', 'ChangeCipherSpec', 'EncryptedHandshake', 'Alert', 'ApplicationData', ... */
  readonly what: string;
  readonly handshakeType?: number;
  readonly frame: number;
  readonly tsSec: number;
  readonly tsNsec: number;
  /** Index into the connection's message list, when the event is listed there. */
  readonly index?: number;
}

export interface TlsLimits {
  /** Bytes kept per handshake message (header included). Longer messages are kept truncated. */
  readonly maxMessageBytes: number;
  /** Certificates kept per Certificate message. */
  readonly maxCertificates: number;
  /** Messages listed per connection; later ones still drive the state machine. */
  readonly maxMessages: number;
  /** Plaintext bytes scanned per direction for a TLS start (STARTTLS preambles, mid-stream). */
  readonly preambleScanBytes: number;
  /** Records whose headers are still read after a TLS ≤ 1.2 handshake completed. */
  readonly recordsAfterHandshake: number;
  /** Protected records read after a TLS 1.3 ServerHello (the handshake cannot be seen ending). */
  readonly recordsAfterTls13Hello: number;
  /** Largest record body accepted: 2^14 + 2048 (RFC 5246 §6.2.3, the ciphertext maximum). */
  readonly maxRecordLength: number;
}

export const DEFAULT_TLS_LIMITS: TlsLimits = Object.freeze({
  maxMessageBytes: 256 * 1024,
  maxCertificates: 16,
  maxMessages: 128,
  preambleScanBytes: 64 * 1024,
  recordsAfterHandshake: 4,
  recordsAfterTls13Hello: 24,
  maxRecordLength: 16384 + 2048,
});
