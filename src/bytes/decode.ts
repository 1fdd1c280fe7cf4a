import { ReaderError } from './reader.js';
import { type Result, ok, err } from './result.js';

/**
 * The one place where a ByteReader's bounds exception becomes a Result. Any other exception is a
 * bug in the decoder; it is reported as malformed input rather than crashing the analysis, with the
 * message kept so the bug can be found.
 */
export function decodeWith<T>(fn: () => T): Result<T> {
  try {
    return ok(fn());
  } catch (e) {
    if (e instanceof ReaderError) return { ok: false, error: e.detail };
    const message = e instanceof Error ? e.message : String(e);
    return err('malformed', `decoder error: ${message}`, 0);
  }
}
