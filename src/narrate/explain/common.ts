/** What the parts of the explainer share: a report's cases and options, a told session, and small wordings. */
import type { Analysis, Session } from '../../analysis/index.js';
import { boxTitle, type EndAssessment, type ExpresswayContext, type SessionAssessment } from '../../expressway/index.js';
import type { Finding, Inline, Severity } from '../doc.js';
import type { BoxLabel, SessionStory, StoryOutcome } from '../explanation.js';

/** One case of a report: a capture, a bundle (one or several boxes), or one scenario folder. */
export interface ReportCase {
  /** Display name: the folder or file name (never a full path). */
  readonly name: string;
  /** Display names of the inputs read (capture files, bundle files). */
  readonly inputs: readonly string[];
  readonly analyses: readonly Analysis[];
  readonly context: ExpresswayContext;
  /** Plain sentences about the inputs (bundle problems, key logs not used, ...). */
  readonly notes: readonly string[];
  /**
   * Several captures of the same handshakes (one per box of a bundle): tell each handshake once and
   * say where else it was captured. Off for unrelated capture files given together.
   */
  readonly dedupe?: boolean;
}

export interface ExplainOptions {
  readonly title?: string;
  /** "ekuscope 0.1.0", recorded in the JSON. */
  readonly generator?: string;
  /** Ladders for every session (default: failing, warning and mutual-TLS ones). */
  readonly allLadders?: boolean;
  /** The stories were written before the summary, each as its session came (`report --follow`). */
  readonly storiesAbove?: boolean;
}

export interface SessionEntry {
  readonly caseIndex: number;
  readonly analysis: Analysis;
  readonly a: SessionAssessment;
  readonly story: SessionStory;
  /** Same handshake also captured elsewhere (the other box's capture). */
  readonly alsoIn: readonly { readonly source: string; readonly session: Session }[];
}

export interface CaseEntry {
  readonly c: ReportCase;
  readonly sessions: SessionEntry[];
  readonly findings: Finding[];
}

export const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2, ok: 3 };

export function byFrames(text: string, frames: readonly number[]): Inline[] {
  const f = [...new Set(frames.filter((x) => x > 0))].sort((x, y) => x - y);
  return f.length ? [text, ' ', { kind: 'frames', frames: f }] : [text];
}

export function boxLabel(e: EndAssessment): BoxLabel {
  if (e.box) return { name: boxTitle(e.box), kind: e.box.edition, addresses: [...e.box.addresses] };
  if (e.peerName) return { name: e.peerName, kind: 'peer', addresses: [e.endpoint.ip] };
  return { name: e.endpoint.ip, kind: 'unknown', addresses: [e.endpoint.ip] };
}

export function storyOutcome(a: SessionAssessment): StoryOutcome {
  if (a.outcome.status === 'failed') return 'failed';
  if (a.findings.some((f) => f.severity === 'error' || f.severity === 'warning')) return a.outcome.status === 'unknown' ? 'unknown' : 'warning';
  return a.outcome.status === 'ok' ? 'ok' : a.outcome.status === 'warning' ? 'warning' : 'unknown';
}

export function serviceName(a: SessionAssessment): string | undefined {
  if (a.service.service) return a.service.service.name;
  if (a.service.candidates.length > 1) return a.service.candidates.map((c) => c.name).join(' or ');
  return undefined;
}
