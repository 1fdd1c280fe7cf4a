import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/corpus.js';
import { importsOf, sourceFiles } from './helpers/imports.js';

/**
 * ARCHITECTURE.md: one direction of flow; each stage imports only from the stages above it.
 * tls may use the type-only contract in net/types.ts (what the reassembler delivers).
 */
const ALLOWED: Record<string, string[]> = {
  bytes: [],
  capture: ['bytes'],
  net: ['bytes', 'capture'],
  tls: ['bytes', 'net/types'],
  x509: ['bytes'],
  analysis: ['bytes', 'capture', 'net', 'tls', 'x509'],
  // The rule book (src/rules) is part of the Expressway stage: its rules read the Expressway context,
  // and the stage's index re-exports the registry and the assessment.
  expressway: ['bytes', 'capture', 'net', 'tls', 'x509', 'analysis', 'rules'],
  rules: ['bytes', 'capture', 'net', 'tls', 'x509', 'analysis', 'expressway'],
  narrate: ['bytes', 'capture', 'net', 'tls', 'x509', 'analysis', 'expressway', 'rules'],
  report: ['bytes', 'narrate'],
  tui: ['bytes', 'narrate', 'analysis', 'report'],
  cli: ['bytes', 'capture', 'net', 'tls', 'x509', 'analysis', 'expressway', 'rules', 'narrate', 'report', 'tui'],
};
const CORE = ['bytes', 'capture', 'net', 'tls', 'x509', 'analysis', 'expressway', 'rules', 'narrate'];

const src = join(repoRoot, 'src');
const files = sourceFiles(src);

describe('architecture', () => {
  it('the whole project type-checks (tsc --noEmit over src, test, scripts and bench), as `npm run typecheck` does', async () => {
    const { spawnSync } = await import('node:child_process');
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = spawnSync(process.execPath, [tsc, '--noEmit', '-p', join(repoRoot, 'tsconfig.json')], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 180_000);

  it('every source file sits in a known stage', () => {
    for (const f of files) {
      const stage = relative(src, f).split('/')[0]!;
      expect(Object.keys(ALLOWED), f).toContain(stage);
    }
  });
  it('no stage imports from a stage below it', () => {
    const bad: string[] = [];
    for (const f of files) {
      const rel = relative(src, f);
      const stage = rel.split('/')[0]!;
      for (const spec of importsOf(readFileSync(f, 'utf8'))) {
        if (!spec.startsWith('.')) continue;
        const target = relative(src, join(f, '..', spec)).replace(/\.(js|ts|tsx)$/, '');
        const tStage = target.split('/')[0]!;
        if (tStage === stage) continue;
        const ok = ALLOWED[stage]!.some((a) => a === tStage || target === a || target.startsWith(`${a}/`));
        if (!ok) bad.push(`${rel} imports ${target}`);
      }
    }
    expect(bad).toEqual([]);
  });
  it('the core stages use no UI, colour library or process globals', () => {
    const bad: string[] = [];
    for (const f of files) {
      const rel = relative(src, f);
      if (!CORE.includes(rel.split('/')[0]!)) continue;
      const text = readFileSync(f, 'utf8');
      for (const spec of importsOf(text)) if (/^(react|ink|chalk|kleur|picocolors|node:process|process)$/.test(spec) || spec.startsWith('ink-')) bad.push(`${rel} imports ${spec}`);
      if (/\bprocess\.(env|stdout|stderr|exit|argv|stdin)\b/.test(text)) bad.push(`${rel} uses process`);
    }
    expect(bad).toEqual([]);
  });
});
