/**
 * What `ekuscope rules` and the viewer's rule panel say about a rule: its id, title and explanation
 * (the rule book, expressway/rulebook.ts), the family it belongs to, the fix it advises where it
 * has one, where it comes from, and the lessons that teach it.
 *
 * The rule book is the one registry of ids and texts; this file adds only what a person reading
 * one rule needs besides, and reads the lessons for where each rule is taught.
 */
import { DOMAIN_RULES, isDomainRule, type DomainRuleId } from '../expressway/rulebook.js';

export type { DomainRuleId };
import { LESSONS } from './lessons.js';

export type RuleFamily = 'E' | 'T' | 'C' | 'X';

/** The four families of DOMAIN.md, in the book's order. */
export const RULE_FAMILIES: readonly { readonly id: RuleFamily; readonly title: string }[] = [
  { id: 'E', title: 'certificates and EKU' },
  { id: 'T', title: 'the handshake' },
  { id: 'C', title: 'what a capture can and cannot show' },
  { id: 'X', title: 'Cisco Expressway' },
];

export interface RuleHelp {
  readonly id: DomainRuleId;
  readonly family: RuleFamily;
  readonly title: string;
  readonly explanation: string;
  /** What to do when a finding rests on this rule; rules that state a fact have none. */
  readonly fix?: string;
  readonly sources: readonly string[];
  /** Lessons that teach the rule (`ekuscope lesson NAME`), and the titles of their steps that cite it. */
  readonly lessons: readonly { readonly name: string; readonly title: string; readonly steps: readonly string[] }[];
}

const FIX: Partial<Record<DomainRuleId, string>> = {
  E2: 'Give the certificate the purpose its role needs: clientAuth (1.3.6.1.5.5.7.3.2) where it is presented as TLS client, serverAuth where it is presented as TLS server. For Expressway\'s client store: a certificate with clientAuth from a private CA.',
  E3: 'Where an OpenSSL or NSS verifier checks the certificate (Expressway is one), list clientAuth or serverAuth in the EKU instead of relying on anyExtendedKeyUsage.',
  E5: 'Use a chain whose CA certificates allow the purpose too (no EKU, or an EKU with clientAuth): for a client certificate in 2026, a private CA; a public serverAuth-only issuing CA cannot make one. Check with `openssl verify -purpose sslclient -untrusted chain.pem leaf.pem`.',
  E7: 'Reissue the certificate with the Key Usage its use needs (a client: digitalSignature; a server: what the suite needs, E8); a CA certificate needs keyCertSign.',
  E8: 'Reissue the server certificate with the Key Usage the suite needs, or let the server choose a suite its Key Usage allows (ECDHE rather than TLS_RSA_* for a certificate without keyEncipherment).',
  T3: 'Put a certificate in the client\'s store that the server accepts: clientAuth in its EKU (and its CA\'s, E5), from a CA the server trusts (the CertificateRequest\'s CA names hint which, T2).',
  T5: 'Follow the alert: 43, fix the purpose (EKU, E2 and E5, or Key Usage, E7); 48, make the verifier trust the issuer, or use a chain it already trusts; 40 or 116, give the client a certificate; 42 and 46, read the verifier\'s log for its reason.',
  T7: 'Capture the session keys (SSLKEYLOGFILE on a client you control) and give them with --keylog; then the certificates and alerts are observed, not inferred.',
  T8: 'The peer gave no reason on the wire: read the verifier\'s own log for why it closed.',
  C1: 'Set the capturing host\'s clock (NTP) when timestamps jump; a certificate\'s validity is still judged at its frame.',
  C2: 'Capture from before the connection is made (start the capture, then restart the zone, the tunnel or the service), not longer.',
  C3: 'Capture whole packets (`tcpdump -s 0`) where both directions pass, so no bytes of a handshake message are missing.',
  C4: 'Capture until the connection has closed, to see what each side sent last.',
  C6: 'Give the session keys with --keylog to read the encrypted alert.',
  X1: 'Put in each store the certificate for its role: the client store\'s is presented as TLS client (it needs clientAuth where the peer checks), the server store\'s as TLS server (serverAuth). A box that presents the other store runs an older release or is a cluster peer not yet upgraded.',
  X2: 'Replace the copied certificate in the client store with one that has clientAuth (a private CA), or keep it knowing that outbound mutual TLS then works only where the far end does not check clientAuth (X7).',
  X3: 'Get a client certificate with clientAuth (a private CA); "Upload server certificate file as client certificate" only where the far ends do not check clientAuth.',
  X4: 'A certificate with clientAuth from a private CA in Expressway-C\'s client store; or checking Off on Expressway-E, knowing SSH tunnels still need clientAuth (X5).',
  X5: 'Expressway-C\'s client-store certificate needs clientAuth, through its whole chain (E5): a private CA. The checking mode does not help the tunnels.',
  X7: 'The document\'s success case: a certificate with clientAuth from a private CA in Expressway-C\'s client store; it works with checking On or Off.',
  X8: 'Give the connecting side\'s certificate clientAuth, and a SAN that matches the address or name the peer connects to.',
};

