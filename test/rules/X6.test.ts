import { describe, expect, it } from 'vitest';
import { ruleById, ruleInfo } from '../../src/rules/index.js';
import { CHAINS, assess, audit, mentioning } from './setup.js';

describe("X6: x15.4's EnableServerEkuUpload", () => {
  it('is background for older releases: no check, and no finding cites it', () => {
    expect(ruleById('X6')!.checks).toBeUndefined();
    expect(ruleInfo('X6')!.explanation).toMatch(/EnableServerEkuUpload/);
    for (const a of [assess(), assess({ clientChain: CHAINS.serverOnly, end: { kind: 'alert', by: 'server', description: 43 } })]) expect(mentioning(a.findings, 'X6')).toEqual([]);
    expect(mentioning(audit({ client: CHAINS.serverOnly, server: CHAINS.serverOnly, ca: [] }), 'X6')).toEqual([]);
  });
});
