/** The report's formats: an explanation (or, told as the capture is read, its document) rendered in pieces. */
import type { Doc } from '../narrate/doc.js';
import type { Explanation } from '../narrate/explanation.js';
import { renderCsvChunks } from '../report/csv.js';
import { renderHtmlChunks } from '../report/html.js';
import { renderJsonChunks } from '../report/json.js';
import { renderMarkdownChunks } from '../report/markdown.js';
import { renderTextChunks } from '../report/text.js';

export type ReportFormat = 'text' | 'markdown' | 'json' | 'csv' | 'html';
export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'markdown', 'json', 'csv', 'html'];

/** The formats made from the document: text, Markdown and the web page. */
export type DocFormat = Exclude<ReportFormat, 'json' | 'csv'>;

export function isDocFormat(format: ReportFormat): format is DocFormat {
  return format !== 'json' && format !== 'csv';
}

/** What the document formats are rendered with. */
export interface RenderOptions {
  readonly color?: boolean;
  readonly width?: number;
  readonly generator?: string;
}

/** The output in pieces, written one after the other: JSON and CSV session by session, text and Markdown a section at a time. */
export function renderReport(expl: Explanation, format: ReportFormat, opts: RenderOptions): Iterable<string> {
  switch (format) {
    case 'json':
      return renderJsonChunks(expl);
    case 'csv':
      return renderCsvChunks(expl);
    default:
      return renderDocument(expl.doc, format, opts);
  }
}

/** A document in a document format, in pieces. */
export function renderDocument(doc: Doc, format: DocFormat, opts: RenderOptions): Iterable<string> {
  switch (format) {
    case 'markdown':
      return renderMarkdownChunks(doc);
    case 'html':
      return renderHtmlChunks(doc, opts.generator ? { generator: opts.generator } : {});
    case 'text':
      return renderTextChunks(doc, { color: opts.color === true, ...(opts.width ? { width: opts.width } : {}) });
  }
}
