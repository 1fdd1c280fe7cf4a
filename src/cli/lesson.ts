/**
 * `ekuscope lesson [NAME]`: reads the capture folders a lesson needs (each an Expressway bundle, or
 * several), analyses their captures, and hands them to the pure resolver in narrate/.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeCapture, KeyLog } from '../analysis/index.js';
import { openBundle, type Bundle } from '../expressway/bundle.js';
import { loadCertificates, type CertInfo } from '../x509/index.js';
import { captureKey, findLesson, lessonSources, LESSONS, type Lesson } from '../narrate/lessons.js';
import { lessonDoc, lessonListDoc } from '../narrate/lessons-doc.js';
import { resolveLesson, type LessonBox, type LessonCapture, type ResolvedLesson, type StoreFile } from '../narrate/lessons-resolve.js';
import { renderMarkdown } from '../report/markdown.js';
import { renderText } from '../report/text.js';

export class LessonUsageError extends Error {}

/** The captures/ folder shipped with the package (next to src/ and dist/). */
export function defaultCapturesDir(): string {
  return fileURLToPath(new URL('../../captures', import.meta.url));
}

function storeLeaf(b: Bundle, kind: 'client' | 'server'): StoreFile | undefined {
  const files = kind === 'client' ? b.stores.client : b.stores.server;
  const f = files[files.length - 1];
  if (!f?.bytes) return undefined;
  const certs: CertInfo[] = loadCertificates(f.bytes, f.name).certificates;
  const leaf = certs.find((c) => !c.basicConstraints?.cA) ?? certs[0];
  return leaf ? { cert: leaf, file: f.name } : undefined;
}

function boxOf(b: Bundle): LessonBox {
  const client = storeLeaf(b, 'client');
  const server = storeLeaf(b, 'server');
  const mode = b.xconf?.sipTlsEkuChecking.mode;
  return {
    host: b.host,
    addresses: b.xconf?.addresses ?? [],
    ...(mode === 'On' || mode === 'Off' ? { checking: mode } : {}),
    ...(client ? { clientStore: client } : {}),
    ...(server ? { serverStore: server } : {}),
  };
}

/** Opens one folder under captures/ and analyses every capture in it, decrypted with `keylog` when given. */
export async function loadLessonFolder(capturesDir: string, folder: string, keylog?: string): Promise<LessonCapture[] | undefined> {
  const path = join(capturesDir, folder);
  if (!existsSync(path)) return undefined;
  const keyPath = keylog !== undefined ? join(path, keylog) : undefined;
  if (keyPath !== undefined && !existsSync(keyPath)) return undefined;
  const keyLog = keyPath !== undefined ? KeyLog.fromFiles([keyPath]) : undefined;
  const set = await openBundle(path);
  const boxes = set.bundles.map(boxOf);
  const out: LessonCapture[] = [];
  for (const b of set.bundles) {
    for (const file of b.captures) {
      const a = await analyzeCapture(file.open(), { sourceName: file.name, messageBytes: 'all', ...(keyLog ? { keyLog } : {}) });
      out.push({ folder, host: b.host, file: file.name, ...(keylog !== undefined ? { keylog } : {}), sessions: a.sessions, pool: a.pool, boxes });
    }
  }
  return out;
}

/** The analysed captures a lesson needs, by folder; folders that do not exist are left out. */
export async function loadLessonCaptures(lesson: Lesson, capturesDir: string = defaultCapturesDir()): Promise<Map<string, LessonCapture[]>> {
  const map = new Map<string, LessonCapture[]>();
  for (const src of lessonSources(lesson)) {
    const loaded = await loadLessonFolder(capturesDir, src.capture, src.keylog);
    if (loaded) map.set(captureKey(src), loaded);
  }
  return map;
}

export async function loadLesson(lesson: Lesson, capturesDir: string = defaultCapturesDir()): Promise<ResolvedLesson> {
  return resolveLesson(lesson, await loadLessonCaptures(lesson, capturesDir));
}

export interface LessonOptions {
  print?: boolean;
  format?: string;
  captures?: string;
}

/** Resolves a lesson by name against the captures folder. */
export async function resolveNamedLesson(name: string, o: LessonOptions): Promise<ResolvedLesson> {
  const lesson = findLesson(name);
  if (!lesson) throw new LessonUsageError(`no lesson ${JSON.stringify(name)}: ${LESSONS.map((l) => l.name).join(', ')}`);
  return loadLesson(lesson, o.captures ?? defaultCapturesDir());
}

export function lessonProblems(r: ResolvedLesson): string[] {
  return [...r.missing.map((m) => `captures/${m} is not available`), ...r.problems];
}

/** Lists lessons, or resolves one for printing. Interactive mode is started by the caller. */
export async function lessonText(name: string | undefined, o: LessonOptions, color: boolean): Promise<{ text: string; problems: string[]; resolved?: ResolvedLesson }> {
  const format = o.format ?? (o.print ? 'markdown' : 'text');
  if (!['text', 'markdown', 'md'].includes(format)) throw new LessonUsageError(`--format must be text or markdown, not ${JSON.stringify(format)}`);
  const render = (doc: Parameters<typeof renderText>[0]) => (format === 'text' ? renderText(doc, { color }) : renderMarkdown(doc));
  if (name === undefined) return { text: render(lessonListDoc()), problems: [] };
  const resolved = await resolveNamedLesson(name, o);
  return { text: render(lessonDoc(resolved)), problems: lessonProblems(resolved), resolved };
}
