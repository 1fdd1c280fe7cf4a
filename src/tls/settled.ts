/**
 * The messages of a connection whose handshake is over, packed for keeping: one buffer per
 * connection holds every message's numbers, frame lists and bytes, and message objects are made
 * from it when the list is read. A long capture keeps thousands of finished sessions; as objects,
 * their ~20 messages each (with frame arrays, byte views and decode contexts) cost ~10 KB a
 * session, packed about 20 bytes a message plus the bytes. Only the sessions someone reads pay for objects, and
 * those are garbage again once read.
 *
 * Messages are read by position (`index`), never by identity: each read makes new objects.
 */
import type { DecodeError } from '../bytes/index.js';
import { decodeHandshake, decodeSslv2ClientHello } from './messages.js';
import { decodeAlert, decodeChangeCipherSpec } from './record.js';
import type {
  AlertMessage,
  ChangeCipherSpecMessage,
  DecodeContext,
  Dir,
  EncryptedRecordMessage,
  Field,
  HandshakeBody,
  HandshakeMessage,
  TlsMessage,
} from './types.js';

// Each message is one row of numbers, written one after another as variable-length integers
// (most are small, or small differences from the previous message's): about 20 bytes a message
// where fixed 32-bit columns took 60. Rows are read in order; `list()` reads them all.
//   head, frame, [frames], tsSec, tsNsec, streamOffset, recordVersion, type, aux, length, bytesLen
// head: kind | dir << 3 | flags; SAME_FRAMES: the previous message's frame list (one record's
// messages share theirs), else a count and the frames as differences. type: handshake type,
// content type (protected records) or alert level; aux: the handshake's decode context (index
// into ctxs, -1 none) or the alert description. A Certificate message whose certificates are kept
// elsewhere (CUT) adds their count and places; they are taken in order from `ders`. Message bytes
// follow the rows, in order.

const EMPTY = new Uint8Array(0);

const KINDS = ['handshake', 'change-cipher-spec', 'alert', 'encrypted-handshake', 'application-data', 'heartbeat'] as const;
const KIND_CODE: Record<TlsMessage['kind'], number> = {
  handshake: 0,
  'change-cipher-spec': 1,
  alert: 2,
  'encrypted-handshake': 3,
  'application-data': 4,
  heartbeat: 5,
};
const DIR_BIT = 1 << 3;
const TRUNCATED = 1 << 4;
const DECRYPTED = 1 << 5;
const SSLV2 = 1 << 6;
const ENCRYPTED = 1 << 7;
const HAS_LEVEL = 1 << 8;
const HAS_DESCRIPTION = 1 << 9;
const BYTES_DROPPED = 1 << 10;
const SAME_FRAMES = 1 << 11;
const CUT = 1 << 12;
/** A truncated message whose bytes were dropped: how many the capture had follows its row. */
const CAPTURED = 1 << 13;

/** Row writer: numbers as zigzag variable-length integers, most as differences from the previous message's. */
class RowWriter {
  private buf = new Uint8Array(512);
  length = 0;

  /**
   * `v` as its difference from `prev` (what the reader adds back to its own `prev`). Exact for
   * every number: a whole difference below 2^50 that adds back exactly takes 1–8 bytes; anything
   * else (huge, fractional, -0) is written whole as a float64 after an escape.
   */
  num(v: number, prev = 0): void {
    const d = v - prev;
    if (Number.isInteger(d) && Math.abs(d) < BIG && Object.is(prev + d, v)) this.unsigned(d >= 0 ? d * 2 : -d * 2 - 1);
    else {
      this.unsigned(ESCAPE);
      this.room(8);
      new DataView(this.buf.buffer).setFloat64(this.length, v);
      this.length += 8;
    }
  }

  /** A list: its count, then each number as its difference from the one before (the first from `prev`). */
  list(values: readonly number[], prev: number): void {
    this.num(values.length);
    for (const v of values) {
      this.num(v, prev);
      prev = v;
    }
  }

