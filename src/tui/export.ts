/**
 * Writes what the viewer exports: a certificate as PEM (`e`), the selected session as a web page
 * (`E`). File names come from narrate/views.ts (safe characters only); an existing file is never
 * overwritten: a counter is added instead.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { captureLabel, safeFileName, type SessionEntry } from '../narrate/views.js';
import { renderHtml } from '../report/html.js';

/** Writes `text` as a new file in `dir`; returns the name it got. */
export type FileWriter = (dir: string, fileName: string, text: string) => string;
export type PemWriter = FileWriter;

export const writeNewFile: FileWriter = (dir, fileName, text) => {
  mkdirSync(dir, { recursive: true });
  const dot = fileName.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [fileName.slice(0, dot), fileName.slice(dot)] : [fileName, ''];
  for (let i = 0; i < 1000; i++) {
    const name = i === 0 ? fileName : `${stem}-${i}${ext}`;
    try {
      writeFileSync(join(dir, name), text, { flag: 'wx', mode: 0o644 });
      return name;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  throw new Error(`too many files named ${fileName}`);
};

export const writePem: PemWriter = writeNewFile;

export interface PageExport {
  /** Made only of [A-Za-z0-9_-], then ".html". */
  readonly fileName: string;
  readonly html: string;
  readonly description: string;
}

/** The selected session's story as the report's web page tells it, alone on its page. */
export function sessionPage(e: SessionEntry | undefined, generator = 'ekuscope'): PageExport | { readonly error: string } {
  if (!e) return { error: 'no session selected' };
  const section = e.story?.section;
  if (!section) return { error: 'the explanation is not ready yet (the captures are still being read)' };
  const html = renderHtml({ title: `ekuscope: session #${e.session.id} in ${e.capture.source}`, blocks: [section] }, { generator });
  return {
    fileName: `${safeFileName(`session-${captureLabel(e.capture.source)}-${e.session.id}`)}.html`,
    html,
    description: `session #${e.session.id} as a web page`,
  };
}
