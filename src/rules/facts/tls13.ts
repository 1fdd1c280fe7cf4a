/** TLS 1.3 (T7): a handshake read with a key log, or the outcome inferred from record sizes without one. */
import type { Session } from '../../analysis/index.js';
import { HandshakeType, alertDescriptionName, type TlsMessage } from '../../tls/index.js';
import type { ExpresswayContext } from '../../expressway/context.js';
import { cachedChain, cachedPurpose } from './presented.js';
import type { EndAssessment, Need, OutcomeAssessment, RuleCache, Tls13Inference } from './types.js';

// ---------------------------------------------------------------------------------------------
// TLS 1.3 without keys (T7).

/** Largest protected record body that is still an alert: 2 bytes + content type + a 16-byte tag, some padding. */
export const ALERT_RECORD_MAX = 40;
const CERTIFICATE_RECORD_MIN = 600;

/**
 * A TLS 1.3 handshake read with a key log: both Finished messages decrypted means it completed, as
 * observed; what follows them says whether an alert (decrypted, or still encrypted) came after.
 * Undefined when either Finished stayed encrypted or a fatal alert followed (the alert path tells that).
 */
function decryptedCompletion(s: Session): OutcomeAssessment | undefined {
  if (!s.decrypted || s.clientDir === undefined) return undefined;
  const fin = (client: boolean) => s.tls.messages.find((m) => m.kind === 'handshake' && m.type === HandshakeType.Finished && m.decrypted === true && (m.dir === s.clientDir) === client);
  const cf = fin(true);
  const sf = fin(false);
  if (!cf || !sf) return undefined;
  const last = Math.max(cf.index, sf.index);
  const after = s.alerts.filter((al) => al.messageIndex > last);
  if (after.some((al) => !al.encrypted && al.level === 2)) return undefined;
  const enc = after.filter((al) => al.encrypted);
  const warn = after.filter((al) => !al.encrypted);
  const tail =
    after.length === 0
      ? 'and no alert followed under the application keys'
      : enc.length > 0
        ? `; ${enc.length} alert record(s) after it stayed encrypted (frame${enc.length > 1 ? 's' : ''} ${enc.map((al) => al.frame).join(', ')}): their codes are not in the key log's reach (C6)`
        : `and only warning alerts followed (${[...new Set(warn.map((al) => alertDescriptionName(al.description ?? -1)))].join(', ')})`;
  return {
    status: 'ok',
    text: 'handshake completed (Finished decrypted with the key log)',
    frames: [sf.frame, cf.frame],
    inferred: false,
    explanation: [`Both sides sent their Finished, read with the key log (server frame ${sf.frame}, client frame ${cf.frame}): the handshake completed, ${tail}.`.replace(', ;', ';')],
  };
}

export function tls13Inference(s: Session, ctx: ExpresswayContext, client: EndAssessment, need: Need, cache: RuleCache, clientCertSeen = false): Tls13Inference {
  const cd = s.clientDir;
  const prot = s.tls.messages.filter((m): m is Extract<TlsMessage, { kind: 'application-data' | 'encrypted-handshake' | 'heartbeat' }> => m.kind === 'application-data' || m.kind === 'encrypted-handshake');
  const fromClient = prot.filter((m) => m.dir === cd);
  const fromServer = prot.filter((m) => m.dir !== cd);
  // The client's first flight: its protected records before the server sends anything after them.
  const firstClient = fromClient[0];
  const flight: typeof fromClient = [];
  if (firstClient) {
    for (const m of prot) {
      if (m.index < firstClient.index) continue;
      if (m.dir !== cd) break;
      flight.push(m);
    }
  }
  const lastFlight = flight[flight.length - 1];
  const serverAfter = lastFlight ? fromServer.filter((m) => m.index > lastFlight.index).map((m) => ({ frame: m.frame, length: m.length })) : [];
  const clientAfter = lastFlight ? fromClient.filter((m) => m.index > lastFlight.index).map((m) => ({ frame: m.frame, length: m.length })) : [];
  let verdict: Tls13Inference['verdict'] = 'unknown';
  const serverBig = serverAfter.some((r) => r.length > ALERT_RECORD_MAX);
  const clientBig = clientAfter.some((r) => r.length > ALERT_RECORD_MAX);
  const endedByServer = s.tls.outcome.kind === 'tls13' && s.tls.outcome.end?.by === 'server';
  if (serverBig && clientBig) verdict = 'completed';
  else if (lastFlight && !serverBig && serverAfter.length <= 1 && !clientBig && endedByServer) verdict = 'likely-rejected';
  else if (serverBig || clientBig) verdict = 'completed';
  // A client that half-closed before the server's flight and sent nothing after it never sent its
  // Finished: the server's records alone (early data answered) do not make a completed handshake.
  const clientFin = s.connection.ends[cd ?? 0];
  const firstServer = fromServer[0];
  if (verdict === 'completed' && clientAfter.length === 0 && clientFin?.reason === 'fin' && firstServer && clientFin.frame < firstServer.frame) verdict = 'unknown';
  const clientCertificateLikely = (flight[0]?.length ?? 0) >= CERTIFICATE_RECORD_MIN && flight.length >= 3;
  let inferredClientCert: Tls13Inference['inferredClientCert'];
  const box = client.box;
  // The store rule's inference only stands in for a client Certificate that was not seen.
  const entry = clientCertSeen ? undefined : box?.stores?.client[0];
  if (entry && !entry.cert.error) {
    const chain = cachedChain(cache, entry.cert, [], ctx.stores.trusted(), 'all');
    inferredClientCert = { entry, purpose: cachedPurpose(cache, chain.chain, 'sslClient', 'digitalSignature'), need };
  }
  return {
    clientFlightFrames: [...new Set(flight.map((m) => m.frame))],
    clientFlightRecords: flight.map((m) => m.length),
    clientCertificateLikely,
    serverAfter,
    clientAfter,
    verdict,
    ...(inferredClientCert ? { inferredClientCert } : {}),
  };
}

