/**
 * The explainer: analysed captures + Expressway context → Explanation (explanation.ts), i.e. one
 * story per TLS session in plain sentences a support engineer can paste into a ticket, each sentence
 * carrying the frames that prove it; findings with fixes; a ladder per notable handshake; the neutral
 * document every format renders; and the versioned JSON model (schema/report.schema.json).
 *
 * Pure: no file system, no process, no UI. Rules live in expressway/rules.ts; this module words them.
 * Strings from captures and bundles go into the document as they are: renderers neutralise them.
 *
 * Cost: assessments and stories are built once per session (chains and purposes memoised per
 * report); the document and the JSON model are built on first use, so a JSON report never builds
 * the document and a text report never builds the JSON.
 */
import type { Analysis, Session } from '../analysis/index.js';
import { closeEvents } from '../net/index.js';
import {
  HandshakeType,
  alertDescriptionName,
  alertLevelName,
  certificateTypeName,
  cipherSuiteInfo,
  handshakeTypeName,
  isNullCipher,
  signatureSchemeName,
  versionName,
  type TlsMessage,
} from '../tls/index.js';
import type { CertInfo } from '../x509/index.js';
import {
  RuleCache,
  assessCapture,
  assessSession,
  auditStores,
  boxTitle,
  certName,
  certSummary,
  ekuText,
  endpointText,
  handshakeKey,
  roleGuessText,
  serialText,
  storeRoleText,
  editionText,
  type EndAssessment,
  type ExpresswayBox,
  type ExpresswayContext,
  type PresentedAssessment,
  type RuleFinding,
  type SessionAssessment,
} from '../expressway/index.js';
import { incompleteText, type Block, type Doc, type Finding, type Inline, type LadderStep, type Pairs, type Severity } from './doc.js';
import { certificateDetails, certificateRequestFold } from './details.js';
import type { BoxLabel, Explanation, SessionStory, StoryOutcome } from './explanation.js';

export const REPORT_SCHEMA_VERSION = 1;
export const REPORT_SCHEMA_ID = 'ekuscope.report/1';

/** One case of a report: a capture, a bundle (one or several boxes), or one scenario folder. */
export interface ReportCase {
  /** Display name: the folder or file name (never a full path). */
  readonly name: string;
  /** Display names of the inputs read (capture files, bundle files). */
  readonly inputs: readonly string[];
  readonly analyses: readonly Analysis[];
  readonly context: ExpresswayContext;
  /** Plain sentences about the inputs (bundle problems, key logs not used, ...). */
  readonly notes: readonly string[];
  /**
   * Several captures of the same handshakes (one per box of a bundle): tell each handshake once and
   * say where else it was captured. Off for unrelated capture files given together.
   */
  readonly dedupe?: boolean;
}

export interface ExplainOptions {
  readonly title?: string;
  /** "ekuscope 0.1.0", recorded in the JSON. */
  readonly generator?: string;
  /** Ladders for every session (default: failing, warning and mutual-TLS ones). */
  readonly allLadders?: boolean;
  /** The stories were written before the summary, each as its session came (`report --follow`). */
  readonly storiesAbove?: boolean;
}

interface SessionEntry {
  readonly caseIndex: number;
  readonly analysis: Analysis;
  readonly a: SessionAssessment;
  readonly story: SessionStory;
  /** Same handshake also captured elsewhere (the other box's capture). */
  readonly alsoIn: readonly { readonly source: string; readonly session: Session }[];
}

interface CaseEntry {
  readonly c: ReportCase;
  readonly sessions: SessionEntry[];
  readonly findings: Finding[];
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2, ok: 3 };

function byFrames(text: string, frames: readonly number[]): Inline[] {
  const f = [...new Set(frames.filter((x) => x > 0))].sort((x, y) => x - y);
  return f.length ? [text, ' ', { kind: 'frames', frames: f }] : [text];
}

function upper(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1) : s;
}

function boxLabel(e: EndAssessment): BoxLabel {
  if (e.box) return { name: boxTitle(e.box), kind: e.box.edition, addresses: [...e.box.addresses] };
  if (e.peerName) return { name: e.peerName, kind: 'peer', addresses: [e.endpoint.ip] };
  return { name: e.endpoint.ip, kind: 'unknown', addresses: [e.endpoint.ip] };
}

function storyOutcome(a: SessionAssessment): StoryOutcome {
  if (a.outcome.status === 'failed') return 'failed';
  if (a.findings.some((f) => f.severity === 'error' || f.severity === 'warning')) return a.outcome.status === 'unknown' ? 'unknown' : 'warning';
  return a.outcome.status === 'ok' ? 'ok' : a.outcome.status === 'warning' ? 'warning' : 'unknown';
}

