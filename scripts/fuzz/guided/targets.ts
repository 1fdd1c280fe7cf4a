/**
 * One fuzz target per stage that takes untrusted bytes. Each feeds the input to the stage's public
 * entry and returns the invariants it broke (an empty list when all held). An exception that
 * escapes `run` is a finding too (the engine catches it): every stage promises to return a result
 * for any bytes, and the documented refusals (a file that is not a capture) are caught here.
 *
 * Checked on every input, where the stage has output: no raw control or bidi character in an
 * output line (text, Markdown, CSV; JSON by JSON's rules), JSON that parses, and messages that
 * carry no secret (key log lines are never quoted).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { CaptureFormatError, readCapture } from '../../../src/capture/index.js';
import { analyzeCapture, KeyLog, scanCapture, type Analysis } from '../../../src/analysis/index.js';
import { certRows, formatCertsText } from '../../../src/cli/certs.js';
import { JsonArrayWriter } from '../../../src/cli/output.js';
import { runCheckStore, runReport } from '../../../src/cli/report.js';
import { redactExplanation } from '../../../src/narrate/redact.js';
import { renderCsv } from '../../../src/report/csv.js';
import { renderHtml } from '../../../src/report/html.js';
import { renderJson } from '../../../src/report/json.js';
import { renderMarkdown } from '../../../src/report/markdown.js';
import { parseXconf, parseXstat, createLoggingSnapshotParser } from '../../../src/expressway/index.js';
import { parseKeyLog } from '../../../src/tls/decrypt/keylog.js';
import { CertPool, escapeForDisplay, loadCertificates, parseCertificate } from '../../../src/x509/index.js';
import { renderText } from '../../../src/report/text.js';
import { analysisDoc, firstUnsafe, RAW_UNSAFE_JSON } from '../run.js';
import { mutate as blindCaptureMutate } from '../mutate.js';
import { Prng } from '../../captures/prng.js';
// The test suite's builders of TLS messages, certificates and captures (scripts are not shipped).
import { alertRecord, certificateMessage, certificateRequest12, clientHelloWith, handshakeRecords, serverHello12, serverHelloDone, sniExtension, tlsCapture, type Step } from '../../../test/hostile/lib.js';
import { ext, makeCert, name, seq, tlv } from '../../../test/x509/helpers.js';
import { dictionary } from './mutator.js';
import { captureSeeds, capturePaths, derSeeds, KEYLOG_SCENARIO, keylogSeeds, parseTranscript, pemSeeds, tarSeeds, transcriptSeeds, writeTranscript, xapiSeeds } from './seeds.js';

export interface Target {
  readonly name: string;
  readonly what: string;
  /** Longest input the mutator makes. */
  readonly maxLength: number;
  readonly dictionary: readonly Uint8Array[];
  seeds(): Promise<Uint8Array[]>;
  /** Runs one input; returns the invariants it broke. */
  run(input: Uint8Array): Promise<string[]>;
  /**
   * The blind mutation fuzzer's mutation of a seed, for the comparison, where the target reads
   * what it reads (captures: scripts/fuzz/mutate.ts). Undefined: the comparison uses this
   * fuzzer's own mutator without feedback (mutating the seeds only).
   */
  readonly blind?: (seed: Uint8Array, rng: Prng) => Uint8Array;
  /**
   * A structure-aware mutation the guided loop uses for half its inputs, beside libFuzzer's byte
   * mutations (libFuzzer's LLVMFuzzerCustomMutator): for captures, the blind fuzzer's record-level
   * edits; for transcripts, chunk-level ones.
   */
  readonly custom?: (input: Uint8Array, rng: Prng) => Uint8Array;
}

const streamOf = (b: Uint8Array): Readable => Readable.from([Buffer.from(b.buffer, b.byteOffset, b.byteLength)]);

function unsafe(where: string, text: string, json = false, out: string[] = []): string[] {
  const bad = firstUnsafe(text, false, json ? RAW_UNSAFE_JSON : undefined);
  if (bad) out.push(`${where}: raw ${bad}`);
  return out;
}

function oneLine(where: string, text: string, out: string[]): void {
  if (/[\r\n]/.test(text)) out.push(`${where}: a message of more than one line: ${JSON.stringify(text.slice(0, 120))}`);
  unsafe(where, text, false, out);
}

/** A scratch folder for targets that read files (bundles, the CLI), removed at exit. */
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ekuscope-guided-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

