/**
 * Capture file writers: classic pcap (microsecond or nanosecond magic, little- or big-endian) and
 * pcapng (section header, interface description blocks with if_name / if_description / if_tsresol,
 * enhanced packet blocks), to a file or to memory, optionally gzip-compressed.
 *
 * ekuscope itself only reads captures; this one writer makes every capture the project writes: the
 * tests' files, the scenario generator (scripts/captures) and the benchmark (bench/gen.mjs, plain
 * JavaScript, imports it from dist/). It lives in src/ so that `npm install` (which builds dist/)
 * gives the benchmark a compiled copy, and it depends on nothing but node:fs and node:zlib.
 *
 * Writes are synchronous and buffered in 4 MiB chunks, so a caller can stream a gigabyte without
 * holding it in memory and without awaiting per packet. With gzip, every flushed chunk becomes one
 * gzip member (RFC 1952 §2.2 allows concatenated members; gzip, zlib's gunzip, Node's zlib and
 * Wireshark read them as one stream); a small capture is a single member.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';

export type Timestamp = bigint; // nanoseconds since the Unix epoch

export interface InterfaceSpec {
  linktype: number;
  name?: string;
  description?: string;
  snaplen?: number;
}

export interface CaptureOptions {
  format: 'pcap' | 'pcapng';
  /** Link type of interface 0 (pcap: the file's only link type). */
  linktype: number;
  /** pcap: nanosecond magic (0xa1b23c4d); pcapng: if_tsresol = 9. Default microseconds. */
  nanosecond?: boolean;
  /**
   * pcapng: the raw if_tsresol byte of every interface (a power of ten, or of two with the high bit
   * set: 0x80 | 10 is 1/1024 s), for files in an unusual resolution; overrides `nanosecond`.
   */
  tsresol?: number;
  /** Write in big-endian byte order (pcap magic / pcapng byte-order magic tell the reader). */
  bigEndian?: boolean;
  snaplen?: number;
  gzip?: boolean;
  /** pcapng: name, description of interface 0, and further interfaces (ids 1, 2, …). */
  interfaceName?: string;
  interfaceDescription?: string;
  extraInterfaces?: InterfaceSpec[];
  /** pcapng: shb_userappl. */
  application?: string;
  /** pcapng: shb_hardware / shb_os. */
  hardware?: string;
  os?: string;
}

const CHUNK = 4 << 20;

type Sink = (chunk: Uint8Array) => void;

export class CaptureWriter {
  private buf = new Uint8Array(CHUNK);
  private view = new DataView(this.buf.buffer);
  private pos = 0;
  private closed = false;
  private readonly le: boolean;
  private readonly snaplen: number;
  /** Timestamp units per second: 10^6 or 10^9, or what `tsresol` says. */
  private readonly perSecond: bigint;
  /** Packets written so far (1-based number of the next one is count + 1). */
  count = 0;

  private constructor(
    private readonly opts: CaptureOptions,
    private readonly sink: Sink,
    private readonly onClose: () => void,
  ) {
    this.le = !opts.bigEndian;
    this.perSecond = unitsPerSecond(opts);
    this.snaplen = opts.snaplen ?? 262144;
    this.writeHeader();
  }

  /** Streams to `path` (created or truncated). */
  static toFile(path: string, opts: CaptureOptions): CaptureWriter {
    const fd = fs.openSync(path, 'w');
    const write = (c: Uint8Array) => {
      let off = 0;
      while (off < c.length) off += fs.writeSync(fd, c, off, c.length - off);
    };
    return new CaptureWriter(opts, opts.gzip ? (c) => write(zlib.gzipSync(c)) : write, () => fs.closeSync(fd));
  }

  /** Collects in memory; `bytes()` after `close()` returns the file. */
  static toMemory(opts: CaptureOptions): CaptureWriter & { bytes(): Uint8Array } {
    const parts: Uint8Array[] = [];
    const w = new CaptureWriter(opts, (c) => parts.push(opts.gzip ? zlib.gzipSync(c) : Uint8Array.from(c)), () => undefined);
    return Object.assign(w, { bytes: () => new Uint8Array(Buffer.concat(parts)) });
  }

  /**
   * Appends one packet. `frame` is copied, so the caller may reuse it. `origLen` defaults to the
   * frame length; the frame is cut to the snap length. `iface` is the pcapng interface id.
   */
  packet(ts: Timestamp, frame: Uint8Array, origLen = frame.length, iface = 0): void {
    this.packetAt((ts * this.perSecond) / 1_000_000_000n, frame, origLen, iface);
  }

  /**
   * Appends one packet whose time is given in the file's own units (microseconds, nanoseconds, or
   * what `tsresol` says): for a timestamp nanoseconds cannot express, such as 1/1024 s.
   */
  packetAt(units: bigint, frame: Uint8Array, origLen = frame.length, iface = 0): void {
    if (this.closed) throw new Error('writer closed');
    const cap = Math.min(frame.length, this.snaplen);
    this.count++;
    if (this.opts.format === 'pcap') {
      this.ensure(16 + cap);
      this.u32(Number(units / this.perSecond));
      this.u32(Number(units % this.perSecond));
      this.u32(cap);
      this.u32(origLen);
      this.put(frame, cap);
      return;
    }
    const padded = (cap + 3) & ~3;
    const blockLen = 32 + padded;
    this.ensure(blockLen);
    this.u32(6);
    this.u32(blockLen);
    this.u32(iface);
    this.u32(Number((units >> 32n) & 0xffffffffn));
    this.u32(Number(units & 0xffffffffn));
    this.u32(cap);
    this.u32(origLen);
    this.put(frame, cap);
    this.zeros(padded - cap);
    this.u32(blockLen);
  }

