// Benchmark: generates 100 MB and 1 GB captures deterministically and measures ekuscope's stages
// and tshark on the same files in the same run. Figures, not a pass/fail: machines are shared.
// Usage: npm run bench [-- --sizes 100,1000] [--runs 3] [--no-tshark] [--keep] [--same-sessions] [--scan N]
//        [--busy 1000] [--flood N]
// Each job runs --runs times in its own process; the median is shown with the range.
// --same-sessions: also, for each size above the first, a capture of that size with about as many
// handshakes as the first size's (longer connections), analysed by the full job: what memory owes to
// bytes read and what to sessions kept.
// --scan N: also a port scan of N SYN-only connections with 100 real handshakes among them (full
// analysis and report, and tshark): what a connection costs when there are millions.
// --busy SIZES (default 1000; 0: none): the busy workload (bench/busy.mjs: 20,000 mutual-TLS
// handshakes a GB, a leaf of its own per client) at each size: certs --format json, report --format
// json, report (text) and the viewer's load (view-load in job.mjs), next to tshark and ssldump on the same file, and the time by stage.
// --flood N: N connections each sending 15.9 KB of a ClientHello announcing 16 KB, then nothing.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate, generateFlood, generateScan, loadTemplate as templateOf } from './gen.mjs';
import { generateBusy } from './busy.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const loadTemplate = (prefix) => templateOf(root, prefix);
const outDir = join(root, 'bench', 'out');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const sizes = opt('--sizes', '100,1000').split(',').map((s) => parseInt(s, 10)).filter((s) => s > 0);
const withTshark = !args.includes('--no-tshark') && spawnSync('tshark', ['--version']).status === 0;
const keep = args.includes('--keep');
const runs = Math.max(1, parseInt(opt('--runs', '3'), 10) || 3);
const sameSessions = args.includes('--same-sessions');
const scanProbes = parseInt(opt('--scan', '0'), 10) || 0;
const busySizes = opt('--busy', '1000').split(',').map((x) => parseInt(x, 10)).filter((x) => x > 0);
const floodConnections = parseInt(opt('--flood', '0'), 10) || 0;
const haveSsldump = spawnSync('ssldump', ['-v']).error === undefined;

if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) {
  console.log('building dist/ first ...');
  spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
}
mkdirSync(outDir, { recursive: true });

