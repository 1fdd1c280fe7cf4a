import { describe, expect, it } from 'vitest';
import type { Session } from '../../src/analysis/index.js';
import { assess, citing } from './setup.js';

const tls13 = (s: Session): Session => ({ ...s, tls: { ...s.tls, version: 0x0304, tls13: true, outcome: { kind: 'tls13' } } as Session['tls'] });

describe('T7: TLS 1.3 without keys', () => {
  it('fires: the certificates and alerts of TLS 1.3 are not visible; the outcome is not claimed', () => {
    const a = assess({ edit: tls13 });
    const f = citing(a.findings, 'T7');
    expect(f.map((x) => [x.code, x.frames])).toEqual([['tls13-not-observed', [4, 6]]]);
    expect(a.outcome.inferred).toBe(true);
    expect(a.outcome.text).toBe('TLS 1.3: outcome not visible without keys');
  });
  it('fires: a compressed Certificate message that cannot be read', () => {
    const a = assess({ edit: (s) => ({ ...s, certificateMessages: s.certificateMessages.map((m) => (m.from === 'server' ? { ...m, compressed: { algorithm: 3, name: 'zstd', error: 'zstd is not supported here' } } : m)) }) });
    const f = citing(a.findings, 'T7');
    expect(f.map((x) => x.code)).toEqual(['certificate-compressed-unreadable']);
    expect(f[0]!.detail).toMatch(/^Zstd is not supported here\./);
  });
  it('stays silent about TLS 1.2', () => {
    expect(citing(assess().findings, 'T7')).toEqual([]);
  });
});
