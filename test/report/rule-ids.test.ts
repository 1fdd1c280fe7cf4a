/**
 * Every rule id a finding cites, in every scenario folder and every real capture of the corpus, is a
 * rule of the rule book (src/expressway/rulebook.ts) and is cited for what it says: T4 is the alert-code
 * list, so it stands only over a finding about an alert; time is C1, a capture that ended C4, a
 * handshake not captured C2, missing bytes C3.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runReport } from '../../src/cli/report.js';
import { DOMAIN_RULES, isDomainRule } from '../../src/expressway/index.js';
import { capturesDir, corpusFiles } from '../helpers/corpus.js';

interface F {
  rule: string;
  alsoRules: string[];
  code: string;
  title: string;
  detail: string;
}

/** What a finding must be about to rest on these rules (primary rule only). */
const TOPIC: Partial<Record<keyof typeof DOMAIN_RULES, (f: F) => boolean>> = {
  T4: (f) => /\balert \d+\b/i.test(`${f.title} ${f.detail}`) || f.code === 'tls-bad-alert',
  C1: (f) => /expired|not-yet-valid|expiry|time|clock/.test(f.code),
  C2: (f) => /mid-stream|no-handshake|roles-from|not-captured/.test(f.code),
  C3: (f) => /incomplete|truncat|gap|snaplen|one-direction|^tls-|capture-problem|capture-not-decoded|missing/.test(f.code),
  C4: (f) => /capture-ended|capture-cut|ended/.test(f.code),
  T3: (f) => /client-certificate-empty|no-certificate/.test(f.code),
  T7: (f) => /tls13/.test(f.code),
  X9: (f) => /^log-/.test(f.code),
};

/** The other way round: findings of these kinds must cite this rule. */
const MUST: [RegExp, string][] = [
  [/^cert-(expired|not-yet-valid|time-not-judged)$|^capture-clock$|-store-expiry$/, 'C1'],
  [/^capture-ended$|^capture-cut$/, 'C4'],
  [/^mid-stream$|^no-handshake$/, 'C2'],
  [/^client-certificate-incomplete$|^snaplen-truncated$|^gap-in-handshake$|^truncated-message$/, 'C3'],
];

const scenarios = readdirSync(capturesDir)
  .filter((d) => statSync(join(capturesDir, d)).isDirectory())
  .map((d) => join(capturesDir, d));
const inputs = [...scenarios, ...corpusFiles()];

describe('rule ids cited in findings', () => {
  const all: { input: string; f: F }[] = [];
  beforeAll(async () => {
    for (const p of inputs) {
      const r = await runReport([p], { format: 'json', quiet: true, generator: 'ekuscope' });
      for (const f of (r.explanation!.json as { findings: F[] }).findings) all.push({ input: basename(p), f });
    }
  }, 120_000);

  it('walks every scenario folder and corpus capture, and finds findings', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(10);
    expect(corpusFiles().length).toBeGreaterThanOrEqual(10);
    expect(all.length).toBeGreaterThan(100);
  });

  it('every rule and also-rule is a rule of the rule book', () => {
    const unknown = all.flatMap(({ input, f }) => [f.rule, ...f.alsoRules].filter((r) => !isDomainRule(r)).map((r) => `${input}: ${f.code} cites ${r}`));
    expect(unknown).toEqual([]);
  });

  it('each rule is cited for what it says (T4 only for alert codes)', () => {
    const wrong = all.filter(({ f }) => TOPIC[f.rule as keyof typeof DOMAIN_RULES]?.(f) === false).map(({ input, f }) => `${input}: ${f.code} cites ${f.rule}: ${f.title}`);
    expect(wrong).toEqual([]);
  });

  it('findings about time, a capture that ended, a handshake not captured and missing bytes cite C1, C4, C2, C3', () => {
    const wrong = all.filter(({ f }) => MUST.some(([re, rule]) => re.test(f.code) && f.rule !== rule)).map(({ input, f }) => `${input}: ${f.code} cites ${f.rule}`);
    expect(wrong).toEqual([]);
  });

  it('the rule book lists every the rule book family with its text', () => {
    for (const id of ['E1', 'E8', 'T1', 'T8', 'C1', 'C7', 'X1', 'X9']) expect(DOMAIN_RULES[id as keyof typeof DOMAIN_RULES][1].length).toBeGreaterThan(20);
    expect(DOMAIN_RULES.T4[1]).toMatch(/40 handshake_failure/);
  });
});
