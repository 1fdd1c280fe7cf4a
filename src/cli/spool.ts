import { closeSync, mkdtempSync, openSync, readSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * What is written at once: pieces are gathered up to this many bytes. Few enough that a piece is
 * written before V8's young generation (2 MB a half, bin/ekuscope.js) has been collected twice:
 * pieces kept longer are moved to the old generation, and a report of 187 MB of sessions (a
 * flood's 40,000) made 1 MiB batches grow the old generation to 400 MB of garbage (peak RSS 570
 * MiB; 340 MiB with 64 KiB batches).
 */
const FLUSH_BYTES = 1 << 16;

/**
 * Pieces of text set aside in a temporary file as they are made, read back one by one in any order:
 * a report whose summary comes first writes its sessions here while the capture is read. The file
 * is removed from its folder as soon as it is opened (nothing is left behind, whatever happens to the
 * process); its space is given back when the spool is closed or the process ends.
 */
export class Spool {
  private fd: number | undefined;
  private pending: string[] = [];
  private pendingBytes = 0;
  private written = 0;
  private readonly offsets: number[] = [];
  private readonly lengths: number[] = [];

  constructor() {
    const dir = mkdtempSync(join(tmpdir(), 'ekuscope-'));
    const path = join(dir, 'pieces');
    this.fd = openSync(path, 'w+', 0o600);
    unlinkSync(path);
    rmdirSync(dir);
  }

  /** Sets a piece aside; returns its number. */
  add(text: string): number {
    const n = Buffer.byteLength(text);
    this.offsets.push(this.written + this.pendingBytes);
    this.lengths.push(n);
    this.pending.push(text);
    this.pendingBytes += n;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
    return this.offsets.length - 1;
  }

  /** Piece number `i`. */
  get(i: number): string {
    this.flush();
    const n = this.lengths[i]!;
    const buf = Buffer.allocUnsafe(n);
    let got = 0;
    while (got < n) got += readSync(this.descriptor(), buf, got, n - got, this.offsets[i]! + got);
    return buf.toString('utf8');
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.pending = [];
  }

  private descriptor(): number {
    if (this.fd === undefined) throw new Error('the spool was closed');
    return this.fd;
  }

  private flush(): void {
    if (this.pendingBytes === 0) return;
    const buf = Buffer.from(this.pending.join(''));
    let done = 0;
    while (done < buf.length) done += writeSync(this.descriptor(), buf, done, buf.length - done, this.written + done);
    this.written += buf.length;
    this.pending = [];
    this.pendingBytes = 0;
  }
}
