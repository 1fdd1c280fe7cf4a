/**
 * One TCP connection's TLS, fed by the reassembler through the StreamConsumer contract. Per
 * direction: find where TLS starts (offset 0, after a STARTTLS preamble, or a record boundary in a
 * capture that began mid-stream), reassemble records across segments and handshake messages
 * across records, decode them, and drive the pure state machine.
 *
 * Cost model: handshake bytes are copied (bounded by the limits); application data is never
 * copied or buffered, only its record headers are read, and only for a few records after the
 * handshake, after which data() answers 'ignore' and the reassembler stops delivering.
 */
import { CaptureBudget, copyBytes, DISSECTOR_BYTES, sizeText } from '../bytes/index.js';
import type { Dir, EndReason, GapReason, StreamConsumer } from '../net/types.js';
import { decodeHandshake, decodeSslv2ClientHello, TLS13 } from './messages.js';
import { ContentType, handshakeTypeName, isNullCipher } from './names.js';
import { SettledMessages, type KeepBytes, type StoredCertificate } from './settled.js';
import { classifyStart, findTlsStart, namePreamble } from './preamble.js';
import { alertForm, clearHandshakeStart, decodeAlert, decodeChangeCipherSpec, plausibleRecordHeader, recordLengthAt, sslv2HelloAt, type AlertForm } from './record.js';
import {
  ccsIsCompat,
  finalOutcome,
  handshakeDone,
  initialState,
  silentRejection,
  transition,
  type EndRef,
  type HandshakeState,
  type Outcome,
  type Pair,
  type SilentRejection,
  type TlsEvent,
} from './state.js';
import {
  DEFAULT_TLS_LIMITS,
  type AlertMessage,
  type Anomaly,
  type AnomalyCode,
  type ChangeCipherSpecMessage,
  type DecodeContext,
  type EncryptedRecordMessage,
  type EventRef,
  type Field,
  type HandshakeBody,
  type HandshakeMessage,
  type NotTlsReason,
  type Preamble,
  type TlsLimits,
  type TlsMessage,
} from './types.js';

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

/** The capture-wide budget as the TLS dissectors know it (the same one the reassembler counts against). */
export { CaptureBudget as TlsBudget, DEFAULT_CAPTURE_BUDGET_BYTES as DEFAULT_TLS_BUDGET_BYTES } from '../bytes/index.js';

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

type Mode = 'start' | 'scan' | 'records' | 'lost';

interface ScanChunk {
  at: number;
  frame: number;
  tsSec: number;
  tsNsec: number;
}

const PREAMBLE_HEAD = 2048;
/**
 * Bytes reserved for a handshake message when its header is read: one record's worth (2^14,
 * RFC 5246 §6.2.1), so a hostile length claims nothing more before its bytes arrive; longer
 * messages grow as they come.
 */
/** Messages up to this size are always kept whole, whatever the capture-wide budget (see TlsBudget). */
const SMALL_MESSAGE = 4096;
/** Least room for a message being reassembled; beyond it, twice the bytes at hand, then doubling as more come. */
const FIRST_ROOM = 256;
/** Zero-length, so it is never written. */
const EMPTY = new Uint8Array(0);
const MAX_RESYNCS = 3;
const SMALL_BODY = 64;

/** The frames of a message not started: shared, frozen (a message's own list is made when its header starts). */
const NO_FRAMES: number[] = Object.freeze([]) as unknown as number[];

/** Per-direction parsing state. Mutable, owned by one TlsConnection. */
class Direction {
  mode: Mode = 'start';
  expected = 0;
  sawGapBeforeStart = false;
  midStream = false;
  notTls: NotTlsReason | undefined;
  resyncs = 0;
  /** The stream offset where the last gap that lost the record boundary ended (-1: none): a segment starts there. */
  resyncAfterGap = -1;
  // Scan buffer (pre-TLS plaintext, or resynchronisation): a bounded copy.
  scan: Uint8Array | undefined;
  scanLen = 0;
  scanBase = 0;
  scanPos = 0;
  scanChunks: ScanChunk[] = [];
  scanClassified = false;
  head: Uint8Array | undefined;
  preambleBytes = 0;
  // Record layer. A header split across segments is gathered here (made the first time one is).
  hdr: Uint8Array | undefined = undefined;
  hdrLen = 0;
  hdrOffset = 0;
  recType = 0;
  recVersion = 0;
  recLength = 0;
  recRemaining = 0;
  recFrames: number[] = [];
  recBody: Uint8Array | undefined;
  recBodyLen = 0;
  /**
   * Plaintext handshake messages that completed inside the record being read. Wireshark reports a
   * message as "reassembled in" the frame where its record completes, so their frame is set then.
   */
  recMessages: { frame: number; frames: number[] }[] = [];
  /** Records in this direction are protected from now on (after CCS, or TLS 1.3 after ServerHello). */
  protected = false;
  /** Whether the record being read was protected when it started (a ServerHello inside it changes `protected`). */
  recProtected = false;
  // Handshake reassembly.
  hs = new Handshake();
  /** Made when a decryptor first gives handshake plaintext (most connections never have one). */
  hsDecrypted: Handshake | undefined;
  hsLost = false;

  constructor(readonly dir: Dir) {}
}

/** Handshake message reassembly across records (RFC 5246 §6.2.1: messages may span records). */
class Handshake {
  /** The 4-byte header as its bytes come, one after another: type << 24 | length once whole. */
  hdrBits = 0;
  hdrLen = 0;
  length = 0;
  remaining = 0;
  /** The message so far (header included), `kept` bytes of it filled; grows up to the limit. */
  buf: Uint8Array = EMPTY;
  kept = 0;
  over = false;
  gapped = false;
  /** The capture-wide budget refused this message room (it is kept truncated). */
  budgetRefused = false;
  /** Made when a message's header starts; the message keeps it. */
  frames: number[] = NO_FRAMES;
  startOffset = 0;
  recordVersion = 0;

  /** The handshake type (once the header is whole). */
  get type(): number {
    return this.hdrBits >>> 24;
  }

  /** The header's four bytes, at the start of `to`. */
  writeHeader(to: Uint8Array): void {
    const b = this.hdrBits;
    to[0] = b >>> 24;
    to[1] = (b >>> 16) & 255;
    to[2] = (b >>> 8) & 255;
    to[3] = b & 255;
  }

  reset(): void {
    this.hdrBits = 0;
    this.hdrLen = 0;
    this.length = 0;
    this.remaining = 0;
    this.buf = EMPTY;
    this.kept = 0;
    this.over = false;
    this.gapped = false;
    this.budgetRefused = false;
    this.frames = NO_FRAMES;
  }

  get partial(): boolean {
    return this.hdrLen > 0;
  }

  addFrame(frame: number): void {
    if (this.frames[this.frames.length - 1] !== frame) this.frames.push(frame);
  }
}

