import { Box, Text } from 'ink';
import { safeText } from '../../bytes/text.js';
import type { Seg } from '../../narrate/views.js';
import type { Progress, Status } from '../store.js';
import { formatBytes, progressBar } from '../source.js';
import { Line } from './Pane.js';

export interface Counts {
  readonly captures: number;
  readonly sessions: number;
  readonly failed: number;
  readonly warning: number;
  readonly ok: number;
  readonly unknown: number;
  readonly findings: number;
  /** Sessions captured on two boxes and told once. */
  readonly toldOnce: number;
}

export function progressSegs(p: Progress, width: number): Seg[] {
  switch (p.phase) {
    case 'starting':
      return [{ text: 'opening…', tone: 'muted' }];
    case 'reading': {
      const bar = progressBar(p.bytes, p.total, width >= 110 ? 20 : 10);
      const amount = p.total ? `${formatBytes(p.bytes)} of ${formatBytes(p.total)}` : formatBytes(p.bytes);
      return [{ text: `reading ${p.label ? `${safeText(p.label)} ` : ''}`, tone: 'info' }, { text: bar ? `${bar} ` : '', tone: 'info' }, { text: amount, tone: 'muted' }];
    }
    case 'explaining': {
      const bar = p.told ? progressBar(p.told.done, p.told.total, width >= 110 ? 20 : 10) : '';
      return [{ text: bar ? `explaining ${bar}` : 'explaining…', tone: 'info' }];
    }
    case 'done':
      return [{ text: 'read ✔', tone: 'ok' }, ...(p.problems.length ? [{ text: ` · ℹ ${p.problems.length} note${p.problems.length === 1 ? '' : 's'}`, tone: 'info' as const }] : [])];
    case 'failed':
      return [{ text: `✖ ${safeText(p.problems[0] ?? 'reading failed')}`, tone: 'bad' }];
  }
}

export function Header(p: { readonly counts: Counts; readonly progress: Progress; readonly width: number }) {
  const c = p.counts;
  const left: Seg[] = [
    { text: 'ekuscope', bold: true },
    { text: ` · ${c.captures} capture${c.captures === 1 ? '' : 's'} · ${c.sessions} TLS session${c.sessions === 1 ? '' : 's'}${c.toldOnce && p.width >= 100 ? ` (+${c.toldOnce} seen in two captures)` : ''} ` },
    { text: `✖${c.failed} `, tone: c.failed ? 'bad' : 'muted' },
    { text: `▲${c.warning} `, tone: c.warning ? 'warn' : 'muted' },
    { text: `✔${c.ok}`, tone: c.ok ? 'ok' : 'muted' },
    ...(c.unknown ? [{ text: ` ?${c.unknown}`, tone: 'muted' as const }] : []),
    ...(c.findings && p.width >= 90 ? [{ text: ` · ${c.findings} finding${c.findings === 1 ? '' : 's'}` }] : []),
  ];
  const right = progressSegs(p.progress, p.width);
  const leftLen = left.reduce((a, s) => a + [...s.text].length, 0);
  const rightLen = right.reduce((a, s) => a + [...s.text].length, 0);
  const gap = p.width - leftLen - rightLen;
  const segs = gap >= 2 ? [...left, { text: ' '.repeat(gap) }, ...right] : [...left, { text: '  ' }, ...right];
  return <Line segs={segs} width={p.width} />;
}

export function StatusLine(p: { readonly status?: Status; readonly filterEditing: boolean; readonly filter: string; readonly width: number }) {
  if (p.filterEditing) {
    return (
      <Box height={1} width={p.width}>
        <Text wrap="truncate-end">
          <Text bold>/</Text>
          {safeText(p.filter)}
          <Text inverse> </Text>
          <Text dimColor>{'  type to filter sessions: host, port, outcome, serial, subject · Enter keeps · Esc clears'}</Text>
        </Text>
      </Box>
    );
  }
  if (p.status) return <Line segs={[{ text: p.status.text, tone: p.status.tone }]} width={p.width} />;
  const hints = p.width >= 110
    ? '↑↓/jk move · Tab pane · Enter open/expand · / filter · n/N finding · r rules · e/E export · ? help · q quit'
    : '↑↓ jk · Tab pane · Enter open · / filter · n/N finding · e export · ? help · q quit';
  return <Line segs={[{ text: hints, tone: 'muted' }]} width={p.width} />;
}
