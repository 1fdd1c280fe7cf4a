import { describe, expect, it } from 'vitest';
import { CHAINS, E7001, assess, audit, mentioning } from './setup.js';

describe("X7: the document's outcomes", () => {
  it('a failed UC traversal zone cites the outcomes, and the fix names what still fails with checking Off', () => {
    const a = assess({ clientChain: CHAINS.serverOnly, checking: 'On', end: { kind: 'alert', by: 'server', description: 43 } });
    expect(a.service.service?.id).toBe('uc-traversal');
    expect(a.findings.find((x) => x.code === 'client-cert-rejected')!.alsoRules).toContain('X7');
    expect(a.findings.find((x) => x.code === 'client-cert-lacks-clientauth')!.fix).toMatch(/MRA login and the WebRTC proxy keep failing \(X5, X7\)/);
    expect(mentioning(audit({ client: CHAINS.serverOnly, ca: [] }), 'X7').map((x) => x.code)).toEqual(['client-store-lacks-clientauth']);
  });
  it('is not cited on a failure outside the traversal zone and the tunnels', () => {
    const a = assess({ clientChain: CHAINS.clientOk, server: { ...E7001, port: 5061 }, clientPort: 40000, end: { kind: 'alert', by: 'server', description: 48 } });
    expect(a.service.service?.id).not.toBe('uc-traversal');
    expect(a.findings.find((x) => x.code === 'client-cert-rejected')!.alsoRules).not.toContain('X7');
  });
});
