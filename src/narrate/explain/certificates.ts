/** A story's certificates: what each side presented, from which Expressway store (X1), fit for which purpose (E rules). */
import { certName, certSummary, ekuText, storeRoleText, type EndAssessment, type PresentedAssessment, type SessionAssessment } from '../../expressway/index.js';
import type { Inline } from '../doc.js';
import { byFrames } from './common.js';

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

function presentedSentence(p: PresentedAssessment, end: EndAssessment, verb: string): string {
  const leaf = p.leaf;
  const more = p.certs.length > 1 ? ` with ${p.certs.length - 1} CA certificate(s): ${p.certs.slice(1).map((c) => certName(c)).join('; ')}` : ' without any CA certificate';
  const dec = p.message.decrypted ? ' (decrypted with the key log)' : '';
  return `${end.short} ${verb} ${leaf ? certSummary(leaf) : 'a certificate'}${more}${dec}.`;
}

/** The server's certificate: what it was, which store it came from (X1), whether it fits its purpose (E rules). */
export function serverCertificateSentences(a: SessionAssessment): Inline[][] {
  const out: Inline[][] = [];
  const ps = a.presented.server;
  if (ps) {
    out.push(byFrames(presentedSentence(ps, a.server, 'presented'), [ps.message.frame]));
    const st = storeSentence(ps, a.server);
    if (st) out.push(byFrames(st, [ps.message.frame]));
    const v = verdictSentence(ps, a.server);
    if (v) out.push(byFrames(v, [ps.message.frame]));
  }
  return out;
}

/** The client's answer to a CertificateRequest: its certificate, an empty one (T3), or what the capture does not show (C4). */
export function clientCertificateSentences(a: SessionAssessment): Inline[][] {
  const s = a.session;
  const out: Inline[][] = [];
  const pc = a.presented.client;
  const clientMsg = s.certificateMessages.find((m) => m.from === 'client');
  if (pc) {
    out.push(byFrames(presentedSentence(pc, a.client, 'answered with'), [pc.message.frame]));
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
  return out;
}
