/**
 * The facts of one session, computed once before any rule concludes: its ends, what each side
 * presented and needed, how the handshake ended, what became of the client certificate, the log
 * lines about it. The rules' checks read these (checks.ts); nothing here concludes a finding.
 */
import type { Analysis, CertificateMessageInfo, Session } from '../../analysis/index.js';
import { HandshakeType, cipherSuiteInfo, versionName, type KeyExchange, type TlsMessage } from '../../tls/index.js';
import type { CertInfo } from '../../x509/index.js';
import type { ExpresswayContext } from '../../expressway/context.js';
import type { ServiceNaming } from '../../expressway/services.js';
import { sessionEnds } from './ends.js';
import { logMatches } from './logs.js';
import { clientCertNeed, serverCertNeed, serverKuNeed } from './needs.js';
import { clientSpokeAfter, assessOutcome, serverFlightEnded } from './outcome.js';
import { assessPresented, captureTime, messageTime } from './presented.js';
import { tls13Outcome } from './tls13.js';
import type { EndAssessment, LogMatch, OutcomeAssessment, PresentedAssessment, RuleCache, SessionAssessment, Tls13Inference } from './types.js';

export interface AssessOptions {
  /** Time at which validity is judged, for tests; by default each certificate's own frame time (C1). */
  readonly at?: Date;
}

export interface SessionFacts {
  readonly a: Analysis;
  readonly s: Session;
  readonly ctx: ExpresswayContext;
  readonly client: EndAssessment;
  readonly server: EndAssessment;
  readonly service: ServiceNaming;
  /** The ClientHello (roles, T1) and ServerHello (version). */
  readonly chMsg?: TlsMessage;
  readonly shMsg?: TlsMessage;
  readonly serverMsg?: CertificateMessageInfo;
  readonly clientMsg?: CertificateMessageInfo;
  readonly tls13: boolean;
  readonly versionText: string;
  readonly suiteText?: string;
  readonly keyExchange?: KeyExchange;
  /** The server asked for a client certificate (a CertificateRequest, or its sign in TLS 1.3). */
  readonly requested: boolean;
  readonly presentedClient?: PresentedAssessment;
  readonly presentedServer?: PresentedAssessment;
  readonly outcome: OutcomeAssessment;
  readonly t13?: Tls13Inference;
  readonly clientCert: SessionAssessment['clientCert'];
  readonly logs: readonly LogMatch[];
}

export function sessionFacts(a: Analysis, s: Session, ctx: ExpresswayContext, cache: RuleCache, opts: AssessOptions = {}): SessionFacts {
  const { client, server, service } = sessionEnds(a, s, ctx, cache);
  const chMsg = s.tls.messages.find((m) => m.kind === 'handshake' && m.type === HandshakeType.ClientHello);
  const shMsg = s.tls.messages.find((m) => m.kind === 'handshake' && m.type === HandshakeType.ServerHello);
  const serverMsg = s.certificateMessages.find((m) => m.from === 'server');
  const clientMsg = s.certificateMessages.find((m) => m.from === 'client');
  const tls13 = s.tls.tls13 || s.tls.version === 0x0304;
  const versionText = s.tls.version !== undefined ? versionName(s.tls.version) : 'version not seen';
  const suite = s.tls.cipherSuite !== undefined ? cipherSuiteInfo(s.tls.cipherSuite) : undefined;
  const kx = s.tls.keyExchange ?? suite?.keyExchange;
  const requested = s.certificateRequest !== undefined || s.tls.certificateRequested;
  const cNeed = clientCertNeed(server, service, requested);
  const sKu = serverKuNeed(kx, tls13);
  // C1: validity is judged at the frame that carried each certificate (opts.at overrides, for tests).
  const at = (m: CertificateMessageInfo) => opts.at ?? messageTime(s, m.messageIndex) ?? captureTime(a);
  // What the other end presented in this connection: an issuer found there was seen, not missing.
  const sent = (m: CertificateMessageInfo | undefined) => (m ? m.certificates.map((r) => a.pool.get(r.id)).filter((c): c is CertInfo => c !== undefined) : []);
  const presentedServer =
    serverMsg && serverMsg.certificates.length > 0 ? assessPresented(a, ctx, cache, serverMsg, server, client, serverCertNeed(), sKu, at(serverMsg), sent(clientMsg)) : undefined;
  const presentedClient =
    clientMsg && clientMsg.certificates.length > 0 ? assessPresented(a, ctx, cache, clientMsg, client, server, cNeed, 'digitalSignature', at(clientMsg), sent(serverMsg)) : undefined;

  const outcome0 = assessOutcome(s, client, server, presentedClient, presentedServer);
  const { outcome, t13 } = tls13Outcome(s, ctx, client, cNeed, cache, presentedClient !== undefined, outcome0, tls13);
  return {
    a,
    s,
    ctx,
    client,
    server,
    service,
    ...(chMsg ? { chMsg } : {}),
    ...(shMsg ? { shMsg } : {}),
    ...(serverMsg ? { serverMsg } : {}),
    ...(clientMsg ? { clientMsg } : {}),
    tls13,
    versionText,
    ...(suite ? { suiteText: suite.name } : {}),
    ...(kx ? { keyExchange: kx } : {}),
    requested,
    ...(presentedClient ? { presentedClient } : {}),
    ...(presentedServer ? { presentedServer } : {}),
    outcome,
    ...(t13 ? { t13 } : {}),
    clientCert: clientCertState(s, clientMsg, presentedClient, requested, tls13),
    logs: logMatches(s, ctx),
  };
}

/** What happened to the client certificate (T3, C3, C4, T7). */
function clientCertState(s: Session, clientMsg: CertificateMessageInfo | undefined, presentedClient: PresentedAssessment | undefined, requested: boolean, tls13: boolean): SessionAssessment['clientCert'] {
  if (clientMsg?.truncated && clientMsg.certificates.length === 0) return 'truncated';
  if (presentedClient) return 'sent';
  if (clientMsg?.compressed?.error) return 'not-visible';
  if (s.clientCertificateEmpty) return 'empty';
  if (tls13 && !s.decrypted) return 'not-visible';
  if (requested) return clientSpokeAfter(s, s.certificateRequest?.frame) ? 'requested-not-sent' : 'not-captured';
  // C4: "not requested" only where the server's flight was seen to its end (its ServerHelloDone, or
  // anything after it); a capture that ends inside that flight does not show whether it asked.
  if (!tls13 && s.tls.outcome.kind === 'capture-ended' && !serverFlightEnded(s)) return 'not-captured';
  return 'not-requested';
}
