/**
 * Which capture endpoints are which Expressway. A box is known from its diagnostic bundle (xconf
 * interface addresses and system name, xstat product name) or from `--expressway IP[=NAME]`. Its
 * edition (Expressway-C or -E) is decided only where the inputs say so: xstat's software name, or the
 * traversal zone type in xconf (TraversalServer lives on -E, TraversalClient on -C), or a NAME given
 * on the command line that says it. Otherwise the box stays "an Expressway".
 *
 * A box without addresses (a bundle without xconf, or `--store` files alone) can still be recognised
 * in a capture by the certificate an endpoint presents: that is said as such ("identified by the
 * certificate it presented"), never assumed silently.
 *
 * Peers are named from the services table only as hints (the rule book: ports name a service, never
 * decide a role).
 */
import type { TlsLogEvent } from './logs.js';
import type { Bundle } from './bundle.js';
import type { PartyKind } from './services.js';
import { StoreIndex, type BoxStores } from './stores.js';
import { parseXstat, xapiValue, type EkuCheckingSetting, type Xstat } from './xconf.js';

export type Edition = 'expressway-c' | 'expressway-e' | 'expressway';

export interface ExpresswayBox {
  /** Stable id within one report: the bundle's host tag, or the name/address given. Untrusted. */
  readonly id: string;
  /** System name (xconf), else host tag, else the NAME given, else the address. Untrusted. */
  readonly name: string;
  readonly edition: Edition;
  /** Where the edition came from, in plain words (empty when unknown). */
  readonly editionBasis?: string;
  readonly addresses: readonly string[];
  readonly addressBasis: 'xconf' | 'option' | 'none';
  /** X4, from xconf; undefined when the box has no xconf dump. */
  readonly checking?: EkuCheckingSetting;
  /** Untrusted, from xstat ("X15.5"). */
  readonly version?: string;
  /** Untrusted host and domain names from xconf (for --redact and for naming). */
  readonly dnsNames: readonly string[];
  readonly stores?: BoxStores;
  readonly logEvents: readonly TlsLogEvent[];
  readonly source: 'bundle' | 'option';
  /** Untrusted: the bundle's capture file names. */
  readonly captures: readonly string[];
}

export interface ExpresswayContext {
  readonly boxes: readonly ExpresswayBox[];
  readonly stores: StoreIndex;
  readonly notes: readonly string[];
}

export interface GivenExpressway {
  readonly ip: string;
  readonly name?: string;
}

/** `IP` or `IP=NAME` (IPv4 or IPv6). */
export function parseExpresswayOption(text: string): GivenExpressway | undefined {
  const i = text.indexOf('=');
  const ip = (i < 0 ? text : text.slice(0, i)).trim().replace(/^\[(.*)\]$/, '$1');
  const name = i < 0 ? undefined : text.slice(i + 1).trim();
  if (!/^(\d{1,3}\.){3}\d{1,3}$/.test(ip) && !/^[0-9A-Fa-f:.]+$/.test(ip)) return undefined;
  if (!ip.includes(':') && ip.split('.').some((o) => Number(o) > 255)) return undefined;
  return name ? { ip: ip.toLowerCase(), name } : { ip: ip.toLowerCase() };
}

/** The edition a free-form name announces ("Expressway-E", "exp-c", "expe"), if any. */
export function editionFromName(name: string): Edition | undefined {
  if (/\b(expressway|exp)[-_ ]?e\b|\bedge\b/i.test(name)) return 'expressway-e';
  if (/\b(expressway|exp)[-_ ]?c\b|\bcore\b/i.test(name)) return 'expressway-c';
  return undefined;
}

/**
 * Every xstat dump of the bundle, the chosen one first: the text form's nested `*s SystemUnit: /`
 * blocks are not flattened by every reader, and the XML dump of the same download may say more.
 */
function xstats(b: Bundle): Xstat[] {
  const out: Xstat[] = b.xstat ? [b.xstat] : [];
  for (const f of b.files) if (f.kind === 'xstat' && f.bytes) out.push(parseXstat(f.bytes));
  return out;
}

