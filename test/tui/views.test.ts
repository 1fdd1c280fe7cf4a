import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildViewModel,
  certificateExport,
  detailsTree,
  filterRows,
  findNode,
  flattenTree,
  hexView,
  ladderView,
  messageBytes,
  narrationLines,
  narrationView,
  safeFileName,
  wrapSegs,
  type SessionEntry,
  type TreeNode,
} from '../../src/narrate/views.js';
import type { SessionStory } from '../../src/narrate/explanation.js';
import { explanationOf, failingStory, fixture, hostile, okStory, type Fixture } from './fixture.js';

let f: Fixture;
beforeAll(async () => {
  f = await fixture();
});

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069]/;

function all(nodes: readonly TreeNode[]): TreeNode[] {
  return nodes.flatMap((n) => [n, ...all(n.children)]);
}

function failingEntry(explained = false): SessionEntry {
  const vm = buildViewModel(explained ? f.explained : f.raw);
  return vm.entries.get(vm.rows[0]!.key)!;
}

describe('session rows', () => {
  it('one row per TLS session, with ends, service, version and an outcome symbol that needs no colour', () => {
    const vm = buildViewModel(f.raw);
    expect(vm.rows.length).toBe(f.failing.sessions.length + f.ok.sessions.length);
    const r = vm.rows[0]!;
    expect(r).toMatchObject({ clientAddr: '10.106.80.16:25731', serverAddr: '10.106.80.31:7001', version: 'TLS 1.2', outcome: 'failed', symbol: '✖', tone: 'bad', captureLabel: 'vcs8c' });
    expect(r.service).toMatch(/UC traversal/);
    expect(r.outcomeText).toContain('43 unsupported_certificate');
    expect(vm.counts.failed).toBe(1);
    expect(vm.explained).toBe(false);
  });

  it('takes outcome, names and findings from the story when there is one', () => {
    const vm = buildViewModel(f.explained);
    const r = vm.rows[0]!;
    expect(r.clientName).toBe('vcs8c');
    expect(r.serverName).toBe('smartslave');
    expect(r.outcomeText).toMatch(/^rejected by smartslave/);
    expect(r.findings).toBe(2);
    expect(vm.findings).toBe(3);
  });

  it("marks a row by the worse of the outcome and its findings, as the report's summary line does", () => {
    // A completed handshake with an error finding: ✖ (the report says ERROR), not the outcome's ▲ or ✔.
    const ok = okStory(f.ok);
    const error = { ...failingStory(f.failing).findings[0]!, session: ok.sessionId };
    const warning = { ...failingStory(f.failing).findings[1]!, session: ok.sessionId };
    const rowFor = (story: SessionStory) => buildViewModel({ captures: [f.ok], explanation: explanationOf([story]) }).rows[0]!;
    expect(rowFor({ ...ok, findings: [...ok.findings, error] })).toMatchObject({ outcome: 'ok', symbol: '✖', tone: 'bad' });
    expect(rowFor({ ...ok, outcome: 'warning', findings: [error] })).toMatchObject({ outcome: 'warning', symbol: '✖', tone: 'bad' });
    expect(rowFor({ ...ok, findings: [...ok.findings, warning] })).toMatchObject({ outcome: 'ok', symbol: '▲', tone: 'warn' });
    // An info finding does not change the mark; without findings the outcome's mark stands.
    expect(rowFor(ok)).toMatchObject({ symbol: '✔', tone: 'ok' });
    expect(rowFor({ ...ok, outcome: 'unknown', findings: [] })).toMatchObject({ symbol: '?', tone: 'muted' });
  });

  it('the header counts and the narration carry the same mark as the row (✖: failed or an error found)', () => {
    const ok = okStory(f.ok);
    const error = { ...failingStory(f.failing).findings[0]!, session: ok.sessionId };
    const withError = { ...ok, findings: [...ok.findings, error] };
    const vm = buildViewModel({ captures: [f.ok], explanation: explanationOf([withError]) });
    expect(vm.counts).toMatchObject({ failed: 1, ok: 0, warning: 0, unknown: 0 });
    const v = narrationView(vm.entries.get(vm.rows[0]!.key)!, false);
    expect(v).toMatchObject({ symbol: '✖', tone: 'bad' });
    const fine = buildViewModel({ captures: [f.ok], explanation: explanationOf([ok]) });
    expect(fine.counts).toMatchObject({ failed: 0, ok: 1 });
    expect(narrationView(fine.entries.get(fine.rows[0]!.key)!, false)).toMatchObject({ symbol: '✔', tone: 'ok' });
  });

  it('a session keeps its row from one snapshot to the next, and gets a new one when its story comes', () => {
    const a = buildViewModel(f.raw);
    const b = buildViewModel({ captures: [{ ...f.failing }, { ...f.ok }] });
    expect(b.rows[0]).toBe(a.rows[0]);
    const told = buildViewModel(f.explained);
    expect(told.rows[0]).not.toBe(a.rows[0]);
    expect(told.rows[0]!.clientName).toBe('vcs8c');
    // The same session under another capture label (a case name) is not the cached row.
    const labelled = buildViewModel({ captures: [{ ...f.failing, label: 'case-a' }] });
    expect(labelled.rows[0]!.captureLabel).toBe('case-a');
  });

  it('filters on host, port, outcome, serial and subject; words combine', () => {
    const rows = buildViewModel(f.explained).rows;
    expect(filterRows(rows, '')).toHaveLength(rows.length);
    expect(filterRows(rows, 'failed').map((r) => r.sessionId)).toEqual([0]);
    expect(filterRows(rows, ':7001')).toHaveLength(1);
    expect(filterRows(rows, '163.129.37.33')).toHaveLength(1);
    expect(filterRows(rows, '03a1c47e5b92')).toHaveLength(1);
    expect(filterRows(rows, 'CN=smartslave.vikdutta.com')).toHaveLength(1);
    expect(filterRows(rows, 'cn=cluster.s.com')).toHaveLength(2);
    expect(filterRows(rows, 'smartslave failed')).toHaveLength(1);
    expect(filterRows(rows, 'smartslave nosuchthing')).toHaveLength(0);
  });
});

