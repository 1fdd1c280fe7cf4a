import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

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
}

/**
 * Opens a file or stream, transparently decompressing gzip (recognised by 1f 8b, whatever the
 * file is called), and peeks the first bytes of the decompressed content.
 */
export async function openSource(input: string | Readable, sizeHint?: number): Promise<OpenedSource> {
  let raw: Readable;
  let totalBytes = sizeHint;
  if (typeof input === 'string') {
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
    const gunzip = createGunzip({ chunkSize: CHUNK_SIZE });
    // Errors on the compressed side surface through the gunzip stream's iterator.
    first.stream.on('error', (e) => gunzip.destroy(e));
    first.stream.pipe(gunzip);
    const inner = await peek(gunzip, 24);
    return { stream: inner.stream, head: inner.head, gzip: true, totalBytes, rawBytesRead };
  }
  const again = await peek(first.stream, 24);
  return { stream: again.stream, head: again.head, gzip: false, totalBytes, rawBytesRead };
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
