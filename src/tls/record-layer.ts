/**
 * The record layer of a TLS dissector (RFC 5246 §6.2, RFC 8446 §5), per direction: find where TLS
 * starts (offset 0, after a STARTTLS preamble, or a record boundary in a capture that began
 * mid-stream), reassemble records across segments, hand handshake bytes to the message assembly
 * (TlsConnection), decode ChangeCipherSpec and alerts, list protected records, and keep what it
 * holds within the capture-wide budget. Gaps and lost record boundaries are handled here.
 */
import { CaptureBudget, copyBytes, DISSECTOR_BYTES, flatString, sizeText } from '../bytes/index.js';
import type { Dir } from '../net/types.js';
import { ContentType, handshakeTypeName, isNullCipher } from './names.js';
import { classifyStart, findTlsStart } from './preamble.js';
import {
  alertForm,
  clearHandshakeStart,
  decodeAlert,
  decodeChangeCipherSpec,
  plausibleRecordHeader,
  recordLengthAt,
  sslv2HelloAt,
  type AlertForm,
} from './record.js';
import { ccsIsCompat, handshakeDone, initialState, transition, type HandshakeState, type TlsEvent } from './state.js';
import {
  DEFAULT_TLS_LIMITS,
  type AlertMessage,
  type AnomalyCode,
  type ChangeCipherSpecMessage,
  type DecodeContext,
  type EncryptedRecordMessage,
  type NotTlsReason,
  type TlsLimits,
  type TlsMessage,
} from './types.js';
import { Direction, Handshake, MAX_RESYNCS, PREAMBLE_HEAD, SMALL_BODY, type Mode } from './direction.js';
import type { Plaintext, TlsConnectionOptions, TlsDecryptor, TlsSummary } from './seam.js';

export abstract class RecordLayer {
  readonly limits: TlsLimits;
  protected readonly decryptor: TlsDecryptor | undefined;
  protected readonly dirs: readonly [Direction, Direction] = [new Direction(0), new Direction(1)];
  protected st: HandshakeState = initialState();
  protected readonly list: TlsMessage[] = [];
  protected dropped = 0;
  protected unlistedAppData = 0;
  protected ignored: TlsSummary['setAside'];
  protected tlsSeen = false;
  protected clientRandom: Uint8Array | undefined;
  /** Records read since the handshake was over (or since a TLS 1.3 ServerHello). */
  protected recordsAfter = 0;
  protected recordsWithoutHandshake = 0;
  protected lastFrame = 0;
  protected lastTs: [number, number] = [0, 0];
  protected ctx: DecodeContext | undefined;
  protected readonly budget: CaptureBudget | undefined;
  /** Bytes this connection counted against the budget (given back when it settles). */
  protected held = 0;

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
  protected room(n: number, small = false): boolean {
    if (n <= 0) return true;
    if (this.budget && !this.budget.take(n, small, this)) return false;
    this.held += n;
    return true;
  }

  /** Why room() refused: said the same way by every anomaly it causes. */
  protected budgetFull(): string {
    return `the handshakes under way in this capture hold ${sizeText(this.budget?.max ?? 0)} already`;
  }

  /** A buffer of `n` bytes counted by room() is let go. */
  protected unroom(n: number): void {
    const k = Math.min(n, this.held);
    if (k <= 0) return;
    this.held -= k;
    this.budget?.give(k);
  }

  /** Lets go of the buffer scanned for a TLS start and the chunks it was filled from. */
  protected dropScan(d: Direction): void {
    if (d.scan) this.unroom(d.scan.length);
    d.scan = undefined;
    d.scanChunks = [];
  }

  protected dropBody(d: Direction): void {
    if (d.recBody) this.unroom(d.recBody.length);
    d.recBody = undefined;
  }

  protected setNotTls(d: Direction, reason: NotTlsReason, frame: number): void {
    d.notTls = reason;
    d.mode = 'lost';
    this.dropScan(d);
    if (!this.tlsSeen) this.event({ kind: 'not-tls', reason });
    void frame;
  }

  // ---- Events and anomalies -------------------------------------------------------------------

  protected event(e: TlsEvent): void {
    const before = this.st;
    this.st = transition(this.st, e);
    if (e.kind === 'handshake' || e.kind === 'change-cipher-spec' || e.kind === 'encrypted' || e.kind === 'alert') {
      if (handshakeDone(before) || before.tls13 || before.outcome.kind === 'alert' || before.outcome.kind === 'closed' || before.outcome.kind === 'reset') this.recordsAfter++;
    }
  }

  protected anomaly(code: AnomalyCode, dir: Dir, frame: number, message: string): void {
    this.event({ kind: 'anomaly', anomaly: { code, dir, frame, message: flatString(message) } });
  }

  protected push(m: TlsMessage): boolean {
    if (this.list.length >= this.limits.maxMessages) {
      if (this.dropped === 0) this.anomaly('too-many-messages', m.dir, m.frame, `more than ${this.limits.maxMessages} messages; later ones are not listed`);
      this.dropped++;
      return false;
    }
    this.list.push(m);
    return true;
  }

