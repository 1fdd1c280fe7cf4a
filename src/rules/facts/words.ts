/** Small wording helpers shared by the facts, the rules and the explainer. */
import type { Endpoint } from '../../net/index.js';
import { alertDescriptionName } from '../../tls/index.js';
import { verdictSummary, type CertInfo, type PurposeVerdict, type VerifierFamily } from '../../x509/index.js';

export function endpointText(e: Endpoint): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

/** "serverAuth + clientAuth", "serverAuth only", "no EKU extension". */
export function ekuText(c: CertInfo): string {
  if (!c.eku) return 'EKU unreadable';
  if (!c.eku.present) return 'no EKU extension (any purpose, E1)';
  if (c.eku.names.length === 0) return 'an empty EKU';
  if (c.eku.names.length === 1) return `${c.eku.names[0]} only`;
  return c.eku.names.join(' + ');
}

export function certName(c: CertInfo): string {
  return c.subject?.rfc4514 || (c.error ? `an undecodable certificate (${c.sha256.slice(0, 16)}…)` : `certificate ${c.sha256.slice(0, 16)}…`);
}

export function serialText(c: CertInfo): string {
  return c.serialDisplay ?? c.serial ?? '?';
}

/** "CN=cluster.s.com, serial 03a1…, issued by CN=…, EKU serverAuth only" */
export function certSummary(c: CertInfo): string {
  if (c.error) return `an undecodable certificate (SHA-256 ${c.sha256.slice(0, 16)}…: ${c.error})`;
  const eku = c.eku?.present === false ? 'no EKU extension: any purpose, E1' : `EKU ${ekuText(c)}`;
  return `${certName(c)} (serial ${serialText(c)}, issued by ${c.issuer?.rfc4514 ?? '?'}, ${eku})`;
}

export function alertText(description: number | undefined, level?: number): string {
  if (description === undefined) return 'an alert';
  const lv = level === 2 ? 'fatal ' : level === 1 ? 'warning ' : '';
  return `${lv}alert ${description} ${alertDescriptionName(description)}`;
}

/** " OpenSSL, Go reject it; Java accepts it." from a purpose verdict; '' when every family accepts. */
export function familyNote(v: PurposeVerdict): string {
  const s = verdictSummary(v);
  const fam: Record<VerifierFamily, string> = { openssl: 'OpenSSL', go: 'Go', java: 'Java', nss: 'NSS', windows: 'Windows' };
  if (s.reject.length === 0) return '';
  if (s.accept.length === 0) return ' Every verifier family (OpenSSL, Go, Java, NSS, Windows) rejects it.';
  const unc = s.uncertain.length > 0 ? ` (${s.uncertain.map((f) => fam[f]).join(', ')}: probably, the rule book marks this as uncertain)` : '';
  const list = (fs: VerifierFamily[]) => fs.map((f) => fam[f]).join(', ');
  return ` ${list(s.reject)} reject${s.reject.length === 1 ? 's' : ''} it; ${list(s.accept)} accept${s.accept.length === 1 ? 's' : ''} it${unc}.`;
}
