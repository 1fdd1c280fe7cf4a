import { describe, expect, it } from 'vitest';
import { ruleById } from '../../src/rules/index.js';
import { CHAINS, assess } from './setup.js';

describe('X3: the client store refuses a certificate without clientAuth', () => {
  it('the fix for a client certificate that lacks clientAuth says how such a certificate got in', () => {
    const f = assess({ clientChain: CHAINS.serverOnly }).findings.find((x) => x.code === 'client-cert-lacks-clientauth')!;
    expect(f.fix).toMatch(/the client store refuses a certificate without clientAuth unless it is uploaded with "Upload server certificate file as client certificate" \(X3\)/);
  });
  it('is not cited where the leaf has clientAuth and only its CA is in the way (E5)', () => {
    const f = assess({ clientChain: CHAINS.underServerAuthCa }).findings.find((x) => x.code === 'ca-eku-blocks-clientauth')!;
    expect(f.fix).not.toMatch(/X3/);
    expect(ruleById('X3')!.checks).toBeUndefined();
  });
});
