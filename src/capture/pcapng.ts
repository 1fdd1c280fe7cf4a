import type { Readable } from 'node:stream';
import type { CaptureProblem, Frame } from './types.js';

/** Block types (draft-ietf-opsawg-pcapng §4, §11). */
const SHB = 0x0a0d0d0a;
const IDB = 0x00000001;
const OPB = 0x00000002; // obsolete Packet Block
const SPB = 0x00000003;
const EPB = 0x00000006;
const DSB = 0x0000000a; // Decryption Secrets Block
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

/** A block longer than this is taken as corruption (real blocks are a packet plus options). */
export const DEFAULT_MAX_BLOCK = 64 * 1024 * 1024;

interface Iface {
  linkType: number;
  snapLen: number;
  /** Timestamp units per second is 10^exp10 or 2^exp2; exactly one applies. */
  exp10: number | undefined;
  exp2: number | undefined;
  tsOffsetSec: number;
}

export interface PcapngReadResult {
  readonly frames: number;
  readonly truncatedFrames: number;
  /** The interfaces' snap lengths (0 = none given), each once. */
  readonly snapLengths: readonly number[];
  readonly linkTypes: number[];
  readonly bytesRead: number;
  readonly problems: CaptureProblem[];
  readonly sections: number;
  readonly firstTs?: { sec: number; nsec: number };
  readonly lastTs?: { sec: number; nsec: number };
}

export interface PcapngHooks {
  /** Decryption Secrets Block contents (type 0x544c534b = TLS key log), for key-log decryption. */
  onSecrets?(secretsType: number, data: Uint8Array, frameBefore: number): void;
}

const TEN_POW = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/**
 * Streaming pcapng reader. Bounded: a block is buffered only up to `maxBlock`; both length
 * fields of a block must agree (§3.1), otherwise reading stops with the byte offset.
 */