describe('ladder', () => {
  it('client on the left, arrows by direction, frames that carried each message and where it was reassembled', () => {
    const v = ladderView(failingEntry());
    expect(v.leftAddr).toBe('10.106.80.16:25731');
    const labels = v.rows.map((r) => `${r.frame} ${r.dir} ${r.label}`);
    expect(labels.slice(0, 3)).toEqual(['4 right ClientHello', '6 left ServerHello', '8 left Certificate']);
    const clientCert = v.rows.find((r) => r.label === 'Certificate' && r.dir === 'right')!;
    expect(clientCert).toMatchObject({ frame: 12, frames: [10, 11, 12], carried: '10–12', tone: 'bad' });
    expect(clientCert.note).toBe('✖ no clientAuth');
    expect(v.rows.find((r) => r.label === 'Certificate' && r.dir === 'left')!.note).toBe('✔ serverAuth');
    const alert = v.rows.find((r) => r.label.startsWith('Alert'))!;
    expect(alert).toMatchObject({ frame: 14, dir: 'left', tone: 'bad', label: 'Alert fatal 43 unsupported_certificate', arrow: 'Alert fatal', note: '43 unsupported_certificate' });
    expect(v.rows.filter((r) => r.kind === 'end').map((r) => r.label)).toEqual(['TCP FIN', 'TCP FIN']);
  });

  it("uses the story's notes and names", () => {
    const v = ladderView(failingEntry(true));
    expect(v.left).toBe('vcs8c');
    expect(v.rows.find((r) => r.frame === 12 && r.label === 'Certificate')!.note).toBe('✖ no clientAuth · serial 03a1c47e…7b39, client store');
    expect(v.rows.find((r) => r.frame === 12 && r.label === 'CertificateVerify')!.note).toBeUndefined();
  });
});

