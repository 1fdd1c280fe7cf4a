/**
 * Helpers for the hostile-input suite: captures of made-up TLS conversations written with the
 * project's pcap writer, in-process CLI runs, memory sampling, and the checks every output gets.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { CaptureWriter, TcpConnection, TCP_FLAGS, buildTcpFrame, ip, mac, LINKTYPE, type Dir, type TcpEndpoint } from '../../scripts/lib/pcap/index.js';
import { main } from '../../src/cli/main.js';
import { cat, hs, u16, u24, vec16, vec24, vec8 } from '../tls/build.js';

export { firstUnsafe, RAW_UNSAFE, RAW_UNSAFE_JSON } from '../../scripts/fuzz/run.js';

// ---- TLS messages -------------------------------------------------------------------------------

/** Handshake bytes as TLS records of at most `max` bytes each (RFC 5246 §6.2.1: messages may span records). */
export function records(type: number, body: Uint8Array, max = 16384): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let p = 0; p < body.length || parts.length === 0; p += max) {
    const chunk = body.subarray(p, Math.min(body.length, p + max));
    parts.push(cat([type, 3, 3], u16(chunk.length), chunk));
  }
  return cat(...parts);
}

export const handshakeRecords = (...messages: Uint8Array[]): Uint8Array => records(22, cat(...messages));

export function sniExtension(name: Uint8Array | string): Uint8Array {
  const n = typeof name === 'string' ? new TextEncoder().encode(name) : name;
  return cat(u16(0), vec16(vec16([0], vec16(n))));
}

export function clientHelloWith(extensions: Uint8Array[] = []): Uint8Array {
  return hs(1, u16(0x0303), new Uint8Array(32).fill(0x11), vec8([]), vec16(u16(0xc02f)), vec8([0]), extensions.length ? vec16(...extensions) : []);
}

export function serverHello12(): Uint8Array {
  return hs(2, u16(0x0303), new Uint8Array(32).fill(0x22), vec8([]), u16(0xc02f), [0], vec16(cat(u16(0xff01), vec16([0]))));
}

export function certificateMessage(...ders: Uint8Array[]): Uint8Array {
  return hs(11, vec24(...ders.map((d) => vec24(d))));
}

/** TLS 1.2 CertificateRequest (RFC 5246 §7.4.4) naming these CAs. */
export function certificateRequest12(...caNames: Uint8Array[]): Uint8Array {
  return hs(13, vec8([1, 64]), vec16(u16(0x0401), u16(0x0403)), vec16(...caNames.map((n) => vec16(n))));
}

export const serverHelloDone = (): Uint8Array => hs(14);
export const alertRecord = (level: number, description: number): Uint8Array => cat([21, 3, 3], u16(2), [level, description]);
export { cat, hs, u16, u24, vec16, vec24, vec8 };

// ---- captures -----------------------------------------------------------------------------------

export type Step =
  | { readonly dir: Dir; readonly bytes: Uint8Array; readonly segment?: number }
  | { readonly fin: Dir }
  | { readonly rst: Dir };

export interface BuiltCapture {
  readonly bytes: Uint8Array;
  /** Frame number of the last frame each step wrote (1-based). */
  readonly frames: number[];
}

export function endpoint(addr: string, port: number, isn: number, m: string): TcpEndpoint {
  return { ip: ip(addr), port, mac: mac(m), isn, mss: 1460, window: 64240, wscale: 7, ttl: 64, ipId: 0x1000, tsBase: 1000 };
}

/**
 * One TCP connection 10.0.0.1:40001 → 10.0.0.2:443 (SYN, SYN-ACK, ACK), then each step's bytes in
 * segments of at most 1448 bytes (or `segment`), each followed by the peer's ACK, then FIN/RST.
 */
export function tlsCapture(steps: readonly Step[], opts: { format?: 'pcap' | 'pcapng'; gzip?: boolean; isn?: [number, number] } = {}): BuiltCapture {
  const w = CaptureWriter.toMemory({ format: opts.format ?? 'pcap', linktype: LINKTYPE.ETHERNET, ...(opts.gzip ? { gzip: true } : {}) });
  const frames: number[] = [];
  writeConnection(w, 40001, opts.isn ?? [0x10000000, 0x20000000], steps, 1_780_000_000_000_000_000n, frames);
  w.close();
  return { bytes: w.bytes(), frames };
}

/** Several connections one after the other, from client ports 20000, 20001, ... to 10.0.0.2:443. */
export function tlsCaptureMany(connections: readonly (readonly Step[])[]): Uint8Array {
  const w = CaptureWriter.toMemory({ format: 'pcap', linktype: LINKTYPE.ETHERNET });
  let t = 1_780_000_000_000_000_000n;
  connections.forEach((steps, k) => {
    t = writeConnection(w, 20000 + k, [0x10000000 + k * 0x10000, 0x20000000 + k * 0x10000], steps, t, []);
  });
  w.close();
  return w.bytes();
}

/**
 * A port scan, then TLS connections: `probes` SYNs from 10.9.0.1 to as many address and port pairs
 * (192.168.0.0/16, ports 1–1000), every `refusedEvery`-th one answered by a RST-ACK; then the
 * connections as tlsCaptureMany writes them. What a scanned network's capture looks like.
 */
