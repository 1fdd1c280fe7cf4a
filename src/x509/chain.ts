/**
 * Chain building (RFC 5280 §6.1, simplified to what the explainer needs): from the leaf up, find
 * each issuer by Name DER (§6.1.3 (a)(4): the issuer of one certificate equals the subject of the
 * next), narrowed by AKI keyIdentifier = SKI (§4.2.1.1) where both exist, and confirmed by the
 * signature (node:crypto). It does not check policies, name constraints or revocation: it answers
 * "is the chain complete and which CA certificates sit above the leaf", which the EKU rules (E5)
 * need, and it reports a signature that fails to verify as its own status.
 */
import { type KeyObject, constants, createPublicKey, verify } from 'node:crypto';
import { ByteReader, bytesEqual } from '../bytes/index.js';
import { childrenOf, readOid, readSmallInt, readTlv, walk } from './der.js';
import { HASH_OIDS, SIGNATURE_ALGORITHMS } from './oids.js';
import type { CertInfo } from './types.js';
import { escapeForDisplay } from './display.js';

/** 'not-checked': nothing the caller reports depended on it (see SignatureMemo.onlyWhereNeeded). */
export type SignatureCheck = 'valid' | 'invalid' | 'unsupported' | 'not-checked';

export interface SignatureResult {
  readonly result: SignatureCheck;
  readonly detail?: string;
}

/**
 * What a run of chain building has verified, held by its caller (a report's rule cache): each
 * issuer's key loaded once (loading an RSA key costs more than verifying with it), and each
 * (certificate, issuer) pair verified once, however many sessions present it.
 */
export class SignatureMemo {
  readonly keys = new Map<string, KeyObject | null>();
  readonly results = new Map<string, SignatureResult>();
  /**
   * `onlyWhereNeeded`: a signature is not verified where no outcome can depend on it: no trusted
   * certificates were given (so no trust is judged) and the issuer is the only candidate and
   * self-issued (the path ends with it either way). A busy capture's thousands of distinct client
   * leaves under one CA then cost no RSA verification each (~0.2 ms for RSA-4096).
   */
  constructor(readonly onlyWhereNeeded = false) {}
}

const NOT_CHECKED: SignatureResult = { result: 'not-checked', detail: 'not verified: no trusted CA certificates were given, and the path ends at this issuer either way' };

/** Verifies `child`'s signature with `issuer`'s public key, once per pair with a memo. Never throws. */
export function verifySignature(child: CertInfo, issuer: CertInfo, memo?: SignatureMemo): SignatureResult {
  if (!memo) return verifyOnce(child, issuer, undefined);
  const k = child.sha256 + issuer.sha256;
  let r = memo.results.get(k);
  if (r === undefined) {
    r = verifyOnce(child, issuer, memo);
    memo.results.set(k, r);
  }
  return r;
}

function issuerKey(issuer: CertInfo, spki: Uint8Array, memo: SignatureMemo | undefined): KeyObject | null {
  let key = memo?.keys.get(issuer.sha256);
  if (key === undefined) {
    try {
      key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    } catch {
      key = null;
    }
    memo?.keys.set(issuer.sha256, key);
  }
  return key;
}

function verifyOnce(child: CertInfo, issuer: CertInfo, memo: SignatureMemo | undefined): SignatureResult {
  if (!child.tbs || !child.signature || !child.signatureAlgorithm || !issuer.publicKey) {
    return { result: 'unsupported', detail: 'certificate not decoded' };
  }
  const alg = SIGNATURE_ALGORITHMS[child.signatureAlgorithm.oid];
  if (!alg || alg.family === 'unknown') return { result: 'unsupported', detail: `signature algorithm ${child.signatureAlgorithm.oid}` };
  const key = issuerKey(issuer, issuer.publicKey.spki, memo);
  if (key === null) return { result: 'unsupported', detail: `issuer key (${issuer.publicKey.algorithmName}) cannot be loaded` };
  try {
    const data = child.tbs;
    const sig = child.signature;
    let ok: boolean;
    if (alg.family === 'eddsa') ok = verify(null, data, key, sig);
    else if (alg.family === 'rsa-pss') {
      const pss = pssParams(child.signatureAlgorithm.parameters);
      if (!pss) return { result: 'unsupported', detail: 'RSASSA-PSS parameters not supported' };
      ok = verify(pss.hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: pss.saltLength }, sig);
    } else ok = verify(alg.hash!, data, key, sig);
    return ok ? { result: 'valid' } : { result: 'invalid', detail: `${alg.name} signature does not verify with the issuer's key` };
  } catch (e) {
    return { result: 'unsupported', detail: `${alg.name}: ${e instanceof Error ? e.message.slice(0, 80) : 'error'}` };
  }
}

