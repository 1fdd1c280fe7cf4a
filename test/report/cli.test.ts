import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { runCheckStore, runReport } from '../../src/cli/report.js';
import { renderCsv } from '../../src/report/csv.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderText } from '../../src/report/text.js';
import type { Explanation } from '../../src/narrate/explanation.js';
import { capturesDir } from '../helpers/corpus.js';
import { pcapFile } from '../helpers/frames.js';

const S05 = join(capturesDir, '05-uc-traversal-eku-on-failed');
const S01 = join(capturesDir, '01-webex-client-cert');
const tmp = mkdtempSync(join(tmpdir(), 'ekuscope-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(args: string[], color = false) {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => void (out += t), err: (t) => void (err += t), color });
  return { code, out, err };
}

describe('ekuscope report (CLI)', () => {
  it('exit 1 when a handshake failed, 0 when all is well, 2 on usage errors', async () => {
    expect((await cli(['report', S05])).code).toBe(1);
    expect((await cli(['report', S01])).code).toBe(0);
    const bad = await cli(['report', '--format', 'xml', S01]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--format must be one of text, markdown, json, csv/);
    expect((await cli(['report', join(tmp, 'missing.pcap')])).code).toBe(2);
    expect((await cli(['report', S01, '--store', 'nonsense'])).code).toBe(2);
    expect((await cli(['report', S01, '--expressway', 'not-an-ip'])).code).toBe(2);
    expect((await cli(['report', '--no-such-option', S01])).code).toBe(2);
  });
  it('colour only when the caller allows it (a terminal without NO_COLOR), never into --out', async () => {
    expect((await cli(['report', S05], true)).out).toMatch(/\x1b\[/);
    expect((await cli(['report', S05], false)).out).not.toMatch(/\x1b\[/);
    const file = join(tmp, 'r.txt');
    const r = await cli(['report', S05, '--out', file], true);
    expect(r.out).toBe('');
    expect(readFileSync(file, 'utf8')).not.toMatch(/\x1b\[/);
    expect(readFileSync(file, 'utf8')).toMatch(/unsupported_certificate/);
  });
  it('--format json is the versioned model', async () => {
    const r = await cli(['report', S05, '--format', 'json']);
    const j = JSON.parse(r.out);
    expect(j.schema).toBe('ekuscope.report/1');
    expect(j.sessions[0].alerts[0]).toMatchObject({ from: 'server', frame: 14, level: 'fatal', description: 'unsupported_certificate', encrypted: false });
    expect(j.sessions[0].expressway).toContainEqual(expect.objectContaining({ box: 'vcs8c', role: 'client', storePresented: 'client' }));
  });
  it('--expressway and --store work on a bare capture', async () => {
    const pcap = join(S05, 'vcs8c', 'eth0_diagnostic_logging_tcpdump00_vcs8c_2026-03-29_07_05_33.pcap');
    const client = join(S05, 'vcs8c', 'client_vcs8c_2026-03-29_07_05_33.pem');
    // One --expressway: the --store files are that box's.
    const r = await runReport([pcap], { format: 'json', expressway: ['10.106.80.16=Expressway-C'], stores: [`client=${client}`] });
    const s = (r.explanation!.json as { sessions: { client: { box: string; edition: string }; server: { box: string | null }; expressway: { storePresented: string }[] }[] }).sessions[0]!;
    expect(s.client).toMatchObject({ box: 'Expressway-C', edition: 'expressway-c' });
    expect(s.server.box).toBeNull();
    expect(s.expressway[0]!.storePresented).toBe('client');
    expect(r.exitCode).toBe(1);
    // Two of them: both named, with the edition their names give.
    const two = await runReport([pcap], { format: 'json', expressway: ['10.106.80.16=Expressway-C', '10.106.80.31=Expressway-E'] });
    const t = (two.explanation!.json as { sessions: { server: { edition: string } }[] }).sessions[0]!;
    expect(t.server.edition).toBe('expressway-e');
  });
  it('--store client@BOX=FILE binds stores to one of several --expressway boxes', async () => {
    const pcap = join(S05, 'vcs8c', 'eth0_diagnostic_logging_tcpdump00_vcs8c_2026-03-29_07_05_33.pcap');
    const c = (f: string) => join(S05, 'vcs8c', f);
    const e = (f: string) => join(S05, 'smartslave', f);
    const r = await runReport([pcap], {
      format: 'json',
      expressway: ['10.106.80.16=Expressway-C', '10.106.80.31=Expressway-E'],
      stores: [`client@Expressway-C=${c('client_vcs8c_2026-03-29_07_05_33.pem')}`, `server@10.106.80.31=${e('server_smartslave_2026-03-29_07_05_41.pem')}`, `ca@Expressway-E=${e('ca_smartslave_2026-03-29_07_05_41.pem')}`],
    });
    expect(r.errors).toEqual([]);
    type S = { client: { box: string }; server: { box: string }; expressway: { box: string; role: string; storePresented: string }[] };
    const s = (r.explanation!.json as { sessions: S[] }).sessions[0]!;
    expect(s.client.box).toBe('Expressway-C');
    expect(s.server.box).toBe('Expressway-E');
    // Each box's presented certificate found in the store bound to it.
    expect(s.expressway).toContainEqual(expect.objectContaining({ box: 'Expressway-C', role: 'client', storePresented: 'client' }));
    expect(s.expressway).toContainEqual(expect.objectContaining({ box: 'Expressway-E', role: 'server', storePresented: 'server' }));
    // Unbound, the same files cannot be told apart by box: they become a box of their own.
    const unbound = await runReport([pcap], { format: 'text', expressway: ['10.106.80.16=Expressway-C', '10.106.80.31=Expressway-E'], stores: [`client=${c('client_vcs8c_2026-03-29_07_05_33.pem')}`] });
    expect(unbound.text.replace(/\s+/g, ' ')).toMatch(/bind them to a box with --store client@NAME=FILE/);
    // A box nobody named: said so, and the stores still used.
    const unknown = await runReport([pcap], { format: 'text', stores: [`client@vcs-x=${c('client_vcs8c_2026-03-29_07_05_33.pem')}`] });
    const flat = unknown.text.replace(/\s+/g, ' ');
    expect(flat).toMatch(/--store files for vcs-x: no box of that name or address/);
    expect(flat).toMatch(/Expressway vcs-x recognised by the certificate it presented/);
    // A file name with @ and = in it is taken as it is.
    const odd = await cli(['report', pcap, '--store', 'client@Expressway-C=/no/such/dir/a@b=c.pem', '--expressway', '10.106.80.16=Expressway-C']);
    expect(odd.out.replace(/\s+/g, ' ')).toMatch(/a@b=c\.pem: cannot be read/);
  });
  it('--store alone recognises the box by the certificate it presents', async () => {
    const pcap = join(S05, 'vcs8c', 'eth0_diagnostic_logging_tcpdump00_vcs8c_2026-03-29_07_05_33.pcap');
    const r = await runReport([pcap], { format: 'text', stores: [`client=${join(S05, 'vcs8c', 'client_vcs8c_2026-03-29_07_05_33.pem')}`] });
    expect(r.text).toMatch(/recognised by the certificate it presented/);
  });
  it('runReport gives the session count the benchmark reads', async () => {
    const r = await runReport([S05], { format: 'json', quiet: true });
    expect(r).toMatchObject({ sessions: 1, exitCode: 1, text: '' });
  });
});

describe('--redact', () => {
  it('replaces addresses and host names consistently in every format', async () => {
    for (const format of ['text', 'markdown', 'json', 'csv'] as const) {
      const r = await runReport([S05], { format, redact: true });
      for (const secret of ['10.106.80.31', '10.106.80.16', 'smartslave', 'vcs8c', 'vikdutta.com', 'cluster.s.com']) expect(r.text, `${format}: ${secret}`).not.toContain(secret);
      expect(r.text).toMatch(/host-1/);
    }
    const j = (await runReport([S05], { format: 'json', redact: true })).explanation!.json as { redacted: boolean; sessions: { client: { ip: string }; server: { ip: string } }[] };
    expect(j.redacted).toBe(true);
    const t = (await runReport([S05], { format: 'text', redact: true })).text;
    // Consistent: the same address has the same name in the JSON and in every sentence.
    expect(t).toContain(`${j.sessions[0]!.client.ip}:25731`);
    expect(t).toContain(`${j.sessions[0]!.server.ip}:7001`);
    // Frame numbers, serials and rule ids are untouched.
    expect(t).toContain('03a1c47e5b92d6f0e81c2b4d6a8f0e1c7b39');
    expect(t).toMatch(/frame 14/);
  });
});

describe('--format csv', () => {
  it('one row per certificate, with the store it came from', async () => {
    const r = await runReport([S05], { format: 'csv' });
    const lines = r.text.trim().split('\r\n');
    expect(lines[0]).toMatch(/^case,source,session,client,server,/);
    expect(lines).toHaveLength(1 + 4);
    expect(lines.find((l) => l.includes('03a1c47e5b92d6f0e81c2b4d6a8f0e1c7b39'))).toMatch(/,client,vcs8c,leaf,.*,vcs8c,client,client_vcs8c_/);
  });
  it('neutralises formula injection and control characters', () => {
    const cert = { frame: 1, index: 0, serial: '01', subject: '=HYPERLINK("x")', issuer: 'CN=a,O="b"', eku: ['serverAuth'], notAfter: null, sha256: 'ab', store: null };
    const json = { sessions: [{ case: 'c', source: 's\x1b[31m', id: 0, client: { ip: '1.1.1.1', port: 1, box: null }, server: { ip: '2.2.2.2', port: 2, box: null }, service: null, version: 'TLS 1.2', outcome: { status: 'ok' }, serverCertificates: [cert], clientCertificates: [] }] };
    const csv = renderCsv({ json } as unknown as Explanation);
    expect(csv).toContain(`'=HYPERLINK(""x"")`);
    expect(csv).toContain('"CN=a,O=""b"""');
    expect(csv).not.toContain('\x1b');
  });
});

describe('ekuscope check-store', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  it('audits both boxes of a bundle: client stores without clientAuth lose their services, X2, E5 traps', async () => {
    const r = await runCheckStore([S05], { format: 'json', now });
    expect(r.exitCode).toBe(1);
    const j = r.explanation!.json as { schema: string; boxes: { name: string; findings: { code: string }[]; services: { service: string; clientStoreWorks: boolean }[] }[] };
    expect(j.schema).toBe('ekuscope.check-store/1');
    const c = j.boxes.find((b) => b.name === 'vcs8c')!;
    expect(c.findings.map((f) => f.code)).toEqual(expect.arrayContaining(['same-cert-both-stores', 'client-store-lacks-clientauth', 'ca-eku-trap']));
    expect(c.services.find((s) => s.service.startsWith('SSH tunnels'))?.clientStoreWorks).toBe(false);
  });
  it('a healthy client store passes, and expiry is relative to the date given', async () => {
    const ok = await runCheckStore([join(capturesDir, '07-condition-2-1-success', 'vcs8c')], { format: 'text', now });
    expect(ok.text).toMatch(/the client-store certificate has clientAuth/);
    const late = await runCheckStore([join(capturesDir, '07-condition-2-1-success', 'vcs8c')], { format: 'text', now: new Date('2026-12-01T00:00:00Z') });
    expect(late.text).toMatch(/server-store certificate has expired/);
  });
  it('PEM files named as a bundle names them, and usage errors', async () => {
    const r = await runCheckStore([join(S05, 'vcs8c', 'client_vcs8c_2026-03-29_07_05_33.pem')], { format: 'text', now });
    expect(r.text).toMatch(/cannot authenticate a TLS client/);
    expect((await runCheckStore([join(S05, 'README.md')], { now })).exitCode).toBe(2);
    expect((await cli(['check-store', '--format', 'csv', S05])).code).toBe(2);
  });
});

describe('a JSON report is written session by session', () => {
  it('pieces joined are exactly JSON.stringify of the model (safe escapes aside), one piece per session plus head and tail', async () => {
    const r = await runReport([capturesDir], { format: 'json' });
    const pieces = [...r.pieces()];
    const sessions = (r.explanation!.json as { sessions: unknown[] }).sessions.length;
    expect(sessions).toBeGreaterThan(10);
    expect(pieces.length).toBe(sessions + 2);
    const joined = pieces.join('');
    expect(joined).toBe(r.text);
    expect(JSON.parse(joined)).toEqual(r.explanation!.json);
    expect(joined).toBe(JSON.stringify(r.explanation!.json, null, 2).replace(/[\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) + '\n');
  });
  it('--out writes what standard output gets; a report without sessions is still one valid document', async () => {
    const file = join(tmp, 'r.json');
    const a = await cli(['report', capturesDir, '--format', 'json']);
    const b = await cli(['report', capturesDir, '--format', 'json', '--out', file]);
    expect(b.out).toBe('');
    expect(readFileSync(file, 'utf8')).toBe(a.out);
    // A capture with no packets: a report without sessions.
    const empty = join(tmp, 'empty.pcap');
    writeFileSync(empty, pcapFile([], { snaplen: 65535 }));
    const none = await runReport([empty], { format: 'json' });
    expect(none.errors).toEqual([]);
    const doc = JSON.parse([...none.pieces()].join('')) as { sessions: unknown[] };
    expect(doc.sessions).toEqual([]);
    expect([...none.pieces()].join('')).toBe(none.text);
  });
  it('CSV comes a session at a time, and joined is exactly the whole rendering', async () => {
    const r = await runReport([capturesDir], { format: 'csv' });
    const pieces = [...r.pieces()];
    expect(pieces.length).toBeGreaterThan(10);
    expect(pieces.join('')).toBe(renderCsv(r.explanation!));
    expect(r.text).toBe(pieces.join(''));
  });
  it('text and Markdown come a section at a time, and joined are exactly the whole renderings', async () => {
    for (const format of ['text', 'markdown'] as const) {
      const r = await runReport([capturesDir], { format, width: 100 });
      const pieces = [...r.pieces()];
      expect(pieces.length, format).toBeGreaterThan(20);
      const whole = format === 'text' ? renderText(r.explanation!.doc, { color: false, width: 100 }) : renderMarkdown(r.explanation!.doc);
      expect(pieces.join(''), format).toBe(whole);
      expect(r.text).toBe(whole);
    }
  });
});
