/** Does a client chain fit the server's CertificateRequest (T2)? */
import type { Session } from '../../analysis/index.js';
import { certificateTypeName } from '../../tls/index.js';
import type { CertInfo } from '../../x509/index.js';

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
