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

/** A timestamp's seconds and nanoseconds, in the interface's resolution (if_tsresol) and offset (if_tsoffset). */
function timestamp(iface: Iface, hi: number, lo: number): { sec: number; nsec: number } {
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

}

/**
 * The reader's state between chunks: the bytes pending, the section's byte order and interfaces, and
 * what was found so far. Each block is parsed once it is wholly available.
 */
class BlockReader {
  readonly problems: CaptureProblem[] = [];
  frames = 0;
  private truncatedFrames = 0;
  private readonly snapLengths: number[] = [];
  private sections = 0;
  private readonly linkTypes = new Set<number>();
  private ifaces: Iface[] = [];
  private le = true;
  fileOffset = 0; // offset of buf[pos]
  private firstTs: { sec: number; nsec: number } | undefined;
  private lastTs: { sec: number; nsec: number } | undefined;
  private readonly warned = new Set<string>();
  // Pending bytes: `buf` from `pos`, plus whole chunks queued until a block is complete.
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private readonly queue: Buffer[] = [];
  private queued = 0;
  stop = false;

  constructor(
    private readonly onFrame: (f: Frame) => void | 'stop',
    private readonly hooks: PcapngHooks,
    private readonly maxBlock: number,
  ) {}

  /** Takes the next chunk of the file and parses every block it completes. */
  push(chunk: Buffer): void {
    if (this.buf.length - this.pos === 0 && this.queued === 0) {
      this.buf = chunk;
      this.pos = 0;
    } else {
      this.queue.push(chunk);
      this.queued += chunk.length;
    }
    this.drain();
  }

  /** Bytes received but not yet parsed (part of a block). */
  avail(): number {
    return this.buf.length - this.pos + this.queued;
  }

  result(): PcapngReadResult {
    const { frames, truncatedFrames, snapLengths, linkTypes, fileOffset, problems, sections, firstTs, lastTs } = this;
    return { frames, truncatedFrames, snapLengths, linkTypes: [...linkTypes], bytesRead: fileOffset, problems, sections, firstTs, lastTs };
  }

