import { type DecodeError } from './result.js';

/** A span of bytes inside a message, for highlighting in a hex pane. */
export interface Span {
  readonly offset: number;
  readonly length: number;
}

/**
 * Thrown only inside a ByteReader-based decoder and caught at that decoder's boundary
 * (see `decodeWith`). Never escapes a stage: callers always get a Result.
 */
export class ReaderError extends Error {
  constructor(readonly detail: DecodeError) {
    super(detail.message);
  }
}

/**
 * Bounded, zero-copy cursor over a Uint8Array. Every read checks the declared length against
 * what is left before touching memory; `bytes()` returns a subarray (a view, not a copy) that is
 * valid as long as the underlying buffer is — copy it if you keep it past the current frame.
 */
export class ByteReader {
  private pos: number;
  private readonly end: number;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    end = buf.length,
    /** Added to positions in error messages and spans, so nested readers report outer offsets. */
    readonly base = 0,
  ) {
    this.pos = start;
    this.end = Math.min(end, buf.length);
  }

  get offset(): number {
    return this.pos;
  }

  /** Offset relative to the outermost reader (for field spans). */
  get absOffset(): number {
    return this.base + this.pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  private need(n: number, what: string): void {
    if (n < 0 || !Number.isFinite(n)) {
      throw new ReaderError({ kind: 'malformed', message: `${what}: negative length`, offset: this.base + this.pos });
    }
    if (this.end - this.pos < n) {
      throw new ReaderError({
        kind: 'truncated',
        message: `${what}: needs ${n} bytes, ${this.end - this.pos} left`,
        offset: this.base + this.pos,
      });
    }
  }

  u8(what = 'u8'): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }

  u16(what = 'u16'): number {
    this.need(2, what);
    const b = this.buf;
    const v = (b[this.pos]! << 8) | b[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  u24(what = 'u24'): number {
    this.need(3, what);
    const b = this.buf;
    const v = (b[this.pos]! << 16) | (b[this.pos + 1]! << 8) | b[this.pos + 2]!;
    this.pos += 3;
    return v;
  }

  u32(what = 'u32'): number {
    this.need(4, what);
    const v = u32be(this.buf, this.pos);
    this.pos += 4;
    return v;
  }

  u16le(what = 'u16le'): number {
    this.need(2, what);
    const b = this.buf;
    const v = b[this.pos]! | (b[this.pos + 1]! << 8);
    this.pos += 2;
    return v;
  }

  u32le(what = 'u32le'): number {
    this.need(4, what);
    const b = this.buf;
    const v = (b[this.pos]! | (b[this.pos + 1]! << 8) | (b[this.pos + 2]! << 16)) + ((b[this.pos + 3]! << 24) >>> 0);
    this.pos += 4;
    return v;
  }

  /** A view of the next n bytes (no copy). */
  bytes(n: number, what = 'bytes'): Uint8Array {
    this.need(n, what);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  skip(n: number, what = 'skip'): void {
    this.need(n, what);
    this.pos += n;
  }

  peekU8(at = 0): number | undefined {
    return this.pos + at < this.end ? this.buf[this.pos + at] : undefined;
  }

  /**
   * A reader over the next n bytes (a length-prefixed vector), advancing this one past them.
   * Nested offsets stay relative to the outermost buffer start.
   */
  sub(n: number, what = 'vector'): ByteReader {
    this.need(n, what);
    const r = new ByteReader(this.buf, this.pos, this.pos + n, this.base);
    this.pos += n;
    return r;
  }

  /** Reads a u8/u16/u24 length prefix and returns a reader over the vector it announces. */
  vec8(what = 'vector<u8>'): ByteReader {
    return this.sub(this.u8(what), what);
  }

  vec16(what = 'vector<u16>'): ByteReader {
    return this.sub(this.u16(what), what);
  }

  vec24(what = 'vector<u24>'): ByteReader {
    return this.sub(this.u24(what), what);
  }

  span(start: number): Span {
    return { offset: this.base + start, length: this.pos - start };
  }

  malformed(message: string): never {
    throw new ReaderError({ kind: 'malformed', message, offset: this.base + this.pos });
  }
}

/** Big-endian unsigned 32-bit value at `at` (bounds are the caller's: unchecked, for hot loops). */
export function u32be(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) >>> 0) + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
}
