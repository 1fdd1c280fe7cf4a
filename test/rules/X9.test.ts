import { describe, expect, it } from 'vitest';
import type { TlsLogEvent } from '../../src/expressway/index.js';
import { C, E7001, assess, citing } from './setup.js';

const event = (over: Partial<TlsLogEvent>): TlsLogEvent => ({
  line: 12,
  kind: 'inbound-negotiation-error',
  expresswayRole: 'server',
  src: { ip: C.ip, port: C.port },
  dst: { ip: E7001.ip, port: E7001.port },
  reason: 'unsupported certificate purpose',
  reasonCodes: ['unsupported-certificate-purpose'],
  fields: { Event: 'Inbound TLS Negotiation Error' },
  rule: 'X9',
  ...over,
});

describe("X9: Expressway's log lines", () => {
  it("fires: Expressway-E's inbound negotiation error for this connection, its role agreeing with the capture", () => {
    const a = assess({ end: { kind: 'alert', by: 'server', description: 43 }, eStore: { logEvents: [event({})] } });
    const f = citing(a.findings, 'X9');
    expect(f.map((x) => [x.code, x.severity, x.frames])).toEqual([['log-event', 'info', [14]]]);
    expect(f[0]!.detail).toMatch(/^loggingsnapshot line 12: Inbound TLS Negotiation Error, Detail "unsupported certificate purpose"\. Expressway-E edge was TLS server \(X9\), as in the capture\. Its OpenSSL reason names the certificate purpose/);
  });
  it('fires as a warning when the log states the other role', () => {
    const f = citing(assess({ eStore: { logEvents: [event({ kind: 'outbound-negotiation-error', expresswayRole: 'client', fields: { Event: 'Outbound TLS Negotiation Error' } })] } }).findings, 'X9');
    expect(f.map((x) => [x.code, x.severity])).toEqual([['log-role-disagrees', 'warning']]);
  });
  it('stays silent about log lines of other connections', () => {
    expect(citing(assess({ eStore: { logEvents: [event({ src: { ip: '10.9.9.9', port: 5555 } })] } }).findings, 'X9')).toEqual([]);
  });
});
