/**
 * explainYielding (the viewer's): the same explanation as explain, in steps that let the event loop
 * run between them, so that keys are answered while a busy capture's sessions are told.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/analysis/index.js';
import { buildContext } from '../../src/expressway/index.js';
import { explain, explainYielding, type ReportCase } from '../../src/narrate/explain.js';
import { renderText } from '../../src/report/text.js';
import { CertPool } from '../../src/x509/index.js';
import { repoRoot } from '../helpers/corpus.js';
import { alertRecord, clientHelloWith, handshakeRecords, serverHello12, serverHelloDone, sniExtension, tempDir, tlsCaptureMany, type Step } from '../hostile/lib.js';

const retry = (alert: number, sni: string): Step[] => [
  { dir: 'c2s', bytes: handshakeRecords(clientHelloWith([sniExtension(sni)])) },
  { dir: 's2c', bytes: handshakeRecords(serverHello12(), serverHelloDone()) },
  { dir: 'c2s', bytes: alertRecord(2, alert) },
  { fin: 'c2s' },
  { fin: 's2c' },
];

describe('explainYielding', () => {
  it('tells 300 sessions and a case of two captures as explain does, the event loop running in between', async () => {
    const temp = tempDir();
    try {
      const steps = Array.from({ length: 300 }, (_, i) => retry([40, 48, 42][i % 3]!, `host${i % 7}.example.com`));
      const many = await analyzeCapture(temp.file('many.pcap', tlsCaptureMany(steps)));
      const dir = join(repoRoot, 'test', 'fixtures', 'alike');
      const pool = new CertPool();
      const two = [await analyzeCapture(join(dir, 'a.pcap'), { pool }), await analyzeCapture(join(dir, 'b.pcap'), { pool })];
      const context = buildContext({ bundles: [] });
      const cases: ReportCase[] = [
        { name: 'many', inputs: ['many.pcap'], analyses: [many], context, notes: [] },
        { name: 'alike', inputs: ['a.pcap', 'b.pcap'], analyses: two, context, notes: [], dedupe: true },
      ];
      expect(many.sessions.length).toBe(300);
      let turns = 0;
      let counting = true;
      const count = (): void => {
        turns++;
        if (counting) setImmediate(count);
      };
      setImmediate(count);
      const stepped = await explainYielding(cases, { generator: 'test' });
      counting = false;
      const whole = explain(cases, { generator: 'test' });
      // Over 300 sessions told in steps of 64 (each assessed and its story made in one go): several turns.
      expect(turns).toBeGreaterThanOrEqual(4);
      expect(stepped.stories.length).toBe(whole.stories.length);
      expect(stepped.stories.length).toBeGreaterThan(300);
      expect(JSON.stringify(stepped.json)).toBe(JSON.stringify(whole.json));
      expect(renderText(stepped.doc, { color: false, width: 120 })).toBe(renderText(whole.doc, { color: false, width: 120 }));
      expect(stepped.findings.map((f) => f.title)).toEqual(whole.findings.map((f) => f.title));
    } finally {
      temp.cleanup();
    }
  });
});
