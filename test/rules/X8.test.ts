import { describe, expect, it } from 'vitest';
import { clientStoreServices } from '../../src/expressway/index.js';
import { ruleById } from '../../src/rules/index.js';
import { CHAINS, audit } from './setup.js';

describe('X8: neighbor zones', () => {
  it('neighbor zones with TLS verify On are among the services a client store without clientAuth loses', () => {
    const f = audit({ client: CHAINS.serverOnly, ca: [] }).find((x) => x.code === 'client-store-lacks-clientauth')!;
    expect(f.detail).toMatch(/Neighbor zones with TLS verify On, outbound \(5061\) — if the neighbor checks clientAuth \(X4 On on an Expressway, X8\)/);
  });
  it('is listed for both editions, and draws no finding of its own', () => {
    expect(clientStoreServices({ edition: 'expressway-e' } as never).map((s) => s.service)).toContain('Neighbor zones with TLS verify On, outbound (5061)');
    expect(clientStoreServices({ edition: 'expressway-c' } as never).map((s) => s.service)).toContain('Neighbor zones with TLS verify On, outbound (5061)');
    expect(ruleById('X8')!.checks).toBeUndefined();
  });
});
