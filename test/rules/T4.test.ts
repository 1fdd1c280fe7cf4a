import { describe, expect, it } from 'vitest';
import type { Session } from '../../src/analysis/index.js';
import type { AnomalyCode } from '../../src/tls/index.js';
import { CHAINS, assess, citing, mentioning } from './setup.js';

const anomaly = (code: AnomalyCode) => (s: Session): Session => ({ ...s, tls: { ...s.tls, anomalies: [{ code, dir: 1, frame: 14, message: `${code} in frame 14` }] } });

describe('T4: the alert codes', () => {
  it('fires: a malformed alert record is about the alert list', () => {
    const f = citing(assess({ edit: anomaly('bad-alert') }).findings, 'T4');
    expect(f.map((x) => [x.code, x.frames])).toEqual([['tls-bad-alert', [14]]]);
  });
  it('fires: an alert whose direction and position say nothing about whose certificate was refused is told by its code', () => {
    const a = assess({ end: { kind: 'alert', by: 'client', description: 42 } });
    const f = citing(a.findings, 'T4');
    expect(f.map((x) => [x.code, x.alsoRules, x.frames])).toEqual([['handshake-failed', ['T5', 'X7'], [14]]]);
    expect(a.outcome.rejected).toBeUndefined();
  });
  it('is cited beside C1 where an expired certificate may draw alert 45 or 42', () => {
    const a = assess({ clientChain: CHAINS.clientOk, at: new Date('2099-01-01T00:00:00Z') });
    expect(mentioning(a.findings, 'T4').map((x) => x.code)).toContain('cert-expired');
  });
  it('stays silent over other anomalies, which are what the capture lost (C3)', () => {
    const a = assess({ edit: anomaly('unexpected-message') });
    expect(citing(a.findings, 'T4')).toEqual([]);
    expect(citing(a.findings, 'C3').map((x) => x.code)).toEqual(['tls-unexpected-message']);
  });
});
