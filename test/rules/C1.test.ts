import { describe, expect, it } from 'vitest';
import { assess, audit, captureFindings, citing, CHAINS } from './setup.js';

describe('C1: time is judged at the frame', () => {
  it('fires: a certificate expired at the time its frame was captured', () => {
    const f = citing(assess({ at: new Date('2099-01-01T00:00:00Z') }).findings, 'C1');
    expect(f.map((x) => [x.code, x.frames])).toEqual([
      ['cert-expired', [8]],
      ['cert-expired', [12]],
    ]);
    expect(f[0]!.alsoRules).toEqual(['T4']);
    expect(f[0]!.detail).toMatch(/is stamped 2099-01-01T00:00:00.000Z \(C1\)/);
  });
  it('fires: a frame stamped before 2000 is not judged, and a jumping capture clock gets advice', () => {
    // The synthetic frames are stamped 1970: validity is not judged against that clock.
    expect(citing(assess().findings, 'C1').map((x) => x.code)).toEqual(['cert-time-not-judged', 'cert-time-not-judged']);
    const fs = captureFindings((a) => ({ ...a, capture: { ...a.capture, firstTs: { sec: 0, nsec: 0 }, lastTs: { sec: 1774767730, nsec: 0 } } }));
    expect(citing(fs, 'C1').map((x) => [x.code, x.title])).toEqual([['capture-clock', 'fake.pcap: timestamps jump between 1970-01-01 and 2026-03-29']]);
  });
  it('fires in a store audit: a store certificate that has expired by now', () => {
    expect(citing(audit({ client: CHAINS.clientOk, ca: [] }, false, new Date('2099-01-01T00:00:00Z')), 'C1').map((x) => x.code)).toEqual(['client-store-expiry']);
  });
  it('fires: a certificate not yet valid at its frame', () => {
    expect(citing(assess({ at: new Date('2026-03-29T00:00:00Z') }).findings, 'C1').map((x) => x.code)).toEqual(['cert-not-yet-valid', 'cert-not-yet-valid']);
  });
  it('stays silent where each certificate was valid at its own frame', () => {
    expect(citing(assess({ at: new Date('2027-06-01T00:00:00Z') }).findings, 'C1')).toEqual([]);
    expect(citing(audit({ client: CHAINS.clientOk, ca: [] }), 'C1')).toEqual([]);
  });
});
