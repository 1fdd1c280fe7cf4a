/**
 * The NSS key log format (SSLKEYLOGFILE), as written by NSS, OpenSSL's keylog callback, curl,
 * browsers and Node's tls 'keylog' event: one `LABEL <client_random hex> <secret hex>` per line,
 * `#` comments. Problems are reported by line number and never quote the line: a key log is
 * secret material, and a message that echoed a malformed line could leak a key into a report.
 */
import { fromHex, toHex } from '../../bytes/index.js';

/** Labels this module decrypts with. */
export type SecretLabel =
  | 'CLIENT_RANDOM'
  | 'CLIENT_HANDSHAKE_TRAFFIC_SECRET'
  | 'SERVER_HANDSHAKE_TRAFFIC_SECRET'
  | 'CLIENT_TRAFFIC_SECRET_0'
  | 'SERVER_TRAFFIC_SECRET_0';

const USED: ReadonlySet<string> = new Set<SecretLabel>([
  'CLIENT_RANDOM',
  'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
  'SERVER_HANDSHAKE_TRAFFIC_SECRET',
  'CLIENT_TRAFFIC_SECRET_0',
  'SERVER_TRAFFIC_SECRET_0',
]);

/**
 * Labels that are valid but not needed to read handshakes: exporter secrets, 0-RTT secrets (early
 * data is application data), and the RSA pre-master form keyed by encrypted pre-master bytes.
 */
const KNOWN_UNUSED: ReadonlySet<string> = new Set(['EXPORTER_SECRET', 'EARLY_EXPORTER_SECRET', 'CLIENT_EARLY_TRAFFIC_SECRET', 'RSA', 'PMS_CLIENT_RANDOM', 'ECH_SECRET', 'ECH_CONFIG']);

/** Secrets for one handshake, found by its ClientHello.random. */
export interface SessionSecrets {
  /** TLS 1.0–1.2 master secret (CLIENT_RANDOM), 48 bytes. */
  readonly masterSecret?: Uint8Array;
  readonly clientHandshake?: Uint8Array;
  readonly serverHandshake?: Uint8Array;
  readonly clientTraffic0?: Uint8Array;
  readonly serverTraffic0?: Uint8Array;
}

type Field = keyof SessionSecrets;
const FIELD: Readonly<Record<SecretLabel, Field>> = {
  CLIENT_RANDOM: 'masterSecret',
  CLIENT_HANDSHAKE_TRAFFIC_SECRET: 'clientHandshake',
  SERVER_HANDSHAKE_TRAFFIC_SECRET: 'serverHandshake',
  CLIENT_TRAFFIC_SECRET_0: 'clientTraffic0',
  SERVER_TRAFFIC_SECRET_0: 'serverTraffic0',
};

/** The label a SessionSecrets field comes from, for "missing" notes. */
export const LABEL_OF: Readonly<Record<Field, SecretLabel>> = {
  masterSecret: 'CLIENT_RANDOM',
  clientHandshake: 'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
  serverHandshake: 'SERVER_HANDSHAKE_TRAFFIC_SECRET',
  clientTraffic0: 'CLIENT_TRAFFIC_SECRET_0',
  serverTraffic0: 'SERVER_TRAFFIC_SECRET_0',
};

export interface KeyLogEntry {
  readonly label: SecretLabel;
  readonly clientRandom: Uint8Array;
  readonly secret: Uint8Array;
  readonly line: number;
}

export interface KeyLogProblem {
  /** 1-based line number. */
  readonly line: number;
  readonly message: string;
}

export interface KeyLogParse {
  readonly entries: readonly KeyLogEntry[];
  readonly problems: readonly KeyLogProblem[];
  /** Problems beyond `maxProblems`, counted only. */
  readonly moreProblems: number;
  /** Valid lines with labels not needed here (exporter, early data, RSA), by label. */
  readonly unused: ReadonlyMap<string, number>;
  readonly lines: number;
}

export interface KeyLogParseOptions {
  readonly maxProblems?: number;
  /** Lines longer than this are not looked at (a real line is under 250 characters). */
  readonly maxLineLength?: number;
}

/** Lengths a secret can have: 48 for a master secret; a TLS 1.3 secret is one hash long (SHA-256 or SHA-384). */
function secretLengthOk(label: SecretLabel, n: number): boolean {
  return label === 'CLIENT_RANDOM' ? n === 48 : n === 32 || n === 48;
}

