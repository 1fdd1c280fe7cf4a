/**
 * Hostile lengths: every declared length below is far larger than the bytes behind it, or than any
 * real capture needs. Each case must stay within bounded memory and time, and the analysis must
 * name the anomaly and the frame that carried it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/analysis/index.js';
import { DEFAULT_MAX_BLOCK } from '../../src/capture/pcapng.js';
import { DEFAULT_TLS_LIMITS } from '../../src/tls/index.js';
import { MAX_SAN_ENTRIES } from '../../src/x509/extensions.js';
import { loadCertificates, parseCertificate, toPem } from '../../src/x509/index.js';
import { bytes, ext, makeCert, seq, tlv, utf8 } from '../x509/helpers.js';
import {
  MB,
  cat,
  certificateMessage,
  cli,
  clientHelloWith,
  handshakeRecords,
  hs,
  measured,
  records,
  serverHello12,
  streamOf,
  tempDir,
  tlsCapture,
  u24,
} from './lib.js';

/** Array-buffer growth allowed: the inputs here are at most a few MB, the claims 16 MB to 4 GB. */
const BUFFERS_CAP = 8 * MB;
const HEAP_CAP = 96 * MB;
/** asn1js expands a 1.3 MB certificate into up to its node budget (250,000 nodes) before pkijs refuses it. */
const X509_HEAP_CAP = 256 * MB;
/** Generous: it guards against runaway work, not against a slow shared machine. */
const TIME_CAP_MS = 20_000;

async function analyse(bytes: Uint8Array, opts: Parameters<typeof analyzeCapture>[1] = {}) {
  const m0 = process.memoryUsage().arrayBuffers;
  let buffersPeak = 0;
  const r = await measured((tick) =>
    analyzeCapture(streamOf(bytes), {
      sourceName: 'hostile.pcap',
      ...opts,
      onFrame: () => {
        tick();
        buffersPeak = Math.max(buffersPeak, process.memoryUsage().arrayBuffers - m0);
      },
    }),
  );
  return { a: r.value, heapPeak: r.peakBytes, buffersPeak, ms: r.ms };
}

interface ReportFinding {
  readonly severity: string;
  readonly code: string;
  readonly frames: readonly number[];
  readonly title: string;
  readonly detail: string;
}

/** The findings `ekuscope report --format json` gives for a capture. */
async function reportFindings(bytes: Uint8Array, ext = '.pcap'): Promise<ReportFinding[]> {
  const r = await cli('report', tempFile(bytes, ext), '--format', 'json');
  expect([0, 1], r.err).toContain(r.code);
  return (JSON.parse(r.out) as { findings: ReportFinding[] }).findings;
}

/** The report names the anomaly as a finding with the frame that carried it. */
async function expectFinding(bytes: Uint8Array, code: string, frame: number, detail?: RegExp, ext?: string): Promise<void> {
  const findings = await reportFindings(bytes, ext);
  const f = findings.find((x) => x.code === code);
  expect(f, JSON.stringify(findings.map((x) => [x.code, x.frames]))).toBeDefined();
  expect(f!.frames).toContain(frame);
  if (detail) expect(`${f!.title} ${f!.detail}`).toMatch(detail);
}

function within(r: { heapPeak: number; buffersPeak: number; ms: number }, input: number): void {
  expect(r.buffersPeak).toBeLessThan(BUFFERS_CAP + input * 2);
  expect(r.heapPeak).toBeLessThan(HEAP_CAP + input * 2);
  expect(r.ms).toBeLessThan(TIME_CAP_MS);
}

/** A Certificate message with this body, after a ClientHello and a ServerHello, in one capture. */
function serverFlight(certificateBytes: Uint8Array, segment?: number) {
  return tlsCapture([
    { dir: 'c2s', bytes: handshakeRecords(clientHelloWith()) },
    { dir: 's2c', bytes: handshakeRecords(serverHello12()) },
    { dir: 's2c', bytes: certificateBytes, ...(segment ? { segment } : {}) },
    { fin: 's2c' },
    { fin: 'c2s' },
  ]);
}

function tenThousandDeep(): Uint8Array {
  let x = bytes(0x05, 0x00);
  for (let i = 0; i < 10_000; i++) x = tlv(0x30, x);
  return x;
}

function hundredThousandSans(): Uint8Array {
  const names: Uint8Array[] = [];
  for (let i = 0; i < 100_000; i++) names.push(tlv(0x82, utf8(`h${i}.example.com`)));
  return makeCert({ extensions: [ext('2.5.29.17', seq(new Uint8Array(Buffer.concat(names))))] });
}

