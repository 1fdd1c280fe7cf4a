/**
 * `ekuscope whatif`: composes bundles, flags and the document's condition presets into one
 * WhatIfInput, predicts, and renders the answer. The flag syntax is documented in the README.
 */
import { openBundle } from '../expressway/bundle.js';
import {
  boxFromBundle,
  certFromSpec,
  conditionInput,
  CONDITIONS,
  DEFAULT_FAR_ENDS,
  parseCertSpec,
  predict,
  SpecError,
  withIssuer,
  type BoxId,
  type BoxInput,
  type FarEnds,
  type StoreCert,
  type Tri,
  type WhatIfInput,
  type WhatIfResult,
} from '../expressway/whatif.js';
import type { OnOff } from '../expressway/xconf.js';
import { whatIfDoc, whatIfJson } from '../narrate/whatif.js';
import { renderMarkdown } from '../report/markdown.js';
import { renderText } from '../report/text.js';

export interface WhatIfOptions {
  condition?: string;
  cClient?: string;
  cServer?: string;
  eClient?: string;
  eServer?: string;
  cChecking?: string;
  eChecking?: string;
  cBundle?: string;
  eBundle?: string;
  remoteChecking?: string;
  remoteTrustsPrivate?: string;
  cucmChecking?: string;
  neighborChecking?: string;
  peerCert?: string;
  format: string;
}

export class WhatIfUsageError extends Error {}

function onOff(v: string | undefined, flag: string): OnOff | undefined {
  if (v === undefined) return undefined;
  if (/^on$/i.test(v)) return 'On';
  if (/^off$/i.test(v)) return 'Off';
  throw new WhatIfUsageError(`${flag} must be On or Off, not ${JSON.stringify(v)}`);
}

function triOf(v: string | undefined, flag: string): Tri | undefined {
  if (v === undefined) return undefined;
  const t = v.toLowerCase();
  if (t === 'yes' || t === 'on' || t === 'true') return 'yes';
  if (t === 'no' || t === 'off' || t === 'false') return 'no';
  if (t === 'unknown') return 'unknown';
  throw new WhatIfUsageError(`${flag} must be yes, no or unknown, not ${JSON.stringify(v)}`);
}

interface Loaded {
  box: BoxInput;
  edition?: BoxId;
  problems: readonly string[];
}

async function loadBundles(path: string): Promise<Loaded[]> {
  const set = await openBundle(path);
  const fatal = set.problems.filter((p) => p.severity === 'error');
  if (set.bundles.length === 0) throw new WhatIfUsageError(`${path}: no Expressway diagnostic bundle found${fatal.length ? ` (${fatal.map((p) => p.message).join('; ')})` : ''}`);
  return set.bundles.map((b) => boxFromBundle(b));
}

/** Applies a flag spec to a store: replaces it, copies the server store, or only re-labels the issuer. */
function applySpec(box: BoxId, store: 'client' | 'server', spec: string | undefined, current: StoreCert | undefined, server: StoreCert | undefined): StoreCert | undefined {
  if (spec === undefined) return current;
  const parsed = parseCertSpec(spec);
  if (!parsed.ekuGiven && !parsed.copy && current) {
    if (!parsed.issuer) throw new WhatIfUsageError(`--${box}-${store}: nothing to change`);
    return withIssuer(current, parsed.issuer);
  }
  return certFromSpec(parsed, box === 'c' ? 'expressway-c.example' : 'expressway-e.example', server);
}