export class TlsConnection implements StreamConsumer {
  readonly limits: TlsLimits;
  private readonly decryptor: TlsDecryptor | undefined;
  private readonly dirs: readonly [Direction, Direction] = [new Direction(0), new Direction(1)];
  private st: HandshakeState = initialState();
  private readonly list: TlsMessage[] = [];
  private dropped = 0;
  private unlistedAppData = 0;
  private ignored: TlsSummary['setAside'];
  private tlsSeen = false;
  private clientRandom: Uint8Array | undefined;
  /** Records read since the handshake was over (or since a TLS 1.3 ServerHello). */
  private recordsAfter = 0;
  private recordsWithoutHandshake = 0;
  private lastFrame = 0;
  private lastTs: [number, number] = [0, 0];
  private ctx: DecodeContext | undefined;
  private readonly budget: CaptureBudget | undefined;
  /** Bytes this connection counted against the budget (given back when it settles). */
  private held = 0;

  /** Bytes this connection holds against the capture-wide budget. */
  get heldBytes(): number {
    return this.held;
  }

  constructor(options: TlsConnectionOptions = {}) {
    // The frozen defaults shared when nothing is changed: every decode context points at them.
    this.limits = options.limits === undefined ? DEFAULT_TLS_LIMITS : { ...DEFAULT_TLS_LIMITS, ...options.limits };
    this.decryptor = options.decryptor;
    this.budget = options.budget;
    // The dissector itself counts while it works (given back with the rest when it settles).
    this.room(DISSECTOR_BYTES, true);
  }

  /**
   * Room for `n` more bytes of buffers, within the capture-wide budget (always, without one).
   * `small`: for a message of at most SMALL_MESSAGE bytes (hellos, mostly), counted but never refused:
   * what the budget is for is large messages held by many connections at once.
   */
  private room(n: number, small = false): boolean {
    if (n <= 0) return true;
    if (this.budget && !this.budget.take(n, small, this)) return false;
    this.held += n;
    return true;
  }

  /** Why room() refused: said the same way by every anomaly it causes. */
  private budgetFull(): string {
    return `the handshakes under way in this capture hold ${sizeText(this.budget?.max ?? 0)} already`;
  }

  /** A buffer of `n` bytes counted by room() is let go. */
  private unroom(n: number): void {
    const k = Math.min(n, this.held);
    if (k <= 0) return;
    this.held -= k;
    this.budget?.give(k);
  }

  /** Lets go of the buffer scanned for a TLS start and the chunks it was filled from. */
  private dropScan(d: Direction): void {
    if (d.scan) this.unroom(d.scan.length);
    d.scan = undefined;
    d.scanChunks = [];
  }

  private dropBody(d: Direction): void {
    if (d.recBody) this.unroom(d.recBody.length);
    d.recBody = undefined;
  }

  get state(): HandshakeState {
    return this.st;
  }

  get messages(): readonly TlsMessage[] {
    return this.list;
  }

  /** True once set aside: the reassembler was told 'ignore'. */
  get done(): boolean {
    return this.ignored !== undefined;
  }

  // ---- StreamConsumer -------------------------------------------------------------------------

  data(dir: Dir, data: Uint8Array, streamOffset: number, frame: number, tsSec: number, tsNsec: number): void | 'ignore' {
    if (this.ignored) return 'ignore';
    this.lastFrame = frame;
    this.lastTs = [tsSec, tsNsec];
    const d = this.dirs[dir];
    let bytes = data;
    let off = streamOffset;
    if (off > d.expected) this.onGap(d, d.expected, off - d.expected, frame);
    if (off + bytes.length <= d.expected) return this.interest(frame);
    if (off < d.expected) {
      bytes = bytes.subarray(d.expected - off);
      off = d.expected;
    }
    d.expected = off + bytes.length;
    if (bytes.length === 0) return this.interest(frame);
    switch (d.mode) {
      case 'records':
        this.feedRecords(d, bytes, off, frame, tsSec, tsNsec);
        break;
      case 'start': {
        if (!d.sawGapBeforeStart && off === 0) {
          const c = classifyStart(bytes, this.limits.maxRecordLength);
          if (c === 'tls') {
            d.mode = 'records';
            this.tlsSeen = true;
            this.feedRecords(d, bytes, off, frame, tsSec, tsNsec);
            break;
          }
          if (c !== 'scan' && c !== 'more' && c !== 'sslv2') {
            this.setNotTls(d, c, frame);
            break;
          }
        }
        d.mode = 'scan';
        d.scanBase = off;
        d.midStream = d.sawGapBeforeStart || off !== 0;
        this.scanAppend(d, bytes, frame, tsSec, tsNsec);
        break;
      }
      case 'scan':
        this.scanAppend(d, bytes, frame, tsSec, tsNsec);
        break;
      case 'lost':
        break;
    }
    return this.interest(frame);
  }

  gap(dir: Dir, streamOffset: number, length: number, _reason: GapReason, frame: number): void | 'ignore' {
    if (this.ignored) return 'ignore';
    this.lastFrame = frame;
    const d = this.dirs[dir];
    let off = streamOffset;
    let len = length;
    if (off + len <= d.expected) return this.interest(frame);
    if (off < d.expected) {
      len -= d.expected - off;
      off = d.expected;
    }
    if (off > d.expected) {
      len += off - d.expected;
      off = d.expected;
    }
    this.onGap(d, off, len, frame);
    return this.interest(frame);
  }

  end(dir: Dir, reason: EndReason, frame: number, from: Dir = dir): void {
    if (this.ignored) return;
    const d = this.dirs[dir];
    this.flushPartial(d, d.hs, frame, 'end');
    this.event({ kind: 'end', dir, reason, frame, from });
  }

  /**
   * The connection is summarised as it stands to make room for others (the capture-wide budget):
   * a message it was still reading is listed, truncated, as far as it came.
   */
  cutShort(frame: number): void {
    if (this.ignored) return;
    for (const d of this.dirs) {
      this.flushPartial(d, d.hs, frame, 'room');
      if (d.hsDecrypted) this.flushPartial(d, d.hsDecrypted, frame, 'room');
    }
  }

  // ---- Results --------------------------------------------------------------------------------

  /**
   * `withState` false leaves out `state`: nothing past the dissector reads it, and a finished
   * session kept without it does not hold the state machine's event lists.
   */
  summary(withState = true): TlsSummary {
    const s = this.st;
    const [d0, d1] = this.dirs;
    const preBytes: [number, number] = [d0.preambleBytes, d1.preambleBytes];
    let preamble: Preamble | undefined;
    if (preBytes[0] + preBytes[1] > 0) {
      preamble = {
        protocol: namePreamble(d0.head ?? new Uint8Array(0), d1.head ?? new Uint8Array(0)),
        bytes: preBytes[0] + preBytes[1],
        bytesByDir: preBytes,
      };
    }
    const outcome = this.tlsSeen ? finalOutcome(s) : { kind: 'not-tls' as const, reason: d0.notTls ?? d1.notTls ?? ('no-tls-record' as const) };
    const finalState: HandshakeState = { ...s, outcome };
    const rej = silentRejection(finalState);
    const notTls = this.tlsSeen ? undefined : (d0.notTls ?? d1.notTls ?? 'no-tls-record');
    const lastFromClient = s.clientDir === undefined ? undefined : s.last[s.clientDir];
    const lastFromServer = s.clientDir === undefined ? undefined : s.last[s.clientDir === 0 ? 1 : 0];
    return {
      isTls: this.tlsSeen,
      tls13: s.tls13,
      helloRetry: s.helloRetry,
      midStream: MID_STREAM[(d0.midStream ? 1 : 0) + (d1.midStream ? 2 : 0)]!,
      messages: this.list,
      droppedMessages: this.dropped,
      ...(this.unlistedAppData > 0 && { unlistedApplicationData: this.unlistedAppData }),
      outcome,
      ended: s.ended,
      certificateRequested: s.certificateRequested,
      renegotiations: s.renegotiations,
      anomalies: s.anomalies,
      ...(withState && { state: finalState }),
      ...(notTls !== undefined && { notTls }),
      ...(s.clientDir !== undefined && { clientDir: s.clientDir }),
      ...(s.roleSource !== undefined && { roleSource: s.roleSource }),
      ...(s.version !== undefined && { version: s.version }),
      ...(s.offeredMaxVersion !== undefined && { offeredMaxVersion: s.offeredMaxVersion }),
      ...(s.cipherSuite !== undefined && { cipherSuite: s.cipherSuite }),
      ...(s.keyExchange !== undefined && { keyExchange: s.keyExchange }),
      ...(preamble !== undefined && { preamble }),
      ...(rej !== undefined && { silentRejection: rej }),
      ...(lastFromClient !== undefined && { lastFromClient }),
      ...(lastFromServer !== undefined && { lastFromServer }),
      ...(s.clientCertificates !== undefined && { clientCertificates: s.clientCertificates }),
      ...(s.serverCertificates !== undefined && { serverCertificates: s.serverCertificates }),
      ...(this.ignored !== undefined && { setAside: this.ignored }),
    };
  }