/** Parses key log text. Never throws; every line that is neither an entry nor a comment is a problem. */
export function parseKeyLog(input: string | Uint8Array, opts: KeyLogParseOptions = {}): KeyLogParse {
  const text = typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: false }).decode(input);
  const maxProblems = opts.maxProblems ?? 20;
  const maxLine = opts.maxLineLength ?? 1024;
  const entries: KeyLogEntry[] = [];
  const problems: KeyLogProblem[] = [];
  const unused = new Map<string, number>();
  let more = 0;
  const problem = (line: number, message: string) => {
    if (problems.length < maxProblems) problems.push({ line, message });
    else more++;
  };
  let lineNo = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNo++;
    const raw = text.slice(start, Math.min(end, start + maxLine + 1));
    const tooLong = end - start > maxLine;
    start = end + 1;
    const line = raw.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    if (tooLong) {
      problem(lineNo, `line is over ${maxLine} characters: not a key log entry`);
      continue;
    }
    const parts = line.split(/[ \t]+/);
    const label = parts[0]!;
    // A label is echoed only when it looks like one: upper-case letters, digits and underscores,
    // with no run of 16 hex digits (a secret in upper case alone on its line, a label run into
    // the hex that followed it when a space was lost).
    const shown = /^[A-Z][A-Z0-9_]{0,63}$/.test(label) && !/[0-9A-F]{16}/.test(label) ? label : undefined;
    if (!shown) {
      problem(lineNo, 'not a key log entry (expected: LABEL <client random> <secret>)');
      continue;
    }
    if (KNOWN_UNUSED.has(label)) {
      unused.set(label, (unused.get(label) ?? 0) + 1);
      continue;
    }
    if (!USED.has(label)) {
      problem(lineNo, `unknown label ${shown}`);
      continue;
    }
    if (parts.length !== 3) {
      problem(lineNo, `${shown} needs exactly two hex fields, found ${parts.length - 1}`);
      continue;
    }
    const l = label as SecretLabel;
    const cr = /^[0-9a-fA-F]{64}$/.test(parts[1]!) ? fromHex(parts[1]!) : undefined;
    if (!cr) {
      problem(lineNo, `${shown}: the client random is not 32 bytes of hex`);
      continue;
    }
    const sec = /^[0-9a-fA-F]+$/.test(parts[2]!) ? fromHex(parts[2]!) : undefined;
    if (!sec) {
      problem(lineNo, `${shown}: the secret is not hex`);
      continue;
    }
    if (!secretLengthOk(l, sec.length)) {
      problem(lineNo, `${shown}: a secret of ${sec.length} bytes (expected ${l === 'CLIENT_RANDOM' ? '48' : '32 or 48'})`);
      continue;
    }
    entries.push({ label: l, clientRandom: cr, secret: sec, line: lineNo });
  }
  return { entries, problems, moreProblems: more, unused, lines: lineNo };
}

/**
 * Secrets by client random. A store may sit on a parent (secrets loaded from files, shared by
 * several captures) so that secrets embedded in one capture stay with that capture.
 */
export class KeyStore {
  private readonly byRandom = new Map<string, SessionSecrets>();
  private entries = 0;

  constructor(private readonly parent?: KeyStore) {}

  /** Adds one secret; a later secret for the same random and label replaces the earlier one. Returns false when this store or a parent already had it. */
  add(label: SecretLabel, clientRandom: Uint8Array, secret: Uint8Array): boolean {
    const k = toHex(clientRandom);
    const cur = this.byRandom.get(k) ?? {};
    const f = FIELD[label];
    const known = this.get(clientRandom)?.[f];
    if (known && known.length === secret.length && known.every((b, i) => b === secret[i])) return false;
    if (!cur[f]) this.entries++;
    this.byRandom.set(k, { ...cur, [f]: Uint8Array.prototype.slice.call(secret) });
    return true;
  }

  addAll(entries: readonly KeyLogEntry[]): number {
    let n = 0;
    for (const e of entries) if (this.add(e.label, e.clientRandom, e.secret)) n++;
    return n;
  }

  get(clientRandom: Uint8Array): SessionSecrets | undefined {
    const k = toHex(clientRandom);
    const own = this.byRandom.get(k);
    const up = this.parent?.get(clientRandom);
    if (!own) return up;
    return up ? { ...up, ...own } : own;
  }

  has(clientRandom: Uint8Array): boolean {
    return this.get(clientRandom) !== undefined;
  }

  /** Secrets held here and in the parents. */
  get size(): number {
    return this.entries + (this.parent?.size ?? 0);
  }
}
