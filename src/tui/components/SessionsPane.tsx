import { safeText } from '../../bytes/text.js';
import type { Seg, SessionRow } from '../../narrate/views.js';
import { Filler, Line, Pane } from './Pane.js';

export interface SessionsPaneProps {
  readonly rows: readonly SessionRow[];
  readonly total: number;
  readonly selected?: string;
  readonly top: number;
  readonly filter: string;
  readonly filterEditing: boolean;
  /** Show which capture each row comes from (several captures open). */
  readonly showCapture: boolean;
  readonly width: number;
  readonly height: number;
  readonly focused: boolean;
}

function pad(s: string, n: number): string {
  const chars = [...s];
  return chars.length > n ? `${chars.slice(0, Math.max(0, n - 1)).join('')}… ` : s + ' '.repeat(n - chars.length + 1);
}

function ends(r: SessionRow, wide: boolean): string {
  const port = r.serverAddr.split(':').pop();
  const client = wide && r.clientName ? `${r.clientName} ${r.clientAddr}` : (r.clientName ?? r.clientAddr);
  const server = wide && r.serverName ? `${r.serverName} ${r.serverAddr}` : r.serverName ? `${r.serverName}:${port}` : r.serverAddr;
  return `${client} → ${server}`;
}

export interface SessionColumns {
  readonly wide: boolean;
  readonly capture: number;
  /** The stream number, whole: it is what a Wireshark filter needs (tcp.stream eq N). */
  readonly stream: number;
  readonly ends: number;
  readonly service: number;
}

/** Column widths for the rows shown: as wide as their longest value, within limits. */
export function sessionColumns(rows: readonly SessionRow[], width: number, showCapture: boolean): SessionColumns {
  // Names and addresses both only where there is room for them and the outcome.
  const wide = width >= 150;
  const longest = (f: (r: SessionRow) => string) => rows.reduce((m, r) => Math.max(m, [...f(r)].length), 0);
  return {
    wide,
    capture: showCapture ? Math.min(longest((r) => r.captureLabel), width >= 110 ? 18 : 10) : 0,
    stream: Math.max(4, longest((r) => `#${r.sessionId}`)),
    ends: Math.min(longest((r) => ends(r, wide)), wide ? 60 : 38),
    service: width >= 100 ? Math.min(longest((r) => r.service), wide ? 26 : 18) : 0,
  };
}

/** One session line: marker, outcome symbol, capture, stream, ends, service, version, outcome. */
export function sessionSegs(r: SessionRow, c: SessionColumns, selected: boolean): Seg[] {
  const segs: Seg[] = [{ text: selected ? '› ' : '  ' }, { text: `${r.symbol} `, tone: r.tone, bold: true }];
  if (c.capture) segs.push({ text: pad(r.captureLabel, c.capture), tone: 'muted' });
  segs.push({ text: pad(`#${r.sessionId}`, c.stream), tone: 'muted' });
  segs.push({ text: pad(ends(r, c.wide), c.ends) });
  if (c.service) segs.push({ text: pad(r.service, c.service), tone: 'accent' });
  segs.push({ text: pad(r.version, 7) });
  segs.push({ text: r.outcomeText, tone: r.tone });
  if (r.findings > 0) segs.push({ text: `  ${r.findings} finding${r.findings === 1 ? '' : 's'}`, tone: 'muted' });
  return segs;
}

export function SessionsPane(p: SessionsPaneProps) {
  const inner = p.width - 2;
  const lines = p.height - 2;
  const pos = p.rows.findIndex((r) => r.key === p.selected);
  const shown = p.rows.slice(p.top, p.top + lines);
  const cols = sessionColumns(shown, inner, p.showCapture);
  const count = p.filter ? `${p.rows.length} of ${p.total}` : `${p.total}`;
  const where = pos >= 0 ? ` · ${pos + 1}/${p.rows.length}` : '';
  const filter = p.filter || p.filterEditing ? ` · filter: ${safeText(p.filter)}${p.filterEditing ? '▏' : ''}` : '';
  return (
    <Pane title={`Sessions (${count})${where}${filter}`} width={p.width} height={p.height} focused={p.focused}>
      {shown.map((r) => (
        <Line key={r.key} segs={sessionSegs(r, cols, r.key === p.selected)} width={inner} selected={r.key === p.selected} />
      ))}
      {p.rows.length === 0 ? <Line segs={[{ text: p.total === 0 ? '  no TLS session yet' : '  no session matches the filter', tone: 'muted' }]} width={inner} /> : null}
      <Filler count={Math.max(0, lines - shown.length - (p.rows.length === 0 ? 1 : 0))} width={inner} />
    </Pane>
  );
}
