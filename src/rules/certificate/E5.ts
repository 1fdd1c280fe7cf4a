import { evaluatePurpose } from '../../x509/index.js';
import type { PresentedFacts, StoreFacts, StoreRoleFacts } from '../checks.js';
import { certName } from '../facts/words.js';
import type { RuleFinding } from '../finding.js';
import { citing } from '../citing.js';
import { ekuFinding, storeVerdictFinding } from './purpose.js';
import type { Rule } from '../types.js';

export const E5: Rule = {
  id: 'E5',
  family: 'E',
  title: 'EKU on CA certificates constrains the leaf',
  statement: 'OpenSSL checks the purpose on every certificate of the chain, Go crosses usages out from root to leaf, Windows intersects them over the path, and NSS applies them too; Java is believed to check only the leaf. So a clientAuth leaf under a serverAuth-only intermediate (the shape of 2026 public CAs) fails as a client certificate for OpenSSL, Go, Windows and NSS verifiers.',
  explanation: [
    'The rule book: "EKU on CA certificates constrains the leaf for OpenSSL (purpose checked on every certificate in the chain), Go (usages crossed out root→leaf; CAs with no EKU or anyEKU pass), Windows CryptoAPI (AND over the path) and NSS; Java is believed to check only the leaf. So a clientAuth leaf under a serverAuth-only intermediate (the 2026 public CA shape) fails as a client certificate for OpenSSL, Go, Windows and NSS verifiers. Evaluate the leaf and every CA above it that the capture or the ca_*.pem store supplies."',
    'The Chrome Root Program policy v1.8 requires serverAuth-only hierarchies (new subordinate CAs from 15 June 2026, new leaves from 15 March 2027), so a leaf that itself lists clientAuth can still fail when its issuing CA is restricted to serverAuth. ekuscope checks every CA certificate it can find above the leaf: sent in the capture, sent by the other side, or in a trusted CA list; where the chain is incomplete it says the CA EKUs could not be checked.',
    'Java is believed to check only the leaf: the rule book marks this as uncertain, and so does ekuscope.',
  ].join('\n\n'),
  fix: 'Issue the client certificate under a CA whose certificates carry no EKU restriction (or include clientAuth), e.g. a private CA.',
  sources: ['RFC 5280 §4.2.1.12', 'OpenSSL crypto/x509/x509_vfy.c', 'Go crypto/x509/verify.go', 'Windows CryptoAPI', 'mozilla::pkix', 'Chrome Root Program policy v1.8', 'Cisco field notice FN74362'],
  checks: {
    presented: [{ order: 3, run: citing('E5', ekuFinding) }, { order: 7, run: issuerFromOtherSide }, { order: 8, run: incompleteAsSent }],
    store: [{ order: 30, run: caEkuTrap }],
    storeRole: [{ order: 2, run: citing('E5', storeVerdictFinding) }, { order: 3, run: serverChainNoClientAuth }, { order: 4, run: noCaList }, { order: 5, run: chainIncomplete }],
  },
};

/** The issuer came from the other side's Certificate message: its EKU was checked for the leaf. */
function issuerFromOtherSide(f: PresentedFacts): RuleFinding[] {
  const { p, sid, frames, what } = f;
  if (!f.verdict) return [];
  const out: RuleFinding[] = [];
  const fromOther = p.chain?.links.find((l) => l.issuerSource === 'other-side');
  if (fromOther && p.chain) {
    const ca = p.chain.chain[fromOther.issuer]!;
    out.push({
      severity: 'info',
      rule: 'E5',
      session: sid,
      frames,
      code: 'issuer-presented-by-other-side',
      title: `The ${what}'s issuer was not sent with it, but the other side presented it in this connection`,
      detail: `${certName(ca)}, which issued ${certName(p.chain.chain[fromOther.child]!)}, is in the other side's Certificate message, not in frame ${p.message.frame}: the verifier must hold it itself. Its EKU was checked for the leaf (E5).`,
    });
  }
  return out;
}

