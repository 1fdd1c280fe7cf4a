import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/analysis/index.js';
import { RuleCache, assessSession } from '../../src/expressway/index.js';
import { ruleById } from '../../src/rules/index.js';
import { repoRoot } from '../helpers/corpus.js';
import { fakeContext } from './fake.js';

describe('C7: tunnels', () => {
  it('a Geneve-mirrored handshake is assessed on its inner connection; the rule draws no finding of its own', async () => {
    const a = await analyzeCapture(join(repoRoot, 'test', 'fixtures', 'tunnels', 'geneve.pcap'));
    const tls = a.sessions.filter((s) => s.tls.isTls);
    expect(tls.length).toBeGreaterThan(0);
    const ctx = fakeContext([]);
    for (const s of tls) {
      const r = assessSession(a, s, ctx, new RuleCache());
      // Inner addresses: the loopback handshake the fixture wrapped, not the outer mirror addresses.
      expect(r.client.endpoint.ip).toBe('127.0.0.1');
      expect(r.findings.filter((f) => f.rule === 'C7' || f.alsoRules?.includes('C7'))).toEqual([]);
    }
    expect(ruleById('C7')!.checks).toBeUndefined();
  });
});
