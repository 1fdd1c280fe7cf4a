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
import { CaptureBudget, copyBytes, flatString } from '../bytes/index.js';
import type { Dir, EndReason, GapReason, StreamConsumer } from '../net/types.js';
import { decodeHandshake, decodeSslv2ClientHello, TLS13 } from './messages.js';
import { handshakeTypeName } from './names.js';
import { SettledMessages, type KeepBytes, type StoredCertificate } from './settled.js';
import { classifyStart, namePreamble } from './preamble.js';
import { finalOutcome, handshakeDone, silentRejection, type HandshakeState, type Pair } from './state.js';
import type { DecodeContext, HandshakeMessage, Preamble, TlsMessage } from './types.js';
import { lazyMessage, liveCertificatesOf, liveContextOf } from './lazy.js';
import { FIRST_ROOM, Handshake, SMALL_MESSAGE, type Direction } from './direction.js';
import { RecordLayer } from './record-layer.js';
import type { TlsSummary } from './seam.js';

export type { HelloSecrets, Plaintext, ProtectedRecord, TlsConnectionOptions, TlsDecryptor, TlsSummary } from './seam.js';

/** The capture-wide budget as the TLS dissectors know it (the same one the reassembler counts against). */
export { CaptureBudget as TlsBudget, DEFAULT_CAPTURE_BUDGET_BYTES as DEFAULT_TLS_BUDGET_BYTES } from '../bytes/index.js';

/**
 * One connection's TLS: the record layer (RecordLayer) below, handshake messages reassembled
 * across records and decoded here, the state machine driven by both, and the summary.
 */
export class TlsConnection extends RecordLayer implements StreamConsumer {
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
    // Kept to the end with the session: a decode error's message as one string, not its pieces.
    for (const m of this.list) if (m.kind === 'handshake' && m.error !== undefined) flatString(m.error.message);
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
  protected overBudget(): boolean {
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

  // ---- Handshake messages ---------------------------------------------------------------------

  protected feedHandshake(
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
  protected flushPartial(d: Direction, h: Handshake, frame: number, why: 'end' | 'lost' | 'room'): void {
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

  protected completeMessage(d: Direction, h: Handshake, frame: number, tsSec: number, tsNsec: number, decrypted: boolean): void {
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

  protected onSslv2Hello(d: Direction, record: Uint8Array): void {
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

/** A summary's midStream pairs, shared (summaries are kept for every session and never changed). */
const MID_STREAM: readonly Pair<boolean>[] = [
  Object.freeze([false, false] as const),
  Object.freeze([true, false] as const),
  Object.freeze([false, true] as const),
  Object.freeze([true, true] as const),
];