  /**
   * pcapng: appends a Decryption Secrets Block (block type 0x0000000A) carrying `data`, of secrets
   * type `secretsType` (0x544c534b, "TLSK": an SSLKEYLOGFILE's lines).
   */
  secrets(secretsType: number, data: Uint8Array): void {
    if (this.closed) throw new Error('writer closed');
    if (this.opts.format !== 'pcapng') throw new Error('decryption secrets need pcapng');
    const padded = (data.length + 3) & ~3;
    const blockLen = 20 + padded;
    this.ensure(blockLen);
    this.u32(0x0000000a);
    this.u32(blockLen);
    this.u32(secretsType);
    this.u32(data.length);
    this.put(data, data.length);
    this.zeros(padded - data.length);
    this.u32(blockLen);
  }

  /** Appends raw bytes as they are (used to write a deliberately cut-short file). */
  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.put(bytes, bytes.length);
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.onClose();
  }

  private writeHeader(): void {
    const o = this.opts;
    if (o.format === 'pcap') {
      this.u32(o.nanosecond ? 0xa1b23c4d : 0xa1b2c3d4);
      this.u16(2);
      this.u16(4);
      this.u32(0); // thiszone
      this.u32(0); // sigfigs
      this.u32(this.snaplen);
      this.u32(o.linktype);
      return;
    }
    // Section Header Block
    const shbOpts = encodeOptions(this.le, [
      [4, o.application ? utf8(o.application) : undefined],
      [2, o.hardware ? utf8(o.hardware) : undefined],
      [3, o.os ? utf8(o.os) : undefined],
    ]);
    const shbLen = 28 + shbOpts.length;
    this.u32(0x0a0d0d0a);
    this.u32(shbLen);
    this.u32(0x1a2b3c4d);
    this.u16(1);
    this.u16(0);
    this.u32(0xffffffff); // section length unknown (-1)
    this.u32(0xffffffff);
    this.put(shbOpts, shbOpts.length);
    this.u32(shbLen);
    const ifaces: InterfaceSpec[] = [
      { linktype: o.linktype, name: o.interfaceName, description: o.interfaceDescription, snaplen: this.snaplen },
      ...(o.extraInterfaces ?? []),
    ];
    for (const i of ifaces) {
      const idbOpts = encodeOptions(this.le, [
        [2, i.name ? utf8(i.name) : undefined],
        [3, i.description ? utf8(i.description) : undefined],
        [9, Uint8Array.of(o.tsresol ?? (o.nanosecond ? 9 : 6))],
      ]);
      const len = 20 + idbOpts.length;
      this.u32(1);
      this.u32(len);
      this.u16(i.linktype);
      this.u16(0);
      this.u32(i.snaplen ?? this.snaplen);
      this.put(idbOpts, idbOpts.length);
      this.u32(len);
    }
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) {
      this.buf = new Uint8Array(n);
      this.view = new DataView(this.buf.buffer);
    }
  }

  private flush(): void {
    if (this.pos > 0) this.sink(this.buf.subarray(0, this.pos));
    this.pos = 0;
  }

  private u32(v: number): void {
    this.view.setUint32(this.pos, v >>> 0, this.le);
    this.pos += 4;
  }

  private u16(v: number): void {
    this.view.setUint16(this.pos, v, this.le);
    this.pos += 2;
  }

  private put(b: Uint8Array, n: number): void {
    this.buf.set(n === b.length ? b : b.subarray(0, n), this.pos);
    this.pos += n;
  }

  private zeros(n: number): void {
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
  }
}

function unitsPerSecond(o: CaptureOptions): bigint {
  if (o.format === 'pcapng' && o.tsresol !== undefined) return o.tsresol & 0x80 ? 1n << BigInt(o.tsresol & 0x7f) : 10n ** BigInt(o.tsresol);
  return o.nanosecond ? 1_000_000_000n : 1_000_000n;
}

function utf8(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'utf8'));
}

/** pcapng options: code, length, value padded to 32 bits, then opt_endofopt. */
function encodeOptions(le: boolean, opts: Array<[number, Uint8Array | undefined]>): Uint8Array {
  const present = opts.filter((o): o is [number, Uint8Array] => o[1] !== undefined);
  if (present.length === 0) return new Uint8Array(0);
  const size = present.reduce((n, [, v]) => n + 4 + ((v.length + 3) & ~3), 0) + 4;
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  let p = 0;
  for (const [code, v] of present) {
    dv.setUint16(p, code, le);
    dv.setUint16(p + 2, v.length, le);
    out.set(v, p + 4);
    p += 4 + ((v.length + 3) & ~3);
  }
  return out; // last 4 bytes are zero: opt_endofopt
}
