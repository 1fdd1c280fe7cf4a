/**
 * The per-connection handshake state machine: a pure `transition(state, event) -> state`. It knows
 * message order (RFC 5246 §7.3 figure 1 and §7.4, RFC 8446 §2), roles (rule T1: the ClientHello
 * sender is the client, whatever the TCP direction), and how the handshake ended. An order
 * violation sets `invalid`, which is sticky: each anomaly is reported once (as tls-parser does),
 * and nothing after an invalid step is judged again.
 */
import type { KeyExchange } from './names.js';
import { HandshakeType, handshakeTypeName } from './names.js';
import type { Anomaly, Dir, EndReason, EventRef, HandshakeBody, NotTlsReason, Role } from './types.js';

export type TlsEvent =
  | {
      readonly kind: 'handshake';
      readonly dir: Dir;
      readonly type: number;
      readonly frame: number;
      readonly tsSec?: number;
      readonly tsNsec?: number;
      readonly index?: number;
      readonly body?: HandshakeBody;
      /** Read from protected records with a key log (the decryptor seam). */
      readonly decrypted?: boolean;
    }
  | { readonly kind: 'change-cipher-spec'; readonly dir: Dir; readonly frame: number; readonly tsSec?: number; readonly tsNsec?: number; readonly index?: number }
  | {
      readonly kind: 'alert';
      readonly dir: Dir;
      readonly frame: number;
      readonly tsSec?: number;
      readonly tsNsec?: number;
      readonly index?: number;
      readonly encrypted: boolean;
      readonly level?: number;
      readonly description?: number;
      readonly length: number;
    }
  | {
      /** A protected record: a TLS ≤ 1.2 handshake record after CCS, or any TLS 1.3 record after ServerHello, or application data. */
      readonly kind: 'encrypted';
      readonly dir: Dir;
      readonly frame: number;
      readonly tsSec?: number;
      readonly tsNsec?: number;
      readonly index?: number;
      readonly contentType: number;
      readonly length: number;
    }
  | {
      readonly kind: 'end';
      /** The direction that ended. */
      readonly dir: Dir;
      readonly reason: EndReason;
      readonly frame: number;
      /** The direction whose segment carried the FIN/RST (a RST ends both directions; C5). Default: `dir`. */
      readonly from?: Dir;
    }
  | { readonly kind: 'anomaly'; readonly anomaly: Anomaly }
  | { readonly kind: 'not-tls'; readonly reason: NotTlsReason };

export interface EndRef {
  /** The direction that ended. */
  readonly dir: Dir;
  /** The direction that sent the FIN or RST (rule C5): `dir`, or the other one for a RST that ended both. */
  readonly from: Dir;
  /** The role of the sender (`from`). */
  readonly by: Role | 'unknown';
  readonly reason: EndReason;
  readonly frame: number;
  /** The last event seen in either direction before the end. */
  readonly after?: EventRef;
}

export interface AlertRef extends EventRef {
  readonly by: Role | 'unknown';
  readonly encrypted: boolean;
  readonly level?: number;
  readonly description?: number;
  readonly length: number;
  /** The last event seen before the alert (from either side). */
  readonly after?: EventRef;
}

export type Outcome =
  | { readonly kind: 'in-progress' }
  | { readonly kind: 'completed'; readonly frame: number }
  | { readonly kind: 'resumed'; readonly frame: number; readonly how: 'session-id' | 'ticket' | 'psk' }
  | { readonly kind: 'alert'; readonly alert: AlertRef }
  | { readonly kind: 'closed' | 'reset'; readonly end: EndRef }
  | { readonly kind: 'capture-ended'; readonly frame: number; readonly after?: EventRef }
  /** TLS 1.3 without keys: the handshake's end is not observable (rule T7). */
  | { readonly kind: 'tls13'; readonly resumed: boolean; readonly end?: EndRef }
  /** TLS records seen, but no handshake (the capture started after it). */
  | { readonly kind: 'no-handshake' }
  | { readonly kind: 'not-tls'; readonly reason: NotTlsReason };

export type Pair<T> = readonly [T, T];

