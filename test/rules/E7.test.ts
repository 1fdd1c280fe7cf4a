import { describe, expect, it } from 'vitest';
import { CHAINS, assess, citing } from './setup.js';

describe('E7: Key Usage must allow the use', () => {
  it('fires: a client certificate whose Key Usage is keyEncipherment only', () => {
    const f = citing(assess({ clientChain: CHAINS.kuKeyEncOnly }).findings, 'E7');
    expect(f.map((x) => x.code)).toEqual(['ku-not-allowed']);
    expect(f[0]!.fix).toMatch(/Key Usage that allows this use \(digitalSignature\)/);
  });
  it('stays silent where the Key Usage fits', () => {
    expect(citing(assess({ clientChain: CHAINS.clientOk }).findings, 'E7')).toEqual([]);
  });
});
