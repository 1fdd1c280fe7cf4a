/**
 * Expressway diagnostic bundles: a folder, a .tar.gz or a plain .tar, holding one box's files or
 * several boxes' (one subfolder each). See SCENARIOS.md, "Diagnostic bundle layout".
 *
 * Files are recognised by Expressway's naming, `<kind>_<host>_<YYYY-MM-DD_HH_MM_SS>.<ext>`, and grouped
 * into one Bundle per host tag. Hosts may contain '_': the timestamp is anchored at the end of the
 * name, so everything between the kind prefix and it is the host.
 *
 * Archives are read in place (tar.ts): one pass reads every small file (PEM, xconf, xstat) into
 * memory under a cap and streams loggingsnapshots through the log parser; captures get an opener
 * that re-reads the archive and streams just that entry. Archive entry names are untrusted strings:
 * they are classified and reported (in separate fields, for the caller to neutralise), never used as
 * file-system paths.
 *
 * PEM files are returned as raw bytes: certificate parsing belongs to the x509 stage and is composed
 * by the caller. Private-key blocks are removed from those bytes here, so the model never holds one.
 *
 * Never throws on input: problems are collected on the bundle (or the set) with what could be read.
 */
import { createReadStream, type Dirent } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { type Readable } from 'node:stream';
import { createLoggingSnapshotParser, type LogParseResult, type LoggingSnapshotParser, type LogLimits, type TlsLogEvent } from './logs.js';
import { type InputProblem, problem } from './problems.js';
import { type ArchiveProgress, type TarEntry, type TarLimits, type TarRefusal, openTarGzEntry, readTarGzEntry, scanTarGz, sniffGzip } from './tar.js';
import { type Xconf, type Xstat, parseXconf, parseXstat } from './xconf.js';

export type BundleFileKind = 'ca-pem' | 'client-pem' | 'server-pem' | 'capture' | 'loggingsnapshot' | 'xconf' | 'xstat';

/** `YYYY-MM-DD_HH_MM_SS` from a file name. The box's clock; its time zone is not in the name. */
export interface BundleTimestamp {
  readonly text: string;
  /** ISO 8601 without a zone, e.g. "2026-03-30T10:12:13". */
  readonly iso: string;
}

export interface ClassifiedName {
  readonly kind: BundleFileKind;
  /** Untrusted host tag (may contain '_'). */
  readonly host: string;
  readonly timestamp: BundleTimestamp;
  /** Captures: the interface ("eth0") and the tcpdump file number ("00"). */
  readonly interface?: string;
  readonly sequence?: string;
  /** Captures: '.gz' suffix. */
  readonly gzip?: boolean;
  /** xconf/xstat: which form. */
  readonly format?: 'txt' | 'xml';
}

export type BundleSourceKind = 'folder' | 'tar.gz' | 'tar';

export type BundleReadResult =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly problem: InputProblem };

export interface BundleFile extends ClassifiedName {
  /** Untrusted: the file's base name. Neutralise before printing; never use as a path. */
  readonly name: string;
  /** Untrusted: where it is inside the bundle (relative path or archive entry name), for display. */
  readonly location: string;
  readonly size: number;
  /** Small files (PEM, xconf, xstat) read during opening; private-key blocks already removed from PEMs. */
  readonly bytes?: Uint8Array;
  /** Reads the file into memory, refusing files above `maxBytes`. */
  read(maxBytes: number): Promise<BundleReadResult>;
  /** Streams the file's bytes (as stored: a .pcap.gz stays compressed). Errors arrive as stream errors. */
  open(): Readable;
}

export interface OtherFile {
  /** Untrusted. */
  readonly name: string;
  /** Untrusted. */
  readonly location: string;
  readonly size: number;
  readonly type: 'file' | 'directory' | 'symlink' | 'hardlink' | 'char-device' | 'block-device' | 'fifo' | 'other';
  /** Set for archive entries refused as unsafe, and for links in folders (never followed). */
  readonly refused?: TarRefusal;
}

export interface SnapshotLog {
  readonly file: BundleFile;
  readonly result: LogParseResult;
}

