/**
 * Certificate text is attacker-controlled: a CN can carry ESC sequences that recolour or clear a
 * terminal, or a bidi override (U+202E) that makes "gpj.exe" read "exe.jpg". The decoded values
 * keep the bytes' meaning (they must equal Python cryptography's strings); anything that prints
 * them escapes them with this function first.
 */

import { replaceUnsafe } from '../bytes/index.js';

/** The characters are those of bytes/text.ts (one list for every output); a certificate's are shown as \u{XX}. */
export { hasUnsafeText } from '../bytes/index.js';

/** Replaces each unsafe code point with a visible \u{XX} escape. */
export function escapeForDisplay(s: string): string {
  return replaceUnsafe(s, (c) => `\\u{${c.codePointAt(0)!.toString(16).padStart(2, '0')}}`);
}
