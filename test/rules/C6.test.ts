import { describe, expect, it } from 'vitest';
import type { Session } from '../../src/analysis/index.js';
import { assess, citing } from './setup.js';

const encrypted = (s: Session): Session => {
  const o = s.tls.outcome;
  if (o.kind !== 'alert') return s;
  return { ...s, alerts: s.alerts.map((al) => ({ ...al, encrypted: true, description: undefined, level: undefined, length: 26 })), tls: { ...s.tls, outcome: { ...o, alert: { ...o.alert, encrypted: true, description: undefined, level: undefined, length: 26 } } } as Session['tls'] };
};

describe('C6: records after the keys change', () => {
  it('fires: an encrypted alert is told by its size and timing, never a guessed code', () => {
    const a = assess({ end: { kind: 'alert', by: 'server', description: 43 }, edit: encrypted });
    const f = citing(a.findings, 'C6');
    expect(f.map((x) => [x.code, x.alsoRules])).toEqual([['client-cert-rejected', ['T6', 'X7']]]);
    expect(f[0]!.detail).toMatch(/sent an encrypted alert \(26 bytes\) in frame 14/);
    expect(f[0]!.detail).not.toMatch(/\b43\b/);
  });
  it('stays silent over a readable alert', () => {
    expect(citing(assess({ end: { kind: 'alert', by: 'server', description: 43 } }).findings, 'C6')).toEqual([]);
  });
});
