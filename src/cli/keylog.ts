/**
 * --keylog for the commands that analyse captures: loading the files once per run, and the
 * one-line notes about key logs and decryption that go to standard error.
 */
import { safeText } from '../bytes/index.js';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { KeyLog, KeyLogFileError, type Analysis, type AnalyzeOptions, type KeyLogNote, type Session } from '../analysis/index.js';

/**
 * Key-log decryption hook. The TLS stage's decryptor (src/tls/decrypt) plugs in here: given the key
 * log files, it returns the per-connection factory analyzeCapture takes as `decryptorFor`, plus
 * notes for the report (files read, sessions without keys). Until it is wired, key logs are noted as
 * not used and TLS 1.3 contents stay "inferred, not observed" (T7).
 */
export type DecryptionHook = (keylogs: readonly string[]) => Promise<{ decryptorFor?: AnalyzeOptions['decryptorFor']; notes: string[] }>;

/** Commander's collector for a repeatable option. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Loads --keylog files; undefined when none were given. An unreadable file is a usage error. */
export function loadKeyLogs(paths: readonly string[] | undefined, usageError: (message: string) => Error): KeyLog | undefined {
  if (!paths || paths.length === 0) return undefined;
  try {
    return KeyLog.fromFiles(paths);
  } catch (e) {
    if (e instanceof KeyLogFileError) throw usageError(e.message);
    throw e;
  }
}

export function keyLogNoteText(n: KeyLogNote): string {
  return `${safeText(n.source)}${n.line !== undefined ? ` line ${n.line}` : ''}: ${n.message}`;
}

/**
 * What a user of --keylog (or of a pcapng with secrets) needs to hear: unusable secrets blocks,
 * sessions whose decryption failed or could not be tried, and a key log that matched nothing.
 */
export function decryptionNotes(a: Analysis, keyLogGiven: boolean): string[] {
  const n = new DecryptionNotes();
  for (const s of a.sessions) n.add(s);
  return n.finish(a, keyLogGiven);
}

/** decryptionNotes, gathered a session at a time (for sessions that are not kept). */
export class DecryptionNotes {
  private matched = 0;
  private sessions = 0;
  private readonly perSession: string[] = [];

  add(s: Session): void {
    this.sessions++;
    const d = s.decryption;
    if (!d) return;
    if (d.status !== 'no-keys' && d.status !== 'no-hello' && d.status !== 'no-client-random') this.matched++;
    if ((d.status === 'failed' || d.status === 'unsupported' || (d.status === 'decrypted' && d.note)) && d.note) this.perSession.push(`session #${s.id}: ${d.note}`);
  }

  finish(a: Analysis, keyLogGiven: boolean): string[] {
    const out: string[] = [];
    for (const n of a.keyLog?.notes ?? []) out.push(keyLogNoteText(n));
    for (const n of this.perSession) out.push(n);
    if ((keyLogGiven || (a.keyLog?.secretsBlocks ?? 0) > 0) && this.matched === 0 && this.sessions > 0) {
      out.push(`no TLS session in this capture has secrets in the key log (${a.keyLog?.secrets ?? 0} secrets available)`);
    }
    return out;
  }
}

/**
 * The report command's decryption hook: reads the key logs (one unreadable file is a note, not
 * an error) and hands analyzeCapture a factory that stands for them.
 */
export const keyLogDecryption: DecryptionHook = async (paths) => {
  const notes: string[] = [];
  const k = new KeyLog();
  for (const p of paths) {
    try {
      k.addText(await readFile(p), basename(p));
    } catch (e) {
      notes.push(`Key log ${basename(p)} could not be read (${(e as NodeJS.ErrnoException).code ?? 'error'}).`);
    }
  }
  for (const n of k.notes) notes.push(`Key log ${keyLogNoteText(n)}.`);
  return k.size > 0 ? { decryptorFor: k.decryptorFor, notes } : { notes };
};
