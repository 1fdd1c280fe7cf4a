import { citing } from '../citing.js';
import { failedHandshake } from './headline.js';
import type { SessionFacts } from '../facts/session.js';
import { certSummary } from '../facts/words.js';
import type { RuleFinding } from '../finding.js';
import type { Rule } from '../types.js';

export const T7: Rule = {
  id: 'T7',
  family: 'T',
  title: 'TLS 1.3 without keys',
  statement: 'Only ClientHello and ServerHello are readable; CertificateRequest, Certificate and alerts are encrypted. Any role or EKU statement about such a session is "inferred, not observed", unless it was decrypted with a key log. Resumed sessions carry no certificates.',
  explanation: [
    'The rule book: "TLS 1.3 without keys: only ClientHello and ServerHello are readable (SNI, ALPN, versions, signature algorithms, key shares, certificate_authorities). CertificateRequest, Certificate and alerts are encrypted. Any role or EKU statement about a TLS 1.3 session is \'inferred, not observed\', unless the session was decrypted with a key log. Resumed sessions carry no certificates."',
    'Without keys ekuscope infers the outcome from record sizes (an alert is a small record, a certificate chain a large one) and the certificate from the store rule (X1), and says each is inferred. With a key log (--keylog) it reads what was decrypted as observed.',
  ].join('\n\n'),
  fix: 'Capture with a key log (SSLKEYLOGFILE on a test client) and pass it with --keylog.',
  sources: ['RFC 8446 §2, §4.4'],
  checks: {
    session: [{ order: 20, run: citing('T7', failedHandshake) }, { order: 43, run: compressedUnreadable }, { order: 44, run: tls13NotObserved }],
  },
};

/** RFC 8879: a Certificate message compressed with an algorithm that cannot be read here. */
function compressedUnreadable(f: SessionFacts): RuleFinding[] {
  const { s } = f;
  const findings: RuleFinding[] = [];
  for (const m of s.certificateMessages) {
    if (!m.compressed?.error) continue;
    findings.push({
      severity: 'warning',
      rule: 'T7',
      session: s.id,
      frames: [m.frame],
      code: 'certificate-compressed-unreadable',
      title: `The ${m.from}'s certificates (frame ${m.frame}) are compressed with ${m.compressed.name} and could not be read`,
      detail: `${m.compressed.error[0]!.toUpperCase()}${m.compressed.error.slice(1)}. Nothing is said about the ${m.from} certificate's EKU or store: it was not seen.`,
      fix: 'Capture from a client that does not offer compress_certificate with zstd (or one that offers zlib or brotli), or check the certificate on the sender.',
    });
  }
  return findings;
}

/** TLS 1.3 without keys, or what stayed encrypted although a key log was given. */
function tls13NotObserved(f: SessionFacts): RuleFinding[] {
  const { s, client, t13, chMsg, shMsg } = f;
  const findings: RuleFinding[] = [];
  if (t13 && s.decrypted) {
    const left = s.tls.messages.filter((m) => m.kind === 'encrypted-handshake' || (m.kind === 'alert' && m.encrypted));
    findings.push({
      severity: 'info',
      rule: 'T7',
      session: s.id,
      frames: left.slice(0, 8).map((m) => m.frame),
      code: 'tls13-partly-encrypted',
      title: 'TLS 1.3: the key log decrypted part of this session; the end of the handshake stayed encrypted',
      detail: `What was decrypted is told above as observed. ${left.length} record(s) could not be decrypted (${left.length ? `frames ${[...new Set(left.map((m) => m.frame))].slice(0, 8).join(', ')}` : 'none'}): how the handshake ended is inferred from their sizes, not observed (T7).`,
      fix: 'Give a key log with every secret of this session (CLIENT_TRAFFIC_SECRET_0 and SERVER_TRAFFIC_SECRET_0 as well as the handshake secrets), with --keylog.',
    });
  } else if (t13) {
    const inf = t13.inferredClientCert;
    const v = inf?.purpose;
    const detail = [
      'Only ClientHello and ServerHello are readable: CertificateRequest, both Certificate messages and any alert are encrypted (T7).',
      t13.clientCertificateLikely ? `The client's first encrypted record (${t13.clientFlightRecords[0]} bytes) is the size of a certificate chain: it probably sent a certificate (inferred).` : '',
      inf
        ? `By the store rule (X1), ${client.short} as TLS client would present its client-store certificate ${certSummary(inf.entry.cert)} from ${inf.entry.file}: inferred, not observed.${v && !v.verdicts.openssl.ok ? ` That certificate lacks clientAuth for OpenSSL verifiers, so a server that checks clientAuth would refuse it.` : ''}`
        : '',
    ]
      .filter((x) => x)
      .join(' ');
    findings.push({
      severity: 'info',
      rule: 'T7',
      session: s.id,
      frames: [...(chMsg ? [chMsg.frame] : []), ...(shMsg ? [shMsg.frame] : [])],
      code: 'tls13-not-observed',
      title: 'TLS 1.3 without keys: certificates and alerts are not visible',
      detail,
      fix: 'To see them, capture with a key log (SSLKEYLOGFILE on a test client) and pass it with --keylog.',
    });
  }
  return findings;
}
