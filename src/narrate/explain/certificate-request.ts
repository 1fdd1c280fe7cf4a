/** A story's CertificateRequest: what the server asked for, and that the request says nothing about EKU (T2). */
import type { Session } from '../../analysis/index.js';
import { certificateTypeName } from '../../tls/index.js';
import type { EndAssessment, SessionAssessment } from '../../expressway/index.js';
import type { Inline } from '../doc.js';
import { byFrames } from './common.js';

function certificateRequestSentence(s: Session, server: EndAssessment): string | undefined {
  const cr = s.certificateRequest;
  if (!cr) return undefined;
  const types = cr.certificateTypes.length ? `certificate types ${cr.certificateTypes.map(certificateTypeName).join(', ')}` : '';
  const cas = cr.caNames.length ? `${cr.caNames.length} acceptable CA name(s): ${cr.caNames.map((n) => n.text).join('; ')}` : 'no CA names (any CA is acceptable, T2)';
  const sig = cr.signatureAlgorithms?.length ? `${cr.signatureAlgorithms.length} signature algorithms` : '';
  return `${server.short} requested a client certificate${cr.decrypted ? ' (decrypted with the key log)' : ''}: ${[types, sig, cas].filter((x) => x).join('; ')}. The request says nothing about EKU: the need for clientAuth comes from the verifier's policy (T2).`;
}

/** The CertificateRequest, or that the server asked for no client certificate (T2). */
export function certificateRequestSentences(a: SessionAssessment): Inline[][] {
  const s = a.session;
  const ps = a.presented.server;
  const out: Inline[][] = [];
  const crs = certificateRequestSentence(s, a.server);
  if (crs) out.push(byFrames(crs, [s.certificateRequest!.frame]));
  else if (!s.tls.tls13 && s.tls.version !== undefined && a.clientCert === 'not-requested' && ps) {
    out.push(byFrames(`${a.server.short} did not request a client certificate, so none was exchanged.`, [ps.message.frame]));
  }
  return out;
}