export interface HandshakeState {
  /** Direction of the TLS client (rule T1); undefined until a hello shows it. */
  readonly clientDir?: Dir;
  /** What showed the roles: normally the ClientHello; a mid-stream start may only show a ServerHello. */
  readonly roleSource?: 'client-hello' | 'server-hello' | 'server-message';
  readonly offeredMaxVersion?: number;
  /** Negotiated version from ServerHello (supported_versions when present). */
  readonly version?: number;
  readonly cipherSuite?: number;
  readonly keyExchange?: KeyExchange;
  readonly tls13: boolean;
  readonly helloRetry: boolean;
  readonly clientSessionId?: string;
  readonly clientOfferedTicket: boolean;
  readonly sessionIdEcho: boolean;
  readonly pskSelected: boolean;
  readonly certificateRequested: boolean;
  /** The server sent ChangeCipherSpec before ServerHelloDone: an abbreviated (resumed) handshake (RFC 5246 §7.3 figure 2). */
  readonly abbreviated: boolean;
  readonly serverCertificates?: number;
  /** Certificates in the client's Certificate message (0 = empty message, rule T3); undefined = none sent. */
  readonly clientCertificates?: number;
  /** Progress of each direction (see STAGES); roles are applied on top. */
  readonly stage: Pair<number>;
  readonly ccs: Pair<EventRef | undefined>;
  /** First protected handshake record after CCS (TLS ≤ 1.2 Finished). */
  readonly finished: Pair<EventRef | undefined>;
  readonly last: Pair<EventRef | undefined>;
  readonly lastEvent?: EventRef;
  readonly ended: Pair<EndRef | undefined>;
  readonly alerts: readonly AlertRef[];
  /** Protected records seen per direction (after CCS, or after a TLS 1.3 ServerHello). */
  readonly protectedRecords: Pair<number>;
  readonly handshakeMessages: number;
  readonly renegotiations: number;
  readonly outcome: Outcome;
  /** Set at the first order violation; no further order checks are made (each anomaly once). */
  readonly invalid: boolean;
  readonly anomalies: readonly Anomaly[];
}

/** A state being built by one transition (a fresh copy, never the caller's). */
type Draft = { -readonly [K in keyof HandshakeState]: HandshakeState[K] };

export const MAX_ALERTS = 8;
export const MAX_ANOMALIES = 32;

export function initialState(): HandshakeState {
  return {
    tls13: false,
    helloRetry: false,
    clientOfferedTicket: false,
    sessionIdEcho: false,
    pskSelected: false,
    certificateRequested: false,
    abbreviated: false,
    stage: [0, 0],
    ccs: [undefined, undefined],
    finished: [undefined, undefined],
    last: [undefined, undefined],
    ended: NO_ENDS,
    alerts: [],
    protectedRecords: [0, 0],
    handshakeMessages: 0,
    renegotiations: 0,
    outcome: { kind: 'in-progress' },
    invalid: false,
    anomalies: NO_ANOMALIES,
  };
}

// Shared by every state that has not changed them (states are never changed in place: each event
// makes new pairs and lists), so thousands of kept sessions do not each keep their own.
const NO_ENDS: Pair<EndRef | undefined> = Object.freeze([undefined, undefined] as const);
const NO_ANOMALIES: readonly Anomaly[] = Object.freeze([]);

/** Stage a message moves its sender to (RFC 5246 §7.3 order). Unknown/unordered messages: undefined. */
const CLIENT_STAGE = new Map<number, number>([
  [HandshakeType.ClientHello, 1],
  [HandshakeType.Certificate, 2],
  [HandshakeType.ClientKeyExchange, 3],
  [HandshakeType.CertificateVerify, 4],
]);
const CLIENT_CCS = 5;
const CLIENT_FINISHED = 6;
const SERVER_STAGE = new Map<number, number>([
  [HandshakeType.ServerHello, 1],
  [HandshakeType.Certificate, 2],
  [HandshakeType.CertificateStatus, 3],
  [HandshakeType.ServerKeyExchange, 4],
  [HandshakeType.CertificateRequest, 5],
  [HandshakeType.ServerHelloDone, 6],
  [HandshakeType.NewSessionTicket, 7],
]);
const SERVER_HELLO_DONE = 6;
const SERVER_CCS = 8;
const SERVER_FINISHED = 9;

export function roleOf(s: HandshakeState, dir: Dir): Role | 'unknown' {
  if (s.clientDir === undefined) return 'unknown';
  return dir === s.clientDir ? 'client' : 'server';
}

function other(dir: Dir): Dir {
  return dir === 0 ? 1 : 0;
}