  protected nextIndex(): number | undefined {
    return this.list.length < this.limits.maxMessages ? this.list.length : undefined;
  }

  // ---- Scanning for the TLS start -------------------------------------------------------------

  protected scanAppend(d: Direction, bytes: Uint8Array, frame: number, tsSec: number, tsNsec: number): void {
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

  protected scanRun(d: Direction, frame: number): void {
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
  protected wholeRecordAfterGap(d: Direction, segmentLength: number): boolean {
    if (!this.tlsSeen || d.resyncAfterGap !== d.scanBase || d.scanChunks.length !== 1 || d.scanLen !== segmentLength || !d.scan) return false;
    d.resyncAfterGap = -1;
    if (!plausibleRecordHeader(d.scan, 0, this.limits.maxRecordLength)) return false;
    return 5 + recordLengthAt(d.scan, 0) === segmentLength;
  }

  /** Switches to record mode and feeds the scan buffer from `from` on, with the frames that carried it. */
  protected replayScan(d: Direction, from: number): void {
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

  protected startResync(d: Direction, streamOffset: number, frame: number): void {
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

  protected onGap(d: Direction, off: number, len: number, frame: number): void {
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

  protected gapAnomaly(d: Direction, frame: number, what: string): void {
    if (this.st.outcome.kind === 'in-progress' && this.st.handshakeMessages > 0) this.anomaly('gap-in-record', d.dir, frame, what);
  }

  protected gapInHandshake(d: Direction, h: Handshake, len: number, frame: number): void {
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
  protected loseHandshake(d: Direction, frame: number): void {
    if (d.hs.partial) this.flushPartial(d, d.hs, frame, 'lost');
    d.hs.reset();
    // Boundaries come back only if a record starts with a message: assume the next handshake record does.
    d.hsLost = false;
  }

  // ---- Records --------------------------------------------------------------------------------

  protected feedRecords(d: Direction, bytes: Uint8Array, streamOffset: number, frame: number, tsSec: number, tsNsec: number): void {
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
  protected startRecord(d: Direction, buf: Uint8Array, at: number, frame: number): boolean {
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
  protected ccsIsProtected(d: Direction): boolean {
    return d.recProtected && !this.st.tls13 && this.decryptor !== undefined;
  }

  /** Whether the alert record being read can be read without keys (alertForm, rules C6 and T6). */
  protected alertIsPlaintext(d: Direction): boolean {
    return this.alertForm(d) !== 'encrypted';
  }

  protected alertForm(d: Direction): AlertForm {
    const s = this.st;
    return alertForm({ keysChanged: d.recProtected, tls13: s.tls13, keysUnknown: !this.helloSeen(), nullCipher: isNullCipher(s.cipherSuite), length: d.recLength });
  }

  /** A ClientHello or ServerHello was read: what follows is known to be before or after the keys change. */
  protected helloSeen(): boolean {
    return this.st.version !== undefined || this.st.offeredMaxVersion !== undefined;
  }

  protected recordBody(d: Direction, chunk: Uint8Array, streamOffset: number, frame: number, tsSec: number, tsNsec: number): void {
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

  protected endRecord(d: Direction, frame: number, tsSec: number, tsNsec: number): void {
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

  protected emitAlert(
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
  protected unlisted(d: Direction, frame: number, tsSec: number, tsNsec: number, contentType: number, length: number): boolean {
    if (!this.decryptor || !this.overBudget()) return false;
    this.unlistedAppData++;
    this.event({ kind: 'encrypted', dir: d.dir, frame, tsSec, tsNsec, contentType, length });
    return true;
  }

  /** Plaintext from the decryptor: handshake bytes join the decrypted reassembler; alerts are decoded. */
  protected onPlaintext(d: Direction, p: Plaintext, streamOffset: number, frame: number, tsSec: number, tsNsec: number): void {
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

  // ---- What the message assembly does (TlsConnection) -----------------------------------------

  protected abstract feedHandshake(d: Direction, h: Handshake, chunk: Uint8Array, streamOffset: number, frame: number, tsSec: number, tsNsec: number, decrypted: boolean): void;
  protected abstract flushPartial(d: Direction, h: Handshake, frame: number, why: 'end' | 'lost' | 'room'): void;
  protected abstract completeMessage(d: Direction, h: Handshake, frame: number, tsSec: number, tsNsec: number, decrypted: boolean): void;
  protected abstract onSslv2Hello(d: Direction, record: Uint8Array): void;
  /** The records worth reading after the handshake have been read. */
  protected abstract overBudget(): boolean;
}

/** What every message read from one record shares; built only on the paths that need it. */
function recordBase(d: Direction, frame: number, tsSec: number, tsNsec: number): { dir: Dir; frame: number; frames: readonly number[]; tsSec: number; tsNsec: number; streamOffset: number; recordVersion: number } {
  return { dir: d.dir, frame, frames: d.recFrames, tsSec, tsNsec, streamOffset: d.hdrOffset, recordVersion: d.recVersion };
}
