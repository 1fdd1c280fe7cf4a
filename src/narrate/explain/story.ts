/**
 * A session's story: headline, sentences, findings, ladder and certificate table. The long parts are made
 * each time they are read, not kept (see the getters below).
 */
import { certName, ekuText, serialText, type RuleFinding, type SessionAssessment } from '../../expressway/index.js';
import type { Block, Finding, Inline, LadderStep, Pairs } from '../doc.js';
import { certificateDetails, certificateRequestFold } from '../details.js';
import type { SessionStory } from '../explanation.js';
import { certificateRequestSentences } from './certificate-request.js';
import { clientCertificateSentences, serverCertificateSentences } from './certificates.js';
import { SEVERITY_ORDER, boxLabel, serviceName, storyOutcome, type SessionEntry } from './common.js';
import { sessionSection } from './document.js';
import { helloSentences } from './hellos.js';
import { storeEntryFor } from './json.js';
import { buildLadder } from './ladder.js';
import { endSentences, logSentences, tls13Sentences } from './outcome.js';

/** A story's sentences, in the order the handshake went: each part tells what its frames show. */
function buildSentences(a: SessionAssessment, alsoIn: SessionEntry['alsoIn']): Inline[][] {
  return [
    ...helloSentences(a),
    ...serverCertificateSentences(a),
    ...certificateRequestSentences(a),
    ...clientCertificateSentences(a),
    ...tls13Sentences(a),
    ...endSentences(a),
    ...logSentences(a, alsoIn),
  ];
}

function headline(a: SessionAssessment): string {
  const svc = serviceName(a);
  const o = a.outcome.status === 'ok' ? 'OK' : a.outcome.status === 'failed' ? 'FAILED' : a.outcome.status === 'warning' ? 'WARNING' : 'UNKNOWN';
  // A guessed direction (C2) is not drawn as a fact.
  return `${a.client.short} ${a.session.roleGuess ? '⇄' : '→'} ${a.server.short}:${a.server.endpoint.port}${svc ? ` · ${svc}` : ''} · ${a.versionText} · ${o}: ${a.outcome.text}`;
}

function certTable(a: SessionAssessment, haveStores: boolean): Block | undefined {
  const rows: Inline[][][] = [];
  const details: Pairs[] = [];
  for (const p of [a.presented.server, a.presented.client]) {
    if (!p) continue;
    p.certs.forEach((c, i) => {
      const e = storeEntryFor(p, i);
      const mismatch = i === 0 && p.store.kind === 'other-store';
      const store = e ? `${e.box} ${e.role === 'ca' ? 'trusted CA' : `${e.role} store`}${mismatch ? ' (not the expected store)' : ''}` : 'not in any store';
      const row: Inline[][] = [[String(p.message.frame)], [p.from], [String(i)], [certName(c)], [{ kind: 'code', text: serialText(c) }], [c.error ? '?' : ekuText(c)]];
      rows.push(haveStores ? [...row, [store]] : row);
      details.push(certificateDetails(c, e));
    });
  }
  if (rows.length === 0) return undefined;
  const columns = ['frame', 'from', '#', 'subject', 'serial', 'EKU'];
  return { kind: 'table', columns: haveStores ? [...columns, 'store'] : columns, rows, details: { column: 3, rows: details } };
}

export function toFinding(f: RuleFinding): Finding {
  return f;
}

export function sortFindings(fs: readonly Finding[]): Finding[] {
  return [...fs].sort((x, y) => SEVERITY_ORDER[x.severity] - SEVERITY_ORDER[y.severity]);
}

/** What a story's sentences, ladder and certificate table are made from, each time they are read. */
interface StorySource {
  readonly a: SessionAssessment;
  readonly alsoIn: SessionEntry['alsoIn'];
  readonly notable: boolean;
  readonly haveStores: boolean;
}
const STORY_SOURCE = Symbol('story source');
type WithSource = { readonly [STORY_SOURCE]: StorySource };
function storySentences(this: WithSource): Inline[][] {
  const src = this[STORY_SOURCE];
  return buildSentences(src.a, src.alsoIn);
}
function storyLadder(this: WithSource): LadderStep[] {
  const src = this[STORY_SOURCE];
  return src.notable ? buildLadder(src.a) : [];
}
function storyBlocks(this: WithSource): Block[] {
  const a = this[STORY_SOURCE].a;
  const t = certTable(a, this[STORY_SOURCE].haveStores);
  const cr = a.session.certificateRequest;
  return [...(t ? [t] : []), ...(cr ? [certificateRequestFold(cr, a.server.short)] : [])];
}
/** The story as the report tells it alone (no sessions alike): the viewer's page of one session. */
function storySection(this: WithSource & SessionStory): Block {
  const src = this[STORY_SOURCE];
  return sessionSection({ a: src.a, alsoIn: src.alsoIn, story: this });
}
// The long parts of a story (its sentences, ladder and certificate table: about 5 KB a session)
// are made each time they are read and not kept: a report reads each once, as it writes that
// session, and keeps every story to the end. One getter of each for every story: getters of its
// own per object (closures in a literal) made each story a slow dictionary.
const SENTENCES: PropertyDescriptor = Object.freeze({ enumerable: true, configurable: true, get: storySentences });
const LADDER: PropertyDescriptor = Object.freeze({ enumerable: true, configurable: true, get: storyLadder });
const BLOCKS: PropertyDescriptor = Object.freeze({ enumerable: true, configurable: true, get: storyBlocks });
const SECTION: PropertyDescriptor = Object.freeze({ enumerable: false, configurable: true, get: storySection });

export function makeStory(a: SessionAssessment, alsoIn: SessionEntry['alsoIn'], ladders: boolean, haveStores: boolean): SessionStory {
  const outcome = storyOutcome(a);
  const notable = ladders || outcome !== 'ok' || a.presented.client !== undefined || a.tls13 !== undefined;
  const svc = serviceName(a);
  const story: { -readonly [K in keyof SessionStory]?: SessionStory[K] } = {
    source: a.source,
    sessionId: a.session.id,
    headline: headline(a),
    outcome,
    outcomeText: a.outcome.text,
  };
  if (svc) story.service = svc;
  story.client = boxLabel(a.client);
  story.server = boxLabel(a.server);
  Object.defineProperty(story, 'sentences', SENTENCES);
  story.findings = sortFindings(a.findings.map(toFinding));
  Object.defineProperty(story, STORY_SOURCE, { value: { a, alsoIn, notable, haveStores } satisfies StorySource });
  Object.defineProperty(story, 'ladder', LADDER);
  Object.defineProperty(story, 'blocks', BLOCKS);
  Object.defineProperty(story, 'section', SECTION);
  return story as SessionStory;
}
