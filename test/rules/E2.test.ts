import { describe, expect, it } from 'vitest';
import { CHAINS, assess, audit, citing, codes } from './setup.js';

describe('E2: EKU present, only the listed purposes', () => {
  it('fires: a serverAuth-only client certificate lacks clientAuth (checking On: required)', () => {
    const a = assess({ clientChain: CHAINS.serverOnly, checking: 'On' });
    const f = citing(a.findings, 'E2').find((x) => x.code === 'client-cert-lacks-clientauth')!;
    expect(f.severity).toBe('warning');
    expect(f.detail).toMatch(/It needs clientAuth because/);
    expect(f.alsoRules).toEqual(['X4', 'E6']);
  });
  it('fires: a server certificate with serverAuth passes, and a client store without clientAuth is audited', () => {
    expect(codes(citing(assess().findings, 'E2'))).toContain('server-cert-has-serverauth');
    const fs = audit({ client: CHAINS.serverOnly, server: CHAINS.serverOnly, ca: [] });
    expect(citing(fs, 'E2').map((x) => x.code)).toContain('client-store-lacks-clientauth');
  });
  it('stays silent about a lack where the certificate lists the purpose, and in an audit unless asked', () => {
    const a = assess({ clientChain: CHAINS.clientOk });
    expect(codes(citing(a.findings, 'E2')).filter((c) => c.includes('lacks'))).toEqual([]);
    expect(citing(audit({ client: CHAINS.clientOk, server: CHAINS.serverOnly, ca: [] }), 'E2')).toEqual([]);
    expect(codes(citing(audit({ client: CHAINS.clientOk, server: CHAINS.serverOnly, ca: [] }, true), 'E2'))).toEqual(['client-store-ok', 'server-store-ok']);
  });
});
