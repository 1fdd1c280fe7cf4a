/**
 * A small, bounded, streaming tar reader (POSIX ustar, GNU long names, pax extended headers) for
 * Expressway diagnostic bundles, optionally gzip-compressed.
 *
 * Why we own it: bundles come from customers and the internet (issue 7). Reading an archive IN PLACE,
 * never extracting it, is the only way to be sure that an entry named '../../x', '/etc/x' or a symlink
 * writes nothing: nothing is ever written at all. Unsafe entries are listed as refused, with the
 * reason, and their bytes are skipped, never handed out.
 *
 * Why not tar-stream (which also reads in place): measured against a thin layer over tar-stream 3.3
 * (README, "Why ekuscope reads tar and XML itself"), it would save about 320 lines but was no faster,
 * and it cannot keep what the hostile tests and these limits rely on: it reads a pax or long-name
 * header whole (up to a fixed 4 MiB, past which the whole archive fails) before we can refuse its
 * entry, counts no metadata headers, accepts a malformed pax header or a size field with garbage
 * digits silently, calls an archive with bytes after its end marker corrupt, and rejects the
 * signed-char checksums of historic writers.
 *
 * Layout: tar-format.ts (entry types, limits, header decoding and name checks), tar-source.ts (file
 * → gunzip → chunks with a position), this file (the scanner and the public functions).
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
import { Readable } from 'node:stream';
import { type InputProblem, problem } from './problems.js';
import {
  BLOCK,
  checkName,
  checksumOk,
  cString,
  entryType,
  isZeroBlock,
  numericField,
  padded,
  parsePax,
  refusalForType,
  UTF8,
  type PaxValues,
  type TarEntry,
  type TarLimits,
  type TarRefusal,
  DEFAULT_TAR_LIMITS,
} from './tar-format.js';
import { ChunkReader, openSource, type ArchiveProgress, type OpenedSource, type TarCompression } from './tar-source.js';

export { DEFAULT_TAR_LIMITS } from './tar-format.js';
export type { TarEntry, TarEntryType, TarLimits, TarRefusal, TarRefusalReason } from './tar-format.js';
export { sniffGzip } from './tar-source.js';
export type { ArchiveProgress, TarCompression } from './tar-source.js';


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

// ---------------------------------------------------------------------------------------------
// The scanner.

interface ScanState {
  readonly problems: InputProblem[];
  complete: boolean;
  /** The entry whose data is being read or skipped, for error messages. */
  current?: TarEntry;
}

/** What the metadata headers read so far say about the next real entry. */
interface Pending {
  longName?: string;
  longLink?: string;
  pax?: PaxValues;
  refusal?: TarRefusal;
}

/** One checked header block: a real entry's or a metadata header's. */
interface HeaderBlock {
  readonly block: Buffer;
  readonly offset: number;
  /** The size field: the entry's data, or the metadata header's body. */
  readonly size: number;
  readonly flag: string;
}

/** A scan's counters and the problem it records when it must stop. */
class ScanContext {
  headers = 0;
  entries = 0;
  constructor(
    readonly reader: ChunkReader,
    readonly limits: TarLimits,
    readonly state: ScanState,
  ) {}
  fail(code: string, message: string, offset: number, name?: string): void {
    this.state.problems.push(problem('error', code, message, name === undefined ? { offset } : { offset, name }));
  }
}

/**
 * Reads and checks the next header block. 'end' is a clean end (the end-of-archive marker, or the
 * file ending at a header boundary, which is complete but warned about); 'fail' has recorded why.
 */
async function nextHeader(ctx: ScanContext, pending: Pending): Promise<HeaderBlock | 'end' | 'fail'> {
  const { reader, limits, state } = ctx;
  const offset = reader.position;
  const block = await reader.read(BLOCK);
  if (block.length === 0) {
    if (pending.longName !== undefined || pending.longLink !== undefined || pending.pax !== undefined) {
      ctx.fail('tar-truncated', `archive ends at offset ${offset} after an extended header, before its entry`, offset);
      return 'fail';
    }
    // No end-of-archive marker: every entry was whole, so the listing is complete, but say so.
    state.problems.push(problem('warning', 'tar-no-end-marker', `archive ends at offset ${offset} without an end-of-archive marker`, { offset }));
    state.complete = true;
    return 'end';
  }
  if (block.length < BLOCK) {
    ctx.fail('tar-truncated', `archive ends at offset ${reader.position} inside the header that starts at offset ${offset}`, offset);
    return 'fail';
  }
  if (isZeroBlock(block)) {
    // One zero block is enough to end: some writers emit only one, and nothing valid follows.
    state.complete = true;
    return 'end';
  }
  if (++ctx.headers > limits.maxHeaders) {
    ctx.fail('tar-limit', `more than ${limits.maxHeaders} headers: stopped reading at offset ${offset}`, offset);
    return 'fail';
  }
  if (!checksumOk(block)) {
    ctx.fail('tar-bad-checksum', `header at offset ${offset} fails its checksum: the archive is corrupt there (or is not a tar archive)`, offset);
    return 'fail';
  }
  const size = numericField(block, 124, 12);
  if (size === undefined) {
    ctx.fail('tar-bad-header', `header at offset ${offset} has an unreadable size field`, offset);
    return 'fail';
  }
  return { block, offset, size, flag: String.fromCharCode(block[156] ?? 0) };
}

/** The metadata header types: their body describes the next real entry. */
function isMetadata(flag: string): boolean {
  return flag === 'L' || flag === 'K' || flag === 'x' || flag === 'g';
}

/**
 * Reads a GNU long name or link ('L', 'K') or a pax header ('x', 'g') into `pending`. One too large
 * to read is skipped and its entry refused; false when the archive ends inside it.
 */
