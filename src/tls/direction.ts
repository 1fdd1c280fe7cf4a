/**
 * A TLS dissector's state per direction (Direction: scanning for the TLS start, the record being
 * read) and the handshake message being reassembled across records (Handshake).
 */
import type { Dir } from '../net/types.js';
import type { NotTlsReason } from './types.js';

export type Mode = 'start' | 'scan' | 'records' | 'lost';

export interface ScanChunk {
  at: number;
  frame: number;
  tsSec: number;
  tsNsec: number;
}

export const PREAMBLE_HEAD = 2048;
/**
 * Bytes reserved for a handshake message when its header is read: one record's worth (2^14,
 * RFC 5246 §6.2.1), so a hostile length claims nothing more before its bytes arrive; longer
 * messages grow as they come.
 */
/** Messages up to this size are always kept whole, whatever the capture-wide budget (see TlsBudget). */
export const SMALL_MESSAGE = 4096;
/** Least room for a message being reassembled; beyond it, twice the bytes at hand, then doubling as more come. */
export const FIRST_ROOM = 256;
/** Zero-length, so it is never written. */
export const EMPTY = new Uint8Array(0);
export const MAX_RESYNCS = 3;
export const SMALL_BODY = 64;

/** The frames of a message not started: shared, frozen (a message's own list is made when its header starts). */
export const NO_FRAMES: number[] = Object.freeze([]) as unknown as number[];

/** Per-direction parsing state. Mutable, owned by one TlsConnection. */
export class Direction {
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
export class Handshake {
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
