import { describe, expect, it } from 'vitest';
import { RuleCache, assessSession, auditStores, buildContext, type RuleFinding } from '../../src/expressway/index.js';
import type { CertInfo } from '../../src/x509/index.js';
import { cert } from '../x509/helpers.js';
import { fakeContext, fakeSession, type FakeOptions } from './fake.js';

const root = cert('root-noeku.pem');
const intNoEku = cert('int-noeku.pem');
const intServerAuth = cert('int-serverauth.pem');
const LEAVES: Record<string, readonly CertInfo[]> = {
  'serverAuth only': [cert('leaf-serveronly.pem')],
  'serverAuth + clientAuth': [cert('leaf-client-ok.pem'), intNoEku],
  'no EKU': [cert('leaf-noeku.pem')],
  'anyEKU only': [cert('leaf-anyeku.pem')],
  'clientAuth under a serverAuth-only CA': [cert('leaf-client-under-serverauth.pem'), intServerAuth],
  'KU keyEncipherment only': [cert('leaf-ku-keyenc-only.pem')],
};
const EDGE_CERT = [cert('leaf-serveronly-critical.pem')];
const C = { ip: '10.0.0.16', port: 25731 };
const E7001 = { ip: '10.0.0.31', port: 7001 };
const E2222 = { ip: '10.0.0.31', port: 2222 };

function run(leaf: string, mode: 'On' | 'Off' | undefined, server: { ip: string; port: number }, end: FakeOptions['end'], clientPort = server.port === 2222 ? 31000 : 25731) {
  const chain = LEAVES[leaf]!;
  const ctx = fakeContext([
    { host: 'vcs8c', ip: C.ip, edition: 'C', checking: 'On', client: [chain[0]!], server: EDGE_CERT, ca: [root, intNoEku, intServerAuth] },
    { host: 'edge', ip: server.ip, edition: 'E', ...(mode ? { checking: mode } : {}), client: EDGE_CERT, server: EDGE_CERT, ca: [root, intNoEku, intServerAuth] },
  ]);
  const { analysis, session } = fakeSession({ client: { ...C, port: clientPort }, server, serverChain: EDGE_CERT, clientChain: chain, end });
  return assessSession(analysis, session, ctx, new RuleCache());
}

const clientEkuFinding = (fs: readonly RuleFinding[]) => fs.find((f) => f.frames.includes(12) && /^(client-cert-|ca-eku|anyeku|ku-)/.test(f.code) && f.code !== 'client-cert-rejected');