async function readMetadata(ctx: ScanContext, h: HeaderBlock, pending: Pending): Promise<boolean> {
  const { reader, limits, state } = ctx;
  const cap = h.flag === 'L' || h.flag === 'K' ? limits.maxNameLength + 1 : limits.maxPaxHeaderBytes;
  if (h.size > cap) {
    state.problems.push(
      problem('warning', 'tar-header-too-large', `extended header at offset ${h.offset} claims ${h.size} bytes, above the limit of ${cap}: skipped, and its entry refused`, {
        offset: h.offset,
      }),
    );
    pending.refusal = { reason: 'bad-header', message: 'the extended header describing this entry was too large to read' };
    const want = padded(h.size);
    if (h.size > limits.maxEntrySize || (await reader.skip(want)) < want) {
      ctx.fail('tar-truncated', `archive ends inside the extended header that starts at offset ${h.offset}`, h.offset);
      return false;
    }
    return true;
  }
  const body = Buffer.from(await reader.read(h.size));
  const pad = padded(h.size) - h.size;
  if (body.length < h.size || (await reader.skip(pad)) < pad) {
    ctx.fail('tar-truncated', `archive ends at offset ${reader.position} inside the extended header that starts at offset ${h.offset}`, h.offset);
    return false;
  }
  if (h.flag === 'L' || h.flag === 'K') {
    const nul = body.indexOf(0);
    const text = UTF8.decode(nul < 0 ? body : body.subarray(0, nul));
    if (h.flag === 'L') pending.longName = text;
    else pending.longLink = text;
  } else if (h.flag === 'x') {
    const parsed = parsePax(body);
    if (parsed === undefined) {
      state.problems.push(problem('warning', 'tar-bad-pax', `pax header at offset ${h.offset} is malformed: its entry is refused`, { offset: h.offset }));
      pending.refusal = { reason: 'bad-header', message: 'the pax header describing this entry is malformed' };
    } else {
      pending.pax = { ...pending.pax, ...parsed };
    }
  }
  // 'g' (pax global) is deliberately ignored: a global path or size would apply to every later
  // entry, which no bundle writer does, and honouring it only widens the attack surface.
  return true;
}

/** A real entry from its header and the metadata before it: name resolved and checked, refusal decided. */
function entryOf(h: HeaderBlock, size: number, pending: Pending, index: number, limits: TarLimits): TarEntry {
  const { block, flag } = h;
  const magic = block.subarray(257, 263).toString('latin1');
  let ustarName = cString(block, 0, 100);
  // The ustar prefix field (345..500) exists only with the POSIX magic; GNU's old format keeps
  // access times there.
  if (magic === 'ustar\0') {
    const prefix = cString(block, 345, 155);
    if (prefix !== '') ustarName = `${prefix}/${ustarName}`;
  }
  const rawName = pending.pax?.path ?? pending.longName ?? ustarName;
  let type = entryType(flag);
  if (type === 'file' && rawName.endsWith('/')) type = 'directory'; // pre-POSIX directory entries
  const linkRaw = pending.pax?.linkpath ?? pending.longLink ?? cString(block, 157, 100);
  const checked = checkName(rawName, limits);
  const refused = pending.refusal ?? checked.refusal ?? refusalForType(type, flag);
  const mtime = numericField(block, 136, 12);
  return {
    index,
    name: checked.name,
    rawName,
    type,
    typeFlag: flag,
    size,
    offset: h.offset,
    dataOffset: h.offset + BLOCK,
    ...(mtime !== undefined ? { mtime } : {}),
    ...(type === 'symlink' || type === 'hardlink' ? { linkName: linkRaw.slice(0, limits.maxNameLength) } : {}),
    ...(refused ? { refused } : {}),
  };
}

/**
 * Yields each entry in archive order. After each yield the consumer may read (part of) the entry's
 * data through `reader.take`; whatever it leaves is skipped before the next header is read.
 * Errors thrown by the underlying stream (gzip corruption, I/O) propagate to the caller, which turns
 * them into problems; format errors are recorded in `state` and end the generator.
 */
async function* scanEntries(reader: ChunkReader, limits: TarLimits, state: ScanState): AsyncGenerator<TarEntry> {
  const ctx = new ScanContext(reader, limits, state);
  let pending: Pending = {};
  for (;;) {
    state.current = undefined;
    const h = await nextHeader(ctx, pending);
    if (h === 'end' || h === 'fail') return;
    if (isMetadata(h.flag)) {
      if (!(await readMetadata(ctx, h, pending))) return;
      continue;
    }
    if (++ctx.entries > limits.maxEntries) {
      ctx.fail('tar-limit', `more than ${limits.maxEntries} entries: stopped reading at offset ${h.offset}`, h.offset);
      return;
    }
    const size = pending.pax?.size ?? h.size;
    if (size > limits.maxEntrySize) {
      ctx.fail('tar-bad-header', `entry at offset ${h.offset} claims ${size} bytes, above the limit of ${limits.maxEntrySize}`, h.offset);
      return;
    }
    const entry = entryOf(h, size, pending, ctx.entries - 1, limits);
    pending = {};
    state.current = entry;
    yield entry;

    // Links and devices carry no data in tar; the size field of a hardlink is 0 by convention but a
    // hostile header may say otherwise, so the declared size is skipped whatever the type.
    const left = entry.dataOffset + padded(size) - reader.position;
    if (left > 0 && (await reader.skip(left)) < left) {
      ctx.fail('tar-truncated', `entry at offset ${h.offset} declares ${size} bytes, but the archive ends at offset ${reader.position}`, reader.position, entry.name);
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
