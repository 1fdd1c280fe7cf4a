import { closeSync, mkdirSync, openSync, readSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { safeText } from '../bytes/index.js';
import { analyzeCapture, type Analysis, type KeyLog, type Session } from '../analysis/index.js';
import { CertPool, toPem } from '../x509/index.js';
import { DecryptionNotes } from './keylog.js';
import { JsonArrayWriter } from './output.js';
import type { ProgressLine } from './progress.js';
import { captureInput, STDIN_NAME, STDIN_PATH } from './stdin.js';

export interface CertRow {
  file: string;
  session: number;
  frame: number;
  sender: 'client' | 'server';
  index: number;
  serial: string;
  subject: string;
  issuer: string;
  eku: string[];
  sha256: string;
  notBefore?: string;
  notAfter?: string;
  decrypted: boolean;
  error?: string;
}

export function certRows(a: Analysis): CertRow[] {
  const rows: CertRow[] = [];
  for (const s of a.sessions) for (const r of sessionCertRows(a.source, s, a.pool)) rows.push(r);
  return rows;
}

/** The rows of one session's Certificate messages, from the pool its references point into. */
export function sessionCertRows(file: string, s: Session, pool: CertPool): CertRow[] {
  const rows: CertRow[] = [];
  for (const m of s.certificateMessages) {
    for (const ref of m.certificates) {
      const c = pool.get(ref.id)!;
      rows.push({
        file,
        session: s.id,
        frame: m.frame,
        sender: m.from,
        index: ref.index,
        serial: c.serial ?? '',
        subject: c.subject?.rfc4514 ?? '',
        issuer: c.issuer?.rfc4514 ?? '',
        eku: c.eku ? (c.eku.present ? [...c.eku.names] : ['(no EKU extension: any purpose)']) : [],
        sha256: c.sha256,
        notBefore: c.validity?.notBeforeIso,
        notAfter: c.validity?.notAfterIso,
        decrypted: m.decrypted,
        ...(c.error !== undefined && { error: c.error }),
      });
    }
  }
  return rows;
}

export function formatCertsText(rows: readonly CertRow[]): string {
  const out: string[] = [];
  for (const r of rows) {
    out.push(`#${r.session} frame ${r.frame} ${r.sender} cert ${r.index}: serial ${r.serial || '?'}${r.decrypted ? ' (decrypted)' : ''}`);
    if (r.error) out.push(`    undecodable: ${safeText(r.error)}`);
    out.push(`    subject ${safeText(r.subject)}`);
    out.push(`    issuer  ${safeText(r.issuer)}`);
    out.push(`    EKU     ${safeText(r.eku.join(', ') || '?')}`);
  }
  return out.join('\n') + (out.length ? '\n' : '');
}

/** Writes each certificate as PEM, named by role, session and serial (names made only of safe characters). */
export function exportCerts(pool: CertPool, rows: CertRow[], dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const r of rows) {
    const c = pool.get(r.sha256);
    if (!c) continue;
    const serial = (r.serial || r.sha256.slice(0, 16)).replace(/[^0-9a-f]/g, '');
    const name = `${r.sender}-session${r.session}-frame${r.frame}-${r.index}-${serial}.pem`;
    writeFileSync(join(dir, name), toPem(c.der));
    written.push(name);
  }
  return written;
}

/**
 * Certificates kept decoded while a listing streams: the most one session can refer to (128
 * handshake messages listed, 16 certificates kept in each), the ones met last.
 */
export const STREAMING_POOL_KEEP = 2048;

/**
 * pcapng can carry its key log after the packets (a Decryption Secrets Block), which takes a second
 * read; gzip may hide a pcapng. Such files are listed when read whole; a pcap is listed as it is read.
 */
export function mayCarryLateKeys(file: string): boolean {
  try {
    const fd = openSync(file, 'r');
    const head = Buffer.alloc(4);
    try {
      readSync(fd, head, 0, 4, 0);
    } finally {
      closeSync(fd);
    }
    const magic = head.readUInt32BE(0);
    return magic === 0x0a0d0d0a || (head[0] === 0x1f && head[1] === 0x8b);
  } catch {
    return true; // unreadable: the full path reports it as it always has
  }
}

export interface CertsOptions {
  readonly format: 'text' | 'json';
  readonly export?: string;
  readonly keyLog?: KeyLog;
  /** The progress line on a terminal's standard error; `out` must take it off before it writes. */
  readonly progress?: ProgressLine;
  out(text: string): void;
  err(text: string): void;
}