  private unsigned(u: number): void {
    this.room(8);
    while (u >= 128) {
      this.buf[this.length++] = (u % 128) | 128;
      u = Math.floor(u / 128);
    }
    this.buf[this.length++] = u;
  }

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const grown = new Uint8Array(this.buf.length * 2 + n);
    grown.set(this.buf.subarray(0, this.length));
    this.buf = grown;
  }

  get bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

/** |v| below this is written as a zigzag integer (2|v| + 1 stays exact); ESCAPE marks a float64. */
const BIG = 2 ** 50;
const ESCAPE = 2 ** 51;

class RowReader {
  at = 0;
  constructor(private readonly data: Uint8Array) {}

  /** The number written by `num(v, prev)`, given the same `prev`. */
  num(prev = 0): number {
    let u = 0;
    let scale = 1;
    for (;;) {
      const b = this.data[this.at++]!;
      u += (b & 127) * scale;
      if (b < 128) break;
      scale *= 128;
    }
    if (u === ESCAPE) {
      const v = new DataView(this.data.buffer, this.data.byteOffset).getFloat64(this.at);
      this.at += 8;
      return v;
    }
    return prev + (u % 2 === 0 ? u / 2 : -(u + 1) / 2);
  }

  /** The list written by `list(values, prev)`, given the same `prev`. */
  list(prev: number): number[] {
    const out: number[] = new Array(this.num());
    for (let k = 0; k < out.length; k++) out[k] = prev = this.num(prev);
    return out;
  }
}

/** One message's row, as read. */
interface Row {
  head: number;
  type: number;
  aux: number;
  length: number;
  bytesAt: number;
  bytesLen: number;
  /** CUT: where each certificate goes in the bytes around them, and the first one's place in `ders`. */
  cutAt?: readonly number[];
  dersAt: number;
  /** CAPTURED: the bytes the capture had of a truncated message whose bytes were dropped. */
  captured?: number;
}

/**
 * Decode contexts, shared by every settled connection that had an equal one (few exist: a version
 * and a key exchange under the same limits, compared by value: limits given as options make an
 * object per connection), instead of two objects kept per connection. Bounded: hostile captures
 * could name many versions.
 */
const sharedContexts = new Map<string, DecodeContext>();
const SHARED_CONTEXTS_MAX = 256;
/** Each limits object's values as a key, made once per object. */
const limitsKeys = new WeakMap<object, string>();
function sharedContext(ctx: DecodeContext): DecodeContext {
  let limits = limitsKeys.get(ctx.limits);
  if (limits === undefined) limitsKeys.set(ctx.limits, (limits = JSON.stringify(ctx.limits)));
  const key = `${limits}|${ctx.version}|${ctx.keyExchange}|${ctx.fields}`;
  const known = sharedContexts.get(key);
  if (known !== undefined) return known;
  // Only what a context is: the live one may be a richer object.
  const own: DecodeContext = { limits: ctx.limits, ...(ctx.fields !== undefined && { fields: ctx.fields }), ...(ctx.version !== undefined && { version: ctx.version }), ...(ctx.keyExchange !== undefined && { keyExchange: ctx.keyExchange }) };
  if (sharedContexts.size < SHARED_CONTEXTS_MAX) sharedContexts.set(key, own);
  return own;
}

/** Live message facts the packer needs beyond the TlsMessage type: a handshake message's decode context. */
export type ContextOf = (m: HandshakeMessage) => DecodeContext | undefined;

/** Returns a kept copy of a Certificate message's certificate (same bytes), or undefined to keep its own. */
export type StoredCertificate = (message: HandshakeMessage, position: number, der: Uint8Array) => Uint8Array | undefined;

/** Whether a settled handshake message keeps its bytes (undefined: every message does). */
export type KeepBytes = (message: HandshakeMessage) => boolean;

/** Where a Certificate message's certificates are cut out (kept elsewhere), at their offsets in its bytes. */
type Cut = { at: number[]; ders: Uint8Array[] };

