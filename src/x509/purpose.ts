/**
 * Purpose evaluation: would each verifier family accept this chain for TLS client or TLS server
 * use? Pure functions over CertInfo, each reason citing a rule-book rule:
 *
 *   E1 no EKU = no restriction          E2 EKU present must list the purpose
 *   E3 anyEKU alone: Go/Java yes, OpenSSL/NSS no      E4 EKU criticality does not matter
 *   E5 EKU on CA certificates constrains the leaf (OpenSSL, Go intersected root→leaf, Windows, NSS;
 *      Java believed leaf-only → uncertain)
 *   E7 Key Usage / Netscape cert type must allow the use; a CA's KU must include keyCertSign
 *   E8 the negotiated suite's KU need
 *
 * Where the rules say behaviour is not known (Java and CA EKUs, Windows and anyEKU), the verdict
 * is marked `uncertain` rather than asserted.
 */
import { OID } from './oids.js';
import type { CertInfo } from './types.js';

export type TlsPurpose = 'sslClient' | 'sslServer';
export type VerifierFamily = 'openssl' | 'go' | 'java' | 'nss' | 'windows';
export type RuleId = 'E1' | 'E2' | 'E3' | 'E4' | 'E5' | 'E7' | 'E8';
/** The KU the TLS exchange needs (E8), derived by the caller from the suite and TLS version. */
export type KeyUsageNeed = 'keyEncipherment' | 'digitalSignature' | 'keyAgreement';

export const VERIFIER_FAMILIES: readonly VerifierFamily[] = ['openssl', 'go', 'java', 'nss', 'windows'];

export interface PurposeReason {
  readonly rule: RuleId;
  /** Index in the chain given (0 = leaf). */
  readonly certIndex: number;
  /** True when this reason makes the verdict fail; false for an explanatory note. */
  readonly fails: boolean;
  readonly text: string;
}

export interface FamilyVerdict {
  readonly ok: boolean;
  /** The rule book marks this behaviour as uncertain: say "probably". */
  readonly uncertain: boolean;
  readonly reasons: readonly PurposeReason[];
}

export interface PurposeVerdict {
  readonly purpose: TlsPurpose;
  /** The EKU the purpose needs: serverAuth or clientAuth OID. */
  readonly ekuOid: string;
  readonly leafEku: EkuStatus;
  readonly verdicts: Readonly<Record<VerifierFamily, FamilyVerdict>>;
  /** How much of the chain was there to judge (E5 can only be checked on CA certificates supplied). */
  readonly certificatesEvaluated: number;
  readonly notes: readonly string[];
}

export type EkuName = 'clientAuth' | 'serverAuth';
export type EkuStatus = 'present' | 'missing' | 'no-eku-extension' | 'any-eku-only' | 'undecodable';

const EKU_OID: Record<EkuName, string> = { serverAuth: OID.serverAuth, clientAuth: OID.clientAuth };
const SGC = ['1.3.6.1.4.1.311.10.3.3', '2.16.840.1.113730.4.1'];

export function purposeEku(purpose: TlsPurpose): EkuName {
  return purpose === 'sslClient' ? 'clientAuth' : 'serverAuth';
}

/**
 * One-word EKU summary of a certificate for a purpose (E1/E2/E3): "missing" only when the
 * extension is present and lacks the OID (E2), never when there is no extension (E1).
 */
export function ekuStatus(cert: CertInfo, eku: EkuName): EkuStatus {
  if (!cert.eku) return 'undecodable';
  if (!cert.eku.present) return 'no-eku-extension';
  if (cert.eku.oids.includes(EKU_OID[eku])) return 'present';
  if (cert.eku.anyExtendedKeyUsage) return 'any-eku-only';
  return 'missing';
}

interface Acc {
  ok: boolean;
  uncertain: boolean;
  reasons: PurposeReason[];
}

function fail(a: Acc, rule: RuleId, certIndex: number, text: string): void {
  a.ok = false;
  a.reasons.push({ rule, certIndex, fails: true, text });
}

function note(a: Acc, rule: RuleId, certIndex: number, text: string): void {
  a.reasons.push({ rule, certIndex, fails: false, text });
}

function who(i: number): string {
  return i === 0 ? 'the leaf certificate' : `CA certificate ${i}`;
}

/** Does this certificate's EKU allow the purpose for a verifier that ignores anyEKU (OpenSSL, NSS)? */
function strictEkuAllows(c: CertInfo, oid: string, purpose: TlsPurpose, sgcCounts: boolean): boolean {
  if (!c.eku?.present) return true;
  if (c.eku.oids.includes(oid)) return true;
  // OpenSSL's SSL server purpose also accepts the old Server Gated Crypto OIDs (v3_purp.c XKU_SGC).
  return sgcCounts && purpose === 'sslServer' && c.eku.oids.some((o) => SGC.includes(o));
}

