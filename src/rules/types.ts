import type { RuleChecks } from './checks.js';
import type { DomainRuleId } from './ids.js';

/** E: certificates and EKU; T: the handshake; C: what a capture can show; X: Cisco Expressway. */
export type RuleFamily = 'E' | 'T' | 'C' | 'X';

/** What a person reads about one rule: `ruleInfo(id)`, `allRules()`. */
export interface RuleInfo {
  readonly id: DomainRuleId;
  readonly family: RuleFamily;
  readonly title: string;
  /** The rule in one paragraph, as the rule book words it (what formats quote where the rule is cited). */
  readonly statement: string;
  /** What the rule says and why, the source document's wording where it has one; paragraphs split by a blank line. */
  readonly explanation: string;
  /** What to do when a finding rests on this rule, where there is general advice (findings carry their own). */
  readonly fix?: string;
  /** RFC sections, vendor documents and source files the rule rests on. */
  readonly sources?: readonly string[];
}

/** One unit of the rule book: what it says, and the checks it runs over the analysed facts (checks.ts). */
export interface Rule extends RuleInfo {
  readonly checks?: RuleChecks;
}
