/**
 * The neutral document every output is made from (as @peculiar/x509's TextObject): narration builds
 * it once; report/ serialises it as text, Markdown or JSON, and the TUI shows parts of it. Strings
 * here may come from captures: serialisers neutralise them (safeText), never the builders.
 */

import type { FindingSeverity, RuleFinding } from '../expressway/rules.js';

/** Findings are made by the rule book (expressway/rules.ts); the document carries them unchanged. */
export type Severity = FindingSeverity;
export type Finding = RuleFinding;

export type Inline =
  | string
  | { readonly kind: 'strong' | 'em' | 'code'; readonly text: string }
  /** Frame numbers that prove the sentence they sit in. */
  | { readonly kind: 'frames'; readonly frames: readonly number[] }
  /** A reference to the section of this document whose id is `to`; formats without links show the text. */
  | { readonly kind: 'link'; readonly text: string; readonly to: string }
  | { readonly kind: 'severity'; readonly severity: Severity };


export interface LadderStep {
  readonly from: 'left' | 'right';
  readonly label: string;
  readonly frame: number;
  readonly note?: string;
  readonly tone?: 'ok' | 'bad' | 'warn' | 'muted';
  /** The message the peer rejected (the certificate a failed handshake ends on), for formats that mark it. */
  readonly rejected?: boolean;
}

/** Label and value pairs, as a kv block holds them. */
export type Pairs = readonly (readonly [string, readonly Inline[]])[];

export type Block =
  | { readonly kind: 'section'; readonly title: string; readonly id?: string; readonly blocks: readonly Block[] }
  | { readonly kind: 'paragraph'; readonly content: readonly Inline[] }
  | { readonly kind: 'list'; readonly items: readonly (readonly Inline[])[] }
  | { readonly kind: 'kv'; readonly pairs: Pairs }
  | {
      readonly kind: 'table';
      readonly columns: readonly string[];
      readonly rows: readonly (readonly (readonly Inline[])[])[];
      /**
       * More about each row (a certificate's every field), opened on demand in the cell of column
       * `column` where the format can fold (HTML's <details>); text and Markdown show the columns only.
       */
      readonly details?: { readonly column: number; readonly rows: readonly (Pairs | undefined)[] };
    }
  /**
   * Detail a reader opens on demand (the CertificateRequest's every field): HTML folds it; text and
   * Markdown leave it out, as the story already tells it in a sentence.
   */
  | { readonly kind: 'fold'; readonly summary: readonly Inline[]; readonly blocks: readonly Block[] }
  | { readonly kind: 'findings'; readonly findings: readonly Finding[] }
  | { readonly kind: 'ladder'; readonly left: string; readonly right: string; readonly steps: readonly LadderStep[] }
  | { readonly kind: 'code'; readonly text: string };

export interface Doc {
  readonly title: string;
  readonly blocks: readonly Block[];
}

/** Inline text of a run, without markup (for widths, JSON, plain logs). */
export function plain(content: readonly Inline[]): string {
  return content
    .map((i) => {
      if (typeof i === 'string') return i;
      if (i.kind === 'frames') return framesText(i.frames);
      if (i.kind === 'severity') return i.severity;
      return i.text;
    })
    .join('');
}

/** "frame 12", "frames 12, 15", "frames 12–20" for runs. */
export function framesText(frames: readonly number[]): string {
  const sorted = [...new Set(frames)].sort((a, b) => a - b);
  if (sorted.length === 0) return '';
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j - i >= 2 ? `${sorted[i]}–${sorted[j]}` : j > i ? `${sorted[i]}, ${sorted[j]}` : `${sorted[i]}`);
    i = j + 1;
  }
  return `${sorted.length === 1 ? 'frame' : 'frames'} ${parts.join(', ')}`;
}

/** "incomplete: 55 of 1664 bytes captured" (C3), from the bytes kept when the message kept them. */
export function incompleteText(m: { readonly length: number; readonly bytes: Uint8Array; readonly bytesDropped?: boolean; readonly capturedBytes?: number }): string {
  const kept = (m.capturedBytes ?? m.bytes.length) - 4;
  return (!m.bytesDropped || m.capturedBytes !== undefined) && kept >= 0 && kept < m.length ? `incomplete: ${kept} of ${m.length} bytes captured` : `incomplete: fewer than ${m.length} bytes captured`;
}
