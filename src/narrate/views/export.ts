/** Certificate export: the certificate under the cursor as PEM, with a file name safe anywhere. */
import { toPem } from '../../x509/index.js';
import { captureLabel } from './common.js';
import { findNode, type TreeNode } from './details.js';
import { commonName, type LadderRow } from './ladder.js';
import type { SessionEntry } from './sessions.js';

export interface CertificateExport {
  /** Made only of [A-Za-z0-9_-], then ".pem". */
  readonly fileName: string;
  readonly pem: string;
  /** "client certificate 0 (leaf), CN=cluster.s.com". */
  readonly description: string;
}

/** Only characters that mean nothing to a shell, a terminal or a file system: [A-Za-z0-9_-]. */
export function safeFileName(s: string): string {
  // No dots: the caller adds the extension, and no name can then be '.', '..' or hidden.
  const clean = s.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^[_-]+|_+$/g, '');
  return clean.slice(0, 120) || 'certificate';
}

/**
 * The certificate a tree selection points at: the certificate node it is in, else the leaf of the
 * selected Certificate message.
 */
export function certificateExport(e: SessionEntry, row: LadderRow | undefined, tree: readonly TreeNode[], nodeId: string | undefined): CertificateExport | { readonly error: string } {
  if (!row || row.kind !== 'message') return { error: 'select a Certificate message in the ladder first' };
  const cm = e.session.certificateMessages.find((c) => c.messageIndex === row.index);
  if (!cm) return { error: 'the selected message is not a Certificate message' };
  if (cm.certificates.length === 0) return { error: 'this Certificate message carries no certificate' };
  let index = 0;
  const found = nodeId !== undefined ? findNode(tree, nodeId) : undefined;
  if (found) {
    for (const n of [...found.path, found.node]) if (n.certIndex !== undefined) index = n.certIndex;
  }
  const ref = cm.certificates.find((c) => c.index === index) ?? cm.certificates[0]!;
  const cert = e.capture.pool.get(ref.id);
  if (!cert) return { error: 'the certificate is not available' };
  const serial = (cert.serialDisplay ?? cert.sha256.slice(0, 16)).replace(/[^0-9a-f]/gi, '');
  const host = captureLabel(e.capture.source);
  const fileName = safeFileName(`${cm.from}-${host}-session${e.session.id}-frame${cm.frame}-${ref.index}-${serial}`) + '.pem';
  return {
    fileName,
    pem: toPem(cert.der),
    description: `${cm.from} certificate ${ref.index}${ref.index === 0 ? ' (leaf)' : ''}, ${commonName(cert)}`,
  };
}
