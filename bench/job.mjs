// One measured job in its own process, so peak RSS is the job's own. Prints one JSON line.
// Usage: node [--expose-gc] bench/job.mjs <framing|decode|pipeline|full|report|certs-json|explain|report-json|report-text> FILE
import { performance } from 'node:perf_hooks';

const [mode, file] = process.argv.slice(2);
const t0 = performance.now();
let result = {};
let tEnd;
if (mode === 'framing') {
  const { readCapture } = await import('../dist/capture/index.js');
  let n = 0;
  await readCapture(file, () => { n++; });
  result = { frames: n };
} else if (mode === 'decode') {
  // Framing plus link/IP/TCP decoding, no reassembly: splits the pipeline's time.
  const { readCapture } = await import('../dist/capture/index.js');
  const { PacketDecoder } = await import('../dist/net/index.js');
  const dec = new PacketDecoder();
  let tcp = 0;
  await readCapture(file, (f) => { if (dec.decode(f).kind === 'tcp') tcp++; });
  result = { tcpSegments: tcp };
} else if (mode === 'pipeline') {
  const { scanCapture, passiveConsumer } = await import('../dist/analysis/frames.js');
  const r = await scanCapture(file, () => passiveConsumer);
  result = { frames: r.capture.frames, connections: r.connections.length };
} else if (mode === 'full') {
  const { analyzeCapture } = await import('../dist/analysis/index.js');
  // With --expose-gc (run.mjs passes it): what the finished analysis keeps, after a full GC.
  const heap = () => { globalThis.gc?.(); const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };
  const before = heap();
  const a = await analyzeCapture(file);
  tEnd = performance.now(); // the GC below is measurement, not analysis
  const kept = globalThis.gc ? (heap() - before) / 1048576 : undefined;
  result = { frames: a.capture.frames, sessions: a.sessions.length, certificates: a.certificateCount, certificateRequests: a.certificateRequestCount, split: a.timing, ...(kept !== undefined && { keptMiB: kept }) };
} else if (mode === 'report') {
  const { runReport } = await import('../dist/cli/report.js');
  const r = await runReport([file], { format: 'json', quiet: true, stream: true });
  result = { sessions: r.sessions };
} else if (mode === 'certs-json') {
  // The certs command as run, its output counted and dropped.
  const { runCerts } = await import('../dist/cli/certs.js');
  let certificates = 0;
  await runCerts([file], { format: 'json', out: (t) => { for (let i = t.indexOf('"sha256"'); i >= 0; i = t.indexOf('"sha256"', i + 1)) certificates++; }, err: () => {} });
  result = { certificates };
} else if (mode === 'explain' || mode === 'report-json' || mode === 'report-text') {
  // explain: the report without its rendering (the split of a report's time); the others render every piece.
  const { runReport } = await import('../dist/cli/report.js');
  // As the command runs it: told as it is read where the format allows (stream).
  const r = await runReport([file], { format: mode === 'report-text' ? 'text' : 'json', quiet: true, stream: mode !== 'explain', ...(mode === 'explain' && { skipRender: true }) });
  result = { sessions: r.sessions, findings: r.findings };
} else {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
const seconds = ((tEnd ?? performance.now()) - t0) / 1000;
const ru = process.resourceUsage();
process.stdout.write(JSON.stringify({ mode, seconds, maxRssMiB: ru.maxRSS / 1024, ...result }) + '\n');
