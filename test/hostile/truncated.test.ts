/**
 * Truncated and corrupt files: everything before the damage is analysed and reported, and the
 * error says where (byte offset, frame) and what. The expectations are computed from the files
 * themselves: which records lie wholly before the cut, what a lenient gunzip can recover.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/analysis/index.js';
import { openBundle } from '../../src/expressway/index.js';
import { parseLayout, wholeRecords } from '../../scripts/fuzz/layout.js';
import { capturesDir } from '../helpers/corpus.js';
import { tarGzBytes } from '../expressway/tarWriter.js';
import { cli, streamOf, tempDir } from './lib.js';

const SCENARIO = join(capturesDir, '01-webex-client-cert');
const PCAP = readdirSync(SCENARIO).find((n) => n.endsWith('.pcap'))!;
const pcapBytes = new Uint8Array(readFileSync(join(SCENARIO, PCAP)));
const pcapngBytes = new Uint8Array(readFileSync(join(capturesDir, 'variants', '01-webex-client-cert.pcapng')));

const temp = tempDir();
afterAll(() => temp.cleanup());

/** Everything a lenient gunzip gets out of a damaged stream (no end-of-file or checksum errors). */
function recoverable(gz: Uint8Array): Uint8Array {
  return new Uint8Array(gunzipSync(gz, { finishFlush: constants.Z_SYNC_FLUSH }));
}

/** `ekuscope report --format json` names the damage as a finding with this code, quoting the reader's message. */
async function expectReportFinding(path: string, code: string, text: string): Promise<void> {
  const r = await cli('report', path, '--format', 'json');
  const findings = (JSON.parse(r.out) as { findings: { code: string; detail: string }[] }).findings;
  expect(findings.filter((f) => f.code === code).map((f) => f.detail).join('\n')).toContain(text);
}

async function analyse(bytes: Uint8Array) {
  return analyzeCapture(streamOf(bytes), { sourceName: 'cut' });
}

describe('truncated pcap', () => {
  for (const frac of [0.31, 0.5, 0.77]) {
    it(`cut inside a record at ${Math.round(frac * 100)}% : earlier frames analysed, the error names the record and its byte offset`, async () => {
      const n = Math.floor(pcapBytes.length * frac);
      const cut = pcapBytes.slice(0, n);
      const expect_ = wholeRecords(pcapBytes, n);
      const a = await analyse(cut);
      expect(a.capture.frames).toBe(expect_.frames);
      const p = a.capture.problems.find((x) => x.severity === 'fatal')!;
      expect(p.message).toMatch(new RegExp(`^the file ends inside record ${expect_.frames + 1} at byte offset ${expect_.cutAt}: ${n - expect_.cutAt} bytes where (a 16-byte record header|\\d+ bytes) were expected \\(capture cut short\\)$`));
      expect(p.fileOffset).toBe(expect_.cutAt);
      expect(p.frame).toBe(expect_.frames);
      expect(a.sessions.length).toBeGreaterThan(0);
      const path = temp.file(`cut${n}.pcap`, cut);
      const flows = await cli('flows', path);
      expect(flows.out).toContain(`error: the file ends inside record ${expect_.frames + 1} at byte offset ${expect_.cutAt}`);
      const certs = await cli('certs', path);
      expect(certs.err).toContain(`the file ends inside record ${expect_.frames + 1} at byte offset ${expect_.cutAt}`);
      await expectReportFinding(path, 'capture-cut', `the file ends inside record ${expect_.frames + 1} at byte offset ${expect_.cutAt}`);
    });
  }

  it('cut inside the 24-byte file header: says so, nothing invented', async () => {
    const a = await analyse(pcapBytes.slice(0, 20));
    expect(a.capture.frames).toBe(0);
    expect(a.capture.problems[0]!.message).toBe('the file ends inside the 24-byte pcap header (20 bytes)');
  });

  it('cut inside a record header: the record number and offset are named', async () => {
    const { cutAt, frames } = wholeRecords(pcapBytes, Math.floor(pcapBytes.length / 2));
    const a = await analyse(pcapBytes.slice(0, cutAt + 7));
    expect(a.capture.frames).toBe(frames);
    expect(a.capture.problems[0]!.message).toBe(`the file ends inside record ${frames + 1} at byte offset ${cutAt}: 7 bytes where a 16-byte record header were expected (capture cut short)`);
  });
});

describe('truncated and corrupt pcapng', () => {
  it('cut inside a block: earlier frames analysed, the block offset named', async () => {
    const n = Math.floor(pcapngBytes.length * 0.6);
    const w = wholeRecords(pcapngBytes, n);
    const a = await analyse(pcapngBytes.slice(0, n));
    expect(a.capture.frames).toBe(w.frames);
    const p = a.capture.problems.find((x) => x.severity === 'fatal')!;
    expect(p.message).toBe(`the file ends inside a block at byte offset ${w.cutAt} (${n - w.cutAt} bytes left over): capture cut short`);
    expect(p.frame).toBe(w.frames);
  });

  it("a block whose two length fields disagree: reading stops there, with the offset and both lengths", async () => {
    const l = parseLayout(pcapngBytes)!;
    const { cutAt, frames } = wholeRecords(pcapngBytes, Math.floor(pcapngBytes.length / 2));
    const bad = pcapngBytes.slice();
    const dv = new DataView(bad.buffer);
    const len = dv.getUint32(cutAt + 4, l.le);
    dv.setUint32(cutAt + len - 4, len + 4, l.le);
    const a = await analyse(bad);
    expect(a.capture.frames).toBe(frames);
    expect(a.capture.problems[0]!.message).toBe(`block at byte offset ${cutAt}: its two length fields disagree (${len} and ${len + 4})`);
  });
});

