/**
 * Record protection removal, one record at a time: TLS 1.3 AEAD (RFC 8446 §5.2–§5.3), TLS 1.2
 * AEAD (RFC 5288, RFC 6655, RFC 7905) and CBC with HMAC, MAC-then-encrypt (RFC 5246 §6.2.3.2,
 * TLS 1.0's chained IV of RFC 2246 §6.2.3.2) or encrypt-then-MAC (RFC 7366). Only node:crypto does
 * the cryptography. Input bodies are views valid during the call; every output is a fresh buffer.
 */
import { createDecipheriv, createHmac, timingSafeEqual, type CipherCCMTypes, type CipherGCMTypes } from 'node:crypto';
import { HASH_LENGTH, trafficKeys } from './kdf.js';
import type { AeadCipher, AeadSuite, CbcSuite } from './suites.js';

/** The outcome of opening one record. `auth` = the tag or MAC did not verify (wrong key, wrong sequence). */
export type Opened =
  | { readonly ok: true; readonly contentType: number; readonly data: Uint8Array }
  | { readonly ok: false; readonly why: 'auth' | 'malformed'; readonly detail: string };

const authFail = (detail: string): Opened => ({ ok: false, why: 'auth', detail });
const malformed = (detail: string): Opened => ({ ok: false, why: 'malformed', detail });

/** The 64-bit sequence number, big-endian (RFC 5246 §6.2.3.1, RFC 8446 §5.3). */
export function seqBytes(seq: number): Uint8Array {
  const b = new Uint8Array(8);
  const hi = Math.floor(seq / 0x1_0000_0000);
  const lo = seq >>> 0;
  b[0] = hi >>> 24;
  b[1] = (hi >>> 16) & 0xff;
  b[2] = (hi >>> 8) & 0xff;
  b[3] = hi & 0xff;
  b[4] = lo >>> 24;
  b[5] = (lo >>> 16) & 0xff;
  b[6] = (lo >>> 8) & 0xff;
  b[7] = lo & 0xff;
  return b;
}

/** RFC 8446 §5.3 (and RFC 7905 §2): the sequence number, left-padded to the IV length, XORed with the IV. */
export function xorNonce(iv: Uint8Array, seq: number): Uint8Array {
  const nonce = Uint8Array.prototype.slice.call(iv);
  const s = seqBytes(seq);
  for (let i = 0; i < 8; i++) nonce[nonce.length - 8 + i] = nonce[nonce.length - 8 + i]! ^ s[i]!;
  return nonce;
}

/** AEAD decryption; undefined when the tag does not verify. */
export function aeadOpen(cipher: AeadCipher, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array): Uint8Array | undefined {
  try {
    if (cipher === 'aes-128-ccm' || cipher === 'aes-256-ccm') {
      const d = createDecipheriv(cipher as CipherCCMTypes, key, nonce, { authTagLength: tag.length });
      d.setAuthTag(tag);
      d.setAAD(aad, { plaintextLength: ciphertext.length });
      const out = d.update(ciphertext);
      d.final();
      return new Uint8Array(out.buffer, out.byteOffset, out.length);
    }
    const d =
      cipher === 'chacha20-poly1305'
        ? createDecipheriv(cipher, key, nonce, { authTagLength: 16 })
        : createDecipheriv(cipher as CipherGCMTypes, key, nonce, { authTagLength: 16 });
    d.setAuthTag(tag);
    d.setAAD(aad, { plaintextLength: ciphertext.length });
    const a = d.update(ciphertext);
    const b = d.final();
    if (b.length === 0) return new Uint8Array(a.buffer, a.byteOffset, a.length);
    const out = new Uint8Array(a.length + b.length);
    out.set(a);
    out.set(b, a.length);
    return out;
  } catch {
    return undefined;
  }
}

/** The protection of one direction under one TLS 1.3 traffic secret (RFC 8446 §7.3). */
export class Tls13Protection {
  private readonly key: Uint8Array;
  private readonly iv: Uint8Array;

  constructor(
    private readonly suite: AeadSuite,
    readonly secret: Uint8Array,
  ) {
    const k = trafficKeys(suite.hash, secret, suite.keyLength, 12);
    this.key = k.key;
    this.iv = k.iv;
  }