/**
 * pack's first pass: which handshake messages drop their bytes (`keep`, or dropped already), which
 * Certificate messages keep only the bytes around certificates another store holds, and how many bytes remain.
 */
function planBytes(
  list: readonly TlsMessage[],
  certificatesOf: ((m: HandshakeMessage) => readonly { readonly der: Uint8Array }[] | undefined) | undefined,
  stored: StoredCertificate | undefined,
  keep: KeepBytes | undefined,
): { byteCount: number; cut: (Cut | undefined)[]; dropped: boolean[] } {
  const n = list.length;
  let byteCount = 0;
  const cut: (Cut | undefined)[] = new Array(n);
  const dropped: boolean[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const m = list[i]!;
    if (m.kind !== 'handshake' && m.kind !== 'change-cipher-spec' && m.kind !== 'alert') continue;
    if (m.kind === 'handshake' && (m.bytesDropped || (keep !== undefined && !keep(m)))) {
      dropped[i] = true;
      continue;
    }
    const b = m.bytes;
    byteCount += b.length;
    if (m.kind !== 'handshake' || m.type !== 11 || stored === undefined || certificatesOf === undefined) continue;
    const certs = certificatesOf(m);
    if (certs === undefined) continue;
    const at: number[] = [];
    const ders: Uint8Array[] = [];
    let end = 0;
    for (let k = 0; k < certs.length; k++) {
      const der = certs[k]!.der;
      const off = der.byteOffset - b.byteOffset;
      if (der.buffer !== b.buffer || off < end || off + der.length > b.length) continue;
      const kept = stored(m, k, der);
      if (kept === undefined || kept === der || kept.length !== der.length) continue;
      at.push(off);
      ders.push(kept);
      end = off + der.length;
      byteCount -= der.length;
    }
    if (ders.length > 0) cut[i] = { at, ders };
  }
  return { byteCount, cut, dropped };
}

export class SettledMessages {
  private constructor(
    /** The rows, then the messages' bytes, in one buffer. */
    private readonly data: Uint8Array,
    private readonly rowsLength: number,
    private readonly ctxs: readonly DecodeContext[],
    /** Certificates kept elsewhere (the pool's copies), in the order CUT rows name them. */
    private readonly ders: readonly Uint8Array[] | undefined,
    /** Decode errors by message index (rare). */
    private readonly errors: readonly (DecodeError | undefined)[] | undefined,
    readonly length: number,
  ) {}

