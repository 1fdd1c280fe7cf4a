/**
 * The what-if advisor: given each box's store certificates (client and server store of Expressway-C
 * and Expressway-E) and the SIP TLS EKU checking modes, predict for every service of DOMAIN.md's
 * services table whether it works, why (rule ids), and which capture under captures/ shows the case.
 *
 * Certificates are chains, not leaves: a flag such as `issuer=public` models the 2026 public shape (a
 * root, then an issuing CA whose EKU is serverAuth only) and the rules of the x509 stage
 * (evaluatePurpose: E1–E7) judge the chain exactly as they judge a certificate read from a bundle. A
 * clientAuth leaf under a serverAuth-only intermediate therefore fails as a client certificate for an
 * OpenSSL verifier (E5), which is what Expressway is (X9).
 *
 * Pure: no I/O. Bundles are opened by the caller and handed over as `Bundle` values.
 */
import { buildChain, evaluatePurpose, loadCertificates, OID, type CertInfo, type PurposeReason, type TlsPurpose } from '../x509/index.js';
import type { Bundle } from './bundle.js';
import { xapiValue, type OnOff } from './xconf.js';
import type { DomainRuleId } from './rulebook.js';

// ---------------------------------------------------------------------------------------------
// Inputs

export type IssuerKind = 'public' | 'private' | 'unknown';
export type Tri = 'yes' | 'no' | 'unknown';
export type BoxId = 'c' | 'e';

/** A certificate as one store holds it, with the CA certificates above it that are known. */
export interface StoreCert {
  /** Leaf first, then each CA above it (as far as known). */
  readonly chain: readonly CertInfo[];
  readonly issuer: IssuerKind;
  readonly origin: 'flags' | 'bundle' | 'condition';
  /** In the client store because it was copied from the server store (upgrade, X2; or the upload option, X3). */
  readonly copiedFromServer: boolean;
  /** One line: EKU, issuer, chain shape. */
  readonly text: string;
}

export interface BoxInput {
  readonly client?: StoreCert;
  readonly server?: StoreCert;
  readonly checking: OnOff;
  readonly checkingSource: 'flag' | 'xconf' | 'condition' | 'default';
  /** The box's trusted CA list (bundle only): lets C↔E trust be checked instead of assumed. */
  readonly trusted?: readonly CertInfo[];
  /** Host tag of the bundle it came from. */
  readonly host?: string;
}

/** What the far ends do. Each value is an assumption the output lists. */
export interface FarEnds {
  /** Internet far ends (Webex, B2B remotes) check clientAuth on Expressway-E's client certificate. */
  readonly remoteChecking: Tri;
  /** Internet far ends trust a private CA (CA1). */
  readonly remoteTrustsPrivate: Tri;
  /** CUCM verifies clientAuth on Expressway-C's client certificate. */
  readonly cucmChecking: Tri;
  /** A neighbor Expressway's own SIP TLS EKU checking mode (X4 default On). */
  readonly neighborChecking: OnOff;
  /** The certificate far ends present when they connect in (neighbor, CUCM, Webex, B2B); unknown when absent. */
  readonly peerCert?: StoreCert;
}

export interface WhatIfInput {
  readonly title?: string;
  readonly c: BoxInput;
  readonly e: BoxInput;
  readonly farEnds: FarEnds;
}

export const DEFAULT_FAR_ENDS: FarEnds = Object.freeze({
  remoteChecking: 'unknown',
  remoteTrustsPrivate: 'unknown',
  cucmChecking: 'unknown',
  neighborChecking: 'On',
});

// ---------------------------------------------------------------------------------------------
// Certificate specs from flags: `eku=serverAuth,clientAuth,issuer=private`, `copy`

export interface CertSpec {
  /** EKU names or dotted OIDs; undefined = no EKU extension (E1). Absent key: `ekuGiven` false. */
  readonly eku?: readonly string[];
  readonly ekuGiven: boolean;
  readonly issuer?: IssuerKind;
  /** EKU of the issuing CA; undefined = the issuer's default (public: serverAuth only; private: none). */
  readonly caEku?: readonly string[] | 'none';
  /** `copy`: the same certificate as the box's server store (X2 upgrade copy, or X3 upload option). */
  readonly copy: boolean;
}

export class SpecError extends Error {}

const EKU_ALIASES: Record<string, string> = {
  serverauth: 'serverAuth',
  server: 'serverAuth',
  clientauth: 'clientAuth',
  client: 'clientAuth',
  any: 'anyExtendedKeyUsage',
  anyextendedkeyusage: 'anyExtendedKeyUsage',
};
const EKU_NAME_OID: Record<string, string> = {
  serverAuth: OID.serverAuth,
  clientAuth: OID.clientAuth,
  anyExtendedKeyUsage: '2.5.29.37.0',
};

function ekuToken(raw: string): string {
  const t = raw.trim();
  const alias = EKU_ALIASES[t.toLowerCase()];
  if (alias) return alias;
  if (/^\d+(\.\d+)+$/.test(t)) return t;
  throw new SpecError(`unknown EKU ${JSON.stringify(t)}: use serverAuth, clientAuth, any, none or a dotted OID`);
}

/**
 * Parses a certificate spec. Items are separated by commas; `key=value` starts a key, and a bare word
 * after it continues that key's list, so `eku=serverAuth,clientAuth,issuer=private` and
 * `eku=serverAuth+clientAuth,issuer=private` mean the same. Keys: `eku` (serverAuth, clientAuth, any,
 * none, or OIDs), `issuer` (public, private, unknown), `ca-eku` (the issuing CA's EKU, or none). The
 * single word `copy` means "the same certificate as this box's server store".
 */
