import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOMAIN_RULES, RULES, RULE_IDS, allRules, isDomainRule, ruleById, ruleInfo } from '../../src/rules/index.js';
import { repoRoot } from '../helpers/corpus.js';

const rulesDir = join(repoRoot, 'src', 'rules');
const FAMILY_DIR = { E: 'certificate', T: 'handshake', C: 'capture', X: 'expressway' } as const;

describe('the rule registry', () => {
  it('has one module for every the rule book id, in the book\'s order, ids unique', () => {
    expect(RULES.map((r) => r.id)).toEqual([...RULE_IDS]);
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
  });

  it('registers every rule module in src/rules/<family>/, each exporting the rule named by its file', async () => {
    for (const [fam, dir] of Object.entries(FAMILY_DIR)) {
      const files = readdirSync(join(rulesDir, dir)).filter((f) => /^[ETCX]\d+\.ts$/.test(f));
      for (const f of files) {
        const id = f.replace(/\.ts$/, '');
        expect(id.startsWith(fam), `${dir}/${f}`).toBe(true);
        const mod = (await import(join(rulesDir, dir, `${id}.js`).replace(/\.js$/, '.ts'))) as Record<string, unknown>;
        expect(mod[id], `${dir}/${f} exports ${id}`).toBe(ruleById(id));
      }
      expect(files.length, dir).toBe(RULES.filter((r) => r.family === fam).length);
    }
  });

  it('gives every rule a title, a statement, an explanation and a family matching its id', () => {
    for (const r of RULES) {
      expect(r.family, r.id).toBe(r.id[0]);
      expect(r.title.length, r.id).toBeGreaterThan(5);
      expect(r.statement.length, r.id).toBeGreaterThan(20);
      expect(r.explanation.length, r.id).toBeGreaterThan(r.statement.length / 2);
      // The explanation quotes the rule book's wording and says how ekuscope applies it.
      // A user has the book only through `ekuscope rules`, so no text names a file they do not have.
      expect(r.explanation, r.id).toMatch(/^The rule book: "/);
      expect(`${r.statement} ${r.explanation} ${r.fix ?? ''}`, r.id).not.toMatch(/DOMAIN|\.md\b/);
      expect(r.explanation.split('\n\n').length, r.id).toBeGreaterThanOrEqual(2);
      for (const s of r.sources ?? []) expect(s.trim().length, r.id).toBeGreaterThan(3);
    }
  });

  it('answers ruleInfo by id in any case, and nothing for an id that is no rule', () => {
    expect(ruleInfo('e5')?.title).toBe('EKU on CA certificates constrains the leaf');
    expect(ruleInfo('E5')?.sources).toContain('OpenSSL crypto/x509/x509_vfy.c');
    expect(ruleInfo('T4')?.fix).toBeUndefined();
    expect(ruleInfo('E0382')).toBeUndefined();
    expect(ruleInfo('')).toBeUndefined();
    expect(allRules().map((r) => r.id)).toEqual([...RULE_IDS]);
    expect(Object.keys(allRules()[0]!)).not.toContain('checks');
  });

  it('keeps DOMAIN_RULES and isDomainRule: [title, statement] for each id', () => {
    expect(Object.keys(DOMAIN_RULES)).toEqual([...RULE_IDS]);
    for (const r of RULES) expect(DOMAIN_RULES[r.id]).toEqual([r.title, r.statement]);
    expect(isDomainRule('X9')).toBe(true);
    expect(isDomainRule('X10')).toBe(false);
    expect(isDomainRule('toString')).toBe(false);
  });

  it('reads nothing outside the project: no rule module refers to a path beside it', () => {
    for (const dir of Object.values(FAMILY_DIR))
      for (const f of readdirSync(join(rulesDir, dir))) expect(readFileSync(join(rulesDir, dir, f), 'utf8')).not.toMatch(/\.\.\/shared|\/work\//);
  });
});