export function scanThen(probes: number, refusedEvery: number, connections: readonly (readonly Step[])[]): Uint8Array {
  const w = CaptureWriter.toMemory({ format: 'pcap', linktype: LINKTYPE.ETHERNET });
  const link = { kind: 'ethernet' as const, src: mac('02:00:00:00:00:09'), dst: mac('02:00:00:00:00:01') };
  const scanner = ip('10.9.0.1');
  let t = 1_780_000_000_000_000_000n;
  for (let i = 0; i < probes; i++) {
    const target = new Uint8Array([192, 168, (i >> 8) & 255, i & 255]);
    const port = 1 + (i % 1000);
    const seq = (0x5000_0000 + i * 7919) >>> 0;
    w.packet((t += 10_000n), buildTcpFrame(link, { src: scanner, dst: target, srcPort: 50000, dstPort: port, seq, ack: 0, flags: TCP_FLAGS.SYN, window: 1024 }));
    if (i % refusedEvery === 0) {
      w.packet((t += 10_000n), buildTcpFrame(link, { src: target, dst: scanner, srcPort: port, dstPort: 50000, seq: 0, ack: (seq + 1) >>> 0, flags: TCP_FLAGS.RST | TCP_FLAGS.ACK, window: 0 }));
    }
  }
  connections.forEach((steps, k) => {
    t = writeConnection(w, 20000 + k, [0x10000000 + k * 0x10000, 0x20000000 + k * 0x10000], steps, t + 1_000_000n, []);
  });
  w.close();
  return w.bytes();
}

function writeConnection(w: CaptureWriter, clientPort: number, isn: readonly [number, number], steps: readonly Step[], t0: bigint, frames: number[]): bigint {
  const conn = new TcpConnection(
    { client: endpoint('10.0.0.1', clientPort, isn[0], '02:00:00:00:00:01'), server: endpoint('10.0.0.2', 443, isn[1], '02:00:00:00:00:02') },
    (ts, frame) => w.packet(ts, frame),
  );
  let t = conn.open(t0, 1_000_000n, 1_000_000n);
  for (const s of steps) {
    t += 1_000_000n;
    if ('bytes' in s) {
      t = conn.send(s.dir, t, s.bytes, s.segment);
      frames.push(w.count);
      conn.ack(s.dir === 'c2s' ? 's2c' : 'c2s', t + 100_000n);
    } else if ('fin' in s) {
      conn.fin(s.fin, t);
      frames.push(w.count);
    } else {
      conn.rst(s.rst, t);
      frames.push(w.count);
    }
  }
  return t + 1_000_000n;
}

// ---- files --------------------------------------------------------------------------------------

export interface TempDir {
  readonly dir: string;
  file(name: string, bytes: Uint8Array | string): string;
  cleanup(): void;
}

export function tempDir(prefix = 'ekuscope-hostile-'): TempDir {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    file(name, bytes) {
      const p = join(dir, name);
      writeFileSync(p, bytes);
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export const streamOf = (bytes: Uint8Array): Readable => Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]);

// ---- CLI ----------------------------------------------------------------------------------------

export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs the CLI in this process, capturing both streams (as the binary would print them). */
export async function cli(...args: string[]): Promise<CliResult> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

/** True when the CLI has this subcommand (commands are being added alongside this suite). */
export async function hasCommand(name: string): Promise<boolean> {
  const r = await cli(name, '--help');
  return r.code === 0 && !/unknown command/.test(r.err);
}

// ---- memory -------------------------------------------------------------------------------------

/**
 * Runs `fn`, sampling heap + array-buffer memory whenever `tick` is called (pass it to a per-frame
 * hook) and at the end. Returns the peak growth over the start, in bytes, and the elapsed time.
 */
export async function measured<T>(fn: (tick: () => void) => Promise<T> | T): Promise<{ value: T; peakBytes: number; ms: number }> {
  const m0 = process.memoryUsage();
  const base = m0.heapUsed + m0.arrayBuffers;
  let peak = 0;
  const tick = () => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.heapUsed + m.arrayBuffers - base);
  };
  const t0 = performance.now();
  const value = await fn(tick);
  tick();
  return { value, peakBytes: peak, ms: performance.now() - t0 };
}

export const MB = 1 << 20;

/**
 * `report --format json` on a capture analysed under a lowered bound on what connections under way
 * hold (`tlsBudgetBytes`): its sessions, and its findings that the capture was not all decoded.
 */
export async function reportUnderBudget(capture: Uint8Array, name: string, tlsBudgetBytes: number): Promise<{ sessions: unknown[]; notDecoded: { detail: string; fix?: string }[] }> {
  const { runReport } = await import('../../src/cli/report.js');
  const temp = tempDir();
  try {
    const r = await runReport([temp.file(name, capture)], { format: 'json', analyzeOptions: () => ({ tlsBudgetBytes }) });
    const json = JSON.parse(r.text) as { sessions: unknown[]; findings: { code: string; detail: string; fix?: string }[] };
    return { sessions: json.sessions, notDecoded: json.findings.filter((f) => f.code === 'capture-not-decoded') };
  } finally {
    temp.cleanup();
  }
}
