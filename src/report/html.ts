/**
 * The report as one self-contained web page for tickets: inline CSS, an inline SVG ladder per
 * session, certificates and the CertificateRequest unfolding in <details>, each finding's rule linked
 * to its explanation at the end of the page. No network: no external font, script, style or image,
 * and a Content-Security-Policy (html-page.ts) that allows nothing but the page's own style and
 * script. Every string from a capture or a certificate is escaped (html-escape.ts).
 */
import { framesText, type Block, type Doc, type Finding, type Inline, type Pairs, type Severity } from '../narrate/doc.js';
import { ruleText, type RuleText } from '../narrate/rule-texts.js';
import { escapeHtml, htmlAttr, htmlId, htmlText } from './html-escape.js';
import { ladderSvg } from './html-ladder.js';
import { PAGE_SCRIPT, PAGE_STYLE, contentSecurityPolicy } from './html-page.js';
import { SEVERITY_SYMBOL } from './text.js';

export interface HtmlOptions {
  /** "ekuscope 0.1.0", shown in the page's header. */
  readonly generator?: string;
  /** What a rule says (default: narrate/rule-texts.ts), for the explanations the findings link to. */
  readonly rule?: (id: string) => RuleText | undefined;
}

const SEVERITY_WORD: Readonly<Record<Severity, string>> = { error: 'ERROR', warning: 'WARNING', info: 'INFO', ok: 'OK' };

/** The fragment a rule's explanation has in the page. */
export function ruleAnchor(id: string): string {
  return htmlId(`rule-${id}`);
}

export function renderHtml(doc: Doc, opts: HtmlOptions = {}): string {
  return [...renderHtmlChunks(doc, opts)].join('');
}

function inline(content: readonly Inline[]): string {
  let out = '';
  for (const i of content) {
    if (typeof i === 'string') {
      out += htmlText(i);
      continue;
    }
    switch (i.kind) {
      case 'strong':
        out += `<strong>${htmlText(i.text)}</strong>`;
        break;
      case 'em':
        out += `<em>${htmlText(i.text)}</em>`;
        break;
      case 'code':
        out += `<code>${htmlText(i.text)}</code>`;
        break;
      case 'link':
        out += `<a href="#${htmlId(i.to)}">${htmlText(i.text)}</a>`;
        break;
      case 'frames':
        out += i.frames.length ? `<span class="frames">(${framesText(i.frames)})</span>` : '';
        break;
      case 'severity':
        out += `<span class="sym sev-${i.severity}" role="img" aria-label="${i.severity}" title="${i.severity}">${SEVERITY_SYMBOL[i.severity]}</span>`;
        break;
    }
  }
  return out;
}

function pairs(p: Pairs, cls = 'kv'): string {
  return `<dl class="${cls}">${p.map(([k, v]) => `<dt>${htmlText(k)}</dt><dd>${inline(v)}</dd>`).join('')}</dl>`;
}

function table(b: Extract<Block, { kind: 'table' }>): string {
  const head = `<thead><tr>${b.columns.map((c) => `<th scope="col">${htmlText(c)}</th>`).join('')}</tr></thead>`;
  const body = b.rows
    .map((r, ri) => {
      const more = b.details?.rows[ri];
      const cells = r.map((cell, ci) => {
        const content = more && ci === b.details!.column ? `<details class="cert"><summary>${inline(cell)}</summary>${pairs(more)}</details>` : inline(cell);
        return `<td data-label="${htmlAttr(b.columns[ci] ?? '')}">${content}</td>`;
      });
      return `<tr>${cells.join('')}</tr>`;
    })
    .join('');
  return `<div class="table-wrap"><table class="stack">${head}<tbody>${body}</tbody></table></div>`;
}

function finding(f: Finding, cited: Set<string>): string {
  const rules = [f.rule, ...(f.alsoRules ?? [])];
  for (const r of rules) cited.add(r);
  const links = rules.map((r, i) => `<a class="rule" href="#${ruleAnchor(r)}" title="${i === 0 ? 'the rule this rests on' : 'also'}: ${htmlAttr(r)}">${htmlText(r)}</a>`).join(' ');
  const frames = f.frames.length ? ` <span class="frames">(${framesText(f.frames)})</span>` : '';
  const sev = `<span class="badge sev-${f.severity}">${SEVERITY_SYMBOL[f.severity]} ${SEVERITY_WORD[f.severity]}</span>`;
  return (
    `<li class="finding sev-${f.severity}"><div class="fhead">${sev} ${links} <span class="title">${htmlText(f.title)}</span>${frames}</div>` +
    `<p>${htmlText(f.detail)}</p>${f.fix ? `<p class="fix"><strong>Fix:</strong> ${htmlText(f.fix)}</p>` : ''}</li>`
  );
}

interface RenderState {
  readonly cited: Set<string>;
  readonly ids: Map<string, number>;
  ladders: number;
}