export function parseCertSpec(text: string): CertSpec {
  const src = text.trim();
  if (src === '') throw new SpecError('empty certificate spec');
  const values = new Map<string, string[]>();
  let key: string | undefined;
  let copy = false;
  for (const raw of src.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq >= 0) {
      key = item.slice(0, eq).trim().toLowerCase();
      if (!['eku', 'issuer', 'ca-eku'].includes(key)) throw new SpecError(`unknown key ${JSON.stringify(key)} in ${JSON.stringify(src)}: use eku=, issuer=, ca-eku= or copy`);
      if (values.has(key)) throw new SpecError(`${key}= given twice in ${JSON.stringify(src)}`);
      values.set(key, item.slice(eq + 1).split('+').map((s) => s.trim()).filter((s) => s !== ''));
    } else if (item.toLowerCase() === 'copy' && (key === undefined || key === 'issuer')) {
      copy = true;
    } else if (key === 'eku' || key === 'ca-eku') {
      values.get(key)!.push(...item.split('+').map((s) => s.trim()).filter((s) => s !== ''));
    } else {
      throw new SpecError(`${JSON.stringify(item)} in ${JSON.stringify(src)} is neither key=value nor a further EKU`);
    }
  }
  const ekuList = values.get('eku');
  let eku: string[] | undefined;
  if (ekuList) {
    if (ekuList.length === 0) throw new SpecError('eku= needs a value (serverAuth, clientAuth, any, none)');
    if (ekuList.some((x) => x.toLowerCase() === 'none')) {
      if (ekuList.length > 1) throw new SpecError('eku=none cannot be combined with other EKUs');
      eku = undefined;
    } else eku = [...new Set(ekuList.map(ekuToken))];
  }
  const issuerList = values.get('issuer');
  let issuer: IssuerKind | undefined;
  if (issuerList) {
    const v = issuerList.join('').toLowerCase();
    if (v !== 'public' && v !== 'private' && v !== 'unknown') throw new SpecError(`issuer= must be public, private or unknown, not ${JSON.stringify(issuerList.join('+'))}`);
    issuer = v;
  }
  const caList = values.get('ca-eku');
  let caEku: readonly string[] | 'none' | undefined;
  if (caList) {
    if (caList.length === 0) throw new SpecError('ca-eku= needs a value (serverAuth, clientAuth, any, none)');
    caEku = caList.some((x) => x.toLowerCase() === 'none') ? 'none' : [...new Set(caList.map(ekuToken))];
  }
  if (copy && (ekuList || caList)) throw new SpecError('copy takes the server store certificate as it is: do not add eku= or ca-eku=');
  return { ...(ekuList ? { eku } : {}), ekuGiven: ekuList !== undefined, ...(issuer ? { issuer } : {}), ...(caEku ? { caEku } : {}), copy };
}

function ekuDisplay(names: readonly string[] | undefined): string {
  if (names === undefined) return 'no EKU extension';
  if (names.length === 0) return 'empty EKU';
  return names.join(' + ');
}

/** A stand-in CertInfo: only what the purpose rules read (EKU, CA flag, names for the text). */
function modelCert(subject: string, issuer: string, eku: readonly string[] | undefined, ca: boolean, selfIssued: boolean): CertInfo {
  const oids = (eku ?? []).map((n) => EKU_NAME_OID[n] ?? n);
  const dn = (rfc4514: string) => ({ rfc4514, rdns: [], attributes: [], der: new Uint8Array(0) });
  const id = `model:${subject}:${oids.join('+')}`;
  return {
    der: new Uint8Array(0),
    sha256: id,
    sha1: id,
    warnings: [],
    version: 3,
    subject: dn(subject),
    issuer: dn(issuer),
    eku: {
      present: eku !== undefined,
      critical: false,
      oids,
      names: eku ? [...eku] : [],
      serverAuth: oids.includes(OID.serverAuth),
      clientAuth: oids.includes(OID.clientAuth),
      anyExtendedKeyUsage: oids.includes('2.5.29.37.0'),
    },
    ...(ca ? { basicConstraints: { critical: true, cA: true } } : {}),
    isSelfIssued: selfIssued,
  };
}

const PUBLIC_ROOT = 'CN=Example Public Root CA 2026 (modelled public root)';
const PUBLIC_CA = 'CN=Example Public TLS CA 2026 (modelled public issuing CA)';
const PRIVATE_ROOT = 'CN=CA1 (modelled internal CA)';

/** Turns a spec into a modelled chain. `server` is the box's server-store certificate, for `copy`. */
export function certFromSpec(spec: CertSpec, subject: string, server?: StoreCert): StoreCert {
  if (spec.copy) {
    if (!server) throw new SpecError('copy needs the same box\'s server certificate: give --c-server / --e-server, or a bundle');
    return { ...server, copiedFromServer: true, text: `${server.text} (copied from the server store)` };
  }
  if (!spec.ekuGiven) throw new SpecError('a certificate spec needs eku= (serverAuth, clientAuth, any, none) or the word copy');
  const issuer = spec.issuer ?? 'unknown';
  const leafEku = spec.eku;
  if (issuer === 'unknown') {
    const leaf = modelCert(`CN=${subject}`, 'CN=unknown issuer', leafEku, false, false);
    return { chain: [leaf], issuer, origin: 'flags', copiedFromServer: false, text: `${ekuDisplay(leafEku)}; issuer unknown (only the leaf is judged)` };
  }
  // Public CAs in 2026: the issuing CA carries serverAuth only (Chrome Root Program policy); private
  // CA certificates carry no EKU (SCENARIOS.md, CA1).
  const caEku = spec.caEku === 'none' ? undefined : (spec.caEku ?? (issuer === 'public' ? ['serverAuth'] : undefined));
  if (issuer === 'public') {
    const leaf = modelCert(`CN=${subject}`, PUBLIC_CA, leafEku, false, false);
    const inter = modelCert(PUBLIC_CA, PUBLIC_ROOT, caEku, true, false);
    const root = modelCert(PUBLIC_ROOT, PUBLIC_ROOT, undefined, true, true);
    return {
      chain: [leaf, inter, root],
      issuer,
      origin: 'flags',
      copiedFromServer: false,
      text: `${ekuDisplay(leafEku)}; public CA, issuing CA EKU ${ekuDisplay(caEku)}`,
    };
  }
  const leaf = modelCert(`CN=${subject}`, PRIVATE_ROOT, leafEku, false, false);
  const root = modelCert(PRIVATE_ROOT, PRIVATE_ROOT, caEku, true, true);
  return { chain: [leaf, root], issuer, origin: 'flags', copiedFromServer: false, text: `${ekuDisplay(leafEku)}; private CA1${caEku ? `, CA EKU ${ekuDisplay(caEku)}` : ' (CA without EKU)'}` };
}

// ---------------------------------------------------------------------------------------------
// Bundles

export interface BoxFromBundle {
  readonly box: BoxInput;
  /** From the traversal zone type in xconf: TraversalClient = Expressway-C, TraversalServer = Expressway-E. */
  readonly edition?: BoxId;
  readonly problems: readonly string[];
}

