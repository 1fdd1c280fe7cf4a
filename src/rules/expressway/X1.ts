import { boxTitle } from '../../expressway/context.js';
import { storeRoleText } from '../../expressway/stores.js';
import type { PresentedFacts, StoreFacts, StoreRoleFacts } from '../checks.js';
import { otherStoreFix, otherStoreMeaning } from '../facts/fixes.js';
import { certSummary } from '../facts/words.js';
import type { RuleFinding } from '../finding.js';
import type { Rule } from '../types.js';

export const X1: Rule = {
  id: 'X1',
  family: 'X',
  title: 'The store rule',
  statement: 'Expressway x15.5 has a server store and a client store, and one trusted CA list. As TLS client it presents the client-store certificate; as TLS server, the server-store certificate.',
  explanation: [
    'The rule book: "x15.5 has a server store and a client store, and one trusted CA list for both. Acting as TLS client, Expressway presents the client-store certificate; acting as TLS server, the server-store certificate. This is \'the store rule\' the tool teaches."',
    'With a diagnostic bundle ekuscope matches each presented certificate against the box\'s stores (by issuer and serial, or fingerprint) and reports whether the box presented the store its role calls for, the other store (a release before x15.5, or a bundle taken at another time), or none of them.',
  ].join('\n\n'),
  fix: 'Run x15.5 or later on every cluster peer, keep a clientAuth certificate in the client store, and download the bundle right after capturing.',
  sources: ['Cisco document 225693', 'Cisco Expressway certificate creation and use guide (x15.5)'],
  checks: {
    presented: [{ order: 1, run: storeRule }],
    store: [{ order: 40, run: storeProblems }, { order: 41, run: privateKeys }],
    storeRole: [{ order: 1, run: emptyStore }],
  },
};

/** X1: did the box present the store its role calls for? */
function storeRule(f: PresentedFacts): RuleFinding[] {
  const { p, sid, frames, end } = f;
  const who = end.short;
  const out: RuleFinding[] = [];
  const st = p.store;
  if (st.kind === 'as-expected') {
    const both = st.alsoIn.length > 0 ? ` It is also in the ${st.alsoIn.map((e) => storeRoleText(e.role)).join(' and ')} (X2).` : '';
    out.push({
      severity: 'ok',
      rule: 'X1',
      session: sid,
      frames,
      code: 'store-as-expected',
      title: `${who} presented its ${st.expected}-store certificate, as the store rule says for a TLS ${p.from}`,
      detail: `The certificate in frame ${p.message.frame} is the one in ${storeRoleText(st.entry.role)} file ${st.entry.file}.${both}`,
    });
  } else if (st.kind === 'other-store') {
    out.push({
      severity: 'error',
      rule: 'X1',
      session: sid,
      frames,
      code: 'store-mismatch',
      title: `${who} presented its ${storeRoleText(st.entry.role)} certificate as TLS ${p.from}; the store rule says ${st.expected} store`,
      detail: `As TLS ${p.from}, Expressway x15.5 presents its ${st.expected}-store certificate (X1), but the certificate in frame ${p.message.frame} is the one in ${st.entry.file}, not in the ${st.expected} store. ${otherStoreMeaning(p, end)}`,
      fix: otherStoreFix(p, end),
    });
  } else if (st.kind === 'not-in-store') {
    out.push({
      severity: 'warning',
      rule: 'X1',
      session: sid,
      frames,
      code: 'store-unknown-cert',
      title: `${who} presented a certificate that is in none of its stores`,
      detail: `The certificate in frame ${p.message.frame} (${p.leaf ? certSummary(p.leaf) : 'undecoded'}) matches neither the client nor the server store of ${boxTitle(st.box)} by issuer and serial or fingerprint: the stores changed since the capture, or the address belongs to another box.`,
      fix: 'Download the diagnostic bundle again right after capturing, so stores and capture agree.',
    });
  }
  return out;
}

/** A store file that could not be read completely. */
function storeProblems(f: StoreFacts): RuleFinding[] {
  const { stores, name } = f;
  const out: RuleFinding[] = [];
  for (const p of stores.problems) out.push({ severity: 'warning', rule: 'X1', frames: [], code: 'store-problem', title: `${name}: a store file could not be read completely`, detail: p });
  return out;
}

/** Private keys in the store files: skipped, and said so. */
function privateKeys(f: StoreFacts): RuleFinding[] {
  const { stores, name } = f;
  const out: RuleFinding[] = [];
  if (stores.privateKeysSkipped > 0)
    out.push({ severity: 'warning', rule: 'X1', frames: [], code: 'private-key-in-store-file', title: `${name}: ${stores.privateKeysSkipped} private key(s) in the store files were skipped`, detail: 'They were not read, kept or printed. A diagnostic bundle should not contain private keys: handle these files as secrets.' });
  return out;
}

/** A store with no certificate in the inputs. */
function emptyStore(f: StoreRoleFacts): RuleFinding[] {
  const { role, entries } = f;
  const { name } = f.store;
  const out: RuleFinding[] = [];
  if (entries.length === 0) {
    out.push({ severity: 'info', rule: 'X1', frames: [], code: `${role}-store-empty`, title: `${name}: no ${role}-store certificate in the inputs`, detail: `No ${role}_*.pem file (or it holds no certificate).` });
    return out;
  }
  return out;
}
