/**
 * schema/report.schema.json against the golden JSON reports, with a small validator for the subset
 * of JSON Schema the file uses (type, required, properties, items, enum, const, pattern, minimum,
 * maximum, $ref, allOf): the schema must describe what the tool writes, field by field.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/corpus.js';
import { cli } from '../hostile/lib.js';

type Schema = Record<string, unknown>;
const schema = JSON.parse(readFileSync(join(repoRoot, 'schema', 'report.schema.json'), 'utf8')) as Schema;

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function validate(v: unknown, s: Schema, path: string, errors: string[]): void {
  if (typeof s.$ref === 'string') {
    const def = (schema.$defs as Record<string, Schema>)[s.$ref.replace('#/$defs/', '')];
    if (!def) errors.push(`${path}: unknown $ref ${s.$ref}`);
    else validate(v, def, path, errors);
  }
  for (const sub of (s.allOf as Schema[] | undefined) ?? []) validate(v, sub, path, errors);
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    const t = typeOf(v);
    if (!types.includes(t) && !(t === 'integer' && types.includes('number'))) {
      errors.push(`${path}: ${t} is not ${types.join('|')}`);
      return;
    }
  }
  if ('const' in s && v !== s.const) errors.push(`${path}: ${JSON.stringify(v)} is not ${JSON.stringify(s.const)}`);
  if (Array.isArray(s.enum) && !s.enum.includes(v)) errors.push(`${path}: ${JSON.stringify(v)} not in ${JSON.stringify(s.enum)}`);
  if (typeof s.pattern === 'string' && typeof v === 'string' && !new RegExp(s.pattern).test(v)) errors.push(`${path}: ${v} does not match ${s.pattern}`);
  if (typeof s.minimum === 'number' && typeof v === 'number' && v < s.minimum) errors.push(`${path}: below minimum`);
  if (typeof s.maximum === 'number' && typeof v === 'number' && v > s.maximum) errors.push(`${path}: above maximum`);
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const r of (s.required as string[] | undefined) ?? []) if (!(r in v)) errors.push(`${path}: missing ${r}`);
    const props = (s.properties as Record<string, Schema> | undefined) ?? {};
    for (const [k, sub] of Object.entries(props)) if (k in v) validate((v as Record<string, unknown>)[k], sub, `${path}.${k}`, errors);
  }
  if (Array.isArray(v) && s.items) v.forEach((x, i) => validate(x, s.items as Schema, `${path}[${i}]`, errors));
}

const goldenDir = join(repoRoot, 'test', 'golden');
const files = existsSync(goldenDir) ? readdirSync(goldenDir).filter((f) => f.endsWith('.json')) : [];

describe('schema/report.schema.json', () => {
  it('has golden reports to check', () => expect(files.length).toBeGreaterThan(5));
  it.each(files)('%s conforms', (f) => {
    const errors: string[] = [];
    validate(JSON.parse(readFileSync(join(goldenDir, f), 'utf8')), schema, '$', errors);
    expect(errors.slice(0, 10)).toEqual([]);
  });
  it("a tunnelled capture's report conforms, its case's tunnels included", async () => {
    const r = await cli('report', join(repoRoot, 'test', 'fixtures', 'tunnels', 'vxlan-in-gre.pcap'), '--format', 'json');
    const j = JSON.parse(r.out) as { cases: { tunnels?: unknown[] }[] };
    expect(j.cases[0]!.tunnels).toHaveLength(1);
    const errors: string[] = [];
    validate(j, schema, '$', errors);
    expect(errors.slice(0, 10)).toEqual([]);
  });
  it('catches a report that lacks a required field', () => {
    const j = JSON.parse(readFileSync(join(goldenDir, files[0]!), 'utf8'));
    delete j.sessions[0].outcome;
    const errors: string[] = [];
    validate(j, schema, '$', errors);
    expect(errors.join()).toMatch(/missing outcome/);
  });
});
