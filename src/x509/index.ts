/**
 * X.509 stage: the only importer of asn1js/pkijs (through pkijs-boundary.ts). Nothing exported
 * here throws on certificate bytes.
 */
export type * from './types.js';
export { parseCertificate, serialForDisplay, MAX_CERT_BYTES } from './certificate.js';
export { loadCertificates, toPem, type LoadedCertificates } from './pem.js';
export { CertPool, type CertId, type CertPoolOptions } from './pool.js';
export {
  buildChain,
  verifySignature,
  SignatureMemo,
  MAX_CHAIN_LENGTH,
  type ChainCandidates,
  type ChainLink,
  type ChainResult,
  type ChainStatus,
  type SignatureCheck,
  type SignatureResult,
} from './chain.js';
export {
  evaluatePurpose,
  ekuStatus,
  purposeEku,
  verdictSummary,
  VERIFIER_FAMILIES,
  type EkuName,
  type EkuStatus,
  type FamilyVerdict,
  type KeyUsageNeed,
  type PurposeReason,
  type PurposeVerdict,
  type RuleId,
  type TlsPurpose,
  type VerifierFamily,
} from './purpose.js';
export { checkValidity, isExpired, isNotYetValid, type ValidityCheck, type ValidityState } from './validity.js';
export { parseName, nameValue, escapeRfc4514Value } from './names.js';
export { escapeForDisplay, hasUnsafeText } from './display.js';
export { OID, EKU_NAMES, KEY_USAGE_BITS, type KeyUsageName, type NetscapeCertTypeName } from './oids.js';
