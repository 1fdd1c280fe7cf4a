import { describe, expect, it } from 'vitest';
import { CHAINS, E2222, assess } from './setup.js';

describe('X4: SIP TLS EKU checking mode', () => {
  it('On: clientAuth required; Off: not checked, and the finding says why it was accepted', () => {
    const on = assess({ clientChain: CHAINS.serverOnly, checking: 'On', end: { kind: 'alert', by: 'server', description: 43 } });
    expect(on.presented.client!.need).toMatchObject({ level: 'required', rules: ['X4', 'E6'] });
    const off = assess({ clientChain: CHAINS.serverOnly, checking: 'Off' });
    expect(off.presented.client!.need).toMatchObject({ level: 'not-checked', rules: ['X4'] });
    const f = off.findings.find((x) => x.code === 'client-cert-lacks-clientauth')!;
    expect(f.title).toMatch(/accepted only because EKU checking is Off \(X4\)/);
    expect(f.alsoRules).toEqual(['X4']);
  });
  it('does not apply to the SSH tunnels on 2222 (X5)', () => {
    const a = assess({ clientChain: CHAINS.serverOnly, checking: 'Off', server: E2222 });
    expect(a.presented.client!.need.rules).toEqual(['X5', 'X7']);
    expect(a.findings.some((x) => x.alsoRules?.includes('X4'))).toBe(false);
  });
});
