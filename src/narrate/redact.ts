/**
 * --redact: addresses and host names replaced consistently (10.106.80.31 → host-1 everywhere,
 * smartslave.vikdutta.com → name-2 everywhere), in the model before any renderer sees it, so every
 * format (text, Markdown, JSON, CSV) is covered by one pass.
 *
 * What is collected: capture endpoints, box addresses and names (system name, host tag, DNS names
 * from xconf), SNI, SAN entries, and CN values that look like host names. Serials and fingerprints
 * are kept: they identify certificates, which a ticket needs (a public certificate can still be
 * looked up by them in CT logs; say so in the README).
 */
import type { Explanation } from './explanation.js';

/** Keys whose values are enumerations written by ekuscope, never names from the input. */
const FIXED_KEYS = new Set(['kind', 'severity', 'rule', 'alsoRules', 'code', 'tone', 'from', 'schema', 'status', 'edition', 'type', 'store', 'identifiedBy', 'clientCertificate', 'outcome']);

interface Collected {
  readonly addresses: string[];
  readonly names: string[];
}

const IPV4 = /^(\d{1,3}\.){3}\d{1,3}$/;
const IPV6 = /^[0-9a-f]*:[0-9a-f:.]+$/i;
const HOSTNAME = /^(\*\.)?[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?)+$/i;

function addValue(c: Collected, v: unknown): void {
  if (typeof v !== 'string' || v.length < 3) return;
  const s = v.trim();
  if (IPV4.test(s) || IPV6.test(s)) {
    if (!c.addresses.includes(s.toLowerCase())) c.addresses.push(s.toLowerCase());
  } else if (/^[A-Za-z0-9][A-Za-z0-9.*-]*$/.test(s)) {
    const n = s.replace(/^\*\./, '').toLowerCase();
    if (n.length >= 3 && !c.names.includes(n)) c.names.push(n);
  }
}

/** CN values that look like host names, from an RFC 4514 string. */
function cnHosts(dn: unknown): string[] {
  if (typeof dn !== 'string') return [];
  const out: string[] = [];
  for (const m of dn.matchAll(/(?:^|,)CN=((?:\\.|[^,\\])+)/g)) {
    const v = m[1]!.replace(/\\(.)/g, '$1');
    if (HOSTNAME.test(v)) out.push(v);
  }
  return out;
}

function collect(node: unknown, c: Collected, key = '', parent = ''): void {
  if (Array.isArray(node)) {
    for (const x of node) collect(x, c, key, parent);
    return;
  }
  if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) collect(v, c, k, key);
    return;
  }
  switch (key) {
    case 'ip':
    case 'addresses':
    case 'dnsNames':
    case 'san':
    case 'sni':
    case 'box':
    case 'name':
    case 'id':
      // Names and ids only of boxes (system names, host tags), not of cases or services.
      if (key === 'name' || key === 'id') {
        if (parent === 'boxes' && typeof node === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]{2,62}$/.test(node)) addValue(c, node);
      } else addValue(c, node);
      break;
    case 'subject':
    case 'issuer':
    case 'caNames':
    case 'trustedCas':
      for (const h of cnHosts(node)) addValue(c, h);
      break;
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface Redactor {
  readonly apply: (s: string) => string;
  readonly replacements: number;
}

export function makeRedactor(model: unknown): Redactor {
  const c: Collected = { addresses: [], names: [] };
  collect(model, c);
  const map = new Map<string, string>();
  c.addresses.forEach((a, i) => map.set(a, `host-${i + 1}`));
  c.names.forEach((n, i) => map.set(n, `name-${i + 1}`));
  const keys = [...map.keys()].sort((a, b) => b.length - a.length);
  if (keys.length === 0) return { apply: (s) => s, replacements: 0 };
  // Boundaries: not inside a longer name or number ("10.106.80.3" must not hit "10.106.80.31"); a
  // trailing sentence period is fine. Underscores are boundaries, so host tags in file names go too.
  const re = new RegExp(`(?<![A-Za-z0-9.:-])(${keys.map(escapeRe).join('|')})(?![A-Za-z0-9-]|\\.[A-Za-z0-9]|:[0-9a-fA-F]*:)`, 'gi');
  return { apply: (s) => s.replace(re, (m) => map.get(m.toLowerCase()) ?? m), replacements: keys.length };
}

function deepMap(node: unknown, f: (s: string) => string, key = ''): unknown {
  if (typeof node === 'string') return FIXED_KEYS.has(key) ? node : f(node);
  if (Array.isArray(node)) return node.map((x) => deepMap(x, f, key));
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = deepMap(v, f, k);
    return out;
  }
  return node;
}

/** A redacted copy of an explanation; the document and JSON stay lazy. */
export function redactExplanation(expl: Explanation): Explanation {
  const r = makeRedactor(expl.json);
  const note = 'Addresses and host names in this report were replaced consistently (--redact); serials and fingerprints are kept.';
  let doc: Explanation['doc'] | undefined;
  let json: unknown;
  return {
    title: r.apply(expl.title),
    stories: deepMap(expl.stories, r.apply) as Explanation['stories'],
    findings: deepMap(expl.findings, r.apply) as Explanation['findings'],
    get doc() {
      doc ??= (() => {
        const d = deepMap(expl.doc, r.apply) as Explanation['doc'];
        return { ...d, blocks: [{ kind: 'paragraph', content: [note] }, ...d.blocks] };
      })();
      return doc;
    },
    get json() {
      json ??= { ...(deepMap(expl.json, r.apply) as Record<string, unknown>), redacted: true };
      return json;
    },
  };
}
