/**
 * Certificates stored once per SHA-256 fingerprint (ARCHITECTURE.md); sessions and stores refer to
 * them by id. Also the lookups chain building and store matching need: issuer+serial (how
 * Expressway and RFC 5280 §4.1.2.2 identify a certificate), subject Name DER (issuer → subject
 * matching, §6.1), and key identifier (§4.2.1.1/§4.2.1.2).
 *
 * Instances hold their own maps; there is no module-level state.
 */
import { createHash } from 'node:crypto';
import { toHex, u32be } from '../bytes/index.js';
import { parseCertificate } from './certificate.js';
import type { CertInfo } from './types.js';

/** The fingerprint, used as the id. */
export type CertId = string;

function nameKey(der: Uint8Array): string {
  return toHex(der);
}

export interface CertPoolOptions {
  /**
   * Keep at most this many certificates, the ones met last (a listing that prints each session's
   * certificates as it is built needs no more than a session refers to); the one met longest ago is
   * forgotten, and decoded again if it comes back. Such a pool is looked up by id only (no issuer, subject or key-id index is kept).
   * Default: all of them.
   */
  readonly keep?: number;
}

export class CertPool {
  private readonly byId = new Map<CertId, CertInfo>();
  private readonly byIssuerSerial = new Map<string, CertId[]>();
  private readonly bySubject = new Map<string, CertId[]>();
  private readonly bySki = new Map<string, CertId[]>();
  /** Certificates added by DER, by length and a few of their bytes (addDer, tailKey). */
  private readonly byTail = new Map<number, CertInfo>();

  private readonly keep: number;

  constructor(options: CertPoolOptions = {}) {
    this.keep = options.keep ?? Infinity;
  }

  /** Adds a decoded certificate; returns the canonical id (the first copy wins). */
  add(cert: CertInfo): CertId {
    const id = cert.sha256;
    if (this.byId.has(id)) return id;
    this.byId.set(id, cert);
    if (this.keep !== Infinity) {
      if (this.byId.size > this.keep) this.forgetOldest();
      return id;
    }
    if (cert.issuer && cert.serial !== undefined) push(this.byIssuerSerial, issuerSerialKey(cert.issuer.der, cert.serial), id);
    if (cert.subject) push(this.bySubject, nameKey(cert.subject.der), id);
    if (cert.subjectKeyId) push(this.bySki, cert.subjectKeyId, id);
    return id;
  }

  /**
   * Adds raw DER, decoding it only when its fingerprint is new: a capture repeats the same chain
   * in every session, and hashing is far cheaper than decoding.
   */
  addDer(der: Uint8Array): CertId {
    // A repeat is recognised by its length and a few of its bytes (tailKey) and confirmed byte for
    // byte, without hashing: comparing is several times cheaper, and a busy capture repeats each
    // chain thousands of times. A different certificate under the same key
    // (chance or crafted) is hashed as usual.
    const key = tailKey(der);
    const seen = this.byTail.get(key);
    if (seen !== undefined && sameBytes(seen.der, der)) return this.touch(seen).sha256;
    const id = createHash('sha256').update(der).digest('hex');
    let cert = this.byId.get(id);
    if (cert !== undefined) this.touch(cert);
    if (cert === undefined) {
      cert = parseCertificate(der, { sha256: id });
      this.add(cert);
    }
    // Remembered however it came in (a store's certificate was added decoded, by `add`). Bounded:
    // past it, a capture of many distinct certificates hashes each as before. A bounded pool's
    // keys go with its certificates (forgetOldest), so each it holds keeps one: a certificate met
    // again while still held (a session told later touches its certificates) is not hashed again.
    if (seen === undefined && (this.keep !== Infinity ? this.byId.get(cert.sha256) === cert : this.byTail.size < TAIL_KEYS_MAX)) this.byTail.set(key, cert);
    // The stored certificate's own id string: every reference to it shares one string.
    return cert.sha256;
  }

  /** In a bounded pool, a certificate met again becomes the latest (the last to be forgotten). */
  private touch(cert: CertInfo): CertInfo {
    if (this.keep !== Infinity) {
      this.byId.delete(cert.sha256);
      this.byId.set(cert.sha256, cert);
    }
    return cert;
  }

  /** A bounded pool's least recently met certificate goes (from the tail index too). */
  private forgetOldest(): void {
    const first = this.byId.values().next();
    if (first.done) return;
    const cert = first.value;
    this.byId.delete(cert.sha256);
    const key = tailKey(cert.der);
    if (this.byTail.get(key) === cert) this.byTail.delete(key);
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: CertId): CertInfo | undefined {
    return this.byId.get(id);
  }

  byFingerprint(sha256: string): CertInfo | undefined {
    return this.byId.get(sha256.toLowerCase().replace(/:/g, ''));
  }

  /**
   * By issuer Name DER and serial hex. Serial may be given with or without its 00 pad byte; both
   * forms are tried.
   */
  byIssuerAndSerial(issuerDer: Uint8Array, serialHex: string): CertInfo[] {
    const s = serialHex.toLowerCase();
    const ids = [...(this.byIssuerSerial.get(issuerSerialKey(issuerDer, s)) ?? []), ...(s.startsWith('00') ? [] : (this.byIssuerSerial.get(issuerSerialKey(issuerDer, '00' + s)) ?? []))];
    return ids.map((id) => this.byId.get(id)!);
  }

  bySubjectDer(subjectDer: Uint8Array): CertInfo[] {
    return (this.bySubject.get(nameKey(subjectDer)) ?? []).map((id) => this.byId.get(id)!);
  }

  bySubjectKeyId(ski: string): CertInfo[] {
    return (this.bySki.get(ski.toLowerCase()) ?? []).map((id) => this.byId.get(id)!);
  }

  all(): CertInfo[] {
    return [...this.byId.values()];
  }
}

const TAIL_KEYS_MAX = 4096;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}

function issuerSerialKey(issuerDer: Uint8Array, serial: string): string {
  return `${toHex(issuerDer)}/${serial}`;
}

/**
 * The length, and the last four bytes (a signature's, as good as random) mixed with an FNV-1a digest
 * of the first 64 (where the serial lies): certificates that differ only in their serial (one CA's
 * test leaves, or a signature left as it was when the serial was changed) get keys of their own.
 */
function tailKey(der: Uint8Array): number {
  let h = 0x811c9dc5;
  const head = Math.min(der.length, 64);
  for (let i = 0; i < head; i++) h = Math.imul(h ^ der[i]!, 0x01000193);
  const last = der.length >= 4 ? u32be(der, der.length - 4) : 0;
  return (der.length % 0x100000) * 0x100000000 + ((h ^ last) >>> 0);
}

function push(map: Map<string, CertId[]>, key: string, id: CertId): void {
  const list = map.get(key);
  if (list) list.push(id);
  else map.set(key, [id]);
}