function set<T>(pair: Pair<T>, dir: Dir, v: T): Pair<T> {
  return dir === 0 ? [v, pair[1]] : [pair[0], v];
}

function refOf(e: Exclude<TlsEvent, { kind: 'end' | 'anomaly' | 'not-tls' }>, what: string, handshakeType?: number): EventRef {
  // Each shape written whole: properties added after a literal go to a separate store (40 bytes
  // more per reference, and a finished session keeps two).
  const { dir, frame, index } = e;
  const tsSec = e.tsSec ?? 0;
  const tsNsec = e.tsNsec ?? 0;
  if (handshakeType !== undefined) return index !== undefined ? { dir, what, frame, tsSec, tsNsec, handshakeType, index } : { dir, what, frame, tsSec, tsNsec, handshakeType };
  return index !== undefined ? { dir, what, frame, tsSec, tsNsec, index } : { dir, what, frame, tsSec, tsNsec };
}

function addAnomaly(s: HandshakeState, a: Anomaly): HandshakeState {
  if (s.anomalies.length >= MAX_ANOMALIES) return s;
  if (s.anomalies.some((x) => x.code === a.code && x.dir === a.dir)) return s;
  return { ...s, anomalies: [...s.anomalies, a] };
}

/** Marks the order as broken (sticky) and reports it once. */
function violation(s: HandshakeState, dir: Dir, frame: number, message: string): HandshakeState {
  if (s.invalid) return s;
  return addAnomaly({ ...s, invalid: true }, { code: 'unexpected-message', dir, frame, message });
}

function inProgress(s: HandshakeState): boolean {
  return s.outcome.kind === 'in-progress';
}

function bytesKey(b: Uint8Array): string {
  // Joined once rather than appended byte by byte: the key is kept in the state, as one flat string.
  const parts = new Array<string>(b.length);
  for (let i = 0; i < b.length; i++) parts[i] = b[i]!.toString(16).padStart(2, '0');
  return parts.join('');
}

