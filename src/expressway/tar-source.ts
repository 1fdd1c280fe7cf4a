/**
 * The bytes of an archive: the file, gunzipped when its first bytes say gzip, pulled in chunks with
 * a position in the uncompressed tar stream.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';

export type TarCompression = 'gzip' | 'none';

const EMPTY = Buffer.alloc(0);

export interface OpenedSource {
  readonly chunks: AsyncIterator<Buffer>;
  readonly compression: TarCompression;
  compressedBytesRead(): number;
  close(): void;
}

/** Called as the archive file is read: bytes of the file read so far, and its size. */
export type ArchiveProgress = (fileBytes: number, fileSize: number) => void;

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

/** Sniffs gzip by its magic bytes (RFC 1952 §2.3.1), never by the file name. */
export async function sniffGzip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(2);
    const { bytesRead } = await fh.read(b, 0, 2, 0);
    return bytesRead === 2 && b[0] === GZIP_MAGIC_0 && b[1] === GZIP_MAGIC_1;
  } finally {
    await fh.close();
  }
}

export async function openSource(path: string, onProgress?: ArchiveProgress): Promise<OpenedSource> {
  const gzip = await sniffGzip(path);
  const file = createReadStream(path);
  if (onProgress) {
    const total = (await stat(path)).size;
    file.on('data', () => onProgress(file.bytesRead, total));
  }
  if (!gzip) {
    return {
      chunks: file[Symbol.asyncIterator]() as AsyncIterator<Buffer>,
      compression: 'none',
      compressedBytesRead: () => file.bytesRead,
      close: () => file.destroy(),
    };
  }
  const gunzip = createGunzip();
  // pipe() does not forward errors: a read error must reach the consumer through gunzip.
  file.on('error', (e) => gunzip.destroy(e));
  file.pipe(gunzip);
  return {
    chunks: gunzip[Symbol.asyncIterator]() as AsyncIterator<Buffer>,
    compression: 'gzip',
    compressedBytesRead: () => file.bytesRead,
    close: () => {
      file.unpipe(gunzip);
      file.destroy();
      gunzip.destroy();
    },
  };
}

/**
 * Pulls bytes from a chunk iterator. Views handed out are subarrays of zlib's output chunks, which
 * zlib never rewrites once emitted, so they stay valid; callers still treat them as short-lived.
 */
export class ChunkReader {
  private pending: Buffer = EMPTY;
  private done = false;
  position = 0;

  constructor(private readonly it: AsyncIterator<Buffer>) {}

  private async more(): Promise<boolean> {
    while (this.pending.length === 0) {
      if (this.done) return false;
      const r = await this.it.next();
      if (r.done) {
        this.done = true;
        return false;
      }
      this.pending = r.value;
    }
    return true;
  }

  /** Up to n bytes; fewer only at end of stream. Copies only when the bytes span chunks. */
  async read(n: number): Promise<Buffer> {
    if (!(await this.more())) return EMPTY;
    if (this.pending.length >= n) {
      const out = this.pending.subarray(0, n);
      this.pending = this.pending.subarray(n);
      this.position += n;
      return out;
    }
    const parts: Buffer[] = [];
    let got = 0;
    while (got < n && (await this.more())) {
      const take = Math.min(n - got, this.pending.length);
      parts.push(this.pending.subarray(0, take));
      this.pending = this.pending.subarray(take);
      this.position += take;
      got += take;
    }
    return Buffer.concat(parts, got);
  }

  /** Yields up to n bytes as views; state is updated before each yield so an early exit is safe. */
  async *take(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0 && (await this.more())) {
      const take = Math.min(left, this.pending.length);
      const out = this.pending.subarray(0, take);
      this.pending = this.pending.subarray(take);
      this.position += take;
      left -= take;
      yield out;
    }
  }

  /** Skips up to n bytes; returns how many were skipped (fewer only at end of stream). */
  async skip(n: number): Promise<number> {
    let left = n;
    while (left > 0 && (await this.more())) {
      const take = Math.min(left, this.pending.length);
      this.pending = this.pending.subarray(take);
      this.position += take;
      left -= take;
    }
    return n - left;
  }
}
