/**
 * `ekuscope rules`: the list, one rule in full, errors; and every rule id any text output cites
 * (the reports of every scenario in text, Markdown and JSON, check-store on their bundles, every
 * lesson printed, whatif for each of the document's conditions) is one `ekuscope rules --format json` explains.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { DOMAIN_RULES, ruleInfo } from '../../src/expressway/rulebook.js';
import { LESSONS } from '../../src/narrate/lessons.js';
import { citedRuleIds } from '../../src/narrate/rule-help.js';
import { renderJson } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderText } from '../../src/report/text.js';
import { capturesDir } from '../helpers/corpus.js';
import { scenarioReports } from '../report/reports.js';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

interface RuleJson {
  id: string;
  family: string;
  title: string;
  explanation: string;
  fix?: string;
  sources: string[];
  lessons: string[];
}

async function rulesJson(args: string[] = []): Promise<RuleJson[]> {
  const r = await run(['rules', ...args, '--format', 'json']);
  expect(r.code).toBe(0);
  const doc = JSON.parse(r.out) as { schema: string; rules: RuleJson[] };
  expect(doc.schema).toBe('ekuscope.rules/1');
  return doc.rules;
}

describe('ekuscope rules', () => {
  it('lists every rule of the book, an id and its title a line, family by family', async () => {
    const r = await run(['rules']);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    for (const [id, [title]] of Object.entries(DOMAIN_RULES)) expect(lines.some((l) => l.trim().split(/\s{2,}/).join('|') === `${id}|${title}`), id).toBe(true);
    const order = ['E: certificates and EKU', 'T: the handshake', 'C: what a capture can and cannot show', 'X: Cisco Expressway'].map((h) => r.out.indexOf(h));
    expect(order.every((p) => p > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('explains one rule in full, whatever the case of its id', async () => {
    const upper = await run(['rules', 'E5']);
    const lower = await run(['rules', 'e5']);
    expect(upper.code).toBe(0);
    expect(lower.out).toBe(upper.out);
    expect(upper.out).toMatch(/^E5: EKU on CA certificates constrains the leaf\n/);
    // What it says, the fix it advises, where it comes from, and the lessons that teach it.
    // Every paragraph of the rule module's explanation (which opens with the rule book's wording).
    for (const para of ruleInfo('E5')!.explanation.split(/\n\n+/)) expect(upper.out.replace(/\s+/g, ' ')).toContain(para.replace(/\s+/g, ' '));
    expect(upper.out).toMatch(/\nFix\n[\s\S]*private CA/);
    expect(upper.out).toContain('RFC 5280');
    expect(upper.out).toContain('ekuscope lesson eku-chaining');
    expect(upper.out.split('\n').every((l) => l.length <= 100)).toBe(true);
  });

  it('a rule that states a fact has no fix section', async () => {
    const r = await run(['rules', 'T1']);
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(/\nFix\n/);
  });

  it('an unknown id is a usage error that lists the families', async () => {
    for (const bad of ['Z9', 'E99', 'E', 'x15.5']) {
      const r = await run(['rules', bad]);
      expect(r.code, bad).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toContain(`no rule ${JSON.stringify(bad)}`);
      expect(r.err).toContain('E1–E8 (certificates and EKU), T1–T8 (the handshake), C1–C7 (what a capture can and cannot show), X1–X9 (Cisco Expressway)');
    }
  });

  it('refuses an unknown format', async () => {
    const r = await run(['rules', '--format', 'html']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--format must be text, markdown, json');
  });

  it('--format json: every rule with id, title, explanation, and fix advice where the rule has one', async () => {
    const rules = await rulesJson();
    expect(rules.map((r) => r.id).sort()).toEqual(Object.keys(DOMAIN_RULES).sort());
    for (const r of rules) {
      expect(r.title, r.id).toBe(DOMAIN_RULES[r.id as keyof typeof DOMAIN_RULES][0]);
      expect(r.explanation.length, r.id).toBeGreaterThan(20);
      expect(r.sources.length, r.id).toBeGreaterThan(0);
      if (r.fix !== undefined) expect(r.fix.length, r.id).toBeGreaterThan(20);
    }
    // The rules a finding's fix rests on have advice; the ones that state a fact have none.
    for (const id of ['E2', 'E5', 'X1', 'X4', 'X5', 'X7', 'C2', 'T7']) expect(rules.find((r) => r.id === id)?.fix, id).toBeDefined();
    for (const id of ['T1', 'T4', 'E1']) expect(rules.find((r) => r.id === id)?.fix, id).toBeUndefined();
    // Lessons teach the rules they say they teach.
    expect(rules.find((r) => r.id === 'T8')?.lessons).toContain('silent-close');
    expect(rules.find((r) => r.id === 'X2')?.lessons).toContain('upgrade-copy');
  });

  it('--format json with an id: that rule alone', async () => {
    const rules = await rulesJson(['x4']);
    expect(rules.map((r) => r.id)).toEqual(['X4']);
  });
});

describe('every rule id cited in text output is one ekuscope rules explains', () => {
  const scenarios = existsSync(capturesDir) ? readdirSync(capturesDir).filter((d) => statSync(join(capturesDir, d)).isDirectory()).sort() : [];
  let explained: Map<string, RuleJson>;
  beforeAll(async () => {
    explained = new Map((await rulesJson()).map((r) => [r.id, r]));
  });

  function expectExplained(where: string, text: string): string[] {
    const ids = citedRuleIds(text);
    for (const id of ids) {
      const r = explained.get(id);
      expect(r, `${where} cites ${id}, which ekuscope rules does not know`).toBeDefined();
      expect(r!.explanation.trim(), `${where}: ${id}`).not.toBe('');
    }
    return ids;
  }

  it('the reports of every scenario, in text, Markdown and JSON (findings\' rule and alsoRules too)', async () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(10);
    const reports = await scenarioReports(scenarios);
    const seen = new Set<string>();
    for (const name of scenarios) {
      const e = reports[name]!;
      for (const id of expectExplained(`${name}.txt`, renderText(e.doc, { color: false, width: 100 }))) seen.add(id);
      for (const id of expectExplained(`${name}.md`, renderMarkdown(e.doc))) seen.add(id);
      const json = renderJson(e);
      expectExplained(`${name}.json`, json);
      const findings = (JSON.parse(json) as { findings: { rule: string; alsoRules?: string[] }[] }).findings;
      for (const f of findings) for (const id of [f.rule, ...(f.alsoRules ?? [])]) expect(explained.has(id), `${name}.json finding rule ${id}`).toBe(true);
    }
    // The scan sees what the reports cite: every family, and the rules every story rests on.
    for (const id of ['T1', 'X1', 'E5', 'T5', 'T6', 'T7', 'T8', 'C4']) expect(seen, id).toContain(id);
  }, 120_000);

  it('every lesson, printed', async () => {
    for (const l of LESSONS) {
      const r = await run(['lesson', l.name, '--print']);
      expect(r.code, `${l.name}: ${r.err}`).toBe(0);
      const ids = expectExplained(`lesson ${l.name}`, r.out);
      for (const id of l.rules) expect(ids, `lesson ${l.name} cites ${id}`).toContain(id);
    }
  }, 120_000);

  it('check-store on the bundles of every scenario, in text', async () => {
    let cited = 0;
    // The numbered folders are bundles; variants/ holds loose captures, no stores.
    for (const name of scenarios.filter((n) => /^\d/.test(n))) {
      const r = await run(['check-store', join(capturesDir, name)]);
      expect([0, 1], `${name}: ${r.err}`).toContain(r.code);
      cited += expectExplained(`check-store ${name}`, r.out).length;
    }
    expect(cited).toBeGreaterThan(0);
  }, 120_000);

  it('whatif for each of the document\'s conditions, in text and JSON', async () => {
    for (const c of ['1', '2', '2.1', '3', '4']) {
      for (const format of ['text', 'json']) {
        const r = await run(['whatif', '--condition', c, '--format', format]);
        expect([0, 1], `${c} ${format}: ${r.err}`).toContain(r.code);
        expect(expectExplained(`whatif --condition ${c} --format ${format}`, r.out).length).toBeGreaterThan(0);
      }
    }
  });
});
