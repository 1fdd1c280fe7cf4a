/**
 * The HTML report without a browser: escaping (markup in names stays text, control and bidi
 * characters shown as escapes), the Content-Security-Policy's hashes against the inline style and
 * script, the page's elements and attributes, rule links, and the report's parts on real scenario
 * captures (ladder with the alert, certificate details, CertificateRequest, --redact, several cases,
 * sessions alike). test/report/html-browser.test.ts loads the same pages in Chromium.
 */
// A hostile rule id on purpose: the type admits only the rule book's ids, the renderer must cope with any string.
import type { DomainRuleId } from '../../src/expressway/index.js';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runReport } from '../../src/cli/report.js';
import type { Doc } from '../../src/narrate/doc.js';
import { ruleText } from '../../src/narrate/rule-texts.js';
import { htmlId } from '../../src/report/html-escape.js';
import { renderHtml, renderHtmlChunks, ruleAnchor } from '../../src/report/html.js';
import { capturesDir, repoRoot } from '../helpers/corpus.js';
import { ALL, HOSTILE } from '../hostile/hostile-data.js';
import { alertRecord, cli, clientHelloWith, firstUnsafe, handshakeRecords, serverHello12, serverHelloDone, sniExtension, tempDir, tlsCaptureMany } from '../hostile/lib.js';
import { HTML_HOSTILE, PAGE_ATTRIBUTES, PAGE_ELEMENTS, markupCapture, pageParts, sha256Source, tagsOf } from './html-check.js';

const temp = tempDir('ekuscope-html-');
afterAll(() => temp.cleanup());