export async function buildWhatIfInput(bundlePaths: readonly string[], o: WhatIfOptions): Promise<{ input: WhatIfInput; warnings: string[] }> {
  const warnings: string[] = [];
  const cMode = onOff(o.cChecking, '--c-checking');
  const eMode = onOff(o.eChecking, '--e-checking');
  const farEnds: FarEnds = {
    ...DEFAULT_FAR_ENDS,
    ...(triOf(o.remoteChecking, '--remote-checking') ? { remoteChecking: triOf(o.remoteChecking, '--remote-checking')! } : {}),
    ...(triOf(o.remoteTrustsPrivate, '--remote-trusts-private') ? { remoteTrustsPrivate: triOf(o.remoteTrustsPrivate, '--remote-trusts-private')! } : {}),
    ...(triOf(o.cucmChecking, '--cucm-checking') ? { cucmChecking: triOf(o.cucmChecking, '--cucm-checking')! } : {}),
    ...(onOff(o.neighborChecking, '--neighbor-checking') ? { neighborChecking: onOff(o.neighborChecking, '--neighbor-checking')! } : {}),
    ...(o.peerCert !== undefined ? { peerCert: certFromSpec(parseCertSpec(o.peerCert), 'far-end.example') } : {}),
  };

  let c: BoxInput = { checking: 'On', checkingSource: 'default' };
  let e: BoxInput = { checking: 'On', checkingSource: 'default' };
  let title: string | undefined;
  const haveBundles = bundlePaths.length > 0 || o.cBundle !== undefined || o.eBundle !== undefined;
  if (o.condition !== undefined) {
    if (haveBundles) throw new WhatIfUsageError('--condition describes certificates itself: give it without bundles');
    const preset = conditionInput(o.condition);
    c = preset.c;
    e = preset.e;
    title = preset.title;
  }
  if (haveBundles) {
    const found: Partial<Record<BoxId, BoxInput>> = {};
    const place = (l: Loaded, id: BoxId, from: string) => {
      if (found[id]) throw new WhatIfUsageError(`two bundles for Expressway-${id.toUpperCase()} (${found[id]!.host ?? '?'} and ${l.box.host ?? '?'}): give one with --${id}-bundle`);
      found[id] = l.box;
      warnings.push(...l.problems.map((p) => `${from}: ${p}`));
    };
    for (const [id, path] of [['c', o.cBundle], ['e', o.eBundle]] as const) {
      if (path === undefined) continue;
      const loaded = await loadBundles(path);
      const pick = loaded.length === 1 ? loaded[0]! : loaded.find((l) => l.edition === id);
      if (!pick) throw new WhatIfUsageError(`${path} holds ${loaded.length} boxes and none is recognisably Expressway-${id.toUpperCase()}`);
      place(pick, id, path);
    }
    for (const path of bundlePaths) {
      for (const l of await loadBundles(path)) {
        if (!l.edition) throw new WhatIfUsageError(`${path}: cannot tell whether host ${l.box.host ?? '?'} is Expressway-C or -E (no traversal zone in its xconf): use --c-bundle or --e-bundle`);
        if (found[l.edition] && (l.edition === 'c' ? o.cBundle : o.eBundle)) continue;
        place(l, l.edition, path);
      }
    }
    if (found.c) c = found.c;
    if (found.e) e = found.e;
  }

  // Flags win over bundles and presets. Server first, so that `copy` copies the final server store.
  const apply = (id: BoxId, box: BoxInput, client: string | undefined, server: string | undefined, mode: OnOff | undefined): BoxInput => {
    const s = applySpec(id, 'server', server, box.server, undefined);
    const cl = client === undefined && box.client?.copiedFromServer && server !== undefined ? certFromSpec(parseCertSpec('copy'), '', s) : applySpec(id, 'client', client, box.client, s);
    return {
      ...box,
      ...(cl ? { client: cl } : {}),
      ...(s ? { server: s } : {}),
      ...(mode ? { checking: mode, checkingSource: 'flag' as const } : {}),
    };
  };
  c = apply('c', c, o.cClient, o.cServer, cMode);
  e = apply('e', e, o.eClient, o.eServer, eMode);
  if (!haveBundles && o.condition === undefined && !c.client && !c.server && !e.client && !e.server) {
    throw new WhatIfUsageError(`give bundles, --condition (${CONDITIONS.map((x) => x.id).join(', ')}) or certificate flags such as --c-client eku=serverAuth,clientAuth,issuer=private`);
  }
  return { input: { ...(title ? { title } : {}), c, e, farEnds }, warnings };
}

/** Renders in the requested format. */
export function renderWhatIf(result: WhatIfResult, format: string, color: boolean): string {
  if (format === 'json') return JSON.stringify(whatIfJson(result), null, 2) + '\n';
  const doc = whatIfDoc(result);
  if (format === 'markdown' || format === 'md') return renderMarkdown(doc);
  return renderText(doc, { color });
}

export async function runWhatIf(bundlePaths: readonly string[], o: WhatIfOptions, color: boolean): Promise<{ text: string; warnings: string[]; anyFails: boolean }> {
  if (!['text', 'markdown', 'md', 'json'].includes(o.format)) throw new WhatIfUsageError(`--format must be text, markdown or json, not ${JSON.stringify(o.format)}`);
  try {
    const { input, warnings } = await buildWhatIfInput(bundlePaths, o);
    const result = predict(input);
    return { text: renderWhatIf(result, o.format, color), warnings, anyFails: result.predictions.some((p) => p.outcome === 'fails') };
  } catch (e) {
    if (e instanceof SpecError) throw new WhatIfUsageError(e.message);
    throw e;
  }
}