let scratchDir: string | undefined;
const scratchFile = (name: string): string => join((scratchDir ??= scratch()), name);

const CAPTURE_DICT = dictionary(
  [0xd4, 0xc3, 0xb2, 0xa1],
  [0xa1, 0xb2, 0xc3, 0xd4],
  [0x4d, 0x3c, 0xb2, 0xa1],
  [0x0a, 0x0d, 0x0d, 0x0a],
  [0x1a, 0x2b, 0x3c, 0x4d],
  [0x1f, 0x8b, 0x08],
  [0x08, 0x00, 0x45],
  [0x86, 0xdd, 0x60],
  [0x81, 0x00],
  [0x16, 0x03, 0x01],
  [0x16, 0x03, 0x03],
  [0x14, 0x03, 0x03, 0x00, 0x01, 0x01],
  [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x2a],
  [0x17, 0x03, 0x03],
  [0x50, 0x18],
  [0x50, 0x11],
  [0x50, 0x04],
  [0x02, 0x04, 0x05, 0xb4],
);

const TLS_DICT = dictionary(
  [0x16, 0x03, 0x01],
  [0x16, 0x03, 0x03],
  [0x17, 0x03, 0x03],
  [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x2a],
  [0x14, 0x03, 0x03, 0x00, 0x01, 0x01],
  [0x01, 0x00, 0x00],
  [0x02, 0x00, 0x00],
  [0x0b, 0x00, 0x00],
  [0x0d, 0x00, 0x00],
  [0x0e, 0x00, 0x00, 0x00],
  [0x00, 0x00],
  [0x00, 0x2b, 0x00, 0x03, 0x02, 0x03, 0x04],
  [0x00, 0x33],
  [0x00, 0x0d],
  [0x03, 0x04],
  [0x13, 0x01],
  [0xc0, 0x2f],
  [0x80, 0x2e, 0x01, 0x00, 0x02],
  [0x30, 0x82],
  'STARTTLS\r\n',
  '* OK ',
  '+OK ',
  'EHLO x\r\n',
);

const DER_DICT = dictionary(
  [0x30, 0x82],
  [0x30, 0x81],
  [0x30, 0x80],
  [0x31],
  [0x06, 0x03, 0x55, 0x1d, 0x25],
  [0x06, 0x03, 0x55, 0x1d, 0x11],
  [0x06, 0x03, 0x55, 0x1d, 0x0f],
  [0x06, 0x03, 0x55, 0x1d, 0x13],
  [0x06, 0x03, 0x55, 0x04, 0x03],
  [0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01],
  [0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02],
  [0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x86, 0xf8, 0x42, 0x01, 0x01],
  [0x0c],
  [0x13],
  [0x1e],
  [0x1c],
  [0x17, 0x0d],
  [0x18, 0x0f],
  [0x82],
  [0x87, 0x04],
  [0xa0, 0x03, 0x02, 0x01, 0x02],
  [0x01, 0x01, 0xff],
  [0x05, 0x00],
  [0x1b, 0x5b],
  [0xe2, 0x80, 0xae],
);

const PEM_DICT = dictionary(
  '-----BEGIN CERTIFICATE-----\n',
  '-----END CERTIFICATE-----\n',
  '-----BEGIN PRIVATE KEY-----\n',
  '-----END PRIVATE KEY-----\n',
  '-----BEGIN RSA PRIVATE KEY-----\n',
  '-----BEGIN ENCRYPTED PRIVATE KEY-----\n',
  '-----BEGIN TRUSTED CERTIFICATE-----\n',
  '-----BEGIN X509 CRL-----\n',
  'Bag Attributes\n',
  'subject=',
  'Proc-Type: 4,ENCRYPTED\n',
  '\r\n',
  '====',
  'MII',
  [0xef, 0xbb, 0xbf],
  [0xff, 0xfe],
);

const KEYLOG_DICT = dictionary(
  'CLIENT_RANDOM ',
  'CLIENT_HANDSHAKE_TRAFFIC_SECRET ',
  'SERVER_HANDSHAKE_TRAFFIC_SECRET ',
  'CLIENT_TRAFFIC_SECRET_0 ',
  'SERVER_TRAFFIC_SECRET_0 ',
  'EXPORTER_SECRET ',
  'CLIENT_EARLY_TRAFFIC_SECRET ',
  'RSA ',
  '# ',
  '\r\n',
  '\n',
  '0000000000000000000000000000000000000000000000000000000000000000',
  [0xef, 0xbb, 0xbf],
);