/** Leaf KU for the purpose (E7), as OpenSSL's check_purpose_ssl_client/server words it. */
function leafKuProblem(c: CertInfo, purpose: TlsPurpose): string | undefined {
  if (!c.keyUsage) return undefined;
  const u = c.keyUsage.usages;
  if (purpose === 'sslClient') {
    return u.includes('digitalSignature') || u.includes('keyAgreement')
      ? undefined
      : `Key Usage (${u.join(', ') || 'empty'}) has neither digitalSignature nor keyAgreement, needed by a TLS client certificate`;
  }
  return u.includes('digitalSignature') || u.includes('keyEncipherment') || u.includes('keyAgreement')
    ? undefined
    : `Key Usage (${u.join(', ') || 'empty'}) has none of digitalSignature, keyEncipherment, keyAgreement, needed by a TLS server certificate`;
}

function nsProblem(c: CertInfo, index: number, purpose: TlsPurpose): string | undefined {
  if (!c.netscapeCertType) return undefined;
  const t = c.netscapeCertType.types;
  // OpenSSL's check_ssl_ca looks at the SSL CA bit only for a CA without basicConstraints CA:TRUE.
  if (index > 0) return t.includes('sslCA') || c.basicConstraints?.cA ? undefined : `Netscape cert type (${t.join(', ') || 'empty'}) lacks the SSL CA bit`;
  const bit = purpose === 'sslClient' ? 'sslClient' : 'sslServer';
  return t.includes(bit) ? undefined : `Netscape cert type (${t.join(', ') || 'empty'}) lacks the SSL ${purpose === 'sslClient' ? 'client' : 'server'} bit`;
}

/**
 * Evaluates a chain (leaf first, then whatever CA certificates are available) for a purpose.
 * `keyUsageNeed` is the suite's need (E8); leave it out when the suite is not known.
 */