  /**
   * Packs a connection's message list. `certificatesOf` (a Certificate message's decoded list, when
   * still at hand) and `stored` let a Certificate message keep only the bytes around certificates
   * another store already holds; `keep` says which handshake messages keep their bytes.
   */
  static pack(
    list: readonly TlsMessage[],
    contextOf: ContextOf,
    certificatesOf?: (m: HandshakeMessage) => readonly { readonly der: Uint8Array }[] | undefined,
    stored?: StoredCertificate,
    keep?: KeepBytes,
  ): SettledMessages {
    const n = list.length;
    const ctxs: DecodeContext[] = [];
    const liveCtxs: DecodeContext[] = [];
    const ders: Uint8Array[] = [];
    let errors: (DecodeError | undefined)[] | undefined;
    const { byteCount, cut, dropped } = planBytes(list, certificatesOf, stored, keep);
    const w = new RowWriter();
    const bytes = new Uint8Array(byteCount);
    let bAt = 0;
    // Frame lists: messages of one record share theirs; consecutive repeats are stored once.
    let lastFrames: readonly number[] | undefined;
    let prevFrame = 0;
    let prevSec = 0;
    let prevNsec = 0;
    let prevOff = 0;
    for (let i = 0; i < n; i++) {
      const m = list[i]!;
      let head = KIND_CODE[m.kind] | (m.dir === 1 ? DIR_BIT : 0);
      const sameFrames = m.frames === lastFrames;
      lastFrames = m.frames;
      if (sameFrames) head |= SAME_FRAMES;
      let type = 0;
      let aux = 0;
      let length = 0;
      let bytesLen = 0;
      let cutAt: number[] | undefined;
      if (m.kind !== 'handshake' && m.kind !== 'change-cipher-spec' && m.kind !== 'alert') {
        type = m.contentType;
        length = m.length;
      } else {
        const start = bAt;
        const c = cut[i];
        const b = dropped[i] ? EMPTY : m.bytes;
        if (dropped[i]) head |= BYTES_DROPPED | (m.kind === 'handshake' && m.truncated && (!m.bytesDropped || m.capturedBytes !== undefined) ? CAPTURED : 0);
        if (c === undefined) {
          bytes.set(b, bAt);
          bAt += b.length;
        } else {
          // The bytes around the certificates, in order; `c.at` becomes each certificate's place in them.
          let from = 0;
          for (let k = 0; k < c.ders.length; k++) {
            const off = c.at[k]!;
            bytes.set(b.subarray(from, off), bAt);
            bAt += off - from;
            c.at[k] = bAt - start;
            from = off + c.ders[k]!.length;
          }
          bytes.set(b.subarray(from), bAt);
          bAt += b.length - from;
          head |= CUT;
          cutAt = c.at;
          for (const d of c.ders) ders.push(d);
        }
        bytesLen = bAt - start;
        if (m.kind === 'handshake') {
          type = m.type;
          length = m.length;
          if (m.truncated) head |= TRUNCATED;
          if (m.decrypted) head |= DECRYPTED;
          if (m.sslv2) head |= SSLV2;
          const live = m.sslv2 ? undefined : contextOf(m);
          let k = -1;
          if (live !== undefined) {
            // A connection's messages share a few live contexts: each is looked up once.
            k = liveCtxs.indexOf(live);
            if (k < 0) {
              liveCtxs.push(live);
              k = ctxs.push(sharedContext(live)) - 1;
            }
          }
          aux = k;
          if (m.error !== undefined) (errors ??= new Array(n))[i] = m.error;
        } else if (m.kind === 'alert') {
          length = m.length;
          if (m.encrypted) head |= ENCRYPTED;
          if (m.decrypted) head |= DECRYPTED;
          if (m.level !== undefined) {
            head |= HAS_LEVEL;
            type = m.level;
          }
          if (m.description !== undefined) {
            head |= HAS_DESCRIPTION;
            aux = m.description;
          }
        }
      }
      w.num(head);
      w.num(m.frame, prevFrame);
      prevFrame = m.frame;
      if (!sameFrames) w.list(m.frames, m.frame);
      w.num(m.tsSec, prevSec);
      w.num(m.tsNsec, prevNsec);
      w.num(m.streamOffset, prevOff);
      prevSec = m.tsSec;
      prevNsec = m.tsNsec;
      prevOff = m.streamOffset;
      w.num(m.recordVersion);
      w.num(type);
      w.num(aux);
      w.num(length);
      w.num(bytesLen);
      if (cutAt !== undefined) w.list(cutAt, 0);
      if (head & CAPTURED) w.num((m as HandshakeMessage).capturedBytes ?? (m as HandshakeMessage).bytes.length);
    }
    // One exact-size buffer for the rows and the bytes.
    const buf = new Uint8Array(w.length + byteCount);
    buf.set(w.bytes);
    buf.set(bytes, w.length);
    // Exact-size copies: arrays grown by push keep spare room.
    return new SettledMessages(buf, w.length, ctxs.slice(), ders.length > 0 ? ders.slice() : undefined, errors, n);
  }

