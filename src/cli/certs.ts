import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { safeText } from '../bytes/index.js';
import type { Analysis } from '../analysis/index.js';
import { toPem, type CertInfo } from '../x509/index.js';

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
  for (const s of a.sessions) {
    for (const m of s.certificateMessages) {
      for (const ref of m.certificates) {
        const c = a.pool.get(ref.id)!;
        rows.push({
          file: a.source,
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
  }
  return rows;
}

export function formatCertsText(rows: CertRow[]): string {
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
export function exportCerts(a: Analysis, rows: CertRow[], dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const r of rows) {
    const c: CertInfo | undefined = a.pool.get(r.sha256);
    if (!c) continue;
    const serial = (r.serial || r.sha256.slice(0, 16)).replace(/[^0-9a-f]/g, '');
    const name = `${r.sender}-session${r.session}-frame${r.frame}-${r.index}-${serial}.pem`;
    writeFileSync(join(dir, name), toPem(c.der));
    written.push(name);
  }
  return written;
}
