import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { latin1 } from '../bytes/index.js';
import { DEFAULT_REASSEMBLY_LIMITS, type Connection, type Dir, type EndReason, type GapReason, type LateAlert, type StreamConsumer } from '../net/index.js';
import { alertForm, isNullCipher, DEFAULT_TLS_BUDGET_BYTES, settledSummary, TlsBudget, TlsConnection, type HandshakeMessage, type TlsDecryptor, type TlsLimits, type TlsSummary } from '../tls/index.js';
import { CertPool, parseName, type CertInfo } from '../x509/index.js';
import { scanCapture, type ConnectionsLeftOut, type ScanOptions } from './frames.js';
import type { AlertInfo, Analysis, CaName, CertRef, CertificateMessageInfo, CertificateRequestInfo, NonTlsStream, Session } from './model.js';
import { CaptureKeys, keyLogOf, type KeyLog, type KeyLogSummary } from './keylog.js';
import { guessClientDir } from './roles.js';
import type { DecryptionReport } from '../tls/decrypt/index.js';

export interface AnalyzeOptions extends ScanOptions {
  /** Name used in output for the input; defaults to the file's base name. */
  sourceName?: string;
  tlsLimits?: Partial<TlsLimits>;
  /** What the connections under way may hold together, reassembly and handshakes (default DEFAULT_TLS_BUDGET_BYTES, 64 MiB); near it the oldest are summarised. */
  tlsBudgetBytes?: number;
  /** TLS dissectors at work at once (default DEFAULT_MAX_HANDSHAKES_UNDER_WAY); past it the oldest is set aside. */
  maxHandshakesUnderWay?: number;
  /** TLS sessions kept (default DEFAULT_MAX_SESSIONS); past it, connections are counted, not dissected. */
  maxSessions?: number;
  /**
   * Called with each session as soon as it is built: its handshake is over, its connection ended
   * both ways, it was set aside to make room, or the capture ended (in connection order then); so
   * in the order in which handshakes end, not by id, with the pool its certificate references point
   * into. What its connection carries later (a FIN, a RST, a late alert) still reaches its Connection
   * object, not the session handed out.
   */
  onSession?(session: Session, pool: CertPool): void;
  /**
   * false: sessions are handed to onSession and not kept (Analysis.sessions stays empty, and a
   * key log found after its sessions cannot read them again), so memory does not grow with them.
   */
  keepSessions?: boolean;
  /**
   * With onSession: a session is handed out once its connection has ended both ways, or when the
   * capture ends, with the late alerts its connection carried by then (what a report tells of it),
   * not as soon as its handshake is over. What could still change it after that (a late alert after
   * both FINs, a secrets block after its packets) is flagged in Analysis.toldEarly.
   */
  tellWhenClosed?: boolean;
  /** A pool shared across several captures (one report over several files). */
  pool?: CertPool;
  /** Per-connection decryptor factory (key logs); undefined = no decryption. */
  decryptorFor?(conn: Connection): TlsDecryptor | undefined;
  /**
   * Key log files (KeyLog.fromFiles) shared by every capture of a run. Decryption Secrets Blocks in
   * a pcapng capture are used with or without it. Ignored for connections `decryptorFor` serves.
   */
  keyLog?: KeyLog;
  /**
   * Which finished sessions' handshake messages keep their bytes. 'analysed' (default): the ones
   * the analysis reads back (ClientHello, ServerHello, Certificate, CertificateRequest); the
   * others (key exchanges, CertificateVerify, tickets, Finished) keep their place, frames and
   * length but not their bytes (`bytesDropped`). 'all': every message, for a hex view.
   */
  messageBytes?: 'analysed' | 'all';
  /**
   * For progressive displays: called once, before reading starts, with a function that returns the
   * sessions seen so far (finished ones as built, open ones summarised as they stand). Each call
   * walks the open connections, so call it on a timer, not per frame.
   */
  live?(snapshot: () => LiveSnapshot): void;
  /**
   * The connections dissected (default: all). The others are still numbered and followed at the
   * TCP level, so connection and session ids are those of a whole analysis: a capture split by
   * connection across threads, each thread dissecting its own share.
   */
  owns?(conn: Connection): boolean;
  /**
   * Called once the capture is read and every connection's directions closed (the sessions that
   * closing finished told, in connection order), before the connections still under way are
   * summarised (told after it, in connection order too).
   */
  onScanEnd?(): void;
}

