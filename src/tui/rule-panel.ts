/**
 * The viewer's rule panel: which rules the narration cites where the reader is (the finding n/N
 * went to, else the lines of the narration on screen), and their explanations as lines, as
 * `ekuscope rules ID` gives them. Pure; the store keeps whether it is open and its scroll.
 */
import { citedRuleIds, ruleHelp, RULE_FAMILIES, type DomainRuleId } from '../narrate/rule-help.js';
import { wrapSegs, type NarrationView, type Seg } from '../narrate/views.js';

/** An open rule panel: the rules it explains, in the order cited, and its first line on screen. */
export interface RulePanel {
  readonly ids: readonly DomainRuleId[];
  readonly top: number;
}

const known = (ids: readonly string[]): DomainRuleId[] => ids.flatMap((id) => ruleHelp(id)?.id ?? []);

/**
 * The rules the reader is looking at: the current finding's (its rule first, then the ones it also
 * rests on); else those cited in the narration lines on screen; else those of the session's findings.
 */
export function citedRules(view: NarrationView, lines: readonly (readonly Seg[])[], finding: number | undefined, top: number, height: number): DomainRuleId[] {
  const current = finding !== undefined ? view.findings[finding] : undefined;
  if (current) return known(current.rules.split(/,\s*/));
  const shown = lines.slice(top, top + Math.max(1, height)).map((l) => l.map((s) => s.text).join('')).join(' ');
  const onScreen = known(citedRuleIds(shown));
  if (onScreen.length) return onScreen;
  return [...new Set(known(view.findings.flatMap((f) => f.rules.split(/,\s*/))))];
}

/** The panel's lines at `width` columns: each rule's title, family, explanation, fix, sources and lessons. */
export function rulePanelLines(ids: readonly DomainRuleId[], width: number): (readonly Seg[])[] {
  const w = Math.max(10, width);
  const out: (readonly Seg[])[] = [];
  const add = (segs: readonly Seg[], first = ' ', indent = ' ') => out.push(...wrapSegs(segs, w, first, indent));
  ids.forEach((id, i) => {
    const r = ruleHelp(id);
    if (!r) return;
    if (i > 0) out.push([]);
    add([{ text: `${r.id} `, tone: 'accent', bold: true }, { text: r.title, bold: true }]);
    add([{ text: `family ${r.family}: ${RULE_FAMILIES.find((f) => f.id === r.family)!.title}`, tone: 'muted' }]);
    for (const para of r.explanation.split(/\n\n+/)) add([{ text: para }]);
    if (r.fix !== undefined) add([{ text: 'Fix: ', tone: 'ok', bold: true }, { text: r.fix }]);
    add([{ text: 'Sources: ', bold: true }, { text: r.sources.join('; '), tone: 'muted' }]);
    if (r.lessons.length) add([{ text: 'Lessons: ', bold: true }, { text: r.lessons.map((l) => `ekuscope lesson ${l.name}`).join(', '), tone: 'accent' }]);
  });
  return out;
}
