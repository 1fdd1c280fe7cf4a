/**
 * The rule book of DOMAIN.md as code: from one analysed TLS session and the Expressway context to an
 * assessment (who was which box, which store it presented, what each certificate needed and had,
 * how the handshake ended and why) and findings that cite the rule they rest on.
 *
 * Everything here is a fact of the capture (with its frames) or of the bundle (with its file), or an
 * inference said to be one. Where DOMAIN.md marks behaviour as uncertain (X4 "Off" semantics, Java
 * and CA EKUs, SChannel's alert, what 2222 carries) the wording says "probably"/"inferred".
 *
 * Findings have the shape of narrate's Finding (this stage may not import narrate); text in them is
 * written here and may quote capture strings, which the renderers neutralise.
 */
import { statsNotes, type AlertInfo, type Analysis, type CertificateMessageInfo, type Session } from '../analysis/index.js';
import { toHex } from '../bytes/index.js';
import { closeEvents, type Endpoint } from '../net/index.js';
import {
  HandshakeType,
  alertDescriptionName,
  handshakeTypeName,
  certificateTypeName,
  cipherSuiteInfo,
  versionName,
  type KeyExchange,
  type Role,
  type TlsMessage,
} from '../tls/index.js';
import {
  buildChain,
  MAX_CHAIN_LENGTH,
  SignatureMemo,
  checkValidity,
  evaluatePurpose,
  verdictSummary,
  type CertInfo,
  type ChainResult,
  type KeyUsageNeed,
  type PurposeVerdict,
  type ValidityCheck,
  type VerifierFamily,
} from '../x509/index.js';
import { boxTitle, boxForAddress, type ExpresswayBox, type ExpresswayContext } from './context.js';
import type { TlsLogEvent } from './logs.js';
import { SERVICES, nameService, type PartyKind, type ServiceNaming } from './services.js';
import { storeRoleText, type BoxStores, type StoreEntry, type StoreMatch } from './stores.js';
import type { DomainRuleId } from '../rules/ids.js';

export type { FindingSeverity, RuleFinding } from '../rules/finding.js';
import type { FindingSeverity, RuleFinding } from '../rules/finding.js';

// ---------------------------------------------------------------------------------------------
// Small wording helpers (shared with the explainer).

export function endpointText(e: Endpoint): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

/** "serverAuth + clientAuth", "serverAuth only", "no EKU extension". */
export function ekuText(c: CertInfo): string {
  if (!c.eku) return 'EKU unreadable';
  if (!c.eku.present) return 'no EKU extension (any purpose, E1)';
  if (c.eku.names.length === 0) return 'an empty EKU';
  if (c.eku.names.length === 1) return `${c.eku.names[0]} only`;
  return c.eku.names.join(' + ');
}

export function certName(c: CertInfo): string {
  return c.subject?.rfc4514 || (c.error ? `an undecodable certificate (${c.sha256.slice(0, 16)}…)` : `certificate ${c.sha256.slice(0, 16)}…`);
}

export function serialText(c: CertInfo): string {
  return c.serialDisplay ?? c.serial ?? '?';
}

/** "CN=cluster.s.com, serial 03a1…, issued by CN=…, EKU serverAuth only" */
export function certSummary(c: CertInfo): string {
  if (c.error) return `an undecodable certificate (SHA-256 ${c.sha256.slice(0, 16)}…: ${c.error})`;
  const eku = c.eku?.present === false ? 'no EKU extension: any purpose, E1' : `EKU ${ekuText(c)}`;
  return `${certName(c)} (serial ${serialText(c)}, issued by ${c.issuer?.rfc4514 ?? '?'}, ${eku})`;
}

export function alertText(description: number | undefined, level?: number): string {
  if (description === undefined) return 'an alert';
  const lv = level === 2 ? 'fatal ' : level === 1 ? 'warning ' : '';
  return `${lv}alert ${description} ${alertDescriptionName(description)}`;
}

// ---------------------------------------------------------------------------------------------
// Assessment types.

export interface EndAssessment {
  readonly role: Role;
  readonly endpoint: Endpoint;
  readonly box?: ExpresswayBox;
  /** How the box was recognised: its xconf/--expressway address, or the certificate it presented. */
  readonly boxBasis?: 'address' | 'certificate';
  /** A peer named from hints ("Webex", "CUCM"): never a fact. */
  readonly peerName?: string;
  readonly peerBasis?: string;
  /** "Expressway-C vcs8c (10.106.80.16:25731)", "Webex? 163.129.37.33:5061", "10.106.80.38:6972". */
  readonly label: string;
  /** Short name: "Expressway-C vcs8c", "10.106.80.38". */
  readonly short: string;
}

export type NeedLevel = 'required' | 'if-checked' | 'not-checked';

export interface Need {
  readonly eku: 'clientAuth' | 'serverAuth';
  readonly level: NeedLevel;
  /** Plain words: why it is (or is not) needed. */
  readonly because: string;
  readonly rules: readonly DomainRuleId[];
}

export type StoreCheck =
  | { readonly kind: 'as-expected'; readonly expected: 'client' | 'server'; readonly entry: StoreEntry; readonly alsoIn: readonly StoreEntry[] }
  | { readonly kind: 'other-store'; readonly expected: 'client' | 'server'; readonly entry: StoreEntry }
  | { readonly kind: 'not-in-store'; readonly expected: 'client' | 'server'; readonly box: ExpresswayBox }
  | { readonly kind: 'no-store'; readonly expected: 'client' | 'server'; readonly box: ExpresswayBox }
  | { readonly kind: 'not-expressway'; readonly matches: readonly StoreMatch[] };

export interface PresentedAssessment {
  readonly from: Role;
  readonly message: CertificateMessageInfo;
  /** As sent, leaf first (undecodable ones included). */
  readonly certs: readonly CertInfo[];
  readonly leaf?: CertInfo;
  /** Store matches of the leaf. */
  readonly matches: readonly StoreMatch[];
  /** Store matches of every certificate sent, in order (CA certificates match trusted CA lists). */
  readonly certMatches: readonly (readonly StoreMatch[])[];
  /** Box ids of the sender and the verifier, to prefer their own stores when labelling. */
  readonly boxes: { readonly presenter?: string; readonly verifier?: string };
  readonly store: StoreCheck;
  readonly need: Need;
  readonly purpose?: PurposeVerdict;
  /** The path found above the leaf (presented certificates and every trusted CA list known). */
  readonly chain?: ChainResult;
  /** The path against the verifying box's own trusted CA list, when the verifier is a known box. */
  readonly trust?: { readonly box: ExpresswayBox; readonly chain: ChainResult };
  readonly validity?: ValidityCheck;
  /** The time validity is judged at: the timestamp of the frame that carried the certificate (C1). */
  readonly validityAt?: Date;
  /** That frame's clock is not believable (before 2000: a clock never set), so validity is not judged (C1). */
  readonly clockImplausible?: Date;
  readonly kuNeed?: KeyUsageNeed;
  /** OpenSSL's verdict (Expressway's stack, X9, and the most common verifier). */
  readonly ok?: boolean;
}

export type OutcomeStatus = 'ok' | 'failed' | 'warning' | 'unknown';

export interface OutcomeAssessment {
  readonly status: OutcomeStatus;
  /** Short: "handshake completed", "fatal alert 43 unsupported_certificate from the TLS server". */
  readonly text: string;
  readonly frames: readonly number[];
  readonly inferred: boolean;
  /** Whose certificate the peer most likely rejected. */
  readonly rejected?: Role;
  readonly alert?: AlertInfo;
  /** Sentences: what the end means and how sure the rules allow us to be. */
  readonly explanation: readonly string[];
}

export interface Tls13Inference {
  readonly clientFlightFrames: readonly number[];
  readonly clientFlightRecords: readonly number[];
  /** The client's first protected record is large enough to carry a certificate chain. */
  readonly clientCertificateLikely: boolean;
  readonly serverAfter: readonly { readonly frame: number; readonly length: number }[];
  readonly clientAfter: readonly { readonly frame: number; readonly length: number }[];
  readonly verdict: 'completed' | 'likely-rejected' | 'unknown';
  /** The client-store certificate the store rule says the client would present (X1), when known. */
  readonly inferredClientCert?: { readonly entry: StoreEntry; readonly purpose: PurposeVerdict; readonly need: Need };
}

export interface LogMatch {
  readonly box: ExpresswayBox;
  readonly event: TlsLogEvent;
  readonly roleAgrees: boolean;
}

export interface SessionAssessment {
  readonly session: Session;
  readonly source: string;
  readonly client: EndAssessment;
  readonly server: EndAssessment;
  readonly service: ServiceNaming;
  readonly versionText: string;
  readonly suiteText?: string;
  readonly keyExchange?: KeyExchange;
  readonly presented: { readonly client?: PresentedAssessment; readonly server?: PresentedAssessment };
  /** What happened to the client certificate. */
  /** 'not-captured': requested, but the capture shows nothing the client sent after the request (C4). */
  readonly clientCert: 'sent' | 'empty' | 'not-requested' | 'requested-not-sent' | 'not-captured' | 'not-visible' | 'truncated';
  readonly outcome: OutcomeAssessment;
  readonly tls13?: Tls13Inference;
  readonly logs: readonly LogMatch[];
  readonly findings: readonly RuleFinding[];
  /** Frames of the ClientHello (roles, T1) and ServerHello (version). */
  readonly helloFrames: { readonly client?: number; readonly server?: number };
}

/** Per-report memo: the same chain appears in every session of a long capture. Not module state. */
export class RuleCache {
  readonly chains = new Map<string, ChainResult>();
  readonly purposes = new Map<string, PurposeVerdict>();
  readonly services = new Map<string, ServiceNaming>();
  readonly signatures = new SignatureMemo(true);
}

/**
 * nameService, memoised on what it depends on: the server port, the parties, and which of the
 * table's client source ranges the client port falls in (ephemeral ports differ per session).
 */