export interface Bundle {
  /** Untrusted host tag from the file names. */
  readonly host: string;
  /** The latest timestamp among the host's files (a bundle is one download). */
  readonly timestamp?: BundleTimestamp;
  /** Every distinct timestamp seen for this host, oldest first; more than one = several downloads merged. */
  readonly timestamps: readonly string[];
  readonly files: readonly BundleFile[];
  readonly stores: {
    readonly ca: readonly BundleFile[];
    readonly client: readonly BundleFile[];
    readonly server: readonly BundleFile[];
  };
  readonly captures: readonly BundleFile[];
  /** Parsed from the latest xconf dump (text preferred over XML). */
  readonly xconf?: Xconf;
  readonly xstat?: Xstat;
  readonly logs: readonly SnapshotLog[];
  /** All TLS events of all snapshots, in file then line order. */
  readonly logEvents: readonly TlsLogEvent[];
  readonly problems: readonly InputProblem[];
}

export interface BundleSet {
  readonly sourceKind?: BundleSourceKind;
  readonly bundles: readonly Bundle[];
  /** Files not named as Expressway writes them, and refused archive entries: listed, not fatal. */
  readonly otherFiles: readonly OtherFile[];
  /** Problems of the container (archive truncated, unreadable folder...). */
  readonly problems: readonly InputProblem[];
}

export interface BundleOptions {
  /** Largest PEM/xconf/xstat file read into memory. */
  readonly maxSmallFileBytes?: number;
  /** Total bytes of small files held at once. */
  readonly maxSmallTotalBytes?: number;
  /** Folder walking: depth and file count. */
  readonly maxDepth?: number;
  readonly maxFiles?: number;
  readonly tarLimits?: Partial<TarLimits>;
  readonly logLimits?: Partial<LogLimits>;
  /** An archive's walk, as its file is read (for a progress line). */
  readonly onArchiveProgress?: ArchiveProgress;
}

const DEFAULTS = {
  maxSmallFileBytes: 16 << 20,
  maxSmallTotalBytes: 128 << 20,
  maxDepth: 6,
  maxFiles: 20_000,
};

// ---------------------------------------------------------------------------------------------
// Names.

const TS = '(\\d{4})-(\\d{2})-(\\d{2})_(\\d{2})_(\\d{2})_(\\d{2})';
const RE_PEM = new RegExp(`^(ca|client|server)_(.+)_${TS}\\.pem$`);
const RE_CAPTURE = new RegExp(`^([A-Za-z0-9.-]+)_diagnostic_logging_tcpdump(\\d+)_(.+)_${TS}\\.(pcap|pcapng)(\\.gz)?$`);
const RE_SNAPSHOT = new RegExp(`^loggingsnapshot_(.+)_${TS}\\.txt$`);
const RE_DUMP = new RegExp(`^(xconf|xstat)_dump_(.+)_${TS}\\.(txt|xml)$`);

function timestamp(parts: readonly (string | undefined)[]): BundleTimestamp | undefined {
  const [y, mo, d, h, mi, s] = parts.map((p) => Number(p));
  if (mo! < 1 || mo! > 12 || d! < 1 || d! > 31 || h! > 23 || mi! > 59 || s! > 60) return undefined;
  const [ys, mos, ds, hs, mis, ss] = parts as string[];
  return { text: `${ys}-${mos}-${ds}_${hs}_${mis}_${ss}`, iso: `${ys}-${mos}-${ds}T${hs}:${mis}:${ss}` };
}

/** Classifies a base name as Expressway names its diagnostic files; undefined for anything else. */
export function classifyBundleFileName(basename: string): ClassifiedName | undefined {
  let m = RE_PEM.exec(basename);
  if (m) {
    const ts = timestamp(m.slice(3, 9));
    return ts && { kind: `${m[1] as 'ca' | 'client' | 'server'}-pem`, host: m[2]!, timestamp: ts };
  }
  m = RE_CAPTURE.exec(basename);
  if (m) {
    const ts = timestamp(m.slice(4, 10));
    return ts && { kind: 'capture', host: m[3]!, timestamp: ts, interface: m[1]!, sequence: m[2]!, gzip: m[11] !== undefined };
  }
  m = RE_SNAPSHOT.exec(basename);
  if (m) {
    const ts = timestamp(m.slice(2, 8));
    return ts && { kind: 'loggingsnapshot', host: m[1]!, timestamp: ts };
  }
  m = RE_DUMP.exec(basename);
  if (m) {
    const ts = timestamp(m.slice(3, 9));
    return ts && { kind: m[1] === 'xconf' ? 'xconf' : 'xstat', host: m[2]!, timestamp: ts, format: m[9] as 'txt' | 'xml' };
  }
  return undefined;
}