/** An id for a section: the document's own when it has one, unique in the page either way. */
function sectionId(st: RenderState, wanted: string | undefined, title: string): string {
  const base = htmlId(wanted ?? `sec-${title.slice(0, 40)}`);
  const n = st.ids.get(base) ?? 0;
  st.ids.set(base, n + 1);
  return n === 0 ? base : `${base}-${n + 1}`;
}

function* block(b: Block, depth: number, st: RenderState): Generator<string> {
  switch (b.kind) {
    case 'section': {
      const id = sectionId(st, b.id, b.title);
      const h = Math.min(6, depth + 1);
      const session = b.id?.startsWith('session') ? ' session' : '';
      yield `<section class="s${Math.min(depth, 2)}${session}" id="${id}"><h${h}>${htmlText(b.title)}</h${h}>`;
      for (const x of b.blocks) yield* block(x, depth + 1, st);
      yield '</section>';
      break;
    }
    case 'paragraph':
      yield `<p>${inline(b.content)}</p>`;
      break;
    case 'list':
      yield `<ul>${b.items.map((i) => `<li>${inline(i)}</li>`).join('')}</ul>`;
      break;
    case 'kv':
      yield pairs(b.pairs);
      break;
    case 'table':
      yield table(b);
      break;
    case 'findings':
      yield `<ul class="findings">${b.findings.map((f) => finding(f, st.cited)).join('')}</ul>`;
      break;
    case 'ladder':
      yield ladderSvg(b.left, b.right, b.steps, `ladder-${++st.ladders}`);
      break;
    case 'code':
      yield `<pre>${b.text.split('\n').map((l) => htmlText(l)).join('\n')}</pre>`;
      break;
    case 'fold': {
      yield `<details class="fold"><summary>${inline(b.summary)}</summary>`;
      for (const x of b.blocks) yield* block(x, depth + 1, st);
      yield '</details>';
      break;
    }
  }
}

function head(doc: Doc, opts: HtmlOptions): string {
  const legend = (['ok', 'error', 'warning', 'info'] as const).map((s) => `<span><span class="sym sev-${s}">${SEVERITY_SYMBOL[s]}</span> ${s}</span>`).join(' ');
  return (
    '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
    `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy()}">\n` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n<meta name="referrer" content="no-referrer">\n<meta name="color-scheme" content="light dark">\n' +
    `<meta name="generator" content="${htmlAttr(opts.generator ?? 'ekuscope')}">\n<title>${htmlText(doc.title)}</title>\n` +
    `<style>${PAGE_STYLE}</style>\n</head>\n<body>\n` +
    `<header class="top"><div class="wrap"><div class="brand">${htmlText(opts.generator ?? 'ekuscope')}</div><h1>${htmlText(doc.title)}</h1>` +
    `<p class="meta"><span class="legend">${legend}</span><span>[E2], [T6], [X4]: the rule a conclusion rests on, explained at the end</span>` +
    '<span class="noprint"><button type="button" data-all="open" hidden>open all details</button> <button type="button" data-all="close" hidden>close all</button></span></p></div></header>\n<main class="wrap">\n'
  );
}

function rulesSection(cited: ReadonlySet<string>, rule: (id: string) => RuleText | undefined): string {
  if (cited.size === 0) return '';
  const order = (id: string) => `${'ETCX'.indexOf(id[0] ?? '') + 1 || 9}${id.slice(1).padStart(3, '0')}`;
  const items = [...cited]
    .sort((a, b) => order(a).localeCompare(order(b)))
    .map((id) => {
      const r = rule(id);
      return `<div id="${ruleAnchor(id)}"><dt>${htmlText(id)}${r ? ` · ${htmlText(r.title)}` : ''}</dt><dd>${r ? htmlText(r.text) : 'No explanation of this rule is recorded in this version.'}</dd></div>`;
    });
  return `<section class="s1" id="rules"><h2>Rules cited</h2><p>The numbered rules the findings above rest on: E for certificates and EKU, T for the TLS handshake, C for what a capture can show, X for Expressway.</p><dl class="rules">${items.join('')}</dl></section>\n`;
}

/**
 * renderHtml in pieces, a section at a time, for writing as it goes (a capture of a few GB has
 * thousands of sessions); joined they are exactly renderHtml's page.
 */
export function* renderHtmlChunks(doc: Doc, opts: HtmlOptions = {}): Generator<string> {
  const st: RenderState = { cited: new Set(), ids: new Map(), ladders: 0 };
  let piece = head(doc, opts);
  for (const b of doc.blocks) {
    for (const part of block(b, 1, st)) {
      piece += part;
      if (piece.length > 32_768) {
        yield piece;
        piece = '';
      }
    }
    piece += '\n';
  }
  piece += rulesSection(st.cited, opts.rule ?? ruleText);
  yield `${piece}</main>\n<footer class="wrap">Made by ${htmlText(opts.generator ?? 'ekuscope')}: every sentence names the frames that show it. This page loads nothing from the network.</footer>\n<script>${PAGE_SCRIPT}</script>\n</body>\n</html>\n`;
}
