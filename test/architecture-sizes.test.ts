import { describe, expect, it } from 'vitest';
import { measureFunctions, measureSources } from './helpers/sizes.js';

/**
 * ARCHITECTURE.md: a file is read in one sitting (at most 700 lines), a function on one screen or two
 * (at most 120 lines of body). The lists below name what may be longer, with its length: a listed file
 * or function may shrink but not grow, and nothing new may join it. They are empty: every file of src/
 * is within both limits. A listed line that no longer describes anything fails the last test.
 */
const FILE_LIMIT = 700;
const FUNCTION_LIMIT = 120;

/** Files over the limit today: path → lines. */
const LONG_FILES: Record<string, number> = {};

/** Functions over the limit today: `path name` → lines of body. */
const LONG_FUNCTIONS: Record<string, number> = {};

const measured = measureSources();
const functionLengths = new Map<string, number>();
for (const f of measured.functions) {
  const key = `${f.file} ${f.name}`;
  functionLengths.set(key, Math.max(functionLengths.get(key) ?? 0, f.lines));
}

describe('architecture: sizes', () => {
  it('measures what it says: declarations, methods, named arrows and function expressions, by their bodies', () => {
    const text = [
      'export function one(a: number) {', // 1
      '  const inner = (b: number) => {', // 2
      '    return b + 1;', // 3
      '  };', // 4
      '  return inner(a);', // 5
      '}', // 6
      'class K {', // 7
      '  m(): void {', // 8
      '    [1, 2].map((x) => {', // 9
      '      return x;', // 10
      '    });', // 11
      '  }', // 12
      '  get g() { return 1; }', // 13
      '}', // 14
      'const short = (x: number) =>', // 15
      '  x * 2;', // 16
      'const o = { p: function () {', // 17
      '  return 1;', // 18
      '} };', // 19
    ].join('\n');
    const got = measureFunctions('src/example.ts', text).map((f) => [f.name, f.line, f.lines]);
    expect(got).toEqual([
      ['one', 1, 6],
      ['inner', 2, 3],
      ['K.m', 8, 5],
      ['K.g', 13, 1],
      ['short', 15, 1],
      ['p', 17, 3],
    ]);
  });

  it(`no file under src/ is over ${FILE_LIMIT} lines, except those listed, which do not grow`, () => {
    const bad = measured.files
      .filter((f) => f.lines > FILE_LIMIT && f.lines > (LONG_FILES[f.file] ?? 0))
      .map((f) => `${f.file}: ${f.lines} lines${LONG_FILES[f.file] ? ` (listed at ${LONG_FILES[f.file]})` : ''}`);
    expect(bad).toEqual([]);
  });

  it(`no function under src/ has a body over ${FUNCTION_LIMIT} lines, except those listed, which do not grow`, () => {
    const bad = [...functionLengths]
      .filter(([key, lines]) => lines > FUNCTION_LIMIT && lines > (LONG_FUNCTIONS[key] ?? 0))
      .map(([key, lines]) => `${key}: ${lines} lines${LONG_FUNCTIONS[key] ? ` (listed at ${LONG_FUNCTIONS[key]})` : ''}`);
    expect(bad).toEqual([]);
  });

  it('every listed file and function is still there and still too long (remove the line once it is split)', () => {
    const fileLines = new Map(measured.files.map((f) => [f.file, f.lines]));
    const stale = [
      ...Object.keys(LONG_FILES).filter((k) => (fileLines.get(k) ?? 0) <= FILE_LIMIT),
      ...Object.keys(LONG_FUNCTIONS).filter((k) => (functionLengths.get(k) ?? 0) <= FUNCTION_LIMIT),
    ];
    expect(stale).toEqual([]);
  });
});
