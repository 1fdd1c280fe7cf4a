/**
 * How the rules apply to one leg of a service: which store each end presents (X1), whether the verifier
 * trusts it, whether its chain fits the purpose (E rules as OpenSSL applies them, X9) and checking mode (X4).
 */
import { buildChain, evaluatePurpose, type PurposeReason, type TlsPurpose } from '../../x509/index.js';
import type { OnOff } from '../xconf.js';
import type { DomainRuleId } from '../rulebook.js';
import type { BoxInput, FarEnds, StoreCert, Tri } from './inputs.js';
import { CAPTURES, type CaptureRef, type CaseKey, type Outcome, type Prediction, type Reason, type WhatIfServiceId } from './result.js';

const SEVERITY: Record<Outcome, number> = { works: 0, uncertain: 1, depends: 2, fails: 3 };

function worst(reasons: readonly Reason[]): Outcome {
  let o: Outcome = 'works';
  for (const r of reasons) if (SEVERITY[r.effect] > SEVERITY[o]) o = r.effect;
  return o;
}

interface PurposeCheck {
  readonly ok: boolean;
  readonly kind: 'ok' | 'leaf' | 'chain' | 'any-only' | 'other';
  readonly rules: readonly DomainRuleId[];
  readonly why: string;
  /** A CA's EKU is the only problem: Java (leaf only) probably accepts. */
  readonly chainOnly: boolean;
}

/** Judges a chain as Expressway's OpenSSL would (X9): the openssl verdict of evaluatePurpose. */
export function purposeCheck(cert: StoreCert, purpose: TlsPurpose): PurposeCheck {
  const v = evaluatePurpose(cert.chain, purpose);
  const ossl = v.verdicts.openssl;
  const fails: PurposeReason[] = ossl.reasons.filter((r) => r.fails);
  if (ossl.ok) return { ok: true, kind: 'ok', rules: v.leafEku === 'no-eku-extension' ? ['E1'] : ['E2', 'E5'], why: '', chainOnly: false };
  const rules = [...new Set(fails.map((r) => r.rule))];
  const chainOnly = fails.every((r) => r.rule === 'E5');
  const kind = v.leafEku === 'missing' ? 'leaf' : v.leafEku === 'any-eku-only' ? 'any-only' : chainOnly ? 'chain' : 'other';
  return { ok: false, kind, rules, why: fails[0]?.text ?? 'purpose check fails', chainOnly };
}

const EKU_OF: Record<TlsPurpose, string> = { sslClient: 'clientAuth', sslServer: 'serverAuth' };

function lackText(who: string, cert: StoreCert, pc: PurposeCheck, purpose: TlsPurpose): string {
  const eku = EKU_OF[purpose];
  switch (pc.kind) {
    case 'leaf':
      return `${who} lacks ${eku} (EKU ${cert.chain[0]!.eku?.names.join(' + ') || 'empty'})`;
    case 'chain':
      return `${who} has ${eku}, but a CA above it restricts EKU without ${eku} (${pc.why}), which OpenSSL, Go, Windows and NSS verifiers apply to the leaf; Java probably accepts`;
    case 'any-only':
      return `${who} lists only anyExtendedKeyUsage: Go and Java accept it, OpenSSL (Expressway) and NSS do not`;
    default:
      return `${who} is not acceptable for ${eku}: ${pc.why}`;
  }
}

export type Trust = 'yes' | 'no' | 'unknown' | 'assumed';

/** Does `verifier` trust `cert`'s chain? Bundle lists when given; otherwise by issuer kind. */
export function trustOf(cert: StoreCert, verifier: BoxInput | 'remote' | 'internal', farEnds: FarEnds): Trust {
  if (verifier === 'internal') return 'assumed';
  if (verifier === 'remote') {
    if (cert.issuer === 'public') return 'yes';
    if (cert.issuer === 'private') return farEnds.remoteTrustsPrivate;
    return farEnds.remoteTrustsPrivate === 'yes' ? 'yes' : 'unknown';
  }
  if (!verifier.trusted || cert.origin !== 'bundle') return 'assumed';
  const leaf = cert.chain[0]!;
  const built = buildChain(leaf, { presented: cert.chain.slice(1), trusted: verifier.trusted });
  return built.status === 'complete' ? 'yes' : 'no';
}

function issuerName(cert: StoreCert): string {
  const leaf = cert.chain[0]!;
  if (cert.origin === 'bundle') return leaf.issuer?.rfc4514 ?? 'its issuer';
  return cert.issuer === 'private' ? 'the private CA1' : cert.issuer === 'public' ? 'the public CA' : 'its issuer';
}

