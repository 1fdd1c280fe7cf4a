import type { Explanation } from '../narrate/explanation.js';

// Characters JSON.stringify leaves as they are but a terminal or an editor would act on (bidi
// overrides, line/paragraph separators, zero-width marks, C1 controls): written as \u escapes, which
// keeps the JSON value identical and the file safe to cat.
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;

/** The versioned JSON model (schema/report.schema.json), pretty-printed. */
export function renderJson(expl: Explanation): string {
  return JSON.stringify(expl.json, null, 2).replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) + '\n';
}