function cachedService(cache: RuleCache, hint: Parameters<typeof nameService>[0]): ServiceNaming {
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

function hintedPeer(endpoint: Endpoint, role: Role, service: ServiceNaming | undefined, serverLeaf: CertInfo | undefined): { name: string; basis: string } | undefined {
  if (role === 'server' && serverLeaf) {
    const names = [...(serverLeaf.san?.dns ?? []), serverLeaf.subject?.attributes.find((a) => a.shortName === 'CN')?.value ?? ''];
    if (names.some((n) => /(^|[.*-])(webex|wbx2)([.-]|$)/i.test(n))) return { name: 'Webex', basis: "a Webex name in the server certificate's subject or SAN" };
  }
  const id = service?.service?.id;
  if (role === 'server' && (id === 'mra-https-to-cucm' || id === 'sip-to-cucm')) return { name: 'CUCM', basis: `port ${endpoint.port} (services table: a hint, not proof)` };
  if (role === 'server' && id === 'webex-call') return { name: 'Webex', basis: `port ${endpoint.port} (services table: a hint, not proof)` };
  return undefined;
}

function endLabel(endpoint: Endpoint, box: ExpresswayBox | undefined, peer: { name: string } | undefined): { label: string; short: string } {
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
function boxByCertificate(ctx: ExpresswayContext, leaf: CertInfo | undefined, role: Role): ExpresswayBox | undefined {
  if (!leaf) return undefined;
  const store = role === 'client' ? 'client' : 'server';
  const hits = ctx.stores.match(leaf).filter((m) => !m.bytesDiffer && m.entry.role !== 'ca');
  const m = hits.find((x) => x.entry.role === store) ?? hits[0];
  return m ? ctx.boxes.find((b) => b.id === m.entry.box) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Needs (E6, X4, X5, X7, T2).

function clientCertNeed(server: EndAssessment, service: ServiceNaming, requested: boolean): Need {
  // `because` reads after "it needs clientAuth because …" (or "…, but …" when not checked).
  const sid = service.service?.id;
  if (sid === 'ssh-tunnels') {
    return { eku: 'clientAuth', level: 'required', because: 'SSH tunnels to Expressway-E on 2222 need it whatever the checking mode (X5)', rules: ['X5', 'X7'] };
  }
  const box = server.box;
  if (box?.checking) {
    const mode = box.checking.mode;
    if (mode === 'Off')
      return {
        eku: 'clientAuth',
        level: 'not-checked',
        because: `${boxTitle(box)} has SIP TLS EKU checking Off in its xconf dump, which skips the clientAuth check (X4; DOMAIN.md marks the exact "Off" semantics as uncertain)`,
        rules: ['X4'],
      };
    if (mode === 'On')
      return {
        eku: 'clientAuth',
        level: 'required',
        because: `${boxTitle(box)} checks it (SIP TLS EKU checking ${box.checking.defaulted ? 'not in its xconf dump, so the default On' : 'On in its xconf dump'}, X4)`,
        rules: ['X4', 'E6'],
      };
    return { eku: 'clientAuth', level: 'if-checked', because: `${boxTitle(box)}'s checking mode could not be read from its xconf dump (X4)`, rules: ['X4'] };
  }
  if (sid === 'uc-traversal')
    return {
      eku: 'clientAuth',
      level: 'if-checked',
      because: 'Expressway-E checks it when its SIP TLS EKU checking is On, the default; its mode is not in the inputs (X4)',
      rules: ['X4', 'X7'],
    };
  if (sid === 'webex-call') return { eku: 'clientAuth', level: 'required', because: 'Webex requests a client certificate and checks clientAuth (services table, X7)', rules: ['X7'] };
  if (service.tlsClientNeeds?.when === 'if-requested' && requested)
    return {
      eku: 'clientAuth',
      level: 'required',
      because: `${server.peerName ?? 'the server'} requested a client certificate, and for ${service.service?.name ?? 'this service'} the services table says it then needs clientAuth`,
      rules: ['X1', 'T2'],
    };
  if (box) return { eku: 'clientAuth', level: 'if-checked', because: `${boxTitle(box)} checks clientAuth on inbound SIP TLS when its checking mode is On, the default; no xconf dump gives its mode (X4)`, rules: ['X4'] };
  return {
    eku: 'clientAuth',
    level: 'if-checked',
    because: requested
      ? 'the server requested a certificate, and whether it checks clientAuth is its own policy (T2); most stacks do (OpenSSL verifies a client for purpose "SSL client", E6)'
      : 'a server that verifies client certificates checks clientAuth in most stacks (E6)',
    rules: ['T2', 'E6'],
  };
}

function serverCertNeed(): Need {
  return { eku: 'serverAuth', level: 'required', because: 'a TLS client verifies the server certificate for purpose "SSL server" (E6)', rules: ['E6'] };
}

/** E8: which Key Usage the negotiated exchange needs of the server certificate. */
export function serverKuNeed(kx: KeyExchange | undefined, tls13: boolean): KeyUsageNeed | undefined {
  if (tls13 || kx === 'TLS13') return 'digitalSignature';
  switch (kx) {
    case 'RSA':
    case 'RSA_EXPORT':
    case 'RSA_PSK':
      return 'keyEncipherment';
    case 'ECDHE_RSA':
    case 'ECDHE_ECDSA':
    case 'DHE_RSA':
    case 'DHE_DSS':
      return 'digitalSignature';
    case 'ECDH_RSA':
    case 'ECDH_ECDSA':
    case 'DH_RSA':
    case 'DH_DSS':
      return 'keyAgreement';
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Presented chains.

function storeCheck(end: EndAssessment, matches: readonly StoreMatch[]): StoreCheck {
  if (!end.box) return { kind: 'not-expressway', matches };
  const expected = end.role === 'client' ? 'client' : 'server';
  const own = matches.filter((m) => m.entry.box === end.box!.id && !m.bytesDiffer);
  const hit = own.find((m) => m.entry.role === expected);
  if (hit) return { kind: 'as-expected', expected, entry: hit.entry, alsoIn: own.filter((m) => m !== hit && m.entry.role !== 'ca').map((m) => m.entry) };
  const other = own.find((m) => m.entry.role !== 'ca');
  if (other) return { kind: 'other-store', expected, entry: other.entry };
  const stores = end.box.stores;
  if (!stores || (stores.client.length === 0 && stores.server.length === 0)) return { kind: 'no-store', expected, box: end.box };
  return { kind: 'not-in-store', expected, box: end.box };
}

function chainKey(leaf: CertInfo, presented: readonly CertInfo[], trustKey: string, otherSide: readonly CertInfo[]): string {
  return `${leaf.sha256}|${presented.map((c) => c.sha256).join(',')}|${trustKey}|${otherSide.map((c) => c.sha256).join(',')}`;
}

function cachedChain(cache: RuleCache, leaf: CertInfo, presented: readonly CertInfo[], trusted: readonly CertInfo[], trustKey: string, otherSide: readonly CertInfo[] = []): ChainResult {
  const k = chainKey(leaf, presented, trustKey, otherSide);
  let r = cache.chains.get(k);
  if (!r) {
    r = buildChain(leaf, { presented, trusted, otherSide }, MAX_CHAIN_LENGTH, cache.signatures);
    cache.chains.set(k, r);
  }
  return r;
}

function cachedPurpose(cache: RuleCache, chain: readonly CertInfo[], purpose: 'sslClient' | 'sslServer', ku: KeyUsageNeed | undefined): PurposeVerdict {
  const k = `${chain.map((c) => c.sha256).join(',')}|${purpose}|${ku ?? ''}`;
  let r = cache.purposes.get(k);
  if (!r) {
    r = evaluatePurpose(chain, purpose, ku);
    cache.purposes.set(k, r);
  }
  return r;
}

function assessPresented(
  a: Analysis,
  ctx: ExpresswayContext,
  cache: RuleCache,
  msg: CertificateMessageInfo,
  end: EndAssessment,
  verifier: EndAssessment,
  need: Need,
  kuNeed: KeyUsageNeed | undefined,
  at: Date | undefined,
  otherSide: readonly CertInfo[] = [],
): PresentedAssessment {
  const certs = msg.certificates.map((r) => a.pool.get(r.id)!).filter((c): c is CertInfo => c !== undefined);
  const leaf = certs[0];
  const certMatches = certs.map((c) => ctx.stores.match(c));
  const matches = certMatches[0] ?? [];
  const store = storeCheck(end, matches);
  const boxes = { ...(end.box ? { presenter: end.box.id } : {}), ...(verifier.box ? { verifier: verifier.box.id } : {}) };
  if (!leaf || leaf.error) return { from: end.role, message: msg, certs, ...(leaf ? { leaf } : {}), matches, certMatches, boxes, store, need };
  const presented = certs.slice(1);
  const chain = cachedChain(cache, leaf, presented, ctx.stores.trusted(), 'all', otherSide);
  const trustStore = verifier.box ? ctx.stores.stores(verifier.box.id) : undefined;
  const trust =
    verifier.box && trustStore && trustStore.ca.length > 0
      ? { box: verifier.box, chain: cachedChain(cache, leaf, presented, ctx.stores.trusted(verifier.box.id), `box:${verifier.box.id}`) }
      : undefined;
  const purpose = cachedPurpose(cache, chain.chain, end.role === 'client' ? 'sslClient' : 'sslServer', kuNeed);
  // C1: a frame stamped before 2000 comes from a clock that was never set: no verdict on validity.
  const implausible = at !== undefined && at.getTime() < PLAUSIBLE_CLOCK_FROM;
  const validity = at && !implausible ? checkValidity(leaf, at) : undefined;
  return {
    from: end.role,
    message: msg,
    certs,
    leaf,
    matches,
    certMatches,
    boxes,
    store,
    need,
    purpose,
    chain,
    ...(trust ? { trust } : {}),
    ...(validity ? { validity, validityAt: at! } : {}),
    ...(implausible ? { clockImplausible: at } : {}),
    ...(kuNeed ? { kuNeed } : {}),
    ok: purpose.verdicts.openssl.ok,
  };
}

// ---------------------------------------------------------------------------------------------
// Fixes (X7 and the document's conditions).

function clientFix(p: PresentedAssessment, end: EndAssessment, server: EndAssessment, service: ServiceNaming): string {
  // X1: the box sent its server store as TLS client; what its client store holds decides the fix.
  if (p.store?.kind === 'other-store') return otherStoreFix(p, end);
  const who = end.box ? `${boxTitle(end.box)}'s client store` : "the client's certificate";
  // The E5 wording only when the CA is the sole obstacle (the leaf itself has clientAuth).
  const fails = p.purpose?.verdicts.openssl.reasons.filter((r) => r.fails) ?? [];
  const e5 = fails.some((r) => r.rule === 'E5') && !fails.some((r) => r.rule === 'E2' || r.rule === 'E3');
  const base = e5
    ? `Use a client certificate whose whole chain allows clientAuth, e.g. from a private CA whose CA certificates carry no EKU (E5), in ${who}`
    : `Put a certificate with clientAuth in ${who}: e.g. one signed by a private CA that adds clientAuth (the document's condition 2.1); the client store refuses a certificate without clientAuth unless it is uploaded with "Upload server certificate file as client certificate" (X3)`;
  const sid = service.service?.id;
  if (p.need?.level === 'not-checked')
    return `${base}. With checking Off the zone works, but services that always check clientAuth, such as the SSH tunnels (2222) that MRA login and the WebRTC proxy need, keep failing (X5, X7).`;
  if (sid === 'uc-traversal')
    return `${base}. Alternatively set xConfiguration SIP TLS Certificate ExtendedKeyUsage Checking Mode: Off on ${server.box ? boxTitle(server.box) : 'Expressway-E'}: the zone comes up, but SSH tunnels (2222) still need clientAuth, so MRA login and the WebRTC proxy keep failing (X5, X7).`;
  if (sid === 'ssh-tunnels') return `${base}. Turning EKU checking Off does not help here: SSH tunnels always need clientAuth (X5).`;
  if (server.box) return `${base}, or set SIP TLS EKU checking Off on ${boxTitle(server.box)} (X4; SSH tunnels still need clientAuth).`;
  return `${base}, or have the peer disable its clientAuth check (X7).`;
}

/** Alert 48 and chains the verifier cannot complete: trust, not EKU (T5). */
function trustFix(p: PresentedAssessment | undefined, presenter: EndAssessment, verifier: EndAssessment): string {
  const top = p?.chain?.chain[p.chain.chain.length - 1];
  const ca = top && top !== p?.leaf ? certName(top) : p?.leaf?.issuer?.rfc4514;
  return `${verifier.short} must trust ${ca ?? "the presented certificate's CA"}: add it to ${verifier.box ? `${boxTitle(verifier.box)}'s trusted CA list` : "the peer's trusted CA list"}; or ${presenter.box ? `give ${boxTitle(presenter.box)}` : 'give the sender'} a certificate that chains to a CA the peer trusts (for a client certificate that CA must still allow clientAuth, which public CAs stop offering in 2026).`;
}

/**
 * The fix for a rejected chain, from what its check found: EKU (clientFix/serverFix), a Key Usage
 * or Netscape cert type of the leaf or of a CA (E7, E8), or nothing wrong with its purpose.
 */
function rejectionFix(p: PresentedAssessment, end: EndAssessment, verifier: EndAssessment, service: ServiceNaming): string | undefined {
  const fails = p.purpose?.verdicts.openssl.reasons.filter((r) => r.fails) ?? [];
  if (p.store.kind === 'other-store') return otherStoreFix(p, end);
  if (fails.some((r) => r.rule === 'E2' || r.rule === 'E3' || r.rule === 'E5')) return p.from === 'client' ? clientFix(p, end, verifier, service) : serverFix(end);
  const ku = fails.find((r) => r.rule === 'E7' || r.rule === 'E8');
  if (ku) return kuFix(p, ku.certIndex);
  return undefined;
}

/** E7/E8: a Key Usage (or Netscape cert type) problem, on the leaf or on the CA that has it. */
function kuFix(p: PresentedAssessment, certIndex: number): string {
  const what = p.from === 'client' ? 'client certificate' : 'server certificate';
  if (certIndex > 0) {
    const ca = p.chain?.chain[certIndex];
    return `Issue the ${what} under a CA whose certificate allows signing certificates (Key Usage keyCertSign, and the SSL CA bit if it has a Netscape cert type): ${ca ? certName(ca) : 'a CA above the leaf'} does not (E7).`;
  }
  return `Issue the ${what} with a Key Usage that allows this use (${p.kuNeed ?? (p.from === 'client' ? 'digitalSignature' : 'digitalSignature or keyEncipherment')}), and without a Netscape cert type that lacks the SSL ${p.from} bit (E7, E8).`;
}

function serverFix(end: EndAssessment): string {
  return end.box
    ? `Put a certificate with serverAuth (and a Key Usage the suite needs) in ${boxTitle(end.box)}'s server store (X1).`
    : 'The server needs a certificate with serverAuth and a Key Usage the negotiated suite allows.';
}

// ---------------------------------------------------------------------------------------------
// X1: the wrong store presented.

/** What presenting the other store means for the peer, from the certificates at hand. */
function otherStoreMeaning(p: PresentedAssessment, end: EndAssessment): string {
  const leaf = p.leaf;
  const rightList = p.from === 'client' ? end.box?.stores?.client : end.box?.stores?.server;
  const right = rightList?.[0]?.cert;
  const lacks = leaf && !leaf.error && leaf.eku?.present === true && (p.from === 'client' ? !leaf.eku.clientAuth : !leaf.eku.serverAuth) && !leaf.eku.anyExtendedKeyUsage;
  const peer = p.from === 'client' ? 'a server that checks clientAuth refuses it (E2, X7)' : 'a client refuses it (E2, E6)';
  return [
    `So the peer got the ${p.from === 'client' ? 'server' : 'client'} certificate where a ${p.from} certificate belongs${lacks ? `: it has ${ekuText(leaf!)}, so ${peer}` : ''}.`,
    right && !right.error ? `The ${p.from} store holds ${certSummary(right)}, which the box did not present.` : '',
    'A box presents the other store when it runs a release before x15.5 (one certificate for both roles; in a cluster, a peer not yet upgraded) or when the bundle was taken at another time than the capture.',
  ]
    .filter((x) => x)
    .join(' ');
}

function otherStoreFix(p: PresentedAssessment, end: EndAssessment): string {
  const box = end.box ? boxTitle(end.box) : 'the box';
  return `Make ${box} present its ${p.from} store as TLS ${p.from}: run x15.5 or later on it (on every cluster peer), with a certificate in the ${p.from} store that has ${p.from === 'client' ? 'clientAuth' : 'serverAuth'}; and download the bundle right after capturing, so stores and capture agree.`;
}

// ---------------------------------------------------------------------------------------------
// Findings on one presented chain.

function familyNote(v: PurposeVerdict): string {
  const s = verdictSummary(v);
  const fam: Record<VerifierFamily, string> = { openssl: 'OpenSSL', go: 'Go', java: 'Java', nss: 'NSS', windows: 'Windows' };
  if (s.reject.length === 0) return '';
  if (s.accept.length === 0) return ' Every verifier family (OpenSSL, Go, Java, NSS, Windows) rejects it.';
  const unc = s.uncertain.length > 0 ? ` (${s.uncertain.map((f) => fam[f]).join(', ')}: probably, DOMAIN.md marks this as uncertain)` : '';
  const list = (fs: VerifierFamily[]) => fs.map((f) => fam[f]).join(', ');
  return ` ${list(s.reject)} reject${s.reject.length === 1 ? 's' : ''} it; ${list(s.accept)} accept${s.accept.length === 1 ? 's' : ''} it${unc}.`;
}

function presentedFindings(
  sid: number,
  p: PresentedAssessment,
  end: EndAssessment,
  verifier: EndAssessment,
  service: ServiceNaming,
  outcome: OutcomeAssessment | undefined,
): RuleFinding[] {
  const out: RuleFinding[] = [];
  const frames = [p.message.frame];
  const who = end.short;
  const what = p.from === 'client' ? 'client certificate' : 'server certificate';
  // X1: the store rule.
  const st = p.store;
  if (st.kind === 'as-expected') {
    const both = st.alsoIn.length > 0 ? ` It is also in the ${st.alsoIn.map((e) => storeRoleText(e.role)).join(' and ')} (X2).` : '';
    out.push({
      severity: 'ok',
      rule: 'X1',
      session: sid,
      frames,
      code: 'store-as-expected',
      title: `${who} presented its ${st.expected}-store certificate, as the store rule says for a TLS ${p.from}`,
      detail: `The certificate in frame ${p.message.frame} is the one in ${storeRoleText(st.entry.role)} file ${st.entry.file}.${both}`,
    });
  } else if (st.kind === 'other-store') {
    out.push({
      severity: 'error',
      rule: 'X1',
      session: sid,
      frames,
      code: 'store-mismatch',
      title: `${who} presented its ${storeRoleText(st.entry.role)} certificate as TLS ${p.from}; the store rule says ${st.expected} store`,
      detail: `As TLS ${p.from}, Expressway x15.5 presents its ${st.expected}-store certificate (X1), but the certificate in frame ${p.message.frame} is the one in ${st.entry.file}, not in the ${st.expected} store. ${otherStoreMeaning(p, end)}`,
      fix: otherStoreFix(p, end),
    });
  } else if (st.kind === 'not-in-store') {
    out.push({
      severity: 'warning',
      rule: 'X1',
      session: sid,
      frames,
      code: 'store-unknown-cert',
      title: `${who} presented a certificate that is in none of its stores`,
      detail: `The certificate in frame ${p.message.frame} (${p.leaf ? certSummary(p.leaf) : 'undecoded'}) matches neither the client nor the server store of ${boxTitle(st.box)} by issuer and serial or fingerprint: the stores changed since the capture, or the address belongs to another box.`,
      fix: 'Download the diagnostic bundle again right after capturing, so stores and capture agree.',
    });
  }
  const leaf = p.leaf;
  if (!leaf) return out;
  if (leaf.error) {
    out.push({ severity: 'warning', rule: 'E2', session: sid, frames, code: 'cert-undecodable', title: `The ${what} in frame ${p.message.frame} could not be decoded`, detail: leaf.error });
    return out;
  }
  const v = p.purpose!;
  const need = p.need;
  const openssl = v.verdicts.openssl;
  const failing = openssl.reasons.filter((r) => r.fails);
  const ekuFail = failing.find((r) => r.rule === 'E2' || r.rule === 'E3' || r.rule === 'E5');
  const kuFail = failing.find((r) => r.rule === 'E7' || r.rule === 'E8');
  const completed = outcome?.status === 'ok';
  const fix = p.store.kind === 'other-store' ? otherStoreFix(p, end) : p.from === 'client' ? clientFix(p, end, verifier, service) : serverFix(end);
  const sevFor = (level: NeedLevel): FindingSeverity => {
    if (outcome && outcome.status === 'failed' && outcome.rejected === p.from) return 'error';
    if (level === 'required') return completed ? 'warning' : 'error';
    // Not checked (X4 Off) or not known to be checked: it works only as long as nobody checks (X7).
    return 'warning';
  };
  if (ekuFail) {
    const rule = ekuFail.rule;
    const code =
      rule === 'E5' ? (p.from === 'client' ? 'ca-eku-blocks-clientauth' : 'ca-eku-blocks-serverauth') : rule === 'E3' ? 'anyeku-only' : p.from === 'client' ? 'client-cert-lacks-clientauth' : 'server-cert-lacks-serverauth';
    const title =
      rule === 'E5'
        ? `The ${what}'s chain does not allow ${need.eku}: a CA above the leaf restricts EKU`
        : rule === 'E3'
          ? `The ${what} lists only anyExtendedKeyUsage: passes Go/Java verifiers, fails OpenSSL/NSS`
          : `The ${what} lacks ${need.eku}${completed && need.level === 'not-checked' ? ': accepted only because EKU checking is Off (X4)' : completed && need.level === 'if-checked' ? ': this peer does not check it' : ''}`;
    const needText =
      need.level === 'required'
        ? ` It needs ${need.eku} because ${need.because}.`
        : need.level === 'not-checked'
          ? ` It would need ${need.eku} where the peer checks it; it ${completed ? 'was accepted here' : 'is not checked here'} because ${need.because}.${completed ? ' Services that always check it (SSH tunnels, X5) still fail (X7).' : ''}`
          : ` It needs ${need.eku} if the peer checks it: ${need.because}.${completed ? ' The handshake completed, so this peer evidently does not check it; a peer that does will refuse it (X7).' : ''}`;
    out.push({
      severity: sevFor(need.level),
      rule,
      alsoRules: [...need.rules],
      session: sid,
      frames,
      code,
      title,
      detail: `${certSummary(leaf)}: ${ekuFail.text}.${familyNote(v)}${needText}`,
      fix,
    });
  } else {
    out.push({
      severity: 'ok',
      rule: leaf.eku?.present ? 'E2' : 'E1',
      session: sid,
      frames,
      code: p.from === 'client' ? 'client-cert-has-clientauth' : 'server-cert-has-serverauth',
      title: leaf.eku?.present ? `The ${what} has ${need.eku}` : `The ${what} has no EKU extension, so no purpose restriction (E1)`,
      detail: `${certSummary(leaf)}${v.certificatesEvaluated > 1 ? `; the ${v.certificatesEvaluated - 1} CA certificate(s) above it allow it too (E5)` : ''}. It needs ${need.eku}${need.level === 'required' ? ' because' : need.level === 'not-checked' ? ' only where checked; here' : ' if the peer checks it:'} ${need.because}.`,
    });
  }
  if (kuFail) {
    // E7 on a CA (keyCertSign, Netscape SSL CA bit) is the CA's, never the leaf's.
    const holder = kuFail.certIndex > 0 ? p.chain?.chain[kuFail.certIndex] : leaf;
    out.push({
      severity: sevFor(need.level === 'not-checked' ? 'if-checked' : need.level),
      rule: kuFail.rule,
      session: sid,
      frames,
      code: kuFail.certIndex > 0 ? 'ca-ku-not-allowed' : kuFail.rule === 'E8' ? 'ku-suite-mismatch' : 'ku-not-allowed',
      title: kuFail.certIndex > 0 ? `A CA certificate above the ${what} does not allow signing certificates (Key Usage or Netscape cert type)` : `The ${what}'s Key Usage does not allow its use here`,
      detail: `${holder ? certName(holder) : `CA certificate ${kuFail.certIndex}`}: ${kuFail.text}.`,
      fix: kuFix(p, kuFail.certIndex),
    });
  }
  // Validity when the frame that carried it was captured (C1), never at the capture's first packet.
  if (p.validity && p.validityAt && (p.validity.state === 'expired' || p.validity.state === 'not-yet-valid')) {
    const when = p.validityAt.toISOString();
    out.push({
      severity: 'error',
      rule: 'C1',
      alsoRules: ['T4'],
      session: sid,
      frames,
      code: p.validity.state === 'expired' ? 'cert-expired' : 'cert-not-yet-valid',
      title: `The ${what} was ${p.validity.state === 'expired' ? 'expired' : 'not yet valid'} when frame ${p.message.frame} was captured`,
      detail: `${certName(leaf)}: ${p.validity.text}, and frame ${p.message.frame}, which carried it, is stamped ${when} (C1). A verifier answers certificate_expired (45) or bad_certificate (42). If the capturing machine's clock was wrong, this is not a certificate fault: check the capture's timestamps first.`,
      fix: `Check the capture's clock; if it was right, renew the certificate${end.box ? ` in ${boxTitle(end.box)}'s ${p.from} store` : ''}.`,
    });
  } else if (p.clockImplausible) {
    out.push({
      severity: 'info',
      rule: 'C1',
      session: sid,
      frames,
      code: 'cert-time-not-judged',
      title: `Whether the ${what} was valid is not judged: frame ${p.message.frame} is stamped ${p.clockImplausible.toISOString().slice(0, 10)}`,
      detail: `The frame that carried ${certName(leaf)} has a timestamp before 2000, from a clock that was not set; judging validity at it would blame the certificate for the capture's clock (C1). The certificate is valid from ${leaf.validity?.notBeforeIso ?? '?'} to ${leaf.validity?.notAfterIso ?? '?'}.`,
      fix: 'Set the capturing machine\'s clock (NTP) before capturing, or correct the file\'s timestamps with editcap -t.',
    });
  }
  // Chain against the verifier's own trusted list.
  if (p.trust) {
    const t = p.trust.chain;
    if (t.status === 'unknown-root' || t.status === 'missing-intermediate' || t.status === 'complete-untrusted-root') {
      out.push({
        severity: completed ? 'warning' : 'error',
        rule: 'T5',
        session: sid,
        frames,
        code: t.status === 'missing-intermediate' ? 'chain-missing-intermediate' : 'chain-unknown-root',
        title: `${boxTitle(p.trust.box)}'s trusted CA list does not complete this ${what}'s chain`,
        detail: `${t.notes.join('; ')}. A verifier that cannot complete the chain answers unknown_ca (48): trust, not EKU (T5).`,
        fix: `Add the missing CA certificate(s) to ${boxTitle(p.trust.box)}'s trusted CA list, or have ${who} send the intermediate.`,
      });
    } else if (t.status === 'signature-invalid') {
      out.push({ severity: 'error', rule: 'T5', session: sid, frames, code: 'chain-signature-invalid', title: `A signature in the ${what}'s chain does not verify`, detail: t.notes.join('; ') + '.' });
    }
  }
  const fromOther = p.chain?.links.find((l) => l.issuerSource === 'other-side');
  if (fromOther && p.chain) {
    const ca = p.chain.chain[fromOther.issuer]!;
    out.push({
      severity: 'info',
      rule: 'E5',
      session: sid,
      frames,
      code: 'issuer-presented-by-other-side',
      title: `The ${what}'s issuer was not sent with it, but the other side presented it in this connection`,
      detail: `${certName(ca)}, which issued ${certName(p.chain.chain[fromOther.child]!)}, is in the other side's Certificate message, not in frame ${p.message.frame}: the verifier must hold it itself. Its EKU was checked for the leaf (E5).`,
    });
  }
  if (!p.trust && p.chain && p.chain.status === 'missing-intermediate') {
    out.push({
      severity: 'info',
      rule: 'E5',
      session: sid,
      frames,
      code: 'chain-incomplete-as-sent',
      title: `The ${what}'s issuer was not sent and is in no trusted CA list at hand`,
      detail: `${p.chain.notes.join('; ')}. The peer must hold that CA; EKUs of the CA certificates above the leaf (E5) could not be checked.`,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// CertificateRequest fit (T2) and the empty client Certificate (T3).

const RSA_SCHEMES = new Set([0x0201, 0x0301, 0x0401, 0x0501, 0x0601, 0x0420, 0x0520, 0x0620, 0x0804, 0x0805, 0x0806]);
const RSA_PSS_SCHEMES = new Set([0x0809, 0x080a, 0x080b]);
const EC_SCHEMES = new Set([0x0203, 0x0303, 0x0403, 0x0503, 0x0603, 0x081a, 0x081b, 0x081c]);

function keyFitsTypes(keyType: string, types: readonly number[]): boolean {
  if (types.length === 0) return true;
  if (keyType === 'rsa' || keyType === 'rsa-pss') return types.some((t) => t === 1 || t === 3 || t === 5 || t === 65);
  if (keyType === 'ec') return types.some((t) => t === 64 || t === 66);
  if (keyType === 'dsa') return types.some((t) => t === 2 || t === 4 || t === 6);
  return true;
}

function keyFitsSchemes(keyType: string, schemes: readonly number[] | undefined): boolean {
  if (!schemes || schemes.length === 0) return true;
  if (keyType === 'rsa') return schemes.some((s) => RSA_SCHEMES.has(s));
  if (keyType === 'rsa-pss') return schemes.some((s) => RSA_PSS_SCHEMES.has(s));
  if (keyType === 'ec') return schemes.some((s) => EC_SCHEMES.has(s));
  if (keyType === 'ed25519') return schemes.includes(0x0807);
  if (keyType === 'ed448') return schemes.includes(0x0808);
  return true;
}

function sameDer(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Would `chain` (leaf first) satisfy the request? Plain sentences for what does not fit. */
export function certificateRequestMisfits(s: Session, chain: readonly CertInfo[]): string[] {
  const cr = s.certificateRequest;
  const leaf = chain[0];
  if (!cr || !leaf || leaf.error) return [];
  const out: string[] = [];
  if (cr.caNames.length > 0) {
    const names = chain.flatMap((c) => [c.issuer?.der, c.subject?.der]).filter((d): d is Uint8Array => d !== undefined);
    if (!cr.caNames.some((n) => names.some((d) => sameDer(d, n.der)))) {
      out.push(`its chain names none of the ${cr.caNames.length} CA(s) the server listed as acceptable (${cr.caNames.map((n) => n.text).join('; ')})`);
    }
  }
  const kt = leaf.publicKey?.type ?? 'unknown';
  if (!keyFitsTypes(kt, cr.certificateTypes)) out.push(`its ${kt.toUpperCase()} key fits none of the requested certificate types (${cr.certificateTypes.map(certificateTypeName).join(', ')})`);
  if (!keyFitsSchemes(kt, cr.signatureAlgorithms)) out.push(`its ${kt.toUpperCase()} key can sign with none of the requested signature algorithms`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Outcome (T4, T5, T6, T7, T8).

function msgAt(s: Session, index: number): TlsMessage | undefined {
  return s.tls.messages.find((m) => m.index === index);
}

function messageName(m: TlsMessage | undefined): string {
  if (!m) return 'the previous message';
  switch (m.kind) {
    case 'handshake':
      return m.type === HandshakeType.Certificate ? 'Certificate' : handshakeTypeName(m.type);
    case 'change-cipher-spec':
      return 'ChangeCipherSpec';
    case 'alert':
      return 'an alert';
    case 'encrypted-handshake':
      return 'an encrypted handshake message (Finished)';
    case 'application-data':
      return 'application data';
    default:
      return 'a record';
  }
}

/**
 * "Expressway-C vcs8c's Certificate, ClientKeyExchange, CertificateVerify, ChangeCipherSpec and
 * Finished (frame 12)": the run of messages one side sent up to `last`, which is what a peer reacts to.
 */
function flightText(s: Session, last: TlsMessage, who: string): string {
  const run: TlsMessage[] = [];
  for (const m of s.tls.messages) {
    if (m.index > last.index) break;
    if (m.dir !== last.dir) run.length = 0;
    else run.push(m);
  }
  const names = run.map((m) => (m.kind === 'encrypted-handshake' ? 'Finished (encrypted)' : messageName(m)));
  const frames = [...new Set(run.map((m) => m.frame))];
  const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names[0] ?? 'message';
  return `${who}'s ${list} (frame${frames.length > 1 ? 's' : ''} ${frames.join(', ')})`;
}


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

function assessOutcome(s: Session, client: EndAssessment, server: EndAssessment, presentedClient: PresentedAssessment | undefined, presentedServer: PresentedAssessment | undefined): OutcomeAssessment {
  const o = s.tls.outcome;
  const cName = client.short;
  const sName = server.short;
  const clientCertMsg = s.certificateMessages.find((m) => m.from === 'client');
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
    case 'alert': {
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
    case 'closed':
    case 'reset': {
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
function serverFlightEnded(s: Session): boolean {
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

// ---------------------------------------------------------------------------------------------
// TLS 1.3 without keys (T7).

/** Largest protected record body that is still an alert: 2 bytes + content type + a 16-byte tag, some padding. */
const ALERT_RECORD_MAX = 40;
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

function tls13Inference(s: Session, ctx: ExpresswayContext, client: EndAssessment, need: Need, cache: RuleCache, clientCertSeen = false): Tls13Inference {
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

// ---------------------------------------------------------------------------------------------
// Logs (X9).

function logMatches(s: Session, ctx: ExpresswayContext): LogMatch[] {
  // A guessed role (C2) cannot be said to agree with a log line.
  if (!s.client || !s.server || s.roleGuess) return [];
  const out: LogMatch[] = [];
  const same = (e: { ip: string; port?: number } | undefined, p: Endpoint) => !!e && e.ip.toLowerCase() === p.ip.toLowerCase() && (e.port === undefined || e.port === p.port);
  for (const box of ctx.boxes) {
    for (const ev of box.logEvents) {
      const pair =
        (same(ev.src, s.client) && same(ev.dst, s.server)) ||
        (same(ev.local, s.server) && same(ev.remote, s.client)) ||
        (same(ev.local, s.client) && same(ev.remote, s.server));
      if (!pair) continue;
      const boxRole: Role | undefined = box.addresses.includes(s.server.ip.toLowerCase()) ? 'server' : box.addresses.includes(s.client.ip.toLowerCase()) ? 'client' : undefined;
      out.push({ box, event: ev, roleAgrees: ev.expresswayRole === 'unknown' || boxRole === undefined || ev.expresswayRole === boxRole });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The session.

export interface AssessOptions {
  /** Time at which validity is judged, for tests; by default each certificate's own frame time (C1). */
  readonly at?: Date;
}

export function captureTime(a: Analysis): Date | undefined {
  const t = a.capture.firstTs;
  return t ? new Date(t.sec * 1000 + Math.floor(t.nsec / 1e6)) : undefined;
}

/** Timestamps before this come from a clock that was never set (1970) or set far back (C1). */
const PLAUSIBLE_CLOCK_FROM = Date.UTC(2000, 0, 1);

/** C1: the clock of the frame a message was reassembled in. */
function messageTime(s: Session, index: number): Date | undefined {
  const m = msgAt(s, index);
  return m ? new Date(m.tsSec * 1000 + Math.floor(m.tsNsec / 1e6)) : undefined;
}

export function assessSession(a: Analysis, s: Session, ctx: ExpresswayContext, cache: RuleCache, opts: AssessOptions = {}): SessionAssessment {
  const findings: RuleFinding[] = [];
  const clientEp = s.client ?? s.connection.a;
  const serverEp = s.server ?? s.connection.b;
  const chMsg = s.tls.messages.find((m) => m.kind === 'handshake' && m.type === HandshakeType.ClientHello);
  const shMsg = s.tls.messages.find((m) => m.kind === 'handshake' && m.type === HandshakeType.ServerHello);
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

  const tls13 = s.tls.tls13 || s.tls.version === 0x0304;
  const versionText = s.tls.version !== undefined ? versionName(s.tls.version) : 'version not seen';
  const suite = s.tls.cipherSuite !== undefined ? cipherSuiteInfo(s.tls.cipherSuite) : undefined;
  const kx = s.tls.keyExchange ?? suite?.keyExchange;

  // T1: the ClientHello sender is the client, usually (not always) the TCP initiator.
  if (s.client && !s.roleGuess && s.connection.synSeen && s.client.ip === s.connection.b.ip && s.client.port === s.connection.b.port) {
    findings.push({
      severity: 'info',
      rule: 'T1',
      session: s.id,
      frames: chMsg ? [chMsg.frame] : [],
      code: 'tls-client-not-initiator',
      title: 'The TLS client is not the end that opened the TCP connection',
      detail: `${client.label} sent the ClientHello although ${server.label} sent the SYN: roles follow the ClientHello (T1).`,
    });
  }
  if (s.tls.roleSource && s.tls.roleSource !== 'client-hello') {
    findings.push({
      severity: 'warning',
      rule: 'C2',
      alsoRules: ['T1'],
      session: s.id,
      frames: shMsg ? [shMsg.frame] : [],
      code: 'roles-from-server-message',
      title: 'No ClientHello in the capture: roles inferred from a server message',
      detail: 'The capture started after the ClientHello; the TLS client was taken to be the side that did not send the server messages.',
      fix: 'Start the capture before the connection is opened (restart the zone or the service to trigger a new connection).',
    });
  }

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
  let outcome = outcome0;
  let t13: Tls13Inference | undefined;
  // With keys, completion is observed from the decrypted Finished messages (T7 does not apply).
  const observed13 = tls13 && s.tls.outcome.kind === 'tls13' ? decryptedCompletion(s) : undefined;
  if (observed13) {
    outcome = observed13;
  } else if (s.tls.outcome.kind === 'tls13' || (tls13 && !s.decrypted && outcome0.status === 'unknown')) {
    t13 = tls13Inference(s, ctx, client, cNeed, cache, presentedClient !== undefined);
    const endF = s.tls.outcome.kind === 'tls13' && s.tls.outcome.end ? [s.tls.outcome.end.frame] : [];
    // What a half-close told (a FIN, then the peer went on) stays in the story.
    const halfClose = outcome0.status === 'unknown' && (s.tls.outcome.kind === 'closed' || s.tls.outcome.kind === 'reset') ? outcome0.explanation : [];
    if (t13.verdict === 'completed') {
      const both = t13.serverAfter.some((r) => r.length > ALERT_RECORD_MAX) && t13.clientAfter.some((r) => r.length > ALERT_RECORD_MAX);
      outcome = {
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
      outcome = {
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
      outcome = {
        ...outcome0,
        status: 'unknown',
        text: 'TLS 1.3: outcome not visible without keys',
        inferred: true,
        explanation: [...halfClose, 'With TLS 1.3 the end of the handshake is encrypted; without a key log its outcome cannot be seen (T7).'],
      };
    }
  }

  // Client certificate state.
  let clientCert: SessionAssessment['clientCert'];
  if (clientMsg?.truncated && clientMsg.certificates.length === 0) clientCert = 'truncated';
  else if (presentedClient) clientCert = 'sent';
  else if (clientMsg?.compressed?.error) clientCert = 'not-visible';
  else if (s.clientCertificateEmpty) clientCert = 'empty';
  else if (tls13 && !s.decrypted) clientCert = 'not-visible';
  else if (requested) clientCert = clientSpokeAfter(s, s.certificateRequest?.frame) ? 'requested-not-sent' : 'not-captured';
  // C4: "not requested" only where the server's flight was seen to its end (its ServerHelloDone, or
  // anything after it); a capture that ends inside that flight does not show whether it asked.
  else if (!tls13 && s.tls.outcome.kind === 'capture-ended' && !serverFlightEnded(s)) clientCert = 'not-captured';
  else clientCert = 'not-requested';

  // Findings: outcome first (the headline), then the certificates.
  if (outcome.status === 'failed') {
    const p = outcome.rejected === 'client' ? presentedClient : outcome.rejected === 'server' ? presentedServer : undefined;
    const desc = outcome.alert && !outcome.alert.encrypted ? outcome.alert.description : undefined;
    // Trust when the alert says so (48), or when a generic alert stands over a chain whose purpose passes.
    const trust = desc === 48 || (p?.ok === true && (desc === 42 || desc === 46));
    // OpenSSL treats a CA whose Key Usage lacks keyCertSign as unusable and answers unknown_ca: the CA is the fix (E7).
    const caKu = p?.purpose?.verdicts.openssl.reasons.find((r) => r.fails && r.rule === 'E7' && r.certIndex > 0);
    const fix = caKu && p
      ? kuFix(p, caKu.certIndex)
      : trust
      ? p?.from === 'server'
        ? trustFix(p, server, client)
        : trustFix(p, client, server)
      : p
        ? rejectionFix(p, p.from === 'client' ? client : server, p.from === 'client' ? server : client, service)
        : undefined;
    const inferredFix = !p && outcome.rejected === 'client' && t13?.inferredClientCert && !t13.inferredClientCert.purpose.verdicts.openssl.ok ? clientFix({ ...(presentedClient ?? ({} as PresentedAssessment)), purpose: t13.inferredClientCert.purpose } as PresentedAssessment, client, server, service) : undefined;
    const alert = outcome.alert;
    const noneSent = !p && s.clientCertificateEmpty && outcome.alert?.from === 'server' && !outcome.alert.encrypted;
    const code = noneSent
      ? 'client-cert-missing'
      : s.tls.silentRejection !== undefined
        ? 'silent-close'
        : t13 && outcome.inferred
          ? 'tls13-likely-rejected'
          : outcome.rejected === 'client'
            ? 'client-cert-rejected'
            : outcome.rejected === 'server'
              ? 'server-cert-rejected'
              : 'handshake-failed';
    // Each failure cites the rule it rests on: T4 only where an alert code is read.
    const closed = s.tls.outcome.kind === 'closed' || s.tls.outcome.kind === 'reset';
    const rule: DomainRuleId = noneSent
      ? 'T3'
      : s.tls.silentRejection
      ? 'T8'
      : t13 && outcome.inferred
        ? 'T7'
        : alert?.description === 48 && !alert.encrypted
          ? 'T5'
          : alert?.encrypted
            ? 'C6'
            : outcome.rejected
              ? 'T6'
              : alert && alert.description !== undefined
                ? 'T4'
                : closed
                  ? 'T8'
                  : 'T6';
    const also: DomainRuleId[] = [];
    if (alert && !alert.encrypted && alert.description !== undefined && rule !== 'T5') also.push('T5');
    if (alert?.encrypted) also.push('T6');
    if (service.service?.id === 'uc-traversal' || service.service?.id === 'ssh-tunnels') also.push('X7');
    findings.push({
      severity: 'error',
      rule,
      alsoRules: also,
      session: s.id,
      frames: outcome.frames,
      code,
      title: noneSent
        ? `${server.short} refused the handshake: ${client.short} sent no client certificate${alert?.description !== undefined ? ` (${alertText(alert.description)})` : ''}`
        : outcome.rejected === 'client'
          ? `${server.short} rejected ${client.short}'s client certificate${alert && !alert.encrypted && alert.description !== undefined ? ` (${alertText(alert.description)})` : outcome.inferred ? ' (inferred)' : ''}`
          : outcome.rejected === 'server'
            ? `${client.short} rejected ${server.short}'s server certificate${alert?.description !== undefined ? ` (${alertText(alert.description)})` : ''}`
            : `The handshake failed: ${outcome.text}`,
      detail: outcome.explanation.join(' '),
      ...(fix ?? inferredFix ? { fix: (fix ?? inferredFix)! } : {}),
    });
  } else if (outcome.status === 'unknown' && s.tls.outcome.kind === 'capture-ended') {
    // The start of the handshake missing too (no ClientHello): capturing longer would not show it (C2).
    const startMissing = s.tls.roleSource !== 'client-hello';
    findings.push({
      severity: 'warning',
      rule: startMissing ? 'C2' : 'C4',
      ...(startMissing && { alsoRules: ['C4'] }),
      session: s.id,
      frames: outcome.frames,
      code: 'capture-ended',
      title: 'The capture ends before the handshake does',
      detail: outcome.explanation.join(' '),
      fix: startMissing
        ? 'Capture from before the connection is made, and stop only after it is up or has failed.'
        : 'Capture longer: start the capture, then trigger the connection, and stop only after it is up or has failed.',
    });
  } else if (s.tls.outcome.kind === 'no-handshake') {
    findings.push({
      severity: 'warning',
      rule: 'C2',
      session: s.id,
      frames: outcome.frames,
      code: 'no-handshake',
      title: 'The capture started after this connection’s handshake',
      detail: `Only records of an established TLS connection are in the capture: certificates and the handshake's outcome cannot be seen, and which side was TLS client is a guess (${roleGuessText(s)}).`,
      fix: 'Capture from before the connection is made: start the capture first, then make the connection happen again (e.g. restart the zone, or disable and re-enable the service), so the handshake is captured.',
    });
  }

  if (presentedServer) findings.push(...presentedFindings(s.id, presentedServer, server, client, service, outcome));
  if (presentedClient) findings.push(...presentedFindings(s.id, presentedClient, client, server, service, outcome));

  // T2: does the presented client certificate fit the request?
  if (presentedClient?.leaf) {
    const misfits = certificateRequestMisfits(s, presentedClient.chain?.chain ?? presentedClient.certs);
    if (misfits.length > 0)
      findings.push({
        severity: 'warning',
        rule: 'T2',
        session: s.id,
        frames: [s.certificateRequest!.frame, presentedClient.message.frame],
        code: 'certificate-request-misfit',
        title: "The client certificate does not fit the server's CertificateRequest",
        detail: `${certName(presentedClient.leaf)}: ${misfits.join('; ')}. A strict server refuses it; OpenSSL answers unknown_ca (48) when it cannot chain to a CA it trusts.`,
      });
  }
  // T3: an empty client Certificate.
  if (clientCert === 'empty' && clientMsg) {
    const stored = client.box?.stores?.client[0]?.cert;
    const noClientAuth = stored && !stored.error && stored.eku?.present === true && !stored.eku.clientAuth;
    const misfit = stored ? certificateRequestMisfits(s, [stored]) : [];
    findings.push({
      severity: outcome.status === 'failed' ? 'error' : 'warning',
      rule: 'T3',
      session: s.id,
      frames: [clientMsg.frame],
      code: 'client-certificate-empty',
      title: `${client.short} answered the CertificateRequest with an empty Certificate`,
      detail: `The client had no certificate it found suitable (T3).${
        noClientAuth
          ? ` Its client-store certificate (${certSummary(stored!)}) lacks clientAuth: possibly filtered by EKU, as some clients (e.g. .NET) drop certificates without clientAuth.`
          : stored
            ? misfit.length > 0
              ? ` Its client-store certificate does not fit the request: ${misfit.join('; ')}.`
              : ` Its client-store certificate (${certSummary(stored)}) would fit; check that the service is configured to use it.`
            : ''
      }`,
      fix: noClientAuth ? clientFix({ purpose: evaluatePurpose([stored!], 'sslClient') } as PresentedAssessment, client, server, service) : 'Give the client a certificate issued by one of the CAs the server lists, with clientAuth.',
    });
  }
  if (clientCert === 'truncated' && clientMsg) {
    findings.push({
      severity: 'warning',
      rule: 'C3',
      alsoRules: ['T3'],
      session: s.id,
      frames: [clientMsg.frame],
      code: 'client-certificate-incomplete',
      title: "The client's Certificate message is incomplete in the capture",
      detail: `Only part of the Certificate message sent in frame ${clientMsg.frames.join(', ')} was captured: which certificate the client sent cannot be told (no serial is guessed).`,
      fix: 'Recapture with the full snap length (tcpdump -s 0) and let the capture run until the handshake ends.',
    });
  }

  // RFC 8879: a Certificate message compressed with an algorithm that cannot be read here.
  for (const m of s.certificateMessages) {
    if (!m.compressed?.error) continue;
    findings.push({
      severity: 'warning',
      rule: 'T7',
      session: s.id,
      frames: [m.frame],
      code: 'certificate-compressed-unreadable',
      title: `The ${m.from}'s certificates (frame ${m.frame}) are compressed with ${m.compressed.name} and could not be read`,
      detail: `${m.compressed.error[0]!.toUpperCase()}${m.compressed.error.slice(1)}. Nothing is said about the ${m.from} certificate's EKU or store: it was not seen.`,
      fix: 'Capture from a client that does not offer compress_certificate with zstd (or one that offers zlib or brotli), or check the certificate on the sender.',
    });
  }
  // T7: TLS 1.3 without keys, or what stayed encrypted although a key log was given.
  if (t13 && s.decrypted) {
    const left = s.tls.messages.filter((m) => m.kind === 'encrypted-handshake' || (m.kind === 'alert' && m.encrypted));
    findings.push({
      severity: 'info',
      rule: 'T7',
      session: s.id,
      frames: left.slice(0, 8).map((m) => m.frame),
      code: 'tls13-partly-encrypted',
      title: 'TLS 1.3: the key log decrypted part of this session; the end of the handshake stayed encrypted',
      detail: `What was decrypted is told above as observed. ${left.length} record(s) could not be decrypted (${left.length ? `frames ${[...new Set(left.map((m) => m.frame))].slice(0, 8).join(', ')}` : 'none'}): how the handshake ended is inferred from their sizes, not observed (T7).`,
      fix: 'Give a key log with every secret of this session (CLIENT_TRAFFIC_SECRET_0 and SERVER_TRAFFIC_SECRET_0 as well as the handshake secrets), with --keylog.',
    });
  } else if (t13) {
    const inf = t13.inferredClientCert;
    const v = inf?.purpose;
    const detail = [
      'Only ClientHello and ServerHello are readable: CertificateRequest, both Certificate messages and any alert are encrypted (T7).',
      t13.clientCertificateLikely ? `The client's first encrypted record (${t13.clientFlightRecords[0]} bytes) is the size of a certificate chain: it probably sent a certificate (inferred).` : '',
      inf
        ? `By the store rule (X1), ${client.short} as TLS client would present its client-store certificate ${certSummary(inf.entry.cert)} from ${inf.entry.file}: inferred, not observed.${v && !v.verdicts.openssl.ok ? ` That certificate lacks clientAuth for OpenSSL verifiers, so a server that checks clientAuth would refuse it.` : ''}`
        : '',
    ]
      .filter((x) => x)
      .join(' ');
    findings.push({
      severity: 'info',
      rule: 'T7',
      session: s.id,
      frames: [...(chMsg ? [chMsg.frame] : []), ...(shMsg ? [shMsg.frame] : [])],
      code: 'tls13-not-observed',
      title: 'TLS 1.3 without keys: certificates and alerts are not visible',
      detail,
      fix: 'To see them, capture with a key log (SSLKEYLOGFILE on a test client) and pass it with --keylog.',
    });
  }

  // X5: 2222 carried TLS: said from the bytes, not the port.
  if (service.service?.id === 'ssh-tunnels' && s.tls.isTls && chMsg) {
    findings.push({
      severity: 'info',
      rule: 'X5',
      session: s.id,
      frames: [chMsg.frame],
      code: 'port-2222-is-tls',
      title: 'Port 2222 carried TLS here',
      detail: `Frame ${chMsg.frame} starts a TLS handshake (a TLS record, not "SSH-2.0"), so the client certificate of the SSH tunnel transport is visible. Which protocol 2222 carries is marked uncertain in DOMAIN.md; this capture shows TLS.`,
    });
  }

  // Capture quality for this connection.
  const conn = s.connection;
  if (conn.packets[0] === 0 || conn.packets[1] === 0) {
    findings.push({
      severity: 'warning',
      rule: 'C3',
      alsoRules: ['T6'],
      session: s.id,
      frames: [conn.firstFrame],
      code: 'one-direction-only',
      title: 'Only one direction of this connection was captured',
      detail: `All ${conn.packets[0] + conn.packets[1]} packets go one way: the other side's messages (and any alert it sent) are missing, so who rejected what cannot be told (T6).`,
      fix: 'Capture on an interface that sees both directions (on Expressway: eth0 in the diagnostic log), or on both ends.',
    });
  }
  // Only where the start of a direction really is missing: a captured SYN says the start is there (C3).
  if ((s.tls.midStream[0] || s.tls.midStream[1]) && !conn.synSeen && s.tls.outcome.kind !== 'no-handshake') {
    findings.push({
      severity: 'warning',
      rule: 'C2',
      session: s.id,
      frames: [conn.firstFrame],
      code: 'mid-stream',
      title: 'The capture joined this connection mid-stream',
      detail: 'TLS was found after a gap at the start of a direction: messages before it were not captured.',
      fix: 'Start the capture before the connection is made.',
    });
  }
  const seenAnomaly = new Set<string>();
  // C3: after bytes went missing, a message "out of order" may only look so (the one before it is in the gap).
  const firstGap = Math.min(...s.tls.anomalies.filter((x) => x.code === 'gap-in-record' || x.code === 'gap-in-handshake').map((x) => x.frame));
  for (const an of s.tls.anomalies) {
    const key = `${an.code}/${an.frame}`;
    if (seenAnomaly.has(key)) continue;
    if (an.code === 'unexpected-message' && an.frame >= firstGap) continue;
    // The incomplete client Certificate already has its own finding (T3) for this frame.
    if (an.code === 'truncated-message' && clientCert === 'truncated' && clientMsg?.frames.includes(an.frame)) continue;
    seenAnomaly.add(key);
    const gap = an.code === 'gap-in-handshake' || an.code === 'gap-in-record';
    const trunc = an.code === 'truncated-message';
    findings.push({
      severity: 'warning',
      // A malformed alert record is about the alert list (T4); the rest is what the capture lost or garbled (C3).
      rule: an.code === 'bad-alert' ? 'T4' : 'C3',
      session: s.id,
      frames: [an.frame],
      code: gap ? 'gap-in-handshake' : trunc ? 'truncated-message' : `tls-${an.code}`,
      title: gap ? 'Bytes are missing inside the handshake' : trunc ? 'A handshake message is cut short' : `TLS anomaly: ${an.code.replace(/-/g, ' ')}`,
      detail: an.message,
      ...(gap || trunc ? { fix: 'Recapture with the full snap length (tcpdump -s 0) and a larger capture buffer, so every segment of the Certificate messages is kept.' } : {}),
    });
  }

  // X9: Expressway's own log lines about this connection.
  const logs = logMatches(s, ctx);
  for (const lm of logs) {
    const ev = lm.event;
    findings.push({
      severity: lm.roleAgrees ? 'info' : 'warning',
      rule: 'X9',
      session: s.id,
      frames: outcome.frames.length ? [...outcome.frames] : chMsg ? [chMsg.frame] : [],
      code: lm.roleAgrees ? 'log-event' : 'log-role-disagrees',
      title:
        ev.kind === 'ssl-socket'
          ? `${boxTitle(lm.box)}'s log records this connection's TLS socket`
          : `${boxTitle(lm.box)}'s log records ${ev.kind === 'inbound-negotiation-error' ? 'an inbound' : 'an outbound'} TLS negotiation error for this connection`,
      detail: `loggingsnapshot line ${ev.line}: ${ev.fields['Event'] ?? ev.kind}${ev.reason ? `, Detail "${ev.reason}"` : ''}${ev.fields['Common-name'] ? `, Common-name "${ev.fields['Common-name']}"` : ''}. ${
        ev.expresswayRole === 'server' ? `${boxTitle(lm.box)} was TLS server` : ev.expresswayRole === 'client' ? `${boxTitle(lm.box)} was TLS client` : 'The role is not stated'
      } (X9)${lm.roleAgrees ? ', as in the capture' : ', which disagrees with the capture'}. ${
        ev.reasonCodes.includes('unsupported-certificate-purpose') ? 'Its OpenSSL reason names the certificate purpose (EKU/KU), E2/E5.' : ''
      }`.trim(),
    });
  }

  return {
    session: s,
    source: a.source,
    client,
    server,
    service,
    versionText,
    ...(suite ? { suiteText: suite.name } : {}),
    ...(kx ? { keyExchange: kx } : {}),
    presented: pairOf(presentedClient, presentedServer),
    clientCert,
    outcome,
    ...(t13 ? { tls13: t13 } : {}),
    logs,
    findings,
    helloFrames: pairOf(chMsg?.frame, shMsg?.frame),
  };
}

/**
 * `{ client?, server? }` with the absent side left out. Written as whole literals: an object made of
 * spreads alone became a dictionary with a hidden class of its own (about 0.5 KB a session, and a
 * report keeps every session's assessment).
 */
function pairOf<T>(client: T | undefined, server: T | undefined): { client?: T; server?: T } {
  if (client !== undefined) return server !== undefined ? { client, server } : { client };
  return server !== undefined ? { server } : {};
}

/** Same handshake seen in two captures (a bundle from each box): client, server and ClientHello random. */
export function handshakeKey(s: Session): string {
  const ch = s.tls.messages.find((m) => m.kind === 'handshake' && m.type === HandshakeType.ClientHello);
  const body = ch && ch.kind === 'handshake' && ch.body?.kind === 'client-hello' ? ch.body : undefined;
  const rnd = body ? toHex(body.random) : '';
  const c = s.client ?? s.connection.a;
  const v = s.server ?? s.connection.b;
  return `${c.ip}/${c.port}>${v.ip}/${v.port}#${rnd || s.connection.firstTs.sec}`;
}

// ---------------------------------------------------------------------------------------------
// Capture-wide findings.

/** ' of 200 bytes' from the file's snap lengths (the ones given), '' when none is. */
function snapText(lengths: readonly number[] | undefined): string {
  const given = (lengths ?? []).filter((n) => n > 0);
  return given.length ? ` of ${given.join(' or ')} bytes` : '';
}

export function assessCapture(a: Analysis, ctx: ExpresswayContext): RuleFinding[] {
  const out: RuleFinding[] = [];
  const cap = a.capture;
  if (cap.truncatedFrames > 0) {
    out.push({
      severity: 'warning',
      rule: 'C3',
      frames: [],
      code: 'snaplen-truncated',
      title: `${cap.truncatedFrames} frame(s) were cut by the capture's snap length${snapText(cap.snapLengths)}`,
      detail: `${a.source}: ${cap.truncatedFrames} packet(s) were captured shorter than sent${snapText(cap.snapLengths) ? `, each cut at the snap length${snapText(cap.snapLengths)}` : ''}; the bytes cut are missing, so messages in them are incomplete. Records captured whole after them are still read (C3).`,
      fix: `Recapture with the full snap length: tcpdump -s 0${snapText(cap.snapLengths) ? ` (this capture's snap length is${snapText(cap.snapLengths).replace(/^ of/, '')})` : ''}.`,
    });
  }
  const clock = clockAdvice(cap.firstTs, cap.lastTs);
  if (clock) out.push({ severity: 'info', rule: 'C1', frames: [], code: 'capture-clock', title: `${a.source}: ${clock.title}`, detail: `${clock.detail} Validity is judged at each certificate's own frame, never at the first packet (C1).`, fix: clock.fix });
  for (const p of cap.problems) {
    out.push({
      severity: p.severity === 'fatal' ? 'warning' : 'info',
      rule: p.severity === 'fatal' ? 'C4' : 'C3',
      frames: p.frame !== undefined ? [p.frame] : [],
      code: p.severity === 'fatal' ? 'capture-cut' : 'capture-problem',
      title: p.severity === 'fatal' ? `${a.source} ends early` : `${a.source}: a problem in the file`,
      detail: `${p.message}. Everything before it was read.`,
      ...(p.severity === 'fatal' ? { fix: 'Copy the capture file again (it may have been cut in transfer), or stop the capture cleanly before downloading it.' } : {}),
    });
  }
  // What the packet decoder could not read, or the connection table had no room for.
  for (const n of statsNotes(a.stats)) {
    out.push({
      severity: n.serious ? 'warning' : 'info',
      rule: 'C3',
      frames: n.frame !== undefined ? [n.frame] : [],
      code: 'capture-not-decoded',
      title: `${a.source}: ${n.serious ? 'part of the capture was not analysed' : 'some packets were not decoded'}`,
      detail: `${n.text.charAt(0).toUpperCase()}${n.text.slice(1)}.`,
      // A limit was reached: the capture holds more than can be told; a smaller one is the way.
      ...((n.kind === 'connections' || n.kind === 'handshakes' || n.kind === 'handshake-bytes' || n.kind === 'sessions') && { fix: "Keep only the traffic in question and analyse that: tcpdump -r IN -w OUT 'tcp port 5061' (the failing service's ports), or a time slice with editcap -A/-B." }),
    });
  }
  // X5: what 2222 carried when it was not TLS.
  for (const n of a.nonTls) {
    const c = n.connection;
    const is2222 = c.a.port === 2222 || c.b.port === 2222;
    if (n.reason === 'ssh' && is2222) {
      // By port, not by object: a connection's endpoints are made when read.
      const aIsServer = c.a.port === 2222;
      const server = aIsServer ? c.a : c.b;
      const client = aIsServer ? c.b : c.a;
      const cb = boxForAddress(ctx, client.ip);
      const sb = boxForAddress(ctx, server.ip);
      out.push({
        severity: 'info',
        rule: 'X5',
        frames: [c.firstFrame],
        code: 'port-2222-is-ssh',
        title: `Port 2222 carried SSH, not TLS (${endpointText(client)} → ${endpointText(server)})`,
        detail: `The bytes start with "SSH-2.0", so no certificate is visible in this connection. SSH tunnels from ${cb ? boxTitle(cb) : 'Expressway-C'} to ${sb ? boxTitle(sb) : 'Expressway-E'} still need clientAuth on Expressway-C's client certificate whatever the checking mode (X5): check its client store (ekuscope check-store).`,
      });
    }
  }
  return out;
}

type Ts = { readonly sec: number; readonly nsec: number } | undefined;

/** C1: a capture whose clock jumps (1970, years apart, running backwards) is worth a word of advice. */
export function clockAdvice(first: Ts, last: Ts): { title: string; detail: string; fix: string } | undefined {
  if (!first || !last) return undefined;
  const day = (t: { sec: number }) => new Date(t.sec * 1000).toISOString().slice(0, 10);
  const from = PLAUSIBLE_CLOCK_FROM / 1000;
  const fix = "Set the capturing machine's clock (NTP) before capturing; editcap -t shifts a file's timestamps when the offset is known.";
  if (first.sec < from && last.sec < from)
    return { title: `every frame is dated before 2000 (first ${day(first)})`, detail: 'The capturing clock was not set: times in this capture say nothing about when it was made, and certificate validity is not judged against them.', fix };
  if (first.sec < from || last.sec < from)
    return { title: `timestamps jump between ${day(first)} and ${day(last)}`, detail: 'Some frames come from a clock that was not set (before 2000) and others from a real one.', fix };
  const span = last.sec - first.sec;
  if (span < -60) return { title: `frames run backwards in time (first ${day(first)}, last ${day(last)})`, detail: `The last frame is stamped ${Math.round(-span / 60)} minute(s) before the first: the file was merged or the clock was set back while capturing.`, fix };
  if (span > 365 * 86_400) return { title: `the frames are ${Math.round(span / (365.25 * 86_400))} year(s) apart (${day(first)} to ${day(last)})`, detail: 'Frames this far apart come from merged files or a clock that jumped while capturing.', fix };
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Store audit (X2, X3, X7, E5, expiry) for a box: used by check-store and, for X2, by reports.

export interface ServiceLoss {
  readonly service: string;
  readonly when: string;
}

/** Services where a box presents its client store, with when the peer needs clientAuth (services table). */
export function clientStoreServices(box: ExpresswayBox | undefined): ServiceLoss[] {
  const e = box?.edition ?? 'expressway';
  const rows: { service: string; when: string; editions: readonly string[] }[] = [
    { service: 'UC traversal zone (SIP, to Expressway-E 7001)', when: 'if Expressway-E checks EKU (X4, default On)', editions: ['expressway-c'] },
    { service: 'SSH tunnels (to Expressway-E 2222)', when: 'always (X5)', editions: ['expressway-c'] },
    { service: 'SIP to CUCM (5061)', when: 'if CUCM verifies the certificate', editions: ['expressway-c'] },
    { service: 'MRA HTTPS / TFTP to CUCM (8443, 6971/6972)', when: 'where CUCM requests a certificate', editions: ['expressway-c'] },
    { service: 'Webex calls (to Webex 5061)', when: 'always: Webex requests a certificate', editions: ['expressway-e'] },
    { service: 'B2B federation, outbound (5061)', when: 'if the receiver checks clientAuth', editions: ['expressway-e'] },
    { service: 'Neighbor zones with TLS verify On, outbound (5061)', when: 'if the neighbor checks clientAuth (X4 On on an Expressway, X8)', editions: ['expressway-c', 'expressway-e'] },
  ];
  return rows.filter((r) => e === 'expressway' || r.editions.includes(e)).map(({ service, when }) => ({ service, when }));
}

export function auditStores(box: ExpresswayBox, stores: BoxStores, now: Date, opts: { readonly includeOk?: boolean } = {}): RuleFinding[] {
  const out: RuleFinding[] = [];
  const name = boxTitle(box);
  for (const same of stores.sameInBoth) {
    const c = same.client.cert;
    const lacks = c.eku?.present === true && !c.eku.clientAuth;
    out.push({
      severity: lacks ? 'warning' : 'info',
      rule: 'X2',
      frames: [],
      code: 'same-cert-both-stores',
      title: `${name}: the client and server stores hold the same certificate (serial ${serialText(c)})`,
      detail: `${same.client.file} and ${same.server.file} hold ${certSummary(c)}${same.identical ? '' : ' (same issuer and serial, different bytes)'}: copied at the upgrade to x15.5, or with "Upload server certificate file as client certificate" (X2).${
        lacks ? ' It lacks clientAuth, so every service where a peer checks clientAuth fails (X7).' : ' It has clientAuth today.'
      }`,
      fix: lacks
        ? 'Put a clientAuth certificate (e.g. from a private CA) in the client store; keep the public serverAuth certificate in the server store.'
        : 'When this certificate is renewed from a public CA (serverAuth only from 2026), the client store will need a clientAuth certificate from elsewhere (private CA): a copy of the server certificate would lose clientAuth.',
    });
  }
  const check = (role: 'client' | 'server', entries: readonly StoreEntry[]) => {
    const need = role === 'client' ? 'clientAuth' : 'serverAuth';
    if (entries.length === 0) {
      out.push({ severity: 'info', rule: 'X1', frames: [], code: `${role}-store-empty`, title: `${name}: no ${role}-store certificate in the inputs`, detail: `No ${role}_*.pem file (or it holds no certificate).` });
      return;
    }
    const leaf = entries[0]!.cert;
    if (leaf.error) return;
    const chain = buildChain(leaf, { presented: entries.slice(1).map((e) => e.cert), trusted: stores.ca.map((e) => e.cert) });
    const v = evaluatePurpose(chain.chain, role === 'client' ? 'sslClient' : 'sslServer');
    const failing = v.verdicts.openssl.reasons.filter((r) => r.fails);
    const e5 = failing.find((r) => r.rule === 'E5');
    const eku = failing.find((r) => r.rule === 'E2' || r.rule === 'E3');
    if (role === 'client' && (eku || e5)) {
      const losses = clientStoreServices(box);
      out.push({
        severity: 'error',
        rule: e5 && !eku ? 'E5' : eku?.rule ?? 'E2',
        alsoRules: ['X7', 'X1'],
        frames: [],
        code: e5 && !eku ? 'client-store-ca-eku-trap' : 'client-store-lacks-clientauth',
        title: `${name}: the client-store certificate cannot authenticate a TLS client`,
        detail: `${entries[0]!.file}: ${certSummary(leaf)}. ${(eku ?? e5)!.text}.${familyNote(v)} Services that lose when the peer checks clientAuth: ${losses.map((l) => `${l.service} — ${l.when}`).join('; ')}.`,
        fix: e5 && !eku ? 'Use a client certificate whose CA certificates carry no EKU restriction (a private CA), E5.' : 'Put a certificate with clientAuth (e.g. from a private CA, the document\'s condition 2.1) in the client store.',
      });
    } else if (role === 'server' && (eku || e5)) {
      out.push({
        severity: 'error',
        rule: e5 && !eku ? 'E5' : 'E2',
        frames: [],
        code: 'server-store-lacks-serverauth',
        title: `${name}: the server-store certificate cannot authenticate a TLS server`,
        detail: `${entries[0]!.file}: ${certSummary(leaf)}. ${(eku ?? e5)!.text}.`,
        fix: 'Put a certificate with serverAuth in the server store.',
      });
    } else if (opts.includeOk) {
      out.push({ severity: 'ok', rule: 'E2', frames: [], code: `${role}-store-ok`, title: `${name}: the ${role}-store certificate has ${need}`, detail: `${entries[0]!.file}: ${certSummary(leaf)}.` });
    }
    // A CA above the leaf that restricts the other purpose is a trap too (E5), even when this role passes.
    if (role === 'server') {
      const cv = evaluatePurpose(chain.chain, 'sslClient');
      const trap = cv.verdicts.openssl.reasons.find((r) => r.fails && r.rule === 'E5');
      if (trap && stores.sameInBoth.length === 0)
        out.push({
          severity: 'info',
          rule: 'E5',
          frames: [],
          code: 'server-chain-no-clientauth',
          title: `${name}: the server certificate's chain can never be used as a client certificate`,
          detail: `${trap.text}. Uploading it as client certificate would not help, even if a new leaf had clientAuth.`,
        });
    }
    if (role === 'client' && !e5 && chain.chain.length > 1 && stores.ca.length === 0)
      out.push({ severity: 'info', rule: 'E5', frames: [], code: 'no-ca-list', title: `${name}: no trusted CA list to check CA EKUs against`, detail: 'Without ca_*.pem the CA certificates above the leaf were not checked (E5).' });
    if (role === 'client' && chain.status !== 'complete' && stores.ca.length > 0)
      out.push({
        severity: 'warning',
        rule: 'E5',
        frames: [],
        code: `${role}-store-chain-incomplete`,
        title: `${name}: the ${role}-store certificate does not chain to the box's trusted CA list`,
        detail: `${chain.notes.join('; ')}. Its CA certificates' EKUs (E5) could only be checked as far as the chain goes.`,
      });
    for (const e of entries.slice(0, 1)) {
      const val = checkValidity(e.cert, now);
      if (val.state === 'expired' || val.state === 'not-yet-valid' || (val.daysToExpiry !== undefined && val.daysToExpiry < 30))
        out.push({
          severity: val.state === 'valid' ? 'warning' : 'error',
          rule: 'C1',
          frames: [],
          code: `${role}-store-expiry`,
          title: `${name}: the ${role}-store certificate ${val.state === 'expired' ? 'has expired' : val.state === 'not-yet-valid' ? 'is not valid yet' : `expires in ${val.daysToExpiry} days`}`,
          detail: `${e.file}: ${certName(e.cert)}, ${val.text}.`,
          fix:
            role === 'client'
              ? 'Renew it in time; from 2026 public CAs issue serverAuth-only certificates, so the client store needs one from a private CA that adds clientAuth.'
              : 'Renew it in time (a public serverAuth certificate is fine for the server store).',
        });
    }
  };
  check('client', stores.client);
  check('server', stores.server);
  // E5 traps among trusted CAs: a CA that restricts EKU to serverAuth cannot issue usable client certificates.
  for (const e of stores.ca) {
    const c = e.cert;
    if (c.error || !c.eku?.present || c.eku.clientAuth || c.eku.anyExtendedKeyUsage) continue;
    out.push({
      severity: 'info',
      rule: 'E5',
      frames: [],
      code: 'ca-eku-trap',
      title: `${name}: trusted CA ${certName(c)} restricts EKU to ${c.eku.names.join(', ') || 'nothing'}`,
      detail: `${e.file}: client certificates issued under it fail OpenSSL, Go, Windows and NSS verifiers even when the leaf has clientAuth (E5).`,
    });
  }
  for (const p of stores.problems) out.push({ severity: 'warning', rule: 'X1', frames: [], code: 'store-problem', title: `${name}: a store file could not be read completely`, detail: p });
  if (stores.privateKeysSkipped > 0)
    out.push({ severity: 'warning', rule: 'X1', frames: [], code: 'private-key-in-store-file', title: `${name}: ${stores.privateKeysSkipped} private key(s) in the store files were skipped`, detail: 'They were not read, kept or printed. A diagnostic bundle should not contain private keys: handle these files as secrets.' });
  return out;
}
