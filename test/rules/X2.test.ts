import { describe, expect, it } from 'vitest';
import { CHAINS, audit, citing } from './setup.js';

describe('X2: the upgrade copies the server certificate', () => {
  it('fires: the same serverAuth-only certificate in both stores, which fails wherever clientAuth is checked', () => {
    const f = citing(audit({ client: CHAINS.serverOnly, server: CHAINS.serverOnly, ca: [] }), 'X2');
    expect(f.map((x) => [x.code, x.severity])).toEqual([['same-cert-both-stores', 'warning']]);
    expect(f[0]!.detail).toMatch(/copied at the upgrade to x15\.5, or with "Upload server certificate file as client certificate" \(X2\)/);
    expect(f[0]!.detail).toMatch(/lacks clientAuth/);
  });
  it('fires as info while the copy still has clientAuth', () => {
    expect(citing(audit({ client: [CHAINS.clientOk[0]!], server: [CHAINS.clientOk[0]!], ca: [] }), 'X2').map((x) => x.severity)).toEqual(['info']);
  });
  it('stays silent when the stores hold different certificates', () => {
    expect(citing(audit({ client: CHAINS.clientOk, server: CHAINS.serverOnly, ca: [] }), 'X2')).toEqual([]);
  });
});