export function evaluatePurpose(chain: readonly CertInfo[], purpose: TlsPurpose, keyUsageNeed?: KeyUsageNeed): PurposeVerdict {
  const ekuName = purposeEku(purpose);
  const oid = EKU_OID[ekuName];
  const fam = Object.fromEntries(VERIFIER_FAMILIES.map((f) => [f, { ok: true, uncertain: false, reasons: [] } as Acc])) as Record<VerifierFamily, Acc>;
  const notes: string[] = [];
  const leaf = chain[0];
  if (!leaf || leaf.error || !leaf.eku) {
    for (const f of VERIFIER_FAMILIES) fail(fam[f], 'E2', 0, 'the certificate could not be decoded, so no verifier would accept it');
    return { purpose, ekuOid: oid, leafEku: 'undecodable', verdicts: fam, certificatesEvaluated: chain.length, notes };
  }
  const leafStatus = ekuStatus(leaf, ekuName);

  // ---- Leaf EKU: E1, E2, E3, E4 ----
  switch (leafStatus) {
    case 'no-eku-extension':
      for (const f of VERIFIER_FAMILIES) note(fam[f], 'E1', 0, 'no Extended Key Usage extension: no purpose restriction');
      break;
    case 'present':
      break;
    case 'any-eku-only': {
      const t = `Extended Key Usage lists anyExtendedKeyUsage but not ${ekuName}`;
      note(fam.go, 'E3', 0, `${t}: Go accepts it for any purpose`);
      note(fam.java, 'E3', 0, `${t}: Java accepts it for any purpose`);
      fail(fam.openssl, 'E3', 0, `${t}: OpenSSL does not accept anyExtendedKeyUsage for TLS`);
      fail(fam.nss, 'E3', 0, `${t}: NSS does not accept anyExtendedKeyUsage for TLS`);
      fail(fam.windows, 'E3', 0, `${t}: Windows behaviour with anyExtendedKeyUsage alone is not established`);
      fam.windows.uncertain = true;
      break;
    }
    case 'missing': {
      const sgc = purpose === 'sslServer' && leaf.eku.oids.some((o) => SGC.includes(o));
      const t = `Extended Key Usage (${leaf.eku.names.join(', ') || 'empty'}) does not include ${ekuName} (${oid})`;
      for (const f of VERIFIER_FAMILIES) {
        if (sgc && (f === 'openssl' || f === 'go')) note(fam[f], 'E2', 0, `${t}, but Server Gated Crypto is accepted as serverAuth`);
        else fail(fam[f], 'E2', 0, t);
      }
      break;
    }
  }
  if (leaf.eku.present && leaf.eku.critical) note(fam.openssl, 'E4', 0, 'the EKU extension is critical; criticality does not change the verdict');

  // ---- CA certificates above the leaf: E5 (EKU) and E7 (keyCertSign, Netscape SSL CA) ----
  // Go: usages are intersected from the root down; a CA with no EKU or with anyEKU passes through.
  for (let i = 1; i < chain.length; i++) {
    const ca = chain[i]!;
    if (ca.error || !ca.eku) {
      notes.push(`CA certificate ${i} could not be decoded; its EKU was not evaluated`);
      continue;
    }
    if (ca.eku.present) {
      const strict = strictEkuAllows(ca, oid, purpose, true);
      const text = `${who(i)} (${ca.subject?.rfc4514 ?? '?'}) has Extended Key Usage ${ca.eku.names.join(', ') || 'empty'} without ${ekuName}, which constrains every certificate below it`;
      if (!strict) {
        fail(fam.openssl, 'E5', i, `${text}; OpenSSL checks the purpose on every certificate in the chain`);
        fail(fam.nss, 'E5', i, `${text}; NSS applies CA EKUs to the chain`);
        fail(fam.windows, 'E5', i, `${text}; Windows CryptoAPI intersects EKUs over the path`);
        if (ca.eku.anyExtendedKeyUsage) {
          note(fam.go, 'E5', i, `${who(i)} lists anyExtendedKeyUsage, which Go treats as no restriction`);
          fam.windows.uncertain = true;
        } else fail(fam.go, 'E5', i, `${text}; Go intersects usages from the root down`);
        // Java is believed to check only the leaf (the rule book marks it uncertain).
        note(fam.java, 'E5', i, `${text}; Java is believed to check the leaf only, so it probably accepts`);
        fam.java.uncertain = true;
      } else if (!ca.eku.oids.includes(oid)) {
        // Only SGC let it through (sslServer): Go does the same.
        note(fam.openssl, 'E5', i, `${who(i)} allows the purpose through Server Gated Crypto`);
      }
    }
    // E7: a CA's Key Usage must include keyCertSign (OpenSSL check_ca; Java, NSS and Windows too; Go ignores KU).
    if (ca.keyUsage && !ca.keyUsage.usages.includes('keyCertSign')) {
      const t = `${who(i)} has Key Usage (${ca.keyUsage.usages.join(', ') || 'empty'}) without keyCertSign`;
      for (const f of ['openssl', 'java', 'nss', 'windows'] as const) fail(fam[f], 'E7', i, t);
    }
    const ns = nsProblem(ca, i, purpose);
    if (ns) fail(fam.openssl, 'E7', i, `${who(i)}: ${ns}`);
  }

  // ---- Leaf Key Usage and Netscape cert type: E7, then the suite's need: E8 ----
  const kuProblem = leafKuProblem(leaf, purpose);
  if (kuProblem) for (const f of ['openssl', 'java', 'nss', 'windows'] as const) fail(fam[f], 'E7', 0, kuProblem);
  const ns = nsProblem(leaf, 0, purpose);
  if (ns) {
    fail(fam.openssl, 'E7', 0, ns);
    fail(fam.java, 'E7', 0, ns);
  }
  if (keyUsageNeed && leaf.keyUsage && !leaf.keyUsage.usages.includes(keyUsageNeed)) {
    const t = `the negotiated exchange needs Key Usage ${keyUsageNeed}, which the certificate does not allow (${leaf.keyUsage.usages.join(', ') || 'empty'})`;
    if (!kuProblem) for (const f of ['openssl', 'java', 'nss', 'windows'] as const) fail(fam[f], 'E8', 0, t);
    else for (const f of ['openssl', 'java', 'nss', 'windows'] as const) note(fam[f], 'E8', 0, t);
  }
  if (leaf.keyUsage && (kuProblem || ns || (keyUsageNeed && !leaf.keyUsage.usages.includes(keyUsageNeed)))) {
    note(fam.go, 'E7', 0, 'Go does not check Key Usage or Netscape cert type in TLS');
  }

  if (chain.length === 1 && !leaf.isSelfIssued) notes.push('only the leaf was available: EKUs of the CA certificates above it (E5) were not checked');
  return { purpose, ekuOid: oid, leafEku: leafStatus, verdicts: fam, certificatesEvaluated: chain.length, notes };
}

/** Short form: which families accept, which reject. */
export function verdictSummary(v: PurposeVerdict): { accept: VerifierFamily[]; reject: VerifierFamily[]; uncertain: VerifierFamily[] } {
  const accept = VERIFIER_FAMILIES.filter((f) => v.verdicts[f].ok);
  const reject = VERIFIER_FAMILIES.filter((f) => !v.verdicts[f].ok);
  const uncertain = VERIFIER_FAMILIES.filter((f) => v.verdicts[f].uncertain);
  return { accept, reject, uncertain };
}