/** RSASSA-PSS-params (RFC 4055 §3.1): defaults SHA-1, MGF1-SHA-1, salt 20. MGF hash must equal the hash for node. */
function pssParams(params: Uint8Array | undefined): { hash: string; saltLength: number } | undefined {
  if (!params) return { hash: 'sha1', saltLength: 20 };
  const res = walk(() => {
    const seq = readTlv(new ByteReader(params));
    let hash = 'sha1';
    let mgfHash = 'sha1';
    let saltLength = 20;
    for (const f of childrenOf(seq, 4).items) {
      const inner = childrenOf(f, 1).items[0];
      if (f.tag === 0xa0) hash = HASH_OIDS[readOid(childrenOf(inner!, 1).items[0], 'hashAlgorithm')] ?? '?';
      if (f.tag === 0xa1) {
        const mgfParams = childrenOf(inner!, 2).items[1];
        mgfHash = mgfParams ? (HASH_OIDS[readOid(childrenOf(mgfParams, 1).items[0], 'mgf hash')] ?? '?') : '?';
      }
      if (f.tag === 0xa2) saltLength = readSmallInt(inner, 'saltLength');
    }
    return hash !== '?' && hash === mgfHash ? { hash, saltLength } : undefined;
  }, 'RSASSA-PSS parameters');
  return res.ok ? res.value : undefined;
}

export type ChainStatus =
  /** Ends at a self-signed certificate found in the trusted store. */
  | 'complete'
  /** Ends at a self-signed certificate that is not in the trusted store (or no store was given). */
  | 'complete-untrusted-root'
  /** The leaf's issuer is nowhere: the sender left out an intermediate (or its root is unknown). */
  | 'missing-intermediate'
  /** A CA certificate's issuer is nowhere: most often the root is not in the trusted store. */
  | 'unknown-root'
  /** An issuer matched by name but its signature does not verify. */
  | 'signature-invalid'
  /** A certificate in the path could not be decoded. */
  | 'malformed'
  | 'loop'
  | 'too-long';

export interface ChainLink {
  /** Index in `chain` of the certificate and of its issuer. */
  readonly child: number;
  readonly issuer: number;
  readonly matchedBy: 'name+keyid' | 'name';
  readonly signature: SignatureCheck;
  readonly signatureDetail?: string;
  readonly issuerSource: 'presented' | 'trusted' | 'other-side';
}

export interface ChainResult {
  /** Leaf first, then each issuer found. */
  readonly chain: CertInfo[];
  readonly status: ChainStatus;
  readonly links: readonly ChainLink[];
  /** The trusted store certificate the chain ends at, when status is 'complete'. */
  readonly anchor?: CertInfo;
  /** Presented certificates that are not part of the path (extra or wrong order is harmless; extra is worth saying). */
  readonly unused: readonly CertInfo[];
  readonly notes: string[];
}

export interface ChainCandidates {
  /** Certificates the peer sent (or a PEM file supplied), leaf included or not. */
  readonly presented?: readonly CertInfo[];
  /** The trusted CA store (ca_*.pem). */
  readonly trusted?: readonly CertInfo[];
  /**
   * Certificates the other end of the same connection presented: not sent with this chain, so
   * not what its verifier was given, but an issuer found there was seen, and is said so.
   */
  readonly otherSide?: readonly CertInfo[];
}

export const MAX_CHAIN_LENGTH = 10;

function label(c: CertInfo): string {
  return escapeForDisplay(c.subject?.rfc4514 ?? `certificate ${c.sha256.slice(0, 16)}`);
}

function sameKey(a: CertInfo, b: CertInfo): boolean {
  return !!a.publicKey && !!b.publicKey && bytesEqual(a.publicKey.spki, b.publicKey.spki);
}

