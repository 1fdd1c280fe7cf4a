/**
 * Expressway certificate stores (rule X1): per box, the client store (`client_<host>_<ts>.pem`), the
 * server store (`server_<host>_<ts>.pem`) and the trusted CA list (`ca_<host>_<ts>.pem`), from a
 * diagnostic bundle or from files given with `--store client=FILE`, `server=FILE`, `ca=FILE|DIR`.
 *
 * Every certificate seen in a capture is matched against them: by issuer + serial first (how
 * Expressway and RFC 5280 §4.1.2.2 identify a certificate), then by SHA-256 fingerprint, so a label
 * says "client store of vcs8c, client_vcs8c_….pem" or "unknown". The same certificate in a box's
 * client and server store gets the X2 note (copied at upgrade, or uploaded as client certificate).
 *
 * Private keys never reach this module as keys: bundle PEMs are stripped when read (bundle.ts), and
 * x509's loader skips key blocks and only counts them.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { toHex } from '../bytes/index.js';
import { loadCertificates, type CertInfo } from '../x509/index.js';
import type { Bundle, BundleFile } from './bundle.js';

export type StoreRole = 'client' | 'server' | 'ca';

/** One certificate of one store file. */
export interface StoreEntry {
  readonly role: StoreRole;
  /** The box the store belongs to (BoxStores.box). */
  readonly box: string;
  /** Untrusted: base name of the file it came from. */
  readonly file: string;
  /** 0-based position in that file. */
  readonly index: number;
  readonly cert: CertInfo;
}

/** The X2 situation: one certificate in both the client and the server store of a box. */
export interface SameCertificate {
  readonly client: StoreEntry;
  readonly server: StoreEntry;
  /** Same bytes (fingerprint), not only the same issuer and serial. */
  readonly identical: boolean;
}

export interface BoxStores {
  readonly box: string;
  readonly client: readonly StoreEntry[];
  readonly server: readonly StoreEntry[];
  readonly ca: readonly StoreEntry[];
  /** Plain sentences (file names in them are untrusted and neutralised by the renderers). */
  readonly problems: readonly string[];
  readonly privateKeysSkipped: number;
  readonly sameInBoth: readonly SameCertificate[];
}

export interface StoreMatch {
  readonly entry: StoreEntry;
  readonly by: 'issuer-serial' | 'fingerprint';
  /** Same issuer and serial but other bytes: a re-signed or altered copy, worth saying. */
  readonly bytesDiffer: boolean;
}

export interface StoreFileInput {
  readonly role: StoreRole;
  /** Untrusted display name (base name). */
  readonly name: string;
  readonly bytes: Uint8Array;
}

const MAX_DIR_FILES = 500;
const MAX_STORE_FILE_BYTES = 16 << 20;

function issuerSerialKey(c: CertInfo): string | undefined {
  if (!c.issuer || c.serialDisplay === undefined) return undefined;
  return `${toHex(c.issuer.der)}/${c.serialDisplay.toLowerCase()}`;
}

/** Builds one box's stores from file contents (already read). Never throws. */
export function buildBoxStores(box: string, files: readonly StoreFileInput[], extraProblems: readonly string[] = []): BoxStores {
  const lists: Record<StoreRole, StoreEntry[]> = { client: [], server: [], ca: [] };
  const problems = [...extraProblems];
  let privateKeysSkipped = 0;
  for (const f of files) {
    const loaded = loadCertificates(f.bytes, f.name);
    privateKeysSkipped += loaded.privateKeysSkipped;
    problems.push(...loaded.problems);
    loaded.certificates.forEach((cert, index) => lists[f.role].push({ role: f.role, box, file: f.name, index, cert }));
  }
  // X2: the same certificate (issuer + serial) in both stores of one box.
  const sameInBoth: SameCertificate[] = [];
  for (const c of lists.client) {
    const k = issuerSerialKey(c.cert);
    const s = lists.server.find((e) => e.cert.sha256 === c.cert.sha256 || (k !== undefined && issuerSerialKey(e.cert) === k));
    if (s) sameInBoth.push({ client: c, server: s, identical: s.cert.sha256 === c.cert.sha256 });
  }
  return { box, client: lists.client, server: lists.server, ca: lists.ca, problems, privateKeysSkipped, sameInBoth };
}

/** The stores of a diagnostic bundle (the PEM bytes were read, keys stripped, when it was opened). */
export async function storesFromBundle(bundle: Bundle, box: string = bundle.host): Promise<BoxStores> {
  const files: StoreFileInput[] = [];
  const problems: string[] = [];
  const take = async (role: StoreRole, list: readonly BundleFile[]) => {
    for (const f of list) {
      let bytes = f.bytes;
      if (!bytes) {
        const r = await f.read(MAX_STORE_FILE_BYTES);
        if (!r.ok) {
          problems.push(`${f.name}: ${r.problem.message}`);
          continue;
        }
        bytes = r.bytes;
      }
      files.push({ role, name: f.name, bytes });
    }
  };
  await take('client', bundle.stores.client);
  await take('server', bundle.stores.server);
  await take('ca', bundle.stores.ca);
  return buildBoxStores(box, files, problems);
}

