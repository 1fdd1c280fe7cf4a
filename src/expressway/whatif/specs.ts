/** What a flag changes: certificate specs (`eku=serverAuth,clientAuth,issuer=private`, `copy`) → modelled chains. */
import { OID, type CertInfo } from '../../x509/index.js';
import type { IssuerKind, StoreCert } from './inputs.js';

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
