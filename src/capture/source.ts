import { close, closeSync, createReadStream, fstatSync, open, openSync, read, readSync, statSync } from 'node:fs';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { PCAP_MAGIC_NS_BE, PCAP_MAGIC_NS_LE, PCAP_MAGIC_US_BE, PCAP_MAGIC_US_LE } from './pcap.js';

/** Read size for capture files: large chunks keep per-chunk overhead negligible at GB sizes. */
export const CHUNK_SIZE = 1 << 20;

export interface PeekedStream {
  /** The first bytes (at least `n` unless the stream is shorter). */
  readonly head: Buffer;
  /** The whole stream again, head included. */
  readonly stream: Readable;
}

/**
 * Reads the first `n` bytes of a stream without losing them: the returned stream replays them
 * before the rest. Used to sniff magic numbers (gzip, pcap, pcapng) from the bytes, not the name.
 */
export async function peek(source: AsyncIterable<Buffer>, n: number, rewrite?: (head: Buffer) => Buffer): Promise<PeekedStream> {
  const it = source[Symbol.asyncIterator]();
  const parts: Buffer[] = [];
  let have = 0;
  while (have < n) {
    const r = await it.next();
    if (r.done) break;
    const chunk = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
    parts.push(chunk);
    have += chunk.length;
  }
  let head = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  const replayHead = rewrite ? rewrite(head) : head;
  head = replayHead;
  async function* replay(): AsyncGenerator<Buffer> {
    if (replayHead.length > 0) yield replayHead;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value as Buffer;
    }
  }
  return { head, stream: Readable.from(replay(), { objectMode: false, highWaterMark: CHUNK_SIZE }) };
}

export interface OpenedSource {
  readonly stream: Readable;
  readonly head: Buffer;
  readonly gzip: boolean;
  /** Size on disk when known (for progress: compressed bytes for .gz). */
  readonly totalBytes?: number;
  /** Raw (on-disk) bytes consumed so far. */
  rawBytesRead(): number;
  /**
   * gzip only: the decompression error that ended the stream early (cut short, corrupt), or
   * undefined. It is not thrown through the stream, which would discard decompressed bytes not
   * yet read: the stream ends normally after the last good byte and the reader reports this.
   */
  gzipError?(): GzipError | undefined;
  /**
   * The stream is the file's own read stream (ReadAhead): nothing writes into a chunk's memory
   * while its 'data' handlers run, and the first chunk is at least 24 bytes long when the file is.
   */
  direct?: boolean;
}

export interface GzipError {
  /** 'cut-short' when the compressed stream ends inside a member; 'checksum' when only the trailer check failed. */
  readonly kind: 'cut-short' | 'checksum' | 'corrupt' | 'read';
  readonly message: string;
  /** Decompressed bytes delivered before the error: where the capture data stops. */
  readonly at: number;
  /** Compressed bytes read. */
  readonly compressedAt: number;
}

/** One line for a gzip error: what happened and where. */
export function describeGzipError(g: GzipError, frames?: number): string {
  const where = `at byte offset ${g.at} of the decompressed capture (${g.compressedAt} compressed bytes read)${frames !== undefined ? `, after ${frames} frames` : ''}`;
  if (g.kind === 'cut-short') return `the gzip stream is cut short ${where}: the rest of the capture is missing`;
  if (g.kind === 'read') return `read error (${g.message}) ${where}`;
  if (g.kind === 'checksum') return `the gzip stream is corrupt (${g.message}) ${where}: every byte was read, but the data may be damaged`;
  return `the gzip stream is corrupt (${g.message}) ${where}: nothing after it can be read`;
}

/**
 * Holds the last 8 compressed bytes back until the end, so that the gzip trailer (CRC-32 and size,
 * RFC 1952 §2.3.1) reaches zlib in a write of its own: a checksum error then loses no output (zlib
 * drops the output of the call that fails).
 */
