/**
 * A small, bounded, streaming tar reader (POSIX ustar, GNU long names, pax extended headers) for
 * Expressway diagnostic bundles, optionally gzip-compressed.
 *
 * Why we own it: bundles come from customers and the internet (issue 7). Reading an archive IN PLACE,
 * never extracting it, is the only way to be sure that an entry named '../../x', '/etc/x' or a symlink
 * writes nothing: nothing is ever written at all. Unsafe entries are listed as refused, with the
 * reason, and their bytes are skipped, never handed out.
 *
 * Streaming: gzip cannot be sought, so reaching an entry means decompressing everything before it.
 * That is accepted (the capture inside may be gigabytes; memory stays bounded by zlib's chunk size).
 * `scanTarGz` lets a caller read every small file in one pass; `openTarGzEntry` re-reads from the
 * start and skips to one entry.
 *
 * Failure model: the public functions never throw on archive bytes. A truncated or corrupt archive
 * ends the scan with a problem naming the byte offset (in the uncompressed tar stream, plus the
 * compressed bytes consumed for gzip); every entry listed before it stays valid and readable.
 * The one exception is the Readable of `openTarGzEntry`, which follows Node's stream contract and
 * emits an 'error' event (a `TarReadError` carrying the problem) if the entry cannot be read whole.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { type InputProblem, problem } from './problems.js';

export type TarEntryType =
  | 'file'
  | 'directory'
  | 'symlink'
  | 'hardlink'
  | 'char-device'
  | 'block-device'
  | 'fifo'
  | 'other';

export type TarRefusalReason =
  | 'absolute-path'
  | 'parent-component'
  | 'link'
  | 'device'
  | 'unsupported-type'
  | 'bad-name'
  | 'bad-header';

export interface TarRefusal {
  readonly reason: TarRefusalReason;
  /** Plain words written by ekuscope (no entry-controlled text). */
  readonly message: string;
}

export interface TarEntry {
  /** 0-based position among the archive's entries (metadata headers not counted). */
  readonly index: number;
  /** Untrusted. Normalised: no empty or '.' components, '/' separators. Never use as a path. */
  readonly name: string;
  /** Untrusted. The name exactly as the archive gave it (after long-name/pax resolution). */
  readonly rawName: string;
  readonly type: TarEntryType;
  /** The raw typeflag character, for diagnostics ('0', '2', 'S', ...). */
  readonly typeFlag: string;
  readonly size: number;
  /** Offset of the entry's header in the uncompressed tar stream. */
  readonly offset: number;
  /** Offset of the entry's first data byte in the uncompressed tar stream. */
  readonly dataOffset: number;
  /** Seconds since the epoch, when the header gives one. */
  readonly mtime?: number;
  /** Untrusted link target for symlinks and hardlinks; listed only, never followed. */
  readonly linkName?: string;
  /** Present when the entry is unsafe or unsupported: it is listed and never read. */
  readonly refused?: TarRefusal;
}

export interface TarLimits {
  /** Entries (files, directories, links...) listed before the scan stops. */
  readonly maxEntries: number;
  /** All headers including GNU long-name and pax ones: stops a stream of metadata-only headers. */
  readonly maxHeaders: number;
  /** Longest entry or link name accepted, in characters. */
  readonly maxNameLength: number;
  /** Largest pax header body accepted; bigger ones are skipped and the next entry refused. */
  readonly maxPaxHeaderBytes: number;
  /** Largest entry size believed; a header claiming more ends the scan as corrupt. */
  readonly maxEntrySize: number;
}

export const DEFAULT_TAR_LIMITS: Readonly<TarLimits> = Object.freeze({
  maxEntries: 10_000,
  maxHeaders: 40_000,
  maxNameLength: 4_096,
  maxPaxHeaderBytes: 1 << 20,
  // 1 TiB: far above any real capture, low enough that offsets stay exact doubles.
  maxEntrySize: 2 ** 40,
});

export type TarCompression = 'gzip' | 'none';

