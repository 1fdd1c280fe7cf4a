/**
 * Key logs for analyses: NSS key log files given by the user (shared by every capture of a run)
 * and Decryption Secrets Blocks found inside a pcapng capture (kept with that capture). Makes
 * one KeyLogDecryptor per TCP connection and keeps its report until the session is built.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Connection } from '../net/index.js';
import type { TlsDecryptor, TlsSummary } from '../tls/index.js';
import { KeyLogDecryptor, KeyStore, parseKeyLog, type DecryptionReport, type KeyLogParse } from '../tls/decrypt/index.js';

/** pcapng Decryption Secrets Block type of an NSS key log ("TLSK", draft-ietf-opsawg-pcapng §4.7). */
export const DSB_TLS_KEY_LOG = 0x544c534b;

/** A problem with key log input, by file (base name only) or capture, and line. Never holds secret material. */
export interface KeyLogNote {
  readonly source: string;
  readonly line?: number;
  readonly message: string;
}

export class KeyLogFileError extends Error {}

function notesOf(parse: KeyLogParse, source: string, into: KeyLogNote[]): void {
  for (const p of parse.problems) into.push({ source, line: p.line, message: p.message });
  if (parse.moreProblems > 0) into.push({ source, message: `${parse.moreProblems} more lines are not key log entries` });
}

/** Secrets from key log files, for every capture of a run. */
export class KeyLog {
  readonly notes: KeyLogNote[] = [];

  constructor(readonly store: KeyStore = new KeyStore()) {}

  /**
   * This key log as an AnalyzeOptions.decryptorFor factory, for callers that take one. The
   * function carries the key log, and analyzeCapture treats it exactly as `keyLog: this`: the
   * capture's own secrets blocks are added and each session gets its decryption report.
   */
  readonly decryptorFor: KeyLogFactory = Object.assign((conn: Connection): TlsDecryptor | undefined => new CaptureKeys(this, '').decryptorFor(conn), { keyLog: this });

  /** Reads NSS key log files. An unreadable file throws KeyLogFileError; bad lines become notes. */
  static fromFiles(paths: readonly string[]): KeyLog {
    const k = new KeyLog();
    for (const p of paths) {
      let text: string;
      try {
        text = readFileSync(p, 'utf8');
      } catch (e) {
        throw new KeyLogFileError(`cannot read key log ${p}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      k.addText(text, basename(p));
    }
    return k;
  }

  /** Adds key log text; returns the number of new secrets. */
  addText(text: string | Uint8Array, source: string): number {
    const parse = parseKeyLog(text);
    notesOf(parse, source, this.notes);
    const added = this.store.addAll(parse.entries);
    if (parse.entries.length === 0) this.notes.push({ source, message: 'no usable secrets (expected lines such as CLIENT_RANDOM or SERVER_HANDSHAKE_TRAFFIC_SECRET)' });
    return added;
  }

  get size(): number {
    return this.store.size;
  }
}

/** A decryptorFor factory that knows the key log it came from. */
export type KeyLogFactory = ((conn: Connection) => TlsDecryptor | undefined) & { readonly keyLog: KeyLog };

/** The key log behind a decryptorFor factory made by KeyLog, if it is one. */
export function keyLogOf(factory: unknown): KeyLog | undefined {
  const k = (factory as Partial<KeyLogFactory> | undefined)?.keyLog;
  return k instanceof KeyLog ? k : undefined;
}

/** What one capture's analysis says about key logs. */
export interface KeyLogSummary {
  /** Secrets available (files and this capture's secrets blocks). */
  readonly secrets: number;
  /** Decryption Secrets Blocks with a TLS key log in this capture. */
  readonly secretsBlocks: number;
  readonly notes: readonly KeyLogNote[];
}

/**
 * One capture's keys: the run's key log files below, this capture's secrets blocks on top.
 * Mutable, owned by one analyzeCapture call.
 */
export class CaptureKeys {
  private readonly store: KeyStore;
  private readonly notes: KeyLogNote[] = [];
  private readonly decryptors = new Map<number, KeyLogDecryptor>();
  private blocks = 0;
  private otherTypes = new Set<number>();
  /** A secrets block after the first frame added secrets that connections already open could not use. */
  lateSecrets = false;

  constructor(
    base: KeyLog | undefined,
    private readonly source: string,
    private readonly maxRecords?: number,
  ) {
    this.store = new KeyStore(base?.store);
  }

  /** The pcapng reader's hook for Decryption Secrets Blocks. */
  readonly onSecrets = (type: number, data: Uint8Array, frameBefore: number): void => {
    if (type !== DSB_TLS_KEY_LOG) {
      if (!this.otherTypes.has(type)) {
        this.otherTypes.add(type);
        this.notes.push({ source: this.source, message: `decryption secrets of type 0x${type.toString(16).padStart(8, '0')} are not a TLS key log; ignored` });
      }
      return;
    }
    this.blocks++;
    const where = `${this.source}, decryption secrets block ${this.blocks}`;
    const parse = parseKeyLog(data);
    notesOf(parse, where, this.notes);
    const added = this.store.addAll(parse.entries);
    if (added > 0 && frameBefore > 0) this.lateSecrets = true;
  };

  /** A decryptor for a new TCP connection, or undefined when there is no key at all (then nothing is buffered for it). */
  decryptorFor(conn: Connection): KeyLogDecryptor | undefined {
    if (this.store.size === 0) return undefined;
    const d = new KeyLogDecryptor({ lookup: (cr) => this.store.get(cr), ...(this.maxRecords !== undefined && { maxRecords: this.maxRecords }) });
    this.decryptors.set(conn.id, d);
    return d;
  }

  /** The connection's decryption report, once; its decryptor is released. */
  takeReport(connId: number): DecryptionReport | undefined {
    const d = this.decryptors.get(connId);
    if (!d) return undefined;
    this.decryptors.delete(connId);
    return d.report();
  }

  /** True when secrets that arrived late would decrypt a session read without them. */
  wouldDecryptMore(sessions: readonly { readonly tls: TlsSummary; readonly decryption?: DecryptionReport }[]): boolean {
    if (!this.lateSecrets) return false;
    return sessions.some((s) => {
      if (s.decryption && s.decryption.status !== 'no-keys') return false;
      const cr = clientRandomOf(s.tls);
      return cr !== undefined && this.store.has(cr);
    });
  }

  /** Everything known after this capture, as a base for reading it again. */
  asKeyLog(): KeyLog {
    // A child store: reading again with it as base sees files and blocks alike, and adds nothing new.
    return new KeyLog(new KeyStore(this.store));
  }

  summary(): KeyLogSummary {
    return { secrets: this.store.size, secretsBlocks: this.blocks, notes: this.notes };
  }
}

/** The ClientHello.random of a session, from its first decoded ClientHello. */
export function clientRandomOf(summary: TlsSummary): Uint8Array | undefined {
  for (const m of summary.messages) {
    if (m.kind === 'handshake' && m.body?.kind === 'client-hello') return m.body.random;
  }
  return undefined;
}
