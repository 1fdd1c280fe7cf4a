/**
 * A worker thread of `certs --jobs N`: lists the certificates of one capture file at a time, as the
 * command does in its own thread, and posts the listing back in order (certs-jobs.ts puts the
 * files' listings together, in the order of the files).
 */
import { parentPort } from 'node:worker_threads';
import { KeyLog } from '../analysis/index.js';
import { certsOfFile, type CertRow, type CertsSink } from './certs.js';

/** One file for a worker. */
export interface CertsJob {
  readonly file: string;
  readonly format: 'text' | 'json';
  readonly keyLogFiles: readonly string[];
}

/** What a worker posts about its file, in the order it happened. */
export type CertsMessage =
  | { readonly t: 'rows'; readonly rows: readonly CertRow[] }
  | { readonly t: 'out'; readonly text: string }
  | { readonly t: 'err'; readonly text: string }
  | { readonly t: 'progress'; readonly bytes: number; readonly total?: number }
  | { readonly t: 'readEnd' }
  | { readonly t: 'done' }
  | { readonly t: 'failed'; readonly name: string; readonly message: string };

/** Rows posted together: a message each costs more than the rows' cloning. */
const ROWS_A_MESSAGE = 256;

const port = parentPort;
if (port) {
  port.on('message', (job: CertsJob) => {
    const post = (m: CertsMessage) => port.postMessage(m);
    let rows: CertRow[] = [];
    const flush = () => {
      if (rows.length === 0) return;
      post({ t: 'rows', rows });
      rows = [];
    };
    const list = async () => {
      const keyLog = job.keyLogFiles.length > 0 ? KeyLog.fromFiles(job.keyLogFiles) : undefined;
      await certsOfFile(job.file, { format: job.format, ...(keyLog && { keyLog }) }, sink);
    };
    const sink: CertsSink = {
      rows: (r) => {
        for (const x of r) rows.push(x);
        if (rows.length >= ROWS_A_MESSAGE) flush();
      },
      out: (text) => (flush(), post({ t: 'out', text })),
      err: (text) => (flush(), post({ t: 'err', text })),
      progress: (bytes, total) => post({ t: 'progress', bytes, ...(total !== undefined && { total }) }),
      readEnd: () => (flush(), post({ t: 'readEnd' })),
    };
    list().then(
      () => (flush(), post({ t: 'done' })),
      (e: unknown) => (flush(), post({ t: 'failed', name: e instanceof Error ? e.constructor.name : 'Error', message: e instanceof Error ? e.message : String(e) })),
    );
  });
}