export interface TarListing {
  readonly entries: readonly TarEntry[];
  readonly problems: readonly InputProblem[];
  /** True when the end-of-archive marker (or a clean end of file at a header boundary) was reached. */
  readonly complete: boolean;
  readonly compression?: TarCompression;
  /** Bytes of the uncompressed tar stream consumed. */
  readonly bytesRead: number;
}

/** Receives one entry's bytes during `scanTarGz`. Chunks are views valid only during the call. */
export interface TarEntrySink {
  /** Return false to say no more bytes are wanted; the rest of the entry is skipped. */
  write(chunk: Uint8Array): boolean | void;
  /** `complete` is false when the archive ended or broke before the entry's last byte. */
  end(outcome: { readonly complete: boolean }): void;
}

/** What `scanTarGz` does with an entry: skip it (undefined), read it into a sink, or stop scanning. */
export type TarVisitor = (entry: TarEntry) => TarEntrySink | undefined | 'stop';

/** Identifies an entry: its normalised name (first readable match) or a listed entry (by offset). */
export type TarEntryTarget = string | Pick<TarEntry, 'offset'>;

export type TarReadResult =
  | { readonly ok: true; readonly entry: TarEntry; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly problem: InputProblem; readonly entry?: TarEntry };

/** The error a Readable from `openTarGzEntry` emits; `problem` holds the details. */
export class TarReadError extends Error {
  readonly problem: InputProblem;
  constructor(p: InputProblem) {
    super(p.message);
    this.name = 'TarReadError';
    this.problem = p;
  }
}

const BLOCK = 512;
const EMPTY = Buffer.alloc(0);

