/**
 * The messages of a connection whose handshake is over, packed for keeping: one buffer per
 * connection holds every message's numbers, frame lists and bytes, and message objects are made
 * from it when the list is read. A long capture keeps thousands of finished sessions; as objects,
 * their ~20 messages each (with frame arrays, byte views and decode contexts) cost ~10 KB a
 * session, packed about 1 KB plus the bytes. Only the sessions someone reads pay for objects, and
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

// Columns of the per-message table (Int32).
const HEAD = 0; // kind | dir << 3 | flags
const TYPE = 1; // handshake type, content type (protected records) or alert level
const AUX = 2; // alert description, or the handshake's decode context (index into ctxs)
const FRAME = 3;
const FRAMES_AT = 4; // into the frame region (after the table)
const FRAMES_LEN = 5;
const TS_SEC = 6; // low 32 bits, stored as int32, read back unsigned
const TS_NSEC = 7;
const OFF_LO = 8; // stream offsets can pass 2^32 on long connections
const OFF_HI = 9;
const RECORD_VERSION = 10;
const LENGTH = 11;
const BYTES_AT = 12; // into the byte region
const BYTES_LEN = 13;
const TS_SEC_HI = 14; // seconds past 2^32 (hostile or far-future timestamps) are kept, not wrapped
const COLS = 15;

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

/** What a few messages need beyond the table: a decode error, or certificates kept elsewhere. */
interface Extra {
  readonly error?: DecodeError;
  /**
   * A Certificate message whose certificates are kept elsewhere (the certificate pool): its byte
   * region holds the bytes around them, `ders[k]` goes at `at[k]` of those.
   */
  readonly at?: readonly number[];
  readonly ders?: readonly Uint8Array[];
}

/** Live message facts the packer needs beyond the TlsMessage type: a handshake message's decode context. */
export type ContextOf = (m: HandshakeMessage) => DecodeContext | undefined;

/** Returns a kept copy of a Certificate message's certificate (same bytes), or undefined to keep its own. */
export type StoredCertificate = (message: HandshakeMessage, position: number, der: Uint8Array) => Uint8Array | undefined;

/** Whether a settled handshake message keeps its bytes (undefined: every message does). */
export type KeepBytes = (message: HandshakeMessage) => boolean;

export class SettledMessages {
  private constructor(
    /** Table, then frame lists, as Int32; a view of the same buffer as `bytes`. */
    private readonly ints: Int32Array,
    private readonly bytes: Uint8Array,
    private readonly ctxs: readonly DecodeContext[],
    private readonly extras: readonly (Extra | undefined)[] | undefined,
    readonly length: number,
  ) {}

