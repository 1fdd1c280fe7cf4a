import { wholeParts } from '../narrate/explain.js';
import type { Explanation } from '../narrate/explanation.js';

// Characters JSON.stringify leaves as they are but a terminal or an editor would act on (bidi
// overrides, line/paragraph separators, zero-width marks, C1 controls): written as \u escapes, which
// keeps the JSON value identical and the file safe to cat.
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;

function safe(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The versioned JSON model (schema/report.schema.json), pretty-printed. */
export function renderJson(expl: Explanation): string {
  return [...renderJsonChunks(expl)].join('');
}

/**
 * renderJson in pieces, session by session, for writing as it goes: a capture of a few GB has
 * thousands of sessions, and the whole text at once (two bytes a character as soon as one arrow is in
 * it) was the largest thing a report held. The pieces joined are exactly JSON.stringify(model, null, 2).
 */
export function* renderJsonChunks(expl: Explanation): Generator<string> {
  const parts = sessionParts(expl);
  if (parts === undefined) {
    // A model without sessions (check-store's): one piece.
    yield safe(JSON.stringify(expl.json, null, 2)) + '\n';
    return;
  }
  const { model } = parts;
  const it = parts.sessions()[Symbol.iterator]();
  let next = it.next();
  if (next.done) {
    yield safe(JSON.stringify({ ...model, sessions: [] }, null, 2)) + '\n';
    return;
  }
  // The model with one placeholder session: its line is where the sessions go.
  const marker = JSON.stringify('\u0000ekuscope: sessions here\u0000');
  const skeleton = JSON.stringify({ ...model, sessions: [JSON.parse(marker) as string] }, null, 2);
  const at = skeleton.indexOf(marker);
  const lineStart = skeleton.lastIndexOf('\n', at) + 1;
  const indent = skeleton.slice(lineStart, at);
  yield safe(skeleton.slice(0, lineStart));
  while (!next.done) {
    const one = JSON.stringify(next.value, null, 2).replace(/\n/g, '\n' + indent);
    next = it.next();
    yield safe(indent + one + (next.done ? '' : ',\n'));
  }
  yield safe(skeleton.slice(at + marker.length)) + '\n';
}

/**
 * The model and its sessions apart: made one at a time where the explanation can (the model is never
 * whole), else split from the whole model; undefined for a model without sessions.
 */
export function sessionParts(expl: Explanation): ReturnType<typeof wholeParts> {
  return expl.jsonParts?.() ?? wholeParts(expl.json as Record<string, unknown>);
}

/**
 * One element of the model's `sessions` or `findings` as renderJson writes it: indented, characters a
 * terminal would act on escaped. Made inside a list of a one-key object, which indents it as the
 * model's lists are (`{\n  "a": [\n` before it, `\n  ]\n}` after): a third less time than
 * indenting its lines afterwards.
 */
export function jsonElement(value: unknown): string {
  const s = JSON.stringify({ a: [value] }, null, 2);
  return safe(s.slice(11, s.length - 6));
}

/** A list of the model written from elements made one at a time (jsonElement), `count` of them. */
export interface JsonElements {
  readonly count: number;
  readonly pieces: Iterable<string>;
}

/**
 * The model written from its parts, for a report whose sessions and findings were rendered as they
 * came and set aside: `model` (its `sessions` and `findings` replaced) and those lists' elements.
 * The pieces joined are exactly renderJson's text for the whole model.
 */
export function* renderJsonFromParts(model: Readonly<Record<string, unknown>>, sessions: JsonElements, findings: JsonElements): Generator<string> {
  const marks = [JSON.stringify('\u0000ekuscope: sessions here\u0000'), JSON.stringify('\u0000ekuscope: findings here\u0000')];
  const lists = [sessions, findings];
  const listOf = (i: number) => (lists[i]!.count > 0 ? [JSON.parse(marks[i]!) as string] : []);
  let rest = JSON.stringify({ ...model, sessions: listOf(0), findings: listOf(1) }, null, 2);
  for (let i = 0; i < lists.length; i++) {
    if (lists[i]!.count === 0) continue;
    const at = rest.indexOf(marks[i]!);
    yield safe(rest.slice(0, rest.lastIndexOf('\n', at) + 1));
    let first = true;
    for (const piece of lists[i]!.pieces) {
      yield first ? piece : ',\n' + piece;
      first = false;
    }
    rest = rest.slice(at + marks[i]!.length);
  }
  yield safe(rest) + '\n';
}
