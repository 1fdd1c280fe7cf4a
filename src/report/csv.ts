import { safeText } from '../bytes/text.js';
import type { ReportJson } from '../narrate/explain.js';
import type { Explanation } from '../narrate/explanation.js';
import { sessionParts } from './json.js';

/**
 * One row per certificate seen (RFC 4180 CSV), for a fleet inventory: who presented which
 * certificate in which role, from which store, with which EKU, and how the handshake ended.
 * Cells are neutralised for terminals and against spreadsheet formula injection (a leading
 * = + - @ gets a quote prefix, as OWASP advises).
 */
export const CSV_COLUMNS = [
  'case',
  'source',
  'session',
  'client',
  'server',
  'service',
  'version',
  'outcome',
  'presented_by',
  'presenter',
  'role',
  'frame',
  'index',
  'subject',
  'issuer',
  'serial',
  'eku',
  'not_after',
  'sha256',
  'store_box',
  'store',
  'store_file',
] as const;

function cell(v: unknown): string {
  let s = v === null || v === undefined ? '' : Array.isArray(v) ? v.join(' ') : String(v);
  s = safeText(s);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function renderCsv(expl: Explanation): string {
  return [...renderCsvChunks(expl)].join('');
}

export type SessionRow = NonNullable<ReportJson['sessions']>[number];

/** The CSV's first line, its column names. */
export const CSV_HEADER = CSV_COLUMNS.join(',') + '\r\n';

/** renderCsv in pieces, a session's rows at a time (sessions made one at a time where the explanation can). */
export function* renderCsvChunks(expl: Explanation): Generator<string> {
  const sessions = (sessionParts(expl)?.sessions() ?? []) as Iterable<SessionRow>;
  yield CSV_HEADER;
  for (const s of sessions) {
    const rows = csvSessionRows(s);
    if (rows) yield rows;
  }
}

/** A session's rows, one per certificate it carries (each ending in CRLF); empty when it carries none. */
export function csvSessionRows(s: SessionRow): string {
  const lines: string[] = [];
  const ep = (e: { ip: string; port: number }) => (e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`);
  for (const [role, list] of [
    ['server', s.serverCertificates],
    ['client', s.clientCertificates],
  ] as const) {
    const end = role === 'client' ? s.client : s.server;
    for (const c of list) {
      lines.push(
        [
          s.case,
          s.source,
          s.id,
          ep(s.client),
          ep(s.server),
          s.service?.name ?? '',
          s.version ?? '',
          s.outcome.status,
          role,
          end.box ?? end.ip,
          c.index === 0 ? 'leaf' : 'ca',
          c.frame,
          c.index,
          c.subject,
          c.issuer,
          c.serial,
          c.eku === null ? '(no EKU extension)' : c.eku,
          c.notAfter,
          c.sha256,
          c.store?.box ?? '',
          c.store?.store ?? '',
          c.store?.file ?? '',
        ]
          .map(cell)
          .join(','),
      );
    }
  }
  return lines.length > 0 ? lines.join('\r\n') + '\r\n' : '';
}
