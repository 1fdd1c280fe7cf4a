/**
 * Mints the certificate authorities and certificates of SCENARIOS.md with pkijs on node:crypto's
 * WebCrypto. Serials, subjects, issuers, EKUs and validity dates are data (see certs.ts); this module
 * only knows how to turn such a description into a signed X.509 v3 certificate.
 *
 * Private keys exist only as CryptoKey objects here and as PKCS#8 PEM files in the generator's temp
 * directory (see stacks.ts); nothing in this module writes them anywhere else.
 */
import { webcrypto } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

const engine = new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as ConstructorParameters<typeof pkijs.CryptoEngine>[0]['crypto'] });
pkijs.setEngine('node', engine);

export const OID = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  crlDistributionPoints: '2.5.29.31',
} as const;

/** Attribute short names → OID and the ASN.1 string type real issuers use for them. */
const ATTRS: Record<string, { oid: string; kind: 'printable' | 'utf8' | 'ia5' }> = {
  C: { oid: '2.5.4.6', kind: 'printable' },
  ST: { oid: '2.5.4.8', kind: 'utf8' },
  L: { oid: '2.5.4.7', kind: 'utf8' },
  O: { oid: '2.5.4.10', kind: 'utf8' },
  OU: { oid: '2.5.4.11', kind: 'utf8' },
  CN: { oid: '2.5.4.3', kind: 'utf8' },
  DC: { oid: '0.9.2342.19200300.100.1.25', kind: 'ia5' },
};

/** A distinguished name as [attribute, value] pairs in DER (encoding) order, most general first. */
export type Dn = ReadonlyArray<readonly [keyof typeof ATTRS | string, string]>;

/** RFC 4514 string (most specific first), the way SCENARIOS.md and OpenSSL -nameopt RFC2253 write it. */
export function dnToString(dn: Dn): string {
  return [...dn].reverse().map(([k, v]) => `${k}=${v}`).join(', ');
}

function buildDn(dn: Dn): pkijs.RelativeDistinguishedNames {
  // One attribute per RDN SET, as every CA writes names (pkijs would put all of them in one SET).
  const seq = new asn1js.Sequence({
    value: dn.map(([k, v]) => {
      const a = ATTRS[k];
      if (!a) throw new Error(`unknown DN attribute ${k}`);
      const value =
        a.kind === 'printable'
          ? new asn1js.PrintableString({ value: v })
          : a.kind === 'ia5'
            ? new asn1js.IA5String({ value: v })
            : new asn1js.Utf8String({ value: v });
      return new asn1js.Set({ value: [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: a.oid }), value] })] });
    }),
  });
  return pkijs.RelativeDistinguishedNames.fromBER(seq.toBER(false));
}

export type Eku = 'serverAuth' | 'clientAuth';

export interface CertSpec {
  /** Key used to refer to this certificate from scenarios. */
  id: string;
  serialHex: string;
  subject: Dn;
  /** id of the issuing CertSpec; undefined for a self-signed root. */
  issuer?: string;
  notBefore: string;
  notAfter: string;
  ca: boolean;
  /** CA only: pathLenConstraint. */
  pathLen?: number;
  /** undefined = no EKU extension at all (CA certificates of CA1). */
  eku?: Eku[];
  dnsNames?: string[];
  ipAddresses?: string[];
  rsaBits: 2048 | 4096;
  /** A CRL distribution point URL, as AD CS and public CAs add one. */
  crl?: string;
}

export interface MintedCert {
  spec: CertSpec;
  der: Uint8Array;
  pem: string;
  keyPkcs8Pem: string;
  /** Chain above this certificate, issuer first, root last (excluding this certificate). */
  chain: MintedCert[];
}

function toPem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

function hexToBytes(hex: string): Uint8Array {
  const clean = hex.replace(/[^0-9a-fA-F]/g, '');
  return Uint8Array.from(Buffer.from(clean.length % 2 ? `0${clean}` : clean, 'hex'));
}

function ab(u: Uint8Array): ArrayBuffer {
  return u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength) as ArrayBuffer;
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING value. */
async function keyIdentifier(spki: pkijs.PublicKeyInfo): Promise<Uint8Array> {
  const keyBytes = spki.subjectPublicKey.valueBlock.valueHexView;
  return new Uint8Array(await webcrypto.subtle.digest('SHA-1', keyBytes));
}

function ipToBytes(ip: string): Uint8Array {
  return Uint8Array.from(ip.split('.').map((x) => Number(x)));
}

interface KeyPair {
  publicKey: CryptoKey;
  privateKey: CryptoKey;
}

async function generateKey(bits: number): Promise<KeyPair> {
  return (await webcrypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  )) as unknown as KeyPair;
}

interface Internal {
  minted: MintedCert;
  keys: KeyPair;
  ski: Uint8Array;
}

/**
 * Mints every spec, issuers before subjects. Keys are generated concurrently (the WebCrypto RSA key
 * generation runs on libuv's thread pool), certificates are then signed in dependency order.
 */
