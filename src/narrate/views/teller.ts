/**
 * The viewer's narration of captures read whole, told when it is needed. The list's lines are
 * marked as each session's rules are read (its assessment: the worst of outcome and findings), in
 * steps with the keys served between them, and the assessment is let go once the line is made; a
 * session's story is told again when it is shown (selected, its findings jumped to, exported).
 * Telling every session up front and keeping every story held each one's assessment: on a busy
 * 1 GB capture (20,109 sessions) about 200 MB, and the list's marks waited for all of them.
 */
import { RuleCache } from '../../expressway/index.js';
import type { Block, Finding } from '../doc.js';
import { caseFindings, caseHandshakes, tellHandshake, type CaseHandshake, type CaseSessionFacts, type ReportCase } from '../explain.js';
import type { SessionStory } from '../explanation.js';
import type { CaptureData, SessionRow, StoryTeller } from './common.js';
import { sessionKey, sessionRow } from './sessions.js';

/** Stories kept at hand: the session shown and the few before it (a story holds its assessment). */
const STORIES_KEPT = 16;

/**
 * A story whose long parts (sentences, ladder, certificate table, section) are made once: a report
 * reads each once, so a story makes them again on every read, but the panes read the shown story's
 * ladder once per ladder row at every refresh.
 */
function madeOnce(story: SessionStory): SessionStory {
  const out: SessionStory = { ...story };
  let section: Block | undefined;
  return Object.defineProperty(out, 'section', { enumerable: false, get: () => (section ??= story.section) });
}

interface Told {
  readonly caseIndex: number;
  readonly h: CaseHandshake;
  readonly key: string;
  readonly captureIndex: number;
  /** Its list line, once marked. */
  row?: SessionRow;
  /** What the case-wide findings read of its assessment, once marked. */
  facts?: CaseSessionFacts;
}

export class Teller implements StoryTeller {
  readonly #captures: readonly CaptureData[];
  readonly #cases: readonly ReportCase[];
  /** The handshakes told, by session key, in the report's order; a session not here is told with another capture's. */
  readonly #told = new Map<string, Told>();
  /** Sessions to mark before the others (the lines on screen), most wanted last. */
  #wanted: string[] = [];
  /** The most recently told stories, oldest first. */
  readonly #recent = new Map<string, SessionStory>();
  #cache = new RuleCache();
  #general: Finding[] = [];
  #marked = 0;
  #finished = false;

  /**
   * `captures`: every case's analyses in order (each perhaps with a label), the list ViewData.captures
   * gives the viewer; a session's capture index is its place there.
   */
  constructor(cases: readonly ReportCase[], captures: readonly CaptureData[]) {
    this.#cases = cases;
    this.#captures = captures;
    let first = 0;
    cases.forEach((c, caseIndex) => {
      const at = new Map(c.analyses.map((a, i) => [a, first + i]));
      for (const h of caseHandshakes(c)) {
        const captureIndex = at.get(h.analysis)!;
        const key = sessionKey(captureIndex, h.session.id);
        this.#told.set(key, { caseIndex, h, key, captureIndex });
      }
      first += c.analyses.length;
    });
  }

  get total(): number {
    return this.#told.size;
  }

  get finished(): boolean {
    return this.#finished;
  }

  /** Sessions whose line is marked so far. */
  get marked(): number {
    return this.#marked;
  }

  get generalFindings(): readonly Finding[] {
    return this.#general;
  }

  tells(key: string): boolean {
    return this.#told.has(key);
  }

  row(key: string): SessionRow | undefined {
    return this.#told.get(key)?.row;
  }

  /** The lines on screen (by row key): marked next, before the rest. */
  prefer(keys: readonly string[]): void {
    if (this.#finished) return;
    this.#wanted = keys.filter((k) => this.#told.get(k)?.row === undefined).reverse();
  }

  story(id: string): SessionStory | undefined {
    const recent = this.#recent.get(id);
    if (recent) {
      // Most recent last.
      this.#recent.delete(id);
      this.#recent.set(id, recent);
      return recent;
    }
    const t = this.#told.get(id);
    if (!t) return undefined;
    const story = madeOnce(tellHandshake(this.#cases[t.caseIndex]!, t.h, this.#cache).story);
    this.#recent.set(id, story);
    if (this.#recent.size > STORIES_KEPT) this.#recent.delete(this.#recent.keys().next().value!);
    return story;
  }

  /**
   * Marks every session's line, `perStep` sessions between two yields, the ones `prefer` named
   * first; then the case-wide findings. Run it to the end once (viewSource does, between turns of
   * the event loop).
   */
  *mark(perStep: number): Generator<void, void> {
    let n = 0;
    const markOne = (t: Told): void => {
      const { a, story } = tellHandshake(this.#cases[t.caseIndex]!, t.h, this.#cache);
      t.row = sessionRow(t.key, this.#captures[t.captureIndex]!, t.h.session, story);
      t.facts = { logs: a.logs, client: a.client, server: a.server, helloFrames: a.helloFrames };
      this.#marked++;
    };
    for (const t of this.#told.values()) {
      for (let w = this.#wanted.pop(); w !== undefined; w = this.#wanted.pop()) {
        const first = this.#told.get(w);
        if (!first || first.row) continue;
        if (++n % perStep === 0) yield;
        markOne(first);
      }
      if (t.row) continue;
      if (++n % perStep === 0) yield;
      markOne(t);
    }
    // In the report's order, whichever were marked first.
    const facts: CaseSessionFacts[][] = this.#cases.map(() => []);
    for (const t of this.#told.values()) {
      facts[t.caseIndex]!.push(t.facts!);
      delete t.facts;
    }
    this.#cases.forEach((c, k) => this.#general.push(...caseFindings(c, facts[k]!)));
    this.#finished = true;
    // What the rules memoised (chains, purposes, signatures) served the marking; a story told later makes its own.
    this.#cache = new RuleCache();
  }
}
