/**
 * How a rule's logic plugs into the assessment. A rule module lists checks per scope; a check reads
 * the facts computed once for that scope and returns the findings its rule concludes (none, one or
 * several). The assessment (assess.ts) runs every registered rule's checks of a scope by `order`
 * (then registry order): the order is where the findings stand in a report, so a new check picks
 * the place its findings belong.
 *
 * Scopes:
 * - session: one analysed TLS session (SessionFacts); the presented-chain checks run at PRESENTED_ORDER;
 * - presented: one certificate chain a side presented, server first, then client (PresentedFacts);
 * - capture: one capture file (CaptureFacts);
 * - store: one box's certificate stores (StoreFacts); the per-store checks run at STORE_ROLES_ORDER;
 * - storeRole: the client store, then the server store, of that box (StoreRoleFacts).
 */
import type { Analysis } from '../analysis/index.js';
import { buildChain, evaluatePurpose, type CertInfo, type ChainResult, type PurposeVerdict } from '../x509/index.js';
import { boxTitle, type ExpresswayBox, type ExpresswayContext } from '../expressway/context.js';
import type { ServiceNaming } from '../expressway/services.js';
import type { BoxStores, StoreEntry } from '../expressway/stores.js';
import type { FindingSeverity, RuleFinding } from './finding.js';
import { clientFix, otherStoreFix, serverFix } from './facts/fixes.js';
import type { SessionFacts } from './facts/session.js';
import type { EndAssessment, NeedLevel, OutcomeAssessment, PresentedAssessment } from './facts/types.js';

export type CheckResult = RuleFinding | readonly RuleFinding[] | undefined;

export interface Check<F> {
  /** Where its findings stand among the scope's findings (lower first). */
  readonly order: number;
  readonly run: (facts: F) => CheckResult;
}

export interface RuleChecks {
  readonly session?: readonly Check<SessionFacts>[];
  readonly presented?: readonly Check<PresentedFacts>[];
  readonly capture?: readonly Check<CaptureFacts>[];
  readonly store?: readonly Check<StoreFacts>[];
  readonly storeRole?: readonly Check<StoreRoleFacts>[];
}

/** The session order at which the presented chains' checks run (after the headline, before T2). */
export const PRESENTED_ORDER = 30;
/** The store order at which the client store's and then the server store's checks run. */
export const STORE_ROLES_ORDER = 20;

// ---------------------------------------------------------------------------------------------
// Presented chains.

/** The purpose verdict of a decoded leaf, as the E rules read it. */
export interface ChainVerdict {
  readonly leaf: CertInfo;
  readonly v: PurposeVerdict;
  /** The first failing EKU reason (E2, E3 or E5) and Key Usage reason (E7 or E8) of OpenSSL's verdict. */
  readonly ekuFail?: PurposeVerdict['verdicts']['openssl']['reasons'][number];
  readonly kuFail?: PurposeVerdict['verdicts']['openssl']['reasons'][number];
  /** The handshake completed (ok): a lacking EKU was evidently not checked by this peer. */
  readonly completed: boolean;
  readonly fix: string;
  readonly sevFor: (level: NeedLevel) => FindingSeverity;
}

export interface PresentedFacts {
  readonly session: SessionFacts;
  readonly sid: number;
  readonly p: PresentedAssessment;
  /** The end that presented the chain, and the end that verified it. */
  readonly end: EndAssessment;
  readonly verifier: EndAssessment;
  readonly service: ServiceNaming;
  readonly outcome: OutcomeAssessment;
  /** [the Certificate message's frame]. */
  readonly frames: readonly number[];
  /** "client certificate" / "server certificate". */
  readonly what: string;
  /** Set when the leaf was decoded. */
  readonly verdict?: ChainVerdict;
}

export function presentedFacts(session: SessionFacts, p: PresentedAssessment): PresentedFacts {
  const isClient = p.from === 'client';
  const end = isClient ? session.client : session.server;
  const verifier = isClient ? session.server : session.client;
  const { service, outcome } = session;
  const base = { session, sid: session.s.id, p, end, verifier, service, outcome, frames: [p.message.frame], what: isClient ? 'client certificate' : 'server certificate' };
  const leaf = p.leaf;
  if (!leaf || leaf.error || !p.purpose) return base;
  const v = p.purpose;
  const failing = v.verdicts.openssl.reasons.filter((r) => r.fails);
  const completed = outcome.status === 'ok';
  const fix = p.store.kind === 'other-store' ? otherStoreFix(p, end) : isClient ? clientFix(p, end, verifier, service) : serverFix(end);
  const sevFor = (level: NeedLevel): FindingSeverity => {
    if (outcome.status === 'failed' && outcome.rejected === p.from) return 'error';
    if (level === 'required') return completed ? 'warning' : 'error';
    // Not checked (X4 Off) or not known to be checked: it works only as long as nobody checks (X7).
    return 'warning';
  };
  const ekuFail = failing.find((r) => r.rule === 'E2' || r.rule === 'E3' || r.rule === 'E5');
  const kuFail = failing.find((r) => r.rule === 'E7' || r.rule === 'E8');
  return { ...base, verdict: { leaf, v, ...(ekuFail ? { ekuFail } : {}), ...(kuFail ? { kuFail } : {}), completed, fix, sevFor } };
}

// ---------------------------------------------------------------------------------------------
// Captures and stores.

export interface CaptureFacts {
  readonly a: Analysis;
  readonly ctx: ExpresswayContext;
}

export interface StoreFacts {
  readonly box: ExpresswayBox;
  readonly stores: BoxStores;
  /** The time the stores' certificates are judged at (C1). */
  readonly now: Date;
  readonly includeOk: boolean;
  /** boxTitle(box). */
  readonly name: string;
}

export interface StoreRoleFacts {
  readonly store: StoreFacts;
  readonly role: 'client' | 'server';
  readonly entries: readonly StoreEntry[];
  /** Set when the store holds a decoded leaf: its chain against the box's CA list and OpenSSL's verdict. */
  readonly judged?: {
    readonly leaf: CertInfo;
    readonly chain: ChainResult;
    readonly v: PurposeVerdict;
    readonly e5?: PurposeVerdict['verdicts']['openssl']['reasons'][number];
    readonly eku?: PurposeVerdict['verdicts']['openssl']['reasons'][number];
  };
}

export function storeFacts(box: ExpresswayBox, stores: BoxStores, now: Date, includeOk: boolean): StoreFacts {
  return { box, stores, now, includeOk, name: boxTitle(box) };
}

export function storeRoleFacts(store: StoreFacts, role: 'client' | 'server'): StoreRoleFacts {
  const entries = role === 'client' ? store.stores.client : store.stores.server;
  const leaf = entries[0]?.cert;
  if (!leaf || leaf.error) return { store, role, entries };
  const chain = buildChain(leaf, { presented: entries.slice(1).map((e) => e.cert), trusted: store.stores.ca.map((e) => e.cert) });
  const v = evaluatePurpose(chain.chain, role === 'client' ? 'sslClient' : 'sslServer');
  const failing = v.verdicts.openssl.reasons.filter((r) => r.fails);
  const e5 = failing.find((r) => r.rule === 'E5');
  const eku = failing.find((r) => r.rule === 'E2' || r.rule === 'E3');
  return { store, role, entries, judged: { leaf, chain, v, ...(e5 ? { e5 } : {}), ...(eku ? { eku } : {}) } };
}