  /** Every message, as new objects. */
  list(): TlsMessage[] {
    const out: TlsMessage[] = new Array(this.length);
    const r = new RowReader(this.data);
    let frames: readonly number[] = [];
    let frame = 0;
    let tsSec = 0;
    let tsNsec = 0;
    let streamOffset = 0;
    let bytesAt = this.rowsLength;
    let dersAt = 0;
    for (let i = 0; i < this.length; i++) {
      const head = r.num();
      frame = r.num(frame);
      // Messages of one record share one frame list, as they did when live.
      if (!(head & SAME_FRAMES)) frames = r.list(frame);
      tsSec = r.num(tsSec);
      tsNsec = r.num(tsNsec);
      streamOffset = r.num(streamOffset);
      const base: Base = { index: i, dir: (head & DIR_BIT ? 1 : 0) as Dir, frame, frames, tsSec, tsNsec, streamOffset, recordVersion: r.num() };
      const row: Row = { head, type: r.num(), aux: r.num(), length: r.num(), bytesAt, bytesLen: r.num(), dersAt };
      bytesAt += row.bytesLen;
      if (head & CUT) {
        row.cutAt = r.list(0);
        dersAt += row.cutAt.length;
      }
      if (head & CAPTURED) row.captured = r.num();
      out[i] = this.message(base, row);
    }
    return out;
  }

  private message(base: Base, row: Row): TlsMessage {
    const head = row.head;
    const kind = KINDS[head & 7]!;
    if (kind === 'handshake') return new SettledHandshake(this, base, row);
    // Whole literals, not `{ ...base, ... }`: spreading an object with fractional-number fields
    // (timestamps past 2^30) took V8's slow path, about 3 KB a message that outlived the young
    // generation (a report reads every session's messages several times).
    const { index, dir, frame, frames, tsSec, tsNsec, streamOffset, recordVersion } = base;
    switch (kind) {
      case 'change-cipher-spec': {
        const bytes = this.bytesOf(row);
        const res = decodeChangeCipherSpec(bytes);
        const m: ChangeCipherSpecMessage = { index, dir, frame, frames, tsSec, tsNsec, streamOffset, recordVersion, kind, bytes, fields: res.ok ? res.value.fields : [] };
        return m;
      }
      case 'alert': {
        const bytes = this.bytesOf(row);
        const encrypted = (head & ENCRYPTED) !== 0;
        const m: { -readonly [K in keyof AlertMessage]: AlertMessage[K] } = { index, dir, frame, frames, tsSec, tsNsec, streamOffset, recordVersion, kind, encrypted, length: row.length, bytes, fields: [] };
        if (head & DECRYPTED) m.decrypted = true;
        if (head & HAS_LEVEL) m.level = row.type;
        if (head & HAS_DESCRIPTION) m.description = row.aux;
        if (!encrypted) {
          const res = decodeAlert(bytes);
          if (res.ok) m.fields = res.value.fields;
        }
        return m;
      }
      default: {
        const m: EncryptedRecordMessage = { index, dir, frame, frames, tsSec, tsNsec, streamOffset, recordVersion, kind, contentType: row.type, length: row.length };
        return m;
      }
    }
  }

  /** @internal The message's bytes as it had them (certificates kept elsewhere put back in place). */
  bytesOf(row: Row): Uint8Array {
    const around = this.data.subarray(row.bytesAt, row.bytesAt + row.bytesLen);
    const at = row.cutAt;
    if (at === undefined || this.ders === undefined) return around;
    const ders = this.ders.slice(row.dersAt, row.dersAt + at.length);
    let total = around.length;
    for (const d of ders) total += d.length;
    const out = new Uint8Array(total);
    let p = 0;
    let from = 0;
    for (let k = 0; k < ders.length; k++) {
      const to = at[k]!;
      out.set(around.subarray(from, to), p);
      p += to - from;
      out.set(ders[k]!, p);
      p += ders[k]!.length;
      from = to;
    }
    out.set(around.subarray(from), p);
    return out;
  }

  /** @internal for SettledHandshake */
  contextOf(k: number): DecodeContext | undefined {
    return this.ctxs[k];
  }

