/**
 * Expressway configuration and status dumps (xconf_dump_*, xstat_dump_*), text and XML.
 *
 * Text form (what `xConfiguration` prints on the CLI, and what the bundle's .txt holds):
 *   *c xConfiguration SIP TLS Certificate ExtendedKeyUsage Checking Mode: "On"
 *   *c xConfiguration Ethernet 1 IP V4 Address: "10.106.80.31"
 * Values are usually quoted; Cisco's xAPI also prints unquoted values (`Mode: On`), so both are read.
 * Status lines are `*s SystemUnit Software Version: "X15.5"`.
 *
 * XML form (assumption, documented because no Expressway XML dump was at hand): the xAPI XML that
 * Cisco TelePresence products share, i.e. a root `<Configuration product=".." version="..">` (or
 * `<Status ..>`) with one element per path word, list members carrying `item="N"`, and leaf text as
 * the value:
 *   <Configuration><Ethernet item="1"><IP><V4><Address>10.0.0.1</Address>...
 * Flattening joins element names with spaces and appends the item number, giving exactly the text
 * form's keys ("Ethernet 1 IP V4 Address"), so the rules read one map whatever the format.
 *
 * Never throws: what cannot be read becomes a problem, and everything read before it is kept.
 */
import { type InputProblem, problem } from './problems.js';

export type XapiFormat = 'text' | 'xml';

export interface XapiLimits {
  /** Bytes decoded; anything beyond is ignored with a problem. */
  readonly maxBytes: number;
  readonly maxKeys: number;
  readonly maxValueLength: number;
  readonly maxDepth: number;
}

export const DEFAULT_XAPI_LIMITS: Readonly<XapiLimits> = Object.freeze({
  maxBytes: 32 << 20,
  maxKeys: 200_000,
  maxValueLength: 8_192,
  maxDepth: 64,
});

/** A flattened xAPI document: every path ("SIP TLS Certificate ExtendedKeyUsage Checking Mode") → value. */
export interface XapiDocument {
  readonly format: XapiFormat;
  /** Untrusted values, keyed by path as written (single spaces). */
  readonly values: ReadonlyMap<string, string>;
  /** XML root attributes `product` and `version`, when present. */
  readonly rootProduct?: string;
  readonly rootVersion?: string;
  readonly problems: readonly InputProblem[];
}

export type OnOff = 'On' | 'Off';

export interface ExpresswayInterface {
  /** The N of `Ethernet N`. */
  readonly index: number;
  readonly ipv4?: string;
  readonly ipv6?: string;
  /** The public address a NATed Expressway-E advertises (`... IP V4 StaticNAT Address`). */
  readonly ipv4StaticNat?: string;
}

export interface EkuCheckingSetting {
  /** The effective mode. 'unknown' when the dump holds a value that is neither On nor Off. */
  readonly mode: OnOff | 'unknown';
  /** True when the dump has no such key and the documented default (On, rule X4) was assumed. */
  readonly defaulted: boolean;
  /** Untrusted raw value, when present. */
  readonly raw?: string;
  readonly key: string;
  readonly rule: 'X4';
}

export interface ServerEkuUploadSetting {
  readonly mode: OnOff | 'unknown';
  readonly raw: string;
  readonly key: string;
  readonly rule: 'X6';
}

export interface Xconf {
  readonly format: XapiFormat;
  /** Untrusted: `SystemUnit Name`. */
  readonly systemName?: string;
  readonly interfaces: readonly ExpresswayInterface[];
  /** Every interface address (v4, v6, static NAT) in one list, for matching capture endpoints. */
  readonly addresses: readonly string[];
  readonly sipTlsEkuChecking: EkuCheckingSetting;
  /** x15.4's Expressway-E-only switch (X6); absent on x15.5 and on Expressway-C. */
  readonly xcpServerEkuUpload?: ServerEkuUploadSetting;
  /** Every key → value, for rules still to come. Look up with `xapiValue` (case-insensitive). */
  readonly values: ReadonlyMap<string, string>;
  readonly rootProduct?: string;
  readonly rootVersion?: string;
  readonly problems: readonly InputProblem[];
}

