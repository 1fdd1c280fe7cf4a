/**
 * JSON for the terminal. JSON.stringify escapes C0 controls but leaves DEL, C1 controls (U+009B is
 * CSI to some terminals), bidi overrides, isolates and marks, zero-width and line/paragraph
 * separators as they are; written as \u escapes they keep the JSON value identical (JSON.parse gives
 * back the same string) and the output safe to print.
 */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;

export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) + '\n';
}