  /**
   * The session was built from the messages: they are packed for keeping (see SettledMessages)
   * and the dissector lets go of its own list. Read them back with the returned object.
   *
   * `storedCertificate` may return a kept copy of a Certificate message's certificate (the
   * certificate pool's): the packed message then keeps only the bytes around its certificates
   * and puts its `bytes` back together from both when read, instead of holding every certificate
   * a second time. `keepBytes` may say which handshake messages keep their bytes at all.
   */
  settle(storedCertificate?: StoredCertificate, keepBytes?: KeepBytes): SettledMessages {
    const packed = SettledMessages.pack(this.list, liveContextOf, liveCertificatesOf, storedCertificate, keepBytes);
    this.list.length = 0;
    this.release();
    return packed;
  }

  /** Gives back to the capture-wide budget what this connection counted (it holds nothing more from now on). */
  release(): void {
    this.budget?.give(this.held);
    this.held = 0;
  }

  // ---- Interest -------------------------------------------------------------------------------

  private interest(frame: number): void | 'ignore' {
    if (this.ignored) return 'ignore';
    const [d0, d1] = this.dirs;
    const hopeless = (d: Direction): boolean => d.notTls !== undefined || d.mode === 'lost';
    if (!this.tlsSeen && (d0.notTls === 'ssh' || d0.notTls === 'http' || d0.notTls === 'sip' || d1.notTls === 'ssh' || d1.notTls === 'http' || d1.notTls === 'sip')) {
      return this.setAside(frame, 'not-tls');
    }
    if (!this.tlsSeen && hopeless(d0) && hopeless(d1)) return this.setAside(frame, 'not-tls');
    if (!this.tlsSeen && (hopeless(d0) || hopeless(d1)) && (d0.mode === 'start' || d1.mode === 'start')) {
      // One side spoke at length without TLS and the other has said nothing: not TLS.
      return this.setAside(frame, 'not-tls');
    }
    if (this.tlsSeen && hopeless(d0) && hopeless(d1)) return this.setAside(frame, 'lost');
    if (this.decryptor?.wantsMore?.()) return;
    if (this.overBudget()) return this.setAside(frame, 'handshake-over');
  }

  /** The records worth reading after the handshake have been read (without a decryptor wanting more). */
  private overBudget(): boolean {
    const s = this.st;
    if (handshakeDone(s) && this.recordsAfter >= this.limits.recordsAfterHandshake) return true;
    if (s.tls13 && this.recordsAfter >= this.limits.recordsAfterTls13Hello) return true;
    const terminal = s.outcome.kind === 'alert' || s.outcome.kind === 'closed' || s.outcome.kind === 'reset';
    if (terminal && this.recordsAfter >= this.limits.recordsAfterHandshake) return true;
    return s.handshakeMessages === 0 && this.recordsWithoutHandshake >= this.limits.recordsAfterTls13Hello;
  }

  private setAside(frame: number, why: 'not-tls' | 'handshake-over' | 'lost'): 'ignore' {
    this.ignored = { frame, why };
    // Nothing more will be delivered: release buffers now.
    for (const d of this.dirs) {
      this.dropScan(d);
      this.dropBody(d);
      d.hs.reset();
      d.hsDecrypted?.reset();
    }
    return 'ignore';
  }

  private setNotTls(d: Direction, reason: NotTlsReason, frame: number): void {
    d.notTls = reason;
    d.mode = 'lost';
    this.dropScan(d);
    if (!this.tlsSeen) this.event({ kind: 'not-tls', reason });
    void frame;
  }

  // ---- Events and anomalies -------------------------------------------------------------------

  private event(e: TlsEvent): void {
    const before = this.st;
    this.st = transition(this.st, e);
    if (e.kind === 'handshake' || e.kind === 'change-cipher-spec' || e.kind === 'encrypted' || e.kind === 'alert') {
      if (handshakeDone(before) || before.tls13 || before.outcome.kind === 'alert' || before.outcome.kind === 'closed' || before.outcome.kind === 'reset') this.recordsAfter++;
    }
  }

  private anomaly(code: AnomalyCode, dir: Dir, frame: number, message: string): void {
    this.event({ kind: 'anomaly', anomaly: { code, dir, frame, message } });
  }

  private push(m: TlsMessage): boolean {
    if (this.list.length >= this.limits.maxMessages) {
      if (this.dropped === 0) this.anomaly('too-many-messages', m.dir, m.frame, `more than ${this.limits.maxMessages} messages; later ones are not listed`);
      this.dropped++;
      return false;
    }
    this.list.push(m);
    return true;
  }

  private nextIndex(): number | undefined {
    return this.list.length < this.limits.maxMessages ? this.list.length : undefined;
  }

  // ---- Scanning for the TLS start -------------------------------------------------------------

  private scanAppend(d: Direction, bytes: Uint8Array, frame: number, tsSec: number, tsNsec: number): void {
    const cap = this.limits.preambleScanBytes;
    const room = cap - d.scanLen;
    const take = Math.min(room, bytes.length);
    if (take > 0) {
      if (!d.scan || d.scan.length < d.scanLen + take) {
        // Small first: a flood of connections that each sent a few bytes must not hold a KiB each.
        const size = Math.min(cap, Math.max(d.scanLen + take, (d.scan?.length ?? 0) * 2, 64));
        if (!this.room(size - (d.scan?.length ?? 0))) {
          // No room in the capture-wide budget to look further for a TLS start.
          this.anomaly('record-desync', d.dir, frame, `no room left to look for a TLS start (${this.budgetFull()})`);
          d.mode = 'lost';
          this.dropScan(d);
          return;
        }
        const grown = new Uint8Array(size);
        if (d.scan) grown.set(d.scan.subarray(0, d.scanLen));
        d.scan = grown;
      }
      d.scan.set(bytes.subarray(0, take), d.scanLen);
      d.scanChunks.push({ at: d.scanLen, frame, tsSec, tsNsec });
      d.scanLen += take;
    }
    if (this.wholeRecordAfterGap(d, bytes.length)) {
      this.replayScan(d, 0);
      return;
    }
    this.scanRun(d, frame);
    if (d.mode === 'scan' && d.scanLen >= cap) {
      // The bounded prefix held no TLS start.
      if (this.tlsSeen || d.midStream) {
        this.anomaly('record-desync', d.dir, frame, `no TLS record boundary found in ${cap} bytes`);
        d.mode = 'lost';
        this.dropScan(d);
      } else this.setNotTls(d, 'no-tls-record', frame);
    }
  }

