import { safeText } from '../bytes/text.js';
import { LinePieces } from './lines.js';
import { framesText, type Block, type Doc, type Finding, type Inline, type Severity } from '../narrate/doc.js';

export interface TextOptions {
  /** ANSI colour (the CLI decides: a TTY and no NO_COLOR). */
  readonly color: boolean;
  readonly width?: number;
}

const SGR = { reset: '\x1b[0m', bold: '\x1b[1m', dim: '\x1b[2m', red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m', blue: '\x1b[34m', cyan: '\x1b[36m' };

/** Symbols that carry the meaning without colour (monochrome terminals, NO_COLOR, pasted text). */
export const SEVERITY_SYMBOL: Record<Severity, string> = { error: '✖', warning: '▲', info: 'ℹ', ok: '✔' };
const SEVERITY_COLOR: Record<Severity, string> = { error: SGR.red, warning: SGR.yellow, info: SGR.blue, ok: SGR.green };

export function renderText(doc: Doc, opts: TextOptions): string {
  return [...renderTextChunks(doc, opts)].join('');
}

/**
 * renderText in pieces, a section at a time, for writing as it goes (a capture of a few GB has
 * thousands of sessions); joined they are exactly renderText's text.
 */
export function* renderTextChunks(doc: Doc, opts: TextOptions): Generator<string> {
  yield* textPieces(doc.title, doc.blocks, opts);
  yield '\n';
}

/** Sections of a document without its title, as renderTextChunks writes them (a story told as it comes: `report --follow`). */
export function renderTextSections(blocks: readonly Block[], opts: TextOptions): Generator<string> {
  return textPieces(undefined, blocks, opts);
}

function* textPieces(title: string | undefined, blocks: readonly Block[], opts: TextOptions): Generator<string> {
  const width = opts.width ?? 100;
  const c = (code: string, s: string) => (opts.color ? `${code}${s}${SGR.reset}` : s);
  const inline = (content: readonly Inline[]): string =>
    content
      .map((i) => {
        if (typeof i === 'string') return safeText(i);
        switch (i.kind) {
          case 'strong':
            return c(SGR.bold, safeText(i.text));
          case 'em':
          case 'link':
            return safeText(i.text);
          case 'code':
            return c(SGR.cyan, safeText(i.text));
          case 'frames':
            return c(SGR.dim, `(${framesText(i.frames)})`);
          case 'severity':
            return c(SEVERITY_COLOR[i.severity], SEVERITY_SYMBOL[i.severity]);
        }
      })
      .join('');

  const pieces = new LinePieces();
  const out = pieces.lines;
  const heading = (title: string, depth: number) => {
    const t = safeText(title);
    if (depth === 0) out.push(c(SGR.bold, t), c(SGR.bold, '═'.repeat(Math.min(t.length, 78))));
    else if (depth === 1) out.push('', c(SGR.bold, t), '─'.repeat(Math.min(t.length, 78)));
    else out.push('', c(SGR.bold, t));
  };
  const finding = (f: Finding, indent: string) => {
    const sev = c(SEVERITY_COLOR[f.severity], `${SEVERITY_SYMBOL[f.severity]} ${f.severity.toUpperCase()}`);
    const frames = f.frames.length ? ` ${c(SGR.dim, `(${framesText(f.frames)})`)}` : '';
    out.push(`${indent}${sev} [${safeText(f.rule)}] ${safeText(f.title)}${frames}`);
    for (const line of wrap(safeText(f.detail), (opts.width ?? 100) - indent.length - 4)) out.push(`${indent}    ${line}`);
    if (f.fix) {
      const fixLines = wrap(safeText(f.fix), (opts.width ?? 100) - indent.length - 9);
      fixLines.forEach((line, k) => out.push(`${indent}    ${k === 0 ? c(SGR.green, 'Fix:') : '    '} ${line}`));
    }
  };
  const block = function* (b: Block, depth: number): Generator<string> {
    switch (b.kind) {
      case 'section':
        heading(b.title, depth);
        for (const x of b.blocks) {
          yield* block(x, depth + 1);
          yield* pieces.piece();
        }
        break;
      case 'paragraph':
        out.push('', ...wrap(inline(b.content), opts.width ?? 100));
        break;
      case 'list':
        for (const item of b.items) wrap(inline(item), width - 4).forEach((l, k) => out.push(`${k === 0 ? '  • ' : '    '}${l}`));
        break;
      case 'kv': {
        const w = Math.max(...b.pairs.map(([k]) => k.length), 0);
        for (const [k, v] of b.pairs) wrap(inline(v), Math.max(30, width - w - 4)).forEach((l, i) => out.push(`  ${(i === 0 ? safeText(k) : '').padEnd(w)}  ${l}`));
        break;
      }
      case 'table': {
        const cells = b.rows.map((r) => r.map((cell) => inline(cell)));
        // Folded, not spread: a summary table has a row per story, hundreds of thousands in a large capture.
        const widths = b.columns.map((h, i) => cells.reduce((m, r) => Math.max(m, visibleLength(r[i] ?? '')), visibleLength(h)));
        // A table wider than the page wraps its last column (the long "why" or "verdict" text).
        const last = widths.length - 1;
        const before = widths.slice(0, last).reduce((a, x) => a + x + 2, 2);
        if (last > 0 && before + widths[last]! > width) widths[last] = Math.max(24, width - before);
        const line = (r: string[]) => '  ' + r.map((x, i) => x + ' '.repeat(Math.max(0, widths[i]! - visibleLength(x)))).join('  ').trimEnd();
        const rowLines = (r: string[]): string[] => {
          const tail = last > 0 ? wrap(r[last] ?? '', widths[last]!) : [];
          if (tail.length <= 1) return [line(r)];
          return tail.map((t, k) => line([...(k === 0 ? r.slice(0, last) : r.slice(0, last).map(() => '')), t]));
        };
        out.push(line(b.columns.map((h) => c(SGR.bold, safeText(h)))));
        out.push('  ' + widths.map((w) => '─'.repeat(w)).join('  '));
        for (const r of cells) out.push(...rowLines(r));
        break;
      }
      case 'findings':
        for (const f of b.findings) finding(f, '  ');
        break;
      case 'ladder':
        out.push(...ladder(b.left, b.right, b.steps, c));
        break;
      case 'code':
        for (const l of b.text.split('\n')) out.push(`    ${safeText(l)}`);
        break;
    }
  };
  if (title !== undefined) heading(title, 0);
  for (const b of blocks) {
    yield* block(b, 1);
    yield* pieces.piece();
  }
}

const ANSI = /\x1b\[[0-9;]*m/g;
function visibleLength(s: string): number {
  const plain = s.includes('\x1b') ? s.replace(ANSI, '') : s;
  // Code points, not UTF-16 units: an astral character is one column.
  let n = 0;
  for (let i = 0; i < plain.length; i++) {
    const c = plain.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}

function wrap(text: string, width: number): string[] {
  if (width < 20) width = 20;
  const lines: string[] = [];
  let cur = '';
  let curLen = 0;
  // Lengths are tracked, not recomputed: long reports wrap thousands of lines.
  for (const word of text.split(' ')) {
    const wl = visibleLength(word);
    if (cur && curLen + 1 + wl > width) {
      lines.push(cur);
      cur = word;
      curLen = wl;
    } else {
      cur = cur ? `${cur} ${word}` : word;
      curLen = cur === word ? wl : curLen + 1 + wl;
    }
  }
  if (cur) lines.push(cur);
  return lines;
}

function ladder(left: string, right: string, steps: readonly { from: 'left' | 'right'; label: string; frame: number; note?: string; tone?: string }[], c: (code: string, s: string) => string): string[] {
  const W = 44;
  const l = safeText(left);
  const r = safeText(right);
  const out = ['', `  ${'frame'.padStart(6)}  ${l}${' '.repeat(Math.max(1, W - l.length))}${r}`];
  for (const s of steps) {
    const label = safeText(s.label);
    const body = label.length > W - 6 ? label.slice(0, W - 7) + '…' : label;
    const fill = W - 4 - body.length;
    const arrow = s.from === 'left' ? `|─ ${body} ${'─'.repeat(Math.max(1, fill - 1))}▶|` : `|◀${'─'.repeat(Math.max(1, fill - 1))} ${body} ─|`;
    const tone = s.tone === 'bad' ? SGR.red : s.tone === 'warn' ? SGR.yellow : s.tone === 'muted' ? SGR.dim : '';
    out.push(`  ${String(s.frame).padStart(6)}  ${tone ? c(tone, arrow) : arrow}${s.note ? `  ${c(SGR.dim, safeText(s.note))}` : ''}`);
  }
  return out;
}