/** Which edition a bundle belongs to, from its traversal zone (xconf `Zones Zone N Type`). */
export function editionOf(bundle: Bundle): BoxId | undefined {
  const values = bundle.xconf?.values;
  if (!values) return undefined;
  let found: BoxId | undefined;
  for (let n = 1; n <= 1000; n++) {
    const t = xapiValue(values, `Zones Zone ${n} Type`);
    if (t === undefined) {
      if (n > 20) break;
      continue;
    }
    if (/^TraversalClient$/i.test(t)) found ??= 'c';
    else if (/^TraversalServer$/i.test(t)) found ??= 'e';
  }
  return found;
}

function commonName(cert: CertInfo | undefined, dn: 'subject' | 'issuer'): string {
  const name = cert?.[dn];
  return name?.attributes.find((a) => a.shortName === 'CN')?.value ?? name?.rfc4514 ?? '?';
}

function describeChain(leaf: CertInfo, chain: readonly CertInfo[]): string {
  const eku = leaf.eku?.present ? leaf.eku.names.join(' + ') || 'empty EKU' : 'no EKU extension';
  const restricted = chain.slice(1).filter((c) => c.eku?.present);
  const cas = restricted.map((c) => `; CA ${commonName(c, 'subject')} EKU ${c.eku!.names.join(' + ') || 'empty'}`).join('');
  return `${eku}; issuer ${commonName(leaf, 'issuer')}${cas}${leaf.serialDisplay ? `; serial ${leaf.serialDisplay}` : ''}`;
}

/** A CA above the leaf that restricts EKU without clientAuth: the 2026 public-CA shape. */
function looksPublic2026(chain: readonly CertInfo[]): boolean {
  return chain.slice(1).some((c) => c.eku?.present && !c.eku.clientAuth && c.eku.serverAuth);
}

function storeFromPem(bytes: Uint8Array | undefined, name: string, trusted: readonly CertInfo[], problems: string[]): StoreCert | undefined {
  if (!bytes) {
    problems.push(`${name} was not read`);
    return undefined;
  }
  const loaded = loadCertificates(bytes, name);
  problems.push(...loaded.problems);
  const leaf = loaded.certificates.find((c) => !c.basicConstraints?.cA) ?? loaded.certificates[0];
  if (!leaf) {
    problems.push(`${name} holds no certificate`);
    return undefined;
  }
  const built = buildChain(leaf, { presented: loaded.certificates.filter((c) => c !== leaf), trusted });
  return {
    chain: built.chain,
    issuer: looksPublic2026(built.chain) ? 'public' : 'unknown',
    origin: 'bundle',
    copiedFromServer: false,
    text: describeChain(leaf, built.chain),
  };
}

/** Reads a bundle's client, server and CA stores and its checking mode (X4, default On). */
export function boxFromBundle(bundle: Bundle): BoxFromBundle {
  const problems: string[] = [];
  const last = <T>(xs: readonly T[]): T | undefined => xs[xs.length - 1];
  const trusted = bundle.stores.ca.flatMap((f) => (f.bytes ? loadCertificates(f.bytes, f.name).certificates : []));
  const serverFile = last(bundle.stores.server);
  const clientFile = last(bundle.stores.client);
  const server = serverFile ? storeFromPem(serverFile.bytes, serverFile.name, trusted, problems) : undefined;
  let client = clientFile ? storeFromPem(clientFile.bytes, clientFile.name, trusted, problems) : undefined;
  if (client && server && client.chain[0]!.sha256 === server.chain[0]!.sha256) {
    // Same certificate in both stores: copied at upgrade or with the upload option (X2).
    client = { ...client, copiedFromServer: true, text: `${client.text} (same as the server store, X2)` };
  }
  const mode = bundle.xconf?.sipTlsEkuChecking.mode;
  const checking: OnOff = mode === 'Off' ? 'Off' : 'On';
  const edition = editionOf(bundle);
  return {
    box: {
      ...(client ? { client } : {}),
      ...(server ? { server } : {}),
      checking,
      checkingSource: bundle.xconf && !bundle.xconf.sipTlsEkuChecking.defaulted && mode !== 'unknown' ? 'xconf' : 'default',
      trusted,
      host: bundle.host,
    },
    ...(edition ? { edition } : {}),
    problems,
  };
}

/** Replaces a bundle certificate's issuer kind (a spec with only `issuer=`). */
export function withIssuer(cert: StoreCert, issuer: IssuerKind): StoreCert {
  return { ...cert, issuer, text: `${cert.text}; issuer taken as ${issuer}` };
}

// ---------------------------------------------------------------------------------------------
// The document's conditions as presets

export interface ConditionPreset {
  readonly id: '1' | '2' | '2.1' | '3' | '4';
  readonly title: string;
  readonly c: { readonly client: string; readonly server: string };
  readonly e: { readonly client: string; readonly server: string };
}

/** The Cisco document's certificate layouts ("Condition 1" … "Condition 4"), as flag specs. */
export const CONDITIONS: readonly ConditionPreset[] = Object.freeze([
  {
    id: '1',
    title: 'Condition 1: upgrade from x15.4 (the server certificate copied into the client store)',
    c: { server: 'eku=serverAuth,clientAuth,issuer=private', client: 'copy' },
    e: { server: 'eku=serverAuth,clientAuth,issuer=private', client: 'copy' },
  },
  {
    id: '2',
    title: 'Condition 2: all new certificates from the public CA2 (serverAuth only)',
    c: { server: 'eku=serverAuth,issuer=public', client: 'eku=serverAuth,issuer=public' },
    e: { server: 'eku=serverAuth,issuer=public', client: 'eku=serverAuth,issuer=public' },
  },
  {
    id: '2.1',
    title: "Condition 2.1: Expressway-C's client certificate from the private CA1 with clientAuth, the rest public",
    c: { server: 'eku=serverAuth,issuer=public', client: 'eku=serverAuth,clientAuth,issuer=private' },
    e: { server: 'eku=serverAuth,issuer=public', client: 'eku=serverAuth,issuer=public' },
  },
  {
    id: '3',
    title: 'Condition 3: every certificate from the private CA1',
    c: { server: 'eku=serverAuth,clientAuth,issuer=private', client: 'eku=serverAuth,clientAuth,issuer=private' },
    e: { server: 'eku=serverAuth,clientAuth,issuer=private', client: 'eku=serverAuth,clientAuth,issuer=private' },
  },
  {
    id: '4',
    title: "Condition 4: Expressway-E's public serverAuth-only certificate copied into its client store",
    c: { server: 'eku=serverAuth,clientAuth,issuer=private', client: 'eku=serverAuth,clientAuth,issuer=private' },
    e: { server: 'eku=serverAuth,issuer=public', client: 'copy' },
  },
] satisfies ConditionPreset[]);

