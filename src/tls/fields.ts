import { latin1, toHex } from '../bytes/index.js';
import type { Field } from './types.js';

/** Builds a Field; `children` omitted when empty so trees stay small. */
export function field(
  label: string,
  offset: number,
  length: number,
  value?: string,
  code?: number,
  children?: readonly Field[],
): Field {
  const f: { -readonly [K in keyof Field]: Field[K] } = { label, offset, length };
  if (value !== undefined) f.value = value;
  if (code !== undefined) f.code = code;
  if (children !== undefined && children.length > 0) f.children = children;
  return f;
}

/**
 * Capture bytes as display text: printable ASCII kept, everything else as \xNN, so a hostile
 * name can never inject terminal escapes or line breaks into a report.
 */
export function printable(bytes: Uint8Array, max = 256): string {
  if (bytes.length <= max && plainAscii(bytes)) {
    // The common case (a host name) in one flat string, not one concatenation per character.
    return latin1(bytes);
  }
  let out = '';
  const n = Math.min(bytes.length, max);
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b >= 0x20 && b < 0x7f && b !== 0x5c) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  if (bytes.length > max) out += '…';
  return out;
}

function plainAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x20 || b >= 0x7f || b === 0x5c) return false;
  }
  return true;
}

/** Short hex for display: long values are elided in the middle. */
export function shortHex(bytes: Uint8Array, max = 32): string {
  if (bytes.length <= max) return toHex(bytes);
  return `${toHex(bytes.subarray(0, max / 2))}…${toHex(bytes.subarray(bytes.length - max / 2))} (${bytes.length} bytes)`;
}