  /**
   * Packs a connection's message list. `certificates` (a Certificate message's decoded list, when
   * still at hand) and `stored` let a Certificate message keep only the bytes around certificates
   * another store already holds.
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
    let extras: (Extra | undefined)[] | undefined;
    // Frame lists: messages of one record share theirs; consecutive repeats are stored once.
    let frameInts = 0;
    let lastFrames: readonly number[] | undefined;
    let byteCount = 0;
    const cut: ({ at: number[]; ders: Uint8Array[] } | undefined)[] = new Array(n);
    const dropped: boolean[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const m = list[i]!;
      if (m.frames !== lastFrames) frameInts += m.frames.length;
      lastFrames = m.frames;
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
    const intCount = n * COLS + frameInts;
    const buf = new ArrayBuffer(intCount * 4 + byteCount);
    const ints = new Int32Array(buf, 0, intCount);
    const bytes = new Uint8Array(buf, intCount * 4, byteCount);
    let fAt = n * COLS;
    let bAt = 0;
    lastFrames = undefined;
    let lastFramesAt = 0;
    for (let i = 0; i < n; i++) {
      const m = list[i]!;
      const r = i * COLS;
      if (m.frames !== lastFrames) {
        lastFramesAt = fAt;
        for (const f of m.frames) ints[fAt++] = f;
        lastFrames = m.frames;
      }
      let head = KIND_CODE[m.kind] | (m.dir === 1 ? DIR_BIT : 0);
      ints[FRAME + r] = m.frame;
      ints[FRAMES_AT + r] = lastFramesAt;
      ints[FRAMES_LEN + r] = m.frames.length;
      ints[TS_SEC + r] = m.tsSec % 0x1_0000_0000 | 0;
      ints[TS_SEC_HI + r] = Math.floor(m.tsSec / 0x1_0000_0000);
      ints[TS_NSEC + r] = m.tsNsec;
      ints[OFF_LO + r] = m.streamOffset % 0x1_0000_0000 | 0;
      ints[OFF_HI + r] = Math.floor(m.streamOffset / 0x1_0000_0000);
      ints[RECORD_VERSION + r] = m.recordVersion;
      if (m.kind !== 'handshake' && m.kind !== 'change-cipher-spec' && m.kind !== 'alert') {
        ints[TYPE + r] = m.contentType;
        ints[LENGTH + r] = m.length;
        ints[HEAD + r] = head;
        continue;
      }
      let extra: Extra | undefined;
      ints[BYTES_AT + r] = bAt;
      const c = cut[i];
      const b = dropped[i] ? EMPTY : m.bytes;
      if (dropped[i]) head |= BYTES_DROPPED;
      if (c === undefined) {
        bytes.set(b, bAt);
        bAt += b.length;
      } else {
        // The bytes around the certificates, in order; `c.at` becomes each certificate's place in them.
        const start = bAt;
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
        extra = { at: c.at.slice(), ders: c.ders.slice() }; // exact-size copies: arrays grown by push keep spare room
      }
      ints[BYTES_LEN + r] = bAt - ints[BYTES_AT + r]!;
      if (m.kind === 'handshake') {
        ints[TYPE + r] = m.type;
        ints[LENGTH + r] = m.length;
        if (m.truncated) head |= TRUNCATED;
        if (m.decrypted) head |= DECRYPTED;
        if (m.sslv2) head |= SSLV2;
        const ctx = m.sslv2 ? undefined : contextOf(m);
        let k = -1;
        if (ctx !== undefined) {
          k = ctxs.indexOf(ctx);
          if (k < 0) k = ctxs.push(ctx) - 1;
        }
        ints[AUX + r] = k;
        if (m.error !== undefined) extra = { ...extra, error: m.error };
      } else if (m.kind === 'alert') {
        ints[LENGTH + r] = m.length;
        if (m.encrypted) head |= ENCRYPTED;
        if (m.decrypted) head |= DECRYPTED;
        if (m.level !== undefined) {
          head |= HAS_LEVEL;
          ints[TYPE + r] = m.level;
        }
        if (m.description !== undefined) {
          head |= HAS_DESCRIPTION;
          ints[AUX + r] = m.description;
        }
      }
      ints[HEAD + r] = head;
      if (extra !== undefined) (extras ??= new Array(n))[i] = extra;
    }
    return new SettledMessages(ints, bytes, ctxs.slice(), extras, n);
  }

  /** Every message, as new objects. */
  list(): TlsMessage[] {
    const out: TlsMessage[] = new Array(this.length);
    let lastAt = -1;
    let lastLen = -1;
    let frames: readonly number[] = [];
    for (let i = 0; i < this.length; i++) {
      const r = i * COLS;
      const at = this.ints[FRAMES_AT + r]!;
      const len = this.ints[FRAMES_LEN + r]!;
      // Messages of one record share one frame list, as they did when live.
      if (at !== lastAt || len !== lastLen) frames = Array.from(this.ints.subarray(at, at + len));
      lastAt = at;
      lastLen = len;
      out[i] = this.message(i, frames);
    }
    return out;
  }

