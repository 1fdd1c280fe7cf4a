/**
 * The rule book's registry: one module per rule of the book, in the book's order. The assessment
 * (assess.ts) computes a session's facts once and runs the checks of these rules; formats read a
 * rule's words through ruleInfo. A rule is added by writing its module and adding it here (and its
 * id to ids.ts).
 */
import { C1 } from './capture/C1.js';
import { C2 } from './capture/C2.js';
import { C3 } from './capture/C3.js';
import { C4 } from './capture/C4.js';
import { C5 } from './capture/C5.js';
import { C6 } from './capture/C6.js';
import { C7 } from './capture/C7.js';
import { E1 } from './certificate/E1.js';
import { E2 } from './certificate/E2.js';
import { E3 } from './certificate/E3.js';
import { E4 } from './certificate/E4.js';
import { E5 } from './certificate/E5.js';
import { E6 } from './certificate/E6.js';
import { E7 } from './certificate/E7.js';
import { E8 } from './certificate/E8.js';
import { X1 } from './expressway/X1.js';
import { X2 } from './expressway/X2.js';
import { X3 } from './expressway/X3.js';
import { X4 } from './expressway/X4.js';
import { X5 } from './expressway/X5.js';
import { X6 } from './expressway/X6.js';
import { X7 } from './expressway/X7.js';
import { X8 } from './expressway/X8.js';
import { X9 } from './expressway/X9.js';
import { T1 } from './handshake/T1.js';
import { T2 } from './handshake/T2.js';
import { T3 } from './handshake/T3.js';
import { T4 } from './handshake/T4.js';
import { T5 } from './handshake/T5.js';
import { T6 } from './handshake/T6.js';
import { T7 } from './handshake/T7.js';
import { T8 } from './handshake/T8.js';
import type { DomainRuleId } from './ids.js';
import type { Rule, RuleInfo } from './types.js';

export const RULES: readonly Rule[] = [
  E1, E2, E3, E4, E5, E6, E7, E8,
  T1, T2, T3, T4, T5, T6, T7, T8,
  C1, C2, C3, C4, C5, C6, C7,
  X1, X2, X3, X4, X5, X6, X7, X8, X9,
];

const BY_ID = new Map<string, Rule>(RULES.map((r) => [r.id, r]));

/** The rule module for an id (any case, e.g. "e5"); undefined for an id that is not a rule. */
export function ruleById(id: string): Rule | undefined {
  return BY_ID.get(id.trim().toUpperCase());
}

function infoOf(r: Rule): RuleInfo {
  return {
    id: r.id,
    family: r.family,
    title: r.title,
    statement: r.statement,
    explanation: r.explanation,
    ...(r.fix !== undefined ? { fix: r.fix } : {}),
    ...(r.sources !== undefined ? { sources: r.sources } : {}),
  };
}

/** What a person reads about one rule (id in any case), without its logic; undefined for an unknown id. */
export function ruleInfo(id: string): RuleInfo | undefined {
  const r = ruleById(id);
  return r ? infoOf(r) : undefined;
}

/** Every rule's words, in the book's order (E, T, C, X). */
export function allRules(): RuleInfo[] {
  return RULES.map(infoOf);
}

/** The rule book's rules as [title, statement], by id: the shape formats quote where a rule is cited. */
export const DOMAIN_RULES: Readonly<Record<DomainRuleId, readonly [title: string, text: string]>> = Object.fromEntries(
  RULES.map((r) => [r.id, [r.title, r.statement] as const]),
) as Record<DomainRuleId, readonly [string, string]>;

export { RULE_IDS, isDomainRule, type DomainRuleId } from './ids.js';
export type { FindingSeverity, RuleFinding } from './finding.js';
export type { Rule, RuleFamily, RuleInfo } from './types.js';
