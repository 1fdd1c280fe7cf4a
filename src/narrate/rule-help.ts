/**
 * What `ekuscope rules` and the viewer's rule panel say about a rule: its id, title, explanation,
 * fix and sources, as its module in the registry (src/rules/) words them, and the lessons that
 * teach it. The registry is the one home of a rule's words; this file adds only where each rule
 * is taught, read from the lessons.
 */
import { allRules, ruleInfo, type DomainRuleId, type RuleFamily } from '../expressway/rulebook.js';

export type { DomainRuleId };
import { LESSONS } from './lessons.js';

export type { RuleFamily };

/** The four families of the rule book, in the book's order. */
export const RULE_FAMILIES: readonly { readonly id: RuleFamily; readonly title: string }[] = [
  { id: 'E', title: 'certificates and EKU' },
  { id: 'T', title: 'the handshake' },
  { id: 'C', title: 'what a capture can and cannot show' },
  { id: 'X', title: 'Cisco Expressway' },
];

export interface RuleHelp {
  readonly id: DomainRuleId;
  readonly family: RuleFamily;
  readonly title: string;
  /** What the rule says and why; paragraphs split by a blank line. */
  readonly explanation: string;
  /** What to do when a finding rests on this rule; rules that state a fact have none. */
  readonly fix?: string;
  readonly sources: readonly string[];
  /** Lessons that teach the rule (`ekuscope lesson NAME`), and the titles of their steps that cite it. */
  readonly lessons: readonly { readonly name: string; readonly title: string; readonly steps: readonly string[] }[];
}

/** The lessons that cite a rule, in the lesson list's order. */
function lessonsCiting(id: DomainRuleId): RuleHelp['lessons'] {
  const out: { name: string; title: string; steps: string[] }[] = [];
  for (const l of LESSONS) {
    const steps = l.steps.filter((s) => s.rules?.includes(id)).map((s) => s.title);
    if (steps.length || l.rules.includes(id)) out.push({ name: l.name, title: l.title, steps });
  }
  return out;
}

/** The rule id as written in the book, from any case ("e5" → "E5"); undefined when the book has none. */
export function ruleId(text: string): DomainRuleId | undefined {
  return ruleInfo(text)?.id;
}

/** Everything said about rule `id` (any case), or undefined for an id the book does not have. */
export function ruleHelp(text: string): RuleHelp | undefined {
  const r = ruleInfo(text);
  if (r === undefined) return undefined;
  return {
    id: r.id,
    family: r.family,
    title: r.title,
    explanation: r.explanation,
    ...(r.fix !== undefined && { fix: r.fix }),
    sources: r.sources ?? [],
    lessons: lessonsCiting(r.id),
  };
}

/** Every rule, family by family in the book's order (E, T, C, X), numbers ascending: the registry's order. */
export function allRuleHelp(): RuleHelp[] {
  return allRules().map((r) => ruleHelp(r.id)!);
}

/** "E1–E8 (certificates and EKU), T1–T8 (the handshake), …": the ids the book has, for an error message. */
export function ruleFamiliesText(): string {
  const all = allRuleHelp();
  return RULE_FAMILIES.map((f) => {
    const ids = all.filter((r) => r.family === f.id).map((r) => r.id);
    return `${ids[0]}–${ids[ids.length - 1]} (${f.title})`;
  }).join(', ');
}

/** Rule ids cited in a text: "(T1)", "[T6, T5, X7]", "by X1", "rule E5". */
export function citedRuleIds(text: string): string[] {
  return [...new Set([...text.matchAll(/\b([ETCX][0-9]{1,2})\b(?!\.[0-9])/g)].map((m) => m[1]!))];
}

/** "X1 (The store rule), E6 (Which purpose a verifier checks)": rule ids with their titles, for a citation. */
export function ruleCitations(ids: readonly string[]): string {
  return ids.map((id) => {
    const r = ruleHelp(id);
    return r ? `${r.id} (${r.title})` : id;
  }).join(', ');
}