describe('details tree', () => {
  it('record → handshake → certificates → X.509 with the EKU the role needs marked', () => {
    const e = failingEntry();
    const row = ladderView(e).rows.find((r) => r.label === 'Certificate' && r.dir === 'right')!;
    const tree = detailsTree(e, row);
    expect(tree[0]!.label).toBe('TLS Record Layer: handshake');
    expect(tree[0]!.value).toContain('reassembled in frame 12 from frames 10–12');
    const nodes = all(tree);
    const hs = nodes.find((n) => n.label === 'Handshake Protocol: Certificate')!;
    expect(hs.range).toEqual({ offset: 0, length: 2933 });
    const leaf = nodes.find((n) => n.label === 'X.509 Certificate (leaf)')!;
    expect(leaf.certIndex).toBe(0);
    const eku = leaf.children.find((n) => n.label === 'Extended Key Usage')!;
    expect(eku).toMatchObject({ value: 'serverAuth', badge: 'clientAuth needed ✖ missing', tone: 'bad' });
    expect(eku.children.map((c) => `${c.label} ${c.badge ?? ''}`.trim())).toEqual(['serverAuth', 'clientAuth ✖ needed, missing (E2)', 'Needed', 'Critical']);
    expect(eku.children[2]!.value).toBe('clientAuth, by a client certificate (the server verifies purpose "SSL client", E6)');
    // The certificate's nodes point at its DER in the message bytes.
    expect(eku.range).toEqual({ offset: 10, length: 1420 });
    // The CA certificate above the leaf: its EKU constrains the leaf (E5).
    const ca = nodes.find((n) => n.label === 'X.509 Certificate (CA 1)')!;
    expect(ca.children.find((n) => n.label === 'Extended Key Usage')!.badge).toBe('clientAuth needed (E5) ✖ missing');
  });

  it("marks serverAuth as needed and present on the server's certificate", () => {
    const e = failingEntry();
    const row = ladderView(e).rows.find((r) => r.label === 'Certificate' && r.dir === 'left')!;
    const eku = all(detailsTree(e, row)).find((n) => n.label === 'Extended Key Usage')!;
    expect(eku).toMatchObject({ badge: 'serverAuth needed ✔ present', tone: 'ok' });
  });

  it('alerts and encrypted records', () => {
    const e = failingEntry();
    const rows = ladderView(e).rows;
    const alert = all(detailsTree(e, rows.find((r) => r.label.startsWith('Alert'))))
      .map((n) => `${n.label}: ${n.value ?? ''}`);
    expect(alert).toContain('Description: unsupported_certificate (43)');
    const enc = all(detailsTree(e, rows.find((r) => r.label === 'Encrypted Handshake Message')));
    expect(enc.some((n) => /encrypted: not readable without keys/.test(n.value ?? ''))).toBe(true);
  });

  it('flattens by what is open, and finds nodes by id', () => {
    const e = failingEntry();
    const tree = detailsTree(e, ladderView(e).rows[0]);
    const closed = flattenTree(tree, () => false);
    expect(closed).toHaveLength(1);
    const open = flattenTree(tree, () => true);
    expect(open.length).toBeGreaterThan(20);
    const some = open[5]!.node;
    expect(findNode(tree, some.id)!.node).toBe(some);
    expect(findNode(tree, some.id)!.path[0]).toBe(tree[0]);
  });
});

describe('hex', () => {
  it('rows of offset, hex and ASCII with the selected range marked', () => {
    const bytes = Uint8Array.from({ length: 40 }, (_, i) => (i < 20 ? 0x41 + i : i - 20));
    const v = hexView(bytes, { offset: 4, length: 3 }, 16, 0, 10);
    expect(v.totalRows).toBe(3);
    expect(v.rangeRow).toBe(0);
    const l = v.lines[0]!;
    expect(l.offset).toBe('0000');
    expect(l.hex.filter((s) => s.hl).map((s) => s.text).join('')).toBe('45 46 47');
    expect(l.ascii.map((s) => s.text).join('')).toBe('ABCDEFGHIJKLMNOP');
    expect(l.ascii.filter((s) => s.hl).map((s) => s.text)).toEqual(['EFG']);
    expect(v.lines[2]!.ascii.map((s) => s.text).join('')).toBe('........');
    // A window of rows, for large messages.
    expect(hexView(bytes, undefined, 8, 2, 2).lines.map((x) => x.offset)).toEqual(['0010', '0018']);
  });

  it('says why there are no bytes for encrypted records', () => {
    const e = failingEntry();
    const enc = ladderView(e).rows.find((r) => r.label === 'Encrypted Handshake Message');
    expect(messageBytes(e, enc)).toEqual({ note: expect.stringMatching(/encrypted: the body is not kept/) });
    const cert = ladderView(e).rows.find((r) => r.label === 'Certificate')!;
    expect(messageBytes(e, cert).bytes!.length).toBe(2980);
  });
});