export interface Xstat {
  readonly format: XapiFormat;
  /** Untrusted: product name (e.g. "Cisco Expressway"), from `SystemUnit Product` or the XML root. */
  readonly product?: string;
  /** Untrusted: software version (e.g. "X15.5"), from `SystemUnit Software Version` or the XML root. */
  readonly version?: string;
  readonly systemName?: string;
  readonly values: ReadonlyMap<string, string>;
  readonly problems: readonly InputProblem[];
}

export const KEY_SIP_TLS_EKU_CHECKING = 'SIP TLS Certificate ExtendedKeyUsage Checking Mode';
export const KEY_XCP_SERVER_EKU_UPLOAD = 'XCP TLS Certificate CVS EnableServerEkuUpload';
export const KEY_SYSTEM_NAME = 'SystemUnit Name';

// ---------------------------------------------------------------------------------------------

/** Bytes → text: UTF-8 (BOM stripped) unless a UTF-16 BOM says otherwise, as Windows tools save. */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(start));
}

function normaliseKey(key: string): string {
  return key.trim().split(/\s+/).join(' ');
}

/** Case- and whitespace-insensitive lookup: hand-typed rule keys should not depend on case. */
export function xapiValue(values: ReadonlyMap<string, string>, key: string): string | undefined {
  const k = normaliseKey(key);
  const exact = values.get(k);
  if (exact !== undefined) return exact;
  const lower = k.toLowerCase();
  for (const [candidate, value] of values) if (candidate.toLowerCase() === lower) return value;
  return undefined;
}

function limitsOf(l?: Partial<XapiLimits>): XapiLimits {
  return { ...DEFAULT_XAPI_LIMITS, ...l };
}

function toText(input: Uint8Array | string, limits: XapiLimits, problems: InputProblem[]): string {
  if (typeof input === 'string') {
    if (input.length <= limits.maxBytes) return input;
    problems.push(problem('warning', 'xapi-too-large', `dump longer than ${limits.maxBytes} characters: the rest is ignored`));
    return input.slice(0, limits.maxBytes);
  }
  if (input.length > limits.maxBytes) {
    problems.push(problem('warning', 'xapi-too-large', `dump larger than ${limits.maxBytes} bytes: the rest is ignored`, { offset: limits.maxBytes }));
    return decodeText(input.subarray(0, limits.maxBytes));
  }
  return decodeText(input);
}

class ValueSink {
  readonly values = new Map<string, string>();
  private full = false;
  private longWarned = false;
  constructor(
    private readonly limits: XapiLimits,
    private readonly problems: InputProblem[],
  ) {}

  set(rawKey: string, rawValue: string, line?: number): void {
    if (this.full) return;
    if (this.values.size >= this.limits.maxKeys) {
      this.full = true;
      this.problems.push(problem('warning', 'xapi-limit', `more than ${this.limits.maxKeys} settings: the rest are ignored`, line ? { line } : {}));
      return;
    }
    let value = rawValue;
    if (value.length > this.limits.maxValueLength) {
      value = value.slice(0, this.limits.maxValueLength);
      if (!this.longWarned) {
        this.longWarned = true;
        this.problems.push(problem('warning', 'xapi-long-value', `a value longer than ${this.limits.maxValueLength} characters was cut`, line ? { line } : {}));
      }
    }
    // Later lines win, as a later `xConfiguration` command would.
    this.values.set(normaliseKey(rawKey).slice(0, this.limits.maxValueLength), value);
  }
}

const TEXT_CONFIG = /^(?:\*c\s+)?xConfiguration\s+([^:]+?)\s*:\s?(.*)$/i;
const TEXT_STATUS = /^(?:\*s\s+(?:xStatus\s+)?|xStatus\s+)([^:]+?)\s*:\s?(.*)$/i;

function unquote(v: string): string {
  const t = v.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1);
  return t;
}

