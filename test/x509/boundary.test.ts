/**
 * ARCHITECTURE.md: src/x509 is the only importer of asn1js/pkijs, and inside it only the boundary
 * module touches them, so no library exception can escape anywhere else.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : /\.(ts|tsx)$/.test(n) ? [p] : [];
  });
}

describe('asn1js/pkijs boundary', () => {
  it('only src/x509/pkijs-boundary.ts imports asn1js or pkijs', () => {
    const importers = sources(path.join(REPO_ROOT, 'src'))
      .filter((f) => /from\s+['"](asn1js|pkijs)['"]|import\(\s*['"](asn1js|pkijs)['"]|require\(\s*['"](asn1js|pkijs)['"]/.test(readFileSync(f, 'utf8')))
      .map((f) => path.relative(REPO_ROOT, f).split(path.sep).join('/'));
    expect(importers).toEqual(['src/x509/pkijs-boundary.ts']);
  });
});
