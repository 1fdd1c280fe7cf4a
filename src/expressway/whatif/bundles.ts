/** A box's stores and checking mode read from its diagnostic bundle, in place of flags. */
import { buildChain, loadCertificates, type CertInfo } from '../../x509/index.js';
import type { Bundle } from '../bundle.js';
import { xapiValue, type OnOff } from '../xconf.js';
import type { BoxId, BoxInput, IssuerKind, StoreCert } from './inputs.js';

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
