/**
 * The contract between the explainer (narrate/explain.ts, built from the analysis and the
 * Expressway context) and its consumers: report/ serialisers, the TUI, lessons. Pure data.
 */
import type { Block, Doc, Finding, Inline, LadderStep } from './doc.js';

/** A box the explanation knows: an Expressway from a bundle or --expressway, or a named peer. */
export interface BoxLabel {
  /** "Expressway-E smartslave", "Webex", "CUCM", or the address when nothing better is known. */
  readonly name: string;
  readonly kind: 'expressway-c' | 'expressway-e' | 'expressway' | 'peer' | 'unknown';
  readonly addresses: readonly string[];
}

/** Overall verdict of one handshake, for colour, symbols and filtering. */
export type StoryOutcome = 'ok' | 'failed' | 'warning' | 'unknown';

/** The narration of one TLS session. */
export interface SessionStory {
  /** Analysis source (capture name) and TCP stream id: together they identify the session. */
  readonly source: string;
  readonly sessionId: number;
  /** One line: who → whom, service, version, outcome. */
  readonly headline: string;
  readonly outcome: StoryOutcome;
  readonly outcomeText: string;
  readonly service?: string;
  readonly client: BoxLabel;
  readonly server: BoxLabel;
  /** Plain sentences, each with the frames that prove it. */
  readonly sentences: readonly (readonly Inline[])[];
  readonly findings: readonly Finding[];
  readonly ladder: readonly LadderStep[];
  /** Extra blocks (certificate tables, CertificateRequest details) for reports. */
  readonly blocks: readonly Block[];
  /**
   * The section the report tells this story in, alone (not folded with sessions alike): the page of
   * one session (the viewer's export). Made when read; absent on a redacted copy.
   */
  readonly section?: Block;
}

export interface Explanation {
  readonly title: string;
  /** The whole report as a neutral document (text and Markdown render it). */
  readonly doc: Doc;
  readonly stories: readonly SessionStory[];
  /** Every finding, session-bound and capture- or store-wide. */
  readonly findings: readonly Finding[];
  /** The versioned JSON model (report --format json), documented by schema/. */
  readonly json: unknown;
  /**
   * The same model for writing as it goes: `model` with an empty `sessions` in its place, and the
   * sessions made one at a time (a capture of a few GB has thousands). Absent where only the whole
   * model exists (a redacted explanation).
   */
  jsonParts?(): { readonly model: Readonly<Record<string, unknown>>; sessions(): Iterable<unknown> };
}