  private warnOnce(key: string, p: CaptureProblem): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.problems.push(p);
  }

  private r32(b: Buffer, o: number): number {
    return this.le ? b.readUInt32LE(o) : b.readUInt32BE(o);
  }

  private r16(b: Buffer, o: number): number {
    return this.le ? b.readUInt16LE(o) : b.readUInt16BE(o);
  }

  private ensure(n: number): boolean {
    if (this.buf.length - this.pos >= n) return true;
    if (this.avail() < n) return false;
    const parts = [this.buf.subarray(this.pos), ...this.queue];
    this.buf = Buffer.concat(parts);
    this.pos = 0;
    this.queue.length = 0;
    this.queued = 0;
    return true;
  }

  private fatal(message: string): void {
    this.problems.push({ severity: 'fatal', message, fileOffset: this.fileOffset, frame: this.frames });
    this.stop = true;
  }

  private parseIdb(b: Buffer, start: number, len: number): void {
    const linkType = this.r16(b, start + 8);
    const snapLen = this.r32(b, start + 12);
    const iface: Iface = { linkType, snapLen, exp10: 6, exp2: undefined, tsOffsetSec: 0 };
    let o = start + 16;
    const end = start + len - 4;
    while (o + 4 <= end) {
      const code = this.r16(b, o);
      const olen = this.r16(b, o + 2);
      const vo = o + 4;
      if (vo + olen > end) break;
      if (code === 0) break;
      if (code === 9 && olen >= 1) {
        const v = b[vo]!;
        const n = v & 0x7f;
        if (v & 0x80) {
          if (n > 63) this.warnOnce('tsresol', { severity: 'warning', message: `interface ${this.ifaces.length}: if_tsresol 2^-${n} is out of range; using microseconds`, fileOffset: this.fileOffset });
          else { iface.exp2 = n; iface.exp10 = undefined; }
        } else if (n > 18) {
          this.warnOnce('tsresol', { severity: 'warning', message: `interface ${this.ifaces.length}: if_tsresol 10^-${n} is out of range; using microseconds`, fileOffset: this.fileOffset });
        } else iface.exp10 = n;
      } else if (code === 14 && olen >= 8) {
        const hi = this.r32(b, vo + (this.le ? 4 : 0));
        const lo = this.r32(b, vo + (this.le ? 0 : 4));
        iface.tsOffsetSec = hi * 4294967296 + lo;
      }
      o = vo + ((olen + 3) & ~3);
    }
    this.ifaces.push(iface);
    if (!this.snapLengths.includes(iface.snapLen)) this.snapLengths.push(iface.snapLen);
    this.linkTypes.add(linkType);
  }

  private emit(ifaceId: number, ts: { sec: number; nsec: number }, data: Buffer, origLen: number, blockOffset: number): boolean {
    const iface = this.ifaces[ifaceId]!;
    this.frames++;
    if (!this.firstTs) this.firstTs = ts;
    this.lastTs = ts;
    if (origLen > data.length) this.truncatedFrames++;
    // A plain Uint8Array view (see pcap.ts): cheaper to slice than a Buffer.
    const view = new Uint8Array(data.buffer, data.byteOffset, data.length);
    const frame: Frame = { number: this.frames, tsSec: ts.sec, tsNsec: ts.nsec, linkType: iface.linkType, interfaceId: ifaceId, data: view, origLen, fileOffset: blockOffset };
    return this.onFrame(frame) === 'stop';
  }

  /** Parses the block at buf[pos] of `len` bytes (already available). */
  private block(type: number, len: number): void {
    const b = this.buf;
    const s = this.pos;
    switch (type) {
      case IDB:
        if (len < 20) return this.fatal(`interface description block at byte offset ${this.fileOffset} is ${len} bytes, below the minimum 20`);
        this.parseIdb(b, s, len);
        return;
      case EPB: {
        if (len < 32) return this.fatal(`enhanced packet block at byte offset ${this.fileOffset} is ${len} bytes, below the minimum 32`);
        const id = this.r32(b, s + 8);
        const caplen = this.r32(b, s + 20);
        const origLen = this.r32(b, s + 24);
        if (id >= this.ifaces.length) {
          this.warnOnce(`iface${id}`, { severity: 'warning', message: `packet at byte offset ${this.fileOffset} names interface ${id}, which was never described; skipped`, fileOffset: this.fileOffset, frame: this.frames });
          return;
        }
        if (28 + caplen + 4 > len) return this.fatal(`enhanced packet block at byte offset ${this.fileOffset} claims ${caplen} captured bytes but the block holds ${len - 32}`);
        const ts = timestamp(this.ifaces[id]!, this.r32(b, s + 12), this.r32(b, s + 16));
        if (this.emit(id, ts, b.subarray(s + 28, s + 28 + caplen), origLen, this.fileOffset)) this.stop = true;
        return;
      }
      case SPB: {
        if (this.ifaces.length === 0) {
          this.warnOnce('spb', { severity: 'warning', message: `simple packet block at byte offset ${this.fileOffset} before any interface description; skipped`, fileOffset: this.fileOffset });
          return;
        }
        if (len < 16) return this.fatal(`simple packet block at byte offset ${this.fileOffset} is ${len} bytes, below the minimum 16`);
        const origLen = this.r32(b, s + 8);
        const iface = this.ifaces[0]!;
        let caplen = Math.min(origLen, len - 16);
        if (iface.snapLen > 0) caplen = Math.min(caplen, iface.snapLen);
        // SPBs carry no timestamp (§4.4).
        if (this.emit(0, { sec: 0, nsec: 0 }, b.subarray(s + 12, s + 12 + caplen), origLen, this.fileOffset)) this.stop = true;
        return;
      }
      case OPB: {
        if (len < 32) return this.fatal(`packet block at byte offset ${this.fileOffset} is ${len} bytes, below the minimum 32`);
        const id = this.r16(b, s + 8);
        const caplen = this.r32(b, s + 20);
        const origLen = this.r32(b, s + 24);
        if (id >= this.ifaces.length) return;
        if (28 + caplen + 4 > len) return this.fatal(`packet block at byte offset ${this.fileOffset} claims ${caplen} captured bytes but the block holds ${len - 32}`);
        const ts = timestamp(this.ifaces[id]!, this.r32(b, s + 12), this.r32(b, s + 16));
        if (this.emit(id, ts, b.subarray(s + 28, s + 28 + caplen), origLen, this.fileOffset)) this.stop = true;
        return;
      }
      case DSB: {
        if (len < 20) return;
        const stype = this.r32(b, s + 8);
        const slen = this.r32(b, s + 12);
        if (16 + slen + 4 > len) {
          this.warnOnce(`dsb${this.fileOffset}`, { severity: 'warning', message: `decryption secrets block at byte offset ${this.fileOffset} claims ${slen} bytes, more than it holds; skipped`, fileOffset: this.fileOffset });
          return;
        }
        this.hooks.onSecrets?.(stype, Uint8Array.prototype.slice.call(b.subarray(s + 16, s + 16 + slen)), this.frames);
        return;
      }
      default:
        return; // unknown and custom blocks are skipped (§3.1: readers must ignore them)
    }
  }

  private drain(): void {
    while (!this.stop) {
      if (!this.ensure(12)) return;
      if (this.fileOffset === 0 || this.sections === 0) {
        // The first block must be a section header; the byte-order magic decides endianness.
        if (this.buf.readUInt32BE(this.pos) !== SHB) return this.fatal(`no pcapng section header at byte offset ${this.fileOffset}`);
      }
      const rawType = this.buf.readUInt32BE(this.pos);
      if (rawType === SHB) {
        const bom = this.buf.readUInt32LE(this.pos + 8);
        if (bom === BYTE_ORDER_MAGIC) this.le = true;
        else if (this.buf.readUInt32BE(this.pos + 8) === BYTE_ORDER_MAGIC) this.le = false;
        else return this.fatal(`section header at byte offset ${this.fileOffset} has no valid byte-order magic`);
      }
      const type = this.r32(this.buf, this.pos);
      const len = this.r32(this.buf, this.pos + 4);
      if (len < 12 || len % 4 !== 0) return this.fatal(`block at byte offset ${this.fileOffset} has length ${len}, which is not a multiple of 4 of at least 12: the file is damaged from here`);
      if (len > this.maxBlock) return this.fatal(`block at byte offset ${this.fileOffset} claims ${len} bytes (limit ${this.maxBlock}): the file is damaged from here`);
      if (!this.ensure(len)) return;
      const trailer = this.r32(this.buf, this.pos + len - 4);
      if (trailer !== len) return this.fatal(`block at byte offset ${this.fileOffset}: its two length fields disagree (${len} and ${trailer})`);
      if (type === SHB) {
        this.sections++;
        this.ifaces = []; // interface ids are per section (§4.1)
      } else this.block(type, len);
      this.pos += len;
      this.fileOffset += len;
    }
  }
}

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
  const r = new BlockReader(onFrame, hooks, maxBlock);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      r.push(chunk);
      if (r.stop) break;
    }
  } catch (e) {
    r.problems.push({ severity: 'fatal', message: `read error at byte offset ${r.fileOffset} after ${r.frames} frames: ${(e as Error).message}`, fileOffset: r.fileOffset, frame: r.frames });
    r.stop = true;
  }
  if (!r.stop && r.avail() > 0) {
    r.problems.push({
      severity: 'fatal',
      message: `the file ends inside a block at byte offset ${r.fileOffset} (${r.avail()} bytes left over): capture cut short`,
      fileOffset: r.fileOffset,
      frame: r.frames,
    });
  }
  if (r.stop) stream.destroy();
  return r.result();
}