function xstatValue(b: Bundle, key: string): string | undefined {
  for (const x of xstats(b)) {
    const v = xapiValue(x.values, key);
    if (v) return v;
  }
  return undefined;
}

function editionOfBundle(b: Bundle): { edition: Edition; basis?: string } {
  const sw = xstatValue(b, 'SystemUnit Software Name');
  const fromSw = sw ? editionFromName(sw) : undefined;
  if (fromSw) return { edition: fromSw, basis: `xstat_dump: SystemUnit Software Name "${sw}"` };
  if (b.xconf) {
    for (const [k, v] of b.xconf.values) {
      if (!/^Zones Zone \d+ Type$/i.test(k)) continue;
      if (/^TraversalServer$/i.test(v.trim())) return { edition: 'expressway-e', basis: 'xconf_dump: a traversal server zone, which only Expressway-E hosts' };
      if (/^TraversalClient$/i.test(v.trim())) return { edition: 'expressway-c', basis: 'xconf_dump: a traversal client zone, which only Expressway-C has' };
    }
  }
  return { edition: 'expressway' };
}

export interface ContextInput {
  readonly bundles: readonly { readonly bundle: Bundle; readonly stores?: BoxStores }[];
  readonly given?: readonly GivenExpressway[];
  /** Stores from --store files; attached to the single given box, else to a box of their own. */
  readonly optionStores?: BoxStores;
  /** Stores from `--store ROLE@BOX=FILE`: attached to the box of that name or address. */
  readonly boxStores?: readonly { readonly box: string; readonly stores: BoxStores }[];
}

/** A box known only by --store files: no address, recognised by the certificate it presents. */
function storesOnlyBox(id: string, name: string, edition: ExpresswayBox['edition'], stores: BoxStores): { -readonly [K in keyof ExpresswayBox]: ExpresswayBox[K] } {
  return { id, name, edition, addresses: [], addressBasis: 'none', dnsNames: [], stores: { ...stores, box: id }, logEvents: [], source: 'option', captures: [] };
}