const SOURCES: Record<RuleFamily, readonly string[]> = {
  E: ['RFC 5280 §4.2.1.12 (extended key usage), §4.2.1.3 (key usage)', 'OpenSSL crypto/x509/v3_purp.c, crypto/x509/x509_vfy.c', 'Go crypto/x509/verify.go', 'OpenJDK EndEntityChecker', 'mozilla::pkix'],
  T: ['RFC 5246 (TLS 1.2)', 'RFC 8446 (TLS 1.3)', 'OpenSSL ssl/statem/statem_lib.c', 'Go crypto/tls/handshake_server.go'],
  C: ['What real captures show: the test corpus with tshark\'s dissection as reference'],
  X: ['Cisco document 225693 (the two certificate stores of x15.5)', 'Cisco document 225482 (preparing Expressway for the clientAuth sunset)', 'Cisco field notices FN74362 and FN74345', 'Cisco Expressway administrator and certificate creation and use guides'],
};

/** Sources a rule has besides its family's. */
const MORE_SOURCES: Partial<Record<DomainRuleId, readonly string[]>> = {
  E3: ['openssl/openssl#20090'],
  T3: ['dotnet/runtime#121982 (.NET leaves out certificates without clientAuth)'],
  T8: ['Node.js 20 tls server, as captured in captures/11-silent-close'],
  C6: ['RFC 5246 §7.1 (ChangeCipherSpec)', 'RFC 8446 §4.1.4 (keys after ServerHello)'],
  C7: ['RFC 8926 (Geneve)', 'RFC 7348 (VXLAN)', 'RFC 2784 (GRE)'],
};

function familyOf(id: DomainRuleId): RuleFamily {
  return id[0] as RuleFamily;
}

/** The lessons that cite a rule, in the lesson list's order. */
function lessonsCiting(id: DomainRuleId): RuleHelp['lessons'] {
  const out: { name: string; title: string; steps: string[] }[] = [];
  for (const l of LESSONS) {
    const steps = l.steps.filter((s) => s.rules?.includes(id)).map((s) => s.title);
    if (steps.length || l.rules.includes(id)) out.push({ name: l.name, title: l.title, steps });
  }
  return out;
}

/** The rule id as written in the book, from any case ("e5" → "E5"); undefined when the book has none. */
export function ruleId(text: string): DomainRuleId | undefined {
  const id = text.trim().toUpperCase();
  return isDomainRule(id) ? id : undefined;
}

/** Everything said about rule `id` (any case), or undefined for an id the book does not have. */
export function ruleHelp(text: string): RuleHelp | undefined {
  const id = ruleId(text);
  if (id === undefined) return undefined;
  const [title, explanation] = DOMAIN_RULES[id];
  const fix = FIX[id];
  return {
    id,
    family: familyOf(id),
    title,
    explanation,
    ...(fix !== undefined && { fix }),
    sources: [...SOURCES[familyOf(id)], ...(MORE_SOURCES[id] ?? [])],
    lessons: lessonsCiting(id),
  };
}

/** Every rule, family by family in the book's order (E, T, C, X), numbers ascending. */
export function allRuleHelp(): RuleHelp[] {
  const ids = Object.keys(DOMAIN_RULES) as DomainRuleId[];
  const rank = (id: DomainRuleId) => RULE_FAMILIES.findIndex((f) => f.id === familyOf(id));
  return ids
    .sort((a, b) => rank(a) - rank(b) || Number(a.slice(1)) - Number(b.slice(1)))
    .map((id) => ruleHelp(id)!);
}

/** "E1–E8 (certificates and EKU), T1–T8 (the handshake), …": the ids the book has, for an error message. */
export function ruleFamiliesText(): string {
  const all = allRuleHelp();
  return RULE_FAMILIES.map((f) => {
    const ids = all.filter((r) => r.family === f.id).map((r) => r.id);
    return `${ids[0]}–${ids[ids.length - 1]} (${f.title})`;
  }).join(', ');
}

/** Rule ids cited in a text: "(T1)", "[T6, T5, X7]", "by X1", "rule E5". */
export function citedRuleIds(text: string): string[] {
  return [...new Set([...text.matchAll(/\b([ETCX][0-9]{1,2})\b(?!\.[0-9])/g)].map((m) => m[1]!))];
}

/** "X1 (The store rule), E6 (Which purpose a verifier checks)": rule ids with their titles, for a citation. */
export function ruleCitations(ids: readonly string[]): string {
  return ids.map((id) => {
    const r = ruleHelp(id);
    return r ? `${r.id} (${r.title})` : id;
  }).join(', ');
}
