/**
 * What the rule book computes about one analysed TLS session before any rule concludes: its ends,
 * what each certificate needed and had, how the handshake ended. Rules read these (checks.ts).
 */
import type { AlertInfo, CertificateMessageInfo, Session } from '../../analysis/index.js';
import type { Endpoint } from '../../net/index.js';
import type { KeyExchange, Role } from '../../tls/index.js';
import { SignatureMemo, type CertInfo, type ChainResult, type KeyUsageNeed, type PurposeVerdict, type ValidityCheck } from '../../x509/index.js';
import type { ExpresswayBox } from '../../expressway/context.js';
import type { TlsLogEvent } from '../../expressway/logs.js';
import type { ServiceNaming } from '../../expressway/services.js';
import type { StoreEntry, StoreMatch } from '../../expressway/stores.js';
import type { RuleFinding } from '../finding.js';
import type { DomainRuleId } from '../ids.js';

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