/** What a progressive display shows while a capture is still being read. */
export interface LiveSnapshot {
  readonly source: string;
  readonly sessions: readonly Session[];
  readonly pool: CertPool;
}

/**
 * The streaming pipeline: frames → TCP streams → TLS handshakes → sessions. Every TCP connection
 * gets a TLS dissector; connections that are not TLS, and TLS connections whose handshake is over,
 * are set aside by the dissector and cost one lookup per packet from then on.
 */
/**
 * A dissector in the middle of a handshake holds ~4 KB however little came (both directions'
 * record and message state): a flood of connections that each send a few bytes and hang would
 * take that many times over. 65,536 of them are ~300 MB, far more than a capture has under way at
 * once (a handshake is over in milliseconds); past that, the oldest is set aside, summarised with
 * what it had, so that the handshakes that come later are still read.
 */
export const DEFAULT_MAX_HANDSHAKES_UNDER_WAY = 65_536;

/**
 * A finished session is kept (~3.5 KB: roles, outcome, certificate references, its packed hellos),
 * and a report explaining sessions that are each different (200,000 handshakes from as many
 * clients) peaks at ~13 KB a session: 2.6 GB for 200,000, past the heap V8 gives Node on a machine
 * with 8 GB. 100,000 sessions are ~1.3 GB; past them, connections are counted and the report says
 * from which frame.
 */
export const DEFAULT_MAX_SESSIONS = 100_000;

