/** The headline finding of a failed handshake, shared by the rules that may decide it. */
import { clientFix, kuFix, rejectionFix, trustFix } from '../facts/fixes.js';
import type { SessionFacts } from '../facts/session.js';
import type { PresentedAssessment } from '../facts/types.js';
import { alertText } from '../facts/words.js';
import type { RuleFinding } from '../finding.js';
import type { DomainRuleId } from '../ids.js';

/**
 * The headline of a failed handshake: who refused whom, citing the rule that decided it: T3 (no
 * certificate sent), T8 (closed without an alert), T7 (TLS 1.3, inferred), T5 (unknown_ca), C6 (an
 * encrypted alert), T6 (the alert's direction), T4 (a code without a direction). Each of those rules
 * registers it with `citing`, so the one that decided it emits it.
 */
export function failedHandshake(f: SessionFacts): RuleFinding | undefined {
  const { s, client, server, service, outcome, presentedClient, presentedServer, t13 } = f;
  const findings: RuleFinding[] = [];
  if (outcome.status !== 'failed') return undefined;
  const p = outcome.rejected === 'client' ? presentedClient : outcome.rejected === 'server' ? presentedServer : undefined;
  const desc = outcome.alert && !outcome.alert.encrypted ? outcome.alert.description : undefined;
  // Trust when the alert says so (48), or when a generic alert stands over a chain whose purpose passes.
  const trust = desc === 48 || (p?.ok === true && (desc === 42 || desc === 46));
  // OpenSSL treats a CA whose Key Usage lacks keyCertSign as unusable and answers unknown_ca: the CA is the fix (E7).
  const caKu = p?.purpose?.verdicts.openssl.reasons.find((r) => r.fails && r.rule === 'E7' && r.certIndex > 0);
  const fix = caKu && p
    ? kuFix(p, caKu.certIndex)
    : trust
    ? p?.from === 'server'
      ? trustFix(p, server, client)
      : trustFix(p, client, server)
    : p
      ? rejectionFix(p, p.from === 'client' ? client : server, p.from === 'client' ? server : client, service)
      : undefined;
  const inferredFix = !p && outcome.rejected === 'client' && t13?.inferredClientCert && !t13.inferredClientCert.purpose.verdicts.openssl.ok ? clientFix({ ...(presentedClient ?? ({} as PresentedAssessment)), purpose: t13.inferredClientCert.purpose } as PresentedAssessment, client, server, service) : undefined;
  const alert = outcome.alert;
  const noneSent = !p && s.clientCertificateEmpty && outcome.alert?.from === 'server' && !outcome.alert.encrypted;
  const code = noneSent
    ? 'client-cert-missing'
    : s.tls.silentRejection !== undefined
      ? 'silent-close'
      : t13 && outcome.inferred
        ? 'tls13-likely-rejected'
        : outcome.rejected === 'client'
          ? 'client-cert-rejected'
          : outcome.rejected === 'server'
            ? 'server-cert-rejected'
            : 'handshake-failed';
  // Each failure cites the rule it rests on: T4 only where an alert code is read.
  const closed = s.tls.outcome.kind === 'closed' || s.tls.outcome.kind === 'reset';
  const rule: DomainRuleId = noneSent
    ? 'T3'
    : s.tls.silentRejection
    ? 'T8'
    : t13 && outcome.inferred
      ? 'T7'
      : alert?.description === 48 && !alert.encrypted
        ? 'T5'
        : alert?.encrypted
          ? 'C6'
          : outcome.rejected
            ? 'T6'
            : alert && alert.description !== undefined
              ? 'T4'
              : closed
                ? 'T8'
                : 'T6';
  const also: DomainRuleId[] = [];
  if (alert && !alert.encrypted && alert.description !== undefined && rule !== 'T5') also.push('T5');
  if (alert?.encrypted) also.push('T6');
  if (service.service?.id === 'uc-traversal' || service.service?.id === 'ssh-tunnels') also.push('X7');
  findings.push({
    severity: 'error',
    rule,
    alsoRules: also,
    session: s.id,
    frames: outcome.frames,
    code,
    title: noneSent
      ? `${server.short} refused the handshake: ${client.short} sent no client certificate${alert?.description !== undefined ? ` (${alertText(alert.description)})` : ''}`
      : outcome.rejected === 'client'
        ? `${server.short} rejected ${client.short}'s client certificate${alert && !alert.encrypted && alert.description !== undefined ? ` (${alertText(alert.description)})` : outcome.inferred ? ' (inferred)' : ''}`
        : outcome.rejected === 'server'
          ? `${client.short} rejected ${server.short}'s server certificate${alert?.description !== undefined ? ` (${alertText(alert.description)})` : ''}`
          : `The handshake failed: ${outcome.text}`,
    detail: outcome.explanation.join(' '),
    ...(fix ?? inferredFix ? { fix: (fix ?? inferredFix)! } : {}),
  });
  return findings[0];
}