export function conditionPreset(id: string): ConditionPreset | undefined {
  return CONDITIONS.find((c) => c.id === id);
}

const BOX_SUBJECT: Record<BoxId, string> = { c: 'expressway-c.example', e: 'expressway-e.example' };

/** Builds a box's stores from two specs (server first, so that `copy` can refer to it). */
export function boxFromSpecs(box: BoxId, specs: { readonly client?: string; readonly server?: string }, checking: OnOff, checkingSource: BoxInput['checkingSource'], origin: StoreCert['origin'] = 'flags'): BoxInput {
  const server = specs.server !== undefined ? { ...certFromSpec(parseCertSpec(specs.server), BOX_SUBJECT[box]), origin } : undefined;
  const client = specs.client !== undefined ? { ...certFromSpec(parseCertSpec(specs.client), BOX_SUBJECT[box], server), origin } : undefined;
  return { ...(client ? { client } : {}), ...(server ? { server } : {}), checking, checkingSource };
}

/** The whole input of one document condition, with the far ends as given (default: unknown). */
export function conditionInput(id: string, modes: { readonly c?: OnOff; readonly e?: OnOff } = {}, farEnds: Partial<FarEnds> = {}): WhatIfInput {
  const p = conditionPreset(id);
  if (!p) throw new SpecError(`unknown condition ${JSON.stringify(id)}: use ${CONDITIONS.map((c) => c.id).join(', ')}`);
  return {
    title: p.title,
    c: boxFromSpecs('c', p.c, modes.c ?? 'On', modes.c ? 'flag' : 'default', 'condition'),
    e: boxFromSpecs('e', p.e, modes.e ?? 'On', modes.e ? 'flag' : 'default', 'condition'),
    farEnds: { ...DEFAULT_FAR_ENDS, ...farEnds },
  };
}

// ---------------------------------------------------------------------------------------------
// Predictions

export type Outcome = 'works' | 'fails' | 'depends' | 'uncertain';

export type WhatIfServiceId =
  | 'uc-traversal'
  | 'ssh-tunnels'
  | 'mra-login'
  | 'webrtc-proxy'
  | 'webex-call'
  | 'webex-hybrid-inbound'
  | 'neighbor-outbound'
  | 'neighbor-inbound'
  | 'cucm-sip'
  | 'cucm-https'
  | 'b2b-outbound'
  | 'b2b-inbound';

export interface CaptureRef {
  /** Folder under captures/. */
  readonly folder: string;
  readonly shows: string;
}

export interface Reason {
  /** What this reason alone does to the service. */
  readonly effect: Outcome;
  readonly text: string;
  readonly rules: readonly DomainRuleId[];
  /** Works, but with a warning worth saying (certificate pop-ups). */
  readonly caveat?: boolean;
}

export interface Prediction {
  readonly id: WhatIfServiceId;
  readonly name: string;
  /** "Exp-C → Exp-E:7001". */
  readonly path: string;
  /** Which store each Expressway end presents (X1). */
  readonly presents: string;
  readonly outcome: Outcome;
  /** One line for tables. */
  readonly summary: string;
  readonly reasons: readonly Reason[];
  /** Where the document or the rules are not certain. */
  readonly uncertain: readonly string[];
  readonly captures: readonly CaptureRef[];
  readonly rules: readonly DomainRuleId[];
  readonly fix?: string;
}

export interface WhatIfResult {
  readonly title: string;
  readonly input: WhatIfInput;
  readonly predictions: readonly Prediction[];
  /** Notes on the inputs (X2 copies, X3 refusals, missing certificates). */
  readonly notes: readonly { readonly text: string; readonly rules: readonly DomainRuleId[] }[];
  /** The far-end assumptions, in words. */
  readonly assumptions: readonly string[];
}

/** Captures that show a case, keyed by what the predictor found. Folder names are checked by a test. */
const CAPTURES = {
  'uc:leaf-missing:on': [
    { folder: '05-uc-traversal-eku-on-failed', shows: 'Expressway-E (checking On) answers fatal alert 43 to a serverAuth-only client certificate' },
    { folder: '11-silent-close', shows: 'the same rejection by a Node.js verifier: FIN, no alert' },
    { folder: '12-tls13-uc-traversal-keylog', shows: 'the same over TLS 1.3, where the alert is encrypted' },
  ],
  'uc:chain:on': [{ folder: '10-eku-chaining', shows: 'a clientAuth leaf under a serverAuth-only issuing CA: alert 43 from OpenSSL' }],
  'uc:off': [{ folder: '06-uc-traversal-eku-off-ssh-fails', shows: 'checking Off: the 7001 handshake completes with a serverAuth-only client certificate' }],
  'uc:ok': [{ folder: '07-condition-2-1-success', shows: 'a CA1 clientAuth client certificate: 7001 and 2222 complete' }],
  'ssh:fail': [{ folder: '06-uc-traversal-eku-off-ssh-fails', shows: 'the 2222 connection rejected with alert 43 although checking is Off' }],
  'ssh:ok': [{ folder: '07-condition-2-1-success', shows: '2222 completes with a clientAuth client certificate' }],
  'webex:ok': [{ folder: '01-webex-client-cert', shows: 'Expressway-E presents its client store to Webex, which requests a certificate; completes' }],
  'neighbor-in:ok': [{ folder: '02-neighbor-zone-server', shows: 'Expressway as TLS server presents its server store to a neighbor; completes' }],
  'cucm:ok': [
    { folder: '03-cucm-tftp-6972', shows: 'Expressway-C presents its client store to CUCM on 6972; completes' },
    { folder: '03b-cucm-tftp-6972-tls13', shows: 'the same over TLS 1.3: certificates encrypted' },
  ],
  'copy:ok': [{ folder: '04-upgrade-same-cert', shows: 'the same certificate in both stores, presented inbound and outbound; both complete' }],
  'remote:untrusted': [{ folder: '08-all-private-ca-unknown-ca', shows: 'a remote that does not trust CA1 answers fatal alert 48 unknown_ca' }],
  'remote:eku': [{ folder: '09-edge-public-client-cert', shows: 'a copied serverAuth-only client certificate: alert 43 where the remote checks, success where it does not' }],
} as const satisfies Record<string, readonly CaptureRef[]>;
type CaseKey = keyof typeof CAPTURES;

