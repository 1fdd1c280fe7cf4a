/** How a handshake ended and what that end says (T3–T8, C2, C4, C5): the outcome facts the rules read. */
import type { Session } from '../../analysis/index.js';
import { closeEvents } from '../../net/index.js';
import { HandshakeType, type Role } from '../../tls/index.js';
import { alertDescriptionName } from '../../tls/index.js';
import { flightText, msgAt } from './messages.js';
import type { EndAssessment, OutcomeAssessment, PresentedAssessment } from './types.js';
import { alertText, certName, endpointText } from './words.js';

type TlsOutcome = Session['tls']['outcome'];

/**
 * A generic alert (42, 46) over a chain whose EKU and Key Usage pass this tool's own check (E1/E2,
 * E5, E7, E8): purpose is ruled out, and the likely cause is trust.
 */
function purposeRuledOut(p: PresentedAssessment): string {
  const leaf = p.leaf;
  const eku = leaf?.eku?.present ? `has ${p.need.eku}` : 'has no EKU extension (any purpose, E1)';
  const top = p.chain?.chain[p.chain.chain.length - 1];
  const issuer = top && top !== leaf ? certName(top) : leaf?.issuer?.rfc4514;
  const ku = leaf?.keyUsage ? 'a Key Usage that fits' : 'no Key Usage restriction';
  return `The ${p.from} certificate ${eku} and ${ku}, and no CA above it restricts that, by this tool's check of the chain (E5, E7): purpose is ruled out. The likely cause is trust: the verifier does not know ${issuer ? `the issuer, ${issuer}` : 'its issuer'}.`;
}

/** T5: what an alert code tells about a rejected certificate, with the confidence the rules allow. */
export function alertMeaning(desc: number, rejectedRole: Role | undefined): { text: string; purpose: 'strong' | 'possible' | 'no'; trust: boolean } {
  const whose = rejectedRole === 'client' ? 'the client certificate' : rejectedRole === 'server' ? 'the server certificate' : 'a certificate';
  switch (desc) {
    case 43:
      return { text: `Alert 43 (unsupported_certificate) points strongly at a purpose (EKU or Key Usage) failure of ${whose}: OpenSSL maps "unsupported certificate purpose" to it (T5)`, purpose: 'strong', trust: false };
    case 42:
      return rejectedRole === 'server'
        ? { text: `Alert 42 (bad_certificate) is generic: a client sends it for any server certificate it cannot accept (an unknown issuer, a wrong purpose, a bad signature), T5`, purpose: 'possible', trust: false }
        : { text: `Alert 42 (bad_certificate) is generic; Go answers it on an EKU failure, so a missing EKU is possible but not shown (T5)`, purpose: 'possible', trust: false };
    case 46:
      return rejectedRole === 'server'
        ? { text: `Alert 46 (certificate_unknown) is generic: a client (Java above all) sends it for any server certificate it cannot accept, most often one whose issuer it does not trust (T5)`, purpose: 'possible', trust: false }
        : { text: `Alert 46 (certificate_unknown) is generic; Java answers it on an EKU failure ("Extended key usage does not permit use for TLS client authentication"), so EKU is possible but not shown (T5)`, purpose: 'possible', trust: false };
    case 48:
      return { text: `Alert 48 (unknown_ca) is about trust: the verifier could not build a chain to a CA it trusts. It is not an EKU failure (T5)`, purpose: 'no', trust: true };
    case 45:
      return { text: 'Alert 45 (certificate_expired): a certificate in the chain is outside its validity period', purpose: 'no', trust: false };
    case 44:
      return { text: 'Alert 44 (certificate_revoked): the verifier found the certificate revoked', purpose: 'no', trust: false };
    case 40:
      return {
        text: 'Alert 40 (handshake_failure) is generic: no common parameters, or (TLS 1.2, newer stacks) a client certificate was required and none was sent (T5)',
        purpose: 'no',
        trust: false,
      };
    case 116:
      return { text: 'Alert 116 (certificate_required): the server required a client certificate and got none (TLS 1.3, T5)', purpose: 'no', trust: false };
    case 49:
      return { text: 'Alert 49 (access_denied): the certificate was valid but the peer refused access (policy, or a name/identity check)', purpose: 'no', trust: false };
    case 51:
      return { text: 'Alert 51 (decrypt_error): a signature (CertificateVerify or ServerKeyExchange) did not verify', purpose: 'no', trust: false };
    case 70:
      return { text: 'Alert 70 (protocol_version): no TLS version in common', purpose: 'no', trust: false };
    default:
      return { text: `Alert ${desc} (${alertDescriptionName(desc)}) says nothing specific about a certificate`, purpose: 'no', trust: false };
  }
}

