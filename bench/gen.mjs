// Deterministic synthetic capture for benchmarks: mostly full-size TLS application-data segments,
// with thousands of real handshakes (replayed from a template capture) interleaved, as a long
// Expressway tcpdump looks. Ethernet/IPv4/TCP, classic pcap, microsecond timestamps.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

// The shared capture writer, compiled. A fresh clone has it after `npm install` (prepare builds
// dist/); a checkout whose dist/ predates it is built here once.
const writerUrl = new URL('../dist/capture/writer.js', import.meta.url);
if (!existsSync(writerUrl)) spawnSync('npm', ['run', 'build'], { cwd: new URL('..', import.meta.url), stdio: 'inherit' });
const { CaptureWriter } = await import(writerUrl.href);

const MSS = 1448;


/** xorshift32: deterministic filler and choices. */
export function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x;
  };
}

/**
 * A classic pcap file (microsecond, little-endian, Ethernet) written by the project's one capture
 * writer, src/capture/writer.ts, compiled to dist/ by `npm install` (or `npm run build`).
 * `bytes` and `frames` count what was written so far.
 */
export class PcapOut {
  constructor(path) {
    this.writer = CaptureWriter.toFile(path, { format: 'pcap', linktype: 1 });
    this.frame = Buffer.allocUnsafe(54 + 65536);
    this.bytes = 24;
    this.frames = 0;
  }
  close() { this.writer.close(); }
}

/** Writes one Ethernet/IPv4/TCP frame at `t` microseconds (checksums left zero: offloaded, as many captures show). */
export function frame(out, t, src, dst, sport, dport, seq, ack, flags, payload, pOff = 0, pLen = payload ? payload.length : 0) {
  const len = 14 + 20 + 20 + pLen;
  const f = out.frame;
  f.fill(0, 0, 14);
  f[12] = 0x08; f[13] = 0x00;
  f[14] = 0x45; f[15] = 0;
  f.writeUInt16BE(40 + pLen, 16);
  f.writeUInt32BE(0x40000000, 18);
  f[22] = 64; f[23] = 6; f.writeUInt16BE(0, 24);
  f.writeUInt32BE(src, 26); f.writeUInt32BE(dst, 30);
  f.writeUInt16BE(sport, 34); f.writeUInt16BE(dport, 36);
  f.writeUInt32BE(seq >>> 0, 38); f.writeUInt32BE(ack >>> 0, 42);
  f[46] = 0x50; f[47] = flags; f.writeUInt16BE(65535, 48); f.writeUInt32BE(0, 50);
  if (pLen) payload.copy(f, 54, pOff, pOff + pLen);
  out.writer.packetAt(BigInt(t), f.subarray(0, len));
  out.bytes += 16 + len;
  out.frames++;
}

/** TCP's three-way handshake, then the template's TLS bytes in full-size segments; `c`'s sequence numbers move on. */
export function replay(out, t, c, template) {
  frame(out, t, c.src, c.dst, c.sport, c.dport, c.cseq, 0, 0x02, null);
  frame(out, t + 1, c.dst, c.src, c.dport, c.sport, c.sseq, c.cseq + 1, 0x12, null);
  frame(out, t + 2, c.src, c.dst, c.sport, c.dport, c.cseq + 1, c.sseq + 1, 0x10, null);
  c.cseq += 1; c.sseq += 1;
  for (const ch of template.chunks) {
    for (let o = 0; o < ch.bytes.length; o += MSS) {
      const n = Math.min(MSS, ch.bytes.length - o);
      if (ch.dir === 0) { frame(out, t, c.src, c.dst, c.sport, c.dport, c.cseq, c.sseq, 0x18, ch.bytes, o, n); c.cseq += n; }
      else { frame(out, t, c.dst, c.src, c.dport, c.sport, c.sseq, c.cseq, 0x18, ch.bytes, o, n); c.sseq += n; }
    }
  }
}

/**
 * @param template {{chunks: {dir: 0|1, bytes: Buffer}[]}} a real TLS handshake, both directions in order.
 * @param appScale each connection carries this many times the application bytes (16 KiB .. 528 KiB):
 *   at 10 a 1 GB capture holds about as many handshakes as a 100 MB one at 1 (bytes grow, sessions do not).
 */