/** Builds the context of one report case. Pure: stores are read by the caller. */
export function buildContext(input: ContextInput): ExpresswayContext {
  const notes: string[] = [];
  const boxes: {
    -readonly [K in keyof ExpresswayBox]: ExpresswayBox[K];
  }[] = [];
  for (const { bundle: b, stores } of input.bundles) {
    const ed = editionOfBundle(b);
    const version = b.xstat?.version ?? xstatValue(b, 'SystemUnit Software Version');
    const name = b.xconf?.systemName ?? b.xstat?.systemName ?? b.host;
    const dns = [b.host, name];
    const host = b.xconf ? xapiValue(b.xconf.values, 'IP DNS Hostname') : undefined;
    const domain = b.xconf ? xapiValue(b.xconf.values, 'IP DNS Domain Name') : undefined;
    if (host) dns.push(host);
    if (host && domain) dns.push(`${host}.${domain}`);
    boxes.push({
      id: b.host,
      name,
      edition: ed.edition,
      ...(ed.basis ? { editionBasis: ed.basis } : {}),
      addresses: b.xconf?.addresses.map((a) => a.toLowerCase()) ?? [],
      addressBasis: b.xconf && b.xconf.addresses.length > 0 ? 'xconf' : 'none',
      ...(b.xconf ? { checking: b.xconf.sipTlsEkuChecking } : {}),
      ...(version ? { version } : {}),
      dnsNames: [...new Set(dns.filter((d) => d.length > 0))],
      ...(stores ? { stores } : {}),
      logEvents: b.logEvents,
      source: 'bundle',
      captures: b.captures.map((c) => c.name),
    });
  }
  for (const g of input.given ?? []) {
    const byName = g.name !== undefined ? boxes.find((x) => x.name === g.name || x.id === g.name) : undefined;
    const byAddr = boxes.find((x) => x.addresses.includes(g.ip));
    const target = byName ?? byAddr;
    const namedEdition = g.name ? editionFromName(g.name) : undefined;
    if (target) {
      if (!target.addresses.includes(g.ip)) target.addresses = [...target.addresses, g.ip];
      if (target.addressBasis === 'none') target.addressBasis = 'option';
      if (target.edition === 'expressway' && namedEdition) {
        target.edition = namedEdition;
        target.editionBasis = `named "${g.name}" on the command line`;
      }
      continue;
    }
    boxes.push({
      id: g.name ?? g.ip,
      name: g.name ?? g.ip,
      edition: namedEdition ?? 'expressway',
      ...(namedEdition ? { editionBasis: `named "${g.name}" on the command line` } : {}),
      addresses: [g.ip],
      addressBasis: 'option',
      dnsNames: g.name ? [g.name] : [],
      logEvents: [],
      source: 'option',
      captures: [],
    });
  }
  for (const bound of input.boxStores ?? []) {
    const key = bound.box.toLowerCase();
    const target = boxes.find((b) => b.name.toLowerCase() === key || b.id.toLowerCase() === key || b.addresses.includes(key) || b.dnsNames.some((d) => d.toLowerCase() === key));
    if (target && !target.stores) {
      target.stores = { ...bound.stores, box: target.id };
      continue;
    }
    if (target) {
      notes.push(`--store files for ${bound.box} were not used: ${target.name} has its stores from its bundle`);
      continue;
    }
    notes.push(`--store files for ${bound.box}: no box of that name or address (name it with --expressway IP=${bound.box}); they are kept as a box of their own, recognised by the certificate it presents`);
    boxes.push(storesOnlyBox(`stores given for ${bound.box}`, bound.box, editionFromName(bound.box) ?? 'expressway', bound.stores));
  }
  if (input.optionStores) {
    const optionBoxes = boxes.filter((b) => b.source === 'option' && !b.stores);
    if (optionBoxes.length === 1) optionBoxes[0]!.stores = { ...input.optionStores, box: optionBoxes[0]!.id };
    else {
      if (optionBoxes.length > 1) notes.push('--store files were given with several --expressway boxes: they are kept as a box of their own, recognised by the certificate it presents (bind them to a box with --store client@NAME=FILE)');
      boxes.push(storesOnlyBox('stores given with --store', 'the Expressway of the --store files', 'expressway', input.optionStores));
    }
  }
  // Rebind store entries to the final box ids (option stores were loaded before the box existed).
  const storeList: BoxStores[] = [];
  for (const b of boxes) {
    if (!b.stores) continue;
    const rebind = <T extends { box: string }>(list: readonly T[]): T[] => list.map((e) => ({ ...e, box: b.id }));
    const s: BoxStores = {
      ...b.stores,
      box: b.id,
      client: rebind(b.stores.client),
      server: rebind(b.stores.server),
      ca: rebind(b.stores.ca),
      sameInBoth: b.stores.sameInBoth.map((x) => ({ ...x, client: { ...x.client, box: b.id }, server: { ...x.server, box: b.id } })),
    };
    b.stores = s;
    storeList.push(s);
  }
  const seen = new Map<string, string>();
  for (const b of boxes) {
    for (const a of b.addresses) {
      const other = seen.get(a);
      if (other !== undefined && other !== b.id) notes.push(`address ${a} belongs to two boxes (${other} and ${b.id}); the first is used`);
      else seen.set(a, b.id);
    }
  }
  return { boxes, stores: new StoreIndex(storeList), notes };
}

export function boxForAddress(ctx: ExpresswayContext, ip: string): ExpresswayBox | undefined {
  const a = ip.toLowerCase();
  return ctx.boxes.find((b) => b.addresses.includes(a));
}

export function editionText(e: Edition): string {
  return e === 'expressway-c' ? 'Expressway-C' : e === 'expressway-e' ? 'Expressway-E' : 'Expressway';
}

/** "Expressway-C vcs8c" (edition and system name). */
export function boxTitle(b: ExpresswayBox): string {
  return `${editionText(b.edition)} ${b.name}`;
}