// The jobs run with the node options the launcher gives ekuscope (its `#!/usr/bin/env -S node ...`
// line), so that what is measured is what a user runs.
const launcherOptions = (/^#!\S*env -S node(.*)$/m.exec(readFileSync(join(root, 'bin', 'ekuscope.js'), 'utf8').split('\n')[0] ?? '')?.[1] ?? '').trim().split(/\s+/).filter(Boolean);


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

async function jobOnce(mode, file) {
  const r = await measure(process.execPath, [...launcherOptions, '--expose-gc', join(root, 'bench', 'job.mjs'), mode, file]);
  if (r.code !== 0) return { mode, error: r.err.trim().split('\n').slice(-3).join(' ') };
  return JSON.parse(r.out.trim().split('\n').pop());
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const range = (xs, digits, unit = '') => {
  const lo = Math.min(...xs).toFixed(digits);
  const hi = Math.max(...xs).toFixed(digits);
  return lo === hi ? `${lo}${unit}` : `${lo}–${hi}${unit}`;
};

/** `runs` runs of a job: the median run's figures, with every run's seconds and peak RSS. */
async function job(mode, file) {
  const all = [];
  for (let i = 0; i < runs; i++) {
    const r = await jobOnce(mode, file);
    if (r.error) return r;
    all.push(r);
  }
  const secs = all.map((r) => r.seconds);
  const rss = all.map((r) => r.maxRssMiB);
  const mid = all.find((r) => r.seconds === median(secs));
  return { ...mid, seconds: median(secs), maxRssMiB: median(rss), runs: { seconds: secs, maxRssMiB: rss, ...(mid.keptMiB !== undefined && { keptMiB: all.map((r) => r.keptMiB) }) } };
}

async function tsharkJob(argv) {
  const all = [];
  for (let i = 0; i < runs; i++) all.push(await measure('tshark', argv));
  const secs = all.map((r) => r.seconds);
  const rss = all.map((r) => r.peakMiB);
  return { seconds: median(secs), peakMiB: median(rss), runs: { seconds: secs, peakMiB: rss } };
}

const template = await loadTemplate();
console.log(`template handshake: ${relative(root, template.file)} (${template.bytes} bytes, ${template.certificates} certificates per handshake)`);
console.log(`ekuscope's jobs run with the launcher's node options: ${launcherOptions.join(' ') || 'none'}`);
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
    else {
      const mbs = r.runs.seconds.map((x) => size / 1e6 / x);
      console.log(
        `  ${mode.padEnd(9)} ${r.seconds.toFixed(2)} s (${range(r.runs.seconds, 2)})  ${(size / 1e6 / r.seconds).toFixed(0)} MB/s (${range(mbs, 0)})  peak RSS ${r.maxRssMiB.toFixed(0)} MiB (${range(r.runs.maxRssMiB, 0)})` +
          (r.certificates !== undefined ? `  certificates ${r.certificates}/${gen.certificatesExpected}` : ''),
      );
      if (r.keptMiB !== undefined && r.sessions) console.log(`  ${''.padEnd(9)} kept after the analysis (after a full GC): ${r.keptMiB.toFixed(1)} MiB, ${((r.keptMiB * 1024) / r.sessions).toFixed(1)} KiB per TLS session`);
    }
  }
  if (withTshark) {
    const conv = await tsharkJob(['-r', file, '-q', '-z', 'conv,tcp']);
    row.tsharkConv = conv;
    console.log(`  tshark conv,tcp  ${conv.seconds.toFixed(2)} s (${range(conv.runs.seconds, 2)})  ${(size / 1e6 / conv.seconds).toFixed(0)} MB/s  peak RSS ${conv.peakMiB.toFixed(0)} MiB`);
    const certs = await tsharkJob(['-r', file, '-o', 'tls.desegment_ssl_records:TRUE', '-o', 'tcp.desegment_tcp_streams:TRUE', '-d', 'tcp.port==5061,tls', '-d', 'tcp.port==7001,tls', '-Y', 'tls.handshake.type == 11', '-T', 'fields', '-e', 'frame.number']);
    row.tsharkCerts = certs;
    console.log(`  tshark certs     ${certs.seconds.toFixed(2)} s (${range(certs.runs.seconds, 2)})  ${(size / 1e6 / certs.seconds).toFixed(0)} MB/s  peak RSS ${certs.peakMiB.toFixed(0)} MiB`);
    const p = row.jobs.pipeline;
    const f = row.jobs.full;
    if (p && !p.error) console.log(`  ratio: ekuscope pipeline is ${(conv.seconds / p.seconds).toFixed(1)}x tshark conv,tcp`);
    if (f && !f.error) console.log(`  ratio: ekuscope full job is ${(certs.seconds / f.seconds).toFixed(1)}x tshark's certificate extraction`);
  } else console.log(args.includes('--no-tshark') ? '  tshark: skipped (--no-tshark)' : '  tshark: not installed, no comparison (apt-get install tshark)');
  const j = row.jobs;
  const ok = (m) => j[m] && !j[m].error;
  // Differences of medians of separate jobs: when the machine's noise exceeds a stage's cost the
  // difference comes out negative, and says so instead of a negative time.
  const secs = (s) => (s < 0 ? 'within noise' : `${s.toFixed(2)} s`);
  const pct = (s, whole) => (s < 0 ? 'within noise' : `${((100 * s) / whole).toFixed(0)}%`);
  if (ok('framing') && ok('decode') && ok('pipeline')) {
    const p = j.pipeline.seconds;
    console.log(`  split of the pipeline: pcap-parser framing ${(100 * j.framing.seconds / p).toFixed(0)}%, link/IP/TCP decoding ${pct(j.decode.seconds - j.framing.seconds, p)}, reassembly ${pct(p - j.decode.seconds, p)} (pipeline = reassembly of every byte, no TLS)`);
  }
  if (ok('full') && j.full.split) {
    const f = j.full.seconds;
    const x = j.full.split.x509Ms / 1000;
    console.log(`  split of the full job: framing ${j.framing.seconds.toFixed(2)} s, decoding ${secs(j.decode.seconds - j.framing.seconds)}, reassembly + TLS ${secs(f - j.decode.seconds - x)}, X.509 and session building ${x.toFixed(2)} s`);
  }
  if (ok('full') && ok('report')) console.log(`  report costs ${(j.report.seconds / j.full.seconds).toFixed(2)}x the full analysis`);
  rows.push(row);
  if (!keep) rmSync(file);
}
if (sameSessions) {
  console.log(`\n== same sessions: each size with about as many handshakes as the ${sizes[0]} MB capture (connections size/${sizes[0]} times longer)`);
  for (const mb of sizes.slice(1)) {
    const file = join(outDir, `bench-${mb}MB-same-sessions.pcap`);
    const gen = generate(file, mb * 1_000_000, template, 42, mb / sizes[0]);
    const size = statSync(file).size;
    const r = await job('full', file);
    const row = { sizeMB: size / 1e6, frames: gen.frames, handshakes: gen.handshakes, certificatesExpected: gen.certificatesExpected, sameSessions: true, jobs: { full: r } };
    if (r.error) console.log(`  ${mb} MB full failed: ${r.error}`);
    else
      console.log(
        `  ${mb} MB, ${gen.handshakes} handshakes: full ${r.seconds.toFixed(2)} s (${range(r.runs.seconds, 2)})  ${(size / 1e6 / r.seconds).toFixed(0)} MB/s  peak RSS ${r.maxRssMiB.toFixed(0)} MiB (${range(r.runs.maxRssMiB, 0)})` +
          `  certificates ${r.certificates}/${gen.certificatesExpected}${r.keptMiB !== undefined ? `  kept ${r.keptMiB.toFixed(1)} MiB` : ''}`,
      );
    rows.push(row);
    if (!keep) rmSync(file);
  }
}
if (scanProbes > 0) {
  const file = join(outDir, `bench-scan-${scanProbes}.pcap`);
  const gen = generateScan(file, scanProbes, template);
  const size = statSync(file).size;
  console.log(`\n== port scan: ${scanProbes} SYN-only connections (one in four refused) and ${gen.handshakes} handshakes, ${gen.frames} frames, ${(size / 1e6).toFixed(0)} MB`);
  const row = { sizeMB: size / 1e6, frames: gen.frames, handshakes: gen.handshakes, certificatesExpected: gen.certificatesExpected, scan: scanProbes, jobs: {} };
  for (const mode of ['pipeline', 'full', 'report']) {
    const r = await job(mode, file);
    row.jobs[mode] = r;
    if (r.error) console.log(`  ${mode.padEnd(9)} failed: ${r.error}`);
    else console.log(`  ${mode.padEnd(9)} ${r.seconds.toFixed(2)} s (${range(r.runs.seconds, 2)})  peak RSS ${r.maxRssMiB.toFixed(0)} MiB (${range(r.runs.maxRssMiB, 0)})  ${((r.maxRssMiB * 1048576) / (scanProbes + gen.handshakes)).toFixed(0)} bytes per connection${r.certificates !== undefined ? `  certificates ${r.certificates}/${gen.certificatesExpected}` : ''}`);
  }
  if (withTshark) {
    const conv = await tsharkJob(['-r', file, '-q', '-z', 'conv,tcp']);
    row.tsharkConv = conv;
    console.log(`  tshark conv,tcp  ${conv.seconds.toFixed(2)} s (${range(conv.runs.seconds, 2)})  peak RSS ${conv.peakMiB.toFixed(0)} MiB`);
    const f = row.jobs.full;
    if (f && !f.error) console.log(`  ratio: ekuscope full job is ${(conv.seconds / f.seconds).toFixed(1)}x tshark conv,tcp in time, ${(conv.peakMiB / f.maxRssMiB).toFixed(1)}x in peak RSS`);
  }
  rows.push(row);
  if (!keep) rmSync(file);
}
for (const mb of busySizes) await busyWorkload(mb);
if (floodConnections > 0) await floodWorkload(floodConnections);
const fulls = rows.filter((r) => !r.sameSessions && !r.scan && !r.busy && !r.flood && r.jobs.full && !r.jobs.full.error);
if (fulls.length > 1) {
  console.log(`\nfull analysis across sizes (medians): ${fulls.map((r) => `${Math.round(r.sizeMB)} MB: ${r.jobs.full.seconds.toFixed(2)} s, peak RSS ${r.jobs.full.maxRssMiB.toFixed(0)} MiB${r.jobs.full.keptMiB !== undefined ? `, kept ${r.jobs.full.keptMiB.toFixed(1)} MiB` : ''}`).join('; ')}`);
}