  private scanRun(d: Direction, frame: number): void {
    const buf = d.scan;
    if (!buf) return;
    const streamStart = !d.midStream && d.scanBase === 0;
    if (streamStart && !d.scanClassified) {
      const c = classifyStart(buf.subarray(0, d.scanLen), this.limits.maxRecordLength);
      // Undecided text still gets scanned: a hello may follow a short preamble (PostgreSQL's 'S').
      if (c === 'more' && (buf[0]! & 0x80 || (buf[0]! >= 20 && buf[0]! <= 24))) return;
      if (c !== 'more') d.scanClassified = true;
      if (c === 'sslv2') {
        const total = (((buf[0]! & 0x7f) << 8) | buf[1]!) + 2;
        if (d.scanLen < total) {
          d.scanClassified = false;
          return;
        }
        this.tlsSeen = true;
        this.onSslv2Hello(d, buf.subarray(0, total));
        this.replayScan(d, total);
        return;
      }
      if (c === 'tls') {
        this.tlsSeen = true;
        this.replayScan(d, 0);
        return;
      }
      if (c !== 'scan' && c !== 'more') {
        this.setNotTls(d, c, frame);
        return;
      }
    }
    // An SSLv2 hello can only open a connection; anywhere else it is not looked for.
    if (streamStart && d.scanPos === 0 && sslv2HelloAt(buf, 0, d.scanLen) === 'more') return;
    const found = findTlsStart(buf, d.scanPos, d.scanLen, this.limits.maxRecordLength);
    if ('resumeAt' in found) {
      d.scanPos = found.resumeAt;
      return;
    }
    this.tlsSeen = true;
    if (streamStart && d.resyncs === 0) {
      d.preambleBytes = found.offset;
      d.head = copyBytes(buf.subarray(0, Math.min(found.offset, PREAMBLE_HEAD)));
    }
    this.replayScan(d, found.offset);
  }

  /**
   * C3: after a gap that took a record boundary with it, the first segment captured after the gap
   * starts a record when it holds exactly one plausible record (an alert, a ChangeCipherSpec, sent
   * alone): stacks start a segment with each write. Two records in a row are found by the scan.
   */
  private wholeRecordAfterGap(d: Direction, segmentLength: number): boolean {
    if (!this.tlsSeen || d.resyncAfterGap !== d.scanBase || d.scanChunks.length !== 1 || d.scanLen !== segmentLength || !d.scan) return false;
    d.resyncAfterGap = -1;
    if (!plausibleRecordHeader(d.scan, 0, this.limits.maxRecordLength)) return false;
    return 5 + recordLengthAt(d.scan, 0) === segmentLength;
  }

  /** Switches to record mode and feeds the scan buffer from `from` on, with the frames that carried it. */
  private replayScan(d: Direction, from: number): void {
    const buf = d.scan!;
    const chunks = d.scanChunks;
    const len = d.scanLen;
    const base = d.scanBase;
    this.dropScan(d);
    d.scanLen = 0;
    d.scanPos = 0;
    d.mode = 'records';
    d.hdrLen = 0;
    d.recRemaining = 0;
    for (let i = 0; i < chunks.length; i++) {
      const c = chunks[i]!;
      const end = i + 1 < chunks.length ? chunks[i + 1]!.at : len;
      const s = Math.max(c.at, from);
      if (s >= end) continue;
      if (d.mode !== 'records') {
        // A new desync inside the replayed bytes: hand the rest back to the scanner.
        this.scanAppend(d, buf.subarray(s, end), c.frame, c.tsSec, c.tsNsec);
        continue;
      }
      this.feedRecords(d, buf.subarray(s, end), base + s, c.frame, c.tsSec, c.tsNsec);
    }
  }

  private startResync(d: Direction, streamOffset: number, frame: number): void {
    if (d.resyncs >= MAX_RESYNCS) {
      d.mode = 'lost';
      this.anomaly('record-desync', d.dir, frame, 'record boundary lost too many times; direction abandoned');
      return;
    }
    d.resyncs++;
    d.mode = 'scan';
    this.dropScan(d);
    d.scanLen = 0;
    d.scanPos = 0;
    d.scanBase = streamOffset;
    d.scanClassified = true;
    d.hdrLen = 0;
    d.recRemaining = 0;
    this.loseHandshake(d, frame);
  }

  // ---- Gaps -----------------------------------------------------------------------------------

  private onGap(d: Direction, off: number, len: number, frame: number): void {
    d.expected = off + len;
    switch (d.mode) {
      case 'start':
        d.sawGapBeforeStart = true;
        return;
      case 'scan':
        if (d.scanLen === 0) {
          d.midStream = true;
          d.scanBase = off + len;
          return;
        }
        // The bytes before the gap cannot join the bytes after it: start the scan again.
        if (!this.tlsSeen && d.scanBase === 0 && !d.midStream && d.head === undefined) {
          d.head = copyBytes(d.scan!.subarray(0, Math.min(d.scanLen, PREAMBLE_HEAD)));
        }
        this.dropScan(d);
        d.scanLen = 0;
        d.scanPos = 0;
        d.scanBase = off + len;
        d.midStream = true;
        d.scanClassified = true;
        return;
      case 'lost':
        return;
      case 'records':
        break;
    }
    if (d.hdrLen === 0 && d.recRemaining === 0) {
      this.gapAnomaly(d, frame, 'bytes missing at a record boundary');
      this.startResync(d, off + len, frame);
      d.resyncAfterGap = off + len;
      return;
    }
    if (d.hdrLen > 0 || len > d.recRemaining) {
      this.gapAnomaly(d, frame, 'bytes missing across a record boundary');
      this.startResync(d, off + len, frame);
      d.resyncAfterGap = off + len;
      return;
    }
    // The gap lies inside one record body, or ends where it ends (a segment cut by the snap length
    // after its record's header): the record header said where the next record starts, so the
    // record layer stays in step (C3).
    d.recRemaining -= len;
    this.dropBody(d);
    if (d.recType === ContentType.Handshake && !d.recProtected) this.gapInHandshake(d, d.hs, len, frame);
    if (d.recRemaining === 0 && d.mode === 'records') this.endRecord(d, frame, this.lastTs[0], this.lastTs[1]);
  }

  private gapAnomaly(d: Direction, frame: number, what: string): void {
    if (this.st.outcome.kind === 'in-progress' && this.st.handshakeMessages > 0) this.anomaly('gap-in-record', d.dir, frame, what);
  }

