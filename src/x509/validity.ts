/**
 * Validity at a given time (RFC 5280 §4.1.2.5: the period is inclusive of both notBefore and
 * notAfter). The time is always passed in, so reports are reproducible (capture time, not now).
 */
import type { CertInfo } from './types.js';

export type ValidityState = 'valid' | 'expired' | 'not-yet-valid' | 'unknown';

export interface ValidityCheck {
  readonly state: ValidityState;
  /** Whole days until notAfter (negative once expired). */
  readonly daysToExpiry?: number;
  readonly text: string;
}

const DAY = 86_400_000;

export function checkValidity(cert: CertInfo, at: Date): ValidityCheck {
  const v = cert.validity;
  if (!v) return { state: 'unknown', text: 'validity not known (certificate not decoded)' };
  const t = at.getTime();
  const daysToExpiry = Math.floor((v.notAfter.getTime() - t) / DAY);
  if (t < v.notBefore.getTime()) return { state: 'not-yet-valid', daysToExpiry, text: `not valid before ${v.notBeforeIso}` };
  if (t > v.notAfter.getTime()) return { state: 'expired', daysToExpiry, text: `expired on ${v.notAfterIso}` };
  return { state: 'valid', daysToExpiry, text: `valid until ${v.notAfterIso}` };
}

export function isExpired(cert: CertInfo, at: Date): boolean {
  return checkValidity(cert, at).state === 'expired';
}

export function isNotYetValid(cert: CertInfo, at: Date): boolean {
  return checkValidity(cert, at).state === 'not-yet-valid';
}
