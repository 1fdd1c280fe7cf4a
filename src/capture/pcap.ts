import type { Readable } from 'node:stream';
// pcap-parser is CommonJS without types; its parser is an EventEmitter over a stream.
import pcapParser from 'pcap-parser';
import type { CaptureProblem, Frame } from './types.js';

export const PCAP_MAGIC_US_LE = 0xd4c3b2a1; // as read big-endian from the file's first bytes
export const PCAP_MAGIC_US_BE = 0xa1b2c3d4;
export const PCAP_MAGIC_NS_LE = 0x4d3cb2a1;
export const PCAP_MAGIC_NS_BE = 0xa1b23c4d;

/** Captured length above which a record header is taken as corruption rather than data. */
export const DEFAULT_MAX_CAPLEN = 256 * 1024;

export interface PcapReadResult {
  readonly nanosecond: boolean;
  readonly linkType: number;
  readonly snapLength: number;
  readonly frames: number;
  readonly truncatedFrames: number;
  readonly bytesRead: number;
  readonly problems: CaptureProblem[];
  readonly firstTs?: { sec: number; nsec: number };
  readonly lastTs?: { sec: number; nsec: number };
}

/**
 * pcap-parser only knows the microsecond magic. For nanosecond files (RFC draft
 * "pcap" §4, magic a1b23c4d) we hand it the same bytes with the magic swapped for the
 * microsecond one in the same byte order, and read its "microseconds" field as nanoseconds.
 */
export function rewriteNanosecondMagic(head: Buffer): Buffer {
  if (head.length < 4) return head;
  const m = head.readUInt32BE(0);
  if (m !== PCAP_MAGIC_NS_BE && m !== PCAP_MAGIC_NS_LE) return head;
  const copy = Buffer.from(head);
  copy.writeUInt32BE(m === PCAP_MAGIC_NS_BE ? PCAP_MAGIC_US_BE : PCAP_MAGIC_US_LE, 0);
  return copy;
}

interface PcapPacketHeader {
  timestampSeconds: number;
  timestampMicroseconds: number;
  capturedLength: number;
  originalLength: number;
}

interface PcapGlobalHeader {
  magicNumber: number;
  majorVersion: number;
  minorVersion: number;
  snapshotLength: number;
  linkLayerType: number;
}

/**
 * Classic pcap through pcap-parser, with the guards it lacks: a record header whose captured length
 * is absurd stops reading with a message naming the byte offset (pcap-parser would otherwise buffer
 * forever waiting for gigabytes), and a file that ends inside a record says so.
 */