/** Where one file's listing goes, in order: its rows, text for standard output, lines for standard error. */
export interface CertsSink {
  rows(rows: readonly CertRow[]): void;
  out(text: string): void;
  err(text: string): void;
  progress?(bytes: number, total: number | undefined): void;
  /** The file is read (the progress line comes off). */
  readEnd?(): void;
}

/** What listing one file needs (what a worker is given). */
export type FileCertsOptions = Pick<CertsOptions, 'format' | 'export' | 'keyLog'>;

/**
 * The certs command. Rows are written a session at a time as each handshake ends, and neither the
 * sessions nor more than a few thousand decoded certificates are kept: memory does not grow with
 * the number of certificates listed. JSON is one array over all files.
 */
export async function runCerts(files: readonly string[], o: CertsOptions): Promise<void> {
  const listing = certsListing(o);
  try {
    for (const file of files) {
      o.progress?.start(file === STDIN_PATH ? STDIN_NAME : basename(file));
      await certsOfFile(file, o, listing.sink(o.progress));
    }
  } finally {
    listing.end();
  }
}

/** The command's output over all files: one JSON array, or text a session at a time. */
export function certsListing(o: Pick<CertsOptions, 'format' | 'out' | 'err'>): { sink(progress?: ProgressLine): CertsSink; end(): void } {
  const json = o.format === 'json' ? new JsonArrayWriter(o.out, 200) : undefined;
  return {
    sink: (progress) => ({
      rows: (rows) => {
        if (json) for (const r of rows) json.push(r);
        else if (rows.length > 0) o.out(formatCertsText(rows));
      },
      out: o.out,
      err: o.err,
      ...(progress && { progress: (b: number, t: number | undefined) => progress.update(b, t), readEnd: () => progress.clear() }),
    }),
    end: () => json?.end(),
  };
}

/** Lists one file's certificates into `sink`, as each session is built (a pcap) or after the read. */
export async function certsOfFile(file: string, o: FileCertsOptions, sink: CertsSink): Promise<void> {
  let rowCount = 0;
  let sessionCount = 0;
  let exported = 0;
  const notes = new DecryptionNotes();
  const take = (source: string, s: Session, pool: CertPool): void => {
    sessionCount++;
    notes.add(s);
    const rows = sessionCertRows(source, s, pool);
    rowCount += rows.length;
    sink.rows(rows);
    if (o.export && rows.length > 0) exported += exportCerts(pool, rows, o.export).length;
  };
  const source = file === STDIN_PATH ? STDIN_NAME : basename(file);
  const common = { keyLog: o.keyLog, sourceName: source, ...(sink.progress && { onProgress: (b: number, t: number | undefined) => sink.progress!(b, t) }) };
  let a: Analysis;
  // Standard input is read once: a secrets block after its sessions could not be used anyway.
  if (file !== STDIN_PATH && mayCarryLateKeys(file)) {
    a = await analyzeCapture(file, common);
    sink.readEnd?.();
    for (const s of a.sessions) take(a.source, s, a.pool);
  } else {
    a = await analyzeCapture(captureInput(file), { ...common, keepSessions: false, pool: new CertPool({ keep: STREAMING_POOL_KEEP }), onSession: (s, pool) => take(source, s, pool) });
    sink.readEnd?.();
  }
  const problems = a.capture.problems.map((p) => p.message);
  endOfFile(a.source, { rows: rowCount, sessions: sessionCount, notes: notes.finish(a, o.keyLog !== undefined), problems, exported }, o, sink);
}

/** What is told of a file after its rows. */
export interface FileEnd {
  readonly rows: number;
  readonly sessions: number;
  /** Key log and decryption notes (DecryptionNotes). */
  readonly notes: readonly string[];
  /** The capture's problems (CaptureSummary.problems), as messages. */
  readonly problems: readonly string[];
  readonly exported: number;
}

/** The lines after a file's rows: notes, the count (text), the capture's problems, the PEM files written. */
export function endOfFile(source: string, e: FileEnd, o: FileCertsOptions, sink: CertsSink): void {
  for (const n of e.notes) sink.err(`ekuscope: ${safeText(source)}: ${n}\n`);
  if (o.format !== 'json') sink.out(`${safeText(source)}: ${e.rows} certificates in ${e.sessions} TLS sessions\n`);
  for (const p of e.problems) sink.err(`ekuscope: ${safeText(source)}: ${p}\n`);
  if (o.export) sink.err(`ekuscope: wrote ${e.exported} PEM files to ${o.export}\n`);
}
