/**
 * The EKU and Key Usage verdict on a presented chain, worded for the rule that decided it: E1/E2
 * (the leaf's own EKU), E3 (anyExtendedKeyUsage alone), E5 (a CA above the leaf), E7/E8 (Key Usage).
 * Each of those rules' modules emits the finding when the verdict is its own.
 */
import type { PresentedFacts, StoreRoleFacts } from '../checks.js';
import { clientStoreServices } from '../facts/audit.js';
import type { RuleFinding } from '../finding.js';
import { kuFix } from '../facts/fixes.js';
import { certName, certSummary, familyNote } from '../facts/words.js';

/** The finding on the chain's EKU: failing (E2, E3, E5) or passing (E1, E2). */
export function ekuFinding(f: PresentedFacts): RuleFinding | undefined {
  const { p, sid, frames, what, verdict } = f;
  if (!verdict) return undefined;
  const { leaf, v, ekuFail, completed, fix, sevFor } = verdict;
  const need = p.need;
  if (ekuFail) {
    const rule = ekuFail.rule as 'E2' | 'E3' | 'E5';
    const code =
      rule === 'E5' ? (p.from === 'client' ? 'ca-eku-blocks-clientauth' : 'ca-eku-blocks-serverauth') : rule === 'E3' ? 'anyeku-only' : p.from === 'client' ? 'client-cert-lacks-clientauth' : 'server-cert-lacks-serverauth';
    const title =
      rule === 'E5'
        ? `The ${what}'s chain does not allow ${need.eku}: a CA above the leaf restricts EKU`
        : rule === 'E3'
          ? `The ${what} lists only anyExtendedKeyUsage: passes Go/Java verifiers, fails OpenSSL/NSS`
          : `The ${what} lacks ${need.eku}${completed && need.level === 'not-checked' ? ': accepted only because EKU checking is Off (X4)' : completed && need.level === 'if-checked' ? ': this peer does not check it' : ''}`;
    const needText =
      need.level === 'required'
        ? ` It needs ${need.eku} because ${need.because}.`
        : need.level === 'not-checked'
          ? ` It would need ${need.eku} where the peer checks it; it ${completed ? 'was accepted here' : 'is not checked here'} because ${need.because}.${completed ? ' Services that always check it (SSH tunnels, X5) still fail (X7).' : ''}`
          : ` It needs ${need.eku} if the peer checks it: ${need.because}.${completed ? ' The handshake completed, so this peer evidently does not check it; a peer that does will refuse it (X7).' : ''}`;
    return {
      severity: sevFor(need.level),
      rule,
      alsoRules: [...need.rules],
      session: sid,
      frames,
      code,
      title,
      detail: `${certSummary(leaf)}: ${ekuFail.text}.${familyNote(v)}${needText}`,
      fix,
    };
  }
  return {
    severity: 'ok',
    rule: leaf.eku?.present ? 'E2' : 'E1',
    session: sid,
    frames,
    code: p.from === 'client' ? 'client-cert-has-clientauth' : 'server-cert-has-serverauth',
    title: leaf.eku?.present ? `The ${what} has ${need.eku}` : `The ${what} has no EKU extension, so no purpose restriction (E1)`,
    detail: `${certSummary(leaf)}${v.certificatesEvaluated > 1 ? `; the ${v.certificatesEvaluated - 1} CA certificate(s) above it allow it too (E5)` : ''}. It needs ${need.eku}${need.level === 'required' ? ' because' : need.level === 'not-checked' ? ' only where checked; here' : ' if the peer checks it:'} ${need.because}.`,
  };
}

/** The finding on the chain's Key Usage (or Netscape cert type), E7 or E8, when it fails. */
export function kuFinding(f: PresentedFacts): RuleFinding | undefined {
  const { p, sid, frames, what, verdict } = f;
  const kuFail = verdict?.kuFail;
  if (!verdict || !kuFail) return undefined;
  const need = p.need;
  // E7 on a CA (keyCertSign, Netscape SSL CA bit) is the CA's, never the leaf's.
  const holder = kuFail.certIndex > 0 ? p.chain?.chain[kuFail.certIndex] : verdict.leaf;
  return {
    severity: verdict.sevFor(need.level === 'not-checked' ? 'if-checked' : need.level),
    rule: kuFail.rule as 'E7' | 'E8',
    session: sid,
    frames,
    code: kuFail.certIndex > 0 ? 'ca-ku-not-allowed' : kuFail.rule === 'E8' ? 'ku-suite-mismatch' : 'ku-not-allowed',
    title: kuFail.certIndex > 0 ? `A CA certificate above the ${what} does not allow signing certificates (Key Usage or Netscape cert type)` : `The ${what}'s Key Usage does not allow its use here`,
    detail: `${holder ? certName(holder) : `CA certificate ${kuFail.certIndex}`}: ${kuFail.text}.`,
    fix: kuFix(p, kuFail.certIndex),
  };
}

/**
 * A store's leaf judged for its role (E2, E3, E5 on the client store; E2, E5 on the server store),
 * or, asked for, that it has what it needs.
 */
export function storeVerdictFinding(f: StoreRoleFacts): RuleFinding | undefined {
  if (!f.judged) return undefined;
  const { role, entries } = f;
  const { box, name } = f.store;
  const { leaf, v, e5, eku } = f.judged;
  const opts = { includeOk: f.store.includeOk };
  const need = role === 'client' ? 'clientAuth' : 'serverAuth';
  const out: RuleFinding[] = [];
  if (role === 'client' && (eku || e5)) {
    const losses = clientStoreServices(box);
    out.push({
      severity: 'error',
      rule: e5 && !eku ? 'E5' : eku?.rule ?? 'E2',
      alsoRules: ['X7', 'X1'],
      frames: [],
      code: e5 && !eku ? 'client-store-ca-eku-trap' : 'client-store-lacks-clientauth',
      title: `${name}: the client-store certificate cannot authenticate a TLS client`,
      detail: `${entries[0]!.file}: ${certSummary(leaf)}. ${(eku ?? e5)!.text}.${familyNote(v)} Services that lose when the peer checks clientAuth: ${losses.map((l) => `${l.service} — ${l.when}`).join('; ')}.`,
      fix: e5 && !eku ? 'Use a client certificate whose CA certificates carry no EKU restriction (a private CA), E5.' : 'Put a certificate with clientAuth (e.g. from a private CA, the document\'s condition 2.1) in the client store.',
    });
  } else if (role === 'server' && (eku || e5)) {
    out.push({
      severity: 'error',
      rule: e5 && !eku ? 'E5' : 'E2',
      frames: [],
      code: 'server-store-lacks-serverauth',
      title: `${name}: the server-store certificate cannot authenticate a TLS server`,
      detail: `${entries[0]!.file}: ${certSummary(leaf)}. ${(eku ?? e5)!.text}.`,
      fix: 'Put a certificate with serverAuth in the server store.',
    });
  } else if (opts.includeOk) {
    out.push({ severity: 'ok', rule: 'E2', frames: [], code: `${role}-store-ok`, title: `${name}: the ${role}-store certificate has ${need}`, detail: `${entries[0]!.file}: ${certSummary(leaf)}.` });
  }
  return out[0];
}
