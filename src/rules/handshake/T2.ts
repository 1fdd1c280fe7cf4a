import { certificateRequestMisfits } from '../facts/request.js';
import type { SessionFacts } from '../facts/session.js';
import { certName } from '../facts/words.js';
import type { RuleFinding } from '../finding.js';
import type { Rule } from '../types.js';

export const T2: Rule = {
  id: 'T2',
  family: 'T',
  title: 'What a CertificateRequest says',
  statement: 'A TLS 1.2 CertificateRequest lists certificate types, signature algorithms and acceptable CA names (empty: any CA). It says nothing about EKU: the need for clientAuth comes from the verifier\'s policy, not from the message.',
  explanation: [
    'The rule book: "TLS 1.2 CertificateRequest: certificate_types (1 rsa_sign, 2 dss_sign, 3 rsa_fixed_dh, 4 dss_fixed_dh, 64 ecdsa_sign, 65 rsa_fixed_ecdh, 66 ecdsa_fixed_ecdh), supported signature algorithms, and a list of acceptable CA distinguished names (empty = any). It says nothing about EKU: the need for clientAuth comes from the verifier\'s policy, not from the message."',
    'ekuscope checks the presented client certificate against what the request lists (its key type, the signature algorithms, the CA names) and reports a certificate that does not fit; it never reads an EKU requirement into the request.',
  ].join('\n\n'),
  sources: ['RFC 5246 §7.4.4', 'RFC 8446 §4.3.2'],
  checks: {
    session: [{ order: 40, run: requestMisfit }],
  },
};

/** Does the presented client certificate fit the server's CertificateRequest? */
function requestMisfit(f: SessionFacts): RuleFinding[] {
  const { s, presentedClient } = f;
  const findings: RuleFinding[] = [];
  if (presentedClient?.leaf) {
    const misfits = certificateRequestMisfits(s, presentedClient.chain?.chain ?? presentedClient.certs);
    if (misfits.length > 0)
      findings.push({
        severity: 'warning',
        rule: 'T2',
        session: s.id,
        frames: [s.certificateRequest!.frame, presentedClient.message.frame],
        code: 'certificate-request-misfit',
        title: "The client certificate does not fit the server's CertificateRequest",
        detail: `${certName(presentedClient.leaf)}: ${misfits.join('; ')}. A strict server refuses it; OpenSSL answers unknown_ca (48) when it cannot chain to a CA it trusts.`,
      });
  }
  return findings;
}
