/** The two ends of a session: which box or named peer each is, and the service the ports suggest. */
import type { Analysis, Session } from '../../analysis/index.js';
import type { Endpoint } from '../../net/index.js';
import type { Role } from '../../tls/index.js';
import type { CertInfo } from '../../x509/index.js';
import { boxForAddress, boxTitle, type ExpresswayBox, type ExpresswayContext } from '../../expressway/context.js';
import { SERVICES, nameService, type PartyKind, type ServiceNaming } from '../../expressway/services.js';
import type { EndAssessment, RuleCache } from './types.js';
import { endpointText } from './words.js';

/**
 * nameService, memoised on what it depends on: the server port, the parties, and which of the
 * table's client source ranges the client port falls in (ephemeral ports differ per session).
 */
export function cachedService(cache: RuleCache, hint: Parameters<typeof nameService>[0]): ServiceNaming {
  const ranges = SERVICES.filter((d) => d.clientSourcePorts && hint.clientPort >= d.clientSourcePorts.from && hint.clientPort <= d.clientSourcePorts.to).map((d) => d.id).join(',');
  const k = `${hint.serverPort}|${hint.client}|${hint.server}|${hint.carriesTls}|${ranges}`;
  let r = cache.services.get(k);
  if (!r) {
    r = nameService(hint);
    cache.services.set(k, r);
  }
  return r;
}

// ---------------------------------------------------------------------------------------------
// Ends.

export function hintedPeer(endpoint: Endpoint, role: Role, service: ServiceNaming | undefined, serverLeaf: CertInfo | undefined): { name: string; basis: string } | undefined {
  if (role === 'server' && serverLeaf) {
    const names = [...(serverLeaf.san?.dns ?? []), serverLeaf.subject?.attributes.find((a) => a.shortName === 'CN')?.value ?? ''];
    if (names.some((n) => /(^|[.*-])(webex|wbx2)([.-]|$)/i.test(n))) return { name: 'Webex', basis: "a Webex name in the server certificate's subject or SAN" };
  }
  const id = service?.service?.id;
  if (role === 'server' && (id === 'mra-https-to-cucm' || id === 'sip-to-cucm')) return { name: 'CUCM', basis: `port ${endpoint.port} (services table: a hint, not proof)` };
  if (role === 'server' && id === 'webex-call') return { name: 'Webex', basis: `port ${endpoint.port} (services table: a hint, not proof)` };
  return undefined;
}

export function endLabel(endpoint: Endpoint, box: ExpresswayBox | undefined, peer: { name: string } | undefined): { label: string; short: string } {
  const ep = endpointText(endpoint);
  if (box) return { label: `${boxTitle(box)} (${ep})`, short: boxTitle(box) };
  const ip = endpoint.ip.includes(':') ? `[${endpoint.ip}]` : endpoint.ip;
  if (peer) return { label: `${peer.name} (${ep})`, short: `${peer.name} ${ip}` };
  return { label: ep, short: ip };
}

/**
 * The box whose client or server store holds `leaf`, for an end whose address is no known box's
 * (a box without addresses, another interface, a NAT, a cluster peer): a certificate in ANY store of
 * a box identifies it, the store the role calls for first (X1); which store it was is judged after.
 */
export function boxByCertificate(ctx: ExpresswayContext, leaf: CertInfo | undefined, role: Role): ExpresswayBox | undefined {
  if (!leaf) return undefined;
  const store = role === 'client' ? 'client' : 'server';
  const hits = ctx.stores.match(leaf).filter((m) => !m.bytesDiffer && m.entry.role !== 'ca');
  const m = hits.find((x) => x.entry.role === store) ?? hits[0];
  return m ? ctx.boxes.find((b) => b.id === m.entry.box) : undefined;
}

/** Which box or named peer each end of the session is, and the service its ports suggest (hints, never roles). */
export function sessionEnds(a: Analysis, s: Session, ctx: ExpresswayContext, cache: RuleCache): { readonly client: EndAssessment; readonly server: EndAssessment; readonly service: ServiceNaming } {
  const clientEp = s.client ?? s.connection.a;
  const serverEp = s.server ?? s.connection.b;
  const serverMsg = s.certificateMessages.find((m) => m.from === 'server');
  const clientMsg = s.certificateMessages.find((m) => m.from === 'client');
  const serverLeaf = serverMsg?.certificates[0] ? a.pool.get(serverMsg.certificates[0].id) : undefined;
  const clientLeaf = clientMsg?.certificates[0] ? a.pool.get(clientMsg.certificates[0].id) : undefined;

  let clientBox = boxForAddress(ctx, clientEp.ip);
  let serverBox = boxForAddress(ctx, serverEp.ip);
  let clientBasis: EndAssessment['boxBasis'] = clientBox ? 'address' : undefined;
  let serverBasis: EndAssessment['boxBasis'] = serverBox ? 'address' : undefined;
  if (!clientBox) {
    clientBox = boxByCertificate(ctx, clientLeaf, 'client');
    if (clientBox) clientBasis = 'certificate';
  }
  if (!serverBox) {
    serverBox = boxByCertificate(ctx, serverLeaf, 'server');
    if (serverBox) serverBasis = 'certificate';
  }
  const party = (b: ExpresswayBox | undefined): PartyKind => (b ? b.edition : 'unknown');
  const carries = s.tls.isTls;
  let service = cachedService(cache, { clientPort: clientEp.port, serverPort: serverEp.port, client: party(clientBox), server: party(serverBox), carriesTls: carries });
  const peerC = clientBox ? undefined : hintedPeer(clientEp, 'client', service, undefined);
  const peerS = serverBox ? undefined : hintedPeer(serverEp, 'server', service, serverLeaf);
  // A Webex name in the server certificate narrows port 5061 down to the Webex row (still a hint).
  if (peerS?.name === 'Webex' && !service.service) {
    const narrowed = cachedService(cache, { clientPort: clientEp.port, serverPort: serverEp.port, client: party(clientBox), server: 'webex', carriesTls: carries });
    if (narrowed.service) service = narrowed;
  }
  const mkEnd = (role: Role, ep: Endpoint, box: ExpresswayBox | undefined, basis: EndAssessment['boxBasis'], peer: { name: string; basis: string } | undefined): EndAssessment => ({
    role,
    endpoint: ep,
    ...(box ? { box } : {}),
    ...(basis ? { boxBasis: basis } : {}),
    ...(peer ? { peerName: peer.name, peerBasis: peer.basis } : {}),
    ...endLabel(ep, box, peer),
  });
  const client = mkEnd('client', clientEp, clientBox, clientBasis, peerC);
  const server = mkEnd('server', serverEp, serverBox, serverBasis, peerS);
  return { client, server, service };
}