  /**
   * RFC 8446 §5.2: the additional data is the record header as sent; the plaintext is
   * content | ContentType | zeros, so the inner type is the last non-zero byte.
   */
  open(outerType: number, recordVersion: number, body: Uint8Array, seq: number): Opened {
    const t = this.suite.tagLength;
    if (body.length < t + 1) return malformed(`a protected record of ${body.length} bytes is shorter than its tag`);
    if (body.length > 16384 + 256) return malformed(`a protected record of ${body.length} bytes is over the 2^14 + 256 limit (RFC 8446 §5.2)`);
    const aad = Uint8Array.of(outerType, recordVersion >> 8, recordVersion & 0xff, body.length >> 8, body.length & 0xff);
    const plain = aeadOpen(this.suite.cipher, this.key, xorNonce(this.iv, seq), aad, body.subarray(0, body.length - t), body.subarray(body.length - t));
    if (!plain) return authFail('the AEAD tag did not verify');
    let end = plain.length;
    while (end > 0 && plain[end - 1] === 0) end--;
    // RFC 8446 §5.4: all-zero plaintext has no content type: an unexpected_message for the peer.
    if (end === 0) return malformed('a decrypted record holds only padding, no content type');
    return { ok: true, contentType: plain[end - 1]!, data: plain.subarray(0, end - 1) };
  }
}

/** TLS 1.2 AEAD protection of one direction: GCM or CCM with an explicit nonce, or ChaCha20-Poly1305. */
export class Tls12Aead {
  constructor(
    private readonly suite: AeadSuite,
    private readonly key: Uint8Array,
    /** 4-byte salt (GCM/CCM) or 12-byte IV (ChaCha20). */
    private readonly iv: Uint8Array,
  ) {}

  open(type: number, recordVersion: number, body: Uint8Array, seq: number): Opened {
    const t = this.suite.tagLength;
    const explicit = this.suite.explicitNonce ? 8 : 0;
    if (body.length < explicit + t) return malformed(`a protected record of ${body.length} bytes is shorter than its nonce and tag`);
    let nonce: Uint8Array;
    if (explicit) {
      nonce = new Uint8Array(12);
      nonce.set(this.iv.subarray(0, 4));
      nonce.set(body.subarray(0, 8), 4);
    } else nonce = xorNonce(this.iv, seq);
    const ct = body.subarray(explicit, body.length - t);
    // RFC 5246 §6.2.3.3: additional_data = seq_num + type + version + length (of the plaintext).
    const aad = new Uint8Array(13);
    aad.set(seqBytes(seq));
    aad[8] = type;
    aad[9] = recordVersion >> 8;
    aad[10] = recordVersion & 0xff;
    aad[11] = ct.length >> 8;
    aad[12] = ct.length & 0xff;
    const plain = aeadOpen(this.suite.cipher, this.key, nonce, aad, ct, body.subarray(body.length - t));
    return plain ? { ok: true, contentType: type, data: plain } : authFail('the AEAD tag did not verify');
  }

  /** Application data need not be opened: its sequence number is all that changes. */
  skip(_body: Uint8Array): void {}
}

/** CBC with HMAC, one direction. `etm` is learnt from the first record (RFC 7366 is negotiated in hellos we do not see here). */
export class Tls12Cbc {
  /** TLS 1.0: the IV of the next record is the last ciphertext block of the previous one. */
  private chainIv: Uint8Array | undefined;
  private readonly macLength: number;

  constructor(
    private readonly suite: CbcSuite,
    private readonly version: number,
    private readonly macKey: Uint8Array,
    private readonly key: Uint8Array,
    iv: Uint8Array | undefined,
    /** Encrypt-then-MAC: undefined until the first record tells. */
    public etm: boolean | undefined,
  ) {
    this.macLength = HASH_LENGTH[suite.mac];
    this.chainIv = version === 0x0301 ? iv : undefined;
  }

  /** RFC 5246 §6.2.3.1: MAC(seq_num + type + version + length + content). */
  private mac(seq: number, type: number, recordVersion: number, content: Uint8Array): Uint8Array {
    const hdr = new Uint8Array(13);
    hdr.set(seqBytes(seq));
    hdr[8] = type;
    hdr[9] = recordVersion >> 8;
    hdr[10] = recordVersion & 0xff;
    hdr[11] = content.length >> 8;
    hdr[12] = content.length & 0xff;
    return new Uint8Array(createHmac(this.suite.mac, this.macKey).update(hdr).update(content).digest());
  }

  private decryptBlocks(iv: Uint8Array, ct: Uint8Array): Uint8Array | undefined {
    try {
      const d = createDecipheriv(this.suite.cipher, this.key, iv);
      d.setAutoPadding(false);
      const a = d.update(ct);
      const b = d.final();
      const out = new Uint8Array(a.length + b.length);
      out.set(a);
      out.set(b, a.length);
      return out;
    } catch {
      return undefined;
    }
  }