describe('narration', () => {
  it('the story: headline, sentences with frames, findings with their rules', () => {
    const v = narrationView(failingEntry(true), false);
    expect(v.provisional).toBe(false);
    const { lines, findingLines } = narrationLines(v, 60, 0);
    const text = lines.map((l) => l.map((s) => s.text).join(''));
    expect(text[0]).toBe('✖ Expressway-C vcs8c → Expressway-E smartslave: UC traversal');
    expect(text.join('\n')).toContain('(frames 10–12)');
    expect(text[findingLines[0]!]).toMatch(/^✖ ERROR \[E2, X4, T5\] Expressway-C's client certificate/);
    expect(text[findingLines[1]!]).toMatch(/^▲ WARNING \[X2\]/);
    expect(text.join('\n')).toContain('Fix: Put a certificate with clientAuth');
    expect(lines[findingLines[0]!]!.some((s) => s.hl)).toBe(true);
    for (const t of text) expect([...t].length).toBeLessThanOrEqual(60);
  });

  it('without a story, the facts the capture shows, in frame order', () => {
    const v = narrationView(failingEntry(), true);
    expect(v.provisional).toBe(true);
    const text = narrationLines(v, 1000).lines.map((l) => l.map((s) => s.text).join('')).join('\n');
    expect(text).toContain('10.106.80.16:25731 was the TLS client: it sent the ClientHello (T1) (frame 4)');
    expect(text).toMatch(/As a client certificate it needs clientAuth: its EKU \(serverAuth\) lacks clientAuth \(E2\)/);
    expect(text.indexOf('CertificateRequest')).toBeLessThan(text.indexOf('As a client certificate'));
    expect(text).toContain('The explanation follows when the capture has been read.');
  });

  it('wraps styled runs on word boundaries and cuts words longer than the width', () => {
    const lines = wrapSegs([{ text: 'alpha beta ' }, { text: 'gamma', bold: true }, { text: ' ' + 'x'.repeat(25) }], 10, '• ', '  ');
    expect(lines.map((l) => l.map((s) => s.text).join(''))).toEqual(['• alpha', '  beta', '  gamma', '  xxxxxxxx', '  xxxxxxxx', '  xxxxxxxx', '  x']);
    expect(lines[2]!.find((s) => s.text === 'gamma')!.bold).toBe(true);
  });
});

describe('certificate export', () => {
  it('the certificate under the cursor, else the leaf; a file name of safe characters', () => {
    const e = failingEntry();
    const row = ladderView(e).rows.find((r) => r.label === 'Certificate' && r.dir === 'right')!;
    const tree = detailsTree(e, row);
    const leaf = certificateExport(e, row, tree, undefined);
    expect(leaf).toMatchObject({ fileName: 'client-vcs8c-session0-frame12-0-03a1c47e5b92d6f0e81c2b4d6a8f0e1c7b39.pem', description: 'client certificate 0 (leaf), CN=cluster.s.com' });
    expect('pem' in leaf && leaf.pem).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    const caNode = all(tree).find((n) => n.label === 'X.509 Certificate (CA 1)')!.children[1]!;
    expect(certificateExport(e, row, tree, caNode.id)).toMatchObject({ fileName: expect.stringMatching(/^client-vcs8c-session0-frame12-1-/) });
    expect(certificateExport(e, ladderView(e).rows[0], [], undefined)).toEqual({ error: 'the selected message is not a Certificate message' });
    expect(safeFileName('../../etc/passwd\x1b[2J;rm -rf')).toBe('etc_passwd_2J_rm_-rf');
  });
});

describe('capture text is never shown raw', () => {
  it('every string of every view model is escaped', () => {
    const data = hostile(f);
    const vm = buildViewModel(data);
    const e = vm.entries.get(vm.rows[0]!.key)!;
    const strings: string[] = [];
    const r = vm.rows[0]!;
    strings.push(r.captureLabel, r.clientAddr, r.serverAddr, r.outcomeText, r.service, r.clientName ?? '', r.serverName ?? '');
    const lad = ladderView(e);
    strings.push(lad.left, lad.right, ...lad.rows.flatMap((x) => [x.label, x.note ?? '']));
    for (const row of lad.rows) for (const n of all(detailsTree(e, row))) strings.push(n.label, n.value ?? '', n.badge ?? '');
    const nv = narrationView(e, false);
    strings.push(...narrationLines(nv, 80).lines.flatMap((l) => l.map((s) => s.text)));
    const exp = certificateExport(e, lad.rows.find((x) => x.label === 'Certificate' && x.dir === 'right'), [], undefined);
    strings.push('fileName' in exp ? exp.fileName + exp.description : exp.error);
    for (const s of strings) expect(s, JSON.stringify(s)).not.toMatch(UNSAFE);
    const joined = strings.join('\n');
    expect(joined).toContain('evil\\x1b[31mred\\u202egpj.exe');
    expect(joined).toContain('\\x1b]0;pwned');
  });
});
