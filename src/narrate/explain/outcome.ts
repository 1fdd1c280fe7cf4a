/** A story's end: what TLS 1.3 hides and lets one infer (T7), the alerts (T4), the outcome, the boxes' logs (X9). */
import { alertDescriptionName } from '../../tls/index.js';
import { boxTitle, certSummary, type SessionAssessment } from '../../expressway/index.js';
import type { Inline } from '../doc.js';
import { byFrames, type SessionEntry } from './common.js';

/** What TLS 1.3 hides, and what record sizes and the store rule let one infer (T7, X1). */
export function tls13Sentences(a: SessionAssessment): Inline[][] {
  const s = a.session;
  const ch = a.helloFrames.client;
  const sh = a.helloFrames.server;
  const out: Inline[][] = [];
  const t = a.tls13;
  if (t) {
    out.push(
      byFrames(
        s.decrypted
          ? `The key log did not decrypt the end of this TLS 1.3 handshake: how it ended is inferred from record sizes, not observed (T7).`
          : `In TLS 1.3 everything after the ServerHello is encrypted: whether a certificate was requested, which certificates were sent and any alert cannot be seen without keys (T7).`,
        sh !== undefined ? [sh] : [],
      ),
    );
    if (t.clientFlightFrames.length)
      out.push(
        byFrames(
          `${a.client.short}'s encrypted flight was ${t.clientFlightRecords.length} record(s) of ${t.clientFlightRecords.join(', ')} bytes${t.clientCertificateLikely ? `; the first is the size of a certificate chain, so it probably sent a certificate (inferred)` : ''}.`,
          t.clientFlightFrames,
        ),
      );
    const inf = t.inferredClientCert;
    if (inf) {
      const ok = inf.purpose.verdicts.openssl.ok;
      out.push(
        byFrames(
          `By the store rule (X1) ${a.client.short}, as TLS client, would present its client-store certificate ${certSummary(inf.entry.cert)} (${inf.entry.file}): inferred, not observed.${ok ? '' : ` That certificate lacks clientAuth for OpenSSL verifiers: a server that checks clientAuth refuses it.`}`,
          t.clientFlightFrames.length ? t.clientFlightFrames : ch !== undefined ? [ch] : [],
        ),
      );
    }
  }
  return out;
}

/** How the handshake ended: the readable alerts besides the one that ended it (T4), then the outcome. */
export function endSentences(a: SessionAssessment): Inline[][] {
  const s = a.session;
  const sh = a.helloFrames.server;
  const out: Inline[][] = [];
  // Readable alerts other than the one that ended the handshake (a warning before the ServerHello, a
  // close_notify read with the key log): the ladder shows them, so the story tells them too.
  for (const al of s.alerts) {
    if (al.encrypted || a.outcome.alert?.messageIndex === al.messageIndex || a.outcome.frames.includes(al.frame)) continue;
    const who = al.from === 'client' ? a.client.short : al.from === 'server' ? a.server.short : 'One side';
    const when = sh !== undefined && al.frame < sh ? ' before the ServerHello' : '';
    const code = al.description !== undefined ? `${al.level === 2 ? 'fatal' : al.level === 1 ? 'warning' : 'an'} alert ${al.description} ${alertDescriptionName(al.description)}` : 'an unreadable alert';
    out.push(byFrames(`${who} sent a ${code}${al.decrypted ? ' (decrypted with the key log)' : ''} in frame ${al.frame}${when} (T4).`, [al.frame]));
  }
  // Outcome.
  for (const e of a.outcome.explanation) out.push(byFrames(e, a.outcome.frames));
  return out;
}

/** What the boxes' logs say of this connection (X9), and where else the same handshake was captured. */
export function logSentences(a: SessionAssessment, alsoIn: SessionEntry['alsoIn']): Inline[][] {
  const ch = a.helloFrames.client;
  const out: Inline[][] = [];
  for (const lm of a.logs) {
    const ev = lm.event;
    out.push(
      byFrames(
        `${boxTitle(lm.box)}'s loggingsnapshot (line ${ev.line}) ${ev.kind === 'ssl-socket' ? 'logs this connection\'s TLS socket' : `has "${ev.fields['Event'] ?? ev.kind}"`}${ev.reason ? ` with Detail "${ev.reason}"` : ''}${ev.kind === 'ssl-socket' ? '' : ' for this connection'}: ${ev.expresswayRole === 'server' ? 'it was TLS server' : ev.expresswayRole === 'client' ? 'it was TLS client' : 'no role given'} (X9)${lm.roleAgrees ? ', as the capture shows' : ', which the capture contradicts'}.`,
        a.outcome.frames.length ? a.outcome.frames : ch !== undefined ? [ch] : [],
      ),
    );
  }
  for (const o of alsoIn) {
    const f = o.session.tls.messages[0]?.frame;
    out.push(byFrames(`The same handshake is also in ${o.source}${f !== undefined ? ` (there it starts in frame ${f})` : ''}, captured at the other end; this story uses the frames of ${a.source}.`, ch !== undefined ? [ch] : []));
  }
  return out;
}