  private gapInHandshake(d: Direction, h: Handshake, len: number, frame: number): void {
    if (d.hsLost) return;
    if (h.hdrLen === 4 && len <= h.remaining) {
      // Stay in step: the message is kept up to the gap and marked incomplete.
      h.remaining -= len;
      h.gapped = true;
      this.anomaly('gap-in-handshake', d.dir, frame, `${len} bytes missing inside ${handshakeTypeName(h.type)}`);
      if (h.remaining === 0) this.completeMessage(d, h, frame, this.lastTs[0], this.lastTs[1], false);
      return;
    }
    this.anomaly('gap-in-handshake', d.dir, frame, `${len} bytes missing in the handshake stream`);
    this.loseHandshake(d, frame);
  }

  /** Handshake message boundaries are no longer known in this direction. */
  private loseHandshake(d: Direction, frame: number): void {
    if (d.hs.partial) this.flushPartial(d, d.hs, frame, 'lost');
    d.hs.reset();
    // Boundaries come back only if a record starts with a message: assume the next handshake record does.
    d.hsLost = false;
  }

  // ---- Records --------------------------------------------------------------------------------

  private feedRecords(d: Direction, bytes: Uint8Array, streamOffset: number, frame: number, tsSec: number, tsNsec: number): void {
    let i = 0;
    const n = bytes.length;
    while (i < n) {
      if (d.mode !== 'records') {
        // A desync switched to scanning: the rest of this segment goes to the scanner.
        if (d.mode === 'scan') this.scanAppend(d, bytes.subarray(i), frame, tsSec, tsNsec);
        return;
      }
      if (d.recRemaining === 0) {
        // Header, possibly split across segments.
        if (d.hdrLen === 0) {
          d.hdrOffset = streamOffset + i;
          if (n - i >= 5) {
            if (!this.startRecord(d, bytes, i, frame)) continue;
            i += 5;
            if (d.recRemaining === 0) this.endRecord(d, frame, tsSec, tsNsec);
            continue;
          }
        }
        const take = Math.min(5 - d.hdrLen, n - i);
        const hdr = (d.hdr ??= new Uint8Array(5));
        hdr.set(bytes.subarray(i, i + take), d.hdrLen);
        d.hdrLen += take;
        i += take;
        if (d.hdrLen < 5) return;
        d.hdrLen = 0;
        if (!this.startRecord(d, hdr, 0, frame)) {
          // Re-scan from the bad header on; its bytes are still in `d.hdr`.
          const rest = bytes.subarray(i);
          if ((d.mode as Mode) === 'scan') {
            this.scanAppend(d, hdr.slice(), frame, tsSec, tsNsec);
            if (rest.length && (d.mode as Mode) === 'scan') this.scanAppend(d, rest, frame, tsSec, tsNsec);
          }
          return;
        }
        if (d.recRemaining === 0) this.endRecord(d, frame, tsSec, tsNsec);
        continue;
      }
      const take = Math.min(d.recRemaining, n - i);
      this.recordBody(d, bytes.subarray(i, i + take), streamOffset + i, frame, tsSec, tsNsec);
      d.recRemaining -= take;
      i += take;
      if (d.recRemaining === 0) this.endRecord(d, frame, tsSec, tsNsec);
    }
  }

  /**
   * Validates and opens a record at buf[at]. On an implausible header switches the direction to
   * scanning (resynchronisation) and returns false; the caller hands the remaining bytes over.
   */
  private startRecord(d: Direction, buf: Uint8Array, at: number, frame: number): boolean {
    const max = this.limits.maxRecordLength;
    if (!plausibleRecordHeader(buf, at, max)) {
      const t = buf[at]!;
      const versionOk = buf[at + 1] === 3 && buf[at + 2]! <= 4;
      if (t >= 20 && t <= 24 && versionOk) {
        // RFC 5246 §6.2.3: a record over 2^14 + 2048 is a record_overflow; never buffered.
        this.anomaly('record-too-long', d.dir, frame, `record claims ${recordLengthAt(buf, at)} bytes, more than ${max}`);
      } else this.anomaly('record-desync', d.dir, frame, 'bytes where a record header was expected are not one');
      const off = d.hdrOffset;
      this.startResync(d, off, frame);
      if (buf !== d.hdr) {
        // The header bytes are in the caller's segment: it will hand them to the scanner from `at`.
      }
      return false;
    }
    d.recType = buf[at]!;
    d.recVersion = (buf[at + 1]! << 8) | buf[at + 2]!;
    d.recLength = recordLengthAt(buf, at);
    d.recRemaining = d.recLength;
    d.recFrames = [frame];
    d.recMessages.length = 0;
    this.dropBody(d);
    d.recBodyLen = 0;
    // C2/C6: application data before any hello (a connection joined after its handshake) means this
    // direction's keys are in use: its handshake records from now on are ciphertext too.
    if (d.recType === ContentType.ApplicationData && !this.helloSeen()) d.protected = true;
    // Likewise a handshake record that cannot start a message in clear (a renegotiation's encrypted ClientHello).
    if (d.recType === ContentType.Handshake && !d.protected && !d.hs.partial && !this.helloSeen() && clearHandshakeStart(buf, at + 5, d.recLength, this.limits.maxMessageBytes) === 'no') d.protected = true;
    d.recProtected = d.protected;
    if (this.st.handshakeMessages === 0) this.recordsWithoutHandshake++;
    const t = d.recType;
    const needBody =
      t === ContentType.ChangeCipherSpec ||
      (t === ContentType.Alert && this.alertIsPlaintext(d)) ||
      (this.decryptor !== undefined && (d.recProtected || (this.st.tls13 && t === ContentType.ApplicationData)) && t !== ContentType.Heartbeat);
    // Plaintext CCS and alerts are tiny; protected ones (CBC padding, a SHA-384 MAC) are read whole for the decryptor.
    const small = (t === ContentType.ChangeCipherSpec && !this.ccsIsProtected(d)) || (t === ContentType.Alert && this.alertIsPlaintext(d));
    const bodySize = small ? Math.min(d.recLength, SMALL_BODY) : d.recLength;
    // Without room in the capture-wide budget the record is not read (listed as it is, not decrypted).
    if (needBody && this.room(bodySize)) d.recBody = new Uint8Array(bodySize);
    if (t === ContentType.Handshake && !d.recProtected && d.hs.partial) {
      d.hs.recordVersion ||= d.recVersion;
    }
    return true;
  }

  /** A renegotiation's ChangeCipherSpec is protected by the keys in force (RFC 5246 §7.1, §6.1). */
  private ccsIsProtected(d: Direction): boolean {
    return d.recProtected && !this.st.tls13 && this.decryptor !== undefined;
  }

  /** Whether the alert record being read can be read without keys (alertForm, rules C6 and T6). */
  private alertIsPlaintext(d: Direction): boolean {
    return this.alertForm(d) !== 'encrypted';
  }

  private alertForm(d: Direction): AlertForm {
    const s = this.st;
    return alertForm({ keysChanged: d.recProtected, tls13: s.tls13, keysUnknown: !this.helloSeen(), nullCipher: isNullCipher(s.cipherSuite), length: d.recLength });
  }

  /** A ClientHello or ServerHello was read: what follows is known to be before or after the keys change. */
  private helloSeen(): boolean {
    return this.st.version !== undefined || this.st.offeredMaxVersion !== undefined;
  }