export async function analyzeCapture(input: string | Readable, opts: AnalyzeOptions = {}): Promise<Analysis> {
  const t0 = performance.now();
  const source = opts.sourceName ?? (typeof input === 'string' ? basename(input) : 'stream');
  const pool = opts.pool ?? new CertPool();
  const parsedBefore = pool.size;
  // The connections whose dissector is at work.
  const live = new Map<number, Feed>();
  // The same, oldest first, with feeds finished since (skipped when met). Not the Map's own order:
  // reaching a Map's first entry walks over every entry deleted before it, so taking the oldest
  // again and again would cost the square of their number.
  let oldest: Feed[] = [];
  let oldestHead = 0;
  const maxUnderWay = opts.maxHandshakesUnderWay ?? DEFAULT_MAX_HANDSHAKES_UNDER_WAY;
  let setAsideForRoom: ConnectionsLeftOut | undefined;
  const maxSessions = opts.maxSessions ?? DEFAULT_MAX_SESSIONS;
  let notDissected: ConnectionsLeftOut | undefined;
  const sink = new SessionSink(pool, opts);
  const nonTls: NonTlsStream[] = [];
  let x509Ms = 0;
  // A factory made by KeyLog stands for its key log: the capture's secrets blocks join it.
  const fromKeyLog = keyLogOf(opts.decryptorFor);
  const decryptorFor = fromKeyLog ? undefined : opts.decryptorFor;
  const keys = new CaptureKeys(opts.keyLog ?? fromKeyLog, source);
  const keepBytes = opts.messageBytes === 'all' ? undefined : keptForAnalysis;
  // Shared by the connections under way: thousands of unfinished handshakes stay bounded together.
  // Near the bound, the oldest handshakes under way that hold bytes are summarised as they stand
  // (a flood of connections that each send most of a large ClientHello and hang).
  let cutForBytes: ConnectionsLeftOut | undefined;
  let frameNow = 0;
  const makeRoom = (n: number, asking: unknown): void => {
    while (oldestHead < oldest.length && live.get(oldest[oldestHead]!.conn.id) !== oldest[oldestHead]) oldestHead++;
    for (let j = oldestHead; budget.used + n > budget.max && j < oldest.length; j++) {
      const f = oldest[j]!;
      const t = f.dissector;
      if (live.get(f.conn.id) !== f || t === undefined || t === asking || f === asking || t.heldBytes === 0) continue;
      cutForBytes ??= { limit: budget.max, connections: 0, firstFrame: frameNow };
      cutForBytes.connections++;
      finalize(f.conn, true);
      budget.letGo(f.conn);
    }
  };
  const budget = new TlsBudget(opts.tlsBudgetBytes ?? DEFAULT_TLS_BUDGET_BYTES, makeRoom);
  // CertificateRequests repeat from session to session: their CA names and lists are read and kept once.
  const requestParts: SharedRequestParts = new Map();
  // A connection is summarised as soon as its dissector sets it aside (handshake over, or not
  // TLS), both its directions end, or it is the oldest under way when room is needed, so memory
  // holds finished sessions' summaries, not their dissectors. Later TCP events still reach the
  // Connection object the session points to (FIN/RST frames).
  // `cutShort`: summarised to make room; a message it was still reading keeps its bytes only if small.
  const finalize = (conn: Connection, cutShort = false) => {
    const t = live.get(conn.id)?.take();
    if (!t) return;
    live.delete(conn.id);
    if (cutShort) t.cutShort(frameNow);
    const summary = t.summary(false);
    const decryption = keys.takeReport(conn.id);
    if (!summary.isTls) {
      t.release();
      // Kept so that rules can say what a port carried instead (X5: SSH or TLS on 2222).
      if (summary.notTls !== undefined) nonTls.push({ id: conn.id, connection: conn, reason: summary.notTls });
      return;
    }
    const x0 = performance.now();
    const s = settleSession(t, buildSession(conn, summary, pool, decryption, requestParts), summary, pool, cutShort ? (m) => (keepBytes === undefined || keepBytes(m)) && !(m.truncated && m.bytes.length > CUT_SHORT_KEPT_BYTES) : keepBytes);
    x509Ms += performance.now() - x0;
    sink.add(s);
  };

  // A feed's dissector, made when its first byte or gap comes.
  const host: FeedHost = {
    finalize,
    at: (frame) => void (frameNow = frame),
    open(feed, frame) {
      // Sessions kept and handshakes under way together: at most maxSessions sessions in the end
      // (sessions handed on and not kept cost nothing here).
      if (sink.keeping && sink.count + live.size >= maxSessions) {
        notDissected ??= { limit: maxSessions, connections: 0, firstFrame: frame };
        notDissected.connections++;
        return undefined;
      }
      if (live.size >= maxUnderWay) {
        // The oldest handshake under way is summarised as it stands, to make room.
        let f = oldest[oldestHead++]!;
        while (live.get(f.conn.id) !== f) f = oldest[oldestHead++]!;
        setAsideForRoom ??= { limit: maxUnderWay, connections: 0, firstFrame: frame };
        setAsideForRoom.connections++;
        finalize(f.conn);
      }
      live.set(feed.conn.id, feed);
      oldest.push(feed);
      // Finished feeds are dropped from the list once they are most of it: it stays within twice the live ones.
      if (oldest.length - oldestHead > 2 * live.size + 1024) {
        oldest = oldest.slice(oldestHead).filter((x) => live.get(x.conn.id) === x);
        oldestHead = 0;
      }
      return new TlsConnection({ limits: opts.tlsLimits, decryptor: decryptorFor?.(feed.conn) ?? keys.decryptorFor(feed.conn), budget });
    },
  };

  opts.live?.(() => liveSnapshot(source, sink.sessions, live.values(), pool, requestParts));

  const scan = await scanCapture(input, feedsFor(opts.owns, host), {
    ...opts,
    limits: { ...(opts.limits ?? DEFAULT_REASSEMBLY_LIMITS), budget },
    ...(opts.tellWhenClosed && { onFrame: (f) => (sink.frame(), opts.onFrame?.(f)) }),
    onSecrets: (type, data, frameBefore) => (keys.onSecrets(type, data, frameBefore), opts.onSecrets?.(type, data, frameBefore)),
  });
  summariseRest(scan.connections, finalize, opts.onScanEnd);
  Object.assign(scan.stats, leftOutStats(setAsideForRoom, cutForBytes, notDissected), { held: { limit: budget.max, peak: budget.peak } });
  // The feeds' methods reach this function's scope through `host`: whatever keeps one of them (V8's
  // caches of the code that called them) would keep every feed through the list.
  oldest = [];
  const sessions = sink.end();
  // Secrets blocks usually precede the packets; one that came after its sessions costs a second read
  // (not when the sessions were handed out as they came: they would be told twice).
  if (typeof input === 'string' && !opts.live && !opts.onSession && keys.wouldDecryptMore(sessions)) return analyzeCapture(input, { ...opts, keyLog: keys.asKeyLog(), ...(fromKeyLog && { decryptorFor: undefined }) });
  const toldEarly = opts.tellWhenClosed && opts.onSession ? sink.toldEarly(keys.lateSecrets) : undefined;
  const timing = { totalMs: performance.now() - t0, x509Ms, certificatesParsed: pool.size - parsedBefore };
  return { source, capture: scan.capture, connections: scan.connections, sessions, nonTls, pool, stats: scan.stats, ...sink.counts(), ...keyLogOfRun(keys), timing, ...(toldEarly && { toldEarly }) };
}

