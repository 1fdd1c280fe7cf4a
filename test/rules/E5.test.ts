import { describe, expect, it } from 'vitest';
import { CHAINS, assess, audit, citing, codes, intServerAuth, root } from './setup.js';

describe('E5: EKU on CA certificates constrains the leaf', () => {
  it('fires: a clientAuth leaf under a serverAuth-only intermediate cannot be a client certificate', () => {
    const f = citing(assess({ clientChain: CHAINS.underServerAuthCa }).findings, 'E5');
    expect(codes(f)).toEqual(['ca-eku-blocks-clientauth']);
    expect(f[0]!.title).toMatch(/a CA above the leaf restricts EKU/);
    expect(f[0]!.fix).toMatch(/whole chain allows clientAuth/);
  });
  it('fires in a store audit: the client-store trap and a serverAuth-only trusted CA', () => {
    const fs = audit({ client: CHAINS.underServerAuthCa, ca: [root, intServerAuth] });
    expect(codes(citing(fs, 'E5'))).toEqual(['client-store-ca-eku-trap', 'ca-eku-trap']);
  });
  it('fires as info where the issuer is at hand nowhere', () => {
    const a = assess({ clientChain: [CHAINS.underServerAuthCa[0]!], cStore: { ca: [] }, eStore: { ca: [] } });
    expect(codes(citing(a.findings, 'E5'))).toContain('chain-incomplete-as-sent');
  });
  it('stays silent where every CA above the leaf allows clientAuth', () => {
    expect(citing(assess({ clientChain: CHAINS.clientOk }).findings, 'E5')).toEqual([]);
    expect(citing(audit({ client: CHAINS.clientOk, ca: [root] }), 'E5').filter((f) => f.severity !== 'info')).toEqual([]);
  });
});