export function generate(path, targetBytes, template, seed = 1, appScale = 1) {
  const rnd = rng(seed);
  const out = new PcapOut(path);
  // One 16 KiB TLS application-data record body, reused (the analyser must not look inside).
  const appRecord = Buffer.allocUnsafe(5 + 16384);
  appRecord[0] = 23; appRecord[1] = 3; appRecord[2] = 3; appRecord.writeUInt16BE(16384, 3);
  for (let i = 5; i < appRecord.length; i++) appRecord[i] = rnd() & 0xff;
  const appStream = Buffer.concat(Array.from({ length: 8 }, () => appRecord));

  let t = Date.UTC(2026, 3, 14, 9, 0, 0) * 1000;
  let handshakes = 0;
  let connections = 0;
  const active = [];
  const CONCURRENT = 64;
  const handshakeCerts = template.certificates;
  while (out.bytes < targetBytes) {
    while (active.length < CONCURRENT) {
      const id = connections++;
      const c = {
        src: (10 << 24) | (106 << 16) | (80 << 8) | (1 + (id % 200)),
        dst: (10 << 24) | (106 << 16) | (80 << 8) | 31,
        sport: 25000 + (id % 30000),
        dport: [5061, 7001, 443, 8443][id % 4],
        cseq: rnd(), sseq: rnd(),
        // Application bytes server → client for this connection: 16 KiB .. 528 KiB.
        appLeft: (16384 + (rnd() % (1 << 19))) * appScale,
        appOff: 0,
        phase: 0,
      };
      active.push(c);
    }
    const i = rnd() % active.length;
    const c = active[i];
    t += 20 + (rnd() % 200);
    if (c.phase === 0) {
      replay(out, t, c, template);
      handshakes++;
      c.phase = 1;
    } else if (c.appLeft > 0) {
      // A burst of full-size segments server → client, then an ACK.
      for (let k = 0; k < 8 && c.appLeft > 0; k++) {
        const n = Math.min(MSS, c.appLeft);
        const off = c.appOff % (appStream.length - MSS);
        frame(out, t, c.dst, c.src, c.dport, c.sport, c.sseq, c.cseq, 0x10, appStream, off, n);
        c.sseq += n; c.appOff += n; c.appLeft -= n;
      }
      frame(out, t + 1, c.src, c.dst, c.sport, c.dport, c.cseq, c.sseq, 0x10, null);
    } else {
      frame(out, t, c.src, c.dst, c.sport, c.dport, c.cseq, c.sseq, 0x11, null);
      frame(out, t + 1, c.dst, c.src, c.dport, c.sport, c.sseq, c.cseq + 1, 0x11, null);
      frame(out, t + 2, c.src, c.dst, c.sport, c.dport, c.cseq + 1, c.sseq + 1, 0x10, null);
      active.splice(i, 1);
    }
  }
  out.close();
  return { bytes: out.bytes, frames: out.frames, handshakes, connections, certificatesExpected: handshakes * handshakeCerts };
}

/**
 * A port scan with real traffic going on: `probes` SYNs from one scanner to as many address and
 * port pairs (one in four answered by a RST), and `handshakes` replays of the template spread
 * among them, each closed by FIN. What an internet-facing box's capture holds when it is scanned.
 */
export function generateScan(path, probes, template, handshakes = 100, seed = 7) {
  const rnd = rng(seed);
  const out = new PcapOut(path);
  let t = Date.UTC(2026, 3, 14, 9, 0, 0) * 1000;
  const scanner = ((203 << 24) | (0 << 16) | (113 << 8) | 7) >>> 0;
  const every = Math.max(1, Math.floor(probes / handshakes));
  let done = 0;
  for (let i = 0; i < probes; i++) {
    t += 10;
    const target = (10 << 24) | (106 << 16) | ((i >>> 10) & 0xffff);
    const port = 1 + (i & 1023);
    const seq = rnd();
    frame(out, t, scanner, target, 40000 + (i % 20000), port, seq, 0, 0x02, null);
    if (i % 4 === 0) frame(out, t + 1, target, scanner, port, 40000 + (i % 20000), 0, seq + 1, 0x14, null);
    if (i % every === every - 1 && done < handshakes) {
      const c = { src: (10 << 24) | (106 << 16) | (80 << 8) | 1, dst: (10 << 24) | (106 << 16) | (80 << 8) | 31, sport: 25000 + done, dport: 5061, cseq: rnd(), sseq: rnd() };
      replay(out, t, c, template);
      frame(out, t + 3, c.src, c.dst, c.sport, c.dport, c.cseq, c.sseq, 0x11, null);
      frame(out, t + 4, c.dst, c.src, c.dport, c.sport, c.sseq, c.cseq + 1, 0x11, null);
      frame(out, t + 5, c.src, c.dst, c.sport, c.dport, c.cseq + 1, c.sseq + 1, 0x10, null);
      done++;
    }
  }
  out.close();
  return { bytes: out.bytes, frames: out.frames, handshakes: done, connections: probes + done, certificatesExpected: done * template.certificates };
}

/**
 * A TLS flood at an internet-facing box: `connections` TCP connections to port 443, each sending
 * `bytesEach` bytes of a ClientHello record that announces 16 KiB, then nothing (no answer, no
 * FIN). Every connection's handshake stays under way to the end of the capture.
 */
