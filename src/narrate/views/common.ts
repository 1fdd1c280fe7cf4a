/** The viewer's inputs (captures and their narration) and the display vocabulary every view shares. */
import { safeText } from '../../bytes/text.js';
import type { Session } from '../../analysis/index.js';
import { classifyBundleFileName } from '../../expressway/index.js';
import type { CertInfo } from '../../x509/index.js';
import type { Finding, Severity } from '../doc.js';
import type { Explanation, SessionStory, StoryOutcome } from '../explanation.js';

/** One capture as the viewer needs it: an Analysis, or a live snapshot of one still being read. */
export interface CaptureData {
  readonly source: string;
  readonly sessions: readonly Session[];
  readonly pool: { get(id: string): CertInfo | undefined };
  /** A short name for lists (e.g. the case folder when several are open); else one is made from `source`. */
  readonly label?: string;
}

export interface ViewData {
  readonly captures: readonly CaptureData[];
  /** Absent while the captures are still being read, or when no explanation could be made. */
  readonly explanation?: Explanation;
  /** Before the explanation: the stories of the sessions that have settled (a file followed as it grows). */
  readonly stories?: readonly SessionStory[];
  /** In place of an explanation: each session told when it is shown, its list line marked as its rules are read. */
  readonly teller?: StoryTeller;
}

/** One line of the sessions pane. */
export interface SessionRow {
  readonly key: string;
  readonly captureLabel: string;
  readonly sessionId: number;
  readonly clientAddr: string;
  readonly serverAddr: string;
  readonly clientName?: string;
  readonly serverName?: string;
  readonly service: string;
  readonly version: string;
  readonly outcome: StoryOutcome;
  readonly outcomeText: string;
  readonly symbol: string;
  readonly tone: Tone;
  readonly findings: number;
  /** Lower-case text the session filter searches: hosts, ports, outcome, serials, subjects. */
  readonly haystack: string;
}

/**
 * The narration told when asked, for captures read whole: telling every session up front kept every
 * assessment (a busy 1 GB capture's 20,109: ~200 MB and seconds before the list was final). Sessions
 * are named by their row key (sessionKey: their capture's place in ViewData.captures and their id).
 */
export interface StoryTeller {
  /** False: the same handshake is told from another capture (a bundle's two boxes), so the list leaves it out. */
  tells(key: string): boolean;
  /** The session's list line once its rules have been read (marked by outcome and findings); before, undefined. */
  row(key: string): SessionRow | undefined;
  /** The lines on screen, by row key: their marks are made next. */
  prefer(keys: readonly string[]): void;
  /** The session's story, told now if it is not at hand. */
  story(key: string): SessionStory | undefined;
  /** Every session's line is marked and the case-wide findings are known. */
  readonly finished: boolean;
  /** Capture- or store-wide findings (no session), once finished. */
  readonly generalFindings: readonly Finding[];
}

/** What a piece of text means, for colour; symbols carry the same meaning without colour. */
export type Tone = 'ok' | 'bad' | 'warn' | 'info' | 'muted' | 'accent' | 'plain';

/** A run of display text. `text` is already safe to print. */
export interface Seg {
  readonly text: string;
  readonly tone?: Tone;
  readonly bold?: boolean;
  /** Highlighted (the selected field's bytes, the current finding). */
  readonly hl?: boolean;
}

export const OUTCOME_SYMBOL: Readonly<Record<StoryOutcome, string>> = { ok: '✔', failed: '✖', warning: '▲', unknown: '?' };
export const OUTCOME_TONE: Readonly<Record<StoryOutcome, Tone>> = { ok: 'ok', failed: 'bad', warning: 'warn', unknown: 'muted' };
export const SEVERITY_SYMBOL: Readonly<Record<Severity, string>> = { error: '✖', warning: '▲', info: 'ℹ', ok: '✔' };
export const SEVERITY_TONE: Readonly<Record<Severity, Tone>> = { error: 'bad', warning: 'warn', info: 'info', ok: 'ok' };

/** A short name for a capture: the host tag of an Expressway capture file, else the file name. */
export function captureLabel(source: string): string {
  const base = source.split(/[\\/]/).pop() ?? source;
  const c = classifyBundleFileName(base);
  const label = c?.kind === 'capture' ? c.host : base;
  return safeText(label.length > 24 ? `${label.slice(0, 23)}…` : label);
}
