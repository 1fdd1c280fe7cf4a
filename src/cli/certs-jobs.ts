/**
 * `certs --jobs N` over several capture files: each file is listed on a worker thread
 * (certs-worker.ts), N at a time, and the listings are written in the order of the files, byte for
 * byte as one thread writes them. The file being written streams as its worker reads it; the
 * listings of files further on wait in memory until their turn, and no worker runs more than
 * 2 × N files ahead of the one being written.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { CaptureFormatError } from '../capture/index.js';
import { STDIN_PATH } from './stdin.js';
import { certsListing, mayCarryLateKeys, runCerts, type CertsOptions, type CertsSink } from './certs.js';
import { SplitPool, splitCertsOfFile } from './certs-split.js';
import { startWorker } from './certs-thread.js';
import type { CertsJob, CertsMessage } from './certs-worker.js';

/** The default of --jobs: the cores Node may use. */
export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
}

function rebuilt(m: { name: string; message: string }): Error {
  return m.name === 'CaptureFormatError' ? new CaptureFormatError(m.message) : new Error(m.message);
}

export interface JobsOptions extends CertsOptions {
  /** Files read at once, each on a worker thread (1: one after the other, in this thread). */
  readonly jobs: number;
  /** The key logs `keyLog` was read from: a worker reads them again. */
  readonly keyLogFiles?: readonly string[];
  /**
   * One capture is split by connection across the workers (certs-split.ts) only when asked (--jobs
   * given): each worker still reads and follows every packet, so N workers cost N heaps (about
   * 150 MiB each on the 1 GB benchmark capture) for 1.2–1.3 times the speed on 2 cores.
   */
  readonly splitOne?: boolean;
}

/**
 * Below this many bytes of captures in all, the files are read in this thread: a worker costs about
 * 0.3 s of CPU to start (its own copy of the modules), more than the 40 captures of captures/ take
 * to list (0.33 s of CPU in one thread, 0.65 s with two workers).
 */
export const WORKERS_FROM_BYTES = 32 * 1024 * 1024;

/**
 * The certs command with --jobs: on worker threads when there are several files and enough bytes,
 * else as runCerts. Standard input is read in this thread; so is --export (two files with the same
 * certificate would write the same PEM file at once).
 */
export async function listCerts(files: readonly string[], o: JobsOptions, fromBytes = WORKERS_FROM_BYTES, splitFromBytes = SPLIT_FROM_BYTES): Promise<void> {
  const one = files.length === 1 ? files[0]! : undefined;
  if (one !== undefined && o.jobs > 1 && o.splitOne === true && canSplit(one, o) && totalBytes(files) >= splitFromBytes) return runCertsSplit(one, o);
  const can = o.jobs > 1 && files.length > 1 && !files.includes(STDIN_PATH) && o.export === undefined && (o.keyLog === undefined || o.keyLogFiles !== undefined);
  return can && totalBytes(files) >= fromBytes ? runCertsOnWorkers(files, o) : runCerts(files, o);
}

/**
 * Below this size one capture is read in this thread: each worker reads and frames the whole file
 * again, and costs about 0.3 s of CPU to start.
 */
export const SPLIT_FROM_BYTES = 64 * 1024 * 1024;

/**
 * Whether one capture can be split by connection across workers: a pcap file (a pcapng or gzip
 * file is read whole first, for the key log it may carry after its packets), not standard input
 * (read once), no --export (one thread writes the PEM files), no --keylog (decryption notes are
 * told in the order of the sessions of one thread).
 */
function canSplit(file: string, o: JobsOptions): boolean {
  return file !== STDIN_PATH && o.export === undefined && o.keyLog === undefined && !mayCarryLateKeys(file);
}

/** One capture split by connection across o.jobs workers (certs-split.ts). */
async function runCertsSplit(file: string, o: JobsOptions): Promise<void> {
  const listing = certsListing(o);
  const pool = new SplitPool(o.jobs);
  try {
    o.progress?.start(basename(file));
    await splitCertsOfFile(file, pool, o, listing.sink(o.progress));
  } finally {
    listing.end();
    await pool.close();
  }
}

/** The files' sizes added up (one that cannot be read counts nothing: its reader says why). */
function totalBytes(files: readonly string[]): number {
  let n = 0;
  for (const f of files) {
    try {
      n += statSync(f).size;
    } catch {
      // listed as unreadable when its turn comes
    }
  }
  return n;
}

async function runCertsOnWorkers(files: readonly string[], o: JobsOptions): Promise<void> {
  const listing = certsListing(o);
  const sink: CertsSink = listing.sink(o.progress);
  const count = Math.max(1, Math.min(o.jobs, files.length));
  const waiting: CertsMessage[][] = files.map(() => []);
  const finished: boolean[] = files.map(() => false);
  const workers: Worker[] = [];
  let current = 0;
  let next = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      const fail = (e: Error) => {
        if (failed) return;
        failed = true;
        reject(e);
      };
      const apply = (m: CertsMessage): void => {
        switch (m.t) {
          case 'rows':
            return sink.rows(m.rows);
          case 'out':
            return sink.out(m.text);
          case 'err':
            return sink.err(m.text);
          case 'progress':
            return sink.progress?.(m.bytes, m.total);
          case 'readEnd':
            return sink.readEnd?.();
          case 'done':
            return;
          case 'failed':
            return fail(rebuilt(m));
        }
      };
      const begin = (i: number) => o.progress?.start(basename(files[i]!));
      const deliver = (i: number, m: CertsMessage) => {
        if (failed) return;
        if (i === current) apply(m);
        else waiting[i]!.push(m);
        if (m.t !== 'done' && m.t !== 'failed') return;
        finished[i] = true;
        // The file being written is over: the next ones' listings go out, up to one still being read.
        while (!failed && current < files.length && finished[current]) {
          current++;
          if (current === files.length) return resolve();
          begin(current);
          for (const w of waiting[current]!) apply(w);
          waiting[current] = [];
        }
      };
      const idle: Worker[] = [];
      const dispatch = () => {
        while (!failed && idle.length > 0 && next < files.length && next < current + 2 * count) {
          const w = idle.pop()!;
          const i = next++;
          const job: CertsJob = { file: files[i]!, format: o.format, keyLogFiles: o.keyLogFiles ?? [] };
          w.removeAllListeners('message');
          w.on('message', (m: CertsMessage) => {
            deliver(i, m);
            if (m.t === 'done' || m.t === 'failed') {
              idle.push(w);
              dispatch();
            }
          });
          w.postMessage(job);
        }
      };
      for (let k = 0; k < count; k++) {
        const w = startWorker('certs-worker');
        w.on('error', (e) => fail(e));
        w.on('exit', (code) => {
          if (code !== 0) fail(new Error(`a worker thread stopped (exit code ${code})`));
        });
        workers.push(w);
        idle.push(w);
      }
      begin(0);
      dispatch();
    });
  } finally {
    listing.end();
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