function padded(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

// ---------------------------------------------------------------------------------------------
// Byte source: file → (gunzip) → chunks, with a position in the uncompressed stream.

interface OpenedSource {
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

async function openSource(path: string, onProgress?: ArchiveProgress): Promise<OpenedSource> {
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
class ChunkReader {
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

// ---------------------------------------------------------------------------------------------
// Header decoding (POSIX.1-1988 ustar, GNU tar extensions, POSIX.1-2001 pax).

const UTF8 = new TextDecoder('utf-8', { fatal: false });

function cString(b: Uint8Array, start: number, len: number): string {
  const field = b.subarray(start, start + len);
  const nul = field.indexOf(0);
  return UTF8.decode(nul < 0 ? field : field.subarray(0, nul));
}

/** Numeric header field: octal text, or GNU base-256 when the high bit is set. undefined = invalid. */
function numericField(b: Uint8Array, start: number, len: number): number | undefined {
  const f = b.subarray(start, start + len);
  const first = f[0] ?? 0;
  if (first & 0x80) {
    // Base-256, two's complement: 0xff marks a negative number, meaningless for sizes and times.
    if (first === 0xff) return undefined;
    let v = first & 0x7f;
    for (let i = 1; i < f.length; i++) {
      v = v * 256 + (f[i] ?? 0);
      if (v > Number.MAX_SAFE_INTEGER) return undefined;
    }
    return v;
  }
  let i = 0;
  while (i < f.length && f[i] === 0x20) i++;
  let v = 0;
  let digits = 0;
  for (; i < f.length; i++) {
    const c = f[i] ?? 0;
    if (c === 0 || c === 0x20) break;
    if (c < 0x30 || c > 0x37) return undefined;
    v = v * 8 + (c - 0x30);
    digits++;
  }
  // Everything after the terminator must be terminators too, or the field is garbage.
  for (; i < f.length; i++) {
    const c = f[i] ?? 0;
    if (c !== 0 && c !== 0x20) return undefined;
  }
  return digits === 0 ? 0 : v;
}

function checksumOk(block: Uint8Array): boolean {
  const stored = numericField(block, 148, 8);
  if (stored === undefined) return false;
  // The checksum is computed with its own field read as eight spaces. Some historic writers summed
  // signed chars, so both sums are accepted, as GNU tar does.
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const c = i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
    unsigned += c;
    signed += c > 127 ? c - 256 : c;
  }
  return stored === unsigned || stored === signed;
}

function isZeroBlock(block: Uint8Array): boolean {
  for (let i = 0; i < block.length; i++) if (block[i] !== 0) return false;
  return true;
}

interface PaxValues {
  path?: string;
  linkpath?: string;
  size?: number;
}

/** Parses pax records "<len> <key>=<value>\n" (POSIX.1-2001 pax, "extended header"). */
function parsePax(body: Uint8Array): PaxValues | undefined {
  const out: PaxValues = {};
  let i = 0;
  while (i < body.length) {
    // A block-padded body may end in NULs after the last record.
    if (body[i] === 0) break;
    let len = 0;
    let j = i;
    while (j < body.length && body[j] !== 0x20) {
      const c = body[j] ?? 0;
      if (c < 0x30 || c > 0x39 || j - i > 9) return undefined;
      len = len * 10 + (c - 0x30);
      j++;
    }
    if (j >= body.length || len <= j - i + 1 || i + len > body.length || body[i + len - 1] !== 0x0a) return undefined;
    const record = body.subarray(j + 1, i + len - 1);
    const eq = record.indexOf(0x3d);
    if (eq < 0) return undefined;
    const key = UTF8.decode(record.subarray(0, eq));
    const value = UTF8.decode(record.subarray(eq + 1));
    if (key === 'path') out.path = value;
    else if (key === 'linkpath') out.linkpath = value;
    else if (key === 'size') {
      if (!/^[0-9]{1,16}$/.test(value)) return undefined;
      out.size = Number(value);
    }
    i += len;
  }
  return out;
}

function entryType(flag: string): TarEntryType {
  switch (flag) {
    case '0':
    case '\0':
    case '7': // contiguous file: a regular file for every reader that is not on a 1980s Masscomp
      return 'file';
    case '1':
      return 'hardlink';
    case '2':
      return 'symlink';
    case '3':
      return 'char-device';
    case '4':
      return 'block-device';
    case '5':
      return 'directory';
    case '6':
      return 'fifo';
    default:
      return 'other';
  }
}

/** Normalises an entry name and says why it is unsafe, if it is. Nothing here touches the disk. */
function checkName(raw: string, limits: TarLimits): { name: string; refusal?: TarRefusal } {
  if (raw.length === 0) return { name: raw, refusal: { reason: 'bad-name', message: 'entry has an empty name' } };
  if (raw.length > limits.maxNameLength)
    return {
      name: raw.slice(0, limits.maxNameLength),
      refusal: { reason: 'bad-name', message: `entry name longer than ${limits.maxNameLength} characters` },
    };
  if (raw.includes('\0')) return { name: raw, refusal: { reason: 'bad-name', message: 'entry name contains a NUL byte' } };
  if (raw.startsWith('/') || raw.startsWith('\\') || /^[A-Za-z]:/.test(raw))
    return { name: raw, refusal: { reason: 'absolute-path', message: 'entry has an absolute path' } };
  // Backslash counts as a separator here: the archive may have been made on Windows, and refusing
  // 'a\..\b' costs nothing since no bundle file is named so.
  if (raw.split(/[\\/]/).includes('..'))
    return { name: raw, refusal: { reason: 'parent-component', message: "entry path contains a '..' component" } };
  const name = raw
    .split('/')
    .filter((p) => p !== '' && p !== '.')
    .join('/');
  if (name === '') return { name: raw, refusal: { reason: 'bad-name', message: 'entry name has no file component' } };
  return { name };
}

function refusalForType(type: TarEntryType, flag: string): TarRefusal | undefined {
  switch (type) {
    case 'symlink':
    case 'hardlink':
      return { reason: 'link', message: `entry is a ${type}: links are never followed` };
    case 'char-device':
    case 'block-device':
    case 'fifo':
      return { reason: 'device', message: `entry is a ${type}` };
    case 'other':
      return {
        reason: 'unsupported-type',
        message: `entry has unsupported type flag 0x${flag.charCodeAt(0).toString(16).padStart(2, '0')}`,
      };
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// The scanner.

interface ScanState {
  readonly problems: InputProblem[];
  complete: boolean;
  /** The entry whose data is being read or skipped, for error messages. */
  current?: TarEntry;
}

/**
 * Yields each entry in archive order. After each yield the consumer may read (part of) the entry's
 * data through `reader.take`; whatever it leaves is skipped before the next header is read.
 * Errors thrown by the underlying stream (gzip corruption, I/O) propagate to the caller, which turns
 * them into problems; format errors are recorded in `state` and end the generator.
 */
async function* scanEntries(reader: ChunkReader, limits: TarLimits, state: ScanState): AsyncGenerator<TarEntry> {
  let headers = 0;
  let entries = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax: PaxValues | undefined;
  let pendingRefusal: TarRefusal | undefined;
  const fail = (code: string, message: string, offset: number, name?: string): void => {
    state.problems.push(problem('error', code, message, name === undefined ? { offset } : { offset, name }));
  };

  for (;;) {
    state.current = undefined;
    const headerOffset = reader.position;
    const block = await reader.read(BLOCK);
    if (block.length === 0) {
      if (longName !== undefined || longLink !== undefined || pax !== undefined) {
        fail('tar-truncated', `archive ends at offset ${headerOffset} after an extended header, before its entry`, headerOffset);
        return;
      }
      // No end-of-archive marker: every entry was whole, so the listing is complete, but say so.
      state.problems.push(
        problem('warning', 'tar-no-end-marker', `archive ends at offset ${headerOffset} without an end-of-archive marker`, {
          offset: headerOffset,
        }),
      );
      state.complete = true;
      return;
    }
    if (block.length < BLOCK) {
      fail('tar-truncated', `archive ends at offset ${reader.position} inside the header that starts at offset ${headerOffset}`, headerOffset);
      return;
    }
    if (isZeroBlock(block)) {
      // One zero block is enough to end: some writers emit only one, and nothing valid follows.
      state.complete = true;
      return;
    }
    if (++headers > limits.maxHeaders) {
      fail('tar-limit', `more than ${limits.maxHeaders} headers: stopped reading at offset ${headerOffset}`, headerOffset);
      return;
    }
    if (!checksumOk(block)) {
      fail(
        'tar-bad-checksum',
        `header at offset ${headerOffset} fails its checksum: the archive is corrupt there (or is not a tar archive)`,
        headerOffset,
      );
      return;
    }
    const headerSize = numericField(block, 124, 12);
    if (headerSize === undefined) {
      fail('tar-bad-header', `header at offset ${headerOffset} has an unreadable size field`, headerOffset);
      return;
    }
    const flag = String.fromCharCode(block[156] ?? 0);
    const dataOffset = headerOffset + BLOCK;

    // Metadata headers: their body describes the next real entry.
    if (flag === 'L' || flag === 'K' || flag === 'x' || flag === 'g') {
      const cap = flag === 'L' || flag === 'K' ? limits.maxNameLength + 1 : limits.maxPaxHeaderBytes;
      if (headerSize > cap) {
        state.problems.push(
          problem('warning', 'tar-header-too-large', `extended header at offset ${headerOffset} claims ${headerSize} bytes, above the limit of ${cap}: skipped, and its entry refused`, {
            offset: headerOffset,
          }),
        );
        pendingRefusal = { reason: 'bad-header', message: 'the extended header describing this entry was too large to read' };
        const want = padded(headerSize);
        if (headerSize > limits.maxEntrySize || (await reader.skip(want)) < want) {
          fail('tar-truncated', `archive ends inside the extended header that starts at offset ${headerOffset}`, headerOffset);
          return;
        }
        continue;
      }
      const body = Buffer.from(await reader.read(headerSize));
      const pad = padded(headerSize) - headerSize;
      if (body.length < headerSize || (await reader.skip(pad)) < pad) {
        fail('tar-truncated', `archive ends at offset ${reader.position} inside the extended header that starts at offset ${headerOffset}`, headerOffset);
        return;
      }
      if (flag === 'L' || flag === 'K') {
        const nul = body.indexOf(0);
        const text = UTF8.decode(nul < 0 ? body : body.subarray(0, nul));
        if (flag === 'L') longName = text;
        else longLink = text;
      } else if (flag === 'x') {
        const parsed = parsePax(body);
        if (parsed === undefined) {
          state.problems.push(
            problem('warning', 'tar-bad-pax', `pax header at offset ${headerOffset} is malformed: its entry is refused`, { offset: headerOffset }),
          );
          pendingRefusal = { reason: 'bad-header', message: 'the pax header describing this entry is malformed' };
        } else {
          pax = { ...pax, ...parsed };
        }
      }
      // 'g' (pax global) is deliberately ignored: a global path or size would apply to every later
      // entry, which no bundle writer does, and honouring it only widens the attack surface.
      continue;
    }

    if (++entries > limits.maxEntries) {
      fail('tar-limit', `more than ${limits.maxEntries} entries: stopped reading at offset ${headerOffset}`, headerOffset);
      return;
    }
    const size = pax?.size ?? headerSize;
    if (size > limits.maxEntrySize) {
      fail('tar-bad-header', `entry at offset ${headerOffset} claims ${size} bytes, above the limit of ${limits.maxEntrySize}`, headerOffset);
      return;
    }
    const magic = block.subarray(257, 263).toString('latin1');
    let ustarName = cString(block, 0, 100);
    // The ustar prefix field (345..500) exists only with the POSIX magic; GNU's old format keeps
    // access times there.
    if (magic === 'ustar\0') {
      const prefix = cString(block, 345, 155);
      if (prefix !== '') ustarName = `${prefix}/${ustarName}`;
    }
    const rawName = pax?.path ?? longName ?? ustarName;
    let type = entryType(flag);
    if (type === 'file' && rawName.endsWith('/')) type = 'directory'; // pre-POSIX directory entries
    const linkRaw = pax?.linkpath ?? longLink ?? cString(block, 157, 100);
    const checked = checkName(rawName, limits);
    const refused = pendingRefusal ?? checked.refusal ?? refusalForType(type, flag);
    const mtime = numericField(block, 136, 12);
    const entry: TarEntry = {
      index: entries - 1,
      name: checked.name,
      rawName,
      type,
      typeFlag: flag,
      size,
      offset: headerOffset,
      dataOffset,
      ...(mtime !== undefined ? { mtime } : {}),
      ...(type === 'symlink' || type === 'hardlink' ? { linkName: linkRaw.slice(0, limits.maxNameLength) } : {}),
      ...(refused ? { refused } : {}),
    };
    longName = longLink = pax = pendingRefusal = undefined;

    state.current = entry;
    yield entry;

    // Links and devices carry no data in tar; the size field of a hardlink is 0 by convention but a
    // hostile header may say otherwise, so the declared size is skipped whatever the type.
    const end = dataOffset + padded(size);
    const left = end - reader.position;
    if (left > 0 && (await reader.skip(left)) < left) {
      fail(
        'tar-truncated',
        `entry at offset ${headerOffset} declares ${size} bytes, but the archive ends at offset ${reader.position}`,
        reader.position,
        entry.name,
      );
      return;
    }
  }
}

function streamProblem(e: unknown, reader: ChunkReader, source: OpenedSource | undefined, state: ScanState): InputProblem {
  const code = (e as { code?: unknown } | null)?.code;
  const at = reader.position;
  const compressed = source ? ` (after ${source.compressedBytesRead()} compressed bytes)` : '';
  const where = state.current ? ` while reading the entry at offset ${state.current.offset}` : '';
  const extra = state.current ? { offset: at, name: state.current.name } : { offset: at };
  if (code === 'Z_BUF_ERROR')
    return problem('error', 'gzip-truncated', `the gzip stream ends early: data stops at offset ${at} of the archive${compressed}${where}`, extra);
  if (typeof code === 'string' && code.startsWith('Z_'))
    return problem('error', 'gzip-corrupt', `the gzip stream is corrupt at offset ${at} of the archive${compressed}${where}: ${(e as Error).message}`, extra);
  const msg = e instanceof Error ? e.message : String(e);
  return problem('error', 'io', `could not read the archive at offset ${at}${where}: ${msg}`, extra);
}

interface ScanRun {
  readonly state: ScanState;
  readonly compression?: TarCompression;
  readonly bytesRead: number;
}

/** Drives a scan with a visitor, converting every stream failure into a problem. */
async function runScan(path: string, limits: TarLimits, visit: TarVisitor, entries: TarEntry[], onProgress?: ArchiveProgress): Promise<ScanRun> {
  const state: ScanState = { problems: [], complete: false };
  let source: OpenedSource | undefined;
  try {
    source = await openSource(path, onProgress);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    state.problems.push(problem('error', 'io', `could not open the archive: ${msg}`));
    return { state, bytesRead: 0 };
  }
  const reader = new ChunkReader(source.chunks);
  let sink: TarEntrySink | undefined;
  try {
    for await (const entry of scanEntries(reader, limits, state)) {
      entries.push(entry);
      const decision = visit(entry);
      if (decision === 'stop') break;
      if (decision === undefined || entry.refused || entry.type !== 'file') continue;
      sink = decision;
      let wanted = true;
      for await (const chunk of reader.take(entry.size)) {
        if (sink.write(chunk) === false) {
          wanted = false;
          break;
        }
      }
      const s = sink;
      sink = undefined;
      s.end({ complete: !wanted || reader.position === entry.dataOffset + entry.size });
    }
  } catch (e) {
    sink?.end({ complete: false });
    state.problems.push(streamProblem(e, reader, source, state));
  } finally {
    source.close();
  }
  return { state, compression: source.compression, bytesRead: reader.position };
}

function listingOf(run: ScanRun, entries: TarEntry[]): TarListing {
  return {
    entries,
    problems: run.state.problems,
    complete: run.state.complete,
    ...(run.compression ? { compression: run.compression } : {}),
    bytesRead: run.bytesRead,
  };
}

function withDefaults(limits?: Partial<TarLimits>): TarLimits {
  return { ...DEFAULT_TAR_LIMITS, ...limits };
}

/**
 * Reads the whole archive once, calling `visit` for every entry (refused ones included, so they can
 * be listed). Returning a sink streams that entry's bytes into it; refused and non-file entries are
 * never given to a sink.
 */
export async function scanTarGz(path: string, visit: TarVisitor, limits?: Partial<TarLimits>, onProgress?: ArchiveProgress): Promise<TarListing> {
  const entries: TarEntry[] = [];
  const run = await runScan(path, withDefaults(limits), visit, entries, onProgress);
  return listingOf(run, entries);
}

/** Lists every entry of a .tar.gz (or plain .tar: gzip is sniffed by magic bytes). */
export function listTarGz(path: string, limits?: Partial<TarLimits>): Promise<TarListing> {
  return scanTarGz(path, () => undefined, limits);
}

function normaliseTarget(target: string): string {
  return target
    .split('/')
    .filter((p) => p !== '' && p !== '.')
    .join('/');
}

function matches(target: TarEntryTarget, entry: TarEntry): boolean {
  if (typeof target === 'string') return entry.name === normaliseTarget(target);
  return entry.offset === target.offset;
}

function unreadable(entry: TarEntry): InputProblem | undefined {
  if (entry.refused)
    return problem('error', 'entry-refused', `the entry at offset ${entry.offset} is refused: ${entry.refused.message}`, {
      offset: entry.offset,
      name: entry.name,
    });
  if (entry.type !== 'file')
    return problem('error', 'entry-not-file', `the entry at offset ${entry.offset} is a ${entry.type}, not a file`, {
      offset: entry.offset,
      name: entry.name,
    });
  return undefined;
}

function notFound(listing: TarListing): InputProblem {
  const broken = listing.problems.find((p) => p.severity === 'error');
  return broken
    ? problem('error', 'entry-not-found', `entry not found before the archive stopped being readable: ${broken.message}`, {
        ...(broken.offset !== undefined ? { offset: broken.offset } : {}),
      })
    : problem('error', 'entry-not-found', 'no such entry in the archive');
}

/**
 * Reads one small entry (PEM, xconf) into memory. An entry larger than `maxBytes` is not read at all:
 * the answer is a 'entry-too-large' problem, so a hostile size never becomes an allocation.
 * For a name, the first readable file entry with that normalised name is read.
 */
export async function readTarGzEntry(
  path: string,
  target: TarEntryTarget,
  maxBytes: number,
  limits?: Partial<TarLimits>,
): Promise<TarReadResult> {
  let result: TarReadResult | undefined;
  // A refused entry of the wanted name is remembered: if no readable one follows, say why.
  let firstBad: TarReadResult | undefined;
  const listing = await scanTarGz(
    path,
    (entry) => {
      if (!matches(target, entry)) return undefined;
      const bad = unreadable(entry);
      if (bad) {
        if (typeof target === 'string') {
          firstBad ??= { ok: false, problem: bad, entry }; // a later entry of that name may be readable
          return undefined;
        }
        result = { ok: false, problem: bad, entry };
        return 'stop';
      }
      if (entry.size > maxBytes) {
        result = {
          ok: false,
          entry,
          problem: problem('error', 'entry-too-large', `the entry at offset ${entry.offset} holds ${entry.size} bytes, above the limit of ${maxBytes}`, {
            offset: entry.offset,
            name: entry.name,
          }),
        };
        return 'stop';
      }
      const bytes = new Uint8Array(entry.size);
      let at = 0;
      return {
        write(chunk) {
          bytes.set(chunk, at);
          at += chunk.length;
        },
        end({ complete }) {
          result =
            complete && at === entry.size
              ? { ok: true, entry, bytes }
              : {
                  ok: false,
                  entry,
                  problem: problem('error', 'entry-truncated', `the archive ends inside the entry at offset ${entry.offset}: ${at} of ${entry.size} bytes read`, {
                    offset: entry.dataOffset + at,
                    name: entry.name,
                  }),
                };
        },
      };
    },
    limits,
  );
  if (result) {
    // The sink only knows the entry stopped short; the scan's own problem says where and why.
    if (!result.ok && result.problem.code === 'entry-truncated') {
      const cause = listing.problems.find((p) => p.severity === 'error');
      if (cause && result.entry) return { ok: false, entry: result.entry, problem: cause };
    }
    return result;
  }
  return firstBad ?? { ok: false, problem: notFound(listing) };
}

/**
 * Streams one entry's bytes without holding them: the archive is decompressed from the start and
 * everything before the entry is skipped. Memory stays bounded by zlib's chunk size whatever the
 * entry's size. If the entry is missing, refused or cut short, the stream emits a `TarReadError`.
 * The stream stops decompressing as soon as the entry's last byte is delivered.
 */
export function openTarGzEntry(path: string, target: TarEntryTarget, limits?: Partial<TarLimits>): Readable {
  const lim = withDefaults(limits);
  async function* entryBytes(): AsyncGenerator<Buffer> {
    const state: ScanState = { problems: [], complete: false };
    let source: OpenedSource | undefined;
    try {
      source = await openSource(path);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      throw new TarReadError(problem('error', 'io', `could not open the archive: ${msg}`));
    }
    const reader = new ChunkReader(source.chunks);
    try {
      let entry: TarEntry | undefined;
      let firstBad: InputProblem | undefined;
      try {
        for await (const e of scanEntries(reader, lim, state)) {
          if (!matches(target, e)) continue;
          const bad = unreadable(e);
          if (bad) {
            if (typeof target === 'string') {
              firstBad ??= bad; // a later entry of that name may be readable
              continue;
            }
            throw new TarReadError(bad);
          }
          entry = e;
          break;
        }
      } catch (e) {
        if (e instanceof TarReadError) throw e;
        throw new TarReadError(streamProblem(e, reader, source, state));
      }
      if (!entry) {
        if (firstBad) throw new TarReadError(firstBad);
        throw new TarReadError(notFound({ entries: [], problems: state.problems, complete: state.complete, bytesRead: reader.position }));
      }
      state.current = entry;
      try {
        yield* reader.take(entry.size);
      } catch (e) {
        throw new TarReadError(streamProblem(e, reader, source, state));
      }
      if (reader.position !== entry.dataOffset + entry.size) {
        throw new TarReadError(
          problem('error', 'entry-truncated', `the archive ends inside the entry at offset ${entry.offset}: ${reader.position - entry.dataOffset} of ${entry.size} bytes read`, {
            offset: reader.position,
            name: entry.name,
          }),
        );
      }
    } finally {
      source.close();
    }
  }
  return Readable.from(entryBytes(), { objectMode: false });
}