export function assessOutcome(s: Session, client: EndAssessment, server: EndAssessment, presentedClient: PresentedAssessment | undefined, presentedServer: PresentedAssessment | undefined): OutcomeAssessment {
  const o = s.tls.outcome;
  const cName = client.short;
  const sName = server.short;
  switch (o.kind) {
    case 'completed':
      return { status: 'ok', text: 'handshake completed', frames: [o.frame], inferred: false, explanation: [`Both sides sent their Finished: the handshake completed.`] };
    case 'resumed':
      return {
        status: 'ok',
        text: `resumed session (${o.how})`,
        frames: [o.frame],
        inferred: false,
        explanation: [`The handshake resumed an earlier session (${o.how === 'ticket' ? 'session ticket' : o.how === 'psk' ? 'PSK' : 'session ID'}): no certificates are exchanged in a resumed handshake (T7).`],
      };
    case 'alert':
      return alertOutcome(s, o, cName, sName, presentedClient, presentedServer);
    case 'closed':
    case 'reset':
      return closeOutcome(s, o, cName, sName, presentedClient, presentedServer);
    case 'capture-ended':
      return {
        status: 'unknown',
        text: 'the capture ended before the handshake did',
        frames: o.frame ? [o.frame] : [],
        inferred: false,
        explanation: [`The capture of this connection ends (its last TLS message is in frame ${o.frame}) before the handshake completed: what came next is not in the capture (C4).`],
      };
    case 'tls13':
      return { status: 'unknown', text: 'TLS 1.3: the end of the handshake is encrypted', frames: o.end ? [o.end.frame] : [], inferred: true, explanation: [] };
    case 'no-handshake':
      return noHandshakeOutcome(s, cName, sName);
    case 'in-progress':
      return { status: 'unknown', text: 'handshake still in progress when the capture ended', frames: [], inferred: false, explanation: [] };
    case 'not-tls':
      return { status: 'unknown', text: 'not TLS', frames: [], inferred: false, explanation: [] };
  }
}

