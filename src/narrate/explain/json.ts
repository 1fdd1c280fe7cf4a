/** The versioned JSON model of a report (schema/report.schema.json). */
import type { Analysis } from '../../analysis/index.js';
import { closeEvents } from '../../net/index.js';
import {
  alertDescriptionName,
  alertLevelName,
  certificateTypeName,
  cipherSuiteInfo,
  handshakeTypeName,
  isNullCipher,
  signatureSchemeName,
  versionName,
  type TlsMessage,
} from '../../tls/index.js';
import type { CertInfo } from '../../x509/index.js';
import type { EndAssessment, ExpresswayBox, PresentedAssessment } from '../../expressway/index.js';
import type { Finding } from '../doc.js';
import type { CaseEntry, ExplainOptions, ReportCase, SessionEntry } from './common.js';

export const REPORT_SCHEMA_VERSION = 1;
export const REPORT_SCHEMA_ID = 'ekuscope.report/1';

/**
 * A model already built, split as jsonParts gives it: `model` with an empty `sessions`, and its
 * sessions; undefined for a model without sessions (check-store's).
 */
export function wholeParts(model: Record<string, unknown>): { readonly model: Readonly<Record<string, unknown>>; sessions(): Iterable<unknown> } | undefined {
  const sessions = model['sessions'];
  return Array.isArray(sessions) ? { model: { ...model, sessions: [] }, sessions: () => sessions as unknown[] } : undefined;
}

/** The store entry to show for certificate `index` of a presented chain: the store check's for the leaf, else the first exact match. */
export function storeEntryFor(p: PresentedAssessment | undefined, index: number) {
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

export function sessionJson(e: SessionEntry, caseName: string) {
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
 * The tunnels a case's captures came through (rule C7), when there were any: the outer
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

export function buildJson(entries: readonly CaseEntry[], opts: ExplainOptions) {
  const parts = jsonParts(entries, opts);
  return { ...parts.model, sessions: [...parts.sessions()] };
}

/**
 * The model without its sessions, which `sessions()` makes one at a time: the summary and the
 * findings list come from the stories, not from the sessions' JSON.
 */
export function jsonParts(entries: readonly CaseEntry[], opts: ExplainOptions) {
  const statuses = entries.flatMap((e) => e.sessions.map((s) => s.a.outcome.status));
  const caseFindings = entries.flatMap((e) => e.findings.map((f) => caseFindingJson(e.c.name, f)));
  const all = [...entries.flatMap((e) => e.sessions.flatMap((s) => s.story.findings.map((f) => caseFindingJson(e.c.name, f)))), ...caseFindings];
  const summary = {
    sessions: statuses.length,
    ok: statuses.filter((x) => x === 'ok').length,
    failed: statuses.filter((x) => x === 'failed').length,
    errors: all.filter((f) => f.severity === 'error').length,
    warnings: all.filter((f) => f.severity === 'warning').length,
  };
  return {
    model: reportModel(entries, summary, all, opts),
    *sessions(): Generator<SessionJson> {
      for (const e of entries) for (const s of e.sessions) yield sessionJson(s, e.c.name);
    },
  };
}

/** A finding as the JSON model's `findings` lists it, with the name of its case. */
export function caseFindingJson(caseName: string, f: Finding) {
  return { case: caseName, ...findingJson(f) };
}

/** The counts of the JSON model's `summary` but for the number of cases. */
export interface ReportCounts {
  readonly sessions: number;
  readonly ok: number;
  readonly failed: number;
  readonly errors: number;
  readonly warnings: number;
}

/** The JSON model without its sessions (`sessions` empty): its summary, cases and `findings` as given. */
export function reportModel(cases: readonly { readonly c: ReportCase; readonly findings: readonly Finding[] }[], counts: ReportCounts, findings: readonly ReturnType<typeof caseFindingJson>[], opts: ExplainOptions) {
  return {
    schema: REPORT_SCHEMA_ID,
    schemaVersion: REPORT_SCHEMA_VERSION,
    generator: opts.generator ?? 'ekuscope',
    redacted: false,
    summary: { cases: cases.length, ...counts },
    cases: cases.map((e) => ({
      name: e.c.name,
      inputs: [...e.c.inputs],
      boxes: e.c.context.boxes.map(boxJson),
      notes: [...e.c.notes, ...e.c.context.notes],
      ...tunnelsJson(e.c.analyses),
      findings: e.findings.map(findingJson),
    })),
    sessions: [] as SessionJson[],
    findings,
  };
}
