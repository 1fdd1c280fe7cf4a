/**
 * HTML safety for strings that come from captures, certificates and file names. Every string is
 * escaped for HTML (& < > " '), so a subject named `<script>` or `"><img onerror=…>` stays text; and
 * control, bidi and zero-width characters are shown as the terminal renderers show them (`\x1b`,
 * `\u202e`: bytes/text.ts decides which), marked so a reader sees they were escaped.
 */
import { replaceUnsafe, safeText } from '../bytes/text.js';

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** The five characters HTML gives meaning to, as entities. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * Element content: escaped, each unsafe character shown as its escape inside a marking element
 * (`span` in HTML; `tspan` inside SVG, where an HTML `span` would end the SVG).
 */
export function htmlText(s: string, tag: 'span' | 'tspan' = 'span'): string {
  return replaceUnsafe(escapeHtml(s), (c) => `<${tag} class="ctl">${safeText(c)}</${tag}>`);
}

/** An attribute value (always written in double quotes): unsafe characters as escapes, then escaped. */
export function htmlAttr(s: string): string {
  return escapeHtml(safeText(s));
}

/**
 * An element id (and the fragment that links to it) from any string: only [A-Za-z0-9_-], and when
 * anything had to be replaced, a hash of the original so that two names never share an id.
 */
export function htmlId(s: string): string {
  const clean = s.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 80);
  if (clean === s && /^[A-Za-z]/.test(s)) return s;
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return `x${clean}-${h.toString(36)}`;
}
