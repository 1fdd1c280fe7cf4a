import { safeText } from '../bytes/text.js';
import { LinePieces } from './lines.js';
import { framesText, type Block, type Doc, type Inline, type LadderStep } from '../narrate/doc.js';
import { SEVERITY_SYMBOL } from './text.js';

/** Markdown for tickets: safe against control characters and against markup hidden in capture strings. */
export function renderMarkdown(doc: Doc): string {
  return [...renderMarkdownChunks(doc)].join('');
}

/**
 * renderMarkdown in pieces, a section at a time, for writing as it goes (a capture of a few GB has
 * thousands of sessions); joined they are exactly renderMarkdown's text.
 */
export function* renderMarkdownChunks(doc: Doc): Generator<string> {
  const pieces = new LinePieces();
  const out = pieces.lines;
  out.push(`# ${md(doc.title)}`);
  const block = function* (b: Block, depth: number): Generator<string> {
    switch (b.kind) {
      case 'section':
        out.push('', `${'#'.repeat(Math.min(6, depth + 1))} ${md(b.title)}`);
        for (const x of b.blocks) {
          yield* block(x, depth + 1);
          yield* pieces.piece();
        }
        break;
      case 'paragraph':
        out.push('', inline(b.content));
        break;
      case 'list':
        out.push('');
        for (const i of b.items) out.push(`- ${inline(i)}`);
        break;
      case 'kv':
        out.push('', '| | |', '|---|---|');
        for (const [k, v] of b.pairs) out.push(`| **${cell(k)}** | ${cellInline(v)} |`);
        break;
      case 'table':
        out.push('', `| ${b.columns.map(cell).join(' | ')} |`, `|${b.columns.map(() => '---').join('|')}|`);
        for (const r of b.rows) out.push(`| ${r.map(cellInline).join(' | ')} |`);
        break;
      case 'findings':
        for (const f of b.findings) {
          out.push('', `- ${SEVERITY_SYMBOL[f.severity]} **${f.severity.toUpperCase()}** \`${safeText(f.rule).replace(/`/g, "'")}\` ${md(f.title)}${f.frames.length ? ` (${framesText(f.frames)})` : ''}`);
          out.push(`  ${md(f.detail)}`);
          if (f.fix) out.push(`  **Fix:** ${md(f.fix)}`);
        }
        break;
      case 'ladder':
        out.push('', '```mermaid', ...mermaid(b.left, b.right, b.steps), '```');
        break;
      case 'code':
        out.push('', '```', ...b.text.split('\n').map((l) => safeText(l).replace(/```/g, "'''")), '```');
        break;
    }
  };
  for (const b of doc.blocks) {
    yield* block(b, 1);
    yield* pieces.piece();
  }
  yield '\n';
}

/** Escapes Markdown/HTML syntax so a certificate subject cannot become a link, image or heading. */
export function md(s: string): string {
  return safeText(s).replace(/([\\`*_{}[\]()#+!|<>~])/g, '\\$1');
}

function cell(s: string): string {
  return md(s);
}

function inline(content: readonly Inline[]): string {
  return content
    .map((i) => {
      if (typeof i === 'string') return md(i);
      switch (i.kind) {
        case 'strong':
          return `**${md(i.text)}**`;
        case 'em':
          return `*${md(i.text)}*`;
        case 'link':
          return md(i.text);
        case 'code':
          return `\`${safeText(i.text).replace(/`/g, "'")}\``;
        case 'frames':
          return `(${framesText(i.frames)})`;
        case 'severity':
          return SEVERITY_SYMBOL[i.severity];
      }
    })
    .join('');
}

function cellInline(content: readonly Inline[]): string {
  return inline(content);
}

/** Mermaid sequence diagram: participant names and labels reduced to a safe alphabet. */
function mermaid(left: string, right: string, steps: readonly LadderStep[]): string[] {
  // Mermaid's own syntax characters (; # < > { } [ ] " | and line breaks) never pass; plain punctuation does.
  const name = (s: string) => safeText(s).replace(/[^A-Za-z0-9 .:\-_()/,+=…→]/g, '_');
  const lines = ['sequenceDiagram', `    participant L as ${name(left)}`, `    participant R as ${name(right)}`];
  for (const s of steps) {
    const arrow = s.tone === 'bad' ? '-x' : '->>';
    const label = `${name(s.label)} (frame ${s.frame})`;
    lines.push(s.from === 'left' ? `    L${arrow}R: ${label}` : `    R${arrow}L: ${label}`);
    if (s.note) lines.push(`    Note over ${s.from === 'left' ? 'L' : 'R'}: ${name(s.note)}`);
  }
  return lines;
}
