/**
 * The rule book's services table as data, and naming a TLS connection's service from its ports.
 *
 * Ports are hints for naming a service, never for deciding roles: which side was TLS client comes
 * from the handshake (T1) and is passed in. The store a side presents follows from its role (X1):
 * Expressway as TLS client presents its client-store certificate, as TLS server its server-store one.
 * The table is consulted only to name the service, to say what EKU each side needs, and, when a
 * side's identity is unknown, to say which store the service normally involves (marked as such).
 */

export type RuleId = 'X1' | 'X4' | 'X5' | 'X6' | 'X7' | 'X8' | 'X9' | 'E6' | 'T1' | 'T3';
export type StoreKind = 'client' | 'server';

export type ServiceId =
  | 'uc-traversal'
  | 'ssh-tunnels'
  | 'sip-to-cucm'
  | 'mra-https-to-cucm'
  | 'inbound-sip'
  | 'mra-clients'
  | 'webex-call'
  | 'webex-hybrid-inbound'
  | 'b2b-federation';

/** What a connection end is known to be. 'other' = known not to be any of the named kinds. */
export type PartyKind = 'expressway-c' | 'expressway-e' | 'expressway' | 'cucm' | 'webex' | 'device' | 'other' | 'unknown';

export interface EkuRequirement {
  readonly eku: 'clientAuth' | 'serverAuth';
  /** 'if-x4-on': the verifier is an Expressway and its SIP TLS EKU checking mode decides. */
  readonly when: 'always' | 'if-x4-on' | 'if-peer-checks' | 'if-requested';
  readonly text: string;
  readonly rules: readonly RuleId[];
}

export interface ServiceDefinition {
  readonly id: ServiceId;
  readonly name: string;
  /** Destination (TLS server) ports that suggest this service. */
  readonly serverPorts: readonly number[];
  /** Source port range the TLS client normally uses, when the table gives one. */
  readonly clientSourcePorts?: { readonly from: number; readonly to: number };
  /** The table's "destination port" column, for display. */
  readonly portText: string;
  /** Who is normally TLS client and TLS server ("Exp-C → Exp-E"), for display. */
  readonly directionText: string;
  /**
   * What each end may be. An edition ('expressway-c') admits that edition and Expressways of unknown
   * edition; 'expressway' admits any edition.
   */
  readonly clientParties: readonly PartyKind[];
  readonly serverParties: readonly PartyKind[];
  /** Which store each end presents when it is an Expressway (X1); absent = that end is not one. */
  readonly presents: { readonly tlsClient?: StoreKind; readonly tlsServer?: StoreKind };
  /** The table's "store Expressway presents" column, for display. */
  readonly storeText: string;
  readonly needs: { readonly tlsClient?: EkuRequirement; readonly tlsServer?: EkuRequirement };
  /** The table's "EKU its certificate needs" column, for display. */
  readonly ekuText: string;
  readonly rules: readonly RuleId[];
}

const EXP: readonly PartyKind[] = ['expressway-c', 'expressway-e', 'expressway'];
const serverAuth = (text = 'serverAuth (OpenSSL clients verify purpose "SSL server")'): EkuRequirement => ({
  eku: 'serverAuth',
  when: 'always',
  text,
  rules: ['E6'],
});