/** The consumer of each connection: a feed, for the connections owned (AnalyzeOptions.owns: all by default). */
function feedsFor(owns: AnalyzeOptions['owns'], host: FeedHost): (conn: Connection) => Feed | undefined {
  return (conn) => (owns === undefined || owns(conn) ? new Feed(conn, host) : undefined);
}

/** The connections still under way once the scan closed every direction, summarised in connection order, after `onScanEnd`. */
function summariseRest(connections: readonly Connection[], finalize: (conn: Connection) => void, onScanEnd: (() => void) | undefined): void {
  onScanEnd?.();
  for (const conn of connections) finalize(conn);
}

/** What the analysis left out to stay within its bounds, as the scan's stats name it (only what happened). */
function leftOutStats(overLimit: ConnectionsLeftOut | undefined, overBytes: ConnectionsLeftOut | undefined, notDissected: ConnectionsLeftOut | undefined) {
  return { ...(overLimit && { handshakesOverLimit: overLimit }), ...(overBytes && { handshakesOverBytes: overBytes }), ...(notDissected && { sessionsOverLimit: notDissected }) };
}

/** The key log summary, when the capture used secrets or has notes about them. */
function keyLogOfRun(keys: CaptureKeys): { keyLog?: KeyLogSummary } {
  const keyLog = keys.summary();
  return keyLog.secrets > 0 || keyLog.notes.length > 0 ? { keyLog } : {};
}

/** A session built from its summary, its messages kept packed (a Certificate message keeps the pool's copy of each certificate, not a second one of its own). */
function settleSession(t: TlsConnection, built: Session, summary: TlsSummary, pool: CertPool, keep: ((m: HandshakeMessage) => boolean) | undefined): Session {
  const packed = t.settle((m, position) => {
    const ref = built.certificateMessages.find((c) => c.messageIndex === m.index)?.certificates[position];
    return ref && pool.get(ref.id)?.der;
  }, keep);
  return { ...built, tls: settledSummary(summary, packed) };
}

/** The sessions seen so far, for a progressive display: finished ones as built, open ones summarised as they stand. */
function liveSnapshot(source: string, finished: readonly Session[], feeds: Iterable<Feed>, pool: CertPool, requestParts: SharedRequestParts): LiveSnapshot {
  const now = [...finished];
  for (const f of feeds) {
    const summary = f.dissector?.summary();
    // The dissector keeps appending to its message list: the snapshot gets its own copy.
    if (summary?.isTls) now.push(buildSession(f.conn, { ...summary, messages: summary.messages.slice() }, pool, undefined, requestParts));
  }
  return { source, sessions: now.sort((a, b) => a.id - b.id), pool };
}

function closedBothWays(conn: Connection): boolean {
  return conn.ends[0] !== undefined && conn.ends[1] !== undefined;
}

/** What waiting sessions share instead of an empty list each (a flood's 40,000 wait to the end). */
const NONE: readonly never[] = Object.freeze([]);

/** A session as it waits to be told (exported for tests): its empty lists one shared list (~130 bytes less a session). */
export function waitingForm(s: Session): Session {
  const none = <T>(l: readonly T[]): readonly T[] => (l.length === 0 ? NONE : l);
  return { ...s, certificateMessages: none(s.certificateMessages), serverCertificates: none(s.serverCertificates), clientCertificates: none(s.clientCertificates), alerts: none(s.alerts) };
}

/** A session waiting for its connection's close, with its certificates. */
interface Waiting {
  readonly s: Session;
  readonly certs: readonly CertInfo[];
}

/**
 * Where finished sessions go: counted, handed to onSession, kept unless keepSessions is false. With
 * tellWhenClosed, a session waits for its connection's close (walked every 256 frames) so that the
 * late alerts its connection carries are in it when it is handed out.
 */