  private recordBody(d: Direction, chunk: Uint8Array, streamOffset: number, frame: number, tsSec: number, tsNsec: number): void {
    if (d.recFrames[d.recFrames.length - 1] !== frame) d.recFrames.push(frame);
    if (d.recType === ContentType.Handshake && !d.recProtected) {
      this.feedHandshake(d, d.hs, chunk, streamOffset, frame, tsSec, tsNsec, false);
      return;
    }
    if (d.recBody) {
      const take = Math.min(chunk.length, d.recBody.length - d.recBodyLen);
      if (take > 0) d.recBody.set(chunk.subarray(0, take), d.recBodyLen);
      d.recBodyLen += take;
    }
    // Application data and protected records without a decryptor: nothing is copied.
  }

  private endRecord(d: Direction, frame: number, tsSec: number, tsNsec: number): void {
    const t = d.recType;
    for (const m of d.recMessages) {
      m.frame = frame;
      if (m.frames[m.frames.length - 1] !== frame) m.frames.push(frame);
    }
    d.recMessages.length = 0;
    if (t === ContentType.Handshake && !d.recProtected) {
      if (d.recLength === 0) this.anomaly('malformed-message', d.dir, frame, 'empty handshake record (RFC 5246 §6.2.1 forbids it)');
      return;
    }
    if (t === ContentType.ChangeCipherSpec) {
      let body = d.recBody ? d.recBody.subarray(0, d.recBodyLen) : new Uint8Array(0);
      if (this.ccsIsProtected(d) && this.decryptor && d.recBody && d.recBodyLen === d.recLength) {
        const plain = this.decryptor.decrypt({ ...recordBase(d, frame, tsSec, tsNsec), contentType: t, body: d.recBody });
        if (plain?.contentType === ContentType.ChangeCipherSpec) body = plain.data;
      }
      const res = decodeChangeCipherSpec(body);
      // A renegotiation's ChangeCipherSpec under the keys in use is ciphertext (RFC 5246 §6.1): not a bad one.
      if (!res.ok && !(d.recProtected && d.recLength !== 1)) this.anomaly('bad-ccs', d.dir, frame, res.error.message);
      if (d.hs.partial) this.anomaly('interleaved-record', d.dir, frame, 'ChangeCipherSpec inside a handshake message');
      const index = this.nextIndex();
      const m: ChangeCipherSpecMessage = { dir: d.dir, frame, frames: d.recFrames, tsSec, tsNsec, streamOffset: d.hdrOffset, recordVersion: d.recVersion, index: index ?? -1, kind: 'change-cipher-spec', bytes: copyBytes(body), fields: res.ok ? res.value.fields : [] };
      this.push(m);
      // RFC 5246 §7.1: records after CCS use the new keys. In TLS 1.3 CCS is only for middleboxes (RFC 8446 §D.4).
      if (!ccsIsCompat(this.st)) d.protected = true;
      this.event({ kind: 'change-cipher-spec', dir: d.dir, frame, tsSec, tsNsec, index });
      this.dropBody(d);
      return;
    }
    if (t === ContentType.Alert && this.alertIsPlaintext(d)) {
      const body = d.recBody ? d.recBody.subarray(0, d.recBodyLen) : new Uint8Array(0);
      const nullCipher = this.alertForm(d) === 'null-cipher';
      // A NULL-cipher record is the alert's two bytes and then its MAC.
      const res = decodeAlert(nullCipher ? body.subarray(0, 2) : body);
      if (!res.ok || (d.recLength !== 2 && !nullCipher)) this.anomaly('bad-alert', d.dir, frame, res.ok ? `alert record of ${d.recLength} bytes` : res.error.message);
      this.emitAlert(d, recordBase(d, frame, tsSec, tsNsec), d.recLength, body, res.ok ? res.value.body : undefined, res.ok ? res.value.fields : [], false, false, nullCipher);
      this.dropBody(d);
      return;
    }
    // Protected record (or plaintext application data / heartbeat).
    if (this.decryptor && d.recBody && d.recBodyLen === d.recLength) {
      const plain = this.decryptor.decrypt({ ...recordBase(d, frame, tsSec, tsNsec), contentType: t, body: d.recBody });
      this.dropBody(d);
      if (plain) {
        this.onPlaintext(d, plain, d.hdrOffset, frame, tsSec, tsNsec);
        return;
      }
    }
    this.dropBody(d);
    if (t === ContentType.Alert) {
      this.emitAlert(d, recordBase(d, frame, tsSec, tsNsec), d.recLength, new Uint8Array(0), undefined, [], true);
      return;
    }
    const kind: EncryptedRecordMessage['kind'] =
      t === ContentType.Handshake ? 'encrypted-handshake' : t === ContentType.Heartbeat ? 'heartbeat' : 'application-data';
    if (kind === 'application-data' && this.unlisted(d, frame, tsSec, tsNsec, t, d.recLength)) return;
    const index = this.nextIndex();
    const m: EncryptedRecordMessage = { dir: d.dir, frame, frames: d.recFrames, tsSec, tsNsec, streamOffset: d.hdrOffset, recordVersion: d.recVersion, index: index ?? -1, kind, contentType: t, length: d.recLength };
    this.push(m);
    this.event({ kind: 'encrypted', dir: d.dir, frame, tsSec, tsNsec, contentType: t, length: d.recLength, index });
  }

  private emitAlert(
    d: Direction,
    base: { dir: Dir; frame: number; frames: readonly number[]; tsSec: number; tsNsec: number; streamOffset: number; recordVersion: number },
    length: number,
    body: Uint8Array,
    decoded: { level: number; description: number } | undefined,
    fields: AlertMessage['fields'],
    encrypted: boolean,
    decrypted = false,
    nullCipher = false,
  ): void {
    const index = this.nextIndex();
    const m: { -readonly [K in keyof AlertMessage]: AlertMessage[K] } = {
      dir: base.dir,
      frame: base.frame,
      frames: base.frames,
      tsSec: base.tsSec,
      tsNsec: base.tsNsec,
      streamOffset: base.streamOffset,
      recordVersion: base.recordVersion,
      index: index ?? -1,
      kind: 'alert',
      encrypted,
      length,
      bytes: copyBytes(body),
      fields,
    };
    if (decrypted) m.decrypted = true;
    if (nullCipher) m.nullCipher = true;
    if (decoded !== undefined) {
      m.level = decoded.level;
      m.description = decoded.description;
    }
    this.push(m);
    this.event({ kind: 'alert', dir: d.dir, frame: base.frame, tsSec: base.tsSec, tsNsec: base.tsNsec, encrypted, length, level: decoded?.level, description: decoded?.description, index });
  }

  /**
   * Past the usual budget, only a decryptor keeps the connection open (to read late alerts and
   * post-handshake messages): its application data is counted, not listed, so the list keeps room.
   */
  private unlisted(d: Direction, frame: number, tsSec: number, tsNsec: number, contentType: number, length: number): boolean {
    if (!this.decryptor || !this.overBudget()) return false;
    this.unlistedAppData++;
    this.event({ kind: 'encrypted', dir: d.dir, frame, tsSec, tsNsec, contentType, length });
    return true;
  }

