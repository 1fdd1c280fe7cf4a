import { describe, expect, it } from 'vitest';
import { CHAINS, assess, citing } from './setup.js';

describe('T8: a rejection without an alert', () => {
  it("fires: the server closed right after the client's certificate, without an alert: a likely rejection", () => {
    const a = assess({ clientChain: CHAINS.serverOnly, end: { kind: 'fin', by: 'server' } });
    const f = citing(a.findings, 'T8');
    expect(f.map((x) => [x.code, x.frames])).toEqual([['silent-close', [14]]]);
    expect(f[0]!.detail).toMatch(/the peer gave no reason \(T8; a Node\.js server does exactly this\)/);
    expect(f[0]!.detail).toMatch(/EKU is the probable reason/);
    expect(a.outcome.inferred).toBe(true);
  });
  it('stays silent when an alert told the reason', () => {
    expect(citing(assess({ clientChain: CHAINS.serverOnly, end: { kind: 'alert', by: 'server', description: 43 } }).findings, 'T8')).toEqual([]);
  });
});
