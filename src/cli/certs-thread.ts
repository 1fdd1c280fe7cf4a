/** Worker threads of the certs command: started from the compiled code or from the TypeScript sources. */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/**
 * A worker running the module `name` beside this one: compiled JavaScript in dist/ (what users
 * run), or, run from the TypeScript sources (tests, `tsx`), the .ts file, loaded through tsx's
 * loader, which the worker registers first (a worker does not inherit its parent's loader).
 */
export function startWorker(name: string, here: string = import.meta.url): Worker {
  if (!here.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, here));
  // tsx's ESM entry of its API (its CommonJS one cannot register the ESM loader from a worker).
  const api = pathToFileURL(createRequire(here).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
  const target = new URL(`./${name}.ts`, here).href;
  return new Worker(`import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(target)}); });`, { eval: true });
}
