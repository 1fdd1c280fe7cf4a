/**
 * Terminal safety: strings that come from a capture, a PEM file or a bundle's file names carry
 * ANSI colour, OSC 8 hyperlinks, OSC 0 title changes, BEL, NUL, C1 controls and bidi overrides and
 * isolates. No raw escape, control or bidi character from them may reach text or Markdown output,
 * in the renderers or in any CLI command; JSON output escapes by JSON's rules, so that JSON.parse
 * gives back exactly the string the model holds.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeCapture, type Analysis } from '../../src/analysis/index.js';
import { safeText } from '../../src/bytes/index.js';
import type { Doc } from '../../src/narrate/doc.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderText } from '../../src/report/text.js';
import { escapeForDisplay, parseCertificate, toPem } from '../../src/x509/index.js';
import { tarGzBytes } from '../expressway/tarWriter.js';
import { ALL, HOSTILE, SNI, clientCert, hostileCapture, serverCerts } from './hostile-data.js';
import { cli, firstUnsafe, RAW_UNSAFE, RAW_UNSAFE_JSON, streamOf, tempDir } from './lib.js';

const capture = hostileCapture(SNI);
const temp = tempDir();
afterAll(() => temp.cleanup());

/**
 * Fails with where the first unsafe character is. CSV's CRLF line ends are allowed; JSON is held to
 * JSON's rules (every control character escaped; bidi characters are legal JSON text).
 */
function expectSafe(what: string, text: string, format: 'text' | 'csv' | 'json' = 'text'): void {
  const bad = firstUnsafe(format === 'csv' ? text.replace(/\r\n/g, '\n') : text, false, format === 'json' ? RAW_UNSAFE_JSON : RAW_UNSAFE);
  expect(bad, `${what}: raw ${bad}`).toBeUndefined();
}

/** Every string the model holds that came from the hostile inputs. */
function modelStrings(a: Analysis): string[] {
  const out: string[] = [];
  for (const s of a.sessions) {
    if (s.sni) out.push(s.sni);
    for (const m of s.certificateMessages)
      for (const r of m.certificates) {
        const c = a.pool.get(r.id)!;
        out.push(c.subject!.rfc4514, c.issuer!.rfc4514, ...c.san!.dns, ...c.san!.uri, ...c.san!.email);
      }
    for (const n of s.certificateRequest?.caNames ?? []) out.push(n.text);
  }
  return out;
}

describe('the hostile inputs are what they claim to be', () => {
  it('the certificates decode with the raw characters in the model (escaping is the printers’ job)', async () => {
    const a = await analyzeCapture(streamOf(capture.bytes), { sourceName: 'hostile.pcap' });
    const strings = modelStrings(a).join('\n');
    for (const v of ALL) expect(strings).toContain(v);
    expect(a.sessions[0]!.certificateRequest!.caNames).toHaveLength(ALL.length);
    // SNI bytes are made printable by the TLS decoder already (\xNN for anything not printable ASCII).
    expect(a.sessions[0]!.sni).toBe('a\\x1b[31mRED\\x1b[0m\\x1b]0;owned\\x07invoice\\xe2\\x80\\xaefdp.exe.example');
  });
});