describe('hostile lengths: bounded memory and time, the anomaly named with its frame', () => {
  it('a handshake message claiming 16 MB (2^24 − 1) keeps at most the message limit and says so at its frame', async () => {
    // The record layer caps a record at 2^14 bytes (RFC 5246 §6.2): the 16 MB claim is the handshake
    // header's u24, followed by 320 KiB of records that never complete it.
    const claim = cat([11], u24(0xffffff), new Uint8Array(320 * 1024).fill(0x41));
    const cap = serverFlight(records(22, claim));
    const r = await analyse(cap.bytes);
    within(r, cap.bytes.length);
    const s = r.a.sessions[0]!;
    const an = s.tls.anomalies.find((x) => x.code === 'message-too-long');
    expect(an, JSON.stringify(s.tls.anomalies)).toBeDefined();
    expect(an!.message).toMatch(/16777215 bytes/);
    // The frame that carried the header: the first segment of the third step.
    expect(an!.frame).toBeGreaterThan(cap.frames[1]!);
    expect(an!.frame).toBeLessThanOrEqual(cap.frames[2]!);
    const m = s.tls.messages.find((x) => x.kind === 'handshake' && x.type === 11);
    expect(m && m.kind === 'handshake' && m.truncated).toBe(true);
    expect(m && m.kind === 'handshake' && m.bytes.length).toBeLessThanOrEqual(DEFAULT_TLS_LIMITS.maxMessageBytes);
    await expectFinding(cap.bytes, 'tls-message-too-long', an!.frame, /16777215 bytes/);
  });

  it('a TLS record header claiming 65,535 bytes (over the 18,432-byte record limit) is never buffered: record-too-long at its frame', async () => {
    const hostile = cat([22, 3, 3, 0xff, 0xff], new Uint8Array(4000).fill(0x16));
    const cap = serverFlight(hostile);
    const r = await analyse(cap.bytes);
    within(r, cap.bytes.length);
    const an = r.a.sessions[0]!.tls.anomalies.find((x) => x.code === 'record-too-long');
    expect(an).toBeDefined();
    expect(an!.message).toMatch(/65535 bytes/);
    expect(an!.frame).toBe(cap.frames[1]! + 2); // the ACK of the ServerHello, then this segment
    await expectFinding(cap.bytes, 'tls-record-too-long', an!.frame, /65535 bytes/);
  });

  it('a Certificate whose certificate_list claims 2^24 − 1 bytes is malformed, named at its frame, nothing allocated', async () => {
    const body = cat(u24(0xffffff), u24(3000), new Uint8Array(3000).fill(0x30));
    const cap = serverFlight(handshakeRecords(hs(11, body)));
    const r = await analyse(cap.bytes);
    within(r, cap.bytes.length);
    const s = r.a.sessions[0]!;
    const an = s.tls.anomalies.find((x) => x.code === 'malformed-message');
    expect(an, JSON.stringify(s.tls.anomalies)).toBeDefined();
    expect(an!.message).toMatch(/certificate_list length 16777215 exceeds message length/);
    expect(an!.frame).toBe(cap.frames[2]);
    expect(s.certificateMessages).toHaveLength(0);
    await expectFinding(cap.bytes, 'tls-malformed-message', an!.frame, /certificate_list length 16777215/);
  });

  it('a Certificate message claiming 2^24 − 1 bytes for itself and its one certificate: message-too-long, truncated, no certificate invented', async () => {
    const claim = cat([11], u24(0xffffff), u24(0xfffffc), u24(0xfffff9), new Uint8Array(64 * 1024).fill(0x30));
    const cap = serverFlight(records(22, claim));
    const r = await analyse(cap.bytes);
    within(r, cap.bytes.length);
    const s = r.a.sessions[0]!;
    expect(s.tls.anomalies.map((x) => x.code)).toContain('message-too-long');
    expect(s.certificateMessages.flatMap((m) => m.certificates)).toHaveLength(0);
    const res = await cli('certs', tempFile(cap.bytes));
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/0 certificates in 1 TLS sessions/);
    await expectFinding(cap.bytes, 'tls-message-too-long', s.tls.anomalies.find((x) => x.code === 'message-too-long')!.frame, /16777215 bytes/);
  });

  it('a pcapng block claiming 4 GB: reading stops there with its byte offset, the frames before it are analysed', async () => {
    const good = tlsCapture([{ dir: 'c2s', bytes: handshakeRecords(clientHelloWith()) }, { dir: 's2c', bytes: handshakeRecords(serverHello12()) }], { format: 'pcapng' });
    const block = Buffer.alloc(64);
    block.writeUInt32LE(6, 0);
    block.writeUInt32LE(0xfffffffc, 4);
    const file = cat(good.bytes, block);
    const r = await analyse(file);
    within(r, file.length);
    const p = r.a.capture.problems.find((x) => x.severity === 'fatal');
    expect(p).toBeDefined();
    expect(p!.fileOffset).toBe(good.bytes.length);
    expect(p!.message).toBe(`block at byte offset ${good.bytes.length} claims 4294967292 bytes (limit ${DEFAULT_MAX_BLOCK}): the file is damaged from here`);
    expect(p!.frame).toBe(good.frames[1]! + 1);
    expect(r.a.capture.frames).toBe(good.frames[1]! + 1);
    expect(r.a.sessions).toHaveLength(1);
    expect(r.a.sessions[0]!.tls.messages.map((m) => m.kind === 'handshake' && m.type)).toEqual([1, 2]);
    const res = await cli('flows', tempFile(file, '.pcapng'));
    expect(res.out).toContain(`error: block at byte offset ${good.bytes.length} claims 4294967292 bytes`);
    await expectFinding(file, 'capture-cut', good.frames[1]! + 1, new RegExp(`block at byte offset ${good.bytes.length} claims 4294967292 bytes`), '.pcapng');
  });

  it('a pcap record claiming 2 GB: reading stops there with its byte offset and record number, the frames before it are analysed', async () => {
    const good = tlsCapture([{ dir: 'c2s', bytes: handshakeRecords(clientHelloWith()) }, { dir: 's2c', bytes: handshakeRecords(serverHello12()) }]);
    const rec = Buffer.alloc(16 + 100);
    rec.writeUInt32LE(1_780_000_100, 0);
    rec.writeUInt32LE(0x80000000, 8);
    rec.writeUInt32LE(0x80000000, 12);
    const file = cat(good.bytes, rec);
    const r = await analyse(file);
    within(r, file.length);
    const p = r.a.capture.problems.find((x) => x.severity === 'fatal');
    const n = good.frames[1]! + 1;
    expect(p!.message).toMatch(new RegExp(`^record ${n + 1} at byte offset ${good.bytes.length} claims 2147483648 captured bytes \\(limit \\d+\\): the file is damaged from here; ${n} frames were read$`));
    expect(p!.fileOffset).toBe(good.bytes.length);
    expect(p!.frame).toBe(n);
    expect(r.a.capture.frames).toBe(n);
    expect(r.a.sessions[0]!.tls.messages).toHaveLength(2);
    const res = await cli('certs', tempFile(file));
    expect(res.err).toContain(`record ${n + 1} at byte offset ${good.bytes.length} claims 2147483648 captured bytes`);
    await expectFinding(file, 'capture-cut', n, new RegExp(`record ${n + 1} at byte offset ${good.bytes.length} claims 2147483648 captured bytes`));
  });

  it('a certificate nested 10,000 deep in ASN.1: refused before any recursive decoder sees it, listed with its frame', async () => {
    const deep = tenThousandDeep();
    const cap = serverFlight(handshakeRecords(certificateMessage(deep)));
    const r = await analyse(cap.bytes);
    within(r, cap.bytes.length);
    const s = r.a.sessions[0]!;
    const ref = s.serverCertificates[0]!;
    expect(ref.frame).toBe(cap.frames[2]);
    expect(r.a.pool.get(ref.id)!.error).toMatch(/nested deeper than 32 levels/);
    const res = await cli('certs', tempFile(cap.bytes));
    expect(res.out).toMatch(new RegExp(`frame ${cap.frames[2]} server cert 0: serial \\?\\n    undecodable: .*nested deeper than 32 levels`));
    await expectFinding(cap.bytes, 'cert-undecodable', cap.frames[2]!, /nested deeper than 32 levels/);
  });

  it('a certificate with 100,000 SANs in a capture: over the message limit it is named, not decoded, at its frame', async () => {
    const der = hundredThousandSans();
    expect(der.length).toBeGreaterThan(DEFAULT_TLS_LIMITS.maxMessageBytes);
    const cap = serverFlight(handshakeRecords(certificateMessage(der)));
    const r = await analyse(cap.bytes);
    within(r, cap.bytes.length);
    const s = r.a.sessions[0]!;
    const an = s.tls.anomalies.find((x) => x.code === 'message-too-long');
    expect(an).toBeDefined();
    expect(an!.frame).toBeGreaterThan(cap.frames[1]!);
    expect(an!.frame).toBeLessThanOrEqual(cap.frames[2]!);
    expect(s.certificateMessages[0]?.truncated ?? true).toBe(true);
    await expectFinding(cap.bytes, 'tls-message-too-long', an!.frame);
  });

  it('a certificate with 100,000 SANs under a raised message limit: decoded up to the SAN cap in bounded time, the true count kept', async () => {
    const der = hundredThousandSans();
    const cap = serverFlight(handshakeRecords(certificateMessage(der)));
    const r = await analyse(cap.bytes, { tlsLimits: { maxMessageBytes: 4 * MB } });
    within(r, cap.bytes.length);
    const c = r.a.pool.get(r.a.sessions[0]!.serverCertificates[0]!.id)!;
    expect(c.error).toBeUndefined();
    expect(c.san!.total).toBe(100_000);
    expect(c.san!.dns).toHaveLength(MAX_SAN_ENTRIES);
    expect(c.warnings.join(' ')).toMatch(/100000 names/);
  });

  it('a certificate with 100,000 SANs in a PEM file: loaded in bounded time with the cap and a warning', async () => {
    const der = hundredThousandSans();
    const r = await measured(() => loadCertificates(new TextEncoder().encode(toPem(der)), 'big.pem'));
    expect(r.ms).toBeLessThan(TIME_CAP_MS);
    expect(r.peakBytes).toBeLessThan(X509_HEAP_CAP);
    expect(r.value.certificates[0]!.san!.total).toBe(100_000);
    expect(parseCertificate(der).san!.truncated).toBe(true);
  });
});

const temp = tempDir();
let n = 0;
function tempFile(bytes: Uint8Array, ext = '.pcap'): string {
  return temp.file(`case${++n}${ext}`, bytes);
}
afterAll(() => temp.cleanup());
