/**
 * What each numbered rule says (the rule book E, T, C and X that findings cite), for formats that
 * explain a rule where it is cited (the HTML report links each finding's rule to its text).
 *
 * Read through `ruleText`, which reads the rule book's registry (expressway/rulebook.ts).
 */
import { DOMAIN_RULES, isDomainRule } from '../expressway/rulebook.js';

export interface RuleText {
  readonly id: string;
  readonly title: string;
  readonly text: string;
}

/** What rule `id` says, or undefined for an id the book does not have. */
export function ruleText(id: string): RuleText | undefined {
  if (!isDomainRule(id)) return undefined;
  const [title, text] = DOMAIN_RULES[id];
  return { id, title, text };
}