export interface StoreOption {
  readonly role: StoreRole;
  /** A file, or for `ca` a folder of PEM/DER files. */
  readonly path: string;
  /** `ROLE@BOX=FILE`: the box (a name or address given with --expressway, or a bundle's) whose store it is. */
  readonly box?: string;
}

/**
 * Parses `client=FILE`, `server=FILE`, `ca=FILE|DIR`, each optionally bound to a box as
 * `client@BOX=FILE` (the box before `=`, so any file name is taken as it is); undefined when the
 * text has another shape.
 */
export function parseStoreOption(text: string): StoreOption | undefined {
  const m = /^(client|server|ca)(?:@([^=]+))?=(.+)$/.exec(text);
  if (!m) return undefined;
  return { role: m[1] as StoreRole, path: m[3]!, ...(m[2] !== undefined && { box: m[2] }) };
}

/** Reads `--store` files (a `ca` folder: its certificate files, not recursive). Problems, not throws. */
export async function storesFromFiles(box: string, options: readonly StoreOption[]): Promise<BoxStores> {
  const files: StoreFileInput[] = [];
  const problems: string[] = [];
  const readOne = async (role: StoreRole, path: string) => {
    try {
      const st = await stat(path);
      if (st.size > MAX_STORE_FILE_BYTES) {
        problems.push(`${basename(path)}: larger than ${MAX_STORE_FILE_BYTES} bytes; not read`);
        return;
      }
      files.push({ role, name: basename(path), bytes: new Uint8Array(await readFile(path)) });
    } catch (e) {
      problems.push(`${basename(path)}: cannot be read (${e instanceof Error && 'code' in e ? String((e as NodeJS.ErrnoException).code) : 'error'})`);
    }
  };
  for (const o of options) {
    let isDir = false;
    try {
      isDir = (await stat(o.path)).isDirectory();
    } catch {
      // readOne reports it.
    }
    if (!isDir) {
      await readOne(o.role, o.path);
      continue;
    }
    const names = (await readdir(o.path)).filter((n) => /\.(pem|crt|cer|der)$/i.test(n)).sort();
    if (names.length > MAX_DIR_FILES) problems.push(`${basename(o.path)}: more than ${MAX_DIR_FILES} certificate files; the rest were not read`);
    for (const n of names.slice(0, MAX_DIR_FILES)) await readOne(o.role, join(o.path, n));
  }
  return buildBoxStores(box, files, problems);
}

/**
 * Every box's stores, indexed for matching certificates seen in captures. Instances hold their own
 * maps (no module-level state).
 */
export class StoreIndex {
  private readonly byIssuerSerial = new Map<string, StoreEntry[]>();
  private readonly byFingerprint = new Map<string, StoreEntry[]>();

  constructor(readonly boxes: readonly BoxStores[]) {
    for (const b of boxes) {
      for (const e of [...b.client, ...b.server, ...b.ca]) {
        const k = issuerSerialKey(e.cert);
        if (k !== undefined) push(this.byIssuerSerial, k, e);
        push(this.byFingerprint, e.cert.sha256, e);
      }
    }
  }

  get empty(): boolean {
    return this.byFingerprint.size === 0;
  }

  /** Matches per fingerprint: a long capture shows the same few certificates in every session. */
  private readonly memo = new Map<string, StoreMatch[]>();

  /** Issuer + serial first, then fingerprint (a certificate whose names could not be decoded). */
  match(cert: CertInfo): StoreMatch[] {
    if (this.byFingerprint.size === 0) return [];
    const hit = this.memo.get(cert.sha256);
    if (hit) return hit;
    const r = this.matchUncached(cert);
    this.memo.set(cert.sha256, r);
    return r;
  }

  private matchUncached(cert: CertInfo): StoreMatch[] {
    const k = issuerSerialKey(cert);
    const byIs = k !== undefined ? (this.byIssuerSerial.get(k) ?? []) : [];
    if (byIs.length > 0) return byIs.map((entry) => ({ entry, by: 'issuer-serial', bytesDiffer: entry.cert.sha256 !== cert.sha256 }));
    return (this.byFingerprint.get(cert.sha256) ?? []).map((entry) => ({ entry, by: 'fingerprint', bytesDiffer: false }));
  }

  stores(box: string): BoxStores | undefined {
    return this.boxes.find((b) => b.box === box);
  }

  /** The trusted CA list of one box, or of every box when `box` is undefined. */
  trusted(box?: string): CertInfo[] {
    const list = box === undefined ? this.boxes : this.boxes.filter((b) => b.box === box);
    return dedupe(list.flatMap((b) => b.ca.map((e) => e.cert)));
  }
}

function dedupe(certs: CertInfo[]): CertInfo[] {
  const seen = new Set<string>();
  return certs.filter((c) => (seen.has(c.sha256) ? false : (seen.add(c.sha256), true)));
}

function push<K, V>(map: Map<K, V[]>, key: K, v: V): void {
  const list = map.get(key);
  if (list) list.push(v);
  else map.set(key, [v]);
}

/** "client store of vcs8c (client_vcs8c_….pem)" style wording for a match. */
export function storeRoleText(role: StoreRole): string {
  return role === 'client' ? 'client store' : role === 'server' ? 'server store' : 'trusted CA list';
}
