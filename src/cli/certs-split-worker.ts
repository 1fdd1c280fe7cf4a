/**
 * A worker thread of one capture split by connection (certs-split.ts): it reads the whole file and
 * follows every TCP connection, so connections are numbered as in one thread, but dissects only its
 * share (ownerOf). Each session's rows are posted with the place one thread would have told them
 * (SplitItem), and every MARK_FRAMES frames it posts how far it has read, with a fingerprint of the
 * connections opened so far: the command merges the workers' rows only as far as they all agree.
 */
import { parentPort } from 'node:worker_threads';
import { basename } from 'node:path';
import { analyzeCapture, type Session } from '../analysis/index.js';
import { DEFAULT_MAX_HANDSHAKES_UNDER_WAY } from '../analysis/analyze.js';
import type { Connection } from '../net/index.js';
import { DEFAULT_TLS_BUDGET_BYTES } from '../tls/index.js';
import { CertPool } from '../x509/index.js';
import { sessionCertRows, STREAMING_POOL_KEEP, type CertRow } from './certs.js';
import { DecryptionNotes } from './keylog.js';

/** One capture for a worker: its share is `index` of `of`. */
export interface SplitJob {
  readonly file: string;
  readonly index: number;
  readonly of: number;
  /** One Int32 per worker: the frames it has read (the furthest ahead waits for the slowest). */
  readonly progress: SharedArrayBuffer;
}

/**
 * Where one thread would tell a session: `n`, the frames read before it (told while reading frame
 * n + 1); `p`, 0 while reading, 1 when the capture's end closes the connections (in connection
 * order), 2 for those still under way after that (in connection order too).
 */
export interface SplitItem {
  readonly n: number;
  p: 0 | 1 | 2;
  readonly id: number;
  readonly rows: readonly CertRow[];
}

/** How far a worker has read: frames, connections opened, and a fingerprint of the frames that opened them. */
export interface SplitMark {
  readonly frames: number;
  readonly opens: number;
  readonly hash: number;
}

export type SplitMessage =
  | { readonly t: 'mark'; readonly items: readonly SplitItem[]; readonly mark: SplitMark }
  | { readonly t: 'progress'; readonly bytes: number; readonly total?: number }
  | { readonly t: 'end'; readonly items: readonly SplitItem[]; readonly mark: SplitMark; readonly sessions: number; readonly rows: number; readonly notes: readonly string[]; readonly problems: readonly string[] }
  | { readonly t: 'failed'; readonly message: string };

/** Frames between two marks. */
export const MARK_FRAMES = 2048;
/** Frames a worker may read ahead of the slowest (the rows in between wait in the command's memory). */
const LEAD_FRAMES = 64 * MARK_FRAMES;

/** Which of `of` workers dissects a connection: by its two ends, whichever way round, so every incarnation of a port pair goes to one worker. */
export function ownerOf(conn: Connection, of: number): number {
  const a = conn.a;
  const b = conn.b;
  return ((endHash(a.ip, a.port) ^ endHash(b.ip, b.port)) >>> 0) % of;
}

function endHash(ip: string, port: number): number {
  let h = 0x811c9dc5 ^ port;
  for (let i = 0; i < ip.length; i++) h = Math.imul(h ^ ip.charCodeAt(i), 0x01000193);
  return Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
}

async function list(job: SplitJob, post: (m: SplitMessage) => void): Promise<void> {
  const source = basename(job.file);
  const progress = new Int32Array(job.progress);
  let frames = 0;
  let opens = 0;
  let hash = 0;
  let phase: 0 | 2 = 0;
  let items: SplitItem[] = [];
  let sessions = 0;
  let rows = 0;
  const notes = new DecryptionNotes();
  const mark = (): SplitMark => ({ frames, opens, hash });
  const onFrame = () => {
    if (++frames % MARK_FRAMES !== 0) return;
    post({ t: 'mark', items, mark: mark() });
    items = [];
    Atomics.store(progress, job.index, frames);
    // Far ahead of the slowest: wait for it, so the rows waiting to be merged stay few.
    for (;;) {
      let slowest = frames;
      for (let k = 0; k < job.of; k++) slowest = Math.min(slowest, Atomics.load(progress, k));
      if (frames - slowest <= LEAD_FRAMES) break;
      Atomics.wait(progress, job.index, frames, 5);
    }
  };
  const take = (s: Session, pool: CertPool) => {
    sessions++;
    notes.add(s);
    const r = sessionCertRows(source, s, pool);
    rows += r.length;
    if (r.length > 0) items.push({ n: frames, p: phase, id: s.id, rows: r });
  };
  const a = await analyzeCapture(job.file, {
    sourceName: source,
    keepSessions: false,
    pool: new CertPool({ keep: STREAMING_POOL_KEEP }),
    // The bounds shared by the connections under way: each worker has its share.
    tlsBudgetBytes: Math.floor(DEFAULT_TLS_BUDGET_BYTES / job.of),
    maxHandshakesUnderWay: Math.ceil(DEFAULT_MAX_HANDSHAKES_UNDER_WAY / job.of),
    owns: (conn) => {
      opens++;
      hash = (Math.imul(hash, 0x01000193) + conn.firstFrame) | 0;
      return ownerOf(conn, job.of) === job.index;
    },
    onFrame,
    onScanEnd: () => void (phase = 2),
    onSession: take,
    ...(job.index === 0 && { onProgress: (bytes: number, total: number | undefined) => post({ t: 'progress', bytes, ...(total !== undefined && { total }) }) }),
  });
  // Told after the last frame and before the scan's end: the capture's end closing the connections.
  for (const it of items) if (it.p === 0 && it.n === frames) it.p = 1;
  post({ t: 'end', items, mark: mark(), sessions, rows, notes: notes.finish(a, false), problems: a.capture.problems.map((p) => p.message) });
}

const port = parentPort;
if (port) {
  port.on('message', (job: SplitJob) => {
    const post = (m: SplitMessage) => port.postMessage(m);
    const progress = new Int32Array(job.progress);
    const over = () => {
      Atomics.store(progress, job.index, 0x7fffffff);
    };
    list(job, post).then(over, (e: unknown) => {
      over();
      post({ t: 'failed', message: e instanceof Error ? e.message : String(e) });
    });
  });
}