/** One line of figures for a job on a file of `size` bytes. */
function figures(label, r, size) {
  const mbs = r.runs.seconds.map((x) => size / 1e6 / x);
  return `  ${label.padEnd(24)} ${r.seconds.toFixed(2)} s (${range(r.runs.seconds, 2)})  ${(size / 1e6 / r.seconds).toFixed(0)} MB/s (${range(mbs, 0)})  peak RSS ${(r.maxRssMiB ?? r.peakMiB).toFixed(0)} MiB (${range(r.runs.maxRssMiB ?? r.runs.peakMiB, 0)})`;
}

/** The busy workload at `mb` MB: the three commands a user runs, tshark and ssldump, and the split by stage. */
async function busyWorkload(mb) {
  const tls13 = await loadTemplate('03b-');
  const file = join(outDir, `bench-busy-${mb}MB.pcap`);
  const g0 = Date.now();
  const gen = generateBusy(file, mb * 1_000_000, Math.round(mb * 20), template, tls13, 1);
  const size = statSync(file).size;
  console.log(`\n== busy ${mb} MB: ${gen.frames} frames, ${gen.handshakes} handshakes (${gen.tls12Handshakes} TLS 1.2 mutual TLS, ${gen.tls13Handshakes} TLS 1.3), ${gen.certificatesExpected} certificates and ${gen.certificateRequestsExpected} CertificateRequests expected, ${gen.bulkFlows} bulk flows (generated in ${((Date.now() - g0) / 1000).toFixed(1)} s)`);
  const row = { sizeMB: size / 1e6, busy: true, ...gen, jobs: {} };
  for (const [mode, label] of [['certs-json', 'certs --format json'], ['certs-json-2', 'certs json, --jobs 2'], ['report-json', 'report --format json'], ['report-text', 'report (text)'], ['framing', 'framing'], ['decode', 'framing + decoding'], ['full', 'full analysis'], ['explain', 'report, not rendered'], ['view-load', 'view load (headless)']]) {
    const r = await job(mode, file);
    row.jobs[mode] = r;
    if (r.error) console.log(`  ${label.padEnd(24)} failed: ${r.error}`);
    else console.log(figures(label, r, size) + (r.certificates !== undefined ? `  certificates ${r.certificates}/${gen.certificatesExpected}` : '') + (r.findings !== undefined ? `  sessions ${r.sessions}, findings ${r.findings}` : '') + (r.firstRowS !== undefined ? `  first row ${r.firstRowS.toFixed(2)} s, read ${r.readS?.toFixed(2)} s, every session opens ${r.openS?.toFixed(2)} s, longest wait for a key ${r.maxKeyWaitMs.toFixed(0)} ms` : ''));
  }
  if (withTshark) {
    const t = await tsharkJob(['-r', file, '-Y', 'tls.handshake.type==11', '-T', 'fields', '-e', 'x509af.serialNumber']);
    row.tsharkSerials = t;
    console.log(figures('tshark, every serial', t, size));
  }
  if (haveSsldump) {
    const all = [];
    for (let i = 0; i < runs; i++) all.push(await measure('ssldump', ['-n', '-r', file]));
    const sd = { seconds: median(all.map((r) => r.seconds)), peakMiB: median(all.map((r) => r.peakMiB)), runs: { seconds: all.map((r) => r.seconds), peakMiB: all.map((r) => r.peakMiB) } };
    row.ssldump = sd;
    console.log(figures('ssldump -n', sd, size));
  } else console.log('  ssldump: not installed, no comparison');
  const j = row.jobs;
  const ok = (...ms) => ms.every((m) => j[m] && !j[m].error);
  if (ok('framing', 'decode', 'full', 'explain', 'report-json')) {
    const x = j.full.split.x509Ms / 1000;
    const secs = (v) => (v < 0 ? 'within noise' : `${v.toFixed(2)} s`);
    console.log(`  time by stage (differences of medians): framing ${j.framing.seconds.toFixed(2)} s, link/IP/TCP ${secs(j.decode.seconds - j.framing.seconds)}, reassembly + TLS ${secs(j.full.seconds - j.decode.seconds - x)}, X.509 and sessions ${x.toFixed(2)} s, rules and stories ${secs(j.explain.seconds - j.full.seconds)}, JSON output ${secs(j['report-json'].seconds - j.explain.seconds)}`);
  }
  rows.push(row);
  if (!keep) rmSync(file);
}

/** The flood of half-sent ClientHellos: the report's time and peak RSS, every connection counted. */
async function floodWorkload(n) {
  const file = join(outDir, `bench-flood-${n}.pcap`);
  const gen = generateFlood(file, n);
  const size = statSync(file).size;
  console.log(`\n== flood: ${n} connections to 443, each 15.9 KB of a ClientHello announcing 16 KB and then nothing, ${gen.frames} frames, ${(size / 1e6).toFixed(0)} MB`);
  const row = { sizeMB: size / 1e6, flood: n, jobs: {} };
  for (const [mode, label] of [['full', 'full analysis'], ['report-json', 'report --format json']]) {
    const r = await job(mode, file);
    row.jobs[mode] = r;
    if (r.error) console.log(`  ${label.padEnd(24)} failed: ${r.error}`);
    else console.log(figures(label, r, size) + `  sessions ${r.sessions}/${n}`);
  }
  rows.push(row);
  if (!keep) rmSync(file);
}

writeFileSync(join(outDir, 'results.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, launcherOptions, runs, template: relative(root, template.file), rows }, null, 2));
console.log(`\nresults: bench/out/results.json`);