function onHandshake(s0: HandshakeState, e: Extract<TlsEvent, { kind: 'handshake' }>): HandshakeState {
  const ref = refOf(e, handshakeTypeName(e.type), e.type);
  // One copy per event, filled in place: the caller's state is never changed.
  const s: Draft = { ...s0 };
  s.last = set(s0.last, e.dir, ref);
  s.lastEvent = ref;
  s.handshakeMessages = s0.handshakeMessages + 1;
  const body = e.body;

  if (e.decrypted && (e.type === HandshakeType.Finished || s.tls13)) return onDecrypted(s, e, ref);

  if (e.type === HandshakeType.ClientHello) {
    if (s.clientDir === undefined) {
      s.clientDir = e.dir;
      s.roleSource = 'client-hello';
    } else if (s.clientDir !== e.dir) return violation(s, e.dir, e.frame, 'ClientHello from the TLS server side');
    const retry = s.helloRetry && s.stage[e.dir] === 1 && s.stage[other(e.dir)] === 0;
    const afterCompletion = s.outcome.kind === 'completed' || s.outcome.kind === 'resumed';
    if (s.stage[e.dir] !== 0 && !retry && !afterCompletion) return violation(s, e.dir, e.frame, 'ClientHello in the middle of a handshake');
    if (afterCompletion) {
      // RFC 5246 §7.4.1.2: a ClientHello on an established connection renegotiates.
      s.renegotiations = s.renegotiations + 1;
      s.stage = [0, 0];
    }
    if (body?.kind === 'client-hello') {
      s.offeredMaxVersion = body.maxVersion;
      s.clientSessionId = bytesKey(body.sessionId);
      s.clientOfferedTicket = (body.sessionTicketLength ?? 0) > 0 || body.pskOffered;
    }
    s.stage = set(s.stage, e.dir, 1);
    return s;
  }

  if (e.type === HandshakeType.HelloRequest) {
    // RFC 5246 §7.4.1.1: the server may ask for renegotiation at any time; it is not part of the order.
    if (s.clientDir === undefined) {
      s.clientDir = other(e.dir);
      s.roleSource = 'server-message';
    } else if (roleOf(s, e.dir) !== 'server') return violation(s, e.dir, e.frame, 'HelloRequest from the TLS client');
    return s;
  }

  if (s.clientDir === undefined) {
    // Mid-stream start: the first message seen tells the roles if only one side can send it.
    const serverOnly = SERVER_STAGE.has(e.type) && !CLIENT_STAGE.has(e.type);
    const clientOnly = CLIENT_STAGE.has(e.type) && !SERVER_STAGE.has(e.type);
    if (serverOnly) {
      s.clientDir = other(e.dir);
      s.roleSource = e.type === HandshakeType.ServerHello ? 'server-hello' : 'server-message';
    } else if (clientOnly) {
      s.clientDir = e.dir;
      s.roleSource = 'client-hello';
    } else return s;
  }
  const role = roleOf(s, e.dir);
  const peer = other(e.dir);

  if (role === 'server') {
    if (e.type === HandshakeType.ServerHello) {
      if (s.stage[peer] === 0 && s.roleSource === 'client-hello') return violation(s, e.dir, e.frame, 'ServerHello before ClientHello');
      if (body?.kind === 'server-hello') {
        if (body.helloRetryRequest) {
          // RFC 8446 §4.1.4: the client answers a HelloRetryRequest with a second ClientHello.
          if (s.helloRetry) return violation(s, e.dir, e.frame, 'second HelloRetryRequest');
          s.helloRetry = true;
          s.version = body.version;
          s.cipherSuite = body.cipherSuite;
          s.keyExchange = body.keyExchange;
          return s;
        }
        const echo = body.sessionId.length > 0 && s.clientSessionId === bytesKey(body.sessionId);
        s.version = body.version;
        s.cipherSuite = body.cipherSuite;
        s.keyExchange = body.keyExchange;
        s.tls13 = body.version === 0x0304;
        s.sessionIdEcho = echo;
        s.pskSelected = body.pskSelected;
      }
      if (s.stage[e.dir] !== 0) return violation(s, e.dir, e.frame, 'ServerHello in the middle of a handshake');
      s.stage = set(s.stage, e.dir, 1);
      return s;
    }
    const st = SERVER_STAGE.get(e.type);
    if (st === undefined) {
      if (s.tls13 && (e.type === HandshakeType.EncryptedExtensions || e.type === HandshakeType.CertificateRequest || e.type === HandshakeType.Certificate || e.type === HandshakeType.CertificateVerify || e.type === HandshakeType.Finished)) return s;
      return violation(s, e.dir, e.frame, `${handshakeTypeName(e.type)} from the TLS server`);
    }
    if (st <= s.stage[e.dir]) return violation(s, e.dir, e.frame, `${handshakeTypeName(e.type)} out of order from the TLS server`);
    if (s.stage[e.dir] === 0 && s.roleSource === 'client-hello') return violation(s, e.dir, e.frame, `${handshakeTypeName(e.type)} before ServerHello`);
    if (e.type === HandshakeType.CertificateRequest) s.certificateRequested = true;
    if (e.type === HandshakeType.Certificate && body?.kind === 'certificate') s.serverCertificates = body.certificates.length + body.omitted;
    s.stage = set(s.stage, e.dir, st);
    return s;
  }

  // TLS client.
  const st = CLIENT_STAGE.get(e.type);
  if (st === undefined) {
    if (s.tls13) return s;
    return violation(s, e.dir, e.frame, `${handshakeTypeName(e.type)} from the TLS client`);
  }
  if (st <= s.stage[e.dir]) return violation(s, e.dir, e.frame, `${handshakeTypeName(e.type)} out of order from the TLS client`);
  if (e.type === HandshakeType.Certificate) {
    s.clientCertificates = body?.kind === 'certificate' ? body.certificates.length + body.omitted : 0;
    // Rule T3: a client Certificate is legal only after a CertificateRequest.
    if (!s.certificateRequested && s.stage[peer] > 0) {
      s.stage = set(s.stage, e.dir, st);
      return violation(s, e.dir, e.frame, 'client Certificate without a CertificateRequest');
    }
  }
  if (e.type === HandshakeType.ClientKeyExchange && s.stage[peer] > 0 && s.stage[peer] < SERVER_HELLO_DONE) {
    s.stage = set(s.stage, e.dir, st);
    return violation(s, e.dir, e.frame, 'ClientKeyExchange before ServerHelloDone');
  }
  s.stage = set(s.stage, e.dir, st);
  return s;
}