/** Builds the path from `leaf` upward. Bounded by MAX_CHAIN_LENGTH and loop detection. Never throws. */
export function buildChain(leaf: CertInfo, candidates: ChainCandidates, maxLength = MAX_CHAIN_LENGTH, memo?: SignatureMemo): ChainResult {
  const trusted = (candidates.trusted ?? []).filter((c) => !c.error);
  // The leaf stays a candidate: a CA that names it as issuer must be seen as a loop.
  const presented = [...(candidates.presented ?? []), leaf];
  const notes: string[] = [];
  const chain: CertInfo[] = [leaf];
  const links: ChainLink[] = [];
  const used = new Set<string>([leaf.sha256]);
  const trustedIds = new Set(trusted.map((c) => c.sha256));
  const isTrusted = (c: CertInfo): boolean =>
    trustedIds.has(c.sha256) || trusted.some((t) => t.subject && c.subject && bytesEqual(t.subject.der, c.subject.der) && sameKey(t, c));

  const finish = (status: ChainStatus, anchor?: CertInfo): ChainResult => {
    const unused = presented.filter((c) => !used.has(c.sha256));
    if (unused.length > 0) notes.push(`${unused.length} presented certificate(s) are not part of the path`);
    return { chain, status, links, unused, notes, ...(anchor ? { anchor } : {}) };
  };

  if (trusted.length === 0) notes.push('no trusted CA certificates were given: trust cannot be established');
  let current = leaf;
  for (;;) {
    if (current.error || !current.issuer || !current.subject) {
      notes.push(`${label(current)} could not be decoded: ${current.error ?? 'no names'}`);
      return finish('malformed');
    }
    if (current.isSelfIssued) {
      const self = verifySignature(current, current, memo);
      // A self-issued certificate whose signature is its own key's is a root (§3.2, §6.1): stop here.
      if (self.result !== 'invalid' && (self.result === 'valid' || !current.authorityKeyId?.keyIdentifier || current.authorityKeyId.keyIdentifier === current.subjectKeyId)) {
        if (isTrusted(current)) return finish('complete', current);
        notes.push(`the path ends at ${label(current)}, a self-signed certificate not in the trusted store`);
        return finish('complete-untrusted-root');
      }
      // Self-issued but signed by another key (a re-keyed CA): keep looking for its issuer.
    }
    if (chain.length >= maxLength) {
      notes.push(`the path is longer than ${maxLength} certificates; stopped`);
      return finish('too-long');
    }
    const issuerDer = current.issuer.der;
    const aki = current.authorityKeyId?.keyIdentifier;
    const pool: { cert: CertInfo; source: 'presented' | 'trusted' | 'other-side' }[] = [
      ...trusted.map((cert) => ({ cert, source: 'trusted' as const })),
      ...presented.filter((c) => !c.error).map((cert) => ({ cert, source: 'presented' as const })),
      ...(candidates.otherSide ?? []).filter((c) => !c.error).map((cert) => ({ cert, source: 'other-side' as const })),
    ];
    const seenIds = new Set<string>();
    const byName = pool.filter(({ cert }) => {
      if (seenIds.has(cert.sha256) || cert.sha256 === current.sha256) return false;
      seenIds.add(cert.sha256);
      return cert.subject !== undefined && bytesEqual(cert.subject.der, issuerDer);
    });
    const keyMatched = aki ? byName.filter(({ cert }) => !cert.subjectKeyId || cert.subjectKeyId === aki) : byName;
    const issuers = keyMatched.length > 0 ? keyMatched : byName;
    const unneeded = memo?.onlyWhereNeeded === true && trusted.length === 0 && issuers.length === 1 && issuers[0]!.cert.isSelfIssued === true;
    const ranked = issuers
      .map((c) => ({ ...c, sig: unneeded ? NOT_CHECKED : verifySignature(current, c.cert, memo) }))
      .sort((a, b) => score(b) - score(a));
    const best = ranked[0];
    if (!best) {
      const isLeaf = chain.length === 1;
      notes.push(
        isLeaf
          ? `the issuer of ${label(current)} was neither presented nor in the trusted store`
          : `the issuer of CA ${label(current)} was neither presented nor in the trusted store (usually the root is missing from the store)`,
      );
      return finish(isLeaf && !current.basicConstraints?.cA ? 'missing-intermediate' : 'unknown-root');
    }
    if (used.has(best.cert.sha256)) {
      notes.push(`the path loops back to ${label(best.cert)}`);
      return finish('loop');
    }
    const matchedBy = aki && best.cert.subjectKeyId === aki ? ('name+keyid' as const) : ('name' as const);
    chain.push(best.cert);
    used.add(best.cert.sha256);
    links.push({
      child: chain.length - 2,
      issuer: chain.length - 1,
      matchedBy,
      signature: best.sig.result,
      ...(best.sig.detail ? { signatureDetail: best.sig.detail } : {}),
      issuerSource: best.source,
    });
    if (best.sig.result === 'invalid') {
      notes.push(`the signature on ${label(current)} does not verify with the key of ${label(best.cert)} (same name, different key or altered certificate)`);
      return finish('signature-invalid');
    }
    if (best.sig.result === 'not-checked') notes.push(`signature on ${label(current)} not verified: no trusted CA certificates were given`);
    else if (best.sig.result === 'unsupported') notes.push(`signature on ${label(current)} not checked: ${best.sig.detail ?? 'unsupported'}`);
    if (best.source === 'other-side') notes.push(`the issuer of ${label(current)}, ${label(best.cert)}, was not sent with it, but the other side presented it in the same connection`);
    if (best.source === 'trusted' && isTrusted(best.cert) && !best.cert.isSelfIssued) {
      notes.push(`${label(best.cert)} is in the trusted store but is not self-signed; continuing to its issuer`);
    }
    current = best.cert;
  }
}

/** Prefer a verifying signature, then a trusted certificate, then a self-signed one (it ends the path). */
function score(c: { cert: CertInfo; source: string; sig: SignatureResult }): number {
  return (c.sig.result === 'valid' ? 100 : c.sig.result === 'unsupported' ? 50 : 0) + (c.source === 'trusted' ? 10 : c.source === 'other-side' ? -5 : 0) + (c.cert.isSelfIssued ? 1 : 0);
}