/** The page is made only of the report's own elements and attributes: no script handler, no reference out. */
function expectOwnMarkup(html: string): void {
  const tags = tagsOf(html);
  const names = new Set(tags.map((t) => t.name));
  expect([...names].filter((n) => !PAGE_ELEMENTS.has(n))).toEqual([]);
  const attrs = tags.flatMap((t) => t.attrs.map(([a, v]) => ({ tag: t.name, a, v })));
  expect(attrs.filter((x) => !PAGE_ATTRIBUTES.has(x.a)).map((x) => `${x.tag} ${x.a}`)).toEqual([]);
  expect(attrs.filter((x) => x.a === 'href' && !/^#[A-Za-z][A-Za-z0-9_-]*$/.test(x.v))).toEqual([]);
  expect(tags.filter((t) => t.name === 'script' && !t.closing)).toHaveLength(1);
  expect(tags.filter((t) => t.name === 'style' && !t.closing)).toHaveLength(1);
}

function expectCspMatches(html: string): void {
  const { csp, styles, scripts } = pageParts(html);
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain(`style-src ${sha256Source(styles[0]!)};`);
  expect(csp).toContain(`script-src ${sha256Source(scripts[0]!)};`);
  expect(csp).not.toMatch(/unsafe|https?:|data:|\*/);
  // The policy comes before anything it governs.
  expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<style>'));
}

describe('escaping', () => {
  const s = [...ALL, ...Object.values(HTML_HOSTILE)].join(' | ');
  const doc: Doc = {
    title: `Title ${s}`,
    blocks: [
      {
        kind: 'section',
        title: `Section ${s}`,
        id: `id ${s}`,
        blocks: [
          { kind: 'paragraph', content: [s, { kind: 'strong', text: s }, { kind: 'em', text: s }, { kind: 'code', text: s }, { kind: 'frames', frames: [1, 2, 3] }, { kind: 'severity', severity: 'error' }, { kind: 'link', text: s, to: `id ${s}` }] },
          { kind: 'list', items: [[s], [{ kind: 'code', text: s }]] },
          { kind: 'kv', pairs: [[s, [s]]] },
          { kind: 'table', columns: [s, 'b'], rows: [[[s], [{ kind: 'strong', text: s }]]], details: { column: 0, rows: [[[s, [s]]]] } },
          { kind: 'findings', findings: [{ severity: 'error', rule: `T5${HTML_HOSTILE.img}` as DomainRuleId, alsoRules: [s as DomainRuleId], code: 'hostile', frames: [4], title: s, detail: s, fix: s, session: 1 }] },
          { kind: 'ladder', left: s, right: s, steps: [{ from: 'left', label: s, frame: 5, note: s, tone: 'bad' }, { from: 'right', label: s, frame: 6, note: s, rejected: true }] },
          { kind: 'code', text: `${s}\n${s}` },
          { kind: 'fold', summary: [s], blocks: [{ kind: 'paragraph', content: [s] }] },
        ],
      },
    ],
  };
  const html = renderHtml(doc, { generator: `gen ${s}` });

  it('markup in any string stays text: only the page’s own elements and attributes, links only inside the page', () => {
    expectOwnMarkup(html);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    // An entity in the data is shown as typed, not decoded.
    expect(html).toContain('&amp;lt;b&amp;gt;already an entity');
  });

  it('control, bidi and zero-width characters are shown as the terminal renderers show them, marked, and never raw', () => {
    expect(firstUnsafe(html.replace(/\n/g, ' '))).toBeUndefined();
    expect(html).toContain('<span class="ctl">\\x1b</span>[31mRED');
    expect(html).toContain('<span class="ctl">\\u202e</span>');
    // Inside the SVG an HTML span would end the SVG: the mark is a tspan there.
    const svg = html.slice(html.indexOf('<svg'), html.indexOf('</svg>'));
    expect(svg).toContain('<tspan class="ctl">\\x1b</tspan>');
    expect(svg).not.toContain('<span');
    // In element content every escape is marked (attributes hold the escapes as plain text).
    expect(html.replace(/<(t?span) class="ctl">[^<]*<\/\1>/g, '').replace(/<[^>]*>/g, '')).not.toMatch(/\\x1b\[31m/);
  });

  it('the policy’s hashes are those of the inline style and script, and it allows nothing else', () => expectCspMatches(html));

  it('ids and links: any string becomes one id, made of safe characters, and the link points at it', () => {
    const id = htmlId(`id ${s}`);
    expect(id).toMatch(/^[A-Za-z][A-Za-z0-9_-]*$/);
    expect(html).toContain(`id="${id}"`);
    expect(html).toContain(`href="#${id}"`);
    expect(htmlId('a b')).not.toBe(htmlId('a_b'));
    expect(htmlId('session-0-1-x.pcap')).not.toBe(htmlId('session-0-1-x_pcap'));
  });

  it('written in pieces, the page is the same', () => {
    expect([...renderHtmlChunks(doc, { generator: `gen ${s}` })].join('')).toBe(html);
  });
});

describe('the report as a page', async () => {
  const scenario = async (names: readonly string[], more: { redact?: boolean } = {}) => {
    const r = await runReport(names.map((n) => join(capturesDir, n)), { format: 'html', generator: 'ekuscope', ...more });
    expect(r.errors).toEqual([]);
    return r;
  };

  it('scenario 05: summary linked to the story, the ladder marks the alert and the rejected certificate, certificates unfold every field', async () => {
    const r = await scenario(['05-uc-traversal-eku-on-failed']);
    const html = r.text;
    expect(r.exitCode).toBe(1);
    expectOwnMarkup(html);
    expectCspMatches(html);
    // The summary's session cell links to the session's section.
    const link = /<a href="#([^"]+)">#0<\/a>/.exec(html)?.[1];
    expect(link).toBeDefined();
    expect(html).toContain(`<section class="s1 session" id="${link}">`);
    // The alert that ended it, banded and crossed, in frame 14; the client's Certificate (frame 12) marked rejected.
    expect(html).toMatch(/<g class="step bad" data-frame="14"><rect class="band band-bad"[^>]*\/>.*?✖ Alert fatal 43 unsupported_certificate/);
    expect(html).toMatch(/<g class="step plain rejected" data-frame="12">.*?✖ rejected by the peer/);
    // Every certificate of the table unfolds with serial, subject, issuer, EKU, KU, SAN, validity, SHA-256, store and file.
    const certs = [...html.matchAll(/<details class="cert">([\s\S]*?)<\/details>/g)].map((m) => m[1]!);
    expect(certs).toHaveLength(4);
    for (const c of certs) for (const k of ['serial', 'subject', 'issuer', 'EKU', 'Key Usage', 'SAN', 'validity', 'SHA-256', 'store', 'file']) expect(c).toContain(`<dt>${k}</dt>`);
    expect(certs[0]).toMatch(/<dt>SHA-256<\/dt><dd><code>[0-9a-f]{64}<\/code>/);
    expect(certs[0]).toContain('<dt>file</dt><dd><code>server_smartslave_2026-03-29_07_05_41.pem</code>');
    expect(certs[0]).toMatch(/<dt>validity<\/dt><dd>20\d\d-.* to 20\d\d-/);
    // The CertificateRequest, folded, with its CA names.
    expect(html).toMatch(/<details class="fold"><summary>CertificateRequest from Expressway-E smartslave: 3 certificate type\(s\), 20 signature algorithm\(s\), 4 CA name\(s\)/);
    expect(html).toContain('<li>CN=Example Public TLS CA 2026,O=Example Trust,C=US</li>');
  });

  it('each finding’s rule links to its explanation, which the page holds, read through ruleText', async () => {
    const html = (await scenario(['05-uc-traversal-eku-on-failed'])).text;
    const cited = [...new Set([...html.matchAll(/<a class="rule" href="#([^"]+)"/g)].map((m) => m[1]!))];
    expect(cited).toContain(ruleAnchor('T6'));
    for (const id of cited) expect(html).toContain(`<div id="${id}"><dt>`);
    expect(html).toContain(`<div id="${ruleAnchor('E2')}"><dt>E2 · ${ruleText('E2')!.title}</dt>`);
    // Findings carry severity as a symbol and a word.
    expect(html).toContain('<span class="badge sev-error">✖ ERROR</span>');
    expect(html).toContain('<span class="badge sev-ok">✔ OK</span>');
  });

  it('every rule a finding of any scenario cites has an explanation', async () => {
    const r = await runReport([capturesDir], { format: 'json', quiet: true });
    const ids = new Set(r.explanation!.findings.flatMap((f) => [f.rule, ...(f.alsoRules ?? [])]));
    expect(ids.size).toBeGreaterThan(5);
    expect([...ids].filter((id) => !ruleText(id))).toEqual([]);
  });

  it('every rule id the rule book’s source cites has an explanation', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const dir = join(repoRoot, 'src', 'expressway');
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const text = files.map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    const ids = new Set([...text.matchAll(/\brules?: '([ETCX]\d+)'|'([ETCX]\d+)'(?=[,\]])/g)].map((m) => (m[1] ?? m[2])!));
    expect(ids.size).toBeGreaterThan(15);
    expect([...ids].filter((id) => !ruleText(id))).toEqual([]);
  });

  it('--redact: no address or host name of the bundle is left in the page, the note says so', async () => {
    const html = (await scenario(['05-uc-traversal-eku-on-failed'], { redact: true })).text;
    expectOwnMarkup(html);
    expect(html).not.toMatch(/10\.106\.80\.(16|31)|smartslave\.vikdutta\.com|cluster\.s\.com/);
    expect(html).toContain('host-1');
    expect(html).toContain('replaced consistently (--redact)');
    // Ids and links are redacted alike, so the summary still reaches the story.
    const link = /<a href="#([^"]+)">#0<\/a>/.exec(html)![1]!;
    expect(html).toContain(`id="${link}"`);
  });

  it('several cases: one section per case, sessions inside, ids unique', async () => {
    const html = (await scenario(['01-webex-client-cert', '11-silent-close'])).text;
    expectOwnMarkup(html);
    expect(html).toContain('<section class="s1" id="x01-webex-client-cert-');
    expect(html).toContain('<h2>Case 11-silent-close</h2>');
    const ids = [...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    // The silent close (T8): the FIN is the marked step.
    expect(html).toMatch(/<g class="step bad" data-frame="\d+">.*?✖ TCP FIN.*?closed without an alert \(T8\)/);
  });

  it('sessions alike are told once, as in the text report', async () => {
    const retry = (alert: number): Parameters<typeof tlsCaptureMany>[0][number] => [
      { dir: 'c2s', bytes: handshakeRecords(clientHelloWith([sniExtension('vcs.example.com')])) },
      { dir: 's2c', bytes: handshakeRecords(serverHello12(), serverHelloDone()) },
      { dir: 'c2s', bytes: alertRecord(2, alert) },
      { fin: 'c2s' },
      { fin: 's2c' },
    ];
    const file = temp.file('retries.pcap', tlsCaptureMany([retry(40), retry(40), retry(40), retry(48)]));
    const html = (await runReport([file], { format: 'html' })).text;
    expect(html).toContain('Session #0 in retries.pcap: 10.0.0.1:20000 → 10.0.0.2:443 (and 2 more alike)');
    expect(html).toContain('2 more sessions went the same way');
    expect(html).not.toContain('Session #1 in');
    expect(html).toContain('Session #3 in');
  });

  it('a capture whose names are markup: the names are text, the page has only its own elements', async () => {
    const file = temp.file('markup.pcap', markupCapture());
    const html = (await runReport([file], { format: 'html' })).text;
    expectOwnMarkup(html);
    expectCspMatches(html);
    for (const v of Object.values(HTML_HOSTILE)) expect(html).toContain(v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'));
    expect(html).toContain(`<span class="ctl">\\u202e</span>`);
    expect(HOSTILE.rlo).toContain('\u202e');
  });
});

describe('CLI', () => {
  it('--format html, and --out FILE.html without --format, write the same page', async () => {
    const dir = join(capturesDir, '11-silent-close');
    const a = await cli('report', dir, '--format', 'html');
    expect(a.code).toBe(1);
    expect(a.out.startsWith('<!DOCTYPE html>')).toBe(true);
    const out = join(temp.dir, 'report.html');
    const b = await cli('report', dir, '--out', out);
    expect(b.code).toBe(1);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(out, 'utf8')).toBe(a.out);
    // An explicit --format wins over the file name.
    const c = await cli('report', dir, '--format', 'markdown', '--out', out);
    expect(c.code).toBe(1);
    expect(readFileSync(out, 'utf8').startsWith('# ekuscope report')).toBe(true);
  });

  it('check-store writes a page too', async () => {
    const r = await cli('check-store', join(capturesDir, '05-uc-traversal-eku-on-failed'), '--format', 'html');
    expect(r.out.startsWith('<!DOCTYPE html>')).toBe(true);
    expectOwnMarkup(r.out);
  });
});
