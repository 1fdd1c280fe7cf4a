import { citing } from '../citing.js';
import { failedHandshake } from './headline.js';
import { evaluatePurpose } from '../../x509/index.js';
import { clientFix } from '../facts/fixes.js';
import { certificateRequestMisfits } from '../facts/request.js';
import type { SessionFacts } from '../facts/session.js';
import type { PresentedAssessment } from '../facts/types.js';
import { certSummary } from '../facts/words.js';
import type { RuleFinding } from '../finding.js';
import type { Rule } from '../types.js';

export const T3: Rule = {
  id: 'T3',
  family: 'T',
  title: 'An empty client Certificate',
  statement: 'A client Certificate message is legal only after a CertificateRequest. An empty one means the client had nothing suitable; some clients (.NET) leave out certificates without clientAuth, so it is "possibly filtered by EKU" when the client-store certificate lacks clientAuth.',
  explanation: [
    'The rule book: "A client Certificate message is legal only after a CertificateRequest. An empty one (no certificates) means the client had nothing suitable; some clients (e.g. .NET) filter out certificates without clientAuth and send it empty, so say \'possibly filtered by EKU\' when the box\'s client-store certificate lacks clientAuth."',
    'An empty Certificate is not a rejected certificate: there was nothing to reject. A server that requires one answers handshake_failure (40) in TLS 1.2 or certificate_required (116) in TLS 1.3 (T5).',
  ].join('\n\n'),
  fix: 'Give the client a certificate issued by one of the CAs the server lists, with clientAuth.',
  sources: ['RFC 5246 §7.4.6', 'RFC 8446 §4.4.2', 'dotnet/runtime#121982'],
  checks: {
    session: [{ order: 20, run: citing('T3', failedHandshake) }, { order: 41, run: emptyCertificate }],
  },
};

/** An empty client Certificate: nothing suitable, possibly filtered by EKU. */
function emptyCertificate(f: SessionFacts): RuleFinding[] {
  const { s, client, server, service, outcome, clientCert, clientMsg } = f;
  const findings: RuleFinding[] = [];
  if (clientCert === 'empty' && clientMsg) {
    const stored = client.box?.stores?.client[0]?.cert;
    const noClientAuth = stored && !stored.error && stored.eku?.present === true && !stored.eku.clientAuth;
    const misfit = stored ? certificateRequestMisfits(s, [stored]) : [];
    findings.push({
      severity: outcome.status === 'failed' ? 'error' : 'warning',
      rule: 'T3',
      session: s.id,
      frames: [clientMsg.frame],
      code: 'client-certificate-empty',
      title: `${client.short} answered the CertificateRequest with an empty Certificate`,
      detail: `The client had no certificate it found suitable (T3).${
        noClientAuth
          ? ` Its client-store certificate (${certSummary(stored!)}) lacks clientAuth: possibly filtered by EKU, as some clients (e.g. .NET) drop certificates without clientAuth.`
          : stored
            ? misfit.length > 0
              ? ` Its client-store certificate does not fit the request: ${misfit.join('; ')}.`
              : ` Its client-store certificate (${certSummary(stored)}) would fit; check that the service is configured to use it.`
            : ''
      }`,
      fix: noClientAuth ? clientFix({ purpose: evaluatePurpose([stored!], 'sslClient') } as PresentedAssessment, client, server, service) : 'Give the client a certificate issued by one of the CAs the server lists, with clientAuth.',
    });
  }
  return findings;
}
