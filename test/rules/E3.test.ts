import { describe, expect, it } from 'vitest';
import { CHAINS, assess, audit, citing } from './setup.js';

describe('E3: anyExtendedKeyUsage alone', () => {
  it('fires: passes Go/Java, fails OpenSSL/NSS, said as such', () => {
    const f = citing(assess({ clientChain: CHAINS.anyEku }).findings, 'E3');
    expect(f.map((x) => x.code)).toEqual(['anyeku-only']);
    expect(f[0]!.title).toMatch(/passes Go\/Java verifiers, fails OpenSSL\/NSS/);
    expect(citing(audit({ client: CHAINS.anyEku, ca: [] }), 'E3').map((x) => x.code)).toEqual(['client-store-lacks-clientauth']);
  });
  it('stays silent for a certificate that lists its purposes', () => {
    expect(citing(assess({ clientChain: CHAINS.clientOk }).findings, 'E3')).toEqual([]);
    expect(citing(assess({ clientChain: CHAINS.serverOnly }).findings, 'E3')).toEqual([]);
  });
});
