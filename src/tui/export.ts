/**
 * Writes an exported certificate. The file name comes from narrate/views.ts (safe characters only);
 * an existing file is never overwritten: a counter is added instead.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type PemWriter = (dir: string, fileName: string, pem: string) => string;

export const writePem: PemWriter = (dir, fileName, pem) => {
  mkdirSync(dir, { recursive: true });
  const stem = fileName.replace(/\.pem$/, '');
  for (let i = 0; i < 1000; i++) {
    const name = i === 0 ? fileName : `${stem}-${i}.pem`;
    try {
      writeFileSync(join(dir, name), pem, { flag: 'wx', mode: 0o644 });
      return name;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  throw new Error(`too many files named ${fileName}`);
};
