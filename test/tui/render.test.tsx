import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReport } from '../../src/cli/report.js';
import { ruleInfo } from '../../src/expressway/rulebook.js';
import { KEY_HELP, PANE_HELP } from '../../src/tui/keymap.js';
import { capturesDir } from '../helpers/corpus.js';
import type { SourceUpdate, ViewSource } from '../../src/tui/source.js';
import { fixture, hostile, type Fixture } from './fixture.js';
import { KEYS, renderAt, tick, type Rendered } from './render-helpers.js';

let f: Fixture;
const tmp = mkdtempSync(join(tmpdir(), 'ekuscope-view-'));
beforeAll(async () => {
  f = await fixture();
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SIZES = [
  [80, 24],
  [120, 40],
] as const;

/** The frame fills the terminal exactly and never runs past its width. */
function expectFits(v: Rendered, cols: number, rows: number): void {
  const lines = v.lines();
  expect(lines).toHaveLength(rows);
  for (const l of lines) expect([...l].length, l).toBeLessThanOrEqual(cols);
}

/** The pane whose frame has the ▶ marker. */
function focusedTitle(v: Rendered): string | undefined {
  return v.lines().find((l) => l.includes('━ ▶ '));
}

/** Goes to the client's Certificate message and its leaf's Extended Key Usage line. */
async function toClientEku(v: Rendered): Promise<void> {
  await v.type('2');
  for (let i = 0; i < 20 && !v.frame().split('\n').some((l) => /›\s+12 │─ Certificate/.test(l)); i++) await v.type('j');
  await v.type(KEYS.enter);
  for (let i = 0; i < 40 && !v.lines().some((l) => /›\s+▸ Extended Key Usage/.test(l)); i++) await v.type('j');
}

describe.each(SIZES)('the viewer at %i×%i', (cols, rows) => {
  it('opens on the sessions, one line each with a symbol that needs no colour', async () => {
    const v = await renderAt(cols, rows, f.explained);
    expectFits(v, cols, rows);
    const frame = v.frame();
    expect(v.lines()[0]).toMatch(cols >= 90 ? /^ekuscope · 2 captures · 2 TLS sessions ✖1 ▲0 ✔1 · 3 findings +read ✔$/ : /^ekuscope · 2 captures · 2 TLS sessions ✖1 ▲0 ✔1 +read ✔$/);
    expect(focusedTitle(v)).toMatch(/┏━ ▶ Sessions \(2\) · 1\/2 ━/);
    expect(frame).toMatch(/› ✖ vcs8c +#0 +vcs8c .*→ smartslave/);
    expect(frame).toMatch(/ {2}✔ smartsl.* +#0 +smartslave .*→ Webex/);
    expect(frame).toContain('TLS 1.2 rejected by smartslave');
    // The narration is on screen from the start, at both sizes.
    expect(frame).toContain('✖ Expressway-C vcs8c → Expressway-E smartslave');
    expect(v.lines().at(-1)).toMatch(/\? help · q quit|\? help · q q/);
    v.unmount();
  });

  it('ladder: client on the left, arrows, frame numbers and the frames that carried a message', async () => {
    const v = await renderAt(cols, rows, f.explained);
    await v.type('2');
    expectFits(v, cols, rows);
    expect(focusedTitle(v)).toMatch(/▶ Ladder · 10\.106\.80\.16:25731 ⇄ 10\.106\.80\.31:7001/);
    const frame = v.frame();
    expect(frame).toMatch(/ frame vcs8c +smartslave/);
    expect(frame).toMatch(/›\s+4 │─ ClientHello ─+▶│/);
    expect(frame).toMatch(/ {3}6 │◀─+ ServerHello ─│/);
    expect(frame).toMatch(/ {3}8 │◀─+ Certificate ─│ ⇠6–8 ✔ serverAuth/);
    expect(frame).toMatch(/ 12 │─ Certificate ─+▶│ ⇠10–12 ✖ no clientAuth/);
    if (rows >= 40) expect(frame).toMatch(/ 14 │◀─+ Alert fatal ─│ 43 unsupported_certifi/);
    v.unmount();
  });

  it("details: record → handshake → certificate → EKU, expanded with Enter, needed / present / missing", async () => {
    const v = await renderAt(cols, rows, f.explained);
    await toClientEku(v);
    expectFits(v, cols, rows);
    expect(focusedTitle(v)).toMatch(/▶ Details · Certificate · frame 12/);
    let frame = v.frame();
    expect(frame).toMatch(/›\s+▸ Extended Key Usage: serverAuth {2}\[clientAuth needed ✖ missing\]/);
    await v.type(KEYS.enter);
    frame = v.frame();
    expect(frame).toMatch(/›\s+▾ Extended Key Usage: serverAuth {2}\[clientAuth needed ✖ missing\]/);
    expect(frame).toMatch(/ {6}serverAuth: 1\.3\.6\.1\.5\.5\.7\.3\.1 +[┃│]/);
    expect(frame).toMatch(/ {6}clientAuth: 1\.3\.6\.1\.5\.5\.7\.3\.2 {2}\[✖ needed, missing \(E2\)\]/);
    await v.type('3', 'g');
    expect(v.frame()).toMatch(/›▾ TLS Record Layer: handshake: TLS 1\.2, client → server, reassembled in fr/);
    expect(v.frame()).toContain('Carried by frames: 10–12');
    v.unmount();
  });

  it('bytes: the message in hex and ASCII, the selected field named in the title', async () => {
    const v = await renderAt(cols, rows, f.explained);
    await toClientEku(v);
    await v.type('4');
    expectFits(v, cols, rows);
    expect(focusedTitle(v)).toMatch(/▶ Bytes · 2933 · selected 10–1429/);
    const frame = v.frame();
    if (cols >= 120) expect(frame).toContain('0000  0b 00 0b 71 00 0b 6e 00  ...q..n.');
    else expect(frame).toContain('0000  0b 00 0b 71 00 0b 6e 00  05 8c 30 82 05 88 30 82  ...q..n...0...0.');
    const first = () => v.lines().map((l) => /[┃│]([0-9a-f]{4}) {2}[0-9a-f]{2} /.exec(l)?.[1]).find((x) => x !== undefined);
    expect(first()).toBe('0000');
    await v.type('j');
    expect(first()).toBe(cols >= 120 ? '0008' : '0010');
    v.unmount();
  });

  it('narration: the story with its frames, the findings with their rules and fixes', async () => {
    const v = await renderAt(cols, rows, f.explained);
    await v.type('5');
    expectFits(v, cols, rows);
    expect(focusedTitle(v)).toMatch(/▶ Narration · ✖ rejected by smartslave/);
    const text = v.lines().join('\n');
    expect(text).toContain('• vcs8c acted as TLS client and presented its client-store');
    expect(text).toMatch(/Findings \(2\)/);
    expect(text).toMatch(/✖ ERROR \[E2, X4, T5\] Expressway-C's client certificate/);
    for (let i = 0; i < 10; i++) await v.type('j');
    expect(v.frame()).toMatch(/Fix: Put a certificate with clientAuth/);
    v.unmount();
  });

  it('n jumps to the next finding: its session, its frame in the ladder, and a status line', async () => {
    const v = await renderAt(cols, rows, f.explained);
    await v.type('n');
    expect(v.lines().at(-1)).toMatch(/^finding 1 of 3: E2 Expressway-C's client certificate lacks/);
    if (cols >= 120) expect(v.frame()).toMatch(/›\s+12 │─ Certificate/);
    await v.type('n', 'n');
    expect(v.frame()).toMatch(/› ✔ smartsl/);
    expect(v.frame()).toContain('INFO [X1] Client store presented as the TLS client');
    v.unmount();
  });

  it('/ filters the sessions on what is typed', async () => {
    const v = await renderAt(cols, rows, f.explained);
    await v.type('/', 'webex');
    expect(v.lines().at(-1)).toMatch(/^\/webex +type to filter sessions/);
    expect(v.frame()).toMatch(/Sessions \(1 of 2\) · 1\/1 · filter: webex/);
    expect(v.frame()).not.toContain('vcs8c →');
    await v.type(KEYS.enter);
    expect(v.lines().at(-1)).not.toMatch(/^\//);
    await v.type(KEYS.escape);
    expect(v.frame()).toMatch(/Sessions \(2\)/);
    // A pasted bidi override is shown escaped, as capture text is.
    await v.type('/', '\u202e');
    expect(v.frame()).not.toContain('\u202e');
    expect(v.frame()).toContain('filter: \\u202e');
    v.unmount();
  });

  it('r explains the rules of the finding n went to, over the panes; ↑↓ scroll it, Esc closes it', async () => {
    const v = await renderAt(cols, rows, f.explained);
    await v.type('n', 'r');
    expectFits(v, cols, rows);
    expect(v.state().rule?.ids).toEqual(['E2', 'X4', 'T5']);
    expect(focusedTitle(v)).toMatch(/▶ Rules E2, X4, T5 · (1–\d+ of \d+, ↑↓ scroll · )?Esc closes/);
    let frame = v.frame();
    expect(frame).toContain('E2 EKU present: only the listed purposes');
    expect(frame).toContain('family E: certificates and EKU');
    // Longer than the screen, the panel scrolls and its title says where; else it stays.
    const longer = /of \d+, ↑↓ scroll/.test(focusedTitle(v) ?? '');
    await v.type(KEYS.down);
    expect(v.state().rule?.top).toBe(longer ? 1 : 0);
    if (longer) expect(focusedTitle(v)).toMatch(/· 2–\d+ of \d+, ↑↓ scroll · Esc closes/);
    // Scrolled on, the rule module's fix advice comes into view.
    const fix = `Fix: ${ruleInfo('E2')!.fix!.split(' ').slice(0, 4).join(' ')}`;
    for (let i = 0; i < 60 && !v.frame().includes(fix); i++) await v.type(KEYS.down);
    expect(v.frame()).toContain(fix);
    await v.type(KEYS.escape);
    expect(v.state().rule).toBeUndefined();
    frame = v.frame();
    expect(frame).not.toContain('Esc closes');
    expect(frame).toMatch(/ERROR \[E2, X4, T5\]/);
    v.unmount();
  });

  it('r without a current finding explains the rules the narration on screen cites', async () => {
    const v = await renderAt(cols, rows, f.explained);
    await v.type('5');
    const shown = v.frame();
    await v.type('r');
    const ids = v.state().rule?.ids ?? [];
    expect(ids.length).toBeGreaterThan(0);
    // Each rule the panel explains is cited in the narration that was on screen.
    for (const id of ids) expect(shown).toMatch(new RegExp(`\\b${id}\\b`));
    expect(v.frame()).toContain(`${ids[0]} `);
    await v.type('r');
    expect(v.state().rule).toBeUndefined();
    v.unmount();
  });

  it('? shows every key and every pane, and a key other than the scrolling ones closes it', async () => {
    const v = await renderAt(cols, rows, f.explained);
    await v.type('?');
    expectFits(v, cols, rows);
    const frame = v.frame();
    expect(frame).toContain('▶ Help · ekuscope view');
    if (rows >= 40) expect(frame).not.toContain('↑↓ scroll ·');
    for (const k of [...KEY_HELP, ...PANE_HELP]) expect(frame).toContain(k.keys);
    for (const k of KEY_HELP) expect(frame).toContain(k.what.slice(0, Math.min(k.what.length, cols - 24)));
    expect(frame).toContain('✔ ok  ✖ failed or error found  ▲ warning');
    await v.type('x');
    expect(v.frame()).not.toContain('Help · ekuscope view');
    v.unmount();
  });
});

describe('the viewer', () => {
  it('e writes the certificate under the cursor as PEM and says where', async () => {
    const dir = join(tmp, 'exports');
    const v = await renderAt(120, 40, f.explained, { exportDir: dir });
    await v.type('e');
    expect(v.lines().at(-1)).toBe('export: the selected message is not a Certificate message');
    await toClientEku(v);
    await v.type('e');
    const name = 'client-vcs8c-session0-frame12-0-03a1c47e5b92d6f0e81c2b4d6a8f0e1c7b39.pem';
    expect(v.lines().at(-1)).toBe(`wrote ${join(dir, name)} · client certificate 0 (leaf), CN=cluster.s.com`.slice(0, 120));
    expect(readFileSync(join(dir, name), 'latin1')).toMatch(/^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n$/);
    await v.type('e');
    expect(v.lines().at(-1)).toContain(`wrote ${join(dir, name.replace('.pem', '-1.pem'))}`);
    expect(readdirSync(dir).sort()).toEqual([name, name.replace('.pem', '-1.pem')].sort());
    v.unmount();
  });

  it('E writes the selected session as a web page, the report’s page of that one story, and says where', async () => {
    const dir = join(tmp, 'pages');
    const r = await runReport([join(capturesDir, '05-uc-traversal-eku-on-failed')], { format: 'json', quiet: true });
    const v = await renderAt(120, 40, { captures: r.cases!.flatMap((c) => c.analyses), explanation: r.explanation! }, { exportDir: dir });
    await v.type('E');
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^session-[A-Za-z0-9_-]+-0\.html$/);
    expect(v.lines().at(-1)).toBe(`wrote ${join(dir, files[0]!)} · session #0 as a web page`.slice(0, 120));
    const html = readFileSync(join(dir, files[0]!), 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('Content-Security-Policy');
    expect(html).toContain('<svg class="ladder"');
    expect(html).toMatch(/<h2>Session #0 in [^<]*<\/h2>/);
    expect(html).toContain('<details class="cert">');
    await v.type('E');
    expect(readdirSync(dir)).toHaveLength(2);
    v.unmount();
  });

  it('E before the explanation exists says so and writes nothing', async () => {
    const dir = join(tmp, 'pages-early');
    const v = await renderAt(120, 40, { captures: f.explained.captures }, { exportDir: dir });
    await v.type('E');
    expect(v.lines().at(-1)).toContain('export: ');
    expect(existsSync(dir)).toBe(false);
    v.unmount();
  });

  it('shows capture text escaped: no control character, escape sequence or bidi override reaches the terminal', async () => {
    const v = await renderAt(120, 40, hostile(f));
    await toClientEku(v);
    await v.type(KEYS.enter, 'k', 'k', 'k', 'k', 'k', 'k', 'k', 'k');
    const frames = [v.frame()];
    await v.type('1');
    frames.push(v.frame());
    for (const frame of frames) {
      expect(frame).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069]/);
    }
    const all = frames.join('\n');
    expect(all).toContain('evil\\x1b[31mred\\u202egpj.exe');
    expect(all).toContain('\\x1b]0;pwned');
    v.unmount();
  });

  it('appears at once and fills in while the capture is read', async () => {
    let push: ((u: SourceUpdate) => void) | undefined;
    let stopped = false;
    const source: ViewSource = (emit) => {
      push = emit;
      emit({ progress: { phase: 'starting', bytes: 0, problems: [] } });
      return () => {
        stopped = true;
      };
    };
    const v = await renderAt(120, 40, { captures: [] }, { source });
    expect(v.lines()[0]).toMatch(/ekuscope · 0 captures · 0 TLS sessions .* opening…$/);
    expect(v.frame()).toContain('no TLS session yet');
    push!({ data: { captures: [f.failing] }, progress: { phase: 'reading', bytes: 3 << 20, total: 10 << 20, label: 'vcs8c', problems: [] } });
    await tick();
    expect(v.lines()[0]).toMatch(/reading vcs8c ▕██████░+▏ 30% 3\.0 MiB of 10\.0 MiB$/);
    expect(v.frame()).toMatch(/› ✖ #0 +10\.106\.80\.16:25731 → 10\.106\.80\.31:7001/);
    expect(v.frame()).toContain('The explanation follows when the capture has been read.');
    // Keys work while reading.
    await v.type('2', 'j');
    expect(v.frame()).toMatch(/›\s+6 │◀/);
    push!({ data: { captures: [f.failing] }, progress: { phase: 'explaining', bytes: 10 << 20, total: 10 << 20, label: 'vcs8c', problems: [] } });
    await tick(60);
    expect(v.lines()[0]).toMatch(/ explaining…$/);
    push!({ data: f.explained, progress: { phase: 'done', bytes: 0, problems: [] } });
    await tick();
    expect(v.lines()[0]).toMatch(/read ✔$/);
    expect(v.frame()).toMatch(/›\s+6 │◀/);
    expect(v.frame()).toContain('✖ Expressway-C vcs8c → Expressway-E smartslave');
    v.unmount();
    await tick();
    expect(stopped).toBe(true);
  });

  it('lists the notes from reading in the help', async () => {
    const notes = ['05-uc: Key log used for decryption: sslkeylog.txt.', `evil${'\x1b'}[2J.pcap: not a capture file`];
    const source: ViewSource = (emit) => {
      emit({ data: f.explained, progress: { phase: 'done', bytes: 0, problems: notes } });
      return () => {};
    };
    const v = await renderAt(80, 24, { captures: [] }, { source });
    expect(v.lines()[0]).toMatch(/read ✔ · ℹ 2 notes$/);
    expect(v.lines().at(-1)).toBe('ℹ 2 notes from reading the inputs: ? shows them');
    await v.type('?');
    expect(v.frame()).toMatch(/Help · ekuscope view · 1–20 of 2\d, ↑↓ scroll/);
    await v.type('j', 'j', 'j', 'j', 'j', 'j');
    expect(v.frame()).toContain('Notes from reading the inputs');
    expect(v.frame()).toContain('ℹ 05-uc: Key log used for decryption: sslkeylog.txt.');
    expect(v.frame()).toContain('ℹ evil\\x1b[2J.pcap: not a capture file');
    await v.type('x');
    expect(v.frame()).not.toContain('Help ·');
    v.unmount();
  });

  it('q quits', async () => {
    const v = await renderAt(80, 24, f.explained);
    await v.type('q');
    expect(v.state().quit).toBe(true);
    v.unmount();
  });

  it('leaves files alone when the export directory cannot be written', async () => {
    const file = join(tmp, 'a-file');
    await import('node:fs').then((fs) => fs.writeFileSync(file, 'x'));
    const v = await renderAt(120, 40, f.explained, { exportDir: join(file, 'sub') });
    await toClientEku(v);
    await v.type('e');
    expect(v.lines().at(-1)).toMatch(/^export failed: /);
    expect(existsSync(join(file, 'sub'))).toBe(false);
    v.unmount();
  });
});