function parseText(text: string, kind: 'configuration' | 'status', sink: ValueSink): number {
  const re = kind === 'configuration' ? TEXT_CONFIG : TEXT_STATUS;
  let matched = 0;
  let lineNo = 0;
  for (const line of text.split(/\r?\n|\r/)) {
    lineNo++;
    const m = re.exec(line.trim());
    if (!m) continue; // "** end", "OK", blank lines and other commands' output
    matched++;
    sink.set(m[1] ?? '', unquote(m[2] ?? ''), lineNo);
  }
  return matched;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,4});/g, (whole, body: string) => {
    if (body.startsWith('#')) {
      const cp = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return cp <= 0x10ffff ? String.fromCodePoint(cp) : whole;
    }
    return ENTITIES[body] ?? whole;
  });
}

interface XmlOpen {
  readonly name: string;
  readonly segment: string;
  hasChild: boolean;
  text: string;
}

const NAME = /^[A-Za-z_][\w.:-]*/;
const ATTR = /([A-Za-z_][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/g;

/**
 * A minimal XML reader for xAPI dumps: elements, attributes, text, CDATA, comments. DTDs and entity
 * declarations are skipped, never expanded (no entity-expansion bombs). Leaf elements become values.
 * It keeps everything read before a damaged or cut tag, which a whole-document parser cannot: with
 * fast-xml-parser 5.12 (entities off, maxNestedTags on) a dump cut short gave no settings at all,
 * its error messages quote the input (control characters included), and it was 2 to 3 times slower
 * with 2.5 times the memory on a 5.6 MiB dump (README, "Why ekuscope reads tar and XML itself").
 */
function parseXml(
  text: string,
  sink: ValueSink,
  limits: XapiLimits,
  problems: InputProblem[],
): { rootName?: string; rootAttrs: Record<string, string> } {
  const stack: XmlOpen[] = [];
  let rootName: string | undefined;
  const rootAttrs: Record<string, string> = {};
  const offsetProblem = (code: string, message: string, offset: number): void => {
    problems.push(problem('error', code, message, { offset }));
  };
  const done = (): { rootName?: string; rootAttrs: Record<string, string> } => ({ ...(rootName ? { rootName } : {}), rootAttrs });
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const top = stack[stack.length - 1];
    if (lt < 0) break;
    if (top && top.text.length < limits.maxValueLength * 2) top.text += text.slice(i, lt);
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      if (end < 0) {
        offsetProblem('xml-truncated', `XML comment at offset ${lt} never ends`, lt);
        return done();
      }
      i = end + 3;
      continue;
    }
    if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt + 9);
      if (end < 0) {
        offsetProblem('xml-truncated', `CDATA section at offset ${lt} never ends`, lt);
        return done();
      }
      if (top) top.text += text.slice(lt + 9, end).replace(/&/g, '&amp;').replace(/</g, '&lt;');
      i = end + 3;
      continue;
    }
    if (text.startsWith('<?', lt) || text.startsWith('<!', lt)) {
      const end = text.indexOf('>', lt + 2);
      if (end < 0) break;
      i = end + 1;
      continue;
    }
    // Find the tag's end outside quoted attribute values.
    let gt = -1;
    let quote = '';
    for (let j = lt + 1; j < text.length; j++) {
      const c = text[j];
      if (quote) {
        if (c === quote) quote = '';
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '>') {
        gt = j;
        break;
      } else if (c === '<') break;
    }
    if (gt < 0) {
      offsetProblem('xml-truncated', `XML tag at offset ${lt} never ends: the rest of the dump is ignored`, lt);
      break;
    }
    const inner = text.slice(lt + 1, gt);
    i = gt + 1;
    if (inner.startsWith('/')) {
      const name = inner.slice(1).trim();
      const at = stack.map((s) => s.name).lastIndexOf(name);
      if (at < 0) {
        offsetProblem('xml-malformed', `closing tag at offset ${lt} matches no open element`, lt);
        continue;
      }
      if (at !== stack.length - 1) offsetProblem('xml-malformed', `closing tag at offset ${lt} skips unclosed elements`, lt);
      const closed = stack[at]!;
      if (!closed.hasChild && at > 0) sink.set(stack.slice(1, at + 1).map((s) => s.segment).join(' '), decodeEntities(closed.text).trim());
      stack.length = at;
      continue;
    }
    const selfClosing = inner.endsWith('/');
    const body = selfClosing ? inner.slice(0, -1) : inner;
    const nm = NAME.exec(body);
    if (!nm) {
      offsetProblem('xml-malformed', `unreadable tag at offset ${lt}`, lt);
      continue;
    }
    const name = nm[0];
    const attrs: Record<string, string> = {};
    for (const a of body.slice(name.length).matchAll(ATTR)) attrs[a[1]!] = decodeEntities(a[3] ?? a[4] ?? '');
    if (stack.length === 0) {
      if (rootName !== undefined) {
        offsetProblem('xml-malformed', `a second root element at offset ${lt}: the rest is ignored`, lt);
        break;
      }
      rootName = name;
      Object.assign(rootAttrs, attrs);
      if (selfClosing) break;
      stack.push({ name, segment: name, hasChild: false, text: '' });
      continue;
    }
    if (stack.length >= limits.maxDepth) {
      offsetProblem('xml-limit', `elements nested deeper than ${limits.maxDepth} at offset ${lt}: the rest is ignored`, lt);
      break;
    }
    stack[stack.length - 1]!.hasChild = true;
    const item = attrs['item'];
    const segment = item !== undefined && /^\d{1,6}$/.test(item) ? `${name} ${item}` : name;
    if (selfClosing) {
      sink.set([...stack.slice(1).map((s) => s.segment), segment].join(' '), '');
      continue;
    }
    stack.push({ name, segment, hasChild: false, text: '' });
  }
  if (stack.length > 0) problems.push(problem('error', 'xml-truncated', `the XML ends with ${stack.length} element(s) still open`, { offset: text.length }));
  return done();
}

