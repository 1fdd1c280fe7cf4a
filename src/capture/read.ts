import type { Readable } from 'node:stream';
import { describeGzipError, describeMagic, openSource, type OpenedSource } from './source.js';
import { PCAP_MAGIC_NS_BE, PCAP_MAGIC_NS_LE, PCAP_MAGIC_US_BE, PCAP_MAGIC_US_LE, readPcap, rewriteNanosecondMagic } from './pcap.js';
import { readPcapng, type PcapngHooks } from './pcapng.js';
import type { CaptureFormat, CaptureProblem, CaptureSummary, Frame } from './types.js';
import { peek } from './source.js';

export interface ReadOptions extends PcapngHooks {
  /** Called between chunks with raw bytes read so far and the file size when known. */
  onProgress?(rawBytes: number, totalBytes: number | undefined): void;
  /** Size of a stream input (e.g. a tar entry), for progress. */
  sizeHint?: number;
  /** Read size for a file (default 1 MiB); tests use small ones to cut records across reads. */
  chunkSize?: number;
}

export class CaptureFormatError extends Error {}

export function sniffFormat(head: Buffer): CaptureFormat | undefined {
  if (head.length < 4) return undefined;
  const m = head.readUInt32BE(0);
  if (m === PCAP_MAGIC_US_BE || m === PCAP_MAGIC_US_LE) return 'pcap';
  if (m === PCAP_MAGIC_NS_BE || m === PCAP_MAGIC_NS_LE) return 'pcap-ns';
  if (m === 0x0a0d0d0a) return 'pcapng';
  return undefined;
}

/**
 * Reads a capture (pcap µs/ns in either byte order, pcapng, either gzip-compressed) and calls
 * `onFrame` for each frame, synchronously, in file order. Frames arrive between stream chunks,
 * so the event loop (and a TUI's key handling) keeps running while a large file streams.
 * Never throws on file content: problems are in the summary; only an unknown format or an
 * unreadable path rejects, with a one-line CaptureFormatError.
 */
export async function readCapture(input: string | Readable, onFrame: (f: Frame) => void | 'stop', opts: ReadOptions = {}): Promise<CaptureSummary> {
  let src: OpenedSource;
  try {
    src = await openSource(input, opts.sizeHint, opts.chunkSize);
  } catch (e) {
    throw new CaptureFormatError(`cannot read: ${(e as Error).message}`);
  }
  const format = sniffFormat(src.head);
  if (!format) {
    src.stream.destroy();
    const gz = src.gzipError?.();
    if (gz && src.head.length < 4) throw new CaptureFormatError(`cannot read: ${describeGzipError(gz)}, before any capture data`);
    throw new CaptureFormatError(`not a capture: it looks like ${describeMagic(src.head)}${src.gzip ? ' (inside gzip)' : ''}`);
  }
  let stream = src.stream;
  if (opts.onProgress) {
    const report = opts.onProgress;
    stream.on('data', () => report(src.rawBytesRead(), src.totalBytes));
  }
  if (format === 'pcapng') {
    const r = await readPcapng(stream, onFrame, opts);
    return { format, gzip: src.gzip, frames: r.frames, truncatedFrames: r.truncatedFrames, snapLengths: r.snapLengths, linkTypes: r.linkTypes, problems: withGzipError(src, r.problems, r.frames), bytesRead: r.bytesRead, firstTs: r.firstTs, lastTs: r.lastTs };
  }
  if (format === 'pcap-ns') {
    if (src.direct) {
      // The first chunk is ours: pcap-parser sees the microsecond magic in it, changed in place.
      let first = true;
      stream.prependListener('data', (c: Buffer) => {
        if (first) c.set(rewriteNanosecondMagic(c.subarray(0, 4)), 0);
        first = false;
      });
    } else {
      stream = (await peek(stream, 24, rewriteNanosecondMagic)).stream;
    }
  }
  if (src.head.length < 24) {
    stream.destroy();
    const problems: CaptureProblem[] = [{ severity: 'fatal', message: `the file ends inside the 24-byte pcap header (${src.head.length} bytes)`, fileOffset: 0 }];
    return { format, gzip: src.gzip, frames: 0, truncatedFrames: 0, linkTypes: [], bytesRead: src.head.length, problems: withGzipError(src, problems, 0) };
  }
  const r = await readPcap(stream, format === 'pcap-ns', onFrame, undefined, src.direct === true);
  return {
    format,
    gzip: src.gzip,
    frames: r.frames,
    truncatedFrames: r.truncatedFrames,
    snapLengths: [r.snapLength],
    linkTypes: r.linkType >= 0 ? [r.linkType] : [],
    problems: withGzipError(src, r.problems, r.frames),
    bytesRead: r.bytesRead,
    firstTs: r.firstTs,
    lastTs: r.lastTs,
  };
}

/** A gzip error ended the decompressed stream early: say so first, with where it happened. */
function withGzipError(src: OpenedSource, problems: readonly CaptureProblem[], frames: number): CaptureProblem[] {
  const gz = src.gzipError?.();
  if (!gz) return [...problems];
  return [{ severity: gz.kind === 'checksum' ? 'warning' : 'fatal', message: describeGzipError(gz, frames), fileOffset: gz.at, frame: frames }, ...problems];
}
