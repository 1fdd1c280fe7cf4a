import { describe, expect, it } from 'vitest';
import { ruleById } from '../../src/rules/index.js';
import { CHAINS, assess, mentioning } from './setup.js';

describe('E4: criticality does not change the verdict', () => {
  it('a critical serverAuth-only EKU draws the same findings as a non-critical one', () => {
    const plain = assess({ clientChain: CHAINS.serverOnly, cStore: { client: CHAINS.serverOnly } });
    const critical = assess({ clientChain: CHAINS.serverOnlyCritical, cStore: { client: CHAINS.serverOnlyCritical } });
    expect(critical.presented.client!.leaf!.eku?.critical).toBe(true);
    expect(plain.presented.client!.leaf!.eku?.critical).toBe(false);
    const shape = (fs: typeof plain.findings) => fs.map((f) => [f.rule, f.code, f.severity]);
    expect(shape(critical.findings)).toEqual(shape(plain.findings));
  });
  it('has no check of its own: no finding cites it', () => {
    expect(ruleById('E4')!.checks).toBeUndefined();
    expect(mentioning(assess({ clientChain: CHAINS.serverOnlyCritical }).findings, 'E4')).toEqual([]);
  });
});