  private message(i: number, frames: readonly number[]): TlsMessage {
    const t = this.ints;
    const r = i * COLS;
    const head = t[HEAD + r]!;
    const kind = KINDS[head & 7]!;
    const base = {
      index: i,
      dir: (head & DIR_BIT ? 1 : 0) as Dir,
      frame: t[FRAME + r]!,
      frames,
      tsSec: t[TS_SEC_HI + r]! * 0x1_0000_0000 + (t[TS_SEC + r]! >>> 0),
      tsNsec: t[TS_NSEC + r]!,
      streamOffset: t[OFF_HI + r]! * 0x1_0000_0000 + (t[OFF_LO + r]! >>> 0),
      recordVersion: t[RECORD_VERSION + r]!,
    };
    switch (kind) {
      case 'handshake':
        return new SettledHandshake(this, i, base, head);
      case 'change-cipher-spec': {
        const bytes = this.bytesOf(i);
        const res = decodeChangeCipherSpec(bytes);
        const m: ChangeCipherSpecMessage = { ...base, kind, bytes, fields: res.ok ? res.value.fields : [] };
        return m;
      }
      case 'alert': {
        const bytes = this.bytesOf(i);
        const m: { -readonly [K in keyof AlertMessage]: AlertMessage[K] } = { ...base, kind, encrypted: (head & ENCRYPTED) !== 0, length: t[LENGTH + r]!, bytes, fields: [] };
        if (head & DECRYPTED) m.decrypted = true;
        if (head & HAS_LEVEL) m.level = t[TYPE + r]!;
        if (head & HAS_DESCRIPTION) m.description = t[AUX + r]!;
        if (!m.encrypted) {
          const res = decodeAlert(bytes);
          if (res.ok) m.fields = res.value.fields;
        }
        return m;
      }
      default: {
        const m: EncryptedRecordMessage = { ...base, kind, contentType: t[TYPE + r]!, length: t[LENGTH + r]! };
        return m;
      }
    }
  }

  /** The message's bytes as it had them (certificates kept elsewhere put back in place). */
  bytesOf(i: number): Uint8Array {
    const r = i * COLS;
    const start = this.ints[BYTES_AT + r]!;
    const around = this.bytes.subarray(start, start + this.ints[BYTES_LEN + r]!);
    const x = this.extras?.[i];
    if (x?.ders === undefined || x.at === undefined) return around;
    let total = around.length;
    for (const d of x.ders) total += d.length;
    const out = new Uint8Array(total);
    let p = 0;
    let from = 0;
    for (let k = 0; k < x.ders.length; k++) {
      const to = x.at[k]!;
      out.set(around.subarray(from, to), p);
      p += to - from;
      out.set(x.ders[k]!, p);
      p += x.ders[k]!.length;
      from = to;
    }
    out.set(around.subarray(from), p);
    return out;
  }

  /** @internal for SettledHandshake */
  contextOf(i: number): DecodeContext | undefined {
    return this.ctxs[this.ints[AUX + i * COLS]!];
  }

  /** @internal for SettledHandshake */
  errorOf(i: number): DecodeError | undefined {
    return this.extras?.[i]?.error;
  }

  /** @internal for SettledHandshake */
  typeOf(i: number): number {
    return this.ints[TYPE + i * COLS]!;
  }

  /** @internal for SettledHandshake */
  lengthOf(i: number): number {
    return this.ints[LENGTH + i * COLS]!;
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
  readonly #from: SettledMessages;
  readonly #i: number;
  #bytes: Uint8Array | undefined;
  #body: { value: HandshakeBody | undefined } | undefined;
  #fields: readonly Field[] | undefined;

  constructor(from: SettledMessages, i: number, base: Base, head: number) {
    this.index = base.index;
    this.dir = base.dir;
    this.frame = base.frame;
    this.frames = base.frames;
    this.tsSec = base.tsSec;
    this.tsNsec = base.tsNsec;
    this.streamOffset = base.streamOffset;
    this.recordVersion = base.recordVersion;
    this.type = from.typeOf(i);
    this.length = from.lengthOf(i);
    this.truncated = (head & TRUNCATED) !== 0;
    const error = from.errorOf(i);
    if (error !== undefined) this.error = error;
    if (head & DECRYPTED) this.decrypted = true;
    if (head & SSLV2) this.sslv2 = true;
    if (head & BYTES_DROPPED) this.bytesDropped = true;
    this.#from = from;
    this.#i = i;
  }

  get bytes(): Uint8Array {
    return (this.#bytes ??= this.#from.bytesOf(this.#i));
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
    const ctx = this.#from.contextOf(this.#i);
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
