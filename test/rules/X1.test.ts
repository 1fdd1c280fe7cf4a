import { describe, expect, it } from 'vitest';
import { CHAINS, assess, audit, citing } from './setup.js';

describe('X1: the store rule', () => {
  it('fires (ok): each box presented the store its role calls for', () => {
    const f = citing(assess().findings, 'X1');
    expect(f.map((x) => [x.code, x.severity, x.frames])).toEqual([
      ['store-as-expected', 'ok', [8]],
      ['store-as-expected', 'ok', [12]],
    ]);
    expect(f[1]!.title).toBe('Expressway-C vcs8c presented its client-store certificate, as the store rule says for a TLS client');
  });
  it('fires: Expressway-C presented its server-store certificate as TLS client', () => {
    const a = assess({ clientChain: CHAINS.serverOnly, cStore: { client: CHAINS.clientOk, server: CHAINS.serverOnly } });
    const f = citing(a.findings, 'X1').find((x) => x.code === 'store-mismatch')!;
    expect(f.severity).toBe('error');
    expect(f.title).toBe('Expressway-C vcs8c presented its server store certificate as TLS client; the store rule says client store');
    expect(f.fix).toMatch(/run x15\.5 or later on it/);
  });
  it('fires: a certificate in none of the box\'s stores, and an empty store in an audit', () => {
    const a = assess({ cStore: { client: CHAINS.noEku } });
    expect(citing(a.findings, 'X1').map((x) => x.code)).toContain('store-unknown-cert');
    const fs = citing(audit({ server: CHAINS.serverOnly }), 'X1');
    expect(fs.map((x) => x.code)).toEqual(['client-store-empty']);
    expect(fs[0]!.detail).toBe('No client_*.pem file (or it holds no certificate).');
  });
  it('stays silent about ends that are no known box', () => {
    // The server's address and certificate belong to no box: nothing is said about its stores.
    const a = assess({ server: { ip: '192.0.2.80', port: 443 }, serverChain: CHAINS.noEku, eStore: { ip: '192.0.2.99', server: CHAINS.serverOnly } });
    expect(a.server.box).toBeUndefined();
    expect(citing(a.findings, 'X1').map((x) => x.frames)).toEqual([[12]]);
  });
});