/** The issuer is nowhere at hand: the CA EKUs above the leaf could not be checked. */
function incompleteAsSent(f: PresentedFacts): RuleFinding[] {
  const { p, sid, frames, what } = f;
  if (!f.verdict) return [];
  const out: RuleFinding[] = [];
  if (!p.trust && p.chain && p.chain.status === 'missing-intermediate') {
    out.push({
      severity: 'info',
      rule: 'E5',
      session: sid,
      frames,
      code: 'chain-incomplete-as-sent',
      title: `The ${what}'s issuer was not sent and is in no trusted CA list at hand`,
      detail: `${p.chain.notes.join('; ')}. The peer must hold that CA; EKUs of the CA certificates above the leaf (E5) could not be checked.`,
    });
  }
  return out;
}

/** E5 traps among trusted CAs: a CA that restricts EKU to serverAuth cannot issue usable client certificates. */
function caEkuTrap(f: StoreFacts): RuleFinding[] {
  const { stores, name } = f;
  const out: RuleFinding[] = [];
  for (const e of stores.ca) {
    const c = e.cert;
    if (c.error || !c.eku?.present || c.eku.clientAuth || c.eku.anyExtendedKeyUsage) continue;
    out.push({
      severity: 'info',
      rule: 'E5',
      frames: [],
      code: 'ca-eku-trap',
      title: `${name}: trusted CA ${certName(c)} restricts EKU to ${c.eku.names.join(', ') || 'nothing'}`,
      detail: `${e.file}: client certificates issued under it fail OpenSSL, Go, Windows and NSS verifiers even when the leaf has clientAuth (E5).`,
    });
  }
  return out;
}

/** A CA above the server leaf that restricts the other purpose is a trap too (E5), even when this role passes. */
function serverChainNoClientAuth(f: StoreRoleFacts): RuleFinding[] {
  const { role } = f;
  const { stores, name } = f.store;
  if (!f.judged) return [];
  const { chain } = f.judged;
  const out: RuleFinding[] = [];
  if (role === 'server') {
    const cv = evaluatePurpose(chain.chain, 'sslClient');
    const trap = cv.verdicts.openssl.reasons.find((r) => r.fails && r.rule === 'E5');
    if (trap && stores.sameInBoth.length === 0)
      out.push({
        severity: 'info',
        rule: 'E5',
        frames: [],
        code: 'server-chain-no-clientauth',
        title: `${name}: the server certificate's chain can never be used as a client certificate`,
        detail: `${trap.text}. Uploading it as client certificate would not help, even if a new leaf had clientAuth.`,
      });
  }
  return out;
}

/** No trusted CA list to check the client chain's CA EKUs against. */
function noCaList(f: StoreRoleFacts): RuleFinding[] {
  const { role } = f;
  const { stores, name } = f.store;
  if (!f.judged) return [];
  const { chain, e5 } = f.judged;
  const out: RuleFinding[] = [];
  if (role === 'client' && !e5 && chain.chain.length > 1 && stores.ca.length === 0)
    out.push({ severity: 'info', rule: 'E5', frames: [], code: 'no-ca-list', title: `${name}: no trusted CA list to check CA EKUs against`, detail: 'Without ca_*.pem the CA certificates above the leaf were not checked (E5).' });
  return out;
}

/** The client-store certificate does not chain to the box's trusted CA list. */
function chainIncomplete(f: StoreRoleFacts): RuleFinding[] {
  const { role } = f;
  const { stores, name } = f.store;
  if (!f.judged) return [];
  const { chain } = f.judged;
  const out: RuleFinding[] = [];
  if (role === 'client' && chain.status !== 'complete' && stores.ca.length > 0)
    out.push({
      severity: 'warning',
      rule: 'E5',
      frames: [],
      code: `${role}-store-chain-incomplete`,
      title: `${name}: the ${role}-store certificate does not chain to the box's trusted CA list`,
      detail: `${chain.notes.join('; ')}. Its CA certificates' EKUs (E5) could only be checked as far as the chain goes.`,
    });
  return out;
}
