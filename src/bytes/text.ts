/**
 * Terminal and document safety for strings that come from captures, certificates and file names.
 * Control characters (C0, DEL, C1 — which covers ESC and so every ANSI/OSC sequence), bidi
 * overrides, isolates and marks (the "Trojan Source" characters, U+061C ARABIC LETTER MARK included),
 * and other invisible format characters are shown escaped instead of being interpreted by the
 * terminal or the reader's eye.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;

/** Replaces each unsafe character (see above) with what `escape` makes of it. */
export function replaceUnsafe(s: string, escape: (c: string) => string): string {
  return s.replace(UNSAFE, escape);
}

export function safeText(s: string): string {
  return replaceUnsafe(s, (c) => {
    const code = c.charCodeAt(0);
    if (c === '\n') return '\\n';
    if (c === '\t') return '\\t';
    if (c === '\r') return '\\r';
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** True when `safeText` would change the string (for a "contains control characters" warning). */
export function hasUnsafeText(s: string): boolean {
  UNSAFE.lastIndex = 0;
  const r = UNSAFE.test(s);
  UNSAFE.lastIndex = 0;
  return r;
}

/** Latin-1 bytes as text, for plaintext protocol snippets; unsafe characters escaped. */
export function safeAscii(bytes: Uint8Array, max = 200): string {
  let s = '';
  for (let i = 0; i < Math.min(bytes.length, max); i++) s += String.fromCharCode(bytes[i]!);
  return safeText(s) + (bytes.length > max ? '…' : '');
}

/**
 * Each byte as one character (Latin-1), as one flat string: a map key for bytes, or the text of bytes
 * already known to be printable. One call argument per byte: callers bound the length.
 */
export function latin1(bytes: Uint8Array): string {
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}
