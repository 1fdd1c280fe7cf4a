/**
 * `ekuscope check-store`: stores audited without a capture, as an Explanation (doc + JSON). Which
 * certificate loses which service when the peer checks clientAuth (services table, X7), EKU traps in
 * CA certificates (E5), expiry relative to `now` (passed in: this module reads no clock), and the
 * same certificate in both stores (X2). Pure.
 */
import { buildChain, checkValidity, evaluatePurpose } from '../x509/index.js';
import {
  auditStores,
  boxTitle,
  certName,
  clientStoreServices,
  editionText,
  ekuText,
  serialText,
  type ExpresswayBox,
  type ExpresswayContext,
  type StoreEntry,
} from '../expressway/index.js';
import type { Block, Doc, Finding, Inline } from './doc.js';
import type { Explanation } from './explanation.js';

export const CHECK_STORE_SCHEMA_ID = 'ekuscope.check-store/1';

function certRow(e: StoreEntry, now: Date, box: ExpresswayBox): { cells: Inline[][]; json: Record<string, unknown> } {
  const c = e.cert;
  const v = checkValidity(c, now);
  let verdict = '';
  if (!c.error && e.role !== 'ca') {
    const stores = box.stores!;
    const chain = buildChain(c, { trusted: stores.ca.map((x) => x.cert) });
    const p = evaluatePurpose(chain.chain, e.role === 'client' ? 'sslClient' : 'sslServer');
    verdict = p.verdicts.openssl.ok ? `ok for ${e.role === 'client' ? 'clientAuth' : 'serverAuth'}` : `NOT usable as ${e.role === 'client' ? 'client' : 'server'} certificate`;
    if (v.state === 'expired') verdict += ', but expired';
  } else if (!c.error && c.eku?.present && !c.eku.clientAuth && !c.eku.anyExtendedKeyUsage) {
    verdict = 'no client certificates under it (E5)';
  }
  const days = v.daysToExpiry !== undefined ? `${v.daysToExpiry} days` : '?';
  return {
    cells: [[e.role], [certName(c)], [{ kind: 'code', text: serialText(c) }], [c.error ? '?' : ekuText(c)], [c.validity?.notAfterIso.slice(0, 10) ?? '?'], [v.state === 'valid' ? days : v.state], [verdict]],
    json: {
      store: e.role,
      file: e.file,
      subject: c.subject?.rfc4514 ?? null,
      issuer: c.issuer?.rfc4514 ?? null,
      serial: c.serialDisplay ?? null,
      eku: c.eku?.present ? [...c.eku.names] : null,
      notAfter: c.validity?.notAfterIso ?? null,
      validity: v.state,
      daysToExpiry: v.daysToExpiry ?? null,
      sha256: c.sha256,
      verdict: verdict || null,
    },
  };
}

export function explainStores(ctx: ExpresswayContext, now: Date, sources: readonly string[]): Explanation {
  const blocks: Block[] = [];
  const findings: Finding[] = [];
  const boxesJson: unknown[] = [];
  const boxes = ctx.boxes.filter((b) => b.stores);
  blocks.push({
    kind: 'paragraph',
    content: [
      `Stores of ${boxes.length} box(es) from ${sources.join(', ') || 'the files given'}, checked on ${now.toISOString().slice(0, 10)} (expiry is relative to that date). No capture is involved: this says what each certificate can do, not what a peer did.`,
    ],
  });
  for (const box of boxes) {
    const stores = box.stores!;
    const fs = auditStores(box, stores, now, { includeOk: true });
    findings.push(...fs);
    const rows = [...stores.client, ...stores.server, ...stores.ca].map((e) => certRow(e, now, box));
    const kv: [string, Inline[]][] = [
      ['edition', [box.edition === 'expressway' ? 'not stated in the inputs' : `${editionText(box.edition)}${box.editionBasis ? ` (${box.editionBasis})` : ''}`]],
      ['addresses', [box.addresses.join(', ') || 'none known']],
      ['EKU checking', [box.checking ? `${box.checking.mode}${box.checking.defaulted ? ' (default: not in xconf, X4)' : ' (xconf, X4)'}` : 'no xconf dump']],
      ['files', [[...new Set([...stores.client, ...stores.server, ...stores.ca].map((e) => e.file))].join(', ') || 'none']],
    ];
    const clientLeaf = stores.client[0]?.cert;
    let clientOk: boolean | undefined;
    if (clientLeaf && !clientLeaf.error) {
      const chain = buildChain(clientLeaf, { trusted: stores.ca.map((x) => x.cert) });
      clientOk = evaluatePurpose(chain.chain, 'sslClient').verdicts.openssl.ok;
    }
    const services = clientStoreServices(box);
    const svcRows: Inline[][][] = services.map((s) => [
      [s.service],
      [s.when],
      clientOk === undefined ? ['no client-store certificate'] : clientOk ? [{ kind: 'severity', severity: 'ok' }, ' works'] : [{ kind: 'severity', severity: 'error' }, ' fails where the peer checks clientAuth'],
    ]);
    const b: Block[] = [
      { kind: 'kv', pairs: kv },
      { kind: 'table', columns: ['store', 'subject', 'serial', 'EKU', 'not after', 'left', 'verdict'], rows: rows.map((r) => r.cells) },
      { kind: 'section', title: 'Services where this box presents its client store', blocks: [{ kind: 'table', columns: ['service', 'peer needs clientAuth', 'with this client store'], rows: svcRows }] },
    ];
    if (fs.length) b.push({ kind: 'section', title: 'Findings', blocks: [{ kind: 'findings', findings: fs }] });
    blocks.push({ kind: 'section', title: box.source === 'bundle' ? boxTitle(box) : box.name, blocks: b });
    boxesJson.push({
      name: box.name,
      edition: box.edition,
      addresses: [...box.addresses],
      checkingMode: box.checking?.mode ?? null,
      certificates: rows.map((r) => r.json),
      services: services.map((s) => ({ service: s.service, peerNeedsClientAuth: s.when, clientStoreWorks: clientOk ?? null })),
      findings: fs.map((f) => ({ severity: f.severity, rule: f.rule, code: f.code, title: f.title, detail: f.detail, fix: f.fix ?? null })),
    });
  }
  if (boxes.length === 0) blocks.push({ kind: 'paragraph', content: ['No certificate store was found in the inputs.'] });
  const doc: Doc = { title: 'ekuscope check-store', blocks };
  return {
    title: doc.title,
    doc,
    stories: [],
    findings,
    json: { schema: CHECK_STORE_SCHEMA_ID, schemaVersion: 1, redacted: false, checkedAt: now.toISOString(), sources: [...sources], boxes: boxesJson },
  };
}