  /** Plaintext from the decryptor: handshake bytes join the decrypted reassembler; alerts are decoded. */
  private onPlaintext(d: Direction, p: Plaintext, streamOffset: number, frame: number, tsSec: number, tsNsec: number): void {
    if (p.contentType === ContentType.Handshake) {
      this.feedHandshake(d, (d.hsDecrypted ??= new Handshake()), p.data, streamOffset, frame, tsSec, tsNsec, true);
      return;
    }
    if (p.contentType === ContentType.Alert) {
      const res = decodeAlert(p.data);
      const base = { dir: d.dir, frame, frames: d.recFrames, tsSec, tsNsec, streamOffset, recordVersion: d.recVersion };
      this.emitAlert(d, base, p.data.length, p.data, res.ok ? res.value.body : undefined, res.ok ? res.value.fields : [], false, true);
      return;
    }
    if (this.unlisted(d, frame, tsSec, tsNsec, p.contentType, p.data.length)) return;
    const index = this.nextIndex();
    this.push({ dir: d.dir, frame, frames: d.recFrames, tsSec, tsNsec, streamOffset, recordVersion: d.recVersion, index: index ?? -1, kind: 'application-data', contentType: p.contentType, length: p.data.length });
    this.event({ kind: 'encrypted', dir: d.dir, frame, tsSec, tsNsec, contentType: p.contentType, length: p.data.length, index });
  }

  // ---- Handshake messages ---------------------------------------------------------------------

  private feedHandshake(
    d: Direction,
    h: Handshake,
    chunk: Uint8Array,
    streamOffset: number,
    frame: number,
    tsSec: number,
    tsNsec: number,
    decrypted: boolean,
  ): void {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (h.hdrLen < 4) {
        if (h.hdrLen === 0) {
          h.startOffset = streamOffset + i;
          h.recordVersion = d.recVersion;
          h.frames = [];
        }
        h.addFrame(frame);
        const take = Math.min(4 - h.hdrLen, n - i);
        for (let k = 0; k < take; k++) h.hdrBits = ((h.hdrBits << 8) | chunk[i + k]!) >>> 0;
        h.hdrLen += take;
        i += take;
        if (h.hdrLen < 4) return;
        h.length = h.hdrBits & 0xffffff;
        h.remaining = h.length;
        // Room for what has come, never for what a length claims: a header of a few bytes must not
        // cost kilobytes (thousands of connections could each send one). It grows as bytes come.
        const first = Math.min(4 + h.length, this.limits.maxMessageBytes, Math.max(FIRST_ROOM, 2 * (4 + n - i)));
        if (this.room(first, 4 + h.length <= SMALL_MESSAGE)) {
          h.buf = new Uint8Array(first);
          h.writeHeader(h.buf);
          h.kept = 4;
        } else this.noRoom(d, h, frame);
        if (4 + h.length > this.limits.maxMessageBytes) {
          // Never allocate what a hostile length claims: keep a bounded prefix, count the rest.
          h.over = true;
          this.anomaly('message-too-long', d.dir, frame, `${handshakeTypeName(h.type)} claims ${h.length} bytes, more than the ${this.limits.maxMessageBytes} kept`);
        }
        if (h.remaining === 0) this.completeMessage(d, h, frame, tsSec, tsNsec, decrypted);
        continue;
      }
      h.addFrame(frame);
      const take = Math.min(h.remaining, n - i);
      if (!h.gapped) {
        let keep = h.budgetRefused ? 0 : Math.min(take, this.limits.maxMessageBytes - h.kept);
        if (keep > 0 && h.kept + keep > h.buf.length) {
          const size = Math.min(Math.max(h.buf.length * 2, h.kept + keep), 4 + h.length, this.limits.maxMessageBytes);
          if (this.room(size - h.buf.length, 4 + h.length <= SMALL_MESSAGE)) {
            const grown = new Uint8Array(size);
            grown.set(h.buf.subarray(0, h.kept));
            h.buf = grown;
          } else {
            this.noRoom(d, h, frame);
            keep = Math.max(0, h.buf.length - h.kept);
          }
        }
        if (keep > 0) {
          h.buf.set(chunk.subarray(i, i + keep), h.kept);
          h.kept += keep;
        }
      }
      h.remaining -= take;
      i += take;
      if (h.remaining === 0) this.completeMessage(d, h, frame, tsSec, tsNsec, decrypted);
    }
  }

  /** No room left in the capture-wide budget: the message keeps what it has and is listed truncated. */
  private noRoom(d: Direction, h: Handshake, frame: number): void {
    if (h.budgetRefused) return;
    h.budgetRefused = true;
    h.over = true;
    if (h.hdrLen === 4 && h.kept === 0) {
      // Not even the header: keep it, so the message is still listed with its type and length.
      h.buf = new Uint8Array(4);
      h.writeHeader(h.buf);
      h.kept = 4;
    }
    this.anomaly(
      'message-too-long',
      d.dir,
      frame,
      `${handshakeTypeName(h.type)} of ${h.length} bytes kept truncated: ${this.budgetFull()}`,
    );
  }

  /** The context for the next message, without display fields; shared while the version and key exchange stay the same. */
  private decodeContext(): DecodeContext {
    const s = this.st;
    const c = this.ctx;
    if (c !== undefined && c.version === s.version && c.keyExchange === s.keyExchange) return c;
    this.ctx = {
      limits: this.limits,
      fields: false,
      ...(s.version !== undefined && { version: s.version }),
      ...(s.keyExchange !== undefined && { keyExchange: s.keyExchange }),
    };
    return this.ctx;
  }

  /** A message whose bytes stop early (end of stream, lost boundary): listed truncated, flagged. */
  private flushPartial(d: Direction, h: Handshake, frame: number, why: 'end' | 'lost' | 'room'): void {
    if (!h.partial) return;
    if (h.hdrLen < 4) {
      this.anomaly('truncated-message', d.dir, frame, 'handshake header cut short');
      h.reset();
      return;
    }
    this.anomaly('truncated-message', d.dir, frame, `${handshakeTypeName(h.type)} ${why === 'lost' ? 'lost its boundary' : why === 'room' ? 'summarised to make room for other connections' : 'cut by the end of the stream'} after ${h.length - h.remaining} of ${h.length} bytes`);
    h.gapped = true;
    this.completeMessage(d, h, frame, this.lastTs[0], this.lastTs[1], false);
  }

  private completeMessage(d: Direction, h: Handshake, frame: number, tsSec: number, tsNsec: number, decrypted: boolean): void {
    // A view of the reassembly buffer, which is the message's own from now on (reset() lets go of it):
    // its room is counted against the budget until the connection settles, and settling copies
    // what is kept. A copy here would cost a flood's thousands of cut messages 16 KB each again.
    const bytes = h.kept === h.buf.length ? h.buf : h.buf.subarray(0, h.kept);
    const type = h.type;
    const truncated = h.over || h.gapped;
    const ctx = this.decodeContext();
    const res = decodeHandshake(bytes, ctx);
    const index = this.nextIndex();
    const m = lazyMessage(
      { kind: 'handshake', index: index ?? -1, dir: d.dir, type, length: h.length, frame, frames: h.frames, tsSec, tsNsec, streamOffset: h.startOffset, recordVersion: h.recordVersion, bytes, truncated },
      ctx,
      res.ok ? res.value.body : undefined,
      res.ok ? undefined : res.error,
      decrypted,
    );
    if (!res.ok && !(truncated && res.error.kind === 'truncated')) {
      this.anomaly(res.error.kind === 'truncated' ? 'truncated-message' : 'malformed-message', d.dir, frame, `${handshakeTypeName(type)}: ${res.error.message}`);
    }
    if (res.ok && res.value.body.kind === 'certificate') {
      const c = res.value.body;
      if (c.omitted > 0) this.anomaly('too-many-certificates', d.dir, frame, `${c.certificates.length + c.omitted} certificates, ${c.certificates.length} kept`);
    }
    const room = h.buf.length;
    h.reset();
    // A message past the listing limit is not kept: neither is its room.
    if (!this.push(m)) this.unroom(room);
    if (!decrypted && d.recRemaining > 0) d.recMessages.push(m as unknown as { frame: number; frames: number[] });
    if (res.ok && res.value.body.kind === 'client-hello') this.clientRandom = res.value.body.random;
    const before = this.st;
    this.event({ kind: 'handshake', dir: d.dir, type, frame, tsSec, tsNsec, index, body: res.ok ? res.value.body : undefined, decrypted });
    const body = res.ok ? res.value.body : undefined;
    if (body?.kind === 'server-hello' && body.helloRetryRequest && this.st.clientDir !== undefined) {
      // The client answers with a plaintext ClientHello even if it sent a compatibility CCS.
      this.dirs[this.st.clientDir].protected = false;
    }
    if (body?.kind === 'server-hello' && !body.helloRetryRequest) {
      if (body.version === TLS13 && !before.tls13) {
        // RFC 8446 §2: everything after ServerHello is protected, in both directions.
        for (const x of this.dirs) x.protected = true;
      }
      this.decryptor?.hello?.({
        serverRandom: body.random,
        version: body.version,
        cipherSuite: body.cipherSuite,
        clientDir: d.dir === 0 ? 1 : 0,
        ...(this.clientRandom !== undefined && { clientRandom: this.clientRandom }),
      });
    }
  }

  private onSslv2Hello(d: Direction, record: Uint8Array): void {
    const first = d.scanChunks[0];
    const frame = first?.frame ?? this.lastFrame;
    const tsSec = first?.tsSec ?? 0;
    const tsNsec = first?.tsNsec ?? 0;
    const frames: number[] = [];
    for (const c of d.scanChunks) if (c.at < record.length && frames[frames.length - 1] !== c.frame) frames.push(c.frame);
    const res = decodeSslv2ClientHello(record);
    const index = this.nextIndex();
    const completedIn = frames[frames.length - 1] ?? frame;
    const m: HandshakeMessage = {
      kind: 'handshake',
      index: index ?? -1,
      dir: d.dir,
      type: 1,
      length: record.length - 2,
      frame: completedIn,
      frames,
      tsSec,
      tsNsec,
      streamOffset: 0,
      recordVersion: 0x0002,
      bytes: copyBytes(record),
      truncated: false,
      fields: res.ok ? res.value.fields : [],
      sslv2: true,
      ...(res.ok && { body: res.value.body }),
      ...(!res.ok && { error: res.error }),
    };
    if (!res.ok) this.anomaly('malformed-message', d.dir, completedIn, `SSLv2 ClientHello: ${res.error.message}`);
    this.push(m);
    if (res.ok) this.clientRandom = res.value.body.random;
    this.event({ kind: 'handshake', dir: d.dir, type: 1, frame: completedIn, tsSec, tsNsec, ...(index !== undefined && { index }), ...(res.ok && { body: res.value.body }) });
  }
}