describe('rules: client certificate EKU × checking mode × service (E1–E5, E7, X4, X5)', () => {
  const table: [leaf: string, mode: 'On' | 'Off', port: 7001 | 2222, code: string, rule: string, severity: RuleFinding['severity']][] = [
    ['serverAuth only', 'On', 7001, 'client-cert-lacks-clientauth', 'E2', 'warning'],
    ['serverAuth only', 'Off', 7001, 'client-cert-lacks-clientauth', 'E2', 'warning'],
    ['serverAuth only', 'Off', 2222, 'client-cert-lacks-clientauth', 'E2', 'warning'],
    ['serverAuth + clientAuth', 'On', 7001, 'client-cert-has-clientauth', 'E2', 'ok'],
    ['serverAuth + clientAuth', 'Off', 2222, 'client-cert-has-clientauth', 'E2', 'ok'],
    ['no EKU', 'On', 7001, 'client-cert-has-clientauth', 'E1', 'ok'],
    ['anyEKU only', 'On', 7001, 'anyeku-only', 'E3', 'warning'],
    ['clientAuth under a serverAuth-only CA', 'On', 7001, 'ca-eku-blocks-clientauth', 'E5', 'warning'],
    ['KU keyEncipherment only', 'On', 7001, 'ku-not-allowed', 'E7', 'warning'],
  ];
  it.each(table)('%s, checking %s, port %i (handshake completed) → %s', (leaf, mode, port, code, rule, severity) => {
    const a = run(leaf, mode, port === 7001 ? E7001 : E2222, { kind: 'completed' });
    const f = a.findings.find((x) => x.code === code);
    expect(f, a.findings.map((x) => x.code).join(', ')).toBeDefined();
    expect(f!.rule).toBe(rule);
    expect(f!.severity).toBe(severity);
    expect(f!.frames).toEqual([12]);
    expect(a.outcome.status).toBe('ok');
  });

  it('the need follows X4 on 7001 and X5 on 2222', () => {
    expect(run('serverAuth only', 'On', E7001, { kind: 'completed' }).presented.client!.need.level).toBe('required');
    expect(run('serverAuth only', 'Off', E7001, { kind: 'completed' }).presented.client!.need.level).toBe('not-checked');
    const ssh = run('serverAuth only', 'Off', E2222, { kind: 'completed' });
    expect(ssh.service.service?.id).toBe('ssh-tunnels');
    expect(ssh.presented.client!.need.level).toBe('required');
    expect(ssh.presented.client!.need.rules).toContain('X5');
    // xconf without the key: the documented default On, said as such (X4).
    const defaulted = run('serverAuth only', undefined, E7001, { kind: 'completed' }).presented.client!.need;
    expect(defaulted.level).toBe('required');
    expect(defaulted.because).toMatch(/default On/);
    // The verifier is no known box (only Expressway-C's bundle): "if checked", with the default in words.
    const ctx = fakeContext([{ host: 'vcs8c', ip: C.ip, edition: 'C', client: LEAVES['serverAuth only']! }]);
    const { analysis, session } = fakeSession({ client: C, server: E7001, serverChain: EDGE_CERT, clientChain: LEAVES['serverAuth only']!, end: { kind: 'completed' } });
    const need = assessSession(analysis, session, ctx, new RuleCache()).presented.client!.need;
    expect(need.level).toBe('if-checked');
    expect(need.because).toMatch(/On, the default/);
  });

  it('checking Off: accepted, but the finding says SSH tunnels still fail and does not suggest turning checking Off', () => {
    const a = run('serverAuth only', 'Off', E7001, { kind: 'completed' });
    const f = clientEkuFinding(a.findings)!;
    expect(f.detail).toMatch(/was accepted here because .*checking Off/);
    expect(f.detail).toMatch(/SSH tunnels, X5\) still fail/);
    expect(f.fix).not.toMatch(/Alternatively set/);
  });

  it('a failed handshake makes the certificate finding an error, with the fix of the document (X7)', () => {
    const a = run('serverAuth only', 'On', E7001, { kind: 'alert', by: 'server', description: 43 });
    const f = clientEkuFinding(a.findings)!;
    expect(f.severity).toBe('error');
    expect(f.fix).toMatch(/private CA that adds clientAuth/);
    expect(f.fix).toMatch(/Checking Mode: Off on Expressway-E edge: the zone comes up, but SSH tunnels \(2222\) still need clientAuth/);
  });
});

describe('rules: outcome (T5, T6, T8)', () => {
  it('alert 43 from the server after the client certificate: rejected client certificate, purpose strongly suggested', () => {
    const a = run('serverAuth only', 'On', E7001, { kind: 'alert', by: 'server', description: 43 });
    expect(a.outcome.status).toBe('failed');
    expect(a.outcome.rejected).toBe('client');
    const f = a.findings.find((x) => x.code === 'client-cert-rejected')!;
    expect(f.severity).toBe('error');
    expect(f.rule).toBe('T6');
    expect(f.frames).toEqual([14]);
    expect(f.detail).toMatch(/points strongly at a purpose/);
    expect(f.detail).toMatch(/consistent with what the certificate lacks/);
  });
  it('alert 48 is trust, not EKU, and its fix is about trust', () => {
    const a = run('serverAuth + clientAuth', 'On', E7001, { kind: 'alert', by: 'server', description: 48 });
    const f = a.findings.find((x) => x.code === 'client-cert-rejected')!;
    expect(f.rule).toBe('T5');
    expect(f.detail).toMatch(/about trust/);
    expect(f.detail).toMatch(/EKU is not the cause/);
    expect(f.fix).toMatch(/must trust/);
  });
  it('alert 42 is generic; with a certificate lacking clientAuth, EKU is only likely', () => {
    const a = run('serverAuth only', 'On', E7001, { kind: 'alert', by: 'server', description: 42 });
    expect(a.outcome.explanation.join(' ')).toMatch(/generic; Go answers it/);
    expect(a.outcome.explanation.join(' ')).toMatch(/an EKU rejection is likely/);
  });
  it('a close by the server without an alert after the client certificate is a likely rejection (T8)', () => {
    const a = run('serverAuth only', 'On', E7001, { kind: 'fin', by: 'server' });
    const f = a.findings.find((x) => x.code === 'silent-close')!;
    expect(f.rule).toBe('T8');
    expect(f.detail).toMatch(/without an alert/);
    expect(f.detail).toMatch(/the peer gave no reason/);
    expect(a.outcome.inferred).toBe(true);
  });
  it('an alert from the client after the server certificate: the client rejected the server certificate', () => {
    const ctx = buildContext({ bundles: [] });
    const { analysis, session } = fakeSession({ client: C, server: E7001, serverChain: LEAVES['serverAuth only']!, end: { kind: 'alert', by: 'client', description: 42 } });
    const a = assessSession(analysis, session, ctx, new RuleCache());
    expect(a.outcome.rejected).toBe('server');
    expect(a.findings.find((f) => f.code === 'server-cert-rejected')).toBeDefined();
  });
});