describe('renderers', () => {
  const s = ALL.join(' | ');
  const doc: Doc = {
    title: `Title ${s}`,
    blocks: [
      {
        kind: 'section',
        title: `Section ${s}`,
        blocks: [
          { kind: 'paragraph', content: [s, { kind: 'strong', text: s }, { kind: 'em', text: s }, { kind: 'code', text: s }, { kind: 'frames', frames: [1, 2, 3] }, { kind: 'severity', severity: 'error' }] },
          { kind: 'list', items: [[s], [{ kind: 'code', text: s }]] },
          { kind: 'kv', pairs: [[s, [s]]] },
          { kind: 'table', columns: [s, 'b'], rows: [[[s], [{ kind: 'strong', text: s }]]] },
          // Rule ids and codes are ekuscope's own (the rule book); everything else in a finding can quote data.
          { kind: 'findings', findings: [{ severity: 'error', rule: 'T5', code: 'hostile', frames: [4], title: s, detail: s, fix: s, session: 1 }] },
          { kind: 'ladder', left: s, right: s, steps: [{ from: 'left', label: s, frame: 5, note: s, tone: 'bad' }, { from: 'right', label: s, frame: 6 }] },
          { kind: 'code', text: `${s}\n${s}` },
        ],
      },
    ],
  };

  it('text without colour: nothing raw', () => expectSafe('renderText', renderText(doc, { color: false, width: 80 })));
  it('text with colour: only the renderer’s own SGR sequences', () => {
    const out = renderText(doc, { color: true, width: 80 });
    expect(out).toContain('\u001b[31m'); // its own red for the error symbol
    expectSafe('renderText --color', out.replace(/\u001b\[[0-9;]*m/g, ''));
    // None of the hostile sequences survives, even as "its own" SGR: the data's ESC is escaped.
    expect(out).not.toContain(HOSTILE.sgr);
  });
  it('Markdown: nothing raw, and no link or HTML made from the data', () => {
    const out = renderMarkdown(doc);
    expectSafe('renderMarkdown', out);
    expect(out).not.toMatch(/\]\(https?:/);
    expect(out).not.toMatch(/<[a-z]/i);
  });
  it('safeText and the x509 display escape cover the same bidi controls (U+061C ALM, U+200E/F, U+202A-E, U+2066-9)', () => {
    for (const c of ['\u061c', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069']) {
      expect(firstUnsafe(safeText(`x${c}y`)), `safeText U+${c.charCodeAt(0).toString(16)}`).toBeUndefined();
      expect(firstUnsafe(escapeForDisplay(`x${c}y`)), `escapeForDisplay U+${c.charCodeAt(0).toString(16)}`).toBeUndefined();
    }
  });
});

describe('CLI on a capture with hostile certificates, SNI and CA names', () => {
  const path = temp.file('hostile.pcap', capture.bytes);

  it('flows and certs, text: nothing raw on either stream', async () => {
    for (const args of [['flows', path], ['certs', path]]) {
      const r = await cli(...args);
      expectSafe(`${args[0]} stdout`, r.out);
      expectSafe(`${args[0]} stderr`, r.err);
    }
    const r = await cli('certs', path);
    expect(r.out).toContain('\\x1b[31mRED');
  });

  it('certs --format json: JSON.parse gives back exactly the model’s strings, and no raw character reaches the terminal', async () => {
    const a = await analyzeCapture(path);
    const r = await cli('certs', path, '--format', 'json');
    // Beyond JSON's rules: C1 and bidi characters are written as \u escapes too.
    expectSafe('certs json', r.out);
    const rows = JSON.parse(r.out) as { subject: string; issuer: string }[];
    const want = a.sessions[0]!.certificateMessages.flatMap((m) => m.certificates.map((c) => a.pool.get(c.id)!));
    expect(rows.map((x) => x.subject)).toEqual(want.map((c) => c.subject!.rfc4514));
    expect(rows.map((x) => x.issuer)).toEqual(want.map((c) => c.issuer!.rfc4514));
  });

  it('report in text, Markdown, CSV and HTML: nothing raw; JSON: parses, nothing raw, the model’s strings round-trip', async () => {
    for (const format of ['text', 'markdown', 'csv', 'json', 'html']) {
      const r = await cli('report', path, '--format', format);
      expect([0, 1]).toContain(r.code);
      expectSafe(`report ${format}`, r.out, format as 'text' | 'csv' | 'json');
      expectSafe(`report ${format} stderr`, r.err);
      if (format === 'json') {
        const text = JSON.stringify(JSON.parse(r.out));
        for (const c of [...serverCerts, clientCert].map((d) => parseCertificate(d))) expect(text).toContain(JSON.stringify(c.subject!.rfc4514));
      }
    }
  });
});

describe('CLI on a bundle whose file names carry escape sequences', () => {
  const host = `ho${HOSTILE.sgr}st${HOSTILE.rlo}`;
  const ts = '2026-03-24_11_55_47';
  const key = '-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\n-----END PRIVATE KEY-----\n';
  const files: Record<string, Uint8Array | string> = {
    [`eth0_diagnostic_logging_tcpdump00_${host}_${ts}.pcap`]: capture.bytes,
    [`client_${host}_${ts}.pem`]: toPem(clientCert) + key,
    [`server_${host}_${ts}.pem`]: toPem(serverCerts[0]!),
    [`ca_${host}_${ts}.pem`]: toPem(serverCerts[1]!),
    [`notes${HOSTILE.title}${HOSTILE.sgr}${HOSTILE.rlo}.txt`]: 'x',
  };

  const folder = join(temp.dir, 'bundle-folder');
  mkdirSync(folder);
  for (const [n, b] of Object.entries(files)) writeFileSync(join(folder, n), b);
  const archive = temp.file('bundle.tar.gz', tarGzBytes([...Object.entries(files).map(([n, b]) => ({ name: `b/${n}`, data: b })), { name: `b/${HOSTILE.clear}../../evil`, data: 'x' }, { name: `/abs/${HOSTILE.bel}`, data: 'x' }]));

  for (const [label, path] of [
    ['folder', folder],
    ['.tar.gz', archive],
  ] as const) {
    it(`report (${label}) in every format: nothing raw on either stream`, async () => {
      for (const format of ['text', 'markdown', 'csv', 'json', 'html']) {
        const r = await cli('report', path, '--format', format);
        expect([0, 1], r.err).toContain(r.code);
        expectSafe(`report ${label} ${format}`, r.out, format as 'text' | 'csv' | 'json');
        expectSafe(`report ${label} ${format} stderr`, r.err);
        if (format === 'json') JSON.parse(r.out);
      }
    });
  }

  it('flows and certs on a capture whose own file name carries escape sequences: nothing raw', async () => {
    const p = join(folder, `eth0_diagnostic_logging_tcpdump00_${host}_${ts}.pcap`);
    for (const args of [['flows', p], ['certs', p], ['certs', p, '--format', 'json'], ['flows', p, '--format', 'json']]) {
      const r = await cli(...args);
      expectSafe(`${args.slice(0, 1).concat(args.slice(2)).join(' ')} stdout`, r.out);
      expectSafe(`${args.slice(0, 1).concat(args.slice(2)).join(' ')} stderr`, r.err);
    }
  });
});
