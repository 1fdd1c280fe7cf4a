import { describe, expect, it } from 'vitest';
import { assess, citing } from './setup.js';

describe("T2: what a CertificateRequest says", () => {
  it("fires: the client certificate's chain names none of the CAs the server listed", () => {
    const a = assess({ edit: (s) => ({ ...s, certificateRequest: { ...s.certificateRequest!, caNames: [{ der: new Uint8Array([0x30, 0x00]), text: 'CN=Elsewhere CA' }] } }) });
    const f = citing(a.findings, 'T2');
    expect(f.map((x) => [x.code, x.frames])).toEqual([['certificate-request-misfit', [8, 12]]]);
    expect(f[0]!.detail).toMatch(/names none of the 1 CA\(s\) the server listed as acceptable \(CN=Elsewhere CA\)/);
  });
  it('stays silent for an empty CA list (any CA) and a key type the request allows; it never adds an EKU need', () => {
    const a = assess();
    expect(citing(a.findings, 'T2')).toEqual([]);
    expect(a.presented.client!.need.rules).not.toContain('T2');
  });
});
