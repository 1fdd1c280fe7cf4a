/**
 * JSON for the terminal. JSON.stringify escapes C0 controls but leaves DEL, C1 controls (U+009B is
 * CSI to some terminals), bidi overrides, isolates and marks, zero-width and line/paragraph
 * separators as they are; written as \u escapes they keep the JSON value identical (JSON.parse gives
 * back the same string) and the output safe to print.
 */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;

export function escapeUnsafe(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function jsonText(value: unknown): string {
  return escapeUnsafe(JSON.stringify(value, null, 2)) + '\n';
}

/**
 * Writes the same text as jsonText(array of the items), in pieces as the items come: a list of a
 * million TCP connections is written as it is made, never held as one string.
 */
export class JsonArrayWriter {
  private chunk = '';
  private count = 0;

  constructor(
    private readonly out: (text: string) => void,
    private readonly perChunk = 1000,
  ) {}

  push(item: unknown): void {
    // Stringified as the only element of an array, the item comes indented as it stands in the
    // list: no second pass over its text to indent it ('[\n  ' before it, '\n]' after).
    const text = escapeUnsafe(JSON.stringify([item], null, 2));
    this.chunk += (this.count === 0 ? '[\n' : ',\n') + text.slice(2, text.length - 2);
    if (++this.count % this.perChunk === 0) this.flush();
  }

  end(): void {
    this.chunk += this.count === 0 ? '[]\n' : '\n]\n';
    this.flush();
  }

  private flush(): void {
    this.out(this.chunk);
    this.chunk = '';
  }
}