/**
 * Handshake messages read with a key log, where the plaintext path does not apply. Finished is
 * what the protected handshake record after ChangeCipherSpec stands for without keys (RFC 5246
 * §7.4.9, see onEncrypted). TLS 1.3's protected flight (RFC 8446 §4.3, §4.4) and post-handshake
 * messages (§4.6: NewSessionTicket, KeyUpdate, CertificateRequest) have no TLS 1.2 stage; they
 * record what they tell (certificate requested, certificates sent) without the stage order.
 * A TLS 1.2 renegotiation's decrypted messages take the plaintext path, as its ClientHello resets it.
 */
function onDecrypted(s0: HandshakeState, e: Extract<TlsEvent, { kind: 'handshake' }>, ref: EventRef): HandshakeState {
  let s = s0;
  const role = roleOf(s, e.dir);
  const body = e.body;
  if (e.type === HandshakeType.Finished) {
    if (s.tls13) return s.finished[e.dir] === undefined ? { ...s, finished: set(s.finished, e.dir, ref) } : s;
    return finishedSeen(s, e.dir, ref, e.frame);
  }
  if (role === 'server') {
    if (e.type === HandshakeType.CertificateRequest) return { ...s, certificateRequested: true };
    if (e.type === HandshakeType.Certificate && body?.kind === 'certificate' && s.serverCertificates === undefined) return { ...s, serverCertificates: body.certificates.length + body.omitted };
    return s;
  }
  if (role === 'client' && e.type === HandshakeType.Certificate && s.clientCertificates === undefined) {
    s = { ...s, clientCertificates: body?.kind === 'certificate' ? body.certificates.length + body.omitted : 0 };
    // Rule T3 holds in TLS 1.3 too (RFC 8446 §4.4.2: only in response to a CertificateRequest).
    if (!s.certificateRequested) return violation(s, e.dir, e.frame, 'client Certificate without a CertificateRequest');
  }
  return s;
}

/** Finished from one side (TLS ≤ 1.2): both seen completes the handshake (or the resumption). */
function finishedSeen(s0: HandshakeState, dir: Dir, ref: EventRef, frame: number): HandshakeState {
  let s = s0;
  const role = roleOf(s, dir);
  if (role !== 'unknown') s = { ...s, stage: set(s.stage, dir, role === 'server' ? SERVER_FINISHED : CLIENT_FINISHED) };
  // A renegotiation's Finished: the first handshake's is the one that completed it.
  if (s.finished[dir] !== undefined) return s;
  s = { ...s, finished: set(s.finished, dir, ref) };
  if (s.finished[0] && s.finished[1] && inProgress(s)) {
    s = { ...s, outcome: s.abbreviated ? { kind: 'resumed', frame, how: resumedHow(s) } : { kind: 'completed', frame } };
  }
  return s;
}

function onCcs(s0: HandshakeState, e: Extract<TlsEvent, { kind: 'change-cipher-spec' }>): HandshakeState {
  const ref = refOf(e, 'ChangeCipherSpec');
  let s: HandshakeState = { ...s0, last: set(s0.last, e.dir, ref), lastEvent: ref };
  if (ccsIsCompat(s)) return s;
  if (s.ccs[e.dir] === undefined) s = { ...s, ccs: set(s.ccs, e.dir, ref) };
  const role = roleOf(s, e.dir);
  if (role === 'unknown') return s;
  const peer = other(e.dir);
  if (role === 'server') {
    if (s.stage[e.dir] >= SERVER_CCS) return violation(s, e.dir, e.frame, 'second ChangeCipherSpec from the TLS server');
    const abbreviated = s.stage[e.dir] >= 1 && s.stage[e.dir] < SERVER_HELLO_DONE;
    return { ...s, abbreviated: s.abbreviated || abbreviated, stage: set(s.stage, e.dir, SERVER_CCS) };
  }
  if (s.stage[e.dir] >= CLIENT_CCS) return violation(s, e.dir, e.frame, 'second ChangeCipherSpec from the TLS client');
  // Full handshake: the client's CCS follows its ClientKeyExchange. Abbreviated (RFC 5246 §7.3
  // figure 2): it follows the server's Finished.
  const abbreviated = s.ccs[peer] !== undefined && s.stage[peer] >= SERVER_CCS && s.stage[e.dir] < 3;
  if (s.stage[e.dir] < 3 && !abbreviated && s.stage[e.dir] > 0) {
    return violation({ ...s, stage: set(s.stage, e.dir, CLIENT_CCS) }, e.dir, e.frame, 'ChangeCipherSpec before ClientKeyExchange');
  }
  return { ...s, stage: set(s.stage, e.dir, CLIENT_CCS) };
}

