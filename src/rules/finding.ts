import type { DomainRuleId } from './ids.js';

export type FindingSeverity = 'error' | 'warning' | 'info' | 'ok';

/**
 * A conclusion of the rule book, with the rule id from the rule book it rests on and the frames that
 * prove it. narrate's Doc carries these unchanged (doc.ts re-exports this type as Finding).
 */
export interface RuleFinding {
  readonly severity: FindingSeverity;
  /** Rule id from the rule book (E1–E8, T1–T8, C1–C7, X1–X9) the finding rests on (rules/index.ts). */
  readonly rule: DomainRuleId;
  /** Further rules the explanation also uses. */
  readonly alsoRules?: readonly DomainRuleId[];
  /** The TLS session (TCP stream id) it concerns; undefined for store- or capture-wide findings. */
  readonly session?: number;
  readonly frames: readonly number[];
  readonly title: string;
  readonly detail: string;
  readonly fix?: string;
  /** A short machine-readable code, stable across versions (e.g. "client-cert-lacks-clientauth"). */
  readonly code: string;
}