/** Every capture folder the advisor can name (for a test that they exist). */
export function whatIfCaptureFolders(): string[] {
  return [...new Set(Object.values(CAPTURES).flatMap((refs) => refs.map((r) => r.folder)))];
}

const SEVERITY: Record<Outcome, number> = { works: 0, uncertain: 1, depends: 2, fails: 3 };

function worst(reasons: readonly Reason[]): Outcome {
  let o: Outcome = 'works';
  for (const r of reasons) if (SEVERITY[r.effect] > SEVERITY[o]) o = r.effect;
  return o;
}

interface PurposeCheck {
  readonly ok: boolean;
  readonly kind: 'ok' | 'leaf' | 'chain' | 'any-only' | 'other';
  readonly rules: readonly DomainRuleId[];
  readonly why: string;
  /** A CA's EKU is the only problem: Java (leaf only) probably accepts. */
  readonly chainOnly: boolean;
}

/** Judges a chain as Expressway's OpenSSL would (X9): the openssl verdict of evaluatePurpose. */
function purposeCheck(cert: StoreCert, purpose: TlsPurpose): PurposeCheck {
  const v = evaluatePurpose(cert.chain, purpose);
  const ossl = v.verdicts.openssl;
  const fails: PurposeReason[] = ossl.reasons.filter((r) => r.fails);
  if (ossl.ok) return { ok: true, kind: 'ok', rules: v.leafEku === 'no-eku-extension' ? ['E1'] : ['E2', 'E5'], why: '', chainOnly: false };
  const rules = [...new Set(fails.map((r) => r.rule))];
  const chainOnly = fails.every((r) => r.rule === 'E5');
  const kind = v.leafEku === 'missing' ? 'leaf' : v.leafEku === 'any-eku-only' ? 'any-only' : chainOnly ? 'chain' : 'other';
  return { ok: false, kind, rules, why: fails[0]?.text ?? 'purpose check fails', chainOnly };
}

const EKU_OF: Record<TlsPurpose, string> = { sslClient: 'clientAuth', sslServer: 'serverAuth' };

function lackText(who: string, cert: StoreCert, pc: PurposeCheck, purpose: TlsPurpose): string {
  const eku = EKU_OF[purpose];
  switch (pc.kind) {
    case 'leaf':
      return `${who} lacks ${eku} (EKU ${cert.chain[0]!.eku?.names.join(' + ') || 'empty'})`;
    case 'chain':
      return `${who} has ${eku}, but a CA above it restricts EKU without ${eku} (${pc.why}), which OpenSSL, Go, Windows and NSS verifiers apply to the leaf; Java probably accepts`;
    case 'any-only':
      return `${who} lists only anyExtendedKeyUsage: Go and Java accept it, OpenSSL (Expressway) and NSS do not`;
    default:
      return `${who} is not acceptable for ${eku}: ${pc.why}`;
  }
}

type Trust = 'yes' | 'no' | 'unknown' | 'assumed';

/** Does `verifier` trust `cert`'s chain? Bundle lists when given; otherwise by issuer kind. */
function trustOf(cert: StoreCert, verifier: BoxInput | 'remote' | 'internal', farEnds: FarEnds): Trust {
  if (verifier === 'internal') return 'assumed';
  if (verifier === 'remote') {
    if (cert.issuer === 'public') return 'yes';
    if (cert.issuer === 'private') return farEnds.remoteTrustsPrivate;
    return farEnds.remoteTrustsPrivate === 'yes' ? 'yes' : 'unknown';
  }
  if (!verifier.trusted || cert.origin !== 'bundle') return 'assumed';
  const leaf = cert.chain[0]!;
  const built = buildChain(leaf, { presented: cert.chain.slice(1), trusted: verifier.trusted });
  return built.status === 'complete' ? 'yes' : 'no';
}

function issuerName(cert: StoreCert): string {
  const leaf = cert.chain[0]!;
  if (cert.origin === 'bundle') return leaf.issuer?.rfc4514 ?? 'its issuer';
  return cert.issuer === 'private' ? 'the private CA1' : cert.issuer === 'public' ? 'the public CA' : 'its issuer';
}

interface Leg {
  readonly reasons: Reason[];
  readonly cases: CaseKey[];
  readonly uncertain: string[];
  readonly fix: string[];
}

function newLeg(): Leg {
  return { reasons: [], cases: [], uncertain: [], fix: [] };
}

const X4_OFF_UNCERTAIN =
  'X4 "Off" is not fully specified: the document says the clientAuth check is skipped but serverAuth "is still checked if present"; ekuscope reads that as "the client certificate needs serverAuth when its EKU extension is present"';