/**
 * RFC 8446 §D.4: a TLS 1.3 peer may send a ChangeCipherSpec for middlebox compatibility, right after
 * its first ClientHello or before its second flight. It changes nothing: records stay as they were.
 */
export function ccsIsCompat(s: HandshakeState): boolean {
  return s.tls13 || s.helloRetry || (s.version === undefined && (s.offeredMaxVersion ?? 0) >= 0x0304);
}

/**
 * RFC 5077 §3.4: a server accepting a ticket echoes the client's session ID, so an offered ticket
 * decides; otherwise the session ID was the cache key (RFC 5246 §7.4.1.2).
 */
function resumedHow(s: HandshakeState): 'session-id' | 'ticket' | 'psk' {
  return s.clientOfferedTicket ? 'ticket' : 'session-id';
}

function onEncrypted(s0: HandshakeState, e: Extract<TlsEvent, { kind: 'encrypted' }>): HandshakeState {
  const what = e.contentType === 22 ? 'EncryptedHandshake' : e.contentType === 23 ? 'ApplicationData' : 'EncryptedRecord';
  const ref = refOf(e, what, undefined);
  let s: HandshakeState = {
    ...s0,
    last: set(s0.last, e.dir, ref),
    lastEvent: ref,
    protectedRecords: set(s0.protectedRecords, e.dir, s0.protectedRecords[e.dir] + 1),
  };
  if (s.tls13 || e.contentType !== 22) return s;
  if (s.finished[e.dir] !== undefined) return s;
  // No handshake in the capture (C2): an encrypted handshake record of an established connection
  // (a renegotiation) is not this handshake's Finished.
  if (s.handshakeMessages === 0) return s;
  // TLS ≤ 1.2: the first handshake record after CCS is Finished (RFC 5246 §7.4.9).
  return finishedSeen(s, e.dir, ref, e.frame);
}

function onAlert(s0: HandshakeState, e: Extract<TlsEvent, { kind: 'alert' }>): HandshakeState {
  const ref = refOf(e, e.encrypted ? 'EncryptedAlert' : 'Alert');
  // Built key by key (no spread of `ref`): alerts then share one object shape.
  const alert = { dir: ref.dir, what: ref.what, frame: ref.frame, tsSec: ref.tsSec, tsNsec: ref.tsNsec } as { -readonly [K in keyof AlertRef]: AlertRef[K] };
  if (ref.index !== undefined) alert.index = ref.index;
  alert.by = roleOf(s0, e.dir);
  alert.encrypted = e.encrypted;
  alert.length = e.length;
  if (e.level !== undefined) alert.level = e.level;
  if (e.description !== undefined) alert.description = e.description;
  if (s0.lastEvent !== undefined) alert.after = s0.lastEvent;
  let s: HandshakeState = {
    ...s0,
    last: set(s0.last, e.dir, ref),
    lastEvent: ref,
    alerts: s0.alerts.length < MAX_ALERTS ? [...s0.alerts, alert] : s0.alerts,
  };
  if (!inProgress(s) || s.tls13 && e.encrypted) return s;
  // No handshake message in the capture (it began after the handshake, C2): an alert there ends an
  // established connection, not a handshake.
  if (s.handshakeMessages === 0) return s;
  // TLS 1.3 read with a key log, both Finished seen: close_notify and user_canceled close the
  // session, not its handshake (RFC 8446 §6.1); the outcome stays what T7 says without keys.
  if (s.tls13 && s.finished[0] && s.finished[1] && (e.description === 0 || e.description === 90)) return s;
  // A fatal alert ends the handshake (RFC 5246 §7.2.2); so do close_notify and user_canceled
  // (§7.2.1). Other warnings (no_renegotiation, unrecognized_name) do not.
  const terminal = e.encrypted || e.level === 2 || e.description === 0 || e.description === 90 || (e.level !== 1 && e.level !== undefined);
  if (terminal) s = { ...s, outcome: { kind: 'alert', alert } };
  return s;
}