export interface Leg {
  readonly reasons: Reason[];
  readonly cases: CaseKey[];
  readonly uncertain: string[];
  readonly fix: string[];
}

export function newLeg(): Leg {
  return { reasons: [], cases: [], uncertain: [], fix: [] };
}

const X4_OFF_UNCERTAIN =
  'X4 "Off" is not fully specified: the document says the clientAuth check is skipped but serverAuth "is still checked if present"; ekuscope reads that as "the client certificate needs serverAuth when its EKU extension is present"';

/** Expressway presents its client store to a verifier (X1). */
export function clientLeg(
  leg: Leg,
  who: string,
  cert: StoreCert | undefined,
  verifierName: string,
  checks: Tri,
  checkRules: readonly DomainRuleId[],
  trust: Trust,
  opts: { x4Off?: boolean; onFailCases?: CaseKey[]; onChainCases?: CaseKey[]; okCases?: CaseKey[]; remoteCases?: boolean } = {},
): void {
  if (!cert) {
    leg.reasons.push({ effect: 'uncertain', text: `no certificate was given for ${who}`, rules: ['X1'] });
    return;
  }
  const pc = purposeCheck(cert, 'sslClient');
  if (pc.ok) {
    leg.reasons.push({ effect: 'works', text: `${who} allows clientAuth on the leaf and every CA above it${pc.rules.includes('E1') ? ' (no EKU extension: no restriction)' : ''}`, rules: ['X1', ...pc.rules] });
    // A capture of the working case helps unless trust is known to fail.
    if (trust !== 'no') leg.cases.push(...(opts.okCases ?? []));
  } else if (checks === 'yes') {
    const alert = pc.kind === 'chain' ? 'an OpenSSL verifier answers fatal alert 43 unsupported_certificate (T5)' : 'an OpenSSL verifier answers fatal alert 43 unsupported_certificate; Go 42, Java 46 (T5)';
    leg.reasons.push({ effect: 'fails', text: `${lackText(who, cert, pc, 'sslClient')} and ${verifierName} checks clientAuth: ${alert}`, rules: ['X1', ...checkRules, ...pc.rules, 'T5'] });
    leg.cases.push(...(pc.kind === 'chain' ? (opts.onChainCases ?? opts.onFailCases ?? []) : (opts.onFailCases ?? [])));
    if (opts.remoteCases) leg.cases.push('remote:eku');
    leg.fix.push(`put a certificate whose whole chain allows clientAuth (a private CA such as CA1) in ${who.replace(/'s .*$/, "'s")} client store`);
  } else if (checks === 'no') {
    const leaf = cert.chain[0]!;
    if (opts.x4Off && leaf.eku?.present && !leaf.eku.serverAuth && !leaf.eku.anyExtendedKeyUsage) {
      leg.reasons.push({ effect: 'uncertain', text: `${lackText(who, cert, pc, 'sslClient')}; ${verifierName} skips the clientAuth check (X4 Off) but may still require serverAuth, which this certificate also lacks`, rules: ['X4'] });
      leg.uncertain.push(X4_OFF_UNCERTAIN);
    } else {
      leg.reasons.push({ effect: 'works', text: `${lackText(who, cert, pc, 'sslClient')}, but ${verifierName} does not check clientAuth`, rules: ['X1', ...checkRules, ...pc.rules] });
      if (opts.x4Off) leg.uncertain.push(X4_OFF_UNCERTAIN);
    }
    if (opts.remoteCases) leg.cases.push('remote:eku');
  } else {
    leg.reasons.push({
      effect: 'depends',
      text: `${lackText(who, cert, pc, 'sslClient')}: works only where ${verifierName} disables its clientAuth check (X7)`,
      rules: ['X1', 'X7', ...pc.rules],
    });
    if (opts.remoteCases) leg.cases.push('remote:eku');
    leg.fix.push(`a certificate with clientAuth on its whole chain in ${who.replace(/'s .*$/, "'s")} client store, or ${verifierName} must not check clientAuth`);
  }
  trustLeg(leg, cert, verifierName, trust, opts.remoteCases === true);
}

function trustLeg(leg: Leg, cert: StoreCert, verifierName: string, trust: Trust, remote: boolean): void {
  if (trust === 'no') {
    leg.reasons.push({ effect: 'fails', text: `${verifierName} does not trust ${issuerName(cert)}: it rejects the chain with fatal alert 48 unknown_ca, a trust failure, not EKU (T5)`, rules: ['T5'] });
    if (remote) leg.cases.push('remote:untrusted');
    leg.fix.push(`${verifierName} must trust ${issuerName(cert)}, or use a chain it already trusts`);
  } else if (trust === 'unknown') {
    leg.reasons.push({ effect: 'depends', text: `works only if ${verifierName} trusts ${issuerName(cert)} (a far end that cannot load a private CA rejects it: unknown_ca, document condition 3)`, rules: ['T5'] });
    if (remote) leg.cases.push('remote:untrusted');
  }
}

