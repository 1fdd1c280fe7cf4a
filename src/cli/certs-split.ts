/**
 * `certs --jobs N` on one big capture: N worker threads (certs-split-worker.ts) each read the whole
 * file and follow every TCP connection, so the connections are numbered as in one thread, and each
 * dissects its own share of them. The rows come back tagged with the place one thread would have told
 * them; they are merged in that order and written as soon as every worker has read past them, so the
 * listing streams and is the same, byte for byte, as one thread's.
 *
 * The workers also post a fingerprint of the connections they opened. Where two disagree (a port
 * pair reused in a way only the dissection of the earlier connection decides), or a worker fails,
 * the rows written so far are still right (they come before the disagreement), and the capture is
 * read again in this thread, its first rows not written a second time.
 */
import { basename } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { certsOfFile, endOfFile, type CertRow, type CertsSink, type FileCertsOptions } from './certs.js';
import { startWorker } from './certs-thread.js';
import type { SplitItem, SplitJob, SplitMark, SplitMessage } from './certs-split-worker.js';

/** What the split reading came to: the file listed, or where this thread takes over (rows already written). */
type Outcome = { readonly kind: 'listed' } | { readonly kind: 'again'; readonly written: number };

/**
 * Worker threads for split captures, started when first needed and kept for the next capture (a
 * worker costs about 0.3 s of CPU to start). After a capture read again in this thread they are
 * stopped (they may still be reading it) and new ones started for the next.
 */
export class SplitPool {
  private workers: Worker[] = [];
  /** A worker stopped or threw outside a job: the pool starts new ones for the next capture. */
  private broken = false;
  constructor(readonly size: number) {}

  async get(): Promise<Worker[]> {
    if (this.broken) await this.close();
    if (this.workers.length === 0) {
      this.broken = false;
      this.workers = Array.from({ length: this.size }, () => {
        const w = startWorker('certs-split-worker');
        // Always heard, between captures too (an error nobody listens to would end the process).
        w.on('error', () => void (this.broken = true));
        w.on('exit', () => void (this.broken = true));
        return w;
      });
    }
    return this.workers;
  }

  async close(): Promise<void> {
    const ws = this.workers;
    this.workers = [];
    await Promise.all(ws.map((w) => w.terminate()));
  }
}

/**
 * Lists one capture's certificates on the pool's workers, as certsOfFile would in this thread;
 * 'again' when it was read again in this thread after a disagreement or a failure.
 */
export async function splitCertsOfFile(file: string, pool: SplitPool, o: FileCertsOptions, sink: CertsSink): Promise<'split' | 'again'> {
  const outcome = await merged(file, pool, o, sink);
  if (outcome.kind === 'listed') return 'split';
  await pool.close();
  await certsOfFile(file, o, skipping(sink, outcome.written));
  return 'again';
}

/** The sink, without the first `n` sessions that had rows (written already). */
function skipping(sink: CertsSink, n: number): CertsSink {
  let left = n;
  return {
    ...sink,
    rows: (rows: readonly CertRow[]) => {
      if (rows.length > 0 && left > 0) left--;
      else sink.rows(rows);
    },
  };
}

/** One worker's side of the merge: its rows in order, its marks not yet matched, its end. */
class Lane {
  items: SplitItem[] = [];
  head = 0;
  marks: { mark: SplitMark; final: boolean }[] = [];
  end: Extract<SplitMessage, { t: 'end' }> | undefined;

  take(items: readonly SplitItem[]): void {
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    for (const it of items) this.items.push(it);
  }

  get first(): SplitItem | undefined {
    return this.items[this.head];
  }
}

/** a before b: one thread's order (by frame, then phase; within the capture's end by connection). */
function before(a: SplitItem, wa: number, b: SplitItem, wb: number): boolean {
  if (a.n !== b.n) return a.n < b.n;
  if (a.p !== b.p) return a.p < b.p;
  return a.p > 0 ? a.id < b.id : wa < wb;
}

