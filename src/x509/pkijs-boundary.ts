/**
 * The one boundary between the project and asn1js/pkijs (ARCHITECTURE.md: a library that throws is
 * wrapped at exactly one place in its stage, as Zeek does with ProtocolViolation). Nothing from
 * pkijs leaks out: callers get plain values inside a Result, and every exception, including stack
 * exhaustion on hostile nesting, becomes a 'malformed' error here.
 *
 * pkijs checks the certificate against the RFC 5280 §4.1 ASN.1 schema and supplies the version,
 * the validity times (UTCTime two-digit years per §4.1.2.5.1) and the extension list. Byte-exact
 * fields (serial, Names, SPKI, TBS) and the extension values are read by our own bounded walker in
 * certificate.ts, so a hostile extension value is capped there and never expanded by pkijs.
 */
import * as pkijs from 'pkijs';
import { type Result, ok, err } from '../bytes/index.js';

export interface PkijsFrame {
  /** Encoded version value (0 = v1, 2 = v3). */
  readonly version: number;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly signatureAlgorithmOid: string;
  readonly extensions: readonly { readonly oid: string; readonly critical: boolean; readonly value: Uint8Array }[];
}

export function decodeWithPkijs(der: Uint8Array): Result<PkijsFrame> {
  try {
    const cert = pkijs.Certificate.fromBER(der);
    const notBefore = cert.notBefore.value;
    const notAfter = cert.notAfter.value;
    if (!(notBefore instanceof Date) || Number.isNaN(notBefore.getTime()) || !(notAfter instanceof Date) || Number.isNaN(notAfter.getTime())) {
      return err('malformed', 'certificate validity times could not be read', 0);
    }
    const extensions = (cert.extensions ?? []).map((e) => ({
      oid: String(e.extnID),
      critical: e.critical === true,
      // A copy: asn1js views may alias its own buffers, and we keep nothing of pkijs.
      value: Uint8Array.prototype.slice.call(e.extnValue.valueBlock.valueHexView) as Uint8Array,
    }));
    return ok({
      version: cert.version,
      notBefore,
      notAfter,
      signatureAlgorithmOid: String(cert.signatureAlgorithm.algorithmId),
      extensions,
    });
  } catch (e) {
    const message = e instanceof RangeError ? 'ASN.1 nested too deeply' : e instanceof Error ? e.message : String(e);
    return err('malformed', `not a valid X.509 certificate (${oneLine(message)})`, 0);
  }
}

/** Library messages can be long or carry odd characters; keep one short plain line. */
function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x1f\x7f-\x9f]+/g, ' ').slice(0, 160);
}