class SessionSink {
  /** The sessions kept (keepSessions), in the order they were told until end() sorts them. */
  readonly sessions: Session[] = [];
  count = 0;
  certificates = 0;
  certificateRequests = 0;
  private waiting: Waiting[] = [];
  private framesSinceWalk = 0;
  /** The connections of the sessions handed out while waiting, with the late alerts each had then. */
  private readonly toldConns: Connection[] = [];
  private readonly toldLate: number[] = [];
  readonly keeping: boolean;

  constructor(
    private readonly pool: CertPool,
    private readonly opts: Pick<AnalyzeOptions, 'onSession' | 'keepSessions' | 'tellWhenClosed'>,
  ) {
    this.keeping = opts.keepSessions !== false;
  }

  add(s: Session): void {
    this.count++;
    this.certificates += s.certificateMessages.reduce((a, m) => a + m.certificates.length, 0);
    if (s.certificateRequest) this.certificateRequests++;
    if (this.opts.tellWhenClosed && !closedBothWays(s.connection)) this.waiting.push({ s: waitingForm(s), certs: this.certificatesOf(s) });
    else this.tell(s);
  }

  /**
   * A waiting session's certificates, decoded: a pool that keeps only the certificates met last
   * (CertPoolOptions.keep) may forget them before the session is told; they are put back then.
   */
  private certificatesOf(s: Session): readonly CertInfo[] {
    if (s.certificateMessages.length === 0) return NONE;
    const out: CertInfo[] = [];
    for (const m of s.certificateMessages) for (const r of m.certificates) {
      const c = this.pool.get(r.id);
      if (c !== undefined) out.push(c);
    }
    return out;
  }

  private tellWaiting(w: Waiting): void {
    // Each made the latest met (addDer of one kept), so that putting one back forgets none of the others.
    for (const c of w.certs) {
      if (this.pool.get(c.sha256) === undefined) this.pool.add(c);
      else this.pool.addDer(c.der);
    }
    this.tell(w.s);
  }

  private tell(s: Session): void {
    if (this.opts.tellWhenClosed) {
      const late = s.connection.lateAlerts;
      if (late) s = withLateAlerts(s, late);
      this.toldConns.push(s.connection);
      this.toldLate.push(late?.length ?? 0);
    }
    this.opts.onSession?.(s, this.pool);
    if (this.keeping) this.sessions.push(s);
  }

  /** At every frame: the waiting sessions whose connections have closed since are told, every 256 frames. */
  frame(): void {
    if (this.waiting.length === 0 || ++this.framesSinceWalk < 256) return;
    this.framesSinceWalk = 0;
    const still: Waiting[] = [];
    for (const w of this.waiting) {
      if (closedBothWays(w.s.connection)) this.tellWaiting(w);
      else still.push(w);
    }
    this.waiting = still;
  }

  /** The capture has ended: the sessions waiting are told, the ones kept sorted by id with their late alerts. */
  end(): Session[] {
    const waiting: (Waiting | undefined)[] = this.waiting;
    this.waiting = [];
    // Each let go as it is told: what the telling makes is collected in a heap that shrinks as it goes.
    for (let i = 0; i < waiting.length; i++) {
      const w = waiting[i]!;
      waiting[i] = undefined;
      this.tellWaiting(w);
    }
    const sessions = this.sessions;
    sessions.sort((a, b) => a.id - b.id);
    for (let i = 0; i < sessions.length; i++) {
      const s = sessions[i]!;
      if (s.connection.lateAlerts) sessions[i] = withLateAlerts(s, s.connection.lateAlerts);
    }
    return sessions;
  }

  /** What came too late for the sessions handed out: a secrets block after them, or a late alert after both FINs. */
  toldEarly(lateSecrets: boolean): Analysis['toldEarly'] {
    if (this.count > 0 && lateSecrets) return 'late-secrets';
    return this.toldConns.some((c, i) => (c.lateAlerts?.length ?? 0) !== this.toldLate[i]) ? 'late-alerts' : undefined;
  }

  counts(): Pick<Analysis, 'certificateCount' | 'certificateRequestCount'> {
    return { certificateCount: this.certificates, certificateRequestCount: this.certificateRequests };
  }
}