describe('truncated and corrupt gzip', () => {
  const gzPcap = new Uint8Array(gzipSync(pcapBytes));
  const gzPcapng = new Uint8Array(gzipSync(pcapngBytes));

  for (const [label, gz, plain] of [
    ['pcap', gzPcap, pcapBytes],
    ['pcapng', gzPcapng, pcapngBytes],
  ] as const) {
    for (const frac of [0.2, 0.5, 0.9, 0.999]) {
      it(`${label}.gz cut at ${(frac * 100).toFixed(1)}% of the compressed stream: what decompresses is analysed; the error says gzip, cut short, and where`, async () => {
        const cut = gz.slice(0, Math.floor(gz.length * frac));
        const got = recoverable(cut);
        const w = wholeRecords(plain, got.length);
        const a = await analyse(cut);
        expect(a.capture.gzip).toBe(true);
        expect(a.capture.frames).toBe(w.frames);
        const p = a.capture.problems.find((x) => x.severity === 'fatal');
        expect(p, JSON.stringify(a.capture.problems)).toBeDefined();
        expect(p!.message).toMatch(/gzip stream .*cut short/);
        expect(p!.message).toContain(`after ${w.frames} frames`);
        expect(p!.message).toMatch(/byte offset \d+/);
        expect(p!.frame).toBe(w.frames);
        const file = temp.file(`cut-${label}-${frac}.gz`, cut);
        const out = await cli('flows', file);
        expect(out.out).toMatch(/error: .*gzip stream .*cut short/);
        await expectReportFinding(file, 'capture-cut', `after ${w.frames} frames`);
      });
    }
  }

  it('a corrupt gzip checksum: the capture is still analysed and the corruption reported', async () => {
    const bad = gzPcap.slice();
    bad[bad.length - 6]! ^= 0xff; // CRC-32 in the trailer (RFC 1952 §2.3.1)
    const a = await analyse(bad);
    expect(a.capture.frames).toBe(wholeRecords(pcapBytes, pcapBytes.length).frames);
    expect(a.capture.problems.map((p) => p.message).join('\n')).toMatch(/gzip stream is corrupt/);
  });

  it('a gzip stream cut before any capture bytes: refused in one line that says why', async () => {
    const r = await cli('flows', temp.file('tiny.pcap.gz', gzPcap.slice(0, 12)));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^ekuscope: .*gzip stream .*cut short/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});

describe('truncated bundles (.tar.gz)', () => {
  const files = readdirSync(SCENARIO)
    .filter((n) => n !== 'README.md')
    .sort();
  const tgz = new Uint8Array(tarGzBytes(files.map((name) => ({ name: `bundle/${name}`, data: readFileSync(join(SCENARIO, name)) }))));

  for (const frac of [0.25, 0.5, 0.75, 0.98]) {
    it(`cut at ${Math.round(frac * 100)}%: entries before the cut are listed and read, the problem names the offset`, async () => {
      const cut = tgz.slice(0, Math.floor(tgz.length * frac));
      const tar = recoverable(cut);
      // Entries whose data lies wholly inside what decompresses.
      let off = 0;
      const whole: string[] = [];
      for (const name of files) {
        const size = readFileSync(join(SCENARIO, name)).length;
        const end = off + 512 + Math.ceil(size / 512) * 512;
        if (off + 512 + size <= tar.length) whole.push(name);
        off = end;
      }
      const path = temp.file(`bundle-${frac}.tar.gz`, cut);
      const set = await openBundle(path);
      const listed = set.bundles.flatMap((b) => b.files.map((f) => f.name));
      for (const name of whole) expect(listed, name).toContain(name);
      const p = [...set.problems, ...set.bundles.flatMap((b) => b.problems)].find((x) => x.severity === 'error');
      expect(p, JSON.stringify(set.problems)).toBeDefined();
      expect(p!.message).toMatch(/gzip stream ends early: data stops at offset \d+|archive ends inside|ends at offset/);
      expect(p!.offset).toBeGreaterThan(0);
      const report = await cli('report', path);
      expect(report.out).toMatch(/gzip stream ends early: data stops at offset \d+|archive ends inside|ends at offset/);
      // A small file read whole is usable; one cut is reported and not used.
      for (const b of set.bundles) {
        for (const f of b.files.filter((x) => x.kind.endsWith('-pem'))) {
          if (whole.includes(f.name)) expect(f.bytes, f.name).toBeDefined();
          else expect(f.bytes).toBeUndefined();
        }
      }
    });
  }
});
