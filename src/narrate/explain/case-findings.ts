/** The findings that belong to a case as a whole rather than to one of its sessions. */
import { assessCapture, auditStores, boxTitle, certName, ekuText, type SessionAssessment } from '../../expressway/index.js';
import type { Finding } from '../doc.js';
import type { ReportCase } from './common.js';
import { sortFindings, toFinding } from './story.js';

/** What a case's sessions tell about the case as a whole: the assessment of each, or the parts of it the case-wide findings read. */
export type CaseSessionFacts = Pick<SessionAssessment, 'logs' | 'client' | 'server' | 'helloFrames'>;

/**
 * The findings of a case as a whole: each capture's own (assessCapture), the log's negotiation errors no
 * handshake accounts for (X9), a store no session exercises (X1), and the stores' own facts (X2), sorted.
 */
export function caseFindings(c: ReportCase, sessions: readonly CaseSessionFacts[]): Finding[] {
  const findings: Finding[] = [];
  for (const an of c.analyses) findings.push(...assessCapture(an, c.context).map(toFinding));
  // X9: negotiation errors in a box's log that no captured handshake accounts for (the capture
  // missed them, or they happened outside its time window).
  const matched = new Set(sessions.flatMap((a) => a.logs.map((l) => l.event)));
  for (const box of c.context.boxes) {
    const missing = box.logEvents.filter((ev) => ev.kind !== 'ssl-socket' && !matched.has(ev));
    if (missing.length === 0) continue;
    const shown = missing.slice(0, 5);
    findings.push({
      severity: 'info',
      rule: 'X9',
      frames: [],
      code: 'log-event-not-in-capture',
      title: `${boxTitle(box)}'s log has ${missing.length} TLS negotiation error(s) that no handshake in the capture accounts for`,
      detail: `${shown.map((ev) => `line ${ev.line}: ${ev.fields['Event'] ?? ev.kind}${ev.src ? ` from ${ev.src.ip}${ev.src.port !== undefined ? `:${ev.src.port}` : ''}` : ''}${ev.dst ? ` to ${ev.dst.ip}${ev.dst.port !== undefined ? `:${ev.dst.port}` : ''}` : ''}${ev.reason ? `, "${ev.reason}"` : ''}`).join('; ')}${missing.length > shown.length ? `; and ${missing.length - shown.length} more` : ''}. ${box.edition === 'expressway' ? 'Expressway' : boxTitle(box)} logged them, so they happened, but the capture does not show them.`,
      fix: 'Capture while the problem happens (the diagnostic log\'s tcpdump runs only while diagnostic logging is on), then download the bundle.',
    });
  }
  // X1 for the reader: a store the capture never exercises does not matter for what it shows.
  for (const box of c.context.boxes) {
    if (!box.stores || sessions.length === 0) continue;
    const ends = sessions.flatMap((a) => [a.client, a.server].filter((e) => e.box?.id === box.id));
    if (ends.length === 0) continue;
    const roles = new Set(ends.map((e) => e.role));
    if (roles.size !== 1) continue;
    const role = [...roles][0]!;
    const unused = role === 'client' ? 'server' : 'client';
    const list = unused === 'server' ? box.stores.server : box.stores.client;
    if (list.length === 0) continue;
    const frames = sessions.filter((a) => a.client.box?.id === box.id || a.server.box?.id === box.id).flatMap((a) => (a.helloFrames.client !== undefined ? [a.helloFrames.client] : []));
    findings.push({
      severity: 'info',
      rule: 'X1',
      frames,
      code: 'store-not-exercised',
      title: `${boxTitle(box)} is TLS ${role} in every session here, so its ${unused} store plays no part`,
      detail: `Its ${unused}-store certificate (${certName(list[0]!.cert)}, ${ekuText(list[0]!.cert)}, ${list[0]!.file}) is presented only when ${boxTitle(box)} is TLS ${unused} (X1); nothing in this capture depends on it.`,
    });
  }
  for (const box of c.context.boxes) {
    if (!box.stores) continue;
    // Only the store facts a capture report needs: X2 (and unreadable store files). Expiry and
    // E5 traps are judged against "now" by check-store, which a reproducible report must not use.
    const audit = auditStores(box, box.stores, new Date(0)).filter((f) => f.code === 'same-cert-both-stores' || f.code === 'store-problem' || f.code === 'private-key-in-store-file');
    findings.push(...audit.map(toFinding));
  }
  return sortFindings(findings);
}