/** What a feed asks of the analysis. */
interface FeedHost {
  /** The dissector for a connection whose first byte or gap came; undefined: it is not dissected. */
  open(feed: Feed, frame: number): TlsConnection | undefined;
  /** Summarises the connection (its dissector set it aside, or both directions ended). */
  finalize(conn: Connection): void;
  /** The frame being read. */
  at(frame: number): void;
}

/**
 * What the reassembler feeds for one connection: one small object (a capture may hold millions
 * of connections, a scan's SYNs). The dissector is made when the first byte or gap comes, so a
 * connection that never carries one (a SYN, a refused port, a keep-alive) costs no TLS state.
 */
class Feed implements StreamConsumer {
  private t: TlsConnection | undefined;
  /** Directions that ended (bit 0: A to B, bit 1: B to A). */
  private ended = 0;
  /** Summarised already (handshake over, both directions ended, or set aside to make room). */
  private done = false;
  constructor(
    readonly conn: Connection,
    private readonly host: FeedHost,
  ) {}

  /** The dissector, for a snapshot; undefined when there is none (yet, or any more). */
  get dissector(): TlsConnection | undefined {
    return this.t;
  }

  /** Hands the dissector over to be summarised; the feed delivers nothing more. */
  take(): TlsConnection | undefined {
    const t = this.t;
    this.t = undefined;
    this.done = true;
    return t;
  }

  private tls(frame: number): TlsConnection | undefined {
    if (this.t === undefined && !this.done) {
      this.t = this.host.open(this, frame);
      if (this.t === undefined) this.done = true;
    }
    return this.t;
  }

  data(dir: Dir, data: Uint8Array, off: number, frame: number, tsSec: number, tsNsec: number): void | 'ignore' {
    this.host.at(frame);
    const t = this.tls(frame);
    if (t === undefined) return 'ignore';
    const r = t.data(dir, data, off, frame, tsSec, tsNsec);
    if (r === 'ignore') this.host.finalize(this.conn);
    return r;
  }

  gap(dir: Dir, off: number, len: number, reason: GapReason, frame: number): void | 'ignore' {
    const t = this.tls(frame);
    if (t === undefined) return 'ignore';
    const r = t.gap(dir, off, len, reason, frame);
    if (r === 'ignore') this.host.finalize(this.conn);
    return r;
  }

  end(dir: Dir, reason: EndReason, frame: number, from: Dir): void {
    if (this.t === undefined) return;
    this.t.end(dir, reason, frame, from);
    // Both ways over (a FIN each way, or a RST): nothing more can come, so the session is built
    // and its dissector let go now, not at the end of the capture. A scanner's thousands of
    // handshakes cut short by a RST do not all stay under way until then.
    this.ended |= dir === 0 ? 1 : 2;
    if (this.ended === 3) this.host.finalize(this.conn);
  }
}

/** The capture as far as it was read: what telling one session needs of it (its name, pool and start time). */
export function analysisSoFar(source: string, pool: CertPool, firstTs: { sec: number; nsec: number } | undefined): Analysis {
  return {
    source,
    capture: { format: 'pcap', gzip: false, frames: 0, truncatedFrames: 0, linkTypes: [], problems: [], bytesRead: 0, ...(firstTs && { firstTs }) },
    connections: [],
    sessions: [],
    nonTls: [],
    pool,
    stats: { tcpSegments: 0, other: new Map(), unknownLinkTypes: new Map(), malformed: { count: 0 }, fragmentsReassembled: 0, fragmentsDropped: 0 },
    certificateCount: 0,
    certificateRequestCount: 0,
    timing: { totalMs: 0, x509Ms: 0, certificatesParsed: 0 },
  };
}

/**
 * What a message cut short keeps of its bytes when its connection was summarised to make room: a
 * hello's worth. A flood's 16 KB ClientHellos are listed with their type and length, not kept.
 */
const CUT_SHORT_KEPT_BYTES = 4096;

/**
 * The alerts the reassembler saw after the dissector let go of the connection (LateAlert), added
 * to the session's alerts read the same way as those the record layer read (alertForm, C6): after
 * the handshake the keys have changed, so they are encrypted unless the suite is a NULL cipher.
 */
