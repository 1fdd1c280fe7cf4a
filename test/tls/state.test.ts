import { describe, expect, it } from 'vitest';
import { finalOutcome, initialState, silentRejection, transition, type HandshakeState, type TlsEvent } from '../../src/tls/index.js';

function run(events: TlsEvent[], s: HandshakeState = initialState()): HandshakeState {
  return events.reduce(transition, s);
}
const h = (dir: 0 | 1, type: number, frame: number): TlsEvent => ({ kind: 'handshake', dir, type, frame });

describe('transition', () => {
  it('is pure: the input state is not changed', () => {
    const s0 = initialState();
    const copy = JSON.stringify(s0);
    transition(s0, h(1, 1, 1));
    expect(JSON.stringify(s0)).toBe(copy);
  });

  it('the ClientHello sender is the client, whatever the direction (rule T1)', () => {
    const s = run([h(1, 1, 1), h(0, 2, 2)]);
    expect(s.clientDir).toBe(1);
  });

  it('a mid-stream start takes roles from a server-only message', () => {
    expect(run([h(0, 13, 5)])).toMatchObject({ clientDir: 1, roleSource: 'server-message' });
  });

  it('reports an order violation once and stays invalid (sticky)', () => {
    const s = run([h(0, 1, 1), h(1, 2, 2), h(1, 14, 3), h(1, 11, 4), h(1, 12, 5), h(0, 2, 6)]);
    expect(s.invalid).toBe(true);
    const order = s.anomalies.filter((a) => a.code === 'unexpected-message');
    expect(order).toEqual([{ code: 'unexpected-message', dir: 1, frame: 4, message: 'Certificate out of order from the TLS server' }]);
  });

  it('a client Certificate without a CertificateRequest is an anomaly (rule T3)', () => {
    const s = run([h(0, 1, 1), h(1, 2, 2), h(1, 11, 2), h(1, 14, 2), h(0, 11, 3)]);
    expect(s.anomalies[0]?.message).toBe('client Certificate without a CertificateRequest');
  });

  it('FIN from the server after the client flight: closed, likely silent rejection (rule T8)', () => {
    const s = run([
      h(0, 1, 1),
      h(1, 2, 2), h(1, 11, 2), h(1, 13, 2), h(1, 14, 2),
      h(0, 11, 3), h(0, 16, 3), h(0, 15, 3),
      { kind: 'change-cipher-spec', dir: 0, frame: 3 },
      { kind: 'encrypted', dir: 0, frame: 3, contentType: 22, length: 40 },
      { kind: 'end', dir: 1, reason: 'fin', frame: 4 },
    ]);
    expect(s.outcome).toMatchObject({ kind: 'closed', end: { by: 'server', frame: 4, after: { what: 'EncryptedHandshake' } } });
    expect(silentRejection(s)).toMatchObject({ by: 'server', after: { dir: 0, what: 'EncryptedHandshake' } });
  });

  it('RST from the client after the server certificate: reset, client likely rejected the server', () => {
    const s = run([h(0, 1, 1), h(1, 2, 2), h(1, 11, 2), h(1, 14, 2), { kind: 'end', dir: 0, reason: 'rst', frame: 3 }]);
    expect(s.outcome.kind).toBe('reset');
    expect(silentRejection(s)?.by).toBe('client');
  });

  it('fatal alert ends the handshake; a warning does not', () => {
    const base = [h(0, 1, 1), h(1, 2, 2)];
    expect(run([...base, { kind: 'alert', dir: 1, frame: 3, encrypted: false, level: 1, description: 112, length: 2 }]).outcome.kind).toBe('in-progress');
    expect(run([...base, { kind: 'alert', dir: 0, frame: 3, encrypted: false, level: 2, description: 48, length: 2 }]).outcome).toMatchObject({
      kind: 'alert',
      alert: { by: 'client', description: 48, after: { what: 'ServerHello' } },
    });
  });

  it('capture ended mid-handshake', () => {
    const s = run([h(0, 1, 1), h(1, 2, 2), { kind: 'end', dir: 0, reason: 'capture-end', frame: 9 }]);
    expect(s.outcome).toMatchObject({ kind: 'capture-ended', after: { what: 'ServerHello' } });
    expect(finalOutcome(run([h(0, 1, 1)]))).toMatchObject({ kind: 'capture-ended' });
  });

  it('abbreviated handshake is resumed', () => {
    const s = run([
      h(0, 1, 1),
      h(1, 2, 2),
      { kind: 'change-cipher-spec', dir: 1, frame: 2 },
      { kind: 'encrypted', dir: 1, frame: 2, contentType: 22, length: 40 },
      { kind: 'change-cipher-spec', dir: 0, frame: 3 },
      { kind: 'encrypted', dir: 0, frame: 3, contentType: 22, length: 40 },
    ]);
    expect(s.outcome).toMatchObject({ kind: 'resumed', frame: 3 });
    expect(s.anomalies).toEqual([]);
  });
});
