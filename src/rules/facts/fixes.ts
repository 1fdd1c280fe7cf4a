/** Fix advice for a presented chain, from what its check found (X1, X3, X4, X5, X7, E5, E7, E8, T5). */
import { boxTitle } from '../../expressway/context.js';
import type { ServiceNaming } from '../../expressway/services.js';
import type { EndAssessment, PresentedAssessment } from './types.js';
import { certName, certSummary, ekuText } from './words.js';

export function clientFix(p: PresentedAssessment, end: EndAssessment, server: EndAssessment, service: ServiceNaming): string {
  // X1: the box sent its server store as TLS client; what its client store holds decides the fix.
  if (p.store?.kind === 'other-store') return otherStoreFix(p, end);
  const who = end.box ? `${boxTitle(end.box)}'s client store` : "the client's certificate";
  // The E5 wording only when the CA is the sole obstacle (the leaf itself has clientAuth).
  const fails = p.purpose?.verdicts.openssl.reasons.filter((r) => r.fails) ?? [];
  const e5 = fails.some((r) => r.rule === 'E5') && !fails.some((r) => r.rule === 'E2' || r.rule === 'E3');
  const base = e5
    ? `Use a client certificate whose whole chain allows clientAuth, e.g. from a private CA whose CA certificates carry no EKU (E5), in ${who}`
    : `Put a certificate with clientAuth in ${who}: e.g. one signed by a private CA that adds clientAuth (the document's condition 2.1); the client store refuses a certificate without clientAuth unless it is uploaded with "Upload server certificate file as client certificate" (X3)`;
  const sid = service.service?.id;
  if (p.need?.level === 'not-checked')
    return `${base}. With checking Off the zone works, but services that always check clientAuth, such as the SSH tunnels (2222) that MRA login and the WebRTC proxy need, keep failing (X5, X7).`;
  if (sid === 'uc-traversal')
    return `${base}. Alternatively set xConfiguration SIP TLS Certificate ExtendedKeyUsage Checking Mode: Off on ${server.box ? boxTitle(server.box) : 'Expressway-E'}: the zone comes up, but SSH tunnels (2222) still need clientAuth, so MRA login and the WebRTC proxy keep failing (X5, X7).`;
  if (sid === 'ssh-tunnels') return `${base}. Turning EKU checking Off does not help here: SSH tunnels always need clientAuth (X5).`;
  if (server.box) return `${base}, or set SIP TLS EKU checking Off on ${boxTitle(server.box)} (X4; SSH tunnels still need clientAuth).`;
  return `${base}, or have the peer disable its clientAuth check (X7).`;
}

/** Alert 48 and chains the verifier cannot complete: trust, not EKU (T5). */
export function trustFix(p: PresentedAssessment | undefined, presenter: EndAssessment, verifier: EndAssessment): string {
  const top = p?.chain?.chain[p.chain.chain.length - 1];
  const ca = top && top !== p?.leaf ? certName(top) : p?.leaf?.issuer?.rfc4514;
  return `${verifier.short} must trust ${ca ?? "the presented certificate's CA"}: add it to ${verifier.box ? `${boxTitle(verifier.box)}'s trusted CA list` : "the peer's trusted CA list"}; or ${presenter.box ? `give ${boxTitle(presenter.box)}` : 'give the sender'} a certificate that chains to a CA the peer trusts (for a client certificate that CA must still allow clientAuth, which public CAs stop offering in 2026).`;
}

/**
 * The fix for a rejected chain, from what its check found: EKU (clientFix/serverFix), a Key Usage
 * or Netscape cert type of the leaf or of a CA (E7, E8), or nothing wrong with its purpose.
 */
export function rejectionFix(p: PresentedAssessment, end: EndAssessment, verifier: EndAssessment, service: ServiceNaming): string | undefined {
  const fails = p.purpose?.verdicts.openssl.reasons.filter((r) => r.fails) ?? [];
  if (p.store.kind === 'other-store') return otherStoreFix(p, end);
  if (fails.some((r) => r.rule === 'E2' || r.rule === 'E3' || r.rule === 'E5')) return p.from === 'client' ? clientFix(p, end, verifier, service) : serverFix(end);
  const ku = fails.find((r) => r.rule === 'E7' || r.rule === 'E8');
  if (ku) return kuFix(p, ku.certIndex);
  return undefined;
}

/** E7/E8: a Key Usage (or Netscape cert type) problem, on the leaf or on the CA that has it. */
export function kuFix(p: PresentedAssessment, certIndex: number): string {
  const what = p.from === 'client' ? 'client certificate' : 'server certificate';
  if (certIndex > 0) {
    const ca = p.chain?.chain[certIndex];
    return `Issue the ${what} under a CA whose certificate allows signing certificates (Key Usage keyCertSign, and the SSL CA bit if it has a Netscape cert type): ${ca ? certName(ca) : 'a CA above the leaf'} does not (E7).`;
  }
  return `Issue the ${what} with a Key Usage that allows this use (${p.kuNeed ?? (p.from === 'client' ? 'digitalSignature' : 'digitalSignature or keyEncipherment')}), and without a Netscape cert type that lacks the SSL ${p.from} bit (E7, E8).`;
}

export function serverFix(end: EndAssessment): string {
  return end.box
    ? `Put a certificate with serverAuth (and a Key Usage the suite needs) in ${boxTitle(end.box)}'s server store (X1).`
    : 'The server needs a certificate with serverAuth and a Key Usage the negotiated suite allows.';
}

// ---------------------------------------------------------------------------------------------
// X1: the wrong store presented.

/** What presenting the other store means for the peer, from the certificates at hand. */
export function otherStoreMeaning(p: PresentedAssessment, end: EndAssessment): string {
  const leaf = p.leaf;
  const rightList = p.from === 'client' ? end.box?.stores?.client : end.box?.stores?.server;
  const right = rightList?.[0]?.cert;
  const lacks = leaf && !leaf.error && leaf.eku?.present === true && (p.from === 'client' ? !leaf.eku.clientAuth : !leaf.eku.serverAuth) && !leaf.eku.anyExtendedKeyUsage;
  const peer = p.from === 'client' ? 'a server that checks clientAuth refuses it (E2, X7)' : 'a client refuses it (E2, E6)';
  return [
    `So the peer got the ${p.from === 'client' ? 'server' : 'client'} certificate where a ${p.from} certificate belongs${lacks ? `: it has ${ekuText(leaf!)}, so ${peer}` : ''}.`,
    right && !right.error ? `The ${p.from} store holds ${certSummary(right)}, which the box did not present.` : '',
    'A box presents the other store when it runs a release before x15.5 (one certificate for both roles; in a cluster, a peer not yet upgraded) or when the bundle was taken at another time than the capture.',
  ]
    .filter((x) => x)
    .join(' ');
}

export function otherStoreFix(p: PresentedAssessment, end: EndAssessment): string {
  const box = end.box ? boxTitle(end.box) : 'the box';
  return `Make ${box} present its ${p.from} store as TLS ${p.from}: run x15.5 or later on it (on every cluster peer), with a certificate in the ${p.from} store that has ${p.from === 'client' ? 'clientAuth' : 'serverAuth'}; and download the bundle right after capturing, so stores and capture agree.`;
}