function isSmallKind(kind: BundleFileKind): boolean {
  return kind === 'ca-pem' || kind === 'client-pem' || kind === 'server-pem' || kind === 'xconf' || kind === 'xstat';
}

// A key block ends at its END line; one cut short ends where the next PEM block begins (or at the
// end of the file), so that certificates after it are kept, as loadCertificates keeps them.
const PRIVATE_KEY_BLOCK = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|(?=-----BEGIN )|$)/g;

/**
 * Removes PEM private-key blocks (a bundle should never hold one, but a customer's folder might), so
 * that no later stage can print or keep it. The input buffer is zeroed when anything was removed.
 */
export function stripPrivateKeys(bytes: Uint8Array): { bytes: Uint8Array; removed: number } {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  if (!text.includes('PRIVATE KEY-----')) return { bytes, removed: 0 };
  let removed = 0;
  const clean = text.replace(PRIVATE_KEY_BLOCK, () => {
    removed++;
    return '';
  });
  if (removed === 0) return { bytes, removed };
  const out = new Uint8Array(Buffer.from(clean, 'latin1'));
  bytes.fill(0);
  return { bytes: out, removed };
}

// ---------------------------------------------------------------------------------------------
// Collecting files, whatever the container.

interface Collected {
  readonly classified: ClassifiedName;
  readonly name: string;
  readonly location: string;
  readonly size: number;
  bytes?: Uint8Array;
  readonly problems: InputProblem[];
  log?: LoggingSnapshotParser;
  logResult?: LogParseResult;
  readonly read: (maxBytes: number) => Promise<BundleReadResult>;
  readonly open: () => Readable;
}

interface Collection {
  readonly files: Collected[];
  readonly others: OtherFile[];
  readonly problems: InputProblem[];
  smallTotal: number;
}

function baseName(location: string): string {
  const i = location.lastIndexOf('/');
  return i < 0 ? location : location.slice(i + 1);
}

/** Whether a small file may be held; records why not otherwise. */
function admitSmall(c: Collection, f: Collected, opts: typeof DEFAULTS): boolean {
  if (f.size > opts.maxSmallFileBytes) {
    f.problems.push(
      problem('warning', 'file-too-large', `a ${f.classified.kind} file of ${f.size} bytes is above the limit of ${opts.maxSmallFileBytes}: not read`, {
        name: f.name,
      }),
    );
    return false;
  }
  if (c.smallTotal + f.size > opts.maxSmallTotalBytes) {
    f.problems.push(problem('warning', 'files-too-large', `small files above ${opts.maxSmallTotalBytes} bytes in total: this one was not read`, { name: f.name }));
    return false;
  }
  c.smallTotal += f.size;
  return true;
}

function finishSmall(f: Collected, bytes: Uint8Array): void {
  if (f.classified.kind.endsWith('-pem')) {
    const s = stripPrivateKeys(bytes);
    if (s.removed > 0)
      f.problems.push(problem('warning', 'pem-private-key', `${s.removed} private key block(s) in a PEM file were discarded unread`, { name: f.name }));
    f.bytes = s.bytes;
  } else {
    f.bytes = bytes;
  }
}

