// One measured job in its own process, so peak RSS is the job's own. Prints one JSON line.
// Usage: node bench/job.mjs <framing|decode|pipeline|full|report> FILE
import { performance } from 'node:perf_hooks';

const [mode, file] = process.argv.slice(2);
const t0 = performance.now();
let result = {};
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
  const a = await analyzeCapture(file);
  result = { frames: a.capture.frames, sessions: a.sessions.length, certificates: a.certificateCount, certificateRequests: a.certificateRequestCount, split: a.timing };
} else if (mode === 'report') {
  const { runReport } = await import('../dist/cli/report.js');
  const r = await runReport([file], { format: 'json', quiet: true });
  result = { sessions: r.sessions };
} else {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
const seconds = (performance.now() - t0) / 1000;
const ru = process.resourceUsage();
process.stdout.write(JSON.stringify({ mode, seconds, maxRssMiB: ru.maxRSS / 1024, ...result }) + '\n');