export async function readPcapng(
  stream: Readable,
  onFrame: (f: Frame) => void | 'stop',
  hooks: PcapngHooks = {},
  maxBlock = DEFAULT_MAX_BLOCK,
): Promise<PcapngReadResult> {
  const problems: CaptureProblem[] = [];
  let frames = 0;
  let truncatedFrames = 0;
  const snapLengths: number[] = [];
  let sections = 0;
  const linkTypes = new Set<number>();
  let ifaces: Iface[] = [];
  let le = true;
  let fileOffset = 0; // offset of buf[pos]
  let firstTs: { sec: number; nsec: number } | undefined;
  let lastTs: { sec: number; nsec: number } | undefined;
  const warned = new Set<string>();
  const warnOnce = (key: string, p: CaptureProblem) => {
    if (warned.has(key)) return;
    warned.add(key);
    problems.push(p);
  };

  // Pending bytes: `buf` from `pos`, plus whole chunks queued until a block is complete.
  let buf: Buffer = Buffer.alloc(0);
  let pos = 0;
  const queue: Buffer[] = [];
  let queued = 0;
  let stop = false;

  const r32 = (b: Buffer, o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const r16 = (b: Buffer, o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));

  const avail = () => buf.length - pos + queued;
  const ensure = (n: number): boolean => {
    if (buf.length - pos >= n) return true;
    if (avail() < n) return false;
    const parts = [buf.subarray(pos), ...queue];
    buf = Buffer.concat(parts);
    pos = 0;
    queue.length = 0;
    queued = 0;
    return true;
  };

  const fatal = (message: string) => {
    problems.push({ severity: 'fatal', message, fileOffset, frame: frames });
    stop = true;
  };

  const toTs = (iface: Iface, hi: number, lo: number): { sec: number; nsec: number } => {
    let sec: number;
    let nsec: number;
    if (iface.exp10 !== undefined && iface.exp10 <= 6) {
      // Up to microseconds the 64-bit count fits a double exactly for any plausible date.
      const units = hi * 4294967296 + lo;
      const per = TEN_POW[iface.exp10]!;
      sec = Math.floor(units / per);
      nsec = (units - sec * per) * (1e9 / per);
    } else {
      const units = (BigInt(hi) << 32n) | BigInt(lo);
      if (iface.exp10 !== undefined) {
        const per = 10n ** BigInt(iface.exp10);
        sec = Number(units / per);
        nsec = Number(((units % per) * 1_000_000_000n) / per);
      } else {
        const bits = BigInt(iface.exp2!);
        sec = Number(units >> bits);
        nsec = Number(((units & ((1n << bits) - 1n)) * 1_000_000_000n) >> bits);
      }
    }
    return { sec: sec + iface.tsOffsetSec, nsec };
  };

  const parseIdb = (b: Buffer, start: number, len: number) => {
    const linkType = r16(b, start + 8);
    const snapLen = r32(b, start + 12);
    const iface: Iface = { linkType, snapLen, exp10: 6, exp2: undefined, tsOffsetSec: 0 };
    let o = start + 16;
    const end = start + len - 4;
    while (o + 4 <= end) {
      const code = r16(b, o);
      const olen = r16(b, o + 2);
      const vo = o + 4;
      if (vo + olen > end) break;
      if (code === 0) break;
      if (code === 9 && olen >= 1) {
        const v = b[vo]!;
        const n = v & 0x7f;
        if (v & 0x80) {
          if (n > 63) warnOnce('tsresol', { severity: 'warning', message: `interface ${ifaces.length}: if_tsresol 2^-${n} is out of range; using microseconds`, fileOffset });
          else { iface.exp2 = n; iface.exp10 = undefined; }
        } else if (n > 18) {
          warnOnce('tsresol', { severity: 'warning', message: `interface ${ifaces.length}: if_tsresol 10^-${n} is out of range; using microseconds`, fileOffset });
        } else iface.exp10 = n;
      } else if (code === 14 && olen >= 8) {
        const hi = r32(b, vo + (le ? 4 : 0));
        const lo = r32(b, vo + (le ? 0 : 4));
        iface.tsOffsetSec = hi * 4294967296 + lo;
      }
      o = vo + ((olen + 3) & ~3);
    }
    ifaces.push(iface);
    if (!snapLengths.includes(iface.snapLen)) snapLengths.push(iface.snapLen);
    linkTypes.add(linkType);
  };

  const emit = (ifaceId: number, ts: { sec: number; nsec: number }, data: Buffer, origLen: number, blockOffset: number): boolean => {
    const iface = ifaces[ifaceId]!;
    frames++;
    if (!firstTs) firstTs = ts;
    lastTs = ts;
    if (origLen > data.length) truncatedFrames++;
    // A plain Uint8Array view (see pcap.ts): cheaper to slice than a Buffer.
    const view = new Uint8Array(data.buffer, data.byteOffset, data.length);
    const frame: Frame = { number: frames, tsSec: ts.sec, tsNsec: ts.nsec, linkType: iface.linkType, interfaceId: ifaceId, data: view, origLen, fileOffset: blockOffset };
    return onFrame(frame) === 'stop';
  };

  /** Parses the block at buf[pos] of `len` bytes (already available). */
  const block = (type: number, len: number) => {
    const b = buf;
    const s = pos;
    switch (type) {
      case IDB:
        if (len < 20) return fatal(`interface description block at byte offset ${fileOffset} is ${len} bytes, below the minimum 20`);
        parseIdb(b, s, len);
        return;
      case EPB: {
        if (len < 32) return fatal(`enhanced packet block at byte offset ${fileOffset} is ${len} bytes, below the minimum 32`);
        const id = r32(b, s + 8);
        const caplen = r32(b, s + 20);
        const origLen = r32(b, s + 24);
        if (id >= ifaces.length) {
          warnOnce(`iface${id}`, { severity: 'warning', message: `packet at byte offset ${fileOffset} names interface ${id}, which was never described; skipped`, fileOffset, frame: frames });
          return;
        }
        if (28 + caplen + 4 > len) return fatal(`enhanced packet block at byte offset ${fileOffset} claims ${caplen} captured bytes but the block holds ${len - 32}`);
        const ts = toTs(ifaces[id]!, r32(b, s + 12), r32(b, s + 16));
        if (emit(id, ts, b.subarray(s + 28, s + 28 + caplen), origLen, fileOffset)) stop = true;
        return;
      }
      case SPB: {
        if (ifaces.length === 0) {
          warnOnce('spb', { severity: 'warning', message: `simple packet block at byte offset ${fileOffset} before any interface description; skipped`, fileOffset });
          return;
        }
        if (len < 16) return fatal(`simple packet block at byte offset ${fileOffset} is ${len} bytes, below the minimum 16`);
        const origLen = r32(b, s + 8);
        const iface = ifaces[0]!;
        let caplen = Math.min(origLen, len - 16);
        if (iface.snapLen > 0) caplen = Math.min(caplen, iface.snapLen);
        // SPBs carry no timestamp (§4.4).
        if (emit(0, { sec: 0, nsec: 0 }, b.subarray(s + 12, s + 12 + caplen), origLen, fileOffset)) stop = true;
        return;
      }
      case OPB: {
        if (len < 32) return fatal(`packet block at byte offset ${fileOffset} is ${len} bytes, below the minimum 32`);
        const id = r16(b, s + 8);
        const caplen = r32(b, s + 20);
        const origLen = r32(b, s + 24);
        if (id >= ifaces.length) return;
        if (28 + caplen + 4 > len) return fatal(`packet block at byte offset ${fileOffset} claims ${caplen} captured bytes but the block holds ${len - 32}`);
        const ts = toTs(ifaces[id]!, r32(b, s + 12), r32(b, s + 16));
        if (emit(id, ts, b.subarray(s + 28, s + 28 + caplen), origLen, fileOffset)) stop = true;
        return;
      }
      case DSB: {
        if (len < 20) return;
        const stype = r32(b, s + 8);
        const slen = r32(b, s + 12);
        if (16 + slen + 4 > len) {
          warnOnce(`dsb${fileOffset}`, { severity: 'warning', message: `decryption secrets block at byte offset ${fileOffset} claims ${slen} bytes, more than it holds; skipped`, fileOffset });
          return;
        }
        hooks.onSecrets?.(stype, Uint8Array.prototype.slice.call(b.subarray(s + 16, s + 16 + slen)), frames);
        return;
      }
      default:
        return; // unknown and custom blocks are skipped (§3.1: readers must ignore them)
    }
  };

  const drain = () => {
    while (!stop) {
      if (!ensure(12)) return;
      if (fileOffset === 0 || sections === 0) {
        // The first block must be a section header; the byte-order magic decides endianness.
        if (buf.readUInt32BE(pos) !== SHB) return fatal(`no pcapng section header at byte offset ${fileOffset}`);
      }
      const rawType = buf.readUInt32BE(pos);
      if (rawType === SHB) {
        const bom = buf.readUInt32LE(pos + 8);
        if (bom === BYTE_ORDER_MAGIC) le = true;
        else if (buf.readUInt32BE(pos + 8) === BYTE_ORDER_MAGIC) le = false;
        else return fatal(`section header at byte offset ${fileOffset} has no valid byte-order magic`);
      }
      const type = r32(buf, pos);
      const len = r32(buf, pos + 4);
      if (len < 12 || len % 4 !== 0) return fatal(`block at byte offset ${fileOffset} has length ${len}, which is not a multiple of 4 of at least 12: the file is damaged from here`);
      if (len > maxBlock) return fatal(`block at byte offset ${fileOffset} claims ${len} bytes (limit ${maxBlock}): the file is damaged from here`);
      if (!ensure(len)) return;
      const trailer = r32(buf, pos + len - 4);
      if (trailer !== len) return fatal(`block at byte offset ${fileOffset}: its two length fields disagree (${len} and ${trailer})`);
      if (type === SHB) {
        sections++;
        ifaces = []; // interface ids are per section (§4.1)
      } else block(type, len);
      pos += len;
      fileOffset += len;
    }
  };

  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (buf.length - pos === 0 && queued === 0) {
        buf = chunk;
        pos = 0;
      } else {
        queue.push(chunk);
        queued += chunk.length;
      }
      drain();
      if (stop) break;
    }
  } catch (e) {
    problems.push({ severity: 'fatal', message: `read error at byte offset ${fileOffset} after ${frames} frames: ${(e as Error).message}`, fileOffset, frame: frames });
    stop = true;
  }
  if (!stop && avail() > 0) {
    problems.push({
      severity: 'fatal',
      message: `the file ends inside a block at byte offset ${fileOffset} (${avail()} bytes left over): capture cut short`,
      fileOffset,
      frame: frames,
    });
  }
  if (stop) stream.destroy();
  return { frames, truncatedFrames, snapLengths, linkTypes: [...linkTypes], bytesRead: fileOffset, problems, sections, firstTs, lastTs };
}
