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
      let buf: Buffer | undefined;
      for (;;) {
        // Seen before the read: after a stop, one more read takes what was written before it.
        const stopped = signal.aborted;
        // A new buffer once the last one was handed out (the reader may keep views of it); polls that find nothing reuse it.
        buf ??= Buffer.allocUnsafe(CHUNK_SIZE);
        const { bytesRead } = await fh.read(buf, 0, buf.length, position);
        if (bytesRead > 0) {
          position += bytesRead;
          const chunk = buf.subarray(0, bytesRead);
          buf = undefined;
          yield chunk;
          continue;
        }
        if (stopped) return;
        if ((await fh.stat()).size < position) return;
        await pause();
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      await fh?.close();
    }
  }
  return Readable.from(chunks(), { objectMode: false, highWaterMark: CHUNK_SIZE });
}

/**
 * After a stop, how long a pipe may take to end by itself: Ctrl-C reaches every process of a shell
 * pipeline, and `tcpdump` writes its last packets as it exits.
 */
export const STOP_GRACE_MS = 300;

/**
 * A stream (standard input) until it ends or `signal` aborts, whichever comes first: after a stop,
 * what comes within `graceMs` (the writer's last bytes, its end) is read, then the stream ends, as at
 * the end of the input.
 */
export function untilAborted(input: Readable, signal: AbortSignal, graceMs = STOP_GRACE_MS): Readable {
  const out = new PassThrough({ highWaterMark: CHUNK_SIZE });
  input.pipe(out);
  input.on('error', (e) => out.destroy(e));
  let timer: NodeJS.Timeout | undefined;
  const stop = () => {
    input.unpipe(out);
    input.pause();
    out.end();
  };
  const onAbort = () => {
    timer = setTimeout(stop, graceMs);
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  out.on('close', () => {
    if (timer) clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  });
  return out;
}