function looksLikeXml(text: string): boolean {
  return /^\s*</.test(text);
}

/** Parses an xConfiguration (kind 'configuration') or xStatus (kind 'status') dump, text or XML. */
export function parseXapiDump(
  input: Uint8Array | string,
  kind: 'configuration' | 'status',
  limits?: Partial<XapiLimits>,
): XapiDocument {
  const lim = limitsOf(limits);
  const problems: InputProblem[] = [];
  const text = toText(input, lim, problems);
  const sink = new ValueSink(lim, problems);
  if (looksLikeXml(text)) {
    const { rootName, rootAttrs } = parseXml(text, sink, lim, problems);
    const expected = kind === 'configuration' ? 'Configuration' : 'Status';
    if (rootName !== undefined && rootName !== expected)
      problems.push(problem('warning', 'xml-unexpected-root', `the XML root element is not <${expected}>: read anyway`));
    if (sink.values.size === 0) problems.push(problem('warning', 'xapi-empty', 'no settings found in the XML dump'));
    return {
      format: 'xml',
      values: sink.values,
      ...(rootAttrs['product'] !== undefined ? { rootProduct: rootAttrs['product'] } : {}),
      ...(rootAttrs['version'] !== undefined ? { rootVersion: rootAttrs['version'] } : {}),
      problems,
    };
  }
  const matched = parseText(text, kind, sink);
  if (matched === 0)
    problems.push(
      problem('warning', 'xapi-empty', kind === 'configuration' ? 'no "xConfiguration" lines found in the dump' : 'no "*s" status lines found in the dump'),
    );
  return { format: 'text', values: sink.values, problems };
}

function onOff(raw: string): OnOff | 'unknown' {
  const t = raw.trim().toLowerCase();
  if (t === 'on') return 'On';
  if (t === 'off') return 'Off';
  return 'unknown';
}

const IFACE = /^(?:IP\s+)?Ethernet (\d{1,3}) IP (V4|V6)(?: (StaticNAT|Static NAT))? Address$/i;