/**
 * The outcome of a TLS 1.3 session: observed where the key log decrypted both Finished messages,
 * otherwise inferred from record sizes (T7) where the handshake's end is encrypted or unknown.
 */
export function tls13Outcome(
  s: Session,
  ctx: ExpresswayContext,
  client: EndAssessment,
  need: Need,
  cache: RuleCache,
  clientCertSeen: boolean,
  outcome0: OutcomeAssessment,
  tls13: boolean,
): { readonly outcome: OutcomeAssessment; readonly t13?: Tls13Inference } {
  // With keys, completion is observed from the decrypted Finished messages (T7 does not apply).
  const observed13 = tls13 && s.tls.outcome.kind === 'tls13' ? decryptedCompletion(s) : undefined;
  if (observed13) return { outcome: observed13 };
  if (!(s.tls.outcome.kind === 'tls13' || (tls13 && !s.decrypted && outcome0.status === 'unknown'))) return { outcome: outcome0 };
  const t13 = tls13Inference(s, ctx, client, need, cache, clientCertSeen);
  return { outcome: inferredOutcome(s, t13, outcome0), t13 };
}

function inferredOutcome(s: Session, t13: Tls13Inference, outcome0: OutcomeAssessment): OutcomeAssessment {
  const endF = s.tls.outcome.kind === 'tls13' && s.tls.outcome.end ? [s.tls.outcome.end.frame] : [];
  // What a half-close told (a FIN, then the peer went on) stays in the story.
  const halfClose = outcome0.status === 'unknown' && (s.tls.outcome.kind === 'closed' || s.tls.outcome.kind === 'reset') ? outcome0.explanation : [];
  if (t13.verdict === 'completed') {
    const both = t13.serverAfter.some((r) => r.length > ALERT_RECORD_MAX) && t13.clientAfter.some((r) => r.length > ALERT_RECORD_MAX);
    return {
      status: 'ok',
      text: 'completed, inferred from record sizes',
      frames: [...t13.serverAfter.slice(0, 1).map((r) => r.frame), ...t13.clientAfter.slice(0, 1).map((r) => r.frame)],
      inferred: true,
      explanation: [
        ...halfClose,
        both
          ? `After the client's encrypted flight both sides sent records larger than an alert: the handshake most likely completed (inferred from record sizes, T7).`
          : `After the client's encrypted flight the ${t13.serverAfter.some((r) => r.length > ALERT_RECORD_MAX) ? 'server' : 'client'} sent records larger than an alert: the handshake most likely completed (inferred from record sizes, T7).`,
      ],
    };
  } else if (t13.verdict === 'likely-rejected') {
    const last = t13.serverAfter[0];
    return {
      status: 'failed',
      text: 'likely rejected, inferred: one alert-sized record from the server, then it closed',
      frames: [...(last ? [last.frame] : []), ...endF],
      inferred: true,
      rejected: 'client',
      explanation: [
        `After the client's encrypted flight${t13.clientFlightFrames.length ? ` (frame ${t13.clientFlightFrames.join(', ')})` : ''}, the server sent ${last ? `one ${last.length}-byte record (frame ${last.frame}), the size of an encrypted alert,` : 'nothing'} and closed the connection${endF.length ? ` (frame ${endF[0]})` : ''}: most likely it rejected the client's certificate. Inferred from record sizes: the alert itself is encrypted (T7).`,
      ],
    };
  } else {
    return {
      ...outcome0,
      status: 'unknown',
      text: 'TLS 1.3: outcome not visible without keys',
      inferred: true,
      explanation: [...halfClose, 'With TLS 1.3 the end of the handshake is encrypted; without a key log its outcome cannot be seen (T7).'],
    };
  }
}
