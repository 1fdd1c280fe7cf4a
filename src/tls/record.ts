/**
 * Record-layer recognition (RFC 5246 §6.2.1, RFC 8446 §5.1) and the two tiny record bodies that
 * are decoded here: ChangeCipherSpec (§7.1) and Alert (§7.2). TLS is recognised by these bytes,
 * never by port.
 */
import { ByteReader, decodeWith, type Result } from '../bytes/index.js';
import { field } from './fields.js';
import { alertDescriptionName, alertLevelName } from './names.js';
import type { Decoded, Field } from './types.js';

export const RECORD_HEADER_LENGTH = 5;

/** Type 20–24, version 3.0–3.4 (1.3 records say 0x0301/0x0303, RFC 8446 §5.1), length within `maxLength`. */
export function plausibleRecordHeader(buf: Uint8Array, at: number, maxLength: number): boolean {
  if (at + 5 > buf.length) return false;
  const t = buf[at]!;
  if (t < 20 || t > 24 || buf[at + 1] !== 3 || buf[at + 2]! > 4) return false;
  const len = (buf[at + 3]! << 8) | buf[at + 4]!;
  return len <= maxLength;
}

export function recordLengthAt(buf: Uint8Array, at: number): number {
  return (buf[at + 3]! << 8) | buf[at + 4]!;
}

/**
 * A handshake record that starts with a ClientHello or ServerHello: 16 03 0x LL LL, then type 1
 * or 2, a 3-byte length, and a hello version 03 0x. 'more' when the bytes stop before the check is
 * decided.
 */
export function helloRecordAt(buf: Uint8Array, at: number, end: number, maxLength: number): 'yes' | 'no' | 'more' {
  if (end - at < 1) return 'more';
  if (buf[at] !== 22) return 'no';
  if (end - at < 3) return end - at >= 2 && buf[at + 1] !== 3 ? 'no' : 'more';
  if (buf[at + 1] !== 3 || buf[at + 2]! > 4) return 'no';
  if (end - at < 11) return 'more';
  const len = recordLengthAt(buf, at);
  if (len < 4 || len > maxLength) return 'no';
  const ht = buf[at + 5];
  if (ht !== 1 && ht !== 2) return 'no';
  const hlen = (buf[at + 6]! << 16) | (buf[at + 7]! << 8) | buf[at + 8]!;
  // A hello is at least version + random + session id length + ... ≥ 38 bytes; it may span records.
  if (hlen < 38 || hlen > 0xffff + 0x1000) return 'no';
  return buf[at + 9] === 3 && buf[at + 10]! <= 4 ? 'yes' : 'no';
}

/**
 * SSLv2-compatible CLIENT-HELLO (RFC 5246 §E.2): 2-byte header with the top bit set, msg_type 1,
 * version 0x0002 or 3.x, cipher_spec_length a multiple of 3, challenge 16–32 bytes.
 */
export function sslv2HelloAt(buf: Uint8Array, at: number, end: number): 'yes' | 'no' | 'more' {
  if (end - at < 1) return 'more';
  if (!(buf[at]! & 0x80)) return 'no';
  if (end - at < 11) return 'more';
  const len = ((buf[at]! & 0x7f) << 8) | buf[at + 1]!;
  if (buf[at + 2] !== 1) return 'no';
  const major = buf[at + 3]!;
  const minor = buf[at + 4]!;
  if (!((major === 0 && minor === 2) || (major === 3 && minor <= 3))) return 'no';
  const cs = (buf[at + 5]! << 8) | buf[at + 6]!;
  const sid = (buf[at + 7]! << 8) | buf[at + 8]!;
  const ch = (buf[at + 9]! << 8) | buf[at + 10]!;
  if (cs === 0 || cs % 3 !== 0 || (sid !== 0 && sid !== 16 && sid !== 32) || ch < 16 || ch > 32) return 'no';
  return len === 9 + cs + sid + ch ? 'yes' : 'no';
}