async function collectArchive(path: string, opts: typeof DEFAULTS, options: BundleOptions): Promise<Collection & { compression?: 'gzip' | 'none' }> {
  const c: Collection = { files: [], others: [], problems: [], smallTotal: 0 };
  const listing = await scanTarGz(
    path,
    (entry: TarEntry) => {
      const name = baseName(entry.name);
      const classified = entry.type === 'file' && !entry.refused ? classifyBundleFileName(name) : undefined;
      if (!classified) {
        if (entry.type === 'directory' && !entry.refused) return undefined;
        c.others.push({ name, location: entry.name, size: entry.size, type: entry.type, ...(entry.refused ? { refused: entry.refused } : {}) });
        if (entry.refused)
          c.problems.push(
            problem('warning', 'entry-refused', `archive entry at offset ${entry.offset} refused and not read: ${entry.refused.message}`, {
              offset: entry.offset,
              name: entry.rawName,
            }),
          );
        return undefined;
      }
      const target = { offset: entry.offset };
      const f: Collected = {
        classified,
        name,
        location: entry.name,
        size: entry.size,
        problems: [],
        read: async (maxBytes) => {
          if (f.bytes && f.bytes.length <= maxBytes) return { ok: true, bytes: f.bytes };
          const r = await readTarGzEntry(path, target, maxBytes, options.tarLimits);
          if (!r.ok) return r;
          return { ok: true, bytes: f.classified.kind.endsWith('-pem') ? stripPrivateKeys(r.bytes).bytes : r.bytes };
        },
        open: () => openTarGzEntry(path, target, options.tarLimits),
      };
      c.files.push(f);
      if (classified.kind === 'loggingsnapshot') {
        const parser = createLoggingSnapshotParser(options.logLimits);
        f.log = parser;
        return {
          write: (chunk) => parser.push(chunk),
          end: ({ complete }) => {
            f.logResult = parser.end();
            if (!complete) f.problems.push(problem('error', 'file-truncated', 'the loggingsnapshot ends early: events up to that point are kept', { name }));
          },
        };
      }
      if (!isSmallKind(classified.kind) || !admitSmall(c, f, opts)) return undefined;
      const bytes = new Uint8Array(entry.size);
      let at = 0;
      return {
        write: (chunk) => {
          bytes.set(chunk, at);
          at += chunk.length;
        },
        end: ({ complete }) => {
          if (complete && at === entry.size) finishSmall(f, bytes);
          else f.problems.push(problem('error', 'file-truncated', `the archive ends inside this file: ${at} of ${entry.size} bytes read, not used`, { name }));
        },
      };
    },
    options.tarLimits,
    options.onArchiveProgress,
  );
  c.problems.push(...listing.problems);
  for (const f of c.files) if (f.log && !f.logResult) f.logResult = f.log.end();
  return { ...c, ...(listing.compression ? { compression: listing.compression } : {}) };
}

async function readFileCapped(full: string, maxBytes: number): Promise<BundleReadResult> {
  try {
    const fh = await open(full, 'r');
    try {
      const st = await fh.stat();
      if (st.size > maxBytes) return { ok: false, problem: problem('error', 'file-too-large', `file of ${st.size} bytes is above the limit of ${maxBytes}`) };
      const bytes = new Uint8Array(st.size);
      let at = 0;
      while (at < bytes.length) {
        const { bytesRead } = await fh.read(bytes, at, bytes.length - at, at);
        if (bytesRead === 0) break;
        at += bytesRead;
      }
      return { ok: true, bytes: at === bytes.length ? bytes : bytes.subarray(0, at) };
    } finally {
      await fh.close();
    }
  } catch (e) {
    return { ok: false, problem: problem('error', 'io', `could not read the file: ${e instanceof Error ? e.message : String(e)}`) };
  }
}

