// One measured job in its own process, so peak RSS is the job's own. Prints one JSON line.
// Usage: node [--expose-gc] bench/job.mjs <framing|decode|pipeline|full|report|certs-json|certs-json-2|explain|report-json|report-text|view-load> FILE
import { performance } from 'node:perf_hooks';

const [mode, file] = process.argv.slice(2);
const t0 = performance.now();
let result = {};
let tEnd;

/** The certs command's JSON output counted (each row has one "sha256") and dropped. */
function certificateCounter() {
  let n = 0;
  return { out: (t) => { for (let i = t.indexOf('"sha256"'); i >= 0; i = t.indexOf('"sha256"', i + 1)) n++; }, count: () => n };
}
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
  const c = certificateCounter();
  await runCerts([file], { format: 'json', out: c.out, err: () => {} });
  result = { certificates: c.count() };
} else if (mode === 'certs-json-2') {
  // The same, the capture split by connection across 2 worker threads (certs --jobs 2).
  const { listCerts } = await import('../dist/cli/certs-jobs.js');
  const c = certificateCounter();
  await listCerts([file], { format: 'json', jobs: 2, splitOne: true, out: c.out, err: () => {} });
  result = { certificates: c.count() };
} else if (mode === 'explain' || mode === 'report-json' || mode === 'report-text') {
  // explain: the report without its rendering (the split of a report's time); the others render every piece.
  const { runReport } = await import('../dist/cli/report.js');
  // As the command runs it: told as it is read where the format allows (stream).
  const r = await runReport([file], { format: mode === 'report-text' ? 'text' : 'json', quiet: true, stream: mode !== 'explain', ...(mode === 'explain' && { skipRender: true }) });
  result = { sessions: r.sessions, findings: r.findings };
} else if (mode === 'view-load') {
  // The viewer's load without a terminal: the source `ekuscope view FILE` reads through (the same
  // loader, snapshots and explanation), each update put through the viewer's store and the panes'
  // selectors for the selected session, as a screen would. Ink's drawing itself is not in it.
  // firstRowS: the first session in the list; readS: the last byte read (every session listed);
  // openS: every session can be opened (its story told when selected); seconds: every line's mark
  // final (each session's rules read, the case-wide findings known); maxKeyWaitMs: the longest the
  // event loop was busy in one piece (a key pressed then waits that long).
  const { viewSource, reportLoader, preferProductionUi } = await import('../dist/cli/view.js');
  preferProductionUi();
  const { initialState, reduce, ladder, narrationText, visibleTree } = await import('../dist/tui/store.js');
  const { monitorEventLoopDelay } = await import('node:perf_hooks');
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  let s = initialState(160, 48);
  let firstRowS;
  let readS;
  let openS;
  await new Promise((resolve) => {
    viewSource([file], reportLoader())((u) => {
      s = reduce(s, { type: 'snapshot', ...(u.data && { data: u.data }), progress: u.progress });
      ladder(s);
      visibleTree(s);
      narrationText(s);
      const at = (performance.now() - t0) / 1000;
      if (firstRowS === undefined && s.visible.length > 0) firstRowS = at;
      if (readS === undefined && u.progress.phase !== 'reading' && u.progress.phase !== 'starting') readS = at;
      if (openS === undefined && (u.data?.teller || u.data?.explanation)) openS = at;
      if (u.progress.phase === 'done' || u.progress.phase === 'failed') resolve();
    });
  });
  // One more turn: a block that ended the load is counted once the loop runs again.
  await new Promise((r) => setTimeout(r, 20));
  lag.disable();
  tEnd = performance.now() - 20;
  result = { sessions: s.model.rows.length, findings: s.model.findings, firstRowS, readS, openS, maxKeyWaitMs: lag.max / 1e6, phase: s.progress.phase };
} else {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
const seconds = ((tEnd ?? performance.now()) - t0) / 1000;
const ru = process.resourceUsage();
process.stdout.write(JSON.stringify({ mode, seconds, maxRssMiB: ru.maxRSS / 1024, ...result }) + '\n');
