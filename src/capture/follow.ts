/**
 * A capture still being written (`tcpdump -U -w file` running, or a pipe): its bytes as they come,
 * until the caller says stop (Ctrl-C), as `tail -f` reads a log. The stream ends cleanly when stopped,
 * so the reader finishes with what it had, as at the end of a file.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { PassThrough, Readable } from 'node:stream';
import { CHUNK_SIZE } from './source.js';

/** How often a file that has stopped growing is looked at again. */
export const FOLLOW_POLL_MS = 200;

/**
 * The file's bytes from the start, then each byte appended to it, until `signal` aborts. A file
 * that shrinks (rotated, truncated) is read no further: what was read stays, the stream ends.
 */
export function followFile(path: string, signal: AbortSignal, pollMs = FOLLOW_POLL_MS): Readable {
  let fh: FileHandle | undefined;
  let position = 0;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  const onAbort = () => {
    if (timer) clearTimeout(timer);
    wake?.();
  };
  signal.addEventListener('abort', onAbort, { once: true });
  const pause = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, pollMs);
    });
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      fh = await open(path, 'r');
      for (;;) {
        const buf = Buffer.allocUnsafe(CHUNK_SIZE);
        const { bytesRead } = await fh.read(buf, 0, buf.length, position);
        if (bytesRead > 0) {
          position += bytesRead;
          yield buf.subarray(0, bytesRead);
          continue;
        }
        if (signal.aborted) return;
        if ((await fh.stat()).size < position) return;
        await pause();
        if (signal.aborted) {
          // One last look: what was written just before the stop is read.
          const { bytesRead: last } = await fh.read(buf, 0, buf.length, position);
          if (last > 0) yield buf.subarray(0, last);
          return;
        }
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      await fh?.close();
    }
  }
  return Readable.from(chunks(), { objectMode: false, highWaterMark: CHUNK_SIZE });
}

/**
 * A stream (standard input) until it ends or `signal` aborts, whichever comes first: after a stop,
 * the bytes already received are read and the stream ends, as at the end of the input.
 */
export function untilAborted(input: Readable, signal: AbortSignal): Readable {
  const out = new PassThrough({ highWaterMark: CHUNK_SIZE });
  input.pipe(out);
  input.on('error', (e) => out.destroy(e));
  const stop = () => {
    input.unpipe(out);
    input.pause();
    out.end();
  };
  if (signal.aborted) stop();
  else signal.addEventListener('abort', stop, { once: true });
  out.on('close', () => signal.removeEventListener('abort', stop));
  return out;
}