class HoldTrailer extends Transform {
  private tail: Buffer = Buffer.alloc(0);
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    const all = this.tail.length + chunk.length;
    if (all <= 8) {
      this.tail = Buffer.concat([this.tail, chunk]);
      return cb();
    }
    if (chunk.length >= 8) {
      if (this.tail.length) this.push(this.tail);
      this.push(chunk.subarray(0, chunk.length - 8));
      this.tail = Buffer.from(chunk.subarray(chunk.length - 8));
    } else {
      const joined = Buffer.concat([this.tail, chunk]);
      this.push(joined.subarray(0, joined.length - 8));
      this.tail = Buffer.from(joined.subarray(joined.length - 8));
    }
    cb();
  }
  override _flush(cb: TransformCallback): void {
    if (this.tail.length) this.push(this.tail);
    cb();
  }
}

/**
 * Decompressed chunks, delivered as zlib emits them (with backpressure). A zlib error ends the
 * sequence after the last good chunk and is recorded, never thrown (see OpenedSource.gzipError).
 */
async function* gunzipChunks(compressed: Readable, onError: (e: Error & { code?: string }, at: number) => void): AsyncGenerator<Buffer> {
  const gunzip = createGunzip({ chunkSize: CHUNK_SIZE });
  const hold = new HoldTrailer();
  compressed.on('error', (e) => gunzip.destroy(e));
  compressed.pipe(hold).pipe(gunzip);
  const queue: Buffer[] = [];
  let done = false;
  let at = 0;
  let wake: (() => void) | undefined;
  const signal = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  gunzip.on('data', (c: Buffer) => {
    queue.push(c);
    if (queue.length >= 2) gunzip.pause();
    signal();
  });
  gunzip.on('end', () => {
    done = true;
    signal();
  });
  gunzip.on('error', (e: Error & { code?: string }) => {
    if (!done) onError(e, at);
    done = true;
    signal();
  });
  try {
    for (;;) {
      const c = queue.shift();
      if (c) {
        at += c.length;
        if (queue.length < 2) gunzip.resume();
        yield c;
        continue;
      }
      if (done) return;
      await new Promise<void>((r) => (wake = r));
    }
  } finally {
    gunzip.destroy();
    hold.destroy();
    compressed.destroy();
  }
}

/**
 * Opens a file or stream, transparently decompressing gzip (recognised by 1f 8b, whatever the
 * file is called), and peeks the first bytes of the decompressed content.
 */
export async function openSource(input: string | Readable, sizeHint?: number, chunkSize = CHUNK_SIZE): Promise<OpenedSource> {
  let raw: Readable;
  let totalBytes = sizeHint;
  if (typeof input === 'string') {
    const plain = plainFileHead(input);
    if (plain) {
      // A regular file that is not gzip: read straight from the file, without the replaying
      // stream layers peek() adds (each holds chunks of its own: ~20 MiB at GB sizes).
      let bytes = 0;
      const stream = new ReadAhead(input, chunkSize, pcapOrderOf(plain.head));
      stream.on('data', (c: Buffer) => {
        bytes += c.length;
      });
      return { stream, head: plain.head, gzip: false, totalBytes: plain.size, rawBytesRead: () => bytes, direct: true };
    }
    totalBytes = statSync(input).size;
    raw = createReadStream(input, { highWaterMark: CHUNK_SIZE });
  } else {
    raw = input;
  }
  let rawRead = 0;
  raw.on('data', (c: Buffer) => {
    rawRead += c.length;
  });
  const first = await peek(raw, 4);
  const rawBytesRead = () => rawRead;
  if (first.head.length >= 2 && first.head[0] === 0x1f && first.head[1] === 0x8b) {
    let error: GzipError | undefined;
    const chunks = gunzipChunks(first.stream, (e, at) => {
      // Z_BUF_ERROR at the end is zlib's "unexpected end of file": the compressed data stops early.
      const zlib = typeof e.code === 'string' && e.code.startsWith('Z_');
      const kind = !zlib ? 'read' : e.code === 'Z_BUF_ERROR' ? 'cut-short' : /incorrect (data|length) check/.test(e.message) ? 'checksum' : 'corrupt';
      error = { kind, message: e.message, at, compressedAt: rawRead };
    });
    const inner = await peek(chunks, 24);
    return { stream: inner.stream, head: inner.head, gzip: true, totalBytes, rawBytesRead, gzipError: () => error };
  }
  const again = await peek(first.stream, 24);
  return { stream: again.stream, head: again.head, gzip: false, totalBytes, rawBytesRead };
}

