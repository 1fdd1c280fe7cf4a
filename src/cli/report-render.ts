/** The report's formats and result: an explanation (or, told as the capture is read, its document) rendered in pieces. */
import type { Doc } from '../narrate/doc.js';
import type { ReportCase } from '../narrate/explain.js';
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

/** What `report` and `check-store` give back: the output (made when read) and what the exit code and a caller need. */
export interface ReportResult {
  readonly sessions: number;
  readonly exitCode: 0 | 1 | 2;
  /** The whole output (made when read). */
  readonly text: string;
  /** The output in pieces to write one after the other, without holding it whole (JSON: one per session). */
  pieces(): Iterable<string>;
  readonly explanation?: Explanation;
  /** What was read, case by case (the viewer shows the analyses). */
  readonly cases?: readonly ReportCase[];
  /** Usage or input errors (exit code 2), one sentence each. */
  readonly errors: readonly string[];
  /** How many findings the report has, session-bound and case-wide. */
  readonly findings?: number;
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
