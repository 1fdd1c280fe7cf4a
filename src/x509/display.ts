/**
 * Certificate text is attacker-controlled: a CN can carry ESC sequences that recolour or clear a
 * terminal, or a bidi override (U+202E) that makes "gpj.exe" read "exe.jpg". The decoded values
 * keep the bytes' meaning (they must equal Python cryptography's strings); anything that prints
 * them escapes them with this function first.
 */

// C0, DEL, C1 controls; bidi embeddings/overrides/isolates and marks (U+061C ALM too); zero-width and line/para separators.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;

export function hasUnsafeText(s: string): boolean {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(s);
}

/** Replaces each unsafe code point with a visible \u{XX} escape. */
export function escapeForDisplay(s: string): string {
  return s.replace(UNSAFE, (c) => `\\u{${c.codePointAt(0)!.toString(16).padStart(2, '0')}}`);
}