  /** Splits IV and ciphertext (explicit IV from TLS 1.1 on, RFC 4346 §6.2.3.2) and checks the block framing. */
  private frame(enc: Uint8Array): { iv: Uint8Array; ct: Uint8Array } | string {
    const bl = this.suite.blockLength;
    if (this.version >= 0x0302) {
      if (enc.length < 2 * bl) return `a CBC record of ${enc.length} bytes is shorter than an IV and a block`;
      if ((enc.length - bl) % bl !== 0) return `a CBC record of ${enc.length} bytes is not whole blocks`;
      return { iv: enc.subarray(0, bl), ct: enc.subarray(bl) };
    }
    if (!this.chainIv) return 'no IV for the first TLS 1.0 record';
    if (enc.length < bl || enc.length % bl !== 0) return `a CBC record of ${enc.length} bytes is not whole blocks`;
    return { iv: this.chainIv, ct: enc };
  }

  /** RFC 5246 §6.2.3.2: padding_length + 1 bytes, all equal to padding_length. Returns the unpadded length. */
  private static unpad(p: Uint8Array): number | undefined {
    if (p.length === 0) return undefined;
    const n = p[p.length - 1]!;
    if (n + 1 > p.length) return undefined;
    for (let i = p.length - 1 - n; i < p.length; i++) if (p[i] !== n) return undefined;
    return p.length - 1 - n;
  }

  private openEtm(type: number, recordVersion: number, body: Uint8Array, seq: number): Opened {
    const m = this.macLength;
    if (body.length < m) return malformed(`a CBC record of ${body.length} bytes is shorter than its MAC`);
    const enc = body.subarray(0, body.length - m);
    const want = this.mac(seq, type, recordVersion, enc);
    if (!safeEqual(want, body.subarray(body.length - m))) return authFail('the record MAC did not verify');
    const f = this.frame(enc);
    if (typeof f === 'string') return malformed(f);
    const plain = this.decryptBlocks(f.iv, f.ct);
    const len = plain ? Tls12Cbc.unpad(plain) : undefined;
    if (!plain || len === undefined) return malformed('bad CBC padding under a valid MAC');
    if (this.version === 0x0301) this.chainIv = copy(f.ct.subarray(f.ct.length - this.suite.blockLength));
    return { ok: true, contentType: type, data: plain.subarray(0, len) };
  }

  private openMte(type: number, recordVersion: number, body: Uint8Array, seq: number): Opened {
    const f = this.frame(body);
    if (typeof f === 'string') return malformed(f);
    const plain = this.decryptBlocks(f.iv, f.ct);
    const len = plain ? Tls12Cbc.unpad(plain) : undefined;
    // Bad padding and a bad MAC are the same outcome to a reader holding the wrong key.
    if (!plain || len === undefined || len < this.macLength) return authFail('the record padding or MAC did not verify');
    const data = plain.subarray(0, len - this.macLength);
    if (!safeEqual(this.mac(seq, type, recordVersion, data), plain.subarray(len - this.macLength, len))) return authFail('the record MAC did not verify');
    if (this.version === 0x0301) this.chainIv = copy(f.ct.subarray(f.ct.length - this.suite.blockLength));
    return { ok: true, contentType: type, data };
  }

  open(type: number, recordVersion: number, body: Uint8Array, seq: number): Opened {
    if (this.etm === true) return this.openEtm(type, recordVersion, body, seq);
    if (this.etm === false) return this.openMte(type, recordVersion, body, seq);
    // Unknown yet: an encrypt-then-MAC tag is checked without decrypting, so it is tried first.
    const chain = this.chainIv;
    const e = this.openEtm(type, recordVersion, body, seq);
    if (e.ok) {
      this.etm = true;
      return e;
    }
    this.chainIv = chain;
    const m = this.openMte(type, recordVersion, body, seq);
    if (m.ok) this.etm = false;
    return m;
  }

  /** Application data is not opened; TLS 1.0 still needs its last block as the next IV. */
  skip(body: Uint8Array): void {
    if (this.version !== 0x0301) return;
    const enc = this.etm ? body.subarray(0, Math.max(0, body.length - this.macLength)) : body;
    const bl = this.suite.blockLength;
    if (enc.length >= bl && enc.length % bl === 0) this.chainIv = copy(enc.subarray(enc.length - bl));
  }
}

export type Tls12Protection = Tls12Aead | Tls12Cbc;

/** What the decryptor holds for one direction, whatever the version. */
export interface RecordOpener {
  open(type: number, recordVersion: number, body: Uint8Array, seq: number): Opened;
  /** Moves past a record without opening it (TLS 1.2 application data). */
  skip?(body: Uint8Array): void;
}

function safeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function copy(v: Uint8Array): Uint8Array {
  return Uint8Array.prototype.slice.call(v);
}