function withLateAlerts(s: Session, late: readonly LateAlert[]): Session {
  const t = s.tls;
  const helloSeen = t.version !== undefined || t.offeredMaxVersion !== undefined;
  const keysChanged = helloSeen && t.outcome.kind !== 'capture-ended' && t.outcome.kind !== 'in-progress';
  const known = new Set(s.alerts.map((a) => a.frame));
  // A retransmission of an alert the record layer read: the same place in the same direction.
  const read = new Set(t.messages.filter((m) => m.kind === 'alert').map((m) => `${m.dir}/${m.streamOffset}`));
  const added: AlertInfo[] = [];
  for (const a of late) {
    if (known.has(a.frame) || (a.streamOffset !== undefined && read.has(`${a.dir}/${a.streamOffset}`))) continue;
    const form = alertForm({ keysChanged, tls13: t.tls13, keysUnknown: !helloSeen, nullCipher: isNullCipher(t.cipherSuite), length: a.length });
    const clear = form !== 'encrypted';
    added.push({
      from: roleOfDir(s.clientDir, a.dir),
      dir: a.dir,
      frame: a.frame,
      ...(clear && { level: a.head[0], description: a.head[1] }),
      encrypted: !clear,
      length: a.length,
      messageIndex: -1,
      ...(form === 'null-cipher' && { nullCipher: true }),
      late: true,
    });
  }
  return added.length ? { ...s, alerts: [...s.alerts, ...added] } : s;
}

/**
 * Handshake messages whose bytes the later stages read (bodies: SNI, random, certificates, CA
 * names). A large message cut short that did not decode has no body to read back: its bytes are
 * let go and their count kept (a flood's 16 KB ClientHellos, thousands still under way at the end).
 */
const ANALYSED_TYPES = new Set([1, 2, 11, 13]);
const keptForAnalysis = (m: HandshakeMessage): boolean => ANALYSED_TYPES.has(m.type) && !(m.truncated && m.error !== undefined && m.bytes.length > CUT_SHORT_KEPT_BYTES);

function roleOfDir(clientDir: Dir | undefined, dir: Dir): 'client' | 'server' | 'unknown' {
  if (clientDir === undefined) return 'unknown';
  return dir === clientDir ? 'client' : 'server';
}

/**
 * What CertificateRequests of a capture share: each CA name read once (key: "dn:" and its DER as a
 * latin1 string), and each list (types, signature algorithms, CA names) kept once (key: a string of its
 * items) — a server asks every client the same, and every session is kept to the end.
 */
export type SharedRequestParts = Map<string, CaName | readonly number[] | readonly CaName[]>;
// Bounded (keys are kept too): a hostile capture's thousands of distinct requests stop being shared.
const SHARED_PARTS_MAX = 1024;

/** Remembers a part for the next requests, while the table has room (nothing without a table or a key). */
function share(parts: SharedRequestParts | undefined, key: string | undefined, value: CaName | readonly number[] | readonly CaName[]): void {
  if (parts !== undefined && key !== undefined && parts.size < SHARED_PARTS_MAX) parts.set(key, value);
}

function sharedList(parts: SharedRequestParts | undefined, kind: string, list: readonly number[]): readonly number[] {
  if (parts === undefined) return list.slice();
  const key = `${kind}:${list.join(',')}`;
  const known = parts.get(key) as readonly number[] | undefined;
  if (known !== undefined) return known;
  const own = list.slice();
  share(parts, key, own);
  return own;
}

/** A CertificateRequest's CA names, each read once per capture, the list shared when another request had the same DERs. */
function requestCaNames(dns: readonly { readonly der: Uint8Array }[], parts: SharedRequestParts | undefined): readonly CaName[] {
  const keys: (string | undefined)[] = dns.map((dn) => (parts && dn.der.length <= 4096 ? `dn:${latin1(dn.der)}` : undefined));
  // Length-prefixed, so no run of names can pass for another; long lists are not shared (keys are kept).
  const listKey = parts && keys.every((k) => k !== undefined) && keys.reduce((a, k) => a + k!.length, 0) <= 8192 ? `names:${keys.map((k) => `${k!.length}:${k}`).join('')}` : undefined;
  const known = listKey === undefined ? undefined : (parts?.get(listKey) as readonly CaName[] | undefined);
  if (known !== undefined) return known;
  const names = dns.map((dn, i) => {
    const key = keys[i];
    let name = key === undefined ? undefined : (parts?.get(key) as CaName | undefined);
    if (name === undefined) {
      const der = Uint8Array.prototype.slice.call(dn.der);
      const p = parseName(der);
      name = { der, text: p.name ? p.name.rfc4514 : `(not a valid distinguished name: ${p.error ?? 'unreadable'})` };
      share(parts, key, name);
    }
    return name;
  });
  share(parts, listKey, names);
  return names;
}

