import { describe, expect, it } from 'vitest';
import { assess, citing } from './setup.js';

describe('T1: who sends ClientHello is the TLS client', () => {
  it('fires: the ClientHello came from the end that did not send the SYN', () => {
    const a = assess({ edit: (s) => ({ ...s, connection: { ...s.connection, a: s.server!, b: s.client! } }) });
    const f = citing(a.findings, 'T1');
    expect(f.map((x) => [x.code, x.severity, x.frames])).toEqual([['tls-client-not-initiator', 'info', [4]]]);
    expect(f[0]!.detail).toMatch(/roles follow the ClientHello \(T1\)/);
    // The roles still follow the ClientHello.
    expect(a.client.endpoint.ip).toBe('10.0.0.16');
  });
  it('stays silent when the TLS client also opened the connection', () => {
    expect(citing(assess().findings, 'T1')).toEqual([]);
  });
});
