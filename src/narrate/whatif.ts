/**
 * The what-if advisor's result as a neutral document (text and Markdown render it) and as versioned
 * JSON. Pure: the predictions come from expressway/whatif.ts.
 */
import type { BoxInput, Outcome, Prediction, StoreCert, WhatIfResult } from '../expressway/whatif.js';
import type { Block, Doc, Finding, Inline, Severity } from './doc.js';

export const WHATIF_SCHEMA = 'ekuscope.whatif/1';

const SEVERITY: Record<Outcome, Severity> = { works: 'ok', fails: 'error', depends: 'warning', uncertain: 'info' };
const WORD: Record<Outcome, string> = { works: 'works', fails: 'FAILS', depends: 'depends on the far end', uncertain: 'uncertain' };
/** Shorter words for the table; the "Why" section spells them out. */
const CELL: Record<Outcome, string> = { works: 'works', fails: 'FAILS', depends: 'depends (far end)', uncertain: 'uncertain' };

export function outcomeSeverity(o: Outcome): Severity {
  return SEVERITY[o];
}

function outcomeCell(p: Prediction): Inline[] {
  const caveat = p.outcome === 'works' && p.reasons.some((r) => r.caveat);
  return [{ kind: 'severity', severity: caveat ? 'warning' : SEVERITY[p.outcome] }, ' ', p.outcome === 'fails' ? { kind: 'strong', text: CELL[p.outcome] } : caveat ? 'works (cert. warnings)' : CELL[p.outcome]];
}

function certCell(cert: StoreCert | undefined): Inline[] {
  return cert ? [cert.text] : [{ kind: 'em', text: 'not given' }];
}

function storeRows(name: string, box: BoxInput): Inline[][][] {
  const from = (c: StoreCert | undefined) => (c ? (c.origin === 'bundle' ? `bundle${box.host ? ` ${box.host}` : ''}` : c.origin === 'condition' ? 'document condition' : 'flags') : '');
  return [
    [[name], ['client'], certCell(box.client), [from(box.client)]],
    [[name], ['server'], certCell(box.server), [from(box.server)]],
  ];
}

function finding(p: Prediction): Finding {
  const detail: string[] = p.reasons.map((r) => `${r.text}${r.rules.length ? ` [${r.rules.join(', ')}]` : ''}.`);
  if (p.uncertain.length) detail.push(`Uncertain: ${p.uncertain.join('; ')}.`);
  if (p.captures.length) detail.push(`See ${p.captures.map((c) => `captures/${c.folder} (${c.shows})`).join('; ')}.`);
  const [rule, ...alsoRules] = p.rules.length ? p.rules : (['X1'] as const);
  return {
    severity: p.outcome === 'works' && p.reasons.some((r) => r.caveat) ? 'warning' : SEVERITY[p.outcome],
    rule: rule!,
    ...(alsoRules.length ? { alsoRules } : {}),
    frames: [],
    title: `${p.name} (${p.path}): ${WORD[p.outcome]}`,
    detail: detail.join(' '),
    ...(p.fix ? { fix: p.fix } : {}),
    code: `whatif-${p.id}-${p.outcome}`,
  };
}

/** The advisor's answer as a document: inputs, assumptions, the table, then why, service by service. */
export function whatIfDoc(result: WhatIfResult): Doc {
  const { input, predictions } = result;
  const blocks: Block[] = [];
  const inputs: Block[] = [
    {
      kind: 'table',
      columns: ['box', 'store', 'certificate (leaf EKU; chain)', 'from'],
      rows: [...storeRows('Expressway-C', input.c), ...storeRows('Expressway-E', input.e)],
    },
    {
      kind: 'kv',
      pairs: [
        ['Expressway-C checking', [{ kind: 'code', text: input.c.checking }, ` (${input.c.checkingSource}, X4)`]],
        ['Expressway-E checking', [{ kind: 'code', text: input.e.checking }, ` (${input.e.checkingSource}, X4)`]],
      ],
    },
  ];
  if (result.notes.length) inputs.push({ kind: 'list', items: result.notes.map((n) => [n.text, ` [${n.rules.join(', ')}]`]) });
  blocks.push({ kind: 'section', title: 'Inputs', id: 'inputs', blocks: inputs });
  blocks.push({ kind: 'section', title: 'Assumptions', id: 'assumptions', blocks: [{ kind: 'list', items: result.assumptions.map((a) => [a]) }] });
  blocks.push({
    kind: 'section',
    title: 'Predictions',
    id: 'predictions',
    blocks: [
      {
        kind: 'table',
        columns: ['service', 'TLS client → server', 'store presented', 'prediction', 'rules', 'captures'],
        rows: predictions.map((p) => [
          [p.name],
          [p.path],
          [p.presents],
          outcomeCell(p),
          [p.rules.join(' ')],
          // Folder numbers here; the full captures/… names are in the "Why" section.
          [p.captures.map((c) => c.folder.replace(/^(\d+[a-z]?)-.*$/, '$1')).join(', ')],
        ]),
      },
    ],
  });
  blocks.push({ kind: 'section', title: 'Why', id: 'why', blocks: [{ kind: 'findings', findings: predictions.map(finding) }] });
  return { title: result.title, blocks };
}

function certJson(c: StoreCert | undefined): unknown {
  if (!c) return null;
  return {
    text: c.text,
    issuer: c.issuer,
    origin: c.origin,
    copiedFromServer: c.copiedFromServer,
    chain: c.chain.map((x) => ({
      subject: x.subject?.rfc4514 ?? null,
      ...(c.origin === 'bundle' ? { serial: x.serialDisplay ?? null, sha256: x.sha256 } : {}),
      eku: x.eku?.present ? x.eku.names : null,
    })),
  };
}

function boxJson(b: BoxInput): unknown {
  return { host: b.host ?? null, checking: b.checking, checkingSource: b.checkingSource, client: certJson(b.client), server: certJson(b.server) };
}

/** Versioned JSON of the advisor's answer. */
export function whatIfJson(result: WhatIfResult): unknown {
  const f = result.input.farEnds;
  return {
    schema: WHATIF_SCHEMA,
    title: result.title,
    inputs: {
      c: boxJson(result.input.c),
      e: boxJson(result.input.e),
      farEnds: {
        remoteChecking: f.remoteChecking,
        remoteTrustsPrivate: f.remoteTrustsPrivate,
        cucmChecking: f.cucmChecking,
        neighborChecking: f.neighborChecking,
        peerCert: certJson(f.peerCert),
      },
    },
    notes: result.notes,
    assumptions: result.assumptions,
    predictions: result.predictions.map((p) => ({
      id: p.id,
      name: p.name,
      path: p.path,
      presents: p.presents,
      outcome: p.outcome,
      summary: p.summary,
      rules: p.rules,
      reasons: p.reasons,
      uncertain: p.uncertain,
      captures: p.captures.map((c) => ({ path: `captures/${c.folder}`, shows: c.shows })),
      ...(p.fix ? { fix: p.fix } : {}),
    })),
  };
}
