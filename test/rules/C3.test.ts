import { describe, expect, it } from 'vitest';
import { assess, captureFindings, citing } from './setup.js';

describe('C3: bytes missing', () => {
  it('fires: frames cut by the snap length', () => {
    const f = citing(captureFindings((a) => ({ ...a, capture: { ...a.capture, truncatedFrames: 3, snapLengths: [200] } })), 'C3');
    expect(f.map((x) => [x.code, x.title])).toEqual([['snaplen-truncated', "3 frame(s) were cut by the capture's snap length of 200 bytes"]]);
    expect(f[0]!.fix).toMatch(/tcpdump -s 0 \(this capture's snap length is 200 bytes\)/);
  });
  it('fires: only one direction of a connection was captured', () => {
    const a = assess({ edit: (s) => ({ ...s, connection: { ...s.connection, packets: [8, 0] } }) });
    expect(citing(a.findings, 'C3').map((x) => [x.code, x.alsoRules])).toEqual([['one-direction-only', ['T6']]]);
  });
  it('stays silent over a whole capture', () => {
    expect(citing(assess().findings, 'C3')).toEqual([]);
    expect(citing(captureFindings((a) => a), 'C3')).toEqual([]);
  });
});