/** An alert ended the handshake: who sent it after what, whose certificate it refused (T6) and what its code says (T5). */
function alertOutcome(s: Session, o: Extract<TlsOutcome, { kind: 'alert' }>, cName: string, sName: string, presentedClient: PresentedAssessment | undefined, presentedServer: PresentedAssessment | undefined): OutcomeAssessment {
  const clientCertMsg = s.certificateMessages.find((m) => m.from === 'client');
  const al = o.alert;
  const info = s.alerts.find((x) => x.messageIndex === al.index) ?? s.alerts.find((x) => x.frame === al.frame);
  const byName = al.by === 'client' ? cName : al.by === 'server' ? sName : 'one side';
  const after = al.after?.index !== undefined ? msgAt(s, al.after.index) : undefined;
  const afterText = after ? flightText(s, after, after.dir === s.clientDir ? cName : sName) : 'the previous message';
  if (al.encrypted) {
    return {
      status: 'failed',
      text: `encrypted alert from the TLS ${al.by === 'unknown' ? 'peer' : al.by} during the handshake`,
      frames: [al.frame],
      inferred: false,
      ...(info ? { alert: info } : {}),
      rejected: al.by === 'server' && clientCertMsg ? 'client' : undefined,
      explanation: [
        `${byName} sent an encrypted alert (${al.length} bytes) in frame ${al.frame}, after ${afterText}, before the handshake completed. Its code cannot be read after ChangeCipherSpec; only its timing is known (T6).`,
      ],
    };
  }
  const desc = al.description;
  const fatal = al.level === 2;
  // T6: direction and position decide whose certificate was refused.
  let rejected: Role | undefined;
  // T3: an empty client Certificate sent nothing to reject; the server refused for want of one.
  const noneSent = al.by === 'server' && clientCertMsg !== undefined && clientCertMsg.empty && (after === undefined || after.index >= clientCertMsg.messageIndex);
  if (noneSent) rejected = undefined;
  else if (al.by === 'server' && clientCertMsg && (after === undefined || after.index >= clientCertMsg.messageIndex)) rejected = 'client';
  else if (al.by === 'client' && presentedServer && !clientCertMsg) rejected = 'server';
  else if (al.by === 'client' && presentedServer && clientCertMsg === undefined) rejected = 'server';
  const meaning = desc !== undefined ? alertMeaning(desc, rejected) : undefined;
  const expl: string[] = [];
  // A TLS 1.3 alert (or one after ChangeCipherSpec) read with the key log says so: observed, decrypted.
  const aText = alertText(desc, al.level);
  const aSaid = `${aText}${info?.decrypted ? ' (decrypted with the key log)' : ''}`;
  if (noneSent) {
    expl.push(
      `${sName} (the TLS server) answered with a ${aSaid} in frame ${al.frame}, right after ${afterText}. ${cName}'s Certificate message was empty, so there was no client certificate to reject: the server refused the handshake because none came (T3${desc === 40 || desc === 116 ? ', T5' : ''}).`,
    );
  } else if (rejected === 'client') {
    expl.push(`${sName} (the TLS server) answered with a ${aSaid} in frame ${al.frame}, right after ${afterText}: the server rejected the client certificate (T6).`);
  } else if (rejected === 'server') {
    expl.push(`${cName} (the TLS client) sent a ${aSaid} in frame ${al.frame}, after ${afterText}: the client rejected the server certificate (T6).`);
  } else {
    expl.push(`${byName} sent a ${aSaid} in frame ${al.frame}, after ${afterText}.`);
  }
  if (meaning && !noneSent) expl.push(meaning.text[0]!.toUpperCase() + meaning.text.slice(1) + '.');
  const p = rejected === 'client' ? presentedClient : rejected === 'server' ? presentedServer : undefined;
  if (p && meaning) {
    if (meaning.purpose === 'strong' && p.ok === false) expl.push(`That is consistent with what the certificate lacks (see the EKU finding): the cause is the certificate's purpose.`);
    else if (meaning.purpose === 'strong' && p.ok === true)
      expl.push(`The EKU and Key Usage of the presented chain look right to the rules here, so the peer's own policy (or a CA EKU not visible in the capture) is the likely reason; the alert alone cannot say more.`);
    else if (meaning.purpose === 'possible' && p.ok === false) expl.push(`Given that the certificate lacks the EKU it needs, an EKU rejection is likely.`);
    else if (meaning.purpose === 'possible' && p.ok === true) expl.push(purposeRuledOut(p));
    else if (meaning.trust && p.ok === true) expl.push(`The certificate has the EKU it needs, so EKU is not the cause.`);
    const caKu = p.purpose?.verdicts.openssl.reasons.find((r) => r.fails && r.rule === 'E7' && r.certIndex > 0);
    if (meaning.trust && caKu) expl.push(`A CA certificate in its chain cannot sign certificates (${caKu.text}, E7): OpenSSL treats such a CA as unusable, and a chain through it cannot be trusted.`);
  }
  return {
    status: fatal || desc === 0 ? (desc === 0 ? 'warning' : 'failed') : 'warning',
    text: `${aText} from the TLS ${al.by === 'unknown' ? 'peer' : al.by}${noneSent ? ': no client certificate was sent' : ''}`,
    frames: [al.frame],
    inferred: false,
    ...(info ? { alert: info } : {}),
    ...(rejected ? { rejected } : {}),
    explanation: expl,
  };
}

/** A FIN or RST ended the handshake: a likely silent rejection (T8), a half-close (C5), or no reason in the capture. */
function closeOutcome(s: Session, o: Extract<TlsOutcome, { kind: 'closed' | 'reset' }>, cName: string, sName: string, presentedClient: PresentedAssessment | undefined, presentedServer: PresentedAssessment | undefined): OutcomeAssessment {
  const end = o.end;
  const by = end.by === 'client' ? cName : end.by === 'server' ? sName : 'one side';
  const how = o.kind === 'reset' ? 'reset the connection (RST)' : 'closed the connection (FIN)';
  const sr = s.tls.silentRejection;
  const afterMsg = end.after?.index !== undefined ? msgAt(s, end.after.index) : undefined;
  const afterText = afterMsg ? flightText(s, afterMsg, afterMsg.dir === s.clientDir ? cName : sName) : 'the last message';
  if (sr) {
    const rejected: Role = sr.by === 'server' ? 'client' : 'server';
    const p = rejected === 'client' ? presentedClient : presentedServer;
    const expl = [
      `${by} ${how} in frame ${end.frame}, right after ${afterText}, without an alert and before ${sr.by === 'server' ? 'its own Finished' : 'sending its key exchange'}: a likely rejection of the ${rejected} certificate, and the peer gave no reason (T8; a Node.js server does exactly this).`,
    ];
    if (p?.ok === false) expl.push(`Since that certificate lacks the EKU it needs (see the EKU finding), EKU is the probable reason.`);
    return { status: 'failed', text: `the TLS ${sr.by} closed without an alert: likely rejection`, frames: [end.frame], inferred: true, rejected, explanation: expl };
  }
  // A FIN ends only its sender's direction (C5): records the peer sent after it show the
  // connection went on (TLS 1.3 early data: the client's FIN, then the server's flight).
  const finDir = end.by === 'client' ? s.clientDir : end.by === 'server' && s.clientDir !== undefined ? 1 - s.clientDir : undefined;
  const later = o.kind === 'closed' && finDir !== undefined ? s.tls.messages.filter((m) => m.frame > end.frame && m.dir !== finDir) : [];
  if (later.length > 0) {
    const other = end.by === 'client' ? sName : cName;
    const frames = [...new Set(later.map((m) => m.frame))];
    return {
      status: 'unknown',
      text: `the TLS ${end.by} half-closed (FIN) and the TLS ${end.by === 'client' ? 'server' : 'client'} went on`,
      frames: [end.frame, frames[0]!],
      inferred: false,
      explanation: [
        `${by} closed its direction of the connection (FIN) in frame ${end.frame} after ${afterText}, but ${other} sent ${later.length} more record(s) after it (frame${frames.length > 1 ? 's' : ''} ${frames.slice(0, 6).join(', ')}${frames.length > 6 ? ', …' : ''}): a FIN ends only its sender's direction, so the handshake did not end there (C5).`,
      ],
    };
  }
  return {
    status: 'failed',
    text: `${end.by === 'unknown' ? 'a side' : `the TLS ${end.by}`} ${o.kind === 'reset' ? 'reset' : 'closed'} the connection before the handshake completed`,
    frames: [end.frame],
    inferred: false,
    explanation: [`${by} ${how} in frame ${end.frame} after ${afterText}, before the handshake completed, without an alert: the reason is not in the capture (T8).`],
  };
}

