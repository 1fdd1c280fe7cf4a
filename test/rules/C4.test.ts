import { describe, expect, it } from 'vitest';
import type { Session } from '../../src/analysis/index.js';
import { assess, captureFindings, citing } from './setup.js';

describe('C4: capture ended', () => {
  it('fires: the capture ends before the handshake does; nothing is said to have failed', () => {
    const a = assess({ edit: (s) => ({ ...s, tls: { ...s.tls, outcome: { kind: 'capture-ended', frame: 12 } } as Session['tls'] }) });
    const f = citing(a.findings, 'C4');
    expect(f.map((x) => [x.code, x.severity, x.frames])).toEqual([['capture-ended', 'warning', [12]]]);
    expect(f[0]!.fix).toMatch(/^Capture longer/);
    expect(a.outcome.status).toBe('unknown');
  });
  it('fires: a capture file that ends early', () => {
    const fs = captureFindings((a) => ({ ...a, capture: { ...a.capture, problems: [{ severity: 'fatal', message: 'the file ends inside a packet record', fileOffset: 4000, frame: 16 }] } }));
    expect(citing(fs, 'C4').map((x) => [x.code, x.frames])).toEqual([['capture-cut', [16]]]);
  });
  it('stays silent when the capture shows how the handshake ended', () => {
    expect(citing(assess().findings, 'C4')).toEqual([]);
  });
});
