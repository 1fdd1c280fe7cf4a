/**
 * What comes before TLS on a connection: plaintext upgrade protocols (STARTTLS and friends) whose
 * bytes precede the first handshake record, and protocols that are plainly not TLS, recognised
 * from their first bytes so such connections are dropped at once.
 */
import { helloRecordAt, plausibleRecordHeader, recordLengthAt, sslv2HelloAt } from './record.js';
import type { NotTlsReason, PreambleProtocol } from './types.js';

function startsWithAscii(buf: Uint8Array, text: string, at = 0): boolean {
  if (buf.length - at < text.length) return false;
  for (let i = 0; i < text.length; i++) if (buf[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

/** Requests only: a response ("HTTP/1.1 200") may be the answer to CONNECT, after which TLS follows. */
const HTTP_METHODS = ['GET ', 'POST ', 'HEAD ', 'PUT ', 'DELETE ', 'PATCH ', 'OPTIONS ', 'TRACE ', 'PRI * HTTP/2'];
const SIP_STARTS = ['SIP/2.0 ', 'INVITE ', 'REGISTER ', 'ACK ', 'BYE ', 'CANCEL ', 'SUBSCRIBE ', 'NOTIFY ', 'MESSAGE ', 'INFO ', 'PRACK ', 'REFER ', 'PUBLISH ', 'UPDATE ', 'OPTIONS '];

/** Index of the first CR or LF within the first `limit` bytes, or -1. */
function lineEnd(buf: Uint8Array, limit: number): number {
  const n = Math.min(buf.length, limit);
  for (let i = 0; i < n; i++) if (buf[i] === 13 || buf[i] === 10) return i;
  return -1;
}

function lineContains(buf: Uint8Array, end: number, text: string): boolean {
  outer: for (let i = 0; i + text.length <= end; i++) {
    for (let j = 0; j < text.length; j++) if (buf[i + j] !== text.charCodeAt(j)) continue outer;
    return true;
  }
  return false;
}

/**
 * Classifies the first bytes of a direction. 'tls' = a record header or SSLv2 hello at offset 0;
 * a NotTlsReason = a protocol that never upgrades in place (SSH, plain HTTP, SIP over TCP);
 * 'scan' = something else (maybe a STARTTLS preamble), look further; 'more' = too few bytes.
 */
export function classifyStart(buf: Uint8Array, maxRecord: number): 'tls' | 'sslv2' | 'scan' | 'more' | NotTlsReason {
  if (buf.length === 0) return 'more';
  const b0 = buf[0]!;
  if (b0 >= 20 && b0 <= 24) {
    if (buf.length < 5) return 'more';
    if (plausibleRecordHeader(buf, 0, maxRecord)) return 'tls';
    // Type and version say TLS but the length is over the maximum: still TLS, so that the record
    // layer reports the oversized record (RFC 5246 §6.2.3) instead of quietly scanning past it.
    if (buf[1] === 3 && buf[2]! <= 4) return 'tls';
    return 'scan';
  }
  if (b0 & 0x80) {
    const v2 = sslv2HelloAt(buf, 0, buf.length);
    if (v2 === 'yes') return 'sslv2';
    if (v2 === 'more') return 'more';
    return 'scan';
  }
  if (startsWithAscii(buf, 'SSH-'.slice(0, Math.min(4, buf.length))) && buf.length < 4) return 'more';
  if (startsWithAscii(buf, 'SSH-')) return 'ssh';
  // Text protocols: decide on the first line (bounded), so a partial first segment waits.
  if (b0 >= 0x41 && b0 <= 0x5a) {
    const eol = lineEnd(buf, 512);
    if (eol < 0) return buf.length < 512 ? 'more' : 'scan';
    if (startsWithAscii(buf, 'CONNECT ')) return 'scan';
    if (lineContains(buf, eol, 'SIP/2.0')) return 'sip';
    if (HTTP_METHODS.some((m) => startsWithAscii(buf, m))) return 'http';
    if (SIP_STARTS.some((m) => startsWithAscii(buf, m))) return 'sip';
  }
  return 'scan';
}

export interface TlsStart {
  readonly offset: number;
  readonly how: 'hello' | 'record-chain';
}

/**
 * Looks in buf[from, end) for where TLS starts: a ClientHello/ServerHello record (STARTTLS
 * preambles), or at least two consecutive plausible record headers (a capture that began
 * mid-stream). Returns the start, or `{ resumeAt }` — the first position that could not yet be
 * decided for lack of bytes, where the next scan continues.
 */
export function findTlsStart(buf: Uint8Array, from: number, end: number, maxRecord: number): TlsStart | { readonly resumeAt: number } {
  for (let i = from; i < end; i++) {
    const b = buf[i]!;
    if (b < 20 || b > 24) continue;
    if (end - i < 5) return { resumeAt: i };
    if (!plausibleRecordHeader(buf, i, maxRecord)) continue;
    if (b === 22) {
      const h = helloRecordAt(buf, i, end, maxRecord);
      if (h === 'yes') return { offset: i, how: 'hello' };
      if (h === 'more') return { resumeAt: i };
    }
    const len = recordLengthAt(buf, i);
    if (len === 0) continue;
    const next = i + 5 + len;
    if (next + 5 > end) {
      // Not decidable yet; keep looking for a hello further on but come back here later.
      const rest = findTlsStart(buf, i + 1, Math.min(end, next), maxRecord);
      if ('offset' in rest) return rest;
      return { resumeAt: i };
    }
    if (plausibleRecordHeader(buf, next, maxRecord) && recordLengthAt(buf, next) > 0) return { offset: i, how: 'record-chain' };
  }
  return { resumeAt: end };
}

function containsAscii(buf: Uint8Array, text: string, caseless = true): boolean {
  const n = text.length;
  const want = caseless ? text.toUpperCase() : text;
  outer: for (let i = 0; i + n <= buf.length; i++) {
    for (let j = 0; j < n; j++) {
      let c = buf[i + j]!;
      if (caseless && c >= 0x61 && c <= 0x7a) c -= 0x20;
      if (c !== want.charCodeAt(j)) continue outer;
    }
    return true;
  }
  return false;
}

/**
 * Names the upgrade protocol from the plaintext that preceded TLS in each direction (the heads
 * are bounded copies). Patterns: RFC 3207 (SMTP STARTTLS), RFC 2595 (IMAP STARTTLS, POP3 STLS),
 * RFC 4217 (FTP AUTH TLS), RFC 6120 §5 (XMPP), RFC 4511 §4.14 (LDAP StartTLS OID
 * 1.3.6.1.4.1.1466.20037), PostgreSQL SSLRequest (code 80877103), MySQL CLIENT_SSL,
 * SOCKS 4/5 (RFC 1928), HTTP CONNECT (RFC 9110 §9.3.6).
 */
export function namePreamble(head0: Uint8Array, head1: Uint8Array): PreambleProtocol {
  const heads = [head0, head1];
  const any = (t: string): boolean => heads.some((h) => containsAscii(h, t));
  const starts = (t: string): boolean => heads.some((h) => startsWithAscii(h, t));
  const startsBytes = (b: readonly number[]): boolean => heads.some((h) => h.length >= b.length && b.every((x, i) => h[i] === x));
  if (startsBytes([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f])) return 'postgresql-sslrequest';
  if (any('1.3.6.1.4.1.1466.20037')) return 'ldap-starttls';
  if (starts('CONNECT ')) return 'http-connect';
  if (any('<starttls') || any('<stream:stream')) return 'xmpp-starttls';
  if (any('AUTH TLS') || any('AUTH SSL')) return 'ftp-auth-tls';
  if ((any('EHLO') || any('HELO')) && any('STARTTLS')) return 'smtp-starttls';
  if (starts('* OK') && any('STARTTLS')) return 'imap-starttls';
  if (starts('+OK') && any('STLS')) return 'pop3-stls';
  if (any('STARTTLS')) return starts('220') ? 'smtp-starttls' : 'imap-starttls';
  // MySQL: server greeting = 3-byte length, sequence 0, protocol 10; the client's SSL request
  // is sequence 1 with CLIENT_SSL (0x0800) in the capability flags (little-endian).
  const mysqlServer = heads.some((h) => h.length > 5 && h[3] === 0 && h[4] === 0x0a);
  const mysqlClient = heads.some((h) => h.length >= 8 && h[3] === 1 && (h[5]! & 0x08) !== 0);
  if (mysqlServer && mysqlClient) return 'mysql-ssl';
  if (heads.some((h) => h.length >= 3 && h[0] === 5 && h[1]! >= 1 && h[1]! + 2 <= h.length)) return 'socks5';
  if (heads.some((h) => h.length >= 8 && h[0] === 4 && (h[1] === 1 || h[1] === 2))) return 'socks4';
  return 'unknown';
}
