/**
 * The tar format as ekuscope reads it: what an entry is, the limits, and the header decoding (POSIX
 * ustar, GNU long names, pax extended headers) with the name checks that refuse unsafe entries.
 * Pure functions over header bytes: nothing here reads a file or touches the disk.
 */

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

export const BLOCK = 512;

/** Bytes an entry of `size` takes in the archive: its data padded to whole blocks. */
export function padded(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

// ---------------------------------------------------------------------------------------------
// Header decoding (POSIX.1-1988 ustar, GNU tar extensions, POSIX.1-2001 pax).

export const UTF8 = new TextDecoder('utf-8', { fatal: false });

export function cString(b: Uint8Array, start: number, len: number): string {
  const field = b.subarray(start, start + len);
  const nul = field.indexOf(0);
  return UTF8.decode(nul < 0 ? field : field.subarray(0, nul));
}

/** Numeric header field: octal text, or GNU base-256 when the high bit is set. undefined = invalid. */
export function numericField(b: Uint8Array, start: number, len: number): number | undefined {
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

export function checksumOk(block: Uint8Array): boolean {
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

export function isZeroBlock(block: Uint8Array): boolean {
  for (let i = 0; i < block.length; i++) if (block[i] !== 0) return false;
  return true;
}

export interface PaxValues {
  path?: string;
  linkpath?: string;
  size?: number;
}

/** Parses pax records "<len> <key>=<value>\n" (POSIX.1-2001 pax, "extended header"). */
export function parsePax(body: Uint8Array): PaxValues | undefined {
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

export function entryType(flag: string): TarEntryType {
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
export function checkName(raw: string, limits: TarLimits): { name: string; refusal?: TarRefusal } {
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

export function refusalForType(type: TarEntryType, flag: string): TarRefusal | undefined {
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