/** Expressway presents its client store to a verifier (X1). */
function clientLeg(
  leg: Leg,
  who: string,
  cert: StoreCert | undefined,
  verifierName: string,
  checks: Tri,
  checkRules: readonly DomainRuleId[],
  trust: Trust,
  opts: { x4Off?: boolean; onFailCases?: CaseKey[]; onChainCases?: CaseKey[]; okCases?: CaseKey[]; remoteCases?: boolean } = {},
): void {
  if (!cert) {
    leg.reasons.push({ effect: 'uncertain', text: `no certificate was given for ${who}`, rules: ['X1'] });
    return;
  }
  const pc = purposeCheck(cert, 'sslClient');
  if (pc.ok) {
    leg.reasons.push({ effect: 'works', text: `${who} allows clientAuth on the leaf and every CA above it${pc.rules.includes('E1') ? ' (no EKU extension: no restriction)' : ''}`, rules: ['X1', ...pc.rules] });
    // A capture of the working case helps unless trust is known to fail.
    if (trust !== 'no') leg.cases.push(...(opts.okCases ?? []));
  } else if (checks === 'yes') {
    const alert = pc.kind === 'chain' ? 'an OpenSSL verifier answers fatal alert 43 unsupported_certificate (T5)' : 'an OpenSSL verifier answers fatal alert 43 unsupported_certificate; Go 42, Java 46 (T5)';
    leg.reasons.push({ effect: 'fails', text: `${lackText(who, cert, pc, 'sslClient')} and ${verifierName} checks clientAuth: ${alert}`, rules: ['X1', ...checkRules, ...pc.rules, 'T5'] });
    leg.cases.push(...(pc.kind === 'chain' ? (opts.onChainCases ?? opts.onFailCases ?? []) : (opts.onFailCases ?? [])));
    if (opts.remoteCases) leg.cases.push('remote:eku');
    leg.fix.push(`put a certificate whose whole chain allows clientAuth (a private CA such as CA1) in ${who.replace(/'s .*$/, "'s")} client store`);
  } else if (checks === 'no') {
    const leaf = cert.chain[0]!;
    if (opts.x4Off && leaf.eku?.present && !leaf.eku.serverAuth && !leaf.eku.anyExtendedKeyUsage) {
      leg.reasons.push({ effect: 'uncertain', text: `${lackText(who, cert, pc, 'sslClient')}; ${verifierName} skips the clientAuth check (X4 Off) but may still require serverAuth, which this certificate also lacks`, rules: ['X4'] });
      leg.uncertain.push(X4_OFF_UNCERTAIN);
    } else {
      leg.reasons.push({ effect: 'works', text: `${lackText(who, cert, pc, 'sslClient')}, but ${verifierName} does not check clientAuth`, rules: ['X1', ...checkRules, ...pc.rules] });
      if (opts.x4Off) leg.uncertain.push(X4_OFF_UNCERTAIN);
    }
    if (opts.remoteCases) leg.cases.push('remote:eku');
  } else {
    leg.reasons.push({
      effect: 'depends',
      text: `${lackText(who, cert, pc, 'sslClient')}: works only where ${verifierName} disables its clientAuth check (X7)`,
      rules: ['X1', 'X7', ...pc.rules],
    });
    if (opts.remoteCases) leg.cases.push('remote:eku');
    leg.fix.push(`a certificate with clientAuth on its whole chain in ${who.replace(/'s .*$/, "'s")} client store, or ${verifierName} must not check clientAuth`);
  }
  trustLeg(leg, cert, verifierName, trust, opts.remoteCases === true);
}

function trustLeg(leg: Leg, cert: StoreCert, verifierName: string, trust: Trust, remote: boolean): void {
  if (trust === 'no') {
    leg.reasons.push({ effect: 'fails', text: `${verifierName} does not trust ${issuerName(cert)}: it rejects the chain with fatal alert 48 unknown_ca, a trust failure, not EKU (T5)`, rules: ['T5'] });
    if (remote) leg.cases.push('remote:untrusted');
    leg.fix.push(`${verifierName} must trust ${issuerName(cert)}, or use a chain it already trusts`);
  } else if (trust === 'unknown') {
    leg.reasons.push({ effect: 'depends', text: `works only if ${verifierName} trusts ${issuerName(cert)} (a far end that cannot load a private CA rejects it: unknown_ca, document condition 3)`, rules: ['T5'] });
    if (remote) leg.cases.push('remote:untrusted');
  }
}

/** Expressway presents its server store to a TLS client (X1, E6). */
function serverLeg(leg: Leg, who: string, cert: StoreCert | undefined, clientName: string, trust: Trust, remote: boolean, devices?: 'devices' | 'browsers'): void {
  if (!cert) {
    leg.reasons.push({ effect: 'uncertain', text: `no certificate was given for ${who}`, rules: ['X1'] });
    return;
  }
  const pc = purposeCheck(cert, 'sslServer');
  if (!pc.ok) {
    leg.reasons.push({ effect: 'fails', text: `${lackText(who, cert, pc, 'sslServer')}: ${clientName} verifies it for "SSL server" (E6)`, rules: ['X1', 'E6', ...pc.rules] });
    leg.fix.push(`a server certificate with serverAuth in ${who.replace(/'s .*$/, "'s")} server store`);
  }
  if (devices && cert.issuer !== 'public') {
    leg.reasons.push({
      effect: 'works',
      caveat: true,
      text:
        devices === 'devices'
          ? `${who} is not from a public CA: MRA clients show certificate warnings to accept unless its CA is in the operating system's trust store (document condition 3)`
          : `${who} is not from a public CA: browsers warn or refuse unless its CA is trusted (document condition 3)`,
      rules: ['X1'],
    });
    return;
  }
  trustLeg(leg, cert, clientName, trust, remote);
}

