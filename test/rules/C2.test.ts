import { describe, expect, it } from 'vitest';
import type { Session } from '../../src/analysis/index.js';
import { assess, citing } from './setup.js';

describe('C2: handshake not captured', () => {
  it('fires: no ClientHello, roles inferred from a server message', () => {
    const f = citing(assess({ edit: (s) => ({ ...s, tls: { ...s.tls, roleSource: 'server-hello' } as Session['tls'] }) }).findings, 'C2');
    expect(f.map((x) => [x.code, x.alsoRules])).toEqual([['roles-from-server-message', ['T1']]]);
  });
  it('fires: the capture began after the handshake; the roles are said to be a guess', () => {
    const a = assess({ edit: (s) => ({ ...s, roleGuess: 'syn', tls: { ...s.tls, outcome: { kind: 'no-handshake' } } as Session['tls'] }) });
    const f = citing(a.findings, 'C2');
    expect(f.map((x) => x.code)).toEqual(['no-handshake']);
    expect(f[0]!.detail).toMatch(/taken as TLS client because it sent the SYN: inferred, not observed/);
    expect(f[0]!.fix).toMatch(/^Capture from before the connection is made/);
  });
  it('fires: joined mid-stream without the SYN', () => {
    const a = assess({ edit: (s) => ({ ...s, connection: { ...s.connection, synSeen: false }, tls: { ...s.tls, midStream: [true, false] } as Session['tls'] }) });
    expect(citing(a.findings, 'C2').map((x) => x.code)).toEqual(['mid-stream']);
  });
  it('stays silent when the handshake was captured from its start', () => {
    expect(citing(assess().findings, 'C2')).toEqual([]);
  });
});