function serviceName(a: SessionAssessment): string | undefined {
  if (a.service.service) return a.service.service.name;
  if (a.service.candidates.length > 1) return a.service.candidates.map((c) => c.name).join(' or ');
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Sentences.

function storeSentence(p: PresentedAssessment, end: EndAssessment): string | undefined {
  const st = p.store;
  switch (st.kind) {
    case 'as-expected': {
      const also = st.alsoIn.length ? `; the same certificate is also in its ${st.alsoIn.map((e) => storeRoleText(e.role)).join(' and ')} (${st.alsoIn.map((e) => e.file).join(', ')}), X2` : '';
      return `That is ${end.short}'s ${st.expected}-store certificate (${st.entry.file}): as TLS ${p.from}, Expressway presents its ${st.expected} store (X1)${also}.`;
    }
    case 'other-store':
      return `That certificate is in ${end.short}'s ${storeRoleText(st.entry.role)} (${st.entry.file}), not its ${st.expected} store, which the store rule says a TLS ${p.from} presents (X1).`;
    case 'not-in-store':
      return `It is in neither store of ${end.short} in the bundle (matched by issuer + serial and by fingerprint).`;
    case 'no-store':
      return `No ${st.expected}-store file of ${end.short} was given, so which store it came from cannot be checked (X1).`;
    case 'not-expressway': {
      const m = st.matches.find((x) => !x.bytesDiffer);
      if (m) return `It is also in ${m.entry.box}'s ${storeRoleText(m.entry.role)} (${m.entry.file}).`;
      return undefined;
    }
  }
}

function verdictSentence(p: PresentedAssessment, end: EndAssessment): string | undefined {
  const leaf = p.leaf;
  if (!leaf || leaf.error || !p.purpose) return undefined;
  const need = p.need;
  const what = p.from === 'client' ? 'client certificate' : 'server certificate';
  const neededClause =
    need.level === 'required'
      ? `As a ${what} it needs ${need.eku} because ${need.because}.`
      : need.level === 'not-checked'
        ? `As a ${what} it would need ${need.eku}, but ${need.because}.`
        : `As a ${what} it needs ${need.eku} if the peer checks it: ${need.because}.`;
  const failing = p.purpose.verdicts.openssl.reasons.filter((r) => r.fails);
  const eku = failing.find((r) => r.rule === 'E2' || r.rule === 'E3' || r.rule === 'E5');
  let has: string;
  if (!eku) {
    has = leaf.eku?.present ? `It has ${need.eku}${p.purpose.certificatesEvaluated > 1 ? ', and no CA certificate above it restricts that (E5)' : ''}.` : 'It has no EKU extension, so no purpose restriction (E1).';
  } else if (eku.rule === 'E5') {
    const ca = p.purpose.verdicts.openssl.reasons.find((r) => r.rule === 'E5' && r.fails);
    const caCert = ca ? p.chain?.chain[ca.certIndex] : undefined;
    has = `The leaf ${leaf.eku?.clientAuth || leaf.eku?.serverAuth ? `has ${ekuText(leaf)}` : `has ${ekuText(leaf)}`}, but the CA above it${caCert ? `, ${certName(caCert)},` : ''} restricts EKU to ${caCert ? ekuText(caCert) : 'other purposes'}: OpenSSL, Go, Windows and NSS apply that to the leaf, so it fails as a ${what} (E5; Java is believed to check the leaf only).`;
  } else if (eku.rule === 'E3') {
    has = `It lists only anyExtendedKeyUsage: Go and Java accept that, OpenSSL and NSS do not (E3).`;
  } else {
    has = `It does not have ${need.eku}: its EKU is ${ekuText(leaf)} (E2).`;
  }
  const ku = failing.find((r) => r.rule === 'E7' || r.rule === 'E8');
  const kuText = ku ? (ku.certIndex > 0 ? ` A CA certificate above it does not allow signing certificates (${ku.rule}): ${ku.text}.` : ` Its Key Usage does not fit either (${ku.rule}): ${ku.text}.`) : '';
  void end;
  return `${neededClause} ${has}${kuText}`;
}

function certificateRequestSentence(s: Session, server: EndAssessment): string | undefined {
  const cr = s.certificateRequest;
  if (!cr) return undefined;
  const types = cr.certificateTypes.length ? `certificate types ${cr.certificateTypes.map(certificateTypeName).join(', ')}` : '';
  const cas = cr.caNames.length ? `${cr.caNames.length} acceptable CA name(s): ${cr.caNames.map((n) => n.text).join('; ')}` : 'no CA names (any CA is acceptable, T2)';
  const sig = cr.signatureAlgorithms?.length ? `${cr.signatureAlgorithms.length} signature algorithms` : '';
  return `${server.short} requested a client certificate${cr.decrypted ? ' (decrypted with the key log)' : ''}: ${[types, sig, cas].filter((x) => x).join('; ')}. The request says nothing about EKU: the need for clientAuth comes from the verifier's policy (T2).`;
}

function presentedSentence(p: PresentedAssessment, end: EndAssessment, verb: string): string {
  const leaf = p.leaf;
  const more = p.certs.length > 1 ? ` with ${p.certs.length - 1} CA certificate(s): ${p.certs.slice(1).map((c) => certName(c)).join('; ')}` : ' without any CA certificate';
  const dec = p.message.decrypted ? ' (decrypted with the key log)' : '';
  return `${end.short} ${verb} ${leaf ? certSummary(leaf) : 'a certificate'}${more}${dec}.`;
}

function buildSentences(a: SessionAssessment, alsoIn: SessionEntry['alsoIn']): Inline[][] {
  const s = a.session;
  const out: Inline[][] = [];
  const ch = a.helloFrames.client;
  const sh = a.helloFrames.server;
  const byCert = (e: EndAssessment) =>
    e.box && e.boxBasis === 'certificate'
      ? ` (${e.short} recognised by the certificate it presented, which is in one of its stores: ${e.box.addresses.length ? `${e.endpoint.ip} is not among its known addresses` : 'no address was known for it'})`
      : '';
  const clientBasis = byCert(a.client);
  const serverBasis = byCert(a.server);
  if (ch !== undefined) {
    out.push(byFrames(`${a.client.label} sent the ClientHello, so it was the TLS client; ${a.server.label} was the TLS server (T1)${clientBasis}${serverBasis}.`, [ch]));
  } else if (s.roleGuess) {
    out.push(byFrames(`No handshake was captured, so which side was TLS client is not shown: ${roleGuessText(s)} (C2).`, [s.tls.messages[0]?.frame ?? s.connection.firstFrame]));
  } else if (s.client) {
    out.push(byFrames(`No ClientHello was captured; ${a.client.label} is taken as TLS client because ${a.server.label} sent the server's messages (T1).`, sh !== undefined ? [sh] : []));
  }
  // Service (ports are hints).
  const svc = a.service;
  if (svc.service) {
    out.push(byFrames(`Service: ${svc.service.name} (from ${svc.basis.join(' and ')}: ports name a service, they do not prove it)${serviceCaveat(a)}.`, ch !== undefined ? [ch] : []));
  } else if (svc.candidates.length > 1) {
    out.push(byFrames(`Port ${a.server.endpoint.port} fits several services: ${svc.candidates.map((c) => c.name).join(', ')}; which one is not decided from ports.`, ch !== undefined ? [ch] : []));
  }
  if (a.server.peerName && a.server.peerBasis) out.push(byFrames(`${a.server.peerName} is named from ${a.server.peerBasis}.`, a.presented.server ? [a.presented.server.message.frame] : ch !== undefined ? [ch] : []));
  if (s.tls.version !== undefined && sh !== undefined) {
    out.push(byFrames(`They negotiated ${a.versionText}${a.suiteText ? ` with ${a.suiteText}` : ''}.`, [sh]));
  }
  if (s.decrypted) out.push(byFrames('Encrypted handshake messages were decrypted with the key log given: what follows is observed, not inferred.', sh !== undefined ? [sh] : []));
  // Server certificate.
  const ps = a.presented.server;
  if (ps) {
    out.push(byFrames(presentedSentence(ps, a.server, 'presented'), [ps.message.frame]));
    const st = storeSentence(ps, a.server);
    if (st) out.push(byFrames(st, [ps.message.frame]));
    const v = verdictSentence(ps, a.server);
    if (v) out.push(byFrames(v, [ps.message.frame]));
  }
  // CertificateRequest.
  const crs = certificateRequestSentence(s, a.server);
  if (crs) out.push(byFrames(crs, [s.certificateRequest!.frame]));
  else if (!s.tls.tls13 && s.tls.version !== undefined && a.clientCert === 'not-requested' && ps) {
    out.push(byFrames(`${a.server.short} did not request a client certificate, so none was exchanged.`, [ps.message.frame]));
  }
  // Client certificate.
  const pc = a.presented.client;
  const clientMsg = s.certificateMessages.find((m) => m.from === 'client');
  if (pc) {
    const verb = a.client.box ? 'answered with' : 'answered with';
    out.push(byFrames(presentedSentence(pc, a.client, verb), [pc.message.frame]));
    const st = storeSentence(pc, a.client);
    if (st) out.push(byFrames(st, [pc.message.frame]));
    const v = verdictSentence(pc, a.client);
    if (v) out.push(byFrames(v, [...(s.certificateRequest ? [s.certificateRequest.frame] : []), pc.message.frame]));
  } else if (a.clientCert === 'empty' && clientMsg) {
    out.push(byFrames(`${a.client.short} answered with an empty Certificate message: it had no certificate it found suitable (T3).`, [clientMsg.frame]));
  } else if (a.clientCert === 'truncated' && clientMsg) {
    out.push(byFrames(`${a.client.short}'s Certificate message is cut off in the capture: which certificate it sent cannot be read, and no serial is guessed.`, clientMsg.frames));
  } else if (a.clientCert === 'not-captured' && (s.certificateRequest || s.tls.certificateRequested)) {
    const last = s.tls.lastFromClient;
    out.push(
      byFrames(
        `The capture shows nothing ${a.client.short} sent after the CertificateRequest${last ? ` (its last record is its ${last.what} in frame ${last.frame})` : ''}: whether it sent a certificate is not in the capture, which ends there (C4).`,
        [...(s.certificateRequest ? [s.certificateRequest.frame] : []), ...(last ? [last.frame] : [])],
      ),
    );
  } else if (a.clientCert === 'not-captured') {
    const last = s.tls.lastFromServer;
    out.push(
      byFrames(
        `The capture ends inside ${a.server.short}'s flight${last ? ` (its last record is its ${last.what} in frame ${last.frame})` : ''}: whether it requested a client certificate is not in the capture (C4).`,
        last ? [last.frame] : [],
      ),
    );
  } else if (a.clientCert === 'requested-not-sent') {
    out.push(byFrames(`${a.client.short} sent no Certificate message although one was requested.`, s.certificateRequest ? [s.certificateRequest.frame] : []));
  }
  // TLS 1.3 inference.
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
  // Logs (X9).
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

// ---------------------------------------------------------------------------------------------
// Ladder.

function messageLabel(m: TlsMessage, s: Session): { label: string; tone?: LadderStep['tone'] } {
  switch (m.kind) {
    case 'handshake':
      if (m.type === HandshakeType.Certificate) {
        // Counted from the session's certificate list: decoding the message again would rebuild its bytes.
        const cm = s.certificateMessages.find((c) => c.messageIndex === m.index);
        const n = cm?.certificates.length;
        // C3: bytes missing make a message incomplete, never empty; whole certificates in it still count.
        if (cm?.truncated || m.truncated) return { label: `Certificate (${incompleteText(m)}${n ? `; ${n} whole certificate(s)` : ''})`, tone: 'warn' };
        if (n !== undefined) return { label: n === 0 ? 'Certificate (empty)' : `Certificate (${n})` };
      }
      return { label: handshakeTypeName(m.type) + (m.decrypted ? ' (decrypted)' : '') + (m.truncated ? ` (${incompleteText(m)})` : '') };
    case 'change-cipher-spec':
      return { label: 'ChangeCipherSpec', tone: 'muted' };
    case 'alert':
      if (m.encrypted) return { label: alertLabel(m), tone: s.tls.outcome.kind === 'alert' && s.tls.outcome.alert.frame === m.frame ? 'bad' : 'muted' };
      return { label: alertLabel(m), tone: m.level === 2 ? 'bad' : 'warn' };
    case 'encrypted-handshake':
      // C6: a NULL-cipher suite sends Finished in clear (with a MAC).
      // Without the handshake in the capture (C2) the record is not known to be a Finished.
      return { label: s.tls.tls13 || s.roleGuess ? `Encrypted handshake (${m.length} B)` : isNullCipher(s.tls.cipherSuite) ? 'Finished (unencrypted: NULL cipher)' : 'Finished (encrypted)', tone: 'muted' };
    case 'application-data':
      return { label: s.tls.tls13 && m.length < 100 ? `Encrypted record (${m.length} B)` : `Application data (${m.length} B)`, tone: 'muted' };
    default:
      return { label: 'Record', tone: 'muted' };
  }
}

/** An alert record's ladder label (C6: an encrypted one by its size, a NULL-cipher one said to be in clear). */
function alertLabel(a: { readonly encrypted: boolean; readonly length: number; readonly level?: number; readonly description?: number; readonly nullCipher?: boolean }): string {
  if (a.encrypted) return `Encrypted alert (${a.length} B)`;
  const text = `Alert ${a.level !== undefined ? alertLevelName(a.level) + ' ' : ''}${a.description ?? '?'} ${a.description !== undefined ? alertDescriptionName(a.description) : ''}`.trim();
  return a.nullCipher ? `${text} (unencrypted: NULL cipher)` : text;
}

const MAX_LADDER_STEPS = 30;

function buildLadder(a: SessionAssessment): LadderStep[] {
  const s = a.session;
  const cd = s.clientDir ?? 0;
  const steps: LadderStep[] = [];
  const certNote = (p: PresentedAssessment | undefined): string | undefined => {
    if (!p?.leaf || p.leaf.error) return undefined;
    const st = p.store.kind === 'as-expected' ? `, ${p.store.expected} store` : '';
    return `serial ${shortSerial(serialText(p.leaf))}, ${ekuText(p.leaf)}${st}`;
  };
  for (const m of s.tls.messages) {
    if (steps.length >= MAX_LADDER_STEPS) break;
    const from = m.dir === cd ? 'left' : 'right';
    const { label, tone } = messageLabel(m, s);
    const prev = steps[steps.length - 1];
    // Runs of application data in one direction become one step.
    if (m.kind === 'application-data' && !s.tls.tls13 && prev && prev.from === from && prev.label.startsWith('Application data')) continue;
    let note: string | undefined;
    let rejected = false;
    if (m.kind === 'handshake' && m.type === HandshakeType.Certificate) {
      const p = m.dir === cd ? a.presented.client : a.presented.server;
      note = certNote(p);
      rejected = a.outcome.status === 'failed' && p !== undefined && p.message.frame === m.frame && a.outcome.rejected === p.from;
    }
    steps.push({ from, label, frame: m.frame, ...(note ? { note } : {}), ...(tone ? { tone } : {}), ...(rejected ? { rejected } : {}) });
  }
  // Alerts seen after the dissector let go (a late close_notify), the same way as the others (C6).
  for (const al of s.alerts) {
    if (!al.late) continue;
    steps.push({ from: al.dir === cd ? 'left' : 'right', label: alertLabel(al), frame: al.frame, tone: 'muted' });
  }
  // TCP ends: a FIN or RST without an alert is the whole story of a silent close (T8).
  for (const e of closeEvents(s.connection.ends)) {
    const from = e.from === cd ? 'left' : 'right';
    const silent = s.tls.silentRejection && s.tls.silentRejection.end.frame === e.frame;
    steps.push({ from, label: e.kind === 'fin' ? 'TCP FIN' : 'TCP RST', frame: e.frame, tone: silent ? 'bad' : 'muted', ...(silent ? { note: 'closed without an alert (T8)' } : {}) });
  }
  return steps.sort((x, y) => x.frame - y.frame);
}

function shortSerial(s: string): string {
  return s.length > 20 ? `${s.slice(0, 8)}…${s.slice(-4)}` : s;
}

// ---------------------------------------------------------------------------------------------
// Stories.

/**
 * The services table names rows by port; a row whose end must be an Expressway is a guess when no
 * end of the session is a known box (any HTTPS server listens on 443).
 */
function serviceCaveat(a: SessionAssessment): string {
  const d = a.service.service;
  if (!d || a.client.box || a.server.box) return '';
  const needsBox = d.clientParties.every((p) => p.startsWith('expressway')) || d.serverParties.every((p) => p.startsWith('expressway'));
  return needsBox ? `; no Expressway is known in the inputs, so this is only the table's row for port ${a.server.endpoint.port}: any TLS service on that port fits as well` : '';
}

function headline(a: SessionAssessment): string {
  const svc = serviceName(a);
  const o = a.outcome.status === 'ok' ? 'OK' : a.outcome.status === 'failed' ? 'FAILED' : a.outcome.status === 'warning' ? 'WARNING' : 'UNKNOWN';
  // A guessed direction (C2) is not drawn as a fact.
  return `${a.client.short} ${a.session.roleGuess ? '⇄' : '→'} ${a.server.short}:${a.server.endpoint.port}${svc ? ` · ${svc}` : ''} · ${a.versionText} · ${o}: ${a.outcome.text}`;
}

function certTable(a: SessionAssessment, haveStores: boolean): Block | undefined {
  const rows: Inline[][][] = [];
  const details: Pairs[] = [];
  for (const p of [a.presented.server, a.presented.client]) {
    if (!p) continue;
    p.certs.forEach((c, i) => {
      const e = storeEntryFor(p, i);
      const mismatch = i === 0 && p.store.kind === 'other-store';
      const store = e ? `${e.box} ${e.role === 'ca' ? 'trusted CA' : `${e.role} store`}${mismatch ? ' (not the expected store)' : ''}` : 'not in any store';
      const row: Inline[][] = [[String(p.message.frame)], [p.from], [String(i)], [certName(c)], [{ kind: 'code', text: serialText(c) }], [c.error ? '?' : ekuText(c)]];
      rows.push(haveStores ? [...row, [store]] : row);
      details.push(certificateDetails(c, e));
    });
  }
  if (rows.length === 0) return undefined;
  const columns = ['frame', 'from', '#', 'subject', 'serial', 'EKU'];
  return { kind: 'table', columns: haveStores ? [...columns, 'store'] : columns, rows, details: { column: 3, rows: details } };
}

function toFinding(f: RuleFinding): Finding {
  return f;
}

function sortFindings(fs: readonly Finding[]): Finding[] {
  return [...fs].sort((x, y) => SEVERITY_ORDER[x.severity] - SEVERITY_ORDER[y.severity]);
}

/** What a story's sentences, ladder and certificate table are made from, each time they are read. */
interface StorySource {
  readonly a: SessionAssessment;
  readonly alsoIn: SessionEntry['alsoIn'];
  readonly notable: boolean;
  readonly haveStores: boolean;
}
const STORY_SOURCE = Symbol('story source');
type WithSource = { readonly [STORY_SOURCE]: StorySource };
function storySentences(this: WithSource): Inline[][] {
  const src = this[STORY_SOURCE];
  return buildSentences(src.a, src.alsoIn);
}
function storyLadder(this: WithSource): LadderStep[] {
  const src = this[STORY_SOURCE];
  return src.notable ? buildLadder(src.a) : [];
}
function storyBlocks(this: WithSource): Block[] {
  const a = this[STORY_SOURCE].a;
  const t = certTable(a, this[STORY_SOURCE].haveStores);
  const cr = a.session.certificateRequest;
  return [...(t ? [t] : []), ...(cr ? [certificateRequestFold(cr, a.server.short)] : [])];
}
/** The story as the report tells it alone (no sessions alike): the viewer's page of one session. */
function storySection(this: WithSource & SessionStory): Block {
  const src = this[STORY_SOURCE];
  return sessionSection({ a: src.a, alsoIn: src.alsoIn, story: this });
}
// The long parts of a story (its sentences, ladder and certificate table: about 5 KB a session)
// are made each time they are read and not kept: a report reads each once, as it writes that
// session, and keeps every story to the end. One getter of each for every story: getters of its
// own per object (closures in a literal) made each story a slow dictionary.
const SENTENCES: PropertyDescriptor = Object.freeze({ enumerable: true, configurable: true, get: storySentences });
const LADDER: PropertyDescriptor = Object.freeze({ enumerable: true, configurable: true, get: storyLadder });
const BLOCKS: PropertyDescriptor = Object.freeze({ enumerable: true, configurable: true, get: storyBlocks });
const SECTION: PropertyDescriptor = Object.freeze({ enumerable: false, configurable: true, get: storySection });

function makeStory(a: SessionAssessment, alsoIn: SessionEntry['alsoIn'], ladders: boolean, haveStores: boolean): SessionStory {
  const outcome = storyOutcome(a);
  const notable = ladders || outcome !== 'ok' || a.presented.client !== undefined || a.tls13 !== undefined;
  const svc = serviceName(a);
  const story: { -readonly [K in keyof SessionStory]?: SessionStory[K] } = {
    source: a.source,
    sessionId: a.session.id,
    headline: headline(a),
    outcome,
    outcomeText: a.outcome.text,
  };
  if (svc) story.service = svc;
  story.client = boxLabel(a.client);
  story.server = boxLabel(a.server);
  Object.defineProperty(story, 'sentences', SENTENCES);
  story.findings = sortFindings(a.findings.map(toFinding));
  Object.defineProperty(story, STORY_SOURCE, { value: { a, alsoIn, notable, haveStores } satisfies StorySource });
  Object.defineProperty(story, 'ladder', LADDER);
  Object.defineProperty(story, 'blocks', BLOCKS);
  Object.defineProperty(story, 'section', SECTION);
  return story as SessionStory;
}

// ---------------------------------------------------------------------------------------------
// The report.

/** Builds the explanation of every case. */
export function explain(cases: readonly ReportCase[], opts: ExplainOptions = {}): Explanation {
  const steps = explainSteps(cases, opts);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Sessions assessed (or told) between two pauses of explainYielding: a few milliseconds' work. */
const SESSIONS_A_STEP = 64;

/**
 * The same explanation, pausing for the event loop every SESSIONS_A_STEP sessions: a viewer stays
 * answering keys while a busy capture's 20,000 sessions are told (seconds of work in one piece).
 */
export async function explainYielding(cases: readonly ReportCase[], opts: ExplainOptions = {}): Promise<Explanation> {
  const steps = explainSteps(cases, opts);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

function* explainSteps(cases: readonly ReportCase[], opts: ExplainOptions): Generator<void, Explanation> {
  const cache = new RuleCache();
  let done = 0;
  const entries: CaseEntry[] = [];
  for (let caseIndex = 0; caseIndex < cases.length; caseIndex++) {
    const c = cases[caseIndex]!;
    const sessions: SessionEntry[] = [];
    const byKey = new Map<string, { entry: { a: SessionAssessment; analysis: Analysis }; also: { source: string; session: Session }[] }>();
    const order: string[] = [];
    for (let ai = 0; ai < c.analyses.length; ai++) {
      const an = c.analyses[ai]!;
      for (const s of an.sessions) {
        if (++done % SESSIONS_A_STEP === 0) yield;
        const own = `${ai}/${s.id}`;
        const key = c.dedupe === false ? own : handshakeKey(s);
        const prev = byKey.get(key);
        if (prev && prev.entry.analysis !== an) {
          prev.also.push({ source: an.source, session: s });
          continue;
        }
        const k = prev ? `${key}#${own}` : key;
        byKey.set(k, { entry: { a: assessSession(an, s, c.context, cache), analysis: an }, also: [] });
        order.push(k);
      }
    }
    for (const k of order) {
      if (++done % SESSIONS_A_STEP === 0) yield;
      const v = byKey.get(k)!;
      sessions.push({ caseIndex, analysis: v.entry.analysis, a: v.entry.a, alsoIn: v.also, story: makeStory(v.entry.a, v.also, opts.allLadders === true, !c.context.stores.empty) });
    }
    const findings: Finding[] = [];
    for (const an of c.analyses) findings.push(...assessCapture(an, c.context).map(toFinding));
    // X9: negotiation errors in a box's log that no captured handshake accounts for (the capture
    // missed them, or they happened outside its time window).
    const matched = new Set(sessions.flatMap((x) => x.a.logs.map((l) => l.event)));
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
      const ends = sessions.flatMap((x) => [x.a.client, x.a.server].filter((e) => e.box?.id === box.id));
      if (ends.length === 0) continue;
      const roles = new Set(ends.map((e) => e.role));
      if (roles.size !== 1) continue;
      const role = [...roles][0]!;
      const unused = role === 'client' ? 'server' : 'client';
      const list = unused === 'server' ? box.stores.server : box.stores.client;
      if (list.length === 0) continue;
      const frames = sessions.filter((x) => x.a.client.box?.id === box.id || x.a.server.box?.id === box.id).flatMap((x) => (x.a.helloFrames.client !== undefined ? [x.a.helloFrames.client] : []));
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
    entries.push({ c, sessions, findings: sortFindings(findings) });
  }

  const stories = entries.flatMap((e) => e.sessions.map((s) => s.story));
  const findings = entries.flatMap((e) => [...e.sessions.flatMap((s) => s.story.findings), ...e.findings]);
  const title = opts.title ?? 'ekuscope report';
  let doc: Doc | undefined;
  let json: unknown;
  return {
    title,
    stories,
    findings,
    get doc(): Doc {
      doc ??= buildDoc(title, entries, opts.storiesAbove === true);
      return doc;
    },
    get json(): unknown {
      json ??= buildJson(entries, opts);
      return json;
    },
    jsonParts: () => (json !== undefined ? wholeParts(json as Record<string, unknown>) : undefined) ?? jsonParts(entries, opts),
  };
}

/** One session told on its own, as soon as it is built (`report --follow`): its story, its section of the document, its JSON. */
export interface SessionTold {
  readonly story: SessionStory;
  /** The section the whole report gives it (never grouped with sessions alike: those are not known yet). */
  readonly section: Block;
  /** The session as the JSON model's `sessions[]` has it. */
  json(caseName: string): unknown;
}

/**
 * Tells one session of a capture still being read. `an` needs its source, pool and the capture's first
 * timestamp (validity is judged at the capture's time); case-wide findings wait for the whole case.
 */
export function explainSession(an: Analysis, s: Session, context: ExpresswayContext, cache: RuleCache, opts: ExplainOptions = {}): SessionTold {
  const a = assessSession(an, s, context, cache);
  const entry: SessionEntry = { caseIndex: 0, analysis: an, a, alsoIn: [], story: makeStory(a, [], opts.allLadders === true, !context.stores.empty) };
  return { story: entry.story, section: sessionSection(entry), json: (caseName) => sessionJson(entry, caseName) };
}

/** The document without its sessions' sections: the summary, inputs and case-wide notes (after `--follow` told each session). */
export function withoutSessionSections(doc: Doc): Doc {
  const strip = (blocks: readonly Block[]): Block[] =>
    blocks.filter((b) => !(b.kind === 'section' && SECTION_SOURCE in b)).map((b) => (b.kind === 'section' && b.id !== undefined && b.id !== 'summary' ? { ...b, blocks: strip(b.blocks) } : b));
  return { ...doc, blocks: strip(doc.blocks) };
}

/**
 * A model already built, split as jsonParts gives it: `model` with an empty `sessions`, and its
 * sessions; undefined for a model without sessions (check-store's).
 */
export function wholeParts(model: Record<string, unknown>): { readonly model: Readonly<Record<string, unknown>>; sessions(): Iterable<unknown> } | undefined {
  const sessions = model['sessions'];
  return Array.isArray(sessions) ? { model: { ...model, sessions: [] }, sessions: () => sessions as unknown[] } : undefined;
}

function outcomeCell(st: SessionStory): Inline[] {
  const sev = storySeverity(st.outcome);
  const word = st.outcome === 'ok' ? 'ok' : st.outcome === 'failed' ? 'FAILED' : st.outcome === 'warning' ? 'warning' : 'unknown';
  return [{ kind: 'severity', severity: sev }, ` ${word}: ${st.outcomeText}`];
}

const OUTCOME_WORD: Record<StoryOutcome, string> = { ok: 'ok', failed: 'FAILED', warning: 'warning', unknown: 'not visible' };

function storySeverity(o: StoryOutcome): Severity {
  return o === 'ok' ? 'ok' : o === 'failed' ? 'error' : o === 'warning' ? 'warning' : 'info';
}

/** A summary line's mark: the worse of the outcome's and the worst finding's (an ERROR finding is never shown as a warning). */
export function lineSeverity(st: SessionStory): Severity {
  let sev = storySeverity(st.outcome);
  for (const f of st.findings) if ((f.severity === 'error' || f.severity === 'warning') && SEVERITY_ORDER[f.severity] < SEVERITY_ORDER[sev]) sev = f.severity;
  return sev;
}

/** The word after the mark: the outcome's, or "ERROR" when an error finding stands over a handshake that did not fail. */
function lineWord(st: SessionStory): string {
  return st.outcome !== 'failed' && lineSeverity(st) === 'error' ? 'ERROR' : OUTCOME_WORD[st.outcome];
}

/** The one finding that says most: the first error, else the first warning, else the key ok fact. */
function conclusion(e: SessionEntry): string {
  const fs = e.story.findings;
  const errors = fs.filter((f) => f.severity === 'error');
  // Prefer the certificate's reason over the bare rejection when both are errors.
  // A broken store rule (X1) is the root of what the certificate then lacks.
  const cause = errors.find((f) => f.code === 'store-mismatch') ?? errors.find((f) => /lacks|does not allow|restricts|expired|trusted CA list/.test(f.title));
  const top = errors.length > 1 && cause ? cause : (errors[0] ?? fs.find((f) => f.severity === 'warning'));
  if (top) return `${top.title} [${top.rule}]`;
  const ok = fs.find((f) => f.code === 'client-cert-has-clientauth') ?? fs.find((f) => f.code === 'server-cert-has-serverauth');
  return ok ? ok.title : '';
}

function boxKv(b: ExpresswayBox): [string, Inline[]] {
  const parts: string[] = [];
  parts.push(b.edition === 'expressway' ? 'Expressway (edition not stated in the inputs)' : `${editionText(b.edition)}${b.editionBasis ? ` (${b.editionBasis})` : ''}`);
  parts.push(b.addresses.length ? `addresses ${b.addresses.join(', ')}${b.addressBasis === 'option' ? ' (--expressway)' : ''}` : 'no address known');
  if (b.version) parts.push(`software ${b.version}`);
  if (b.checking) parts.push(`SIP TLS EKU checking ${b.checking.mode}${b.checking.defaulted ? ' (not in xconf: default On, X4)' : ' (xconf, X4)'}`);
  const st = b.stores;
  if (st) {
    const leaf = (l: readonly { cert: CertInfo; file: string }[]) => (l[0] ? `${certName(l[0].cert)}, serial ${serialText(l[0].cert)}, ${ekuText(l[0].cert)} (${l[0].file})` : 'none');
    parts.push(`client store: ${leaf(st.client)}`);
    parts.push(`server store: ${leaf(st.server)}`);
    parts.push(`trusted CAs: ${st.ca.length}`);
  }
  return [b.name, [parts.join('; ')]];
}

/** The id of a session's section: its case, capture and TCP stream (stream ids repeat across captures). */
function sessionAnchor(s: SessionEntry): string {
  return `session-${s.caseIndex}-${s.a.session.id}-${s.analysis.source}`;
}

/** What a session's section is told from. */
type ToldSession = Pick<SessionEntry, 'a' | 'alsoIn' | 'story'>;
const SECTION_SOURCE = Symbol('section source');
const SECTION_ALIKE = Symbol('sessions alike');
function sessionSectionBlocks(this: { readonly [SECTION_SOURCE]: ToldSession; readonly [SECTION_ALIKE]: readonly SessionEntry[] }): Block[] {
  const s = this[SECTION_SOURCE];
  const alike = this[SECTION_ALIKE];
  const st = s.story;
  const b: Block[] = [{ kind: 'paragraph', content: [{ kind: 'severity', severity: lineSeverity(st) }, ' ', { kind: 'strong', text: st.headline }] }];
  if (alike.length) {
    const n = alike.length;
    b.push({
      kind: 'paragraph',
      content: [
        `${n.toLocaleString('en-US')} more session${n === 1 ? '' : 's'} went the same way (the same ends but for the client's port, the same certificates, the same outcome and findings), so ${n === 1 ? 'it is' : 'they are'} not told again: ${sessionList(alike, s)}. Every frame number below is this session's.`,
      ],
    });
  }
  b.push({ kind: 'list', items: st.sentences });
  const fs = st.findings.filter((f) => f.severity !== 'ok' || f.code === 'client-cert-has-clientauth' || f.code === 'server-cert-has-serverauth' || f.code === 'store-as-expected');
  if (fs.length) b.push({ kind: 'section', title: 'Findings', blocks: [{ kind: 'findings', findings: fs }] });
  const ladder = st.ladder;
  if (ladder.length) b.push({ kind: 'ladder', left: s.a.client.short, right: s.a.server.short, steps: ladder });
  b.push(...st.blocks);
  return b;
}
const SECTION_BLOCKS: PropertyDescriptor = Object.freeze({ enumerable: true, configurable: true, get: sessionSectionBlocks });

/** A session's section of the document, its content made when read (a renderer reads it once, as it writes it). */
function sessionSection(s: ToldSession, alike: readonly SessionEntry[] = [], id = 'session'): Block {
  const more = alike.length ? ` (and ${alike.length.toLocaleString('en-US')} more alike)` : '';
  const section = { kind: 'section' as const, id, title: `Session #${s.a.session.id} in ${s.a.source}: ${endpointText(s.a.client.endpoint)} → ${endpointText(s.a.server.endpoint)}${more}` };
  Object.defineProperty(section, SECTION_SOURCE, { value: s });
  Object.defineProperty(section, SECTION_ALIKE, { value: alike });
  return Object.defineProperty(section, 'blocks', SECTION_BLOCKS) as unknown as Block;
}

/**
 * What makes two sessions of a case the same story to a reader: the summary line (`what`: ends
 * without the client port, service, version, outcome and its conclusion), the findings, the
 * certificates each side presented and the SNI. A client retrying every few seconds gives hundreds.
 */
function alikeKey(s: SessionEntry, what: readonly Inline[]): string {
  const x = s.a.session;
  return JSON.stringify([
    what,
    s.story.headline,
    s.story.findings.map((f) => `${f.severity}:${f.code}:${f.title}`),
    x.serverCertificates.map((r) => r.id),
    x.clientCertificates.map((r) => r.id),
    x.clientCertificateEmpty,
    x.sni ?? null,
  ]);
}

/** A session that tells its group's story, and the sessions that went the same way. */
interface SessionGroup {
  readonly lead: SessionEntry;
  readonly what: Inline[];
  readonly alike: SessionEntry[];
}

/** Sessions grouped by alikeKey, in order of their first session; never across cases. */
function groupAlike(entries: readonly CaseEntry[]): Map<CaseEntry, SessionGroup[]> {
  const out = new Map<CaseEntry, SessionGroup[]>();
  for (const e of entries) {
    const groups: SessionGroup[] = [];
    const byKey = new Map<string, SessionGroup>();
    for (const s of e.sessions) {
      const a = s.a;
      const src = e.c.dedupe === false && e.c.analyses.length > 1 ? `[${a.source}] ` : '';
      const why = conclusion(s);
      const line = `${src}${a.client.short} → ${a.server.short}:${a.server.endpoint.port}${s.story.service && a.service.service ? `, ${s.story.service}` : ''}, ${a.versionText}: `;
      const what: Inline[] = [{ kind: 'severity', severity: lineSeverity(s.story) }, ` ${line}`, { kind: 'strong', text: lineWord(s.story) }, ` (${a.outcome.text})${why ? `. ${why}` : ''}`];
      const key = alikeKey(s, what);
      const known = byKey.get(key);
      if (known) {
        known.alike.push(s);
        continue;
      }
      const g: SessionGroup = { lead: s, what, alike: [] };
      byKey.set(key, g);
      groups.push(g);
    }
    out.set(e, groups);
  }
  return out;
}

/**
 * "#1 (frame 12), #2 (frame 30) … #399 (frame 9012)": the first ten and the last three when there
 * are more. A session in another capture file than `lead`'s is named with its file: session ids and
 * frame numbers belong to one file.
 */
function sessionList(list: readonly SessionEntry[], lead: Pick<SessionEntry, 'a'>): string {
  const one = (s: SessionEntry) => `#${s.a.session.id}${s.a.source !== lead.a.source ? ` in ${s.a.source}` : ''} (frame ${s.a.helloFrames.client ?? s.a.session.connection.firstFrame})`;
  if (list.length <= 13) return list.map(one).join(', ');
  return `${list.slice(0, 10).map(one).join(', ')} … ${list.slice(-3).map(one).join(', ')}`;
}

function buildDoc(title: string, entries: readonly CaseEntry[], storiesAbove: boolean): Doc {
  const blocks: Block[] = [];
  const all = entries.flatMap((e) => e.sessions);
  const failed = all.filter((s) => s.story.outcome === 'failed').length;
  const ok = all.filter((s) => s.story.outcome === 'ok').length;
  const multi = entries.length > 1;
  const grouped = groupAlike(entries);
  const summaryRows: Inline[][][] = entries.flatMap((e) =>
    grouped.get(e)!.map((g) => {
      const more = g.alike.length;
      const what: Inline[] = more ? [...g.what, `. The same in ${more.toLocaleString('en-US')} more session${more === 1 ? '' : 's'}: ${sessionList(g.alike, g.lead)}.`] : g.what;
      const ref: Inline[] = [{ kind: 'link', text: `#${g.lead.a.session.id}`, to: sessionAnchor(g.lead) }];
      return multi ? [[e.c.name], ref, what] : [ref, what];
    }),
  );
  const summary: Block[] = [
    {
      kind: 'paragraph',
      content: [
        `${multi ? `${entries.length} cases, ` : ''}${all.length} TLS session(s): ${ok} fine, ${failed} failed, ${all.length - ok - failed} with warnings or not fully visible. Each line ${storiesAbove ? 'was explained above, as its session came' : 'is explained further on'}, every sentence with the frames that show it. ✔ fine, ✖ failed, ▲ warning, ℹ not fully visible; [E2], [T6], [X4]… name the rule a conclusion rests on (E: certificates and EKU, T: the TLS handshake, C: what the capture can show, X: Expressway).`,
      ],
    },
  ];
  if (all.length) summary.push({ kind: 'table', columns: multi ? ['case', 'session', 'what happened'] : ['session', 'what happened'], rows: summaryRows });
  blocks.push({ kind: 'section', title: 'Summary', id: 'summary', blocks: summary });

  for (const e of entries) {
    const caseBlocks: Block[] = [];
    const kv: [string, Inline[]][] = [['inputs', [e.c.inputs.join(', ') || 'none']]];
    for (const b of e.c.context.boxes) kv.push(boxKv(b));
    if (e.c.context.boxes.length === 0) kv.push(['Expressway', ['none known: a plain TLS explanation (give a bundle, or --expressway IP[=NAME], for store and checking-mode rules)']]);
    caseBlocks.push({ kind: 'kv', pairs: kv });
    if (e.sessions.length === 0) {
      const nonTls = e.c.analyses.reduce((n, a) => n + a.connections.length, 0);
      const full = e.c.analyses.some((an) => an.stats.connectionsOverLimit !== undefined);
      caseBlocks.push({ kind: 'paragraph', content: [`No TLS handshake was found (${full ? 'more than ' : ''}${nonTls.toLocaleString('en-US')} TCP connection(s) in the capture${e.c.analyses.length > 1 ? 's' : ''}).`] });
    }
    for (const g of grouped.get(e)!) caseBlocks.push(sessionSection(g.lead, g.alike, sessionAnchor(g.lead)));
    if (e.findings.length || e.c.notes.length || e.c.context.notes.length) {
      const nb: Block[] = [];
      if (e.findings.length) nb.push({ kind: 'findings', findings: e.findings });
      const notes = [...e.c.notes, ...e.c.context.notes];
      if (notes.length) nb.push({ kind: 'list', items: notes.map((n) => [n]) });
      caseBlocks.push({ kind: 'section', title: 'Stores, configuration and capture notes', blocks: nb });
    }
    if (multi) blocks.push({ kind: 'section', title: `Case ${e.c.name}`, id: e.c.name, blocks: caseBlocks });
    else {
      blocks.push({ kind: 'section', title: 'Inputs and Expressway boxes', blocks: caseBlocks.slice(0, 1) });
      // One section per story, hundreds of thousands in a large capture: never as call arguments.
      for (let i = 1; i < caseBlocks.length; i++) blocks.push(caseBlocks[i]!);
    }
  }
  return { title: entries.length === 1 ? `${title}: ${entries[0]!.c.name}` : title, blocks };
}

// ---------------------------------------------------------------------------------------------
// JSON model (schema/report.schema.json).

/** The store entry to show for certificate `index` of a presented chain: the store check's for the leaf, else the first exact match. */
function storeEntryFor(p: PresentedAssessment | undefined, index: number) {
  const st = index === 0 ? p?.store : undefined;
  const match = st && (st.kind === 'as-expected' || st.kind === 'other-store') ? st.entry : undefined;
  const exact = p?.certMatches[index]?.filter((m) => !m.bytesDiffer) ?? [];
  // The sender's own store first, then the verifier's: the same CA is often in both boxes' lists.
  return match ?? (exact.find((m) => m.entry.box === p?.boxes.presenter) ?? exact.find((m) => m.entry.box === p?.boxes.verifier) ?? exact[0])?.entry;
}

function certJson(c: CertInfo, frame: number, index: number, p: PresentedAssessment | undefined) {
  const m = storeEntryFor(p, index);
  return {
    frame,
    index,
    serial: c.serialDisplay ?? c.serial ?? null,
    subject: c.subject?.rfc4514 ?? null,
    issuer: c.issuer?.rfc4514 ?? null,
    eku: c.eku ? (c.eku.present ? [...c.eku.names] : null) : null,
    keyUsage: c.keyUsage ? [...c.keyUsage.usages] : null,
    san: c.san ? [...c.san.dns, ...c.san.ip] : [],
    notBefore: c.validity?.notBeforeIso ?? null,
    notAfter: c.validity?.notAfterIso ?? null,
    sha256: c.sha256,
    store: m ? { box: m.box, store: m.role, file: m.file } : null,
    ...(c.error ? { error: c.error } : {}),
  };
}

function messageType(m: TlsMessage, tls13: boolean, suite: number | undefined): string {
  switch (m.kind) {
    case 'handshake':
      return handshakeTypeName(m.type);
    case 'change-cipher-spec':
      return 'ChangeCipherSpec';
    case 'alert':
      return m.encrypted ? 'EncryptedAlert' : 'Alert';
    case 'encrypted-handshake':
      return tls13 ? 'EncryptedRecord' : isNullCipher(suite) ? 'Finished' : 'EncryptedHandshake';
    case 'application-data':
      return 'ApplicationData';
    default:
      return 'Record';
  }
}

function endJson(e: EndAssessment) {
  return {
    ip: e.endpoint.ip,
    port: e.endpoint.port,
    box: e.box ? e.box.name : null,
    edition: e.box ? e.box.edition : null,
    identifiedBy: e.box ? (e.boxBasis ?? 'address') : null,
    peerHint: e.peerName ?? null,
  };
}

type SessionJson = ReturnType<typeof sessionJson>;

function sessionJson(e: SessionEntry, caseName: string) {
  const a = e.a;
  const s = a.session;
  const role = (d: number) => (d === s.clientDir ? 'client' : 'server');
  const cr = s.certificateRequest;
  const certs = (p: PresentedAssessment | undefined, from: 'client' | 'server') => {
    const msg = s.certificateMessages.find((m) => m.from === from);
    if (!msg) return [];
    return msg.certificates.map((r, i) => {
      const c = e.analysis.pool.get(r.id)!;
      return certJson(c, msg.frame, i, p);
    });
  };
  const expressway = [a.client, a.server]
    .filter((x) => x.box)
    .map((x) => {
      const p = x.role === 'client' ? a.presented.client : a.presented.server;
      const st = p?.store;
      return {
        box: x.box!.name,
        edition: x.box!.edition,
        role: x.role,
        storeExpected: x.role,
        storePresented: st ? (st.kind === 'as-expected' ? st.expected : st.kind === 'other-store' ? st.entry.role : st.kind === 'not-in-store' ? 'none-of-its-stores' : 'unknown') : p ? 'unknown' : 'not-observed',
        storeFile: st && (st.kind === 'as-expected' || st.kind === 'other-store') ? st.entry.file : null,
        checkingMode: x.box!.checking ? x.box!.checking.mode : null,
        checkingModeDefaulted: x.box!.checking ? x.box!.checking.defaulted : null,
      };
    });
  return {
    case: caseName,
    source: a.source,
    id: s.id,
    client: endJson(a.client),
    server: endJson(a.server),
    service: a.service.service ? { id: a.service.service.id, name: a.service.service.name, basis: [...a.service.basis] } : null,
    serviceCandidates: a.service.candidates.map((c) => c.id),
    version: s.tls.version !== undefined ? versionName(s.tls.version) : null,
    cipherSuite: s.tls.cipherSuite !== undefined ? cipherSuiteInfo(s.tls.cipherSuite).name : null,
    sni: s.sni ?? null,
    decrypted: s.decrypted,
    // Where no hello showed the roles, `from` follows the guess that `roles` names (C2).
    roles: { basis: s.roleGuess ?? s.tls.roleSource ?? null, inferred: s.roleGuess !== undefined || (s.tls.roleSource !== undefined && s.tls.roleSource !== 'client-hello') },
    messages: s.tls.messages.map((m) => ({ type: messageType(m, s.tls.tls13, s.tls.cipherSuite), from: role(m.dir), frame: m.frame })),
    // Each FIN and RST once, with its real sender (C5).
    tcpEvents: closeEvents(s.connection.ends).map((e) => {
      const ep = e.from === 0 ? s.connection.a : s.connection.b;
      return { kind: e.kind, from: role(e.from), ip: ep.ip, port: ep.port, frame: e.frame };
    }),
    certificateRequest: cr
      ? {
          frame: cr.frame,
          certificateTypes: cr.certificateTypes.map(certificateTypeName),
          signatureAlgorithms: (cr.signatureAlgorithms ?? []).map(signatureSchemeName),
          caNames: cr.caNames.map((n) => n.text),
        }
      : null,
    serverCertificates: certs(a.presented.server, 'server'),
    clientCertificates: certs(a.presented.client, 'client'),
    clientCertificate: a.clientCert,
    alerts: s.alerts.map((al) => ({
      from: al.from,
      frame: al.frame,
      level: al.level !== undefined ? alertLevelName(al.level) : null,
      description: al.description !== undefined ? alertDescriptionName(al.description) : null,
      code: al.description ?? null,
      encrypted: al.encrypted,
    })),
    outcome: { status: a.outcome.status, text: a.outcome.text, inferred: a.outcome.inferred, frames: [...a.outcome.frames], rejected: a.outcome.rejected ?? null },
    expressway,
    alsoCapturedIn: e.alsoIn.map((o) => o.source),
    story: e.story.sentences.map((sn) => ({
      text: sn.map((i) => (typeof i === 'string' ? i : i.kind === 'frames' ? '' : i.kind === 'severity' ? '' : i.text)).join('').trim(),
      frames: sn.flatMap((i) => (typeof i !== 'string' && i.kind === 'frames' ? [...i.frames] : [])),
    })),
    findings: e.story.findings.map(findingJson),
  };
}

/**
 * The tunnels a case's captures came through (DOMAIN.md C7), when there were any: the outer
 * addresses are under `addresses`, so --redact replaces them as it does every capture address.
 */
function tunnelsJson(analyses: readonly Analysis[]) {
  const tunnels = analyses.flatMap((a) =>
    (a.stats.tunnels?.list ?? []).map((t) => ({ source: a.source, encapsulation: t.encapsulation, addresses: [t.src, t.dst], ...(t.id !== undefined && { id: t.id }), packets: t.packets, firstFrame: t.firstFrame })),
  );
  return tunnels.length > 0 ? { tunnels } : {};
}

function findingJson(f: Finding) {
  return {
    severity: f.severity,
    rule: f.rule,
    alsoRules: [...(f.alsoRules ?? [])],
    code: f.code,
    session: f.session ?? null,
    title: f.title,
    detail: f.detail,
    fix: f.fix ?? null,
    frames: [...f.frames],
  };
}

function boxJson(b: ExpresswayBox) {
  const leaf = (l: readonly { cert: CertInfo; file: string }[] | undefined) =>
    l && l[0] ? { file: l[0].file, serial: l[0].cert.serialDisplay ?? null, subject: l[0].cert.subject?.rfc4514 ?? null, eku: l[0].cert.eku?.present ? [...l[0].cert.eku.names] : null, sha256: l[0].cert.sha256 } : null;
  return {
    id: b.id,
    name: b.name,
    edition: b.edition,
    editionBasis: b.editionBasis ?? null,
    addresses: [...b.addresses],
    dnsNames: [...b.dnsNames],
    version: b.version ?? null,
    checkingMode: b.checking ? b.checking.mode : null,
    checkingModeDefaulted: b.checking ? b.checking.defaulted : null,
    clientStore: leaf(b.stores?.client),
    serverStore: leaf(b.stores?.server),
    trustedCas: b.stores ? b.stores.ca.map((e) => e.cert.subject?.rfc4514 ?? e.cert.sha256) : [],
  };
}

/** The JSON model's type, as schema/report.schema.json documents it. */
export type ReportJson = ReturnType<typeof buildJson>;

function buildJson(entries: readonly CaseEntry[], opts: ExplainOptions) {
  const parts = jsonParts(entries, opts);
  return { ...parts.model, sessions: [...parts.sessions()] };
}

/**
 * The model without its sessions, which `sessions()` makes one at a time: the summary and the
 * findings list come from the stories, not from the sessions' JSON.
 */
function jsonParts(entries: readonly CaseEntry[], opts: ExplainOptions) {
  const statuses = entries.flatMap((e) => e.sessions.map((s) => s.a.outcome.status));
  const caseFindings = entries.flatMap((e) => e.findings.map((f) => ({ case: e.c.name, ...findingJson(f) })));
  const all = [...entries.flatMap((e) => e.sessions.flatMap((s) => s.story.findings.map((f) => ({ case: e.c.name, ...findingJson(f) })))), ...caseFindings];
  const model = {
    schema: REPORT_SCHEMA_ID,
    schemaVersion: REPORT_SCHEMA_VERSION,
    generator: opts.generator ?? 'ekuscope',
    redacted: false,
    summary: {
      cases: entries.length,
      sessions: statuses.length,
      ok: statuses.filter((x) => x === 'ok').length,
      failed: statuses.filter((x) => x === 'failed').length,
      errors: all.filter((f) => f.severity === 'error').length,
      warnings: all.filter((f) => f.severity === 'warning').length,
    },
    cases: entries.map((e) => ({
      name: e.c.name,
      inputs: [...e.c.inputs],
      boxes: e.c.context.boxes.map(boxJson),
      notes: [...e.c.notes, ...e.c.context.notes],
      ...tunnelsJson(e.c.analyses),
      findings: e.findings.map(findingJson),
    })),
    sessions: [] as SessionJson[],
    findings: all,
  };
  return {
    model,
    *sessions(): Generator<SessionJson> {
      for (const e of entries) for (const s of e.sessions) yield sessionJson(s, e.c.name);
    },
  };
}