/** A far end presents its certificate to Expressway `box`, which checks it per X4. */
function peerLeg(leg: Leg, peerName: string, boxName: string, box: BoxInput, peer: StoreCert | undefined): void {
  if (box.checking === 'Off') {
    leg.reasons.push({ effect: 'works', text: `${boxName}'s checking is Off: ${peerName}'s certificate needs no clientAuth (X4)`, rules: ['X4'] });
    leg.uncertain.push(X4_OFF_UNCERTAIN);
    return;
  }
  if (!peer) {
    leg.reasons.push({
      effect: 'depends',
      text: `${boxName}'s checking is On: ${peerName}'s own certificate must allow clientAuth (X4); a 2026 public certificate does not, and it is not among the inputs`,
      rules: ['X4'],
    });
    return;
  }
  const pc = purposeCheck(peer, 'sslClient');
  if (pc.ok) leg.reasons.push({ effect: 'works', text: `${peerName}'s certificate allows clientAuth, which ${boxName} checks (X4 On)`, rules: ['X4', ...pc.rules] });
  else {
    leg.reasons.push({ effect: 'fails', text: `${lackText(`${peerName}'s certificate`, peer, pc, 'sslClient')} and ${boxName} checks clientAuth (X4 On): alert 43 (T5)`, rules: ['X4', ...pc.rules, 'T5'] });
    leg.fix.push(`${peerName} needs a clientAuth certificate, or ${boxName}'s checking set to Off (X4)`);
  }
}

function finish(
  id: WhatIfServiceId,
  name: string,
  path: string,
  presents: string,
  leg: Leg,
  extraUncertain: readonly string[] = [],
): Prediction {
  const outcome = worst(leg.reasons);
  const captures: CaptureRef[] = [];
  for (const key of leg.cases) for (const ref of CAPTURES[key]) if (!captures.some((c) => c.folder === ref.folder)) captures.push(ref);
  const rules = [...new Set(leg.reasons.flatMap((r) => r.rules))];
  const decisive = leg.reasons.filter((r) => r.effect === outcome);
  const caveat = outcome === 'works' && leg.reasons.some((r) => r.caveat);
  const summary =
    outcome === 'works'
      ? caveat
        ? 'works, with certificate warnings'
        : 'works'
      : outcome === 'fails'
        ? 'fails'
        : outcome === 'depends'
          ? 'depends on the far end'
          : 'uncertain';
  const fix = [...new Set(leg.fix)];
  return {
    id,
    name,
    path,
    presents,
    outcome,
    summary: decisive.length && outcome !== 'works' ? `${summary}: ${decisive[0]!.text}` : summary,
    reasons: leg.reasons,
    uncertain: [...new Set([...leg.uncertain, ...extraUncertain])],
    captures,
    rules,
    ...(fix.length && outcome !== 'works' ? { fix: fix.join('; ') } : {}),
  };
}

function tri(mode: OnOff): Tri {
  return mode === 'On' ? 'yes' : 'no';
}

/** Predicts every service. */
export function predict(input: WhatIfInput): WhatIfResult {
  const { c, e, farEnds } = input;
  const predictions: Prediction[] = [];
  const cName = 'Expressway-C';
  const eName = 'Expressway-E';

  // UC traversal zone: C (TLS client, client store) → E:7001 (TLS server, server store). X4 on E.
  const uc = newLeg();
  clientLeg(uc, `${cName}'s client certificate`, c.client, eName, tri(e.checking), ['X4'], c.client ? trustOf(c.client, e, farEnds) : 'assumed', {
    x4Off: e.checking === 'Off',
    onFailCases: ['uc:leaf-missing:on'],
    onChainCases: ['uc:chain:on'],
    okCases: ['uc:ok'],
  });
  if (e.checking === 'Off' && c.client && !purposeCheck(c.client, 'sslClient').ok) uc.cases.push('uc:off');
  serverLeg(uc, `${eName}'s server certificate`, e.server, cName, e.server ? trustOf(e.server, c, farEnds) : 'assumed', false);
  const ucP = finish('uc-traversal', 'UC traversal zone', 'Exp-C → Exp-E:7001', 'C client, E server', uc);
  predictions.push(ucP);

  // SSH tunnels: C → E:2222, clientAuth always (X5).
  const ssh = newLeg();
  clientLeg(ssh, `${cName}'s client certificate`, c.client, `${eName} on 2222`, 'yes', ['X5'], c.client ? trustOf(c.client, e, farEnds) : 'assumed', {
    onFailCases: ['ssh:fail'],
    onChainCases: ['ssh:fail', 'uc:chain:on'],
    okCases: ['ssh:ok'],
  });
  serverLeg(ssh, `${eName}'s server certificate`, e.server, cName, e.server ? trustOf(e.server, c, farEnds) : 'assumed', false);
  const sshP = finish('ssh-tunnels', 'SSH tunnels', 'Exp-C → Exp-E:2222', 'C client, E server', ssh, [
    "port 2222's protocol is not documented: ekuscope's captures model it as TLS carrying the client certificate; the document only says it validates clientAuth whatever the checking mode (X5)",
  ]);
  predictions.push(sshP);

  // C → CUCM (MRA configuration over 6972/8443, and SIP 5061): client store.
  // CUCM and neighbors are internal: they are assumed to trust the CAs the boxes use.
  const cucmTrust: Trust = 'assumed';
  const cucmHttps = newLeg();
  clientLeg(cucmHttps, `${cName}'s client certificate`, c.client, 'CUCM', farEnds.cucmChecking, ['X1'], cucmTrust, { okCases: c.client?.copiedFromServer ? ['cucm:ok', 'copy:ok'] : ['cucm:ok'] });
  const cucmHttpsP = finish('cucm-https', 'CUCM 6972/8443 (MRA)', 'Exp-C → CUCM:6972/8443', 'C client', cucmHttps);

  // MRA login: devices → E (server store), C ↔ E zone and tunnels, C → CUCM (document, condition 2 and test case 3).
  const dependOn = (leg: Leg, p: Prediction, what: string): void => {
    if (p.outcome === 'works') leg.reasons.push({ effect: 'works', text: `${what} works`, rules: ['X7', ...p.rules.filter((r) => r.startsWith('X'))] });
    else {
      const state = p.outcome === 'fails' ? 'predicted to fail' : p.outcome === 'depends' ? 'depends on the far end' : 'uncertain';
      leg.reasons.push({ effect: p.outcome, text: `needs ${what}: ${state} (see that row)`, rules: ['X7', ...p.rules.filter((r) => r.startsWith('X'))] });
    }
  };
  const mra = newLeg();
  dependOn(mra, ucP, 'the UC traversal zone');
  dependOn(mra, sshP, 'the SSH tunnels');
  serverLeg(mra, `${eName}'s server certificate`, e.server, 'MRA clients', 'yes', false, 'devices');
  dependOn(mra, cucmHttpsP, "Expressway-C's connections to CUCM (configuration over 6972/8443)");
  predictions.push(finish('mra-login', 'MRA login', 'devices → Exp-E, zone, CUCM', 'E server; C client', mra));

  const webrtc = newLeg();
  dependOn(webrtc, ucP, 'the UC traversal zone');
  dependOn(webrtc, sshP, 'the SSH tunnels');
  serverLeg(webrtc, `${eName}'s server certificate`, e.server, 'browsers', 'yes', false, 'browsers');
  predictions.push(
    finish('webrtc-proxy', 'WebRTC proxy', 'browsers → Exp-E:443, zone', 'E server; C client', webrtc, [
      'the document lists the WebRTC proxy with MRA as not working when the zone or tunnels fail; ekuscope models it as needing both',
    ]),
  );

  // Webex call: E → Webex:5061, client store; Webex requests a certificate.
  const webex = newLeg();
  clientLeg(webex, `${eName}'s client certificate`, e.client, 'Webex', farEnds.remoteChecking, ['X7'], e.client ? trustOf(e.client, 'remote', farEnds) : 'assumed', {
    okCases: ['webex:ok'],
    remoteCases: true,
  });
  predictions.push(
    finish('webex-call', 'Webex calls', 'Exp-E → Webex:5061', 'E client', webex, [
      'Webex requests a client certificate (captures/01); whether it checks clientAuth on it is not stated by the document, so this follows the far-end assumption',
    ]),
  );

  // Webex Hybrid Call inbound: Webex → E:5062, server store; Webex's certificate checked per X4 on E.
  const hybrid = newLeg();
  serverLeg(hybrid, `${eName}'s server certificate`, e.server, 'Webex', e.server ? trustOf(e.server, 'remote', farEnds) : 'assumed', true);
  peerLeg(hybrid, 'Webex', eName, e, farEnds.peerCert);
  predictions.push(finish('webex-hybrid-inbound', 'Webex Hybrid Call inbound', 'Webex → Exp-E:5062', 'E server', hybrid));

  // Neighbor zones on Expressway-C: outbound (client store) and inbound (server store). X8.
  const nOut = newLeg();
  clientLeg(nOut, `${cName}'s client certificate`, c.client, 'the neighbor Expressway', tri(farEnds.neighborChecking), ['X8', 'X4'], 'assumed', { x4Off: farEnds.neighborChecking === 'Off' });
  predictions.push(
    finish('neighbor-outbound', 'Neighbor zone, outbound', 'Exp-C → neighbor:5061', 'C client', nOut, [
      'the neighbor also matches the peer address against the certificate SAN (X8); names are not modelled here',
    ]),
  );
  const nIn = newLeg();
  serverLeg(nIn, `${cName}'s server certificate`, c.server, 'the neighbor', 'assumed', false);
  peerLeg(nIn, 'the neighbor', cName, c, farEnds.peerCert);
  if (nIn.reasons.every((r) => r.effect === 'works')) nIn.cases.push(c.client?.copiedFromServer ? 'copy:ok' : 'neighbor-in:ok');
  predictions.push(finish('neighbor-inbound', 'Neighbor zone, inbound', 'neighbor → Exp-C:5061', 'C server', nIn));

  // SIP to CUCM: C → CUCM:5061, client store.
  const cucmSip = newLeg();
  clientLeg(cucmSip, `${cName}'s client certificate`, c.client, 'CUCM', farEnds.cucmChecking, ['X1'], cucmTrust);
  predictions.push(
    finish('cucm-sip', 'SIP to CUCM', 'Exp-C → CUCM:5061', 'C client', cucmSip, [
      c.checking === 'On' ? "CUCM → Expressway-C on 5061 (the other direction) needs CUCM's own certificate to allow clientAuth while Expressway-C's checking is On (X4)" : '',
    ].filter((s) => s !== '')),
  );
  predictions.push(cucmHttpsP);

  // B2B federation on Expressway-E: outbound (client store), inbound (server store).
  const bOut = newLeg();
  clientLeg(bOut, `${eName}'s client certificate`, e.client, 'the remote', farEnds.remoteChecking, ['X7'], e.client ? trustOf(e.client, 'remote', farEnds) : 'assumed', { remoteCases: true });
  predictions.push(finish('b2b-outbound', 'B2B federation, outbound', 'Exp-E → remote:5061', 'E client', bOut));
  const bIn = newLeg();
  serverLeg(bIn, `${eName}'s server certificate`, e.server, 'the remote', e.server ? trustOf(e.server, 'remote', farEnds) : 'assumed', true);
  peerLeg(bIn, 'the remote', eName, e, farEnds.peerCert);
  predictions.push(finish('b2b-inbound', 'B2B federation, inbound', 'remote → Exp-E:5061', 'E server', bIn));

  return { title: input.title ?? 'What if: your certificates', input, predictions, notes: inputNotes(input), assumptions: assumptions(input) };
}

function inputNotes(input: WhatIfInput): { text: string; rules: DomainRuleId[] }[] {
  const notes: { text: string; rules: DomainRuleId[] }[] = [];
  for (const [id, box] of [['C', input.c], ['E', input.e]] as const) {
    const name = `Expressway-${id}`;
    if (box.client && !box.client.copiedFromServer && box.client.origin !== 'bundle') {
      const leaf = box.client.chain[0]!;
      if (leaf.eku?.present && !leaf.eku.clientAuth) {
        notes.push({
          text: `${name}'s client store refuses a certificate without clientAuth ("Invalid certificate: The file provided does not have a client usage attribute"); it gets there only through "Upload server certificate file as client certificate" on the server certificate page`,
          rules: ['X3'],
        });
      }
    }
    if (box.client?.copiedFromServer) notes.push({ text: `${name}'s client store holds the server certificate (copied at upgrade, or with "Upload server certificate file as client certificate")`, rules: ['X2'] });
    if (!box.client) notes.push({ text: `no certificate for ${name}'s client store: services where ${name} is TLS client are not predicted`, rules: ['X1'] });
    if (!box.server) notes.push({ text: `no certificate for ${name}'s server store: services where ${name} is TLS server are not predicted`, rules: ['X1'] });
  }
  return notes;
}

function assumptions(input: WhatIfInput): string[] {
  const f = input.farEnds;
  const tri = (t: Tri, yes: string, no: string, unknown: string) => (t === 'yes' ? yes : t === 'no' ? no : unknown);
  const out = [
    `Expressway-C SIP TLS EKU checking ${input.c.checking} (${input.c.checkingSource}), Expressway-E ${input.e.checking} (${input.e.checkingSource}) (X4)`,
    'Expressway verifies as OpenSSL does (X9): the purpose is checked on every certificate of the chain (E5)',
    tri(f.remoteChecking, 'Webex and B2B remotes check clientAuth', 'Webex and B2B remotes do not check clientAuth', 'whether Webex and B2B remotes check clientAuth is unknown'),
    tri(f.remoteTrustsPrivate, 'remote far ends trust the private CA1', 'remote far ends do not trust the private CA1', 'whether remote far ends trust a private CA is unknown'),
    tri(f.cucmChecking, "CUCM checks clientAuth on Expressway-C's certificate", "CUCM does not check clientAuth on Expressway-C's certificate", "whether CUCM checks clientAuth on Expressway-C's certificate is unknown"),
    `the neighbor Expressway's checking mode is ${f.neighborChecking} (X4)`,
    f.peerCert ? `far ends that connect in present: ${f.peerCert.text}` : "far ends' own certificates (when they connect in) are unknown",
  ];
  if (!input.c.trusted || !input.e.trusted) out.push('Expressway-C and -E trust each other\'s CAs (one trusted CA list for both stores, X1); CUCM and neighbors trust the CAs in use');
  else out.push("trust between Expressway-C and -E checked against each bundle's trusted CA list");
  return out;
}