/** What every message read from one record shares; built only on the paths that need it. */
function recordBase(d: Direction, frame: number, tsSec: number, tsNsec: number): { dir: Dir; frame: number; frames: readonly number[]; tsSec: number; tsNsec: number; streamOffset: number; recordVersion: number } {
  return { dir: d.dir, frame, frames: d.recFrames, tsSec, tsNsec, streamOffset: d.hdrOffset, recordVersion: d.recVersion };
}

/** What lazyMessage keeps behind a handshake message's `fields` and `body`, as properties that are not enumerable. */
const CTX = Symbol('decode context');
/** A summary's midStream pairs, shared (summaries are kept for every session and never changed). */
const MID_STREAM: readonly Pair<boolean>[] = [
  Object.freeze([false, false] as const),
  Object.freeze([true, false] as const),
  Object.freeze([false, true] as const),
  Object.freeze([true, true] as const),
];

/** The body decoded when the message completed (the live message is dropped when its connection settles). */
const HOT_BODY = Symbol('decoded body');
const FIELD_TREE = Symbol('field tree');

type LazyMessage = HandshakeMessage & { readonly [CTX]: DecodeContext; [HOT_BODY]: HandshakeBody | undefined; [FIELD_TREE]?: readonly Field[] };

/**
 * A handshake message whose field tree (for the detail pane) is built from the kept bytes the
 * first time it is read, and whose body, once the connection has settled, is decoded again from
 * them when read: holding trees and bodies of small objects for every message of every session
 * would dominate memory on long captures, and only the messages a person opens need them. The
 * accessors are the same functions for every message, so all messages share one object shape.
 */
function lazyMessage(
  base: Omit<HandshakeMessage, 'fields' | 'body' | 'error' | 'decrypted' | 'sslv2'>,
  ctx: DecodeContext,
  body: HandshakeBody | undefined,
  error: HandshakeMessage['error'],
  decrypted: boolean,
): HandshakeMessage {
  const m = base as { -readonly [K in keyof HandshakeMessage]: HandshakeMessage[K] };
  Object.defineProperty(m, 'fields', FIELDS);
  Object.defineProperty(m, CTX, { value: ctx });
  Object.defineProperty(m, HOT_BODY, { value: body });
  if (body !== undefined) Object.defineProperty(m, 'body', BODY);
  if (error !== undefined) m.error = error;
  if (decrypted) m.decrypted = true;
  return m;
}

/** The decode context a live handshake message was decoded with (undefined for SSLv2 hellos). */
function liveContextOf(m: HandshakeMessage): DecodeContext | undefined {
  return CTX in m ? (m as LazyMessage)[CTX] : undefined;
}

/** A live Certificate message's decoded certificates (views into its bytes), while it still holds them. */
function liveCertificatesOf(m: HandshakeMessage): readonly { readonly der: Uint8Array }[] | undefined {
  const body = HOT_BODY in m ? (m as LazyMessage)[HOT_BODY] : undefined;
  return body?.kind === 'certificate' ? body.certificates : undefined;
}

function lazyFieldsOf(this: LazyMessage): readonly Field[] {
  let f = this[FIELD_TREE];
  if (f === undefined) {
    const r = decodeHandshake(this.bytes, { ...this[CTX], fields: true });
    f = r.ok ? r.value.fields : [];
    Object.defineProperty(this, FIELD_TREE, { value: f });
  }
  return f;
}

function lazyBodyOf(this: LazyMessage): HandshakeBody | undefined {
  const b = this[HOT_BODY];
  if (b !== undefined) return b;
  const r = decodeHandshake(this.bytes, this[CTX]);
  return r.ok ? r.value.body : undefined;
}

const FIELDS: PropertyDescriptor = Object.freeze({ enumerable: true, configurable: true, get: lazyFieldsOf });
const BODY: PropertyDescriptor = Object.freeze({ enumerable: true, configurable: true, get: lazyBodyOf });
