import { describe, expect, it } from 'vitest';
import { serverKuNeed } from '../../src/expressway/index.js';
import { CHAINS, assess, citing } from './setup.js';

describe('E8: the suite decides the server\'s Key Usage need', () => {
  it('the exchange decides the need', () => {
    expect(serverKuNeed('RSA', false)).toBe('keyEncipherment');
    expect(serverKuNeed('ECDHE_RSA', false)).toBe('digitalSignature');
    expect(serverKuNeed('ECDH_ECDSA', false)).toBe('keyAgreement');
    expect(serverKuNeed('RSA', true)).toBe('digitalSignature');
  });
  it('fires: a keyEncipherment-only server certificate under ECDHE_RSA', () => {
    const a = assess({ serverChain: CHAINS.kuKeyEncOnly });
    expect(a.presented.server!.kuNeed).toBe('digitalSignature');
    expect(citing(a.findings, 'E8').map((x) => x.code)).toEqual(['ku-suite-mismatch']);
  });
  it('stays silent under RSA key exchange, which needs keyEncipherment', () => {
    const a = assess({ serverChain: CHAINS.kuKeyEncOnly, edit: (s) => ({ ...s, tls: { ...s.tls, keyExchange: 'RSA', cipherSuite: 0x009c } }) });
    expect(a.presented.server!.kuNeed).toBe('keyEncipherment');
    expect(citing(a.findings, 'E8')).toEqual([]);
  });
});
