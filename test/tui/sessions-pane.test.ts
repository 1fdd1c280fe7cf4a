/**
 * The sessions pane's stream column: a stream number is what a Wireshark filter needs
 * (tcp.stream eq N), so it is shown whole however many digits it has (a scan puts the handshakes
 * at stream 400,000 and beyond).
 */
import { describe, expect, it } from 'vitest';
import { sessionColumns, sessionSegs } from '../../src/tui/components/SessionsPane.js';
import type { SessionRow } from '../../src/narrate/views.js';

const row = (sessionId: number): SessionRow => ({
  key: `c/${sessionId}`,
  captureLabel: 'c',
  sessionId,
  clientAddr: '10.0.0.1:40000',
  serverAddr: '10.0.0.2:443',
  service: 'web',
  version: 'TLS 1.2',
  outcome: 'ok',
  outcomeText: 'handshake completed',
  symbol: '✔',
  tone: 'ok',
  findings: 0,
  haystack: '',
});

const text = (r: SessionRow, rows: SessionRow[]) => sessionSegs(r, sessionColumns(rows, 120, false), false).map((s) => s.text).join('');

describe('sessions pane: the stream number', () => {
  it('is whole at seven digits, and the columns after it line up', () => {
    const rows = [row(7), row(1_000_009)];
    const [a, b] = rows.map((r) => text(r, rows));
    expect(b).toContain('#1000009 ');
    expect(a).toContain('#7 ');
    expect(a!.indexOf('10.0.0.1')).toBe(b!.indexOf('10.0.0.1'));
  });
  it('keeps its four columns for small numbers', () => {
    const rows = [row(3), row(12)];
    // Four columns and the space after them.
    expect(text(rows[1]!, rows)).toMatch(/ #12  10\.0\.0\.1/);
  });
});
