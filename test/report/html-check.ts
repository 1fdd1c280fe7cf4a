/**
 * What the HTML report's tests check a page with, without a browser: its elements and attributes (a
 * small tag scanner: in a page ekuscope wrote, every '<' of the data is an entity, so every '<' left
 * starts one of its own tags), its Content-Security-Policy and the inline style and script it allows;
 * and a capture whose certificates, SNI and CA names try to become HTML.
 */
import { createHash } from 'node:crypto';
import { HOSTILE } from '../hostile/hostile-data.js';
import { alertRecord, certificateMessage, certificateRequest12, clientHelloWith, handshakeRecords, serverHello12, serverHelloDone, sniExtension, tlsCapture } from '../hostile/lib.js';
import { ext, makeCert, name, seq, tlv, utf8 } from '../x509/helpers.js';

/** Names that are markup: each would add an element or run script if the page did not escape it. */
export const HTML_HOSTILE = {
  script: '<script>alert(1)</script>',
  img: '"><img src=x onerror=alert(2)>',
  svg: '<svg onload=alert(3)>',
  attr: "' onmouseover='alert(4)",
  style: '</style><style>body{display:none}</style>',
  iframe: '<iframe src="https://evil.example/"></iframe>',
  link: '<a href="javascript:alert(5)">x</a>',
  entity: '&lt;b&gt;already an entity&lt;/b&gt;',
} as const;

export interface Tag {
  readonly name: string;
  readonly closing: boolean;
  readonly attrs: readonly (readonly [string, string])[];
}

/** Every tag of the page, in order; throws on a '<' that starts no tag (data that was not escaped). */
export function tagsOf(html: string): Tag[] {
  const out: Tag[] = [];
  const body = html.replace(/^<!DOCTYPE html>/i, '');
  let i = 0;
  for (;;) {
    const lt = body.indexOf('<', i);
    if (lt < 0) return out;
    const m = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z_:][a-zA-Z0-9_:.-]*(?:="[^"<>]*")?)*)\s*\/?>/.exec(body.slice(lt, lt + 4000));
    if (!m) throw new Error(`a '<' that starts no tag at ${lt}: ${JSON.stringify(body.slice(lt, lt + 60))}`);
    const attrs = [...m[3]!.matchAll(/\s+([a-zA-Z_:][a-zA-Z0-9_:.-]*)(?:="([^"]*)")?/g)].map((a) => [a[1]!.toLowerCase(), a[2] ?? ''] as const);
    out.push({ name: m[2]!.toLowerCase(), closing: m[1] === '/', attrs });
    // The inline style and script hold CSS and JavaScript, not markup: skip to their end tag.
    const raw = !m[1] && (m[2] === 'style' || m[2] === 'script') ? body.indexOf(`</${m[2]}>`, lt) : -1;
    i = raw >= 0 ? raw : lt + m[0].length;
  }
}

/** The elements a report page is made of; anything else came from data. */
export const PAGE_ELEMENTS = new Set([
  'html', 'head', 'meta', 'title', 'style', 'body', 'header', 'main', 'footer', 'div', 'section', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'p', 'ul', 'li', 'dl', 'dt', 'dd', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'details', 'summary', 'span', 'strong', 'em', 'code',
  'pre', 'a', 'button', 'script', 'svg', 'g', 'text', 'tspan', 'line', 'path', 'rect',
]);

export const PAGE_ATTRIBUTES = new Set([
  'lang', 'charset', 'http-equiv', 'content', 'name', 'class', 'id', 'href', 'title', 'role', 'aria-label', 'aria-labelledby',
  'data-label', 'data-all', 'data-frame', 'type', 'hidden', 'scope', 'viewbox', 'width', 'height', 'xmlns', 'x', 'y', 'x1', 'y1', 'x2',
  'y2', 'd', 'rx', 'text-anchor',
]);

/** The one inline <style> and <script> text, and the policy meta's content. */
export function pageParts(html: string): { csp: string; styles: string[]; scripts: string[] } {
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1] ?? '';
  const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
  return { csp, styles, scripts };
}

export function sha256Source(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

const CN = '2.5.4.3';
const O = '2.5.4.10';
const MARKUP = Object.values(HTML_HOSTILE);

function markupCert(label: string, i: number): Uint8Array {
  const v = MARKUP[i % MARKUP.length]!;
  const w = MARKUP[(i + 3) % MARKUP.length]!;
  const san = seq(tlv(0x82, utf8(`${label}${v}.example`)), tlv(0x86, utf8(`https://x/${w}`)));
  return makeCert({
    serial: Uint8Array.of(0x20 + i),
    subject: name([CN, utf8(`${label} ${v}${i === 0 ? HOSTILE.rlo + HOSTILE.sgr : ''}`)], [O, utf8(`Org ${w}`)]),
    issuer: name([CN, utf8(`Issuer ${w}`)]),
    extensions: [ext('2.5.29.17', san), ext('2.5.29.37', seq(tlv(0x06, Uint8Array.of(0x2b, 6, 1, 5, 5, 7, 3, 1))))],
  });
}

/** A mutual-TLS handshake the server rejects (alert 43), every name in it markup. */
export function markupCapture(): Uint8Array {
  const server = MARKUP.map((_, i) => markupCert('server', i));
  const client = markupCert('client', 1);
  const caNames = MARKUP.map((v) => name([CN, utf8(`CA ${v}`)]));
  return tlsCapture([
    { dir: 'c2s', bytes: handshakeRecords(clientHelloWith([sniExtension(`a${HTML_HOSTILE.img}.example`)])) },
    { dir: 's2c', bytes: handshakeRecords(serverHello12(), certificateMessage(...server.slice(0, 4)), certificateRequest12(...caNames), serverHelloDone()) },
    { dir: 'c2s', bytes: handshakeRecords(certificateMessage(client, ...server.slice(4))) },
    { dir: 's2c', bytes: alertRecord(2, 43) },
    { fin: 's2c' },
    { fin: 'c2s' },
  ]).bytes;
}