export function readPcap(
  stream: Readable,
  nanosecond: boolean,
  onFrame: (f: Frame) => void | 'stop',
  maxCaplen = DEFAULT_MAX_CAPLEN,
  /** Nothing writes into a chunk's memory while its 'data' handlers run (see ReadAhead). */
  freshChunks = false,
): Promise<PcapReadResult> {
  return new Promise((resolve) => {
    const problems: CaptureProblem[] = [];
    let linkType = -1;
    let snapLength = 0;
    let frames = 0;
    let truncatedFrames = 0;
    let offset = 24; // file offset of the next record header
    let streamBytes = 0;
    let stopped = false;
    let firstSec = 0;
    let firstNsec = 0;
    let lastSec = 0;
    let lastNsec = 0;
    let limit = maxCaplen;
    let pendingHeader: PcapPacketHeader | undefined;

    const parser = pcapParser.parse(stream);
    if (freshChunks) {
      // pcap-parser copies each chunk onto the bytes it has left (a new buffer per chunk, zero-filled,
      // then copied: a second pass over every byte). Chunks that end on record boundaries leave it
      // nothing; its emptied buffer is then dropped so it takes the next chunk as it is. Safe because
      // the reader writes into a chunk's memory again only after its handlers ran, when the frames
      // made from it are done with (see Frame) and pcap-parser keeps nothing of it.
      stream.prependListener('data', () => {
        const state = parser as unknown as { buffer: Buffer | null };
        if (state.buffer !== null && state.buffer.length === 0) state.buffer = null;
      });
    }
    // Counted before pcap-parser handles the chunk: a damaged record found in it stops reading at once.
    stream.prependListener('data', (c: Buffer) => {
      streamBytes += c.length;
    });

    const finish = () => {
      if (stopped) return;
      stopped = true;
      if (!problems.some((p) => p.severity === 'fatal') && linkType >= 0) {
        const leftover = streamBytes - offset;
        if (leftover > 0) {
          const want = pendingHeader ? `${pendingHeader.capturedLength + 16} bytes` : 'a 16-byte record header';
          problems.push({
            severity: 'fatal',
            message: `the file ends inside record ${frames + 1} at byte offset ${offset}: ${leftover} bytes where ${want} were expected (capture cut short)`,
            fileOffset: offset,
            frame: frames,
          });
        }
      }
      const firstTs = frames > 0 ? { sec: firstSec, nsec: firstNsec } : undefined;
      const lastTs = frames > 0 ? { sec: lastSec, nsec: lastNsec } : undefined;
      resolve({ nanosecond, linkType, snapLength, frames, truncatedFrames, bytesRead: Math.min(offset, streamBytes), problems, firstTs, lastTs });
    };

    const stop = (p?: CaptureProblem) => {
      if (p) problems.push(p);
      parser.removeAllListeners('packet');
      parser.removeAllListeners('packetHeader');
      finish();
      stream.destroy();
    };

    parser.on('globalHeader', (h: PcapGlobalHeader) => {
      linkType = h.linkLayerType;
      snapLength = h.snapshotLength;
      // Some writers put 0 or 65535 in snaplen while writing larger frames; never trust it below 256 KiB.
      limit = Math.max(maxCaplen, Math.min(snapLength, 16 * 1024 * 1024));
    });
    parser.on('packetHeader', (h: PcapPacketHeader) => {
      pendingHeader = h;
      if (h.capturedLength > limit) {
        stop({
          severity: 'fatal',
          message: `record ${frames + 1} at byte offset ${offset} claims ${h.capturedLength} captured bytes (limit ${limit}): the file is damaged from here; ${frames} frames were read`,
          fileOffset: offset,
          frame: frames,
        });
      }
    });
    parser.on('packet', (p: { header: PcapPacketHeader; data: Buffer }) => {
      if (stopped) return;
      const h = p.header;
      pendingHeader = undefined;
      frames++;
      const sub = h.timestampMicroseconds;
      const tsNsec = nanosecond ? sub : sub * 1000;
      // Numbers, not an object per frame: the summary's first/last timestamps are built at the end.
      if (frames === 1) {
        firstSec = h.timestampSeconds;
        firstNsec = tsNsec;
      }
      lastSec = h.timestampSeconds;
      lastNsec = tsNsec;
      if (h.originalLength > h.capturedLength) truncatedFrames++;
      const frame: Frame = {
        number: frames,
        tsSec: h.timestampSeconds,
        tsNsec,
        linkType,
        interfaceId: 0,
        // A plain Uint8Array view: slicing a Buffer builds a FastBuffer each time, which costs far
        // more than a typed-array view when every packet is sliced several times downstream.
        data: new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.length),
        origLen: h.originalLength,
        fileOffset: offset,
      };
      offset += 16 + h.capturedLength;
      if (onFrame(frame) === 'stop') stop();
    });
    parser.on('error', (e: Error) => {
      if (stopped) return;
      stop({ severity: 'fatal', message: `pcap: ${e.message} at byte offset ${offset} after ${frames} frames`, fileOffset: offset, frame: frames });
    });
    stream.on('error', (e: Error) => {
      if (stopped) return;
      stop({ severity: 'fatal', message: `read error at byte offset ${offset} after ${frames} frames: ${e.message}`, fileOffset: offset, frame: frames });
    });
    parser.on('end', finish);
  });
}
