/**
 * No import circles in src/ or scripts/: a circle makes module order matter (a value read before its
 * module ran is undefined) and means two files cannot be read apart. Type-only imports count: they
 * tie the files together for a reader as much as value imports do.
 */
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/corpus.js';
import { importCycles, importGraph } from './helpers/imports.js';

describe('import circles', () => {
  it('src/ and scripts/ import each other in one direction only (type imports included)', () => {
    const graph = importGraph(repoRoot, ['src', 'scripts']);
    expect(graph.size).toBeGreaterThan(100);
    expect(importCycles(graph)).toEqual([]);
  });

  it('finds a circle and names every file on it, type imports and re-exports included', () => {
    const graph = new Map<string, string[]>([
      ['tui/store.ts', ['tui/help.ts', 'tui/keymap.ts', 'tui/layout.ts']],
      ['tui/help.ts', ['tui/keymap.ts']],
      ['tui/keymap.ts', ['tui/store.ts']],
      ['tui/layout.ts', []],
      ['cli/keylog.ts', ['cli/report.ts']],
      ['cli/report.ts', ['cli/keylog.ts']],
      ['self.ts', ['self.ts']],
    ]);
    expect(importCycles(graph).sort()).toEqual([
      'cli/keylog.ts → cli/report.ts → cli/keylog.ts',
      'self.ts → self.ts',
      'tui/help.ts → tui/keymap.ts → tui/store.ts → tui/help.ts',
    ]);
  });
});
