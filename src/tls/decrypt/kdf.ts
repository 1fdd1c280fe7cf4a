/**
 * Key derivation for record decryption: HKDF and HKDF-Expand-Label for TLS 1.3 (RFC 5869,
 * RFC 8446 §7.1), and the TLS 1.0–1.2 PRFs that turn a logged master secret into a key block
 * (RFC 2246 §5, RFC 5246 §5 and §6.3). Pure functions over node:crypto's HMAC; nothing kept.
 */
import { createHmac } from 'node:crypto';

export type HashName = 'sha256' | 'sha384';
export type MacHash = 'sha1' | 'sha256' | 'sha384';

export const HASH_LENGTH: Readonly<Record<MacHash | 'md5', number>> = { md5: 16, sha1: 20, sha256: 32, sha384: 48 };

function hmac(hash: string, key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const h = createHmac(hash, key);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** RFC 5869 §2.2. */
export function hkdfExtract(hash: HashName, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return hmac(hash, salt.length ? salt : new Uint8Array(HASH_LENGTH[hash]), ikm);
}

/** RFC 5869 §2.3: T(i) = HMAC(PRK, T(i-1) | info | i). */
export function hkdfExpand(hash: HashName, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const n = Math.ceil(length / HASH_LENGTH[hash]);
  if (n > 255) throw new RangeError('HKDF-Expand: length over 255 hash blocks');
  const out = new Uint8Array(n * HASH_LENGTH[hash]);
  let t: Uint8Array = new Uint8Array(0);
  for (let i = 1; i <= n; i++) {
    t = hmac(hash, prk, t, info, Uint8Array.of(i));
    out.set(t, (i - 1) * t.length);
  }
  return out.subarray(0, length);
}

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

/**
 * RFC 8446 §7.1: HkdfLabel = uint16 length | opaque label<7..255> ("tls13 " + Label) |
 * opaque context<0..255>. Labels are constants of this module, so their length is never hostile.
 */
export function hkdfExpandLabel(hash: HashName, secret: Uint8Array, label: string, context: Uint8Array, length: number): Uint8Array {
  const full = ascii(`tls13 ${label}`);
  const info = new Uint8Array(2 + 1 + full.length + 1 + context.length);
  info[0] = (length >> 8) & 0xff;
  info[1] = length & 0xff;
  info[2] = full.length;
  info.set(full, 3);
  info[3 + full.length] = context.length;
  info.set(context, 4 + full.length);
  return hkdfExpand(hash, secret, info, length);
}

/** RFC 8446 §7.1: Derive-Secret(Secret, Label, Messages) with the transcript hash given. */
export function deriveSecret(hash: HashName, secret: Uint8Array, label: string, transcriptHash: Uint8Array): Uint8Array {
  return hkdfExpandLabel(hash, secret, label, transcriptHash, HASH_LENGTH[hash]);
}

/** RFC 8446 §7.3: the write key and IV of one traffic secret. */
export function trafficKeys(hash: HashName, secret: Uint8Array, keyLength: number, ivLength: number): { key: Uint8Array; iv: Uint8Array } {
  return {
    key: hkdfExpandLabel(hash, secret, 'key', new Uint8Array(0), keyLength),
    iv: hkdfExpandLabel(hash, secret, 'iv', new Uint8Array(0), ivLength),
  };
}

/** RFC 8446 §7.2: application_traffic_secret_N+1 after a KeyUpdate. */
export function nextTrafficSecret(hash: HashName, secret: Uint8Array): Uint8Array {
  return hkdfExpandLabel(hash, secret, 'traffic upd', new Uint8Array(0), HASH_LENGTH[hash]);
}

/** RFC 5246 §5: P_hash(secret, seed) = HMAC(secret, A(1) + seed) | HMAC(secret, A(2) + seed) | ... */
function pHash(hash: string, secret: Uint8Array, seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let a = seed;
  let p = 0;
  while (p < length) {
    a = hmac(hash, secret, a);
    const block = hmac(hash, secret, a, seed);
    out.set(block.subarray(0, Math.min(block.length, length - p)), p);
    p += block.length;
  }
  return out;
}

function labelSeed(label: string, seed: Uint8Array): Uint8Array {
  const l = ascii(label);
  const out = new Uint8Array(l.length + seed.length);
  out.set(l);
  out.set(seed, l.length);
  return out;
}

/** RFC 5246 §5: the TLS 1.2 PRF, with the hash the cipher suite names (SHA-256 unless it says SHA-384). */
export function prf12(hash: HashName, secret: Uint8Array, label: string, seed: Uint8Array, length: number): Uint8Array {
  return pHash(hash, secret, labelSeed(label, seed), length);
}

/**
 * RFC 2246 §5 (also TLS 1.1, RFC 4346 §5): P_MD5 over the first half of the secret XOR P_SHA-1
 * over the second half; the halves overlap by one byte when the secret's length is odd.
 */
export function prf10(secret: Uint8Array, label: string, seed: Uint8Array, length: number): Uint8Array {
  const half = Math.ceil(secret.length / 2);
  const ls = labelSeed(label, seed);
  const md5 = pHash('md5', secret.subarray(0, half), ls, length);
  const sha = pHash('sha1', secret.subarray(secret.length - half), ls, length);
  for (let i = 0; i < length; i++) md5[i] = md5[i]! ^ sha[i]!;
  return md5;
}

/**
 * RFC 5246 §6.3: key_block = PRF(master_secret, "key expansion", server_random + client_random).
 * Note the order of the randoms: server first here, client first in the master secret.
 */
export function keyBlock(version: number, prfHash: HashName, masterSecret: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array, length: number): Uint8Array {
  const seed = new Uint8Array(serverRandom.length + clientRandom.length);
  seed.set(serverRandom);
  seed.set(clientRandom, serverRandom.length);
  return version >= 0x0303 ? prf12(prfHash, masterSecret, 'key expansion', seed, length) : prf10(masterSecret, 'key expansion', seed, length);
}