/** The rule book "Services, ports and which store is presented", row by row, in the table's order. */
export const SERVICES: readonly ServiceDefinition[] = Object.freeze([
  {
    id: 'uc-traversal',
    name: 'UC traversal zone (SIP)',
    serverPorts: [7001],
    clientSourcePorts: { from: 25000, to: 29999 },
    portText: 'Exp-E 7001 (C source 25000–29999)',
    directionText: 'Exp-C → Exp-E',
    clientParties: ['expressway-c'],
    serverParties: ['expressway-e'],
    presents: { tlsClient: 'client', tlsServer: 'server' },
    storeText: 'C: client, E: server',
    needs: {
      tlsClient: { eku: 'clientAuth', when: 'if-x4-on', text: "Expressway-C's client certificate needs clientAuth if Expressway-E checks (X4)", rules: ['X4', 'X7'] },
      tlsServer: serverAuth("Expressway-E's server certificate needs serverAuth"),
    },
    ekuText: 'C clientAuth if E checks (X4); E serverAuth',
    rules: ['X1', 'X4', 'X7'],
  },
  {
    id: 'ssh-tunnels',
    name: 'SSH tunnels',
    serverPorts: [2222],
    clientSourcePorts: { from: 30000, to: 35999 },
    portText: 'Exp-E 2222 (C source 30000–35999)',
    directionText: 'Exp-C → Exp-E',
    clientParties: ['expressway-c'],
    serverParties: ['expressway-e'],
    presents: { tlsClient: 'client', tlsServer: 'server' },
    storeText: 'C: client, E: server',
    needs: {
      tlsClient: { eku: 'clientAuth', when: 'always', text: "Expressway-C's client certificate needs clientAuth whatever the checking mode (X5)", rules: ['X5', 'X7'] },
      tlsServer: serverAuth("Expressway-E's server certificate needs serverAuth"),
    },
    ekuText: 'C clientAuth always (X5)',
    rules: ['X1', 'X5', 'X7'],
  },
  {
    id: 'sip-to-cucm',
    name: 'SIP to CUCM',
    serverPorts: [5061],
    portText: 'CUCM 5061',
    directionText: 'Exp-C → CUCM',
    clientParties: ['expressway-c'],
    serverParties: ['cucm', 'other'],
    presents: { tlsClient: 'client' },
    storeText: 'client',
    needs: {
      tlsClient: { eku: 'clientAuth', when: 'if-peer-checks', text: 'the client certificate needs clientAuth if CUCM verifies it', rules: ['X1'] },
      tlsServer: serverAuth(),
    },
    ekuText: 'clientAuth if CUCM verifies',
    rules: ['X1'],
  },
  {
    id: 'mra-https-to-cucm',
    name: 'MRA HTTPS to CUCM',
    serverPorts: [8443, 6971, 6972],
    portText: '8443, 6971/6972',
    directionText: 'Exp-C → CUCM',
    clientParties: ['expressway-c'],
    serverParties: ['cucm', 'other'],
    presents: { tlsClient: 'client' },
    storeText: 'client',
    needs: {
      tlsClient: { eku: 'clientAuth', when: 'if-requested', text: 'the client certificate needs clientAuth where CUCM requests one', rules: ['X1', 'T3'] },
      tlsServer: serverAuth(),
    },
    ekuText: 'clientAuth where CUCM requests it',
    rules: ['X1'],
  },
  {
    id: 'inbound-sip',
    name: 'neighbor / CUCM / CMS → Expressway',
    serverPorts: [5061],
    portText: 'Exp 5061',
    directionText: 'peer → Exp',
    clientParties: ['expressway', 'expressway-c', 'expressway-e', 'cucm', 'other'],
    serverParties: EXP,
    presents: { tlsServer: 'server' },
    storeText: 'server',
    needs: {
      tlsClient: { eku: 'clientAuth', when: 'if-x4-on', text: "the peer's certificate needs clientAuth if Expressway's checking mode is On (X4)", rules: ['X4', 'X8'] },
      tlsServer: serverAuth("Expressway's server certificate needs serverAuth"),
    },
    ekuText: "serverAuth; the peer's needs clientAuth if X4 On",
    rules: ['X1', 'X4', 'X8'],
  },
  {
    id: 'mra-clients',
    name: 'MRA clients, browsers → Exp-E',
    serverPorts: [443, 8443, 5061],
    portText: '443, 8443, 5061',
    directionText: 'device → Exp-E',
    clientParties: ['device', 'other'],
    serverParties: ['expressway-e'],
    presents: { tlsServer: 'server' },
    storeText: 'server',
    needs: { tlsServer: serverAuth("Expressway-E's server certificate needs serverAuth") },
    ekuText: 'serverAuth',
    rules: ['X1'],
  },
  {
    id: 'webex-call',
    name: 'Webex call',
    serverPorts: [5061],
    portText: 'Webex 5061',
    directionText: 'Exp-E → Webex',
    clientParties: ['expressway-e'],
    serverParties: ['webex', 'other'],
    presents: { tlsClient: 'client' },
    storeText: 'client',
    needs: {
      tlsClient: { eku: 'clientAuth', when: 'always', text: 'the client certificate needs clientAuth: Webex requests a certificate', rules: ['X1', 'X7'] },
      tlsServer: serverAuth(),
    },
    ekuText: 'clientAuth (Webex requests a certificate)',
    rules: ['X1', 'X7'],
  },
  {
    id: 'webex-hybrid-inbound',
    name: 'Webex Hybrid Call inbound',
    serverPorts: [5062],
    portText: 'Exp-E 5062',
    directionText: 'Webex → Exp-E',
    clientParties: ['webex', 'other'],
    serverParties: ['expressway-e'],
    presents: { tlsServer: 'server' },
    storeText: 'server',
    needs: { tlsServer: serverAuth("Expressway-E's server certificate needs serverAuth") },
    ekuText: 'serverAuth',
    rules: ['X1'],
  },
  {
    id: 'b2b-federation',
    name: 'B2B federation',
    serverPorts: [5061],
    portText: '5061',
    directionText: 'initiator → receiver',
    // Federation crosses the internet, so the Expressway end is an Edge (or a box of unknown edition).
    clientParties: ['expressway-e', 'expressway', 'other'],
    serverParties: ['expressway-e', 'expressway', 'other'],
    presents: { tlsClient: 'client', tlsServer: 'server' },
    storeText: 'out: client, in: server',
    needs: {
      tlsClient: { eku: 'clientAuth', when: 'if-peer-checks', text: "the initiator's certificate needs clientAuth if the receiver checks (X4 on an Expressway)", rules: ['X4'] },
      tlsServer: serverAuth(),
    },
    ekuText: 'initiator clientAuth if receiver checks',
    rules: ['X1', 'X4'],
  },
] satisfies ServiceDefinition[]);