/**
 * Whether the capture shows what the TLS client sent after `frame` (a record, a FIN or a RST): only
 * then can it be said that the client did not send something there (C4).
 */
export function clientSpokeAfter(s: Session, frame: number | undefined): boolean {
  if (frame === undefined || s.clientDir === undefined) return false;
  const last = s.tls.lastFromClient?.frame;
  if (last !== undefined && last > frame) return true;
  return closeEvents(s.connection.ends).some((e) => e.from === s.clientDir && e.frame > frame);
}

/** The TLS server's first flight was seen to its end: its ServerHelloDone, or a record it sent after it (TLS ≤ 1.2). */
export function serverFlightEnded(s: Session): boolean {
  return s.tls.messages.some((m) => m.dir !== s.clientDir && ((m.kind === 'handshake' && m.type === HandshakeType.ServerHelloDone) || m.kind === 'change-cipher-spec'));
}

/** Why the side taken as TLS client was taken (C2), in words; '' when the handshake showed it. */
export function roleGuessText(s: Session): string {
  const c = s.client ?? s.connection.a;
  const v = s.server ?? s.connection.b;
  switch (s.roleGuess) {
    case 'syn':
      return `${endpointText(c)} is taken as TLS client because it sent the SYN: inferred, not observed`;
    case 'port':
      return `${endpointText(c)} is taken as TLS client because port ${v.port} is a usual TLS server port: inferred, not observed`;
    case 'first-speaker':
      return `${endpointText(c)} is taken as TLS client because it spoke first in the capture: inferred, not observed`;
    default:
      return '';
  }
}

/**
 * The capture began after the handshake (C2): an established connection. Its records and how it
 * ended (FIN, RST, each with its real sender, C5) are facts; the handshake and its outcome are not
 * in the capture, so nothing is said about them.
 */
function noHandshakeOutcome(s: Session, cName: string, sName: string): OutcomeAssessment {
  const first = s.tls.messages[0]?.frame ?? s.connection.firstFrame;
  const expl = [`TLS records flow from frame ${first}, but no handshake message was captured: the capture began after this connection's handshake, so how the handshake went is not in the capture (C2).`];
  const frames = [first];
  // Addresses and ports: with the roles a guess, the sender is named by what the frame shows (C5).
  const name = (d: number) => `${d === s.clientDir ? cName : sName} (${endpointText(d === 0 ? s.connection.a : s.connection.b)})`;
  for (const e of closeEvents(s.connection.ends)) {
    expl.push(`${name(e.from)} ${e.kind === 'rst' ? 'reset the established connection (RST)' : 'closed its side of the established connection (FIN)'} in frame ${e.frame}.`);
    frames.push(e.frame);
  }
  const rst = closeEvents(s.connection.ends).find((e) => e.kind === 'rst');
  return {
    status: 'unknown',
    text: rst ? `handshake not captured; the established connection was reset by ${name(rst.from)}` : 'handshake not captured (the capture began after it)',
    frames,
    inferred: false,
    explanation: expl,
  };
}