const XAPI_DICT = dictionary(
  '*c xConfiguration ',
  '*s ',
  '** end',
  'OK\n',
  '<Configuration>',
  '</Configuration>',
  '<Status>',
  '<?xml version="1.0"?>',
  ' valueSpaceRef="',
  ' item="1"',
  '<![CDATA[',
  ']]>',
  '&amp;',
  '&#x1b;',
  '&#',
  'SIP TLS Certificate ExtendedKeyUsage Checking Mode',
  'ExtendedKeyUsage',
  'CheckingMode',
  ': "',
  'On',
  'Off',
  '<!--',
  '-->',
);

const TAR_DICT = dictionary('ustar\0', 'ustar  \0', '00', '././@LongLink', 'ca_', 'client_', 'server_', 'xconf_dump_', '_2026-03-30_10_12_13', '.pem', '.pcap', '../', '/etc/', [0x1f, 0x8b, 0x08, 0x00]);

// ---- capture-level targets ------------------------------------------------------------------------

async function captureTarget(input: Uint8Array): Promise<string[]> {
  const out: string[] = [];
  let frames = 0;
  try {
    const s = await readCapture(streamOf(input), (f) => {
      frames++;
      if (f.data.length > f.origLen && f.origLen > 0 && f.data.length > 16 << 20) out.push(`frame ${f.number}: ${f.data.length} captured bytes`);
    });
    if (s.frames !== frames) out.push(`summary says ${s.frames} frames, ${frames} delivered`);
    for (const p of s.problems) unsafe('capture problem', p.message, false, out);
  } catch (e) {
    if (!(e instanceof CaptureFormatError)) throw e;
    oneLine('CaptureFormatError', e.message, out);
  }
  return out;
}

/** link/IP/TCP decoding and reassembly: each direction's deliveries are contiguous apart from declared gaps. */
async function netTarget(input: Uint8Array): Promise<string[]> {
  const out: string[] = [];
  try {
    const r = await scanCapture(streamOf(input), () => {
      const next = [-1, -1];
      const ended = [false, false];
      const check = (dir: 0 | 1, off: number, len: number, what: string) => {
        if (ended[dir]) out.push(`${what} after the end of direction ${dir}`);
        if (next[dir]! >= 0 && off !== next[dir]) out.push(`${what} at offset ${off}, expected ${next[dir]} (direction ${dir})`);
        if (len <= 0) out.push(`${what} of ${len} bytes`);
        next[dir] = off + len;
      };
      return {
        data: (dir, data, off) => check(dir, off, data.length, 'data'),
        // A capture that starts mid-stream is told by a zero-length gap at offset 0 (its reason says so).
        gap: (dir, off, len, reason) => (len === 0 && reason === 'mid-stream-start' && off === 0 ? undefined : check(dir, off, len, `gap (${reason})`)),
        end: (dir) => {
          if (ended[dir]) out.push(`direction ${dir} ended twice`);
          ended[dir] = true;
        },
      };
    });
    if (r.stats.malformed.first) oneLine('malformed packet message', r.stats.malformed.first.message, out);
  } catch (e) {
    if (!(e instanceof CaptureFormatError)) throw e;
  }
  return out;
}

/**
 * Certificates parsed by earlier inputs, as a report over several captures shares them: most
 * inputs carry the seeds' certificates unchanged, and parsing them again (pkijs) was two thirds of
 * an input's time. A changed certificate is new to the pool and parsed. Renewed every 2,000
 * inputs, so the pool stays small.
 */
const shared = { pool: new CertPool(), uses: 0 };

/** The analysis of a capture, and the text renderer over every string it took from it (the render target covers the rest). */
async function analyse(bytes: Uint8Array, keyLog?: KeyLog): Promise<string[]> {
  if (++shared.uses % 2000 === 0) shared.pool = new CertPool();
  const out: string[] = [];
  const a = await analyzeCapture(streamOf(bytes), { sourceName: 'input', pool: shared.pool, ...(keyLog ? { keyLog } : {}) });
  unsafe('renderText', renderText(analysisDoc(a), { color: false, width: 100 }), false, out);
  return out;
}

function transcriptCapture(input: Uint8Array): Uint8Array {
  const steps: Step[] = parseTranscript(input).map((c) => ({ dir: c.dir === 0 ? 'c2s' : 's2c', bytes: c.bytes }));
  return tlsCapture([...steps, { fin: 'c2s' }, { fin: 's2c' }]).bytes;
}