async function collectFolder(root: string, opts: typeof DEFAULTS, options: BundleOptions): Promise<Collection> {
  const c: Collection = { files: [], others: [], problems: [], smallTotal: 0 };
  let count = 0;
  let capped = false;
  const walk = async (dir: string, depth: number): Promise<void> => {
    let dirents: Dirent[];
    try {
      dirents = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      c.problems.push(problem('error', 'io', `could not list a folder: ${e instanceof Error ? e.message : String(e)}`, { name: relative(root, dir) || '.' }));
      return;
    }
    dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const d of dirents) {
      if (++count > opts.maxFiles) {
        if (!capped) c.problems.push(problem('warning', 'folder-limit', `more than ${opts.maxFiles} files: the rest are ignored`));
        capped = true;
        return;
      }
      const full = join(dir, d.name);
      const location = relative(root, full).split(sep).join('/');
      if (d.isSymbolicLink()) {
        // Links are not followed: a bundle folder may come from an untrusted archive unpacked by
        // another tool, and a link could point at any file on this machine (or loop).
        c.others.push({ name: d.name, location, size: 0, type: 'symlink', refused: { reason: 'link', message: 'symbolic links in a bundle folder are not followed' } });
        c.problems.push(problem('warning', 'link-not-followed', 'a symbolic link in the bundle folder was not followed', { name: location }));
        continue;
      }
      if (d.isDirectory()) {
        if (depth >= opts.maxDepth) c.problems.push(problem('warning', 'folder-depth', `folders deeper than ${opts.maxDepth} levels are not read`, { name: location }));
        else await walk(full, depth + 1);
        continue;
      }
      if (!d.isFile()) {
        c.others.push({ name: d.name, location, size: 0, type: 'other' });
        continue;
      }
      let size = 0;
      try {
        size = (await lstat(full)).size;
      } catch {
        // Vanished between listing and stat: reading it later will report the error.
      }
      const classified = classifyBundleFileName(d.name);
      if (!classified) {
        c.others.push({ name: d.name, location, size, type: 'file' });
        continue;
      }
      const f: Collected = {
        classified,
        name: d.name,
        location,
        size,
        problems: [],
        read: async (maxBytes) => {
          if (f.bytes && f.bytes.length <= maxBytes) return { ok: true, bytes: f.bytes };
          const r = await readFileCapped(full, maxBytes);
          if (!r.ok || !f.classified.kind.endsWith('-pem')) return r;
          return { ok: true, bytes: stripPrivateKeys(r.bytes).bytes };
        },
        open: () => createReadStream(full),
      };
      c.files.push(f);
      if (classified.kind === 'loggingsnapshot') {
        const parser = createLoggingSnapshotParser(options.logLimits);
        try {
          for await (const chunk of createReadStream(full)) parser.push(chunk as Buffer);
        } catch (e) {
          f.problems.push(problem('error', 'io', `the loggingsnapshot could not be read to its end: ${e instanceof Error ? e.message : String(e)}`, { name: d.name }));
        }
        f.logResult = parser.end();
      } else if (isSmallKind(classified.kind) && admitSmall(c, f, opts)) {
        const r = await readFileCapped(full, opts.maxSmallFileBytes);
        if (r.ok) finishSmall(f, r.bytes);
        else f.problems.push({ ...r.problem, name: d.name });
      }
    }
  };
  await walk(root, 0);
  return c;
}

// ---------------------------------------------------------------------------------------------
// Grouping into bundles.

function toBundleFile(f: Collected): BundleFile {
  return {
    ...f.classified,
    name: f.name,
    location: f.location,
    size: f.size,
    ...(f.bytes ? { bytes: f.bytes } : {}),
    read: f.read,
    open: f.open,
  };
}