/** What an alert record is, as read without keys (rule C6). */
export type AlertForm = 'plaintext' | 'encrypted' | 'null-cipher';

/**
 * The one place that decides whether an alert record's bytes can be read (rules C6, T6).
 * - Keys changed in this direction (ChangeCipherSpec in TLS 1.0–1.2): ciphertext, unless the
 *   suite is a NULL cipher, whose records are in clear followed by their MAC.
 * - TLS 1.3 after the ServerHello protects alerts inside application_data records (RFC 8446
 *   §5.2): an alert-type record there is a plaintext alert only if it has the two bytes of one
 *   (a client that could not read the ServerHello); any other length is not readable.
 * - `keysUnknown`: no hello in the capture yet (a connection joined mid-stream), so whether the
 *   keys changed is not known; a plaintext alert is exactly two bytes (RFC 5246 §7.2) and any
 *   cipher adds at least a MAC or tag, so the length decides.
 */
export function alertForm(o: { readonly keysChanged: boolean; readonly tls13: boolean; readonly keysUnknown: boolean; readonly nullCipher: boolean; readonly length: number }): AlertForm {
  if (o.tls13) return !o.keysChanged || o.length === 2 ? 'plaintext' : 'encrypted';
  if (o.keysChanged) return o.nullCipher && o.length >= 2 ? 'null-cipher' : 'encrypted';
  if (o.keysUnknown) return o.length === 2 ? 'plaintext' : 'encrypted';
  return 'plaintext';
}

/** Handshake types a record in clear can start with (RFC 5246 §7.4, RFC 8446 §4, RFC 6066, RFC 4680). */
const CLEAR_HANDSHAKE_TYPES: ReadonlySet<number> = new Set([0, 1, 2, 3, 4, 8, 11, 12, 13, 14, 15, 16, 20, 21, 22, 23, 24, 25]);

/**
 * Whether the handshake record whose body starts at buf[at] can be a handshake message in clear:
 * a known type and a length a message can have (`maxMessage`). 'unknown' when its four bytes are
 * not at hand. Without a hello in the capture, a handshake record that fails this is ciphertext
 * (a renegotiation under the keys in use, C6), not a message to reassemble.
 */
export function clearHandshakeStart(buf: Uint8Array, at: number, recordLength: number, maxMessage: number): 'yes' | 'no' | 'unknown' {
  // A message header may span records: only one wholly inside this record's body is judged.
  if (recordLength < 4 || at + 4 > buf.length) return 'unknown';
  if (!CLEAR_HANDSHAKE_TYPES.has(buf[at]!)) return 'no';
  const len = (buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!;
  return len <= maxMessage ? 'yes' : 'no';
}

export interface AlertBody {
  readonly level: number;
  readonly description: number;
}

/** Alert: level, description (RFC 5246 §7.2). Offsets are relative to the record body. */
export function decodeAlert(body: Uint8Array): Result<Decoded<AlertBody>> {
  return decodeWith(() => {
    const r = new ByteReader(body);
    const level = r.u8('alert level');
    const description = r.u8('alert description');
    const fields: Field[] = [
      field('Level', 0, 1, `${alertLevelName(level)} (${level})`, level),
      field('Description', 1, 1, `${alertDescriptionName(description)} (${description})`, description),
    ];
    return { body: { level, description }, fields };
  });
}

/** ChangeCipherSpec: a single byte of value 1 (RFC 5246 §7.1). */
export function decodeChangeCipherSpec(body: Uint8Array): Result<Decoded<{ value: number }>> {
  return decodeWith(() => {
    const r = new ByteReader(body);
    const value = r.u8('change_cipher_spec');
    if (value !== 1 || !r.atEnd) r.malformed('ChangeCipherSpec must be the single byte 1');
    return { body: { value }, fields: [field('Change Cipher Spec Message', 0, 1, String(value), value)] };
  });
}
