/**
 * The one boundary between the project and asn1js/pkijs (ARCHITECTURE.md: a library that throws is
 * wrapped at exactly one place in its stage, as Zeek does with ProtocolViolation). Nothing from
 * pkijs leaks out: callers get plain values inside a Result, and every exception becomes an error
 * value here.
 *
 * Role: pkijs checks the whole certificate against the RFC 5280 §4.1 ASN.1 schema (our walker
 * only reads the fields it needs, so it would accept some things that are not certificates). Its
 * own view of version and validity is returned so the caller can cross-check the walker.
 *
 * asn1js also expands OCTET STRING contents speculatively, so a certificate with 100,000 SANs is
 * hundreds of thousands of nodes to it. The limits below are passed explicitly; hitting one is a
 * 'limit' error, which the caller treats as "schema check skipped", not "not a certificate".
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { type Result, ok, err } from '../bytes/index.js';

export const PKIJS_MAX_NODES = 250_000;
export const PKIJS_MAX_DEPTH = 48;

export interface PkijsView {
  /** Encoded version value (0 = v1, 2 = v3). */
  readonly version: number;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly extensionCount: number;
}

export function checkWithPkijs(der: Uint8Array): Result<PkijsView> {
  try {
    const asn = asn1js.fromBER(der, { maxNodes: PKIJS_MAX_NODES, maxDepth: PKIJS_MAX_DEPTH });
    if (asn.offset === -1) {
      const why = oneLine(String(asn.result.error ?? 'ASN.1 decoding failed'));
      const limit = /Maximum ASN\.1 (node count|nesting depth)/.test(why);
      return err(limit ? 'limit' : 'malformed', limit ? `ASN.1 library limit: ${why}` : `not a valid X.509 certificate (${why})`, 0);
    }
    const cert = new pkijs.Certificate({ schema: asn.result });
    const notBefore = cert.notBefore.value;
    const notAfter = cert.notAfter.value;
    if (!(notBefore instanceof Date) || !(notAfter instanceof Date)) {
      return err('malformed', 'certificate validity times could not be read', 0);
    }
    return ok({ version: cert.version, notBefore, notAfter, extensionCount: cert.extensions?.length ?? 0 });
  } catch (e) {
    const message = e instanceof RangeError ? 'nested too deeply' : e instanceof Error ? e.message : String(e);
    return err('malformed', `not a valid X.509 certificate (${oneLine(message)})`, 0);
  }
}

/** Library messages can be long or carry odd characters; keep one short plain line. */
function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x1f\x7f-\x9f]+/g, ' ').slice(0, 160);
}
