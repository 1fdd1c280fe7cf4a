// Benchmark: generates 100 MB and 1 GB captures deterministically and measures ekuscope's stages
// and tshark on the same files in the same run. Figures, not a pass/fail: machines are shared.
// Usage: npm run bench [-- --sizes 100,1000] [--no-tshark] [--keep]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './gen.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'bench', 'out');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const sizes = opt('--sizes', '100,1000').split(',').map((s) => parseInt(s, 10));
const withTshark = !args.includes('--no-tshark') && spawnSync('tshark', ['--version']).status === 0;
const keep = args.includes('--keep');

if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) {
  console.log('building dist/ first ...');
  spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
}
mkdirSync(outDir, { recursive: true });

/** The handshake to replay: scenario 1 of captures/ (4096-bit chains, mutual TLS), else a corpus capture. */
async function loadTemplate() {
  const { scanCapture } = await import('../dist/analysis/frames.js');
  const candidates = [];
  const caps = join(root, 'captures');
  if (existsSync(caps)) {
    const s1 = readdirSync(caps).find((d) => d.startsWith('01-'));
    if (s1) {
      const walk = (d) => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
      candidates.push(...walk(join(caps, s1)).filter((f) => f.endsWith('.pcap')));
    }
  }
  candidates.push(join(root, '..', 'shared', 'corpus', 'flowtest__tls12.pcap'));
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
  throw new Error('no template handshake found (captures/ or ../shared/corpus)');
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

function peakOf(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? parseInt(m[1], 10) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Runs a command, polling its peak RSS (VmHWM) until it exits. */
function measure(cmd, argv) {
  return new Promise((res) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, argv, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let peak = 0;
    child.stdout.on('data', (d) => { out += d.length < 1 << 16 ? d : ''; });
    child.stderr.on('data', (d) => { err += d; });
    const timer = setInterval(() => { peak = Math.max(peak, peakOf(child.pid)); }, 50);
    child.on('exit', (code) => {
      clearInterval(timer);
      res({ code, seconds: Number(process.hrtime.bigint() - t0) / 1e9, peakMiB: peak, out, err });
    });
  });
}

async function job(mode, file) {
  const r = await measure(process.execPath, [join(root, 'bench', 'job.mjs'), mode, file]);
  if (r.code !== 0) return { mode, error: r.err.trim().split('\n').slice(-3).join(' ') };
  return JSON.parse(r.out.trim().split('\n').pop());
}

const template = await loadTemplate();
console.log(`template handshake: ${relative(root, template.file)} (${template.bytes} bytes, ${template.certificates} certificates per handshake)`);
const rows = [];
for (const mb of sizes) {
  const file = join(outDir, `bench-${mb}MB.pcap`);
  const target = mb * 1_000_000;
  const g0 = Date.now();
  const gen = generate(file, target, template, 42);
  const size = statSync(file).size;
  console.log(`\n== ${mb} MB: ${gen.frames} frames, ${gen.connections} connections, ${gen.handshakes} handshakes (generated in ${((Date.now() - g0) / 1000).toFixed(1)} s)`);
  const row = { sizeMB: size / 1e6, frames: gen.frames, handshakes: gen.handshakes, certificatesExpected: gen.certificatesExpected, jobs: {} };
  for (const mode of ['framing', 'decode', 'pipeline', 'full', 'report']) {
    const r = await job(mode, file);
    row.jobs[mode] = r;
    if (r.error) console.log(`  ${mode.padEnd(9)} failed: ${r.error}`);
    else console.log(`  ${mode.padEnd(9)} ${r.seconds.toFixed(2)} s  ${(size / 1e6 / r.seconds).toFixed(0)} MB/s  peak RSS ${r.maxRssMiB.toFixed(0)} MiB${r.certificates !== undefined ? `  certificates ${r.certificates}/${gen.certificatesExpected}` : ''}`);
  }
  if (withTshark) {
    const conv = await measure('tshark', ['-r', file, '-q', '-z', 'conv,tcp']);
    row.tsharkConv = { seconds: conv.seconds, peakMiB: conv.peakMiB };
    console.log(`  tshark conv,tcp  ${conv.seconds.toFixed(2)} s  ${(size / 1e6 / conv.seconds).toFixed(0)} MB/s  peak RSS ${conv.peakMiB.toFixed(0)} MiB`);
    const certs = await measure('tshark', ['-r', file, '-o', 'tls.desegment_ssl_records:TRUE', '-o', 'tcp.desegment_tcp_streams:TRUE', '-d', 'tcp.port==5061,tls', '-d', 'tcp.port==7001,tls', '-Y', 'tls.handshake.type == 11', '-T', 'fields', '-e', 'frame.number']);
    row.tsharkCerts = { seconds: certs.seconds, peakMiB: certs.peakMiB };
    console.log(`  tshark certs     ${certs.seconds.toFixed(2)} s  ${(size / 1e6 / certs.seconds).toFixed(0)} MB/s  peak RSS ${certs.peakMiB.toFixed(0)} MiB`);
    const p = row.jobs.pipeline;
    const f = row.jobs.full;
    if (p && !p.error) console.log(`  ratio: ekuscope pipeline is ${(conv.seconds / p.seconds).toFixed(1)}x tshark conv,tcp`);
    if (f && !f.error) console.log(`  ratio: ekuscope full job is ${(certs.seconds / f.seconds).toFixed(1)}x tshark's certificate extraction`);
  } else console.log('  tshark: not installed, no comparison (apt-get install tshark)');
  const j = row.jobs;
  const ok = (m) => j[m] && !j[m].error;
  if (ok('framing') && ok('decode') && ok('pipeline')) {
    const p = j.pipeline.seconds;
    console.log(`  split of the pipeline: pcap-parser framing ${(100 * j.framing.seconds / p).toFixed(0)}%, link/IP/TCP decoding ${(100 * (j.decode.seconds - j.framing.seconds) / p).toFixed(0)}%, reassembly ${(100 * (p - j.decode.seconds) / p).toFixed(0)}% (pipeline = reassembly of every byte, no TLS)`);
  }
  if (ok('full') && j.full.split) {
    const f = j.full.seconds;
    const x = j.full.split.x509Ms / 1000;
    console.log(`  split of the full job: framing ${j.framing.seconds.toFixed(2)} s, decoding ${(j.decode.seconds - j.framing.seconds).toFixed(2)} s, reassembly + TLS ${(f - j.decode.seconds - x).toFixed(2)} s, X.509 and session building ${x.toFixed(2)} s`);
  }
  if (ok('full') && ok('report')) console.log(`  report costs ${(j.report.seconds / j.full.seconds).toFixed(2)}x the full analysis`);
  rows.push(row);
  if (!keep) rmSync(file);
}
writeFileSync(join(outDir, 'results.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, template: relative(root, template.file), rows }, null, 2));
console.log(`\nresults: bench/out/results.json`);