let scenarioKeyLog: KeyLog | undefined;
function keyLogOfScenario(): KeyLog {
  return (scenarioKeyLog ??= KeyLog.fromFiles([join(KEYLOG_SCENARIO, 'sslkeylog.txt')]));
}

// ---- renderers ----------------------------------------------------------------------------------

const HOSTILE_PAD = ['', '\u001b[31m', '\u202e', '\u0007', '\u009b'];

/**
 * The input as certificate names: split at NUL into strings (UTF-8), each used as a subject CN,
 * an O, an issuer CN, a SAN dNSName and an SNI, in a capture with a CertificateRequest; then the
 * report in every format, and certs and flows.
 */
function hostileNamesCapture(input: Uint8Array): Uint8Array {
  const parts = Buffer.from(input).toString('latin1').split('\0').slice(0, 6);
  const s = (i: number) => Buffer.from(parts[i % parts.length] ?? '', 'latin1');
  const certs = [0, 1, 2].map((i) =>
    makeCert({
      serial: Uint8Array.of(0x10 + i),
      subject: name(['2.5.4.3', s(i)], ['2.5.4.10', s(i + 1)]),
      issuer: name(['2.5.4.3', s(i + 2)]),
      extensions: [ext('2.5.29.17', seq(tlv(0x82, s(i + 3)), tlv(0x86, s(i + 4)), tlv(0x81, s(i)))), ext('2.5.29.37', seq(tlv(0x06, Uint8Array.of(0x2b, 6, 1, 5, 5, 7, 3, 1))))],
    }),
  );
  return tlsCapture([
    { dir: 'c2s', bytes: handshakeRecords(clientHelloWith([sniExtension(s(5))])) },
    { dir: 's2c', bytes: handshakeRecords(serverHello12(), certificateMessage(certs[0]!, certs[1]!), certificateRequest12(name(['2.5.4.3', s(3)])), serverHelloDone()) },
    { dir: 'c2s', bytes: handshakeRecords(certificateMessage(certs[2]!)) },
    { dir: 's2c', bytes: alertRecord(2, 43) },
    { fin: 's2c' },
    { fin: 'c2s' },
  ]).bytes;
}

/**
 * One output of the render target: what `report --format F` (or `certs`) would print for the
 * input, made by the same renderer function the command calls, and how to check it.
 */
interface Rendered {
  readonly what: string;
  readonly kind: 'text' | 'json' | 'csv' | 'html';
  readonly text: string;
}

/** What `certs` prints for an analysis, text and JSON: the command's own row builder, text formatter and JSON writer. */
function certsOutputs(a: Analysis): Rendered[] {
  const rows = certRows(a);
  let json = '';
  const w = new JsonArrayWriter((t) => void (json += t));
  for (const r of rows) w.push(r);
  w.end();
  return [
    { what: 'certs', kind: 'text', text: formatCertsText(rows) },
    { what: 'certs --format json', kind: 'json', text: json },
    { what: 'certs (standard error)', kind: 'text', text: a.capture.problems.map((p) => p.message).join('\n') },
  ];
}

/**
 * The capture of the input's names analysed once, in process, as `report` does (runReport), then
 * every renderer `report` and `certs` use given that analysis: text, Markdown, JSON, CSV, the HTML
 * page, the text of the redacted explanation, and certs' text and JSON. (It ran the command line
 * once per format before, each writing, reading and analysing the capture again.)
 */
let namesPath: string | undefined;
function namesFile(): string {
  if (namesPath === undefined) writeFileSync((namesPath = scratchFile('names.pcap')), new Uint8Array(0));
  return namesPath;
}

async function renderTarget(input: Uint8Array): Promise<string[]> {
  const out: string[] = [];
  const capture = hostileNamesCapture(input);
  // The capture is read from memory (report's openCapture); the file is there for report to find.
  const r = await runReport([namesFile()], { format: 'text', openCapture: () => streamOf(capture) });
  for (const e of r.errors) out.push(`report: ${e.slice(0, 200)}`);
  const expl = r.explanation;
  if (!expl) return out;
  const outputs: Rendered[] = [
    { what: 'report --format text', kind: 'text', text: r.text },
    { what: 'report --format markdown', kind: 'text', text: renderMarkdown(expl.doc) },
    { what: 'report --format json', kind: 'json', text: renderJson(expl) },
    { what: 'report --format csv', kind: 'csv', text: renderCsv(expl) },
    { what: 'report --format html', kind: 'html', text: renderHtml(expl.doc) },
    { what: 'report --format text --redact', kind: 'text', text: renderText(redactExplanation(expl).doc, { color: false }) },
    ...(r.cases ?? []).flatMap((c) => c.analyses.flatMap(certsOutputs)),
  ];
  for (const o of outputs) {
    if (o.kind === 'json') {
      try {
        JSON.parse(o.text);
      } catch (e) {
        out.push(`${o.what}: not JSON (${(e as Error).message})`);
      }
    }
    unsafe(o.what, o.kind === 'csv' ? o.text.replace(/\r\n/g, '\n') : o.text, o.kind === 'json', out);
    // The dictionary and the seeds carry an element of no HTML vocabulary: on the page it must be text.
    if (o.kind === 'html' && /<x-fuzz/i.test(o.text)) out.push(`${o.what}: a name became markup (<x-fuzz> unescaped)`);
  }
  return out;
}