/**
 * A file's bytes in chunks, with the next read already under way while a chunk is handled.
 * fs.createReadStream asks for the next chunk only after the 'data' handlers of the last one
 * have run, and a capture's handlers run for milliseconds per chunk (every frame is analysed in
 * them): reading and analysing took turns (a fifth of the time of a 1 GB analysis was spent
 * waiting for reads). Here a read is started before a chunk is pushed, as long as fewer than
 * two chunks wait in the stream.
 *
 * For classic pcap (`pcapOrder` given) each chunk ends on a record boundary: the part of a record
 * at the end of a read moves to the start of the next buffer, and the read fills in after it.
 * A reader that empties its buffer between chunks can then take each chunk as it is instead of
 * copying it onto what it had left (see readPcap). Alignment stops, and chunks are cut where the
 * reads end, at the first record that does not fit in a chunk (a damaged length, or a frame
 * larger than a chunk).
 */
class ReadAhead extends Readable {
  private fd = -1;
  private position = 0;
  private reading = false;
  private done = false;
  /** Set by _destroy while a read is in flight: what to do when it returns. */
  private afterRead: (() => void) | undefined;
  /** Next buffer, holding `carry` bytes of a record cut by the last read. */
  private nextBuf: Buffer | undefined;
  private carry = 0;
  /** Offset of the next record header in the next chunk (the first chunk starts with the 24-byte file header). */
  private recordAt = 24;
  /** True while every chunk so far ended on a record boundary. */
  private aligned: boolean;
  /** Buffers whose chunk has been handled, for the next reads (see recycle). */
  private spare: Buffer[] = [];
  private recycling = false;

  constructor(private readonly path: string, private readonly chunk: number, private readonly pcapOrder?: 'le' | 'be') {
    super({ highWaterMark: 2 * chunk });
    this.aligned = pcapOrder !== undefined;
  }

  override _construct(callback: (error?: Error | null) => void): void {
    open(this.path, 'r', (e, fd) => {
      // On a failed open Node passes no number: -1 keeps _destroy from closing `undefined` (a throw).
      this.fd = e ? -1 : fd;
      callback(e);
    });
  }

  override _read(): void {
    if (!this.recycling && this.aligned) {
      // Registered now, after the reader's own listeners: it runs once a chunk has been handled.
      this.recycling = true;
      this.on('data', (c: Buffer) => this.recycle(c));
    }
    if (!this.reading && !this.done) this.fetch();
  }

  /**
   * A record-aligned chunk has been handled once every 'data' listener returned: frames are valid
   * only during their callback (see Frame), and pcap-parser keeps nothing of a chunk that ends on a
   * record boundary. Its buffer is read into again instead of a fresh one (which the system must
   * map and zero for every MiB of the capture).
   */
  private recycle(c: Buffer): void {
    if (!this.aligned || c.byteOffset !== 0 || c.buffer.byteLength !== this.chunk || this.spare.length >= 4) return;
    this.spare.push(Buffer.from(c.buffer, 0, this.chunk));
  }

