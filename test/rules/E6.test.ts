import { describe, expect, it } from 'vitest';
import { ruleById } from '../../src/rules/index.js';
import { CHAINS, assess } from './setup.js';

describe('E6: which purpose a verifier checks', () => {
  it('the server certificate needs serverAuth and the client certificate clientAuth, citing E6', () => {
    const a = assess({ clientChain: CHAINS.serverOnly, checking: 'On' });
    expect(a.presented.server!.need).toMatchObject({ eku: 'serverAuth', level: 'required', rules: ['E6'] });
    expect(a.presented.client!.need.eku).toBe('clientAuth');
    expect(a.findings.find((f) => f.code === 'client-cert-lacks-clientauth')!.alsoRules).toContain('E6');
  });
  it('is not cited where the verifier does not check (checking Off, X4)', () => {
    const a = assess({ clientChain: CHAINS.serverOnly, checking: 'Off' });
    expect(a.findings.find((f) => f.code === 'client-cert-lacks-clientauth')!.alsoRules).toEqual(['X4']);
    expect(ruleById('E6')!.checks).toBeUndefined();
  });
});
