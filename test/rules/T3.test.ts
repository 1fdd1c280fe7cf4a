import { describe, expect, it } from 'vitest';
import { CHAINS, assess, citing } from './setup.js';

describe('T3: an empty client Certificate', () => {
  it('fires: an empty Certificate answered with alert 40, and the client store lacks clientAuth: possibly filtered by EKU', () => {
    const a = assess({ clientChain: [], cStore: { client: CHAINS.serverOnly }, end: { kind: 'alert', by: 'server', description: 40 } });
    expect(a.clientCert).toBe('empty');
    const f = citing(a.findings, 'T3');
    expect(f.map((x) => [x.code, x.severity])).toEqual([
      ['client-cert-missing', 'error'],
      ['client-certificate-empty', 'error'],
    ]);
    expect(f[0]!.title).toMatch(/sent no client certificate \(alert 40 handshake_failure\)/);
    expect(f[1]!.detail).toMatch(/possibly filtered by EKU/);
  });
  it('stays silent when the client sent its certificate', () => {
    expect(citing(assess({ end: { kind: 'alert', by: 'server', description: 40 } }).findings, 'T3')).toEqual([]);
  });
});