export interface ServiceHint {
  /** The TLS client's port (the ClientHello sender's, T1), usually the ephemeral one. */
  readonly clientPort: number;
  /** The TLS server's port. */
  readonly serverPort: number;
  /** What the TLS client is, e.g. from xconf addresses or --expressway. */
  readonly client?: PartyKind;
  /** What the TLS server is. */
  readonly server?: PartyKind;
  /** Shorthand for server: 'expressway-e' when `server` is not given. */
  readonly serverIsExpresswayE?: boolean;
  /** Whether the connection's bytes were TLS (false: e.g. "SSH-2.0" on 2222, rule X5). */
  readonly carriesTls?: boolean;
}

export type StorePresented =
  /** 'role': the end is an Expressway and its TLS role is known (X1). 'service-table': assumed from the service. */
  | { readonly store: StoreKind; readonly basis: 'role' | 'service-table' }
  | { readonly store: 'none'; readonly basis: 'not-expressway' }
  | { readonly store: 'unknown' };

export interface ServiceNaming {
  /** The service, when one row fits better than the others; undefined when none or several tie. */
  readonly service?: ServiceDefinition;
  /** Every row the ports and parties allow, best first. */
  readonly candidates: readonly ServiceDefinition[];
  /** Why: plain words ("server port 7001", "client source port in 25000–29999"). */
  readonly basis: readonly string[];
  readonly tlsClientPresents: StorePresented;
  readonly tlsServerPresents: StorePresented;
  readonly tlsClientNeeds?: EkuRequirement;
  readonly tlsServerNeeds?: EkuRequirement;
  readonly rules: readonly RuleId[];
  readonly notes: readonly string[];
}

function isExpressway(p: PartyKind | undefined): boolean {
  return p === 'expressway' || p === 'expressway-c' || p === 'expressway-e';
}

function partyFits(hint: PartyKind | undefined, allowed: readonly PartyKind[]): boolean {
  if (hint === undefined || hint === 'unknown') return true;
  if (allowed.includes(hint)) return true;
  // A generic "an Expressway" fits any Expressway edition; a known edition fits a generic slot.
  if (hint === 'expressway') return allowed.some(isExpressway);
  if (isExpressway(hint)) return allowed.includes('expressway');
  return false;
}

