/** What the advisor is asked: each box's stores and checking mode (X4), and what the far ends do. */
import type { CertInfo } from '../../x509/index.js';
import type { OnOff } from '../xconf.js';

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