/** `requestParts`: what the sessions of a capture share (SharedRequestParts). */
export function buildSession(conn: Connection, summary: TlsSummary, pool: CertPool, decryption?: DecryptionReport, requestParts?: SharedRequestParts): Session {
  // Without a hello the roles are a guess (C2), marked as one (`roleGuess`), the same in every output.
  const guess = guessClientDir(conn, summary);
  const clientDir = summary.clientDir ?? guess?.dir;
  const client = clientDir === undefined ? undefined : clientDir === 0 ? conn.a : conn.b;
  const server = clientDir === undefined ? undefined : clientDir === 0 ? conn.b : conn.a;
  const certificateMessages: CertificateMessageInfo[] = [];
  const alerts: AlertInfo[] = [];
  let certificateRequest: CertificateRequestInfo | undefined;
  let sni: string | undefined;
  let decrypted = false;
  for (const m of summary.messages) {
    if (m.kind === 'alert') {
      alerts.push({ from: roleOfDir(clientDir, m.dir), dir: m.dir, frame: m.frame, level: m.level, description: m.description, encrypted: m.encrypted, length: m.length, messageIndex: m.index, ...(m.decrypted && { decrypted: true }), ...(m.nullCipher && { nullCipher: true }) });
      if (m.decrypted) decrypted = true;
      continue;
    }
    if (m.kind !== 'handshake' || !m.body) continue;
    if (m.decrypted) decrypted = true;
    const body = m.body;
    if (body.kind === 'client-hello' && sni === undefined) sni = body.serverName;
    else if (body.kind === 'certificate') {
      const from = roleOfDir(clientDir, m.dir);
      const refs: CertRef[] = body.certificates.map((c, index) => ({ id: pool.addDer(c.der), index, frame: m.frame, messageIndex: m.index }));
      certificateMessages.push({
        from: from === 'unknown' ? (m.dir === 0 ? 'client' : 'server') : from,
        frame: m.frame,
        frames: m.frames.slice(),
        messageIndex: m.index,
        certificates: refs,
        // A compressed list that could not be inflated (zstd) is unknown, never empty (RFC 8879); one with
        // bytes missing is incomplete, never empty (C3).
        empty: body.certificates.length === 0 && body.omitted === 0 && !body.truncated && !m.truncated && body.compressed?.error === undefined,
        truncated: body.truncated || m.truncated,
        decrypted: m.decrypted === true,
        ...(body.compressed && { compressed: body.compressed }),
      });
    } else if (body.kind === 'certificate-request' && !certificateRequest) {
      certificateRequest = {
        frame: m.frame,
        messageIndex: m.index,
        form: body.form,
        certificateTypes: sharedList(requestParts, 'types', body.certificateTypes),
        signatureAlgorithms: body.signatureAlgorithms && sharedList(requestParts, 'algorithms', body.signatureAlgorithms),
        caNames: requestCaNames(body.certificateAuthorities, requestParts),
        decrypted: m.decrypted === true,
      };
    }
  }
  const first = (role: 'client' | 'server') => certificateMessages.find((c) => c.from === role);
  const clientMsg = first('client');
  return {
    id: conn.id,
    connection: conn,
    tls: summary,
    client,
    server,
    clientDir,
    ...(guess !== undefined && { roleGuess: guess.basis }),
    sni,
    // Exact-size copies: a session is kept to the end, and arrays grown by push keep spare room.
    certificateMessages: certificateMessages.slice(),
    serverCertificates: first('server')?.certificates ?? [],
    clientCertificates: clientMsg?.certificates ?? [],
    clientCertificateEmpty: clientMsg?.empty ?? false,
    certificateRequest,
    alerts: alerts.slice(),
    decrypted,
    ...(decryption !== undefined && { decryption }),
  };
}