function exactParty(hint: PartyKind | undefined, allowed: readonly PartyKind[]): boolean {
  return hint !== undefined && hint !== 'unknown' && hint !== 'other' && allowed.includes(hint);
}

function presented(hint: PartyKind | undefined, role: StoreKind, service: ServiceDefinition | undefined, side: 'tlsClient' | 'tlsServer'): StorePresented {
  if (isExpressway(hint)) return { store: role, basis: 'role' };
  if (hint !== undefined && hint !== 'unknown') return { store: 'none', basis: 'not-expressway' };
  const fromTable = service?.presents[side];
  // Only rows where this end is always an Expressway (traversal, SSH tunnels) let the table speak.
  const endAlwaysExpressway = service ? (side === 'tlsClient' ? service.clientParties : service.serverParties).every(isExpressway) : false;
  return fromTable && endAlwaysExpressway ? { store: fromTable, basis: 'service-table' } : { store: 'unknown' };
}

/**
 * Names the service of a TLS connection from its ports and what is known of its ends, and says which
 * store each Expressway end presents and what EKU each certificate needs.
 */
export function nameService(hint: ServiceHint): ServiceNaming {
  const client = hint.client;
  const server = hint.server ?? (hint.serverIsExpresswayE ? 'expressway-e' : undefined);
  const basis: string[] = [];
  const notes: string[] = [];
  const inRange = (d: ServiceDefinition): boolean =>
    d.clientSourcePorts !== undefined && hint.clientPort >= d.clientSourcePorts.from && hint.clientPort <= d.clientSourcePorts.to;

  const scored = SERVICES.filter((d) => d.serverPorts.includes(hint.serverPort) && partyFits(client, d.clientParties) && partyFits(server, d.serverParties))
    .map((d, order) => ({
      d,
      order,
      score: (inRange(d) ? 2 : 0) + (exactParty(client, d.clientParties) ? 1 : 0) + (exactParty(server, d.serverParties) ? 1 : 0),
    }))
    .sort((a, b) => b.score - a.score || a.order - b.order);
  const candidates = scored.map((s) => s.d);
  const top = scored[0];
  const tie = scored.length > 1 && scored[1]!.score === top?.score;
  const service = top && !tie ? top.d : undefined;

  if (candidates.length === 0) {
    notes.push(`server port ${hint.serverPort} is not in the services table: the service is not named`);
  } else {
    basis.push(`server port ${hint.serverPort}`);
    if (service && inRange(service)) basis.push(`client source port in ${service.clientSourcePorts!.from}–${service.clientSourcePorts!.to}`);
    if (tie) notes.push(`port ${hint.serverPort} fits ${candidates.length} services; knowing which end is an Expressway (and which edition) would tell them apart`);
  }
  if (service?.id === 'ssh-tunnels') {
    if (hint.carriesTls === false) notes.push('port 2222 carried SSH, not TLS: no certificate is visible in this connection (X5)');
    else if (hint.carriesTls === undefined) notes.push("what port 2222 carries is uncertain: decide from the bytes (TLS record or 'SSH-2.0'), not the port (X5)");
  }
  const rules = new Set<RuleId>(['T1', 'X1', ...(service?.rules ?? [])]);
  const tlsClientNeeds = service?.needs.tlsClient;
  const tlsServerNeeds = service?.needs.tlsServer;
  for (const r of [...(tlsClientNeeds?.rules ?? []), ...(tlsServerNeeds?.rules ?? [])]) rules.add(r);
  return {
    ...(service ? { service } : {}),
    candidates,
    basis,
    tlsClientPresents: presented(client, 'client', service, 'tlsClient'),
    tlsServerPresents: presented(server, 'server', service, 'tlsServer'),
    ...(tlsClientNeeds ? { tlsClientNeeds } : {}),
    ...(tlsServerNeeds ? { tlsServerNeeds } : {}),
    rules: [...rules],
    notes,
  };
}
