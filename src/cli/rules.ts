/**
 * `ekuscope rules [ID]`: the rule book every finding cites. Without an id, the list (an id and a
 * title a line, family by family); with one, that rule in full, as `rustc --explain E0382` explains
 * an error code: what it says, the fix it advises, its sources and the lessons that teach it.
 */
import type { Block, Doc, Inline } from '../narrate/doc.js';
import { allRuleHelp, RULE_FAMILIES, ruleFamiliesText, ruleHelp, type RuleHelp } from '../narrate/rule-help.js';
import { renderMarkdown } from '../report/markdown.js';
import { renderText } from '../report/text.js';

export class RulesUsageError extends Error {}

export const RULES_FORMATS = ['text', 'markdown', 'json'] as const;

export interface RulesOptions {
  format: string;
}

/** The list: a table per family, a rule a row. */
export function ruleListDoc(rules: readonly RuleHelp[] = allRuleHelp()): Doc {
  const blocks: Block[] = [
    { kind: 'paragraph', content: ['Every finding rests on one of these rules (findings carry its id). ', { kind: 'code', text: 'ekuscope rules ID' }, ' explains one in full.'] },
  ];
  for (const f of RULE_FAMILIES) {
    const rows = rules.filter((r) => r.family === f.id).map((r): Inline[][] => [[{ kind: 'code', text: r.id }], [r.title]]);
    blocks.push({ kind: 'section', title: `${f.id}: ${f.title}`, blocks: [{ kind: 'table', columns: ['rule', 'title'], rows }] });
  }
  return { title: 'Rules', blocks };
}

/** One rule in full. */
export function ruleDoc(r: RuleHelp): Doc {
  const family = RULE_FAMILIES.find((f) => f.id === r.family)!;
  const blocks: Block[] = [
    { kind: 'paragraph', content: [{ kind: 'em', text: `Family ${family.id}: ${family.title}` }] },
    ...r.explanation.split(/\n\n+/).map((text): Block => ({ kind: 'paragraph', content: [text] })),
  ];
  if (r.fix !== undefined) blocks.push({ kind: 'section', title: 'Fix', blocks: [{ kind: 'paragraph', content: [r.fix] }] });
  blocks.push({ kind: 'section', title: 'Sources', blocks: [{ kind: 'list', items: r.sources.map((s) => [s]) }] });
  if (r.lessons.length) {
    const items = r.lessons.map((l): Inline[] => [
      { kind: 'code', text: `ekuscope lesson ${l.name}` },
      ` — ${l.title}`,
      ...(l.steps.length ? [`; step${l.steps.length === 1 ? '' : 's'} ${l.steps.map((s) => `"${s}"`).join(', ')}`] : []),
    ]);
    blocks.push({ kind: 'section', title: 'Lessons', blocks: [{ kind: 'list', items }] });
  }
  return { title: `${r.id}: ${r.title}`, blocks };
}

/** A rule as JSON: the fields of the rule book, with the fix where the rule has one. */
export function ruleJson(r: RuleHelp): Record<string, unknown> {
  // RuleHelp's fields in their order (id, family, title, explanation, fix, sources), the lessons by name.
  const { lessons, ...words } = r;
  return { ...words, lessons: lessons.map((l) => l.name) };
}

/** What `ekuscope rules [ID]` writes. An unknown id or format is a RulesUsageError. */
export function rulesText(id: string | undefined, o: RulesOptions, color: boolean): string {
  const format = o.format === 'md' ? 'markdown' : o.format;
  if (!(RULES_FORMATS as readonly string[]).includes(format)) throw new RulesUsageError(`--format must be ${RULES_FORMATS.join(', ')}, not ${JSON.stringify(o.format)}`);
  let rules: RuleHelp[];
  if (id === undefined) rules = allRuleHelp();
  else {
    const r = ruleHelp(id);
    if (!r) throw new RulesUsageError(`no rule ${JSON.stringify(id)}: the rules are ${ruleFamiliesText()}`);
    rules = [r];
  }
  if (format === 'json') return `${JSON.stringify({ schema: 'ekuscope.rules/1', rules: rules.map(ruleJson) }, null, 2)}\n`;
  const doc = id === undefined ? ruleListDoc(rules) : ruleDoc(rules[0]!);
  return format === 'markdown' ? renderMarkdown(doc) : renderText(doc, { color, width: 100 });
}