// ---- the targets --------------------------------------------------------------------------------

const blindCapture = (seed: Uint8Array, rng: Prng): Uint8Array => blindCaptureMutate(seed, rng).bytes;

/** Chunk-level edits of a transcript: split, duplicate, drop, swap, turn around, cut short. */
function mutateTranscript(input: Uint8Array, rng: Prng): Uint8Array {
  const chunks = parseTranscript(input).map((c) => ({ ...c }));
  if (chunks.length === 0) return input;
  const n = rng.int(1, 3);
  for (let k = 0; k < n && chunks.length; k++) {
    const i = rng.int(0, chunks.length - 1);
    const c = chunks[i]!;
    switch (rng.int(0, 5)) {
      case 0: {
        const cut = rng.int(0, c.bytes.length);
        chunks.splice(i, 1, { dir: c.dir, bytes: c.bytes.subarray(0, cut) }, { dir: c.dir, bytes: c.bytes.subarray(cut) });
        break;
      }
      case 1:
        chunks.splice(rng.int(0, chunks.length), 0, { ...c });
        break;
      case 2:
        if (chunks.length > 1) chunks.splice(i, 1);
        break;
      case 3: {
        const j = rng.int(0, chunks.length - 1);
        [chunks[i], chunks[j]] = [chunks[j]!, c];
        break;
      }
      case 4:
        chunks[i] = { dir: (1 - c.dir) as 0 | 1, bytes: c.bytes };
        break;
      default:
        chunks[i] = { dir: c.dir, bytes: c.bytes.subarray(0, rng.int(0, c.bytes.length)) };
    }
  }
  return writeTranscript(chunks.filter((c) => c.bytes.length));
}

