/** Presented chains: which store each came from, its path, its purpose verdict and validity (E1–E8, X1, C1). */
import type { Analysis, CertificateMessageInfo, Session } from '../../analysis/index.js';
import { buildChain, MAX_CHAIN_LENGTH, checkValidity, evaluatePurpose, type CertInfo, type ChainResult, type KeyUsageNeed, type PurposeVerdict } from '../../x509/index.js';
import type { ExpresswayContext } from '../../expressway/context.js';
import type { StoreMatch } from '../../expressway/stores.js';
import { msgAt } from './messages.js';
import type { EndAssessment, Need, PresentedAssessment, RuleCache, StoreCheck } from './types.js';

export function storeCheck(end: EndAssessment, matches: readonly StoreMatch[]): StoreCheck {
  if (!end.box) return { kind: 'not-expressway', matches };
  const expected = end.role === 'client' ? 'client' : 'server';
  const own = matches.filter((m) => m.entry.box === end.box!.id && !m.bytesDiffer);
  const hit = own.find((m) => m.entry.role === expected);
  if (hit) return { kind: 'as-expected', expected, entry: hit.entry, alsoIn: own.filter((m) => m !== hit && m.entry.role !== 'ca').map((m) => m.entry) };
  const other = own.find((m) => m.entry.role !== 'ca');
  if (other) return { kind: 'other-store', expected, entry: other.entry };
  const stores = end.box.stores;
  if (!stores || (stores.client.length === 0 && stores.server.length === 0)) return { kind: 'no-store', expected, box: end.box };
  return { kind: 'not-in-store', expected, box: end.box };
}

export function chainKey(leaf: CertInfo, presented: readonly CertInfo[], trustKey: string, otherSide: readonly CertInfo[]): string {
  return `${leaf.sha256}|${presented.map((c) => c.sha256).join(',')}|${trustKey}|${otherSide.map((c) => c.sha256).join(',')}`;
}

export function cachedChain(cache: RuleCache, leaf: CertInfo, presented: readonly CertInfo[], trusted: readonly CertInfo[], trustKey: string, otherSide: readonly CertInfo[] = []): ChainResult {
  const k = chainKey(leaf, presented, trustKey, otherSide);
  let r = cache.chains.get(k);
  if (!r) {
    r = buildChain(leaf, { presented, trusted, otherSide }, MAX_CHAIN_LENGTH, cache.signatures);
    cache.chains.set(k, r);
  }
  return r;
}

export function cachedPurpose(cache: RuleCache, chain: readonly CertInfo[], purpose: 'sslClient' | 'sslServer', ku: KeyUsageNeed | undefined): PurposeVerdict {
  const k = `${chain.map((c) => c.sha256).join(',')}|${purpose}|${ku ?? ''}`;
  let r = cache.purposes.get(k);
  if (!r) {
    r = evaluatePurpose(chain, purpose, ku);
    cache.purposes.set(k, r);
  }
  return r;
}

export function assessPresented(
  a: Analysis,
  ctx: ExpresswayContext,
  cache: RuleCache,
  msg: CertificateMessageInfo,
  end: EndAssessment,
  verifier: EndAssessment,
  need: Need,
  kuNeed: KeyUsageNeed | undefined,
  at: Date | undefined,
  otherSide: readonly CertInfo[] = [],
): PresentedAssessment {
  const certs = msg.certificates.map((r) => a.pool.get(r.id)!).filter((c): c is CertInfo => c !== undefined);
  const leaf = certs[0];
  const certMatches = certs.map((c) => ctx.stores.match(c));
  const matches = certMatches[0] ?? [];
  const store = storeCheck(end, matches);
  const boxes = { ...(end.box ? { presenter: end.box.id } : {}), ...(verifier.box ? { verifier: verifier.box.id } : {}) };
  if (!leaf || leaf.error) return { from: end.role, message: msg, certs, ...(leaf ? { leaf } : {}), matches, certMatches, boxes, store, need };
  const presented = certs.slice(1);
  const chain = cachedChain(cache, leaf, presented, ctx.stores.trusted(), 'all', otherSide);
  const trustStore = verifier.box ? ctx.stores.stores(verifier.box.id) : undefined;
  const trust =
    verifier.box && trustStore && trustStore.ca.length > 0
      ? { box: verifier.box, chain: cachedChain(cache, leaf, presented, ctx.stores.trusted(verifier.box.id), `box:${verifier.box.id}`) }
      : undefined;
  const purpose = cachedPurpose(cache, chain.chain, end.role === 'client' ? 'sslClient' : 'sslServer', kuNeed);
  // C1: a frame stamped before 2000 comes from a clock that was never set: no verdict on validity.
  const implausible = at !== undefined && at.getTime() < PLAUSIBLE_CLOCK_FROM;
  const validity = at && !implausible ? checkValidity(leaf, at) : undefined;
  return {
    from: end.role,
    message: msg,
    certs,
    leaf,
    matches,
    certMatches,
    boxes,
    store,
    need,
    purpose,
    chain,
    ...(trust ? { trust } : {}),
    ...(validity ? { validity, validityAt: at! } : {}),
    ...(implausible ? { clockImplausible: at } : {}),
    ...(kuNeed ? { kuNeed } : {}),
    ok: purpose.verdicts.openssl.ok,
  };
}

export function captureTime(a: Analysis): Date | undefined {
  const t = a.capture.firstTs;
  return t ? new Date(t.sec * 1000 + Math.floor(t.nsec / 1e6)) : undefined;
}

/** Timestamps before this come from a clock that was never set (1970) or set far back (C1). */
export const PLAUSIBLE_CLOCK_FROM = Date.UTC(2000, 0, 1);

/** C1: the clock of the frame a message was reassembled in. */
export function messageTime(s: Session, index: number): Date | undefined {
  const m = msgAt(s, index);
  return m ? new Date(m.tsSec * 1000 + Math.floor(m.tsNsec / 1e6)) : undefined;
}