/** Parses an xconf dump (text or XML) into the settings the rules use, plus every key. */
export function parseXconf(input: Uint8Array | string, limits?: Partial<XapiLimits>): Xconf {
  const doc = parseXapiDump(input, 'configuration', limits);
  const problems = [...doc.problems];
  const ifaces = new Map<number, { index: number; ipv4?: string; ipv6?: string; ipv4StaticNat?: string }>();
  for (const [key, value] of doc.values) {
    const m = IFACE.exec(key);
    if (!m || value.trim() === '') continue;
    const index = Number(m[1]);
    const entry = ifaces.get(index) ?? { index };
    if (m[3]) entry.ipv4StaticNat = value.trim();
    else if (m[2]!.toUpperCase() === 'V4') entry.ipv4 = value.trim();
    else entry.ipv6 = value.trim();
    ifaces.set(index, entry);
  }
  const interfaces = [...ifaces.values()].sort((a, b) => a.index - b.index);
  const addresses = [...new Set(interfaces.flatMap((i) => [i.ipv4, i.ipv6, i.ipv4StaticNat].filter((a): a is string => !!a)))];

  const rawChecking = xapiValue(doc.values, KEY_SIP_TLS_EKU_CHECKING);
  let sipTlsEkuChecking: EkuCheckingSetting;
  if (rawChecking === undefined) {
    sipTlsEkuChecking = { mode: 'On', defaulted: true, key: KEY_SIP_TLS_EKU_CHECKING, rule: 'X4' };
    problems.push(
      problem('info', 'xconf-defaulted', 'the dump has no SIP TLS ExtendedKeyUsage checking mode: assumed On, the documented default (rule X4)'),
    );
  } else {
    const mode = onOff(rawChecking);
    sipTlsEkuChecking = { mode, defaulted: false, raw: rawChecking, key: KEY_SIP_TLS_EKU_CHECKING, rule: 'X4' };
    if (mode === 'unknown') problems.push(problem('warning', 'xconf-unknown-value', 'the SIP TLS ExtendedKeyUsage checking mode is neither On nor Off'));
  }

  const rawUpload = xapiValue(doc.values, KEY_XCP_SERVER_EKU_UPLOAD);
  const systemName = xapiValue(doc.values, KEY_SYSTEM_NAME);
  return {
    format: doc.format,
    ...(systemName !== undefined && systemName !== '' ? { systemName } : {}),
    interfaces,
    addresses,
    sipTlsEkuChecking,
    ...(rawUpload !== undefined ? { xcpServerEkuUpload: { mode: onOff(rawUpload), raw: rawUpload, key: KEY_XCP_SERVER_EKU_UPLOAD, rule: 'X6' as const } } : {}),
    values: doc.values,
    ...(doc.rootProduct !== undefined ? { rootProduct: doc.rootProduct } : {}),
    ...(doc.rootVersion !== undefined ? { rootVersion: doc.rootVersion } : {}),
    problems,
  };
}

/**
 * Parses an xstat dump minimally: product and software version. Keys tried, in order:
 * `SystemUnit Product`, `SystemUnit ProductId`, then the XML root's `product` attribute; and
 * `SystemUnit Software Version`, then the root's `version`. These follow the xStatus tree Cisco's
 * TelePresence products share; an Expressway that names them otherwise simply yields no version,
 * and every key stays available in `values`.
 */
export function parseXstat(input: Uint8Array | string, limits?: Partial<XapiLimits>): Xstat {
  const doc = parseXapiDump(input, 'status', limits);
  const product = xapiValue(doc.values, 'SystemUnit Product') ?? xapiValue(doc.values, 'SystemUnit ProductId') ?? doc.rootProduct;
  const version = xapiValue(doc.values, 'SystemUnit Software Version') ?? doc.rootVersion;
  const systemName = xapiValue(doc.values, 'SystemUnit Name');
  return {
    format: doc.format,
    ...(product ? { product } : {}),
    ...(version ? { version } : {}),
    ...(systemName ? { systemName } : {}),
    values: doc.values,
    problems: doc.problems,
  };
}