export const TARGETS: readonly Target[] = [
  {
    name: 'capture',
    what: 'capture reader: pcap, pcapng, gzip (readCapture)',
    maxLength: 64 * 1024,
    dictionary: CAPTURE_DICT,
    seeds: async () => [...captureSeeds(16 * 1024), ...captureSeeds(16 * 1024).slice(0, 4).map((b) => new Uint8Array(gzipSync(b)))],
    run: captureTarget,
    blind: blindCapture,
    custom: blindCapture,
  },
  {
    name: 'net',
    what: 'link/IP/TCP decoding and reassembly (scanCapture)',
    maxLength: 64 * 1024,
    dictionary: CAPTURE_DICT,
    seeds: async () => captureSeeds(16 * 1024),
    run: netTarget,
    blind: blindCapture,
    custom: blindCapture,
  },
  {
    name: 'tls',
    what: 'TLS dissector, both directions (a transcript written as one TCP connection, analyzeCapture)',
    maxLength: 48 * 1024,
    dictionary: TLS_DICT,
    seeds: () => transcriptSeeds(capturePaths(() => true).filter((p) => !p.includes('12-tls13-uc-traversal-keylog'))),
    run: async (input) => analyse(transcriptCapture(input)),
    custom: mutateTranscript,
  },
  {
    name: 'tls-keylog',
    what: "TLS dissector with scenario 12's key log (decryption of TLS 1.3 handshakes)",
    maxLength: 48 * 1024,
    dictionary: TLS_DICT,
    seeds: () => transcriptSeeds(capturePaths((n) => n.includes('vcs8c') || n.includes('smartslave')).filter((p) => p.includes('12-tls13-uc-traversal-keylog'))),
    run: async (input) => analyse(transcriptCapture(input), keyLogOfScenario()),
    custom: mutateTranscript,
  },
  {
    name: 'der',
    what: 'DER walker and the pkijs boundary (parseCertificate)',
    maxLength: 8 * 1024,
    dictionary: DER_DICT,
    seeds: async () => derSeeds(),
    run: async (input) => {
      const out: string[] = [];
      const c = parseCertificate(input);
      for (const t of [c.subject?.rfc4514, c.issuer?.rfc4514, ...(c.san?.dns ?? []), ...(c.san?.uri ?? []), ...(c.san?.email ?? []), ...c.warnings, c.error]) {
        if (t !== undefined) unsafe('escapeForDisplay', escapeForDisplay(t), false, out);
      }
      JSON.stringify(c, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
      return out;
    },
  },
  {
    name: 'pem',
    what: 'PEM loading (loadCertificates)',
    maxLength: 16 * 1024,
    dictionary: PEM_DICT,
    seeds: async () => pemSeeds().filter((b) => b.length <= 16 * 1024),
    run: async (input) => {
      const out: string[] = [];
      const r = loadCertificates(input, 'input.pem');
      for (const p of r.problems) oneLine('PEM problem', p, out);
      return out;
    },
  },
  {
    name: 'keylog',
    what: 'key log parsing (parseKeyLog, KeyLog.addText)',
    maxLength: 8 * 1024,
    dictionary: KEYLOG_DICT,
    seeds: async () => keylogSeeds(),
    run: async (input) => {
      const out: string[] = [];
      const p = parseKeyLog(input);
      const k = new KeyLog();
      k.addText(input, 'input.txt');
      const secrets = new Set(Buffer.from(input).toString('latin1').match(/[0-9a-fA-F]{32,}/g) ?? []);
      for (const pr of [...p.problems.map((x) => x.message), ...k.notes.map((n) => n.message)]) {
        oneLine('key log problem', pr, out);
        for (const s of secrets) if (pr.includes(s)) out.push(`a key log problem quotes a secret: ${JSON.stringify(pr.slice(0, 80))}`);
      }
      return out;
    },
  },
  {
    name: 'tar',
    what: 'bundle archives: tar and tar.gz (openBundle, as check-store reads and reports them)',
    maxLength: 96 * 1024,
    dictionary: TAR_DICT,
    seeds: async () => tarSeeds(),
    run: async (input) => {
      const out: string[] = [];
      const path = scratchFile('bundle.tar.gz');
      writeFileSync(path, input);
      // check-store as the command runs it (runCheckStore: openBundle, the stores, their audit, the
      // text report), without the command line around it; the archive is read once, by it.
      const r = await runCheckStore([path], { format: 'text' });
      unsafe('check-store', r.text, false, out);
      for (const e of r.errors) oneLine('check-store error', e, out);
      return out;
    },
  },
  {
    name: 'xapi',
    what: 'xconf and xstat dumps, text and XML (parseXconf, parseXstat), and logging snapshots',
    maxLength: 16 * 1024,
    dictionary: XAPI_DICT,
    seeds: async () => xapiSeeds(),
    run: async (input) => {
      const out: string[] = [];
      const x = parseXconf(input);
      const s = parseXstat(input);
      JSON.stringify([x, s], (_k, v: unknown) => (v instanceof Map ? [...v] : v));
      const logs = createLoggingSnapshotParser();
      logs.push(input);
      JSON.stringify(logs.end());
      return out;
    },
  },
  {
    name: 'render',
    what: 'the renderers given hostile certificate names (report in every format, HTML included, and certs)',
    maxLength: 2 * 1024,
    dictionary: dictionary('\u001b[31m', '\u001b]8;;https://x/\u0007', '\u001b]0;t\u0007', '\u202e', '\u2066', '\u061c', '\u009b', '\u0000', '\r\n', '|', '`', '"', ',', '=', '<script>', '<x-fuzz>', '"><x-fuzz a=', '\u200b', '\ufeff', '\ud800'),
    seeds: async () => [new TextEncoder().encode(`vcs8c.example.com\0Example Org\0Example CA\0exp.example.com\0https://x/\0sni.example`), new TextEncoder().encode(`a\u001b[31mRED\0b\u202efdp.exe\0c\u0007\0d|e\0f\r\ng\0h`), new TextEncoder().encode(`<x-fuzz>\0"><x-fuzz a='\0</td><x-fuzz>`), ...HOSTILE_PAD.map((p) => new TextEncoder().encode(`${p}x${p}\0${p}`))],
    run: renderTarget,
  },
];


export function targetNamed(n: string): Target | undefined {
  return TARGETS.find((t) => t.name === n);
}
