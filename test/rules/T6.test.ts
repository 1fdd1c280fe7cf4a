import { describe, expect, it } from 'vitest';
import { CHAINS, assess, citing } from './setup.js';

describe('T6: who rejected whom, from the alert\'s direction', () => {
  it("fires: a fatal alert from the server after the client's flight rejects the client certificate", () => {
    const a = assess({ clientChain: CHAINS.serverOnly, end: { kind: 'alert', by: 'server', description: 43 } });
    const f = citing(a.findings, 'T6');
    expect(f.map((x) => [x.code, x.severity, x.frames])).toEqual([['client-cert-rejected', 'error', [14]]]);
    expect(f[0]!.title).toBe("Expressway-E edge rejected Expressway-C vcs8c's client certificate (alert 43 unsupported_certificate)");
    expect(f[0]!.alsoRules).toEqual(['T5', 'X7']);
    // The headline comes first.
    expect(a.findings[0]).toBe(f[0]);
  });
  it('stays silent when the handshake completed', () => {
    expect(citing(assess().findings, 'T6')).toEqual([]);
  });
});