describe('rules: stores (X1, X2, T3)', () => {
  it('a box presenting its server-store certificate as TLS client is a store mismatch (X1)', () => {
    const ctx = fakeContext([
      { host: 'vcs8c', ip: C.ip, edition: 'C', client: LEAVES['serverAuth + clientAuth']!.slice(0, 1), server: LEAVES['serverAuth only']!, ca: [root, intNoEku] },
      { host: 'edge', ip: E7001.ip, edition: 'E', checking: 'On', server: EDGE_CERT },
    ]);
    const { analysis, session } = fakeSession({ client: C, server: E7001, serverChain: EDGE_CERT, clientChain: LEAVES['serverAuth only']!, end: { kind: 'completed' } });
    const a = assessSession(analysis, session, ctx, new RuleCache());
    const f = a.findings.find((x) => x.code === 'store-mismatch')!;
    expect(f.rule).toBe('X1');
    expect(f.title).toMatch(/presented its server store certificate as TLS client/);
  });
  it('the expected store is confirmed with its file (X1)', () => {
    const a = run('serverAuth + clientAuth', 'On', E7001, { kind: 'completed' });
    const st = a.presented.client!.store;
    expect(st.kind).toBe('as-expected');
    expect(st.kind === 'as-expected' && st.entry.file).toBe('client_vcs8c.pem');
    expect(a.presented.server!.store.kind).toBe('as-expected');
  });
  it('an empty client Certificate with a serverAuth-only client store: possibly filtered by EKU (T3)', () => {
    const ctx = fakeContext([{ host: 'vcs8c', ip: C.ip, edition: 'C', client: LEAVES['serverAuth only']!, server: LEAVES['serverAuth only']! }]);
    const { analysis, session } = fakeSession({ client: C, server: E7001, serverChain: EDGE_CERT, clientChain: [], end: { kind: 'alert', by: 'server', description: 40 } });
    const a = assessSession(analysis, session, ctx, new RuleCache());
    const f = a.findings.find((x) => x.code === 'client-certificate-empty')!;
    expect(f.rule).toBe('T3');
    expect(f.detail).toMatch(/possibly filtered by EKU/);
  });
  it('the same certificate in both stores gets the X2 note; without clientAuth it is a warning', () => {
    const ctx = fakeContext([{ host: 'vcs8c', ip: C.ip, edition: 'C', client: LEAVES['serverAuth only']!, server: LEAVES['serverAuth only']! }]);
    const box = ctx.boxes[0]!;
    const fs = auditStores(box, box.stores!, new Date('2026-06-01T00:00:00Z'));
    const x2 = fs.find((f) => f.code === 'same-cert-both-stores')!;
    expect(x2.rule).toBe('X2');
    expect(x2.severity).toBe('warning');
    expect(x2.detail).toMatch(/Upload server certificate file as client certificate/);
    expect(fs.find((f) => f.code === 'client-store-lacks-clientauth')?.detail).toMatch(/UC traversal zone .* SSH tunnels/);
  });
  it('a clientAuth leaf under a serverAuth-only CA is an E5 trap for check-store', () => {
    const ctx = fakeContext([{ host: 'vcs8c', ip: C.ip, edition: 'C', client: LEAVES['clientAuth under a serverAuth-only CA']!, server: LEAVES['serverAuth only']!, ca: [root, intServerAuth] }]);
    const box = ctx.boxes[0]!;
    const fs = auditStores(box, box.stores!, new Date('2026-06-01T00:00:00Z'));
    expect(fs.find((f) => f.code === 'client-store-ca-eku-trap')?.rule).toBe('E5');
    expect(fs.find((f) => f.code === 'ca-eku-trap')).toBeDefined();
  });
});