  /** @internal for SettledHandshake */
  errorOf(i: number): DecodeError | undefined {
    return this.errors?.[i];
  }
}
type Base = Pick<HandshakeMessage, 'index' | 'dir' | 'frame' | 'frames' | 'tsSec' | 'tsNsec' | 'streamOffset' | 'recordVersion'>;

/**
 * A handshake message read back from a SettledMessages: bytes, body and field tree are made when
 * read (the body and tree decoded again from the bytes).
 */
class SettledHandshake implements HandshakeMessage {
  readonly kind = 'handshake' as const;
  readonly index: number;
  readonly dir: Dir;
  readonly frame: number;
  readonly frames: readonly number[];
  readonly tsSec: number;
  readonly tsNsec: number;
  readonly streamOffset: number;
  readonly recordVersion: number;
  readonly type: number;
  readonly length: number;
  readonly truncated: boolean;
  readonly error?: DecodeError;
  readonly decrypted?: boolean;
  readonly sslv2?: boolean;
  readonly bytesDropped?: boolean;
  readonly capturedBytes?: number;
  readonly #from: SettledMessages;
  readonly #row: Row;
  #bytes: Uint8Array | undefined;
  #body: { value: HandshakeBody | undefined } | undefined;
  #fields: readonly Field[] | undefined;

  constructor(from: SettledMessages, base: Base, row: Row) {
    const head = row.head;
    this.index = base.index;
    this.dir = base.dir;
    this.frame = base.frame;
    this.frames = base.frames;
    this.tsSec = base.tsSec;
    this.tsNsec = base.tsNsec;
    this.streamOffset = base.streamOffset;
    this.recordVersion = base.recordVersion;
    this.type = row.type;
    this.length = row.length;
    this.truncated = (head & TRUNCATED) !== 0;
    const error = from.errorOf(base.index);
    if (error !== undefined) this.error = error;
    if (head & DECRYPTED) this.decrypted = true;
    if (head & SSLV2) this.sslv2 = true;
    if (head & BYTES_DROPPED) this.bytesDropped = true;
    if (row.captured !== undefined) this.capturedBytes = row.captured;
    this.#from = from;
    this.#row = row;
  }

  get bytes(): Uint8Array {
    return (this.#bytes ??= this.#from.bytesOf(this.#row));
  }

  /** Decoded again from the bytes, without the field tree (rules read bodies of many sessions). */
  get body(): HandshakeBody | undefined {
    this.#body ??= { value: this.#decode(false).body };
    return this.#body.value;
  }

  get fields(): readonly Field[] {
    return (this.#fields ??= this.#decode(true).fields);
  }

  #decode(fields: boolean): { body: HandshakeBody | undefined; fields: readonly Field[] } {
    if (this.bytesDropped) return { body: undefined, fields: [] };
    if (this.sslv2) {
      const r = decodeSslv2ClientHello(this.bytes);
      return r.ok ? r.value : { body: undefined, fields: [] };
    }
    const ctx = this.#from.contextOf(this.#row.aux);
    const r = ctx === undefined ? undefined : decodeHandshake(this.bytes, { ...ctx, fields });
    return r?.ok ? r.value : { body: undefined, fields: [] };
  }
}

const PACKED = Symbol('settled messages');

function settledMessagesOf(this: { readonly [PACKED]: SettledMessages }): TlsMessage[] {
  return this[PACKED].list();
}

/** One getter for every summary: a getter of its own per object would give each object its own shape (a slow dictionary). */
const MESSAGES: PropertyDescriptor = Object.freeze({ enumerable: true, configurable: true, get: settledMessagesOf });

/** The summary of a settled connection: `messages` reads the packed list (new objects on each read). */
export function settledSummary<T extends { readonly messages: readonly TlsMessage[] }>(summary: T, packed: SettledMessages): T {
  // `messages` is added as a new property: turning the data property into an accessor would also make a dictionary.
  const { messages: _live, ...out } = summary;
  Object.defineProperty(out, PACKED, { value: packed });
  return Object.defineProperty(out, 'messages', MESSAGES) as unknown as T;
}
