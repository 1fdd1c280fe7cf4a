import { describe, expect, it } from 'vitest';
import type { Analysis } from '../../src/analysis/index.js';
import { C, E2222, assess, captureFindings, citing } from './setup.js';

describe('X5: SSH tunnels always need clientAuth', () => {
  it('fires: port 2222 carried TLS, said from its bytes', () => {
    const f = citing(assess({ server: E2222 }).findings, 'X5');
    expect(f.map((x) => [x.code, x.frames])).toEqual([['port-2222-is-tls', [4]]]);
  });
  it('fires: port 2222 carried SSH, so no certificate is visible', () => {
    const conn = { a: { ip: C.ip, port: 31000 }, b: E2222, firstFrame: 3 };
    const fs = captureFindings((a) => ({ ...a, nonTls: [{ connection: conn, reason: 'ssh' }] }) as unknown as Analysis);
    const f = citing(fs, 'X5');
    expect(f.map((x) => [x.code, x.frames])).toEqual([['port-2222-is-ssh', [3]]]);
    expect(f[0]!.title).toBe('Port 2222 carried SSH, not TLS (10.0.0.16:31000 → 10.0.0.31:2222)');
  });
  it('stays silent on other ports', () => {
    expect(citing(assess().findings, 'X5')).toEqual([]);
  });
});
