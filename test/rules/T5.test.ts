import { describe, expect, it } from 'vitest';
import { assess, citing, intServerAuth } from './setup.js';

describe('T5: what an alert says about an EKU rejection', () => {
  it('fires: alert 48 is trust, not EKU', () => {
    const f = citing(assess({ end: { kind: 'alert', by: 'server', description: 48 } }).findings, 'T5');
    expect(f.map((x) => x.code)).toEqual(['client-cert-rejected']);
    expect(f[0]!.detail).toMatch(/about trust/);
    expect(f[0]!.fix).toMatch(/must trust/);
  });
  it("fires: the verifier's trusted CA list does not complete the chain", () => {
    const f = citing(assess({ eStore: { ca: [intServerAuth] } }).findings, 'T5');
    expect(f.map((x) => x.code)).toEqual(['chain-unknown-root']);
    expect(f[0]!.detail).toMatch(/unknown_ca \(48\): trust, not EKU \(T5\)/);
  });
  it('stays in second place for alert 43, which T6 tells (T5 cited beside it)', () => {
    const a = assess({ end: { kind: 'alert', by: 'server', description: 43 } });
    expect(citing(a.findings, 'T5')).toEqual([]);
    expect(a.findings.find((x) => x.code === 'client-cert-rejected')!.alsoRules).toContain('T5');
  });
});