function groupBundles(c: Collection): Bundle[] {
  const byHost = new Map<string, Collected[]>();
  for (const f of c.files) {
    const list = byHost.get(f.classified.host) ?? [];
    list.push(f);
    byHost.set(f.classified.host, list);
  }
  const bundles: Bundle[] = [];
  for (const [host, collected] of [...byHost].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const problems: InputProblem[] = collected.flatMap((f) => f.problems);
    const timestamps = [...new Set(collected.map((f) => f.classified.timestamp.text))].sort();
    const latest = timestamps[timestamps.length - 1];
    if (timestamps.length > 1)
      problems.push(problem('info', 'bundle-several-timestamps', `files from ${timestamps.length} different downloads of this box were merged; the latest configuration is used`));
    const files = collected.map(toBundleFile);
    const pick = (kind: 'xconf' | 'xstat'): BundleFile | undefined => {
      const candidates = files.filter((f) => f.kind === kind && f.bytes).sort((a, b) =>
        a.timestamp.text !== b.timestamp.text ? (a.timestamp.text < b.timestamp.text ? 1 : -1) : a.format === 'txt' ? -1 : b.format === 'txt' ? 1 : 0,
      );
      return candidates[0];
    };
    const xconfFile = pick('xconf');
    const xstatFile = pick('xstat');
    let xconf: Xconf | undefined;
    if (xconfFile?.bytes) {
      xconf = parseXconf(xconfFile.bytes);
      problems.push(...xconf.problems.map((p) => ({ ...p, name: xconfFile.name })));
      // A text and an XML dump of the same download should agree on the setting the rules hinge on.
      for (const other of files.filter((f) => f.kind === 'xconf' && f !== xconfFile && f.bytes && f.timestamp.text === xconfFile.timestamp.text)) {
        const o = parseXconf(other.bytes!);
        if (!o.sipTlsEkuChecking.defaulted && !xconf.sipTlsEkuChecking.defaulted && o.sipTlsEkuChecking.mode !== xconf.sipTlsEkuChecking.mode)
          problems.push(problem('warning', 'xconf-disagree', 'the text and XML xconf dumps disagree on the SIP TLS EKU checking mode; the text dump is used', { name: other.name }));
      }
    }
    let xstat: Xstat | undefined;
    if (xstatFile?.bytes) {
      xstat = parseXstat(xstatFile.bytes);
      problems.push(...xstat.problems.filter((p) => p.severity !== 'info').map((p) => ({ ...p, name: xstatFile.name })));
    }
    const logs: SnapshotLog[] = [];
    collected.forEach((f, i) => {
      if (f.logResult) {
        logs.push({ file: files[i]!, result: f.logResult });
        problems.push(...f.logResult.problems.map((p) => ({ ...p, name: f.name })));
      }
    });
    const ts = latest !== undefined ? collected.find((f) => f.classified.timestamp.text === latest)?.classified.timestamp : undefined;
    if (!files.some((f) => f.kind === 'xconf'))
      problems.push(problem('info', 'bundle-no-xconf', 'no xconf dump for this box: its name, addresses and EKU checking mode are unknown'));
    bundles.push({
      host,
      ...(ts ? { timestamp: ts } : {}),
      timestamps,
      files,
      stores: {
        ca: files.filter((f) => f.kind === 'ca-pem'),
        client: files.filter((f) => f.kind === 'client-pem'),
        server: files.filter((f) => f.kind === 'server-pem'),
      },
      captures: files.filter((f) => f.kind === 'capture'),
      ...(xconf ? { xconf } : {}),
      ...(xstat ? { xstat } : {}),
      logs,
      logEvents: logs.flatMap((l) => l.result.events),
      problems,
    });
  }
  return bundles;
}

async function sniffTar(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(8);
    const { bytesRead } = await fh.read(b, 0, 8, 257);
    return bytesRead >= 6 && b.subarray(0, 5).toString('latin1') === 'ustar';
  } finally {
    await fh.close();
  }
}

/**
 * Opens a bundle folder, .tar.gz or .tar (gzip and tar are sniffed from the bytes, not the name) and
 * returns one Bundle per host tag found.
 */
export async function openBundle(path: string, options: BundleOptions = {}): Promise<BundleSet> {
  const opts = {
    maxSmallFileBytes: options.maxSmallFileBytes ?? DEFAULTS.maxSmallFileBytes,
    maxSmallTotalBytes: options.maxSmallTotalBytes ?? DEFAULTS.maxSmallTotalBytes,
    maxDepth: options.maxDepth ?? DEFAULTS.maxDepth,
    maxFiles: options.maxFiles ?? DEFAULTS.maxFiles,
  };
  let sourceKind: BundleSourceKind;
  let collection: Collection;
  try {
    const st = await lstat(path);
    if (st.isDirectory()) {
      sourceKind = 'folder';
      collection = await collectFolder(path, opts, options);
    } else {
      const gz = await sniffGzip(path);
      if (!gz && !(await sniffTar(path)))
        return { bundles: [], otherFiles: [], problems: [problem('error', 'not-a-bundle', 'not a folder, a gzip file or a tar archive')] };
      const c = await collectArchive(path, opts, options);
      sourceKind = c.compression === 'none' ? 'tar' : 'tar.gz';
      collection = c;
    }
  } catch (e) {
    return { bundles: [], otherFiles: [], problems: [problem('error', 'io', `could not open the bundle: ${e instanceof Error ? e.message : String(e)}`)] };
  }
  const bundles = groupBundles(collection);
  const problems = [...collection.problems];
  if (bundles.length === 0) problems.push(problem('warning', 'bundle-empty', 'no file named as an Expressway diagnostic bundle names its files'));
  return { sourceKind, bundles, otherFiles: collection.others, problems };
}