/** Expressway presents its server store to a TLS client (X1, E6). */
export function serverLeg(leg: Leg, who: string, cert: StoreCert | undefined, clientName: string, trust: Trust, remote: boolean, devices?: 'devices' | 'browsers'): void {
  if (!cert) {
    leg.reasons.push({ effect: 'uncertain', text: `no certificate was given for ${who}`, rules: ['X1'] });
    return;
  }
  const pc = purposeCheck(cert, 'sslServer');
  if (!pc.ok) {
    leg.reasons.push({ effect: 'fails', text: `${lackText(who, cert, pc, 'sslServer')}: ${clientName} verifies it for "SSL server" (E6)`, rules: ['X1', 'E6', ...pc.rules] });
    leg.fix.push(`a server certificate with serverAuth in ${who.replace(/'s .*$/, "'s")} server store`);
  }
  if (devices && cert.issuer !== 'public') {
    leg.reasons.push({
      effect: 'works',
      caveat: true,
      text:
        devices === 'devices'
          ? `${who} is not from a public CA: MRA clients show certificate warnings to accept unless its CA is in the operating system's trust store (document condition 3)`
          : `${who} is not from a public CA: browsers warn or refuse unless its CA is trusted (document condition 3)`,
      rules: ['X1'],
    });
    return;
  }
  trustLeg(leg, cert, clientName, trust, remote);
}

/** A far end presents its certificate to Expressway `box`, which checks it per X4. */
export function peerLeg(leg: Leg, peerName: string, boxName: string, box: BoxInput, peer: StoreCert | undefined): void {
  if (box.checking === 'Off') {
    leg.reasons.push({ effect: 'works', text: `${boxName}'s checking is Off: ${peerName}'s certificate needs no clientAuth (X4)`, rules: ['X4'] });
    leg.uncertain.push(X4_OFF_UNCERTAIN);
    return;
  }
  if (!peer) {
    leg.reasons.push({
      effect: 'depends',
      text: `${boxName}'s checking is On: ${peerName}'s own certificate must allow clientAuth (X4); a 2026 public certificate does not, and it is not among the inputs`,
      rules: ['X4'],
    });
    return;
  }
  const pc = purposeCheck(peer, 'sslClient');
  if (pc.ok) leg.reasons.push({ effect: 'works', text: `${peerName}'s certificate allows clientAuth, which ${boxName} checks (X4 On)`, rules: ['X4', ...pc.rules] });
  else {
    leg.reasons.push({ effect: 'fails', text: `${lackText(`${peerName}'s certificate`, peer, pc, 'sslClient')} and ${boxName} checks clientAuth (X4 On): alert 43 (T5)`, rules: ['X4', ...pc.rules, 'T5'] });
    leg.fix.push(`${peerName} needs a clientAuth certificate, or ${boxName}'s checking set to Off (X4)`);
  }
}

export function finish(
  id: WhatIfServiceId,
  name: string,
  path: string,
  presents: string,
  leg: Leg,
  extraUncertain: readonly string[] = [],
): Prediction {
  const outcome = worst(leg.reasons);
  const captures: CaptureRef[] = [];
  for (const key of leg.cases) for (const ref of CAPTURES[key]) if (!captures.some((c) => c.folder === ref.folder)) captures.push(ref);
  const rules = [...new Set(leg.reasons.flatMap((r) => r.rules))];
  const decisive = leg.reasons.filter((r) => r.effect === outcome);
  const caveat = outcome === 'works' && leg.reasons.some((r) => r.caveat);
  const summary =
    outcome === 'works'
      ? caveat
        ? 'works, with certificate warnings'
        : 'works'
      : outcome === 'fails'
        ? 'fails'
        : outcome === 'depends'
          ? 'depends on the far end'
          : 'uncertain';
  const fix = [...new Set(leg.fix)];
  return {
    id,
    name,
    path,
    presents,
    outcome,
    summary: decisive.length && outcome !== 'works' ? `${summary}: ${decisive[0]!.text}` : summary,
    reasons: leg.reasons,
    uncertain: [...new Set([...leg.uncertain, ...extraUncertain])],
    captures,
    rules,
    ...(fix.length && outcome !== 'works' ? { fix: fix.join('; ') } : {}),
  };
}

export function tri(mode: OnOff): Tri {
  return mode === 'On' ? 'yes' : 'no';
}