export async function mintAll(specs: CertSpec[]): Promise<Map<string, MintedCert>> {
  const byId = new Map(specs.map((s) => [s.id, s]));
  const keys = new Map<string, KeyPair>();
  await Promise.all(
    specs.map(async (s) => {
      keys.set(s.id, await generateKey(s.rsaBits));
    }),
  );
  const done = new Map<string, Internal>();
  const mintOne = async (s: CertSpec): Promise<Internal> => {
    const have = done.get(s.id);
    if (have) return have;
    let issuer: Internal | undefined;
    if (s.issuer) {
      const is = byId.get(s.issuer);
      if (!is) throw new Error(`${s.id}: unknown issuer ${s.issuer}`);
      issuer = await mintOne(is);
    }
    const kp = keys.get(s.id)!;
    const cert = new pkijs.Certificate();
    cert.version = 2;
    cert.serialNumber = new asn1js.Integer({ valueHex: ab(hexToBytes(s.serialHex)) });
    cert.subject = buildDn(s.subject);
    cert.issuer = buildDn(issuer ? issuer.minted.spec.subject : s.subject);
    cert.notBefore = new pkijs.Time({ type: 0, value: new Date(s.notBefore) });
    cert.notAfter = new pkijs.Time({ type: 0, value: new Date(s.notAfter) });
    await cert.subjectPublicKeyInfo.importKey(kp.publicKey, engine);
    const ski = await keyIdentifier(cert.subjectPublicKeyInfo);
    const signerKeyId = issuer ? issuer.ski : ski;

    const exts: pkijs.Extension[] = [];
    const bc = new pkijs.BasicConstraints(
      s.ca ? (s.pathLen !== undefined ? { cA: true, pathLenConstraint: s.pathLen } : { cA: true }) : {},
    );
    exts.push(
      new pkijs.Extension({
        extnID: OID.basicConstraints,
        critical: true,
        extnValue: bc.toSchema().toBER(false),
        parsedValue: bc,
      }),
    );
    // KeyUsage BIT STRING, RFC 5280 §4.2.1.3: bit 0 digitalSignature, 2 keyEncipherment,
    // 5 keyCertSign, 6 cRLSign. CA: keyCertSign|cRLSign|digitalSignature; leaf: digitalSignature|keyEncipherment.
    const kuByte = s.ca ? 0x86 : 0xa0;
    const ku = new asn1js.BitString({ valueHex: ab(new Uint8Array([kuByte])), unusedBits: s.ca ? 1 : 5 });
    exts.push(new pkijs.Extension({ extnID: OID.keyUsage, critical: true, extnValue: ku.toBER(false) }));
    if (s.eku) {
      const eku = new pkijs.ExtKeyUsage({ keyPurposes: s.eku.map((e) => OID[e]) });
      exts.push(
        new pkijs.Extension({ extnID: OID.extKeyUsage, critical: false, extnValue: eku.toSchema().toBER(false), parsedValue: eku }),
      );
    }
    if (s.dnsNames?.length || s.ipAddresses?.length) {
      const names = [
        ...(s.dnsNames ?? []).map((d) => new pkijs.GeneralName({ type: 2, value: d })),
        ...(s.ipAddresses ?? []).map(
          (ip) => new pkijs.GeneralName({ type: 7, value: new asn1js.OctetString({ valueHex: ab(ipToBytes(ip)) }) }),
        ),
      ];
      const san = new pkijs.AltName({ altNames: names });
      exts.push(new pkijs.Extension({ extnID: OID.subjectAltName, critical: false, extnValue: san.toSchema().toBER(false) }));
    }
    exts.push(
      new pkijs.Extension({
        extnID: OID.subjectKeyIdentifier,
        critical: false,
        extnValue: new asn1js.OctetString({ valueHex: ab(ski) }).toBER(false),
      }),
    );
    if (issuer) {
      const aki = new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: ab(signerKeyId) }) });
      exts.push(new pkijs.Extension({ extnID: OID.authorityKeyIdentifier, critical: false, extnValue: aki.toSchema().toBER(false) }));
    }
    if (s.crl) {
      const dp = new pkijs.CRLDistributionPoints({
        distributionPoints: [
          new pkijs.DistributionPoint({ distributionPoint: [new pkijs.GeneralName({ type: 6, value: s.crl })] }),
        ],
      });
      exts.push(new pkijs.Extension({ extnID: OID.crlDistributionPoints, critical: false, extnValue: dp.toSchema().toBER(false) }));
    }
    cert.extensions = exts;

    await cert.sign(issuer ? issuer.keys.privateKey : kp.privateKey, 'SHA-256', engine);
    const der = new Uint8Array(cert.toSchema(true).toBER(false));
    const pkcs8 = new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', kp.privateKey));
    const chain = issuer ? [issuer.minted, ...issuer.minted.chain] : [];
    const internal: Internal = {
      minted: { spec: s, der, pem: toPem('CERTIFICATE', der), keyPkcs8Pem: toPem('PRIVATE KEY', pkcs8), chain },
      keys: kp,
      ski,
    };
    done.set(s.id, internal);
    return internal;
  };
  for (const s of specs) await mintOne(s);
  return new Map([...done].map(([k, v]) => [k, v.minted]));
}