export function generateFlood(path, connections, bytesEach = 15_900, seed = 11) {
  const rnd = rng(seed);
  const out = new PcapOut(path);
  let t = Date.UTC(2026, 3, 14, 9, 0, 0) * 1000;
  // Record header (16,384 bytes announced), ClientHello header, version, random, no session id,
  // one suite, null compression, then a padding extension (RFC 7685) to the announced length.
  const hello = Buffer.alloc(5 + 16384);
  hello[0] = 22; hello[1] = 3; hello[2] = 1; hello.writeUInt16BE(16384, 3);
  hello[5] = 1; hello.writeUIntBE(16380, 6, 3);
  hello[9] = 3; hello[10] = 3;
  for (let i = 11; i < 43; i++) hello[i] = rnd() & 0xff;
  let o = 43;
  hello[o++] = 0; hello.writeUInt16BE(2, o); o += 2; hello[o++] = 0x13; hello[o++] = 0x01; hello[o++] = 1; hello[o++] = 0;
  hello.writeUInt16BE(hello.length - o - 2, o); o += 2;
  hello.writeUInt16BE(0x0015, o); hello.writeUInt16BE(hello.length - o - 4, o + 2);
  const server = ((192 << 24) | (0 << 16) | (2 << 8) | 10) >>> 0;
  for (let i = 0; i < connections; i++) {
    t += 50;
    const c = { src: ((198 << 24) | (51 << 16) | ((i >>> 8) & 0xff) << 8 | (i & 0xff)) >>> 0, dst: server, sport: 10000 + (i % 50000), dport: 443, cseq: rnd(), sseq: rnd() };
    frame(out, t, c.src, c.dst, c.sport, c.dport, c.cseq, 0, 0x02, null);
    frame(out, t + 1, c.dst, c.src, c.dport, c.sport, c.sseq, c.cseq + 1, 0x12, null);
    frame(out, t + 2, c.src, c.dst, c.sport, c.dport, c.cseq + 1, c.sseq + 1, 0x10, null);
    let seq = c.cseq + 1;
    for (let off = 0; off < bytesEach; off += MSS) {
      const n = Math.min(MSS, bytesEach - off);
      frame(out, t + 3, c.src, c.dst, c.sport, c.dport, seq, c.sseq + 1, 0x18, hello, off, n);
      seq += n;
    }
  }
  out.close();
  return { bytes: out.bytes, frames: out.frames, connections };
}

/** The handshake to replay (from the repository at `root`): scenario `prefix` of captures/ (01: 4096-bit chains, mutual TLS), else a corpus capture. */
export async function loadTemplate(root, prefix = '01-') {
  const { scanCapture } = await import('../dist/analysis/frames.js');
  const candidates = [];
  const caps = join(root, 'captures');
  if (existsSync(caps)) {
    const s1 = readdirSync(caps).find((d) => d.startsWith(prefix));
    if (s1) {
      const walk = (d) => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
      candidates.push(...walk(join(caps, s1)).filter((f) => f.endsWith('.pcap')));
    }
  }
  candidates.push(join(root, 'test', 'corpus', 'flowtest__tls12.pcap'));
  for (const file of candidates) {
    if (!existsSync(file)) continue;
    const streams = new Map();
    await scanCapture(file, (conn) => {
      const chunks = [];
      streams.set(conn.id, chunks);
      return {
        data(dir, data) {
          const last = chunks.at(-1);
          if (last && last.dir === dir) last.parts.push(Buffer.from(data));
          else chunks.push({ dir, parts: [Buffer.from(data)] });
        },
        gap() {},
        end() {},
      };
    });
    // The TLS connection with the most handshake bytes (a ClientHello first).
    let best;
    for (const chunks of streams.values()) {
      const c = chunks.map((x) => ({ dir: x.dir, bytes: Buffer.concat(x.parts) }));
      if (c.length < 2 || c[0].bytes[0] !== 0x16) continue;
      const total = c.reduce((a, x) => a + x.bytes.length, 0);
      if (!best || total > best.total) best = { chunks: c, total };
    }
    if (best) {
      const certificates = countCertificates(best.chunks);
      return { file, chunks: best.chunks, certificates, bytes: best.total };
    }
  }
  throw new Error('no template handshake found (captures/ or test/corpus)');
}

/** Counts certificates in plaintext Certificate messages of the template (the expected per-handshake yield). */
function countCertificates(chunks) {
  let n = 0;
  for (const dir of [0, 1]) {
    const s = Buffer.concat(chunks.filter((c) => c.dir === dir).map((c) => c.bytes));
    let hs = Buffer.alloc(0);
    for (let o = 0; o + 5 <= s.length; ) {
      const type = s[o];
      const len = s.readUInt16BE(o + 3);
      if (type === 22) hs = Buffer.concat([hs, s.subarray(o + 5, o + 5 + len)]);
      if (type === 20) break; // after ChangeCipherSpec the rest is encrypted
      o += 5 + len;
    }
    for (let o = 0; o + 4 <= hs.length; ) {
      const t = hs[o];
      const len = hs.readUIntBE(o + 1, 3);
      if (t === 11) {
        let p = o + 4 + 3;
        const end = o + 4 + len;
        while (p + 3 <= end) { const cl = hs.readUIntBE(p, 3); p += 3 + cl; n++; }
      }
      o += 4 + len;
    }
  }
  return n;
}