/** The workers' rows put back in one thread's order, written as far as every worker has read and all agree. */
class Merge {
  private readonly lanes: Lane[];
  /** Every worker has read this many frames, and they agree on the connections opened in them. */
  private agreed = 0;
  private allEnded = false;
  /** Sessions whose rows were written. */
  written = 0;

  constructor(
    jobs: number,
    private readonly sink: CertsSink,
  ) {
    this.lanes = Array.from({ length: jobs }, () => new Lane());
  }

  /** A worker's message: 'more' to wait for, 'again' (disagreement, failure), or 'ended' (every row written). */
  on(k: number, m: SplitMessage): 'more' | 'again' | 'ended' {
    const lane = this.lanes[k]!;
    switch (m.t) {
      case 'progress':
        this.sink.progress?.(m.bytes, m.total);
        return 'more';
      case 'failed':
        return 'again';
      case 'mark':
      case 'end':
        lane.take(m.items);
        lane.marks.push({ mark: m.mark, final: m.t === 'end' });
        if (m.t === 'end') lane.end = m;
        break;
    }
    if (!this.match()) return 'again';
    this.write();
    return this.allEnded ? 'ended' : 'more';
  }

  /** The workers' ends (after 'ended'). */
  ends(): Extract<SplitMessage, { t: 'end' }>[] {
    return this.lanes.map((l) => l.end!);
  }

  /** The marks every worker has posted: they must agree. */
  private match(): boolean {
    const lanes = this.lanes;
    while (lanes.every((l) => l.marks.length > 0)) {
      const ms = lanes.map((l) => l.marks.shift()!);
      const m = ms[0]!;
      if (ms.some((x) => x.final !== m.final || x.mark.frames !== m.mark.frames || x.mark.opens !== m.mark.opens || x.mark.hash !== m.mark.hash)) return false;
      this.agreed = m.mark.frames;
      if (m.final) this.allEnded = true;
    }
    return true;
  }

  /** The rows every worker has read past, in order. */
  private write(): void {
    const lanes = this.lanes;
    for (;;) {
      let w = -1;
      for (let k = 0; k < lanes.length; k++) {
        const it = lanes[k]!.first;
        if (it === undefined || (!this.allEnded && it.n >= this.agreed)) continue;
        if (w < 0 || before(it, k, lanes[w]!.first!, w)) w = k;
      }
      if (w < 0) return;
      const lane = lanes[w]!;
      this.sink.rows(lane.items[lane.head]!.rows);
      lane.items[lane.head++] = undefined as unknown as SplitItem;
      this.written++;
    }
  }
}

async function merged(file: string, pool: SplitPool, o: FileCertsOptions, sink: CertsSink): Promise<Outcome> {
  const workers = await pool.get();
  const merge = new Merge(pool.size, sink);
  const progress = new SharedArrayBuffer(4 * pool.size);
  const heard: [Worker, string, (...a: any[]) => void][] = [];
  const outcome = await new Promise<Outcome>((resolve) => {
    let settled = false;
    const finish = (r: Outcome) => {
      if (settled) return;
      settled = true;
      for (const [w, e, f] of heard) w.off(e, f);
      resolve(r);
    };
    const again = () => finish({ kind: 'again', written: merge.written });
    workers.forEach((w, k) => {
      const listen = (e: string, f: (...a: any[]) => void) => (w.on(e, f), heard.push([w, e, f]));
      listen('message', (m: SplitMessage) => {
        if (settled) return;
        const r = merge.on(k, m);
        if (r === 'again') again();
        else if (r === 'ended') finish({ kind: 'listed' });
      });
      listen('error', again);
      listen('exit', again);
      const job: SplitJob = { file, index: k, of: pool.size, progress };
      w.postMessage(job);
    });
  });
  if (outcome.kind === 'listed') {
    const ends = merge.ends();
    sink.readEnd?.();
    const notes = [...new Set(ends.flatMap((e) => e.notes))];
    endOfFile(basename(file), { rows: sum(ends.map((e) => e.rows)), sessions: sum(ends.map((e) => e.sessions)), notes, problems: ends[0]!.problems, exported: 0 }, o, sink);
  }
  return outcome;
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, x) => a + x, 0);
}
