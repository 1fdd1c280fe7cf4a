/**
 * C1: validity is judged at the timestamp of the frame that carried the certificate, never at the
 * capture's first packet; odd timestamps are capture advice, not certificate faults. Fixtures from a
 * real OpenSSL handshake on loopback restamped with editcap (test/fixtures/clock/make.sh).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runReport } from '../../src/cli/report.js';
import { clockAdvice } from '../../src/expressway/index.js';
import { corpusDir, repoRoot } from '../helpers/corpus.js';

interface F {
  rule: string;
  code: string;
  severity: string;
  title: string;
}

async function findings(path: string): Promise<F[]> {
  const r = await runReport([path], { format: 'json', quiet: true, generator: 'ekuscope' });
  expect(r.errors).toEqual([]);
  return (r.explanation!.json as { findings: F[] }).findings;
}

const dir = join(repoRoot, 'test', 'fixtures', 'clock');

describe('C1: time is read at the certificate frame', () => {
  it('a capture whose first packets are stamped 1970: the certificate, valid at the handshake, is not "not yet valid"', async () => {
    const fs = await findings(join(dir, 'first-frames-1970.pcap'));
    expect(fs.filter((f) => /cert-(expired|not-yet-valid)/.test(f.code))).toEqual([]);
    const advice = fs.find((f) => f.code === 'capture-clock');
    expect(advice?.rule).toBe('C1');
    expect(advice?.title).toMatch(/timestamps jump between 1970-01-01 and 2026-/);
    expect(fs.find((f) => f.code === 'server-cert-has-serverauth')).toBeDefined();
  });

  it('a capture stamped 1970 throughout: validity is not judged, and the finding says why', async () => {
    const fs = await findings(join(dir, 'all-1970.pcap'));
    expect(fs.filter((f) => f.severity === 'error')).toEqual([]);
    const nj = fs.find((f) => f.code === 'cert-time-not-judged');
    expect(nj?.rule).toBe('C1');
    expect(nj?.title).toMatch(/frame 6 is stamped 1970-01-01/);
    expect(fs.find((f) => f.code === 'capture-clock')?.title).toMatch(/every frame is dated before 2000/);
  });

  it('a real capture whose frames are years apart (nDPI whois): the certificate frame of 2020 decides, not the first packet of 2017', async () => {
    const fs = await findings(join(corpusDir, 'ndpi__whois.pcapng'));
    expect(fs.filter((f) => /cert-(expired|not-yet-valid)/.test(f.code))).toEqual([]);
    expect(fs.find((f) => f.code === 'capture-clock')?.title).toMatch(/4 year\(s\) apart \(2017-10-07 to 2021-06-12\)/);
  });

  it('clockAdvice: plausible clocks say nothing; 1970, jumps, years apart and time running backwards are advice', () => {
    const t = (iso: string) => ({ sec: Date.parse(iso) / 1000, nsec: 0 });
    expect(clockAdvice(t('2026-03-25T10:00:00Z'), t('2026-03-25T11:00:00Z'))).toBeUndefined();
    expect(clockAdvice(t('1970-01-01T00:00:10Z'), t('1970-01-01T00:01:00Z'))?.title).toMatch(/before 2000/);
    expect(clockAdvice(t('1970-01-01T00:00:10Z'), t('2026-03-25T11:00:00Z'))?.title).toMatch(/jump/);
    expect(clockAdvice(t('2020-01-01T00:00:00Z'), t('2026-03-25T11:00:00Z'))?.title).toMatch(/6 year\(s\) apart/);
    expect(clockAdvice(t('2026-03-25T11:00:00Z'), t('2026-03-25T10:00:00Z'))?.title).toMatch(/backwards/);
    expect(clockAdvice(t('2026-03-25T11:00:30Z'), t('2026-03-25T11:00:00Z'))).toBeUndefined();
  });
});
