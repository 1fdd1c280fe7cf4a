import { describe, expect, it } from 'vitest';
import { CHAINS, assess, citing } from './setup.js';

describe('E1: no EKU extension, no purpose restriction', () => {
  it('fires: a client certificate without EKU is accepted as client certificate, citing E1', () => {
    const a = assess({ clientChain: CHAINS.noEku });
    const f = citing(a.findings, 'E1');
    expect(f.map((x) => [x.code, x.severity])).toEqual([['client-cert-has-clientauth', 'ok']]);
    expect(f[0]!.title).toMatch(/no EKU extension, so no purpose restriction \(E1\)/);
    expect(f[0]!.frames).toEqual([12]);
  });
  it('stays silent where the certificate has an EKU extension (E2 speaks instead)', () => {
    const a = assess({ clientChain: CHAINS.clientOk });
    expect(citing(a.findings, 'E1')).toEqual([]);
    expect(a.findings.find((x) => x.code === 'client-cert-has-clientauth')!.rule).toBe('E2');
  });
});