function onEnd(s0: HandshakeState, e: Extract<TlsEvent, { kind: 'end' }>): HandshakeState {
  const from = e.from ?? e.dir;
  const end: EndRef = { dir: e.dir, from, by: roleOf(s0, from), reason: e.reason, frame: e.frame, ...(s0.lastEvent !== undefined && { after: s0.lastEvent }) };
  let s: HandshakeState = s0.ended[e.dir] === undefined ? { ...s0, ended: set(s0.ended, e.dir, end) } : s0;
  if (!inProgress(s)) return s;
  if (s.tls13) {
    // Rule T7: with TLS 1.3 the handshake's progress is not visible, so a close is reported as a
    // fact of the TLS 1.3 session, not as "closed mid-handshake".
    if (e.reason === 'capture-end') return s;
    return { ...s, outcome: { kind: 'tls13', resumed: s.pskSelected, end } };
  }
  // No handshake message in the capture (C2): a FIN or RST closes an established connection,
  // which says nothing about a handshake; the outcome stays 'no-handshake' (finalOutcome).
  if (s.handshakeMessages === 0) return s;
  if (e.reason === 'capture-end') {
    // The stream's last TLS frame, not the file's (the capture's end comes with the file's last frame).
    return { ...s, outcome: { kind: 'capture-ended', frame: s.lastEvent?.frame ?? e.frame, ...(s.lastEvent !== undefined && { after: s.lastEvent }) } };
  }
  return { ...s, outcome: { kind: e.reason === 'rst' ? 'reset' : 'closed', end } };
}

export function transition(s: HandshakeState, e: TlsEvent): HandshakeState {
  switch (e.kind) {
    case 'handshake':
      return onHandshake(s, e);
    case 'change-cipher-spec':
      return onCcs(s, e);
    case 'encrypted':
      return onEncrypted(s, e);
    case 'alert':
      return onAlert(s, e);
    case 'end':
      return onEnd(s, e);
    case 'anomaly':
      return addAnomaly(s, e.anomaly);
    case 'not-tls':
      return inProgress(s) && s.handshakeMessages === 0 ? { ...s, outcome: { kind: 'not-tls', reason: e.reason } } : s;
  }
}

/** The outcome once no more events will come (the capture ended or the connection was set aside). */
export function finalOutcome(s: HandshakeState): Outcome {
  if (s.outcome.kind !== 'in-progress') return s.outcome;
  if (s.tls13) return { kind: 'tls13', resumed: s.pskSelected };
  if (s.handshakeMessages === 0) return { kind: 'no-handshake' };
  const lastFrame = s.lastEvent?.frame ?? 0;
  return { kind: 'capture-ended', frame: lastFrame, ...(s.lastEvent !== undefined && { after: s.lastEvent }) };
}

/** The handshake ended well enough that only a few more record headers are worth reading. */
export function handshakeDone(s: HandshakeState): boolean {
  return s.outcome.kind === 'completed' || s.outcome.kind === 'resumed';
}

export interface SilentRejection {
  readonly by: Role;
  readonly end: EndRef;
  /** The last message the other side sent before the close. */
  readonly after?: EventRef;
  readonly reason: 'server-closed-after-client-certificate' | 'client-closed-after-server-certificate';
}

/**
 * Rule T8: a TLS server that closes (FIN or RST, no alert) after the client's Certificate /
 * CertificateVerify / Finished and before its own Finished most likely rejected the client
 * certificate without saying why. The mirror case (client closes after the server's
 * ServerHelloDone without a ClientKeyExchange) most likely rejected the server certificate.
 */
export function silentRejection(s: HandshakeState): SilentRejection | undefined {
  const o = s.outcome;
  if ((o.kind !== 'closed' && o.kind !== 'reset') || s.clientDir === undefined) return undefined;
  const end = o.end;
  const serverDir = other(s.clientDir);
  if (end.by === 'server' && s.clientCertificates !== undefined && s.finished[serverDir] === undefined) {
    const after = s.last[s.clientDir];
    return { by: 'server', end, reason: 'server-closed-after-client-certificate', ...(after !== undefined && { after }) };
  }
  if (end.by === 'client' && s.stage[s.clientDir] < 3 && s.stage[serverDir] >= SERVER_HELLO_DONE && s.serverCertificates !== 0) {
    const after = s.last[serverDir];
    return { by: 'client', end, reason: 'client-closed-after-server-certificate', ...(after !== undefined && { after }) };
  }
  return undefined;
}
