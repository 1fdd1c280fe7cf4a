/**
 * What record protection a negotiated cipher suite uses, read from its IANA name so that every
 * suite in the name table with a supported cipher is covered without a second table.
 */
import { cipherSuiteInfo } from '../names.js';
import type { HashName, MacHash } from './kdf.js';

export type AeadCipher = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305' | 'aes-128-ccm' | 'aes-256-ccm';
export type CbcCipher = 'aes-128-cbc' | 'aes-256-cbc' | 'des-ede3-cbc';

export interface AeadSuite {
  readonly kind: 'aead';
  readonly cipher: AeadCipher;
  readonly keyLength: number;
  readonly tagLength: number;
  /** TLS 1.3: the HKDF hash; TLS 1.2: the PRF hash. */
  readonly hash: HashName;
  /**
   * TLS 1.2 only: 4-byte salt followed by an 8-byte explicit nonce in each record (GCM, RFC 5288
   * §3; CCM, RFC 6655 §3), or a 12-byte IV XORed with the sequence number (ChaCha20, RFC 7905 §2).
   * TLS 1.3 always uses the XOR form (RFC 8446 §5.3).
   */
  readonly explicitNonce: boolean;
}

export interface CbcSuite {
  readonly kind: 'cbc';
  readonly cipher: CbcCipher;
  readonly keyLength: number;
  readonly blockLength: number;
  readonly mac: MacHash;
  /** The TLS 1.2 PRF hash (RFC 5246 §5: SHA-256 unless the suite names SHA-384). */
  readonly hash: HashName;
}

export type Suite = AeadSuite | CbcSuite;

const AEAD: Record<string, Omit<AeadSuite, 'kind' | 'hash' | 'explicitNonce'>> = {
  AES_128_GCM: { cipher: 'aes-128-gcm', keyLength: 16, tagLength: 16 },
  AES_256_GCM: { cipher: 'aes-256-gcm', keyLength: 32, tagLength: 16 },
  CHACHA20_POLY1305: { cipher: 'chacha20-poly1305', keyLength: 32, tagLength: 16 },
  AES_128_CCM: { cipher: 'aes-128-ccm', keyLength: 16, tagLength: 16 },
  AES_128_CCM_8: { cipher: 'aes-128-ccm', keyLength: 16, tagLength: 8 },
  AES_256_CCM: { cipher: 'aes-256-ccm', keyLength: 32, tagLength: 16 },
  AES_256_CCM_8: { cipher: 'aes-256-ccm', keyLength: 32, tagLength: 8 },
};

const CBC: Record<string, Omit<CbcSuite, 'kind' | 'mac' | 'hash'>> = {
  AES_128_CBC: { cipher: 'aes-128-cbc', keyLength: 16, blockLength: 16 },
  AES_256_CBC: { cipher: 'aes-256-cbc', keyLength: 32, blockLength: 16 },
  '3DES_EDE_CBC': { cipher: 'des-ede3-cbc', keyLength: 24, blockLength: 8 },
};

const MACS: Record<string, MacHash> = { SHA: 'sha1', SHA256: 'sha256', SHA384: 'sha384' };

/** The protection of `code` under `version`, or undefined when this module cannot remove it. */
export function suiteFor(code: number, version: number): Suite | undefined {
  const { name, known } = cipherSuiteInfo(code);
  if (!known) return undefined;
  if (version === 0x0304) {
    // RFC 8446 §B.4: TLS_<AEAD>_<HASH>, no key exchange in the name.
    const m = /^TLS_([A-Z0-9_]+?)_(SHA256|SHA384)$/.exec(name);
    const a = m ? AEAD[m[1]!] : undefined;
    return a && m ? { kind: 'aead', ...a, hash: m[2] === 'SHA384' ? 'sha384' : 'sha256', explicitNonce: false } : undefined;
  }
  if (version < 0x0301 || version > 0x0303) return undefined; // SSL 3.0 MACs and PRF differ; not supported
  const w = /_WITH_([A-Z0-9_]+)$/.exec(name);
  if (!w) return undefined;
  const rest = w[1]!;
  const prfHash: HashName = rest.endsWith('_SHA384') ? 'sha384' : 'sha256';
  // RFC 5288 (GCM), RFC 6655 (CCM, whose names carry no hash: the PRF is SHA-256), RFC 7905.
  const aead = /^(AES_(?:128|256)_(?:GCM|CCM(?:_8)?)|CHACHA20_POLY1305)(?:_(SHA256|SHA384))?$/.exec(rest);
  if (aead) {
    const a = AEAD[aead[1]!]!;
    if (version < 0x0303) return undefined; // AEAD suites are TLS 1.2 only (RFC 5246 §6.2.3.3)
    return { kind: 'aead', ...a, hash: prfHash, explicitNonce: a.cipher !== 'chacha20-poly1305' };
  }
  const cbc = /^(AES_128_CBC|AES_256_CBC|3DES_EDE_CBC)_(SHA|SHA256|SHA384)$/.exec(rest);
  if (cbc) return { kind: 'cbc', ...CBC[cbc[1]!]!, mac: MACS[cbc[2]!]!, hash: prfHash };
  return undefined;
}