  private fetch(): void {
    if (this.destroyed || this.fd < 0) return;
    this.reading = true;
    const buf = this.nextBuf ?? this.spare.pop() ?? Buffer.allocUnsafeSlow(this.chunk);
    const carry = this.carry;
    this.nextBuf = undefined;
    this.carry = 0;
    read(this.fd, buf, carry, buf.length - carry, this.position, (e, n) => {
      this.reading = false;
      if (this.afterRead) {
        // Destroyed while this read ran (the reader stopped): close now, push nothing.
        this.afterRead();
        return;
      }
      if (e) {
        this.destroy(e);
        return;
      }
      if (n === 0) {
        this.done = true;
        if (carry > 0) this.push(buf.subarray(0, carry)); // a last record cut short: the reader reports it
        this.push(null);
        return;
      }
      this.position += n;
      const end = carry + n;
      let cut = end;
      if (this.aligned) {
        cut = this.lastBoundary(buf, end);
        if (cut === 0) {
          this.aligned = false;
          cut = end;
        } else if (cut < end) {
          this.nextBuf = this.spare.pop() ?? Buffer.allocUnsafeSlow(this.chunk);
          buf.copy(this.nextBuf, 0, cut, end);
          this.carry = end - cut;
        }
      }
      // Next read first: it proceeds while this chunk's handlers run.
      if (this.readableLength < this.readableHighWaterMark) this.fetch();
      this.push(cut === buf.length ? buf : buf.subarray(0, cut));
    });
  }

  /** End of the last whole record in buf[0, end), or 0 when not even one fits. */
  private lastBoundary(buf: Buffer, end: number): number {
    let p = this.recordAt;
    const le = this.pcapOrder === 'le';
    while (p + 16 <= end) {
      // Plain byte arithmetic: Buffer's readUInt32 validates its arguments on each of ~800 records per chunk.
      const caplen = le
        ? (buf[p + 8]! | (buf[p + 9]! << 8) | (buf[p + 10]! << 16) | (buf[p + 11]! << 24)) >>> 0
        : ((buf[p + 8]! << 24) | (buf[p + 9]! << 16) | (buf[p + 10]! << 8) | buf[p + 11]!) >>> 0;
      const next = p + 16 + caplen;
      if (next > end) break;
      p = next;
    }
    if (p === 0) return 0;
    this.recordAt = 0;
    return p;
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const fd = this.fd;
    this.fd = -1;
    if (fd < 0) {
      callback(error);
      return;
    }
    // Never close under a read in flight: the number could be reused by another open meanwhile.
    if (this.reading) this.afterRead = () => close(fd, () => callback(error));
    else close(fd, () => callback(error));
  }
}

/** Byte order of a classic pcap file from its magic (µs or ns), or undefined for anything else. */
function pcapOrderOf(head: Buffer): 'le' | 'be' | undefined {
  if (head.length < 24) return undefined;
  const m = head.readUInt32BE(0);
  if (m === PCAP_MAGIC_US_LE || m === PCAP_MAGIC_NS_LE) return 'le';
  if (m === PCAP_MAGIC_US_BE || m === PCAP_MAGIC_NS_BE) return 'be';
  return undefined;
}

/** The first 24 bytes and size of a regular file that is not gzip; undefined for gzip, pipes and devices. */
function plainFileHead(path: string): { head: Buffer; size: number } | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined; // the stream path reports the error as before
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return undefined;
    const head = Buffer.alloc(24);
    const n = readSync(fd, head, 0, 24, 0);
    if (n >= 2 && head[0] === 0x1f && head[1] === 0x8b) return undefined;
    return { head: head.subarray(0, n), size: st.size };
  } finally {
    closeSync(fd);
  }
}

/** What a file's first bytes look like, for the one-line error on unknown formats. */
export function describeMagic(head: Buffer): string {
  if (head.length === 0) return 'an empty file';
  const text = head.subarray(0, 16).toString('latin1');
  const hex = head.subarray(0, 8).toString('hex');
  if (head[0] === 0x50 && head[1] === 0x4b) return 'a ZIP archive';
  if (text.startsWith('-----BEGIN')) return 'a PEM file (certificates or keys), not a capture';
  if (head.length >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar') return 'a tar archive (use a diagnostic bundle path instead)';
  if (head[0] === 0x30 && head[1] === 0x82) return 'DER data (a certificate?), not a capture';
  if (text.startsWith('<?xml') || text.startsWith('<')) return 'an XML or HTML document';
  if (/^[\x09\x0a\x0d\x20-\x7e]{8,}/.test(text)) return 'a text file';
  if (hex.startsWith('0a0d0d0a')) return 'a pcapng file with a damaged header';
  return `unknown binary data (first bytes ${hex})`;
}
