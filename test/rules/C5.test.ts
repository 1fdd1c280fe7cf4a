import { describe, expect, it } from 'vitest';
import type { Session } from '../../src/analysis/index.js';
import type { TlsMessage } from '../../src/tls/index.js';
import { ruleById } from '../../src/rules/index.js';
import { assess, mentioning } from './setup.js';

describe('C5: every frame told with its real sender', () => {
  it("a FIN ends only its sender's direction: the handshake is not said to have ended there", () => {
    const a = assess({
      end: { kind: 'fin', by: 'client' },
      edit: (s) => {
        const last = s.tls.messages[s.tls.messages.length - 1]!;
        const more = { ...last, kind: 'application-data', index: last.index + 1, dir: 1, frame: 15, frames: [15], length: 300 } as TlsMessage;
        return { ...s, tls: { ...s.tls, messages: [...s.tls.messages, more] } as Session['tls'] };
      },
    });
    expect(a.outcome.status).toBe('unknown');
    expect(a.outcome.text).toBe('the TLS client half-closed (FIN) and the TLS server went on');
    expect(a.outcome.explanation.join(' ')).toMatch(/a FIN ends only its sender's direction, so the handshake did not end there \(C5\)/);
  });
  it('draws no finding of its own', () => {
    expect(ruleById('C5')!.checks).toBeUndefined();
    expect(mentioning(assess({ end: { kind: 'fin', by: 'client' } }).findings, 'C5')).toEqual([]);
  });
});