describe('rules: no Expressway context', () => {
  it('a plain capture still gets roles, EKU verdicts and the outcome, and no store claims', () => {
    const { analysis, session } = fakeSession({ client: C, server: { ip: '192.0.2.9', port: 443 }, serverChain: LEAVES['serverAuth only']!, clientChain: LEAVES['serverAuth only']!, end: { kind: 'alert', by: 'server', description: 43 } });
    const a = assessSession(analysis, session, buildContext({ bundles: [] }), new RuleCache());
    expect(a.client.box).toBeUndefined();
    expect(a.presented.client!.store.kind).toBe('not-expressway');
    expect(a.findings.some((f) => f.rule === 'X1')).toBe(false);
    expect(a.presented.client!.need.level).toBe('if-checked');
    expect(a.findings.find((f) => f.code === 'client-cert-rejected')).toBeDefined();
  });
});

describe('rules: port 2222 (X5)', () => {
  it('SSH bytes on 2222 are said to be SSH, with the clientAuth reminder', async () => {
    const { assessCapture } = await import('../../src/expressway/index.js');
    const { analysis } = fakeSession({ client: { ip: C.ip, port: 31000 }, server: E2222, serverChain: EDGE_CERT, end: { kind: 'completed' } });
    const conn = { ...analysis.connections[0]!, id: 1, firstFrame: 40 };
    const a = { ...analysis, nonTls: [{ id: 1, connection: conn, reason: 'ssh' as const }] };
    const ctx = fakeContext([{ host: 'vcs8c', ip: C.ip, edition: 'C' }, { host: 'edge', ip: E2222.ip, edition: 'E' }]);
    const f = assessCapture(a, ctx).find((x) => x.code === 'port-2222-is-ssh')!;
    expect(f.rule).toBe('X5');
    expect(f.frames).toEqual([40]);
    expect(f.detail).toMatch(/"SSH-2\.0".*need clientAuth on Expressway-C's client certificate whatever the checking mode \(X5\)/);
  });
  it('SSH on 2222 seen from the server side first (A is the server): client and server are told by port, whatever objects the connection hands out', async () => {
    const { assessCapture } = await import('../../src/expressway/index.js');
    const { analysis } = fakeSession({ client: { ip: C.ip, port: 31000 }, server: E2222, serverChain: EDGE_CERT, end: { kind: 'completed' } });
    // As the reassembler's connections do: each read of an endpoint makes a new object.
    const base = analysis.connections[0]!;
    const conn = Object.defineProperties({ ...base, id: 1, firstFrame: 40 }, {
      a: { get: () => ({ ip: E2222.ip, port: 2222 }) },
      b: { get: () => ({ ip: C.ip, port: 31000 }) },
    });
    const a = { ...analysis, nonTls: [{ id: 1, connection: conn, reason: 'ssh' as const }] };
    const ctx = fakeContext([{ host: 'vcs8c', ip: C.ip, edition: 'C' }, { host: 'edge', ip: E2222.ip, edition: 'E' }]);
    const f = assessCapture(a, ctx).find((x) => x.code === 'port-2222-is-ssh')!;
    expect(f.title).toBe(`Port 2222 carried SSH, not TLS (${C.ip}:31000 → ${E2222.ip}:2222)`);
  });
  it('TLS on 2222 is said to be TLS, from the bytes', () => {
    const a = run('serverAuth + clientAuth', 'On', E2222, { kind: 'completed' });
    expect(a.findings.find((f) => f.code === 'port-2222-is-tls')?.frames).toEqual([4]);
  });
});

describe('rules: capture quality', () => {
  it('one direction only, snap length, a cut file: each says what to recapture', async () => {
    const { assessCapture } = await import('../../src/expressway/index.js');
    const { analysis, session } = fakeSession({ client: C, server: E7001, serverChain: EDGE_CERT, clientChain: LEAVES['serverAuth only']!, end: { kind: 'completed' } });
    const oneWay = { ...session, connection: { ...session.connection, packets: [8, 0] } } as typeof session;
    const a = assessSession(analysis, oneWay, buildContext({ bundles: [] }), new RuleCache());
    expect(a.findings.find((f) => f.code === 'one-direction-only')?.fix).toMatch(/both directions/);
    const cap = { ...analysis, capture: { ...analysis.capture, truncatedFrames: 3, problems: [{ severity: 'fatal' as const, message: 'the file ends inside record 11', fileOffset: 10, frame: 10 }] } };
    const fs = assessCapture(cap, buildContext({ bundles: [] }));
    expect(fs.find((f) => f.code === 'snaplen-truncated')?.fix).toMatch(/tcpdump -s 0/);
    expect(fs.find((f) => f.code === 'capture-cut')?.frames).toEqual([10]);
  });
});
