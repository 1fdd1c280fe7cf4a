/**
 * TLS events in an Expressway loggingsnapshot (rule X9).
 *
 * Expressway logs are lines of key="value" pairs after a syslog prefix. Two shapes matter:
 *   Event="Inbound TLS Negotiation Error" ... Src-ip="10.106.80.16" Src-port="25010"
 *       Dst-ip="10.106.80.31" Dst-port="7001" Detail="unsupported certificate purpose" ...
 *     Inbound = a peer connected to Expressway: Expressway was the TLS server. Outbound = client.
 *   Module="developer.ssl" ... bServer="true" localAddress="['IPv4''TCP''10.106.80.31:7001']"
 *       remoteAddress="['IPv4''TCP''10.106.80.16:25010']" ...
 *     bServer="true" = Expressway was the TLS server on that socket.
 * Expressway's TLS is OpenSSL, so its reason strings are OpenSSL's (rules T5, E6).
 *
 * Bounded: a snapshot can be hundreds of megabytes. The parser is incremental (push chunks as they
 * stream), looks at a line only if its bytes contain a marker, cuts over-long lines, stops after a
 * line cap, and keeps at most `maxEvents` events (counting the rest). Never throws on input bytes.
 */
import { type Readable } from 'node:stream';
import { type InputProblem, problem } from './problems.js';

export interface LogLimits {
  /** Lines examined; the rest of the snapshot is ignored with a problem. */
  readonly maxLines: number;
  /** Bytes of one line kept; the rest of the line is dropped. */
  readonly maxLineBytes: number;
  /** Events kept; later ones are counted in `eventsDropped`. */
  readonly maxEvents: number;
  /** Fields kept per event. */
  readonly maxFields: number;
}

export const DEFAULT_LOG_LIMITS: Readonly<LogLimits> = Object.freeze({
  maxLines: 20_000_000,
  maxLineBytes: 16_384,
  maxEvents: 20_000,
  maxFields: 64,
});

export type TlsLogEventKind = 'inbound-negotiation-error' | 'outbound-negotiation-error' | 'ssl-socket';

/** Known reasons, named so that rules can use them without matching prose. */
export type TlsLogReasonCode =
  | 'unsupported-certificate-purpose' // OpenSSL X509_V_ERR_INVALID_PURPOSE: EKU/KU (E2, E5, T5)
  | 'identity-unacceptable' // Expressway's SAN/name check on neighbor zones (X8)
  | 'unknown-ca'
  | 'certificate-verify-failed'
  | 'certificate-expired'
  | 'no-certificate'
  | 'handshake-failure'
  | 'bad-certificate'
  | 'certificate-unknown';

export interface LogEndpoint {
  readonly ip: string;
  readonly port?: number;
}

export interface TlsLogEvent {
  /** 1-based line number in the snapshot. */
  readonly line: number;
  readonly kind: TlsLogEventKind;
  /** Which TLS role Expressway had, from the event name or bServer (X9). */
  readonly expresswayRole: 'server' | 'client' | 'unknown';
  /** Untrusted: UTCTime="..." if present, else the line's leading timestamp. */
  readonly time?: string;
  /** As logged: Src-ip/Src-port (the connection's initiator for negotiation errors). */
  readonly src?: LogEndpoint;
  readonly dst?: LogEndpoint;
  /** Expressway's own end and the peer's, when the line says which is which. */
  readonly local?: LogEndpoint;
  readonly remote?: LogEndpoint;
  /** Untrusted: Detail / Reason text. */
  readonly reason?: string;
  readonly reasonCodes: readonly TlsLogReasonCode[];
  /** Untrusted: every key="value" pair on the line (bounded), for rules still to come. */
  readonly fields: Readonly<Record<string, string>>;
  readonly rule: 'X9';
}

export interface LogParseResult {
  readonly events: readonly TlsLogEvent[];
  /** Events found beyond `maxEvents`, not kept. */
  readonly eventsDropped: number;
  readonly linesRead: number;
  readonly problems: readonly InputProblem[];
}

export interface LoggingSnapshotParser {
  push(chunk: Uint8Array): void;
  end(): LogParseResult;
}

const MARKERS = [Buffer.from('TLS Negotiation Error'), Buffer.from('bServer=')];

const REASONS: ReadonlyArray<readonly [RegExp, TlsLogReasonCode]> = [
  [/unsupported certificate purpose/i, 'unsupported-certificate-purpose'],
  [/alert unsupported certificate/i, 'unsupported-certificate-purpose'],
  [/certificate identity was unacceptable/i, 'identity-unacceptable'],
  [/unknown ca|unable to get (local )?issuer certificate|self[- ]signed certificate in certificate chain/i, 'unknown-ca'],
  [/certificate verify failed/i, 'certificate-verify-failed'],
  [/certificate has expired|certificate expired/i, 'certificate-expired'],
  [/peer did not return a certificate|no certificate returned|certificate required/i, 'no-certificate'],
  [/handshake failure/i, 'handshake-failure'],
  [/bad certificate/i, 'bad-certificate'],
  [/certificate unknown/i, 'certificate-unknown'],
];

const FIELD = /([A-Za-z][\w.-]{0,63})="([^"]*)"/g;
const LEADING_TIME = /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?)/;

function port(s: string | undefined): number | undefined {
  if (s === undefined || !/^\d{1,5}$/.test(s)) return undefined;
  const n = Number(s);
  return n <= 65535 ? n : undefined;
}

function endpoint(ip: string | undefined, p: string | undefined): LogEndpoint | undefined {
  if (!ip) return undefined;
  const n = port(p);
  return n === undefined ? { ip } : { ip, port: n };
}

/** "['IPv4''TCP''10.0.0.1:7001']" or "[...'[2001:db8::1]:5061']" → endpoint. */
function socketAddress(s: string | undefined): LogEndpoint | undefined {
  if (!s) return undefined;
  const quoted = [...s.matchAll(/'([^']*)'/g)].map((m) => m[1] ?? '');
  const last = quoted.length > 0 ? quoted[quoted.length - 1]! : s;
  const v6 = /^\[([0-9A-Fa-f:.]+)\]:(\d{1,5})$/.exec(last);
  if (v6) return endpoint(v6[1], v6[2]);
  const v4 = /^([0-9.]+|[0-9A-Fa-f:]+?):(\d{1,5})$/.exec(last);
  if (v4) return endpoint(v4[1], v4[2]);
  return undefined;
}

function reasonCodes(text: string): TlsLogReasonCode[] {
  const out = new Set<TlsLogReasonCode>();
  for (const [re, code] of REASONS) if (re.test(text)) out.add(code);
  return [...out];
}

/** Parses one log line into an event, or undefined if it is not a TLS event. Exported for tests. */
export function parseTlsLogLine(text: string, lineNo: number, limits: LogLimits = DEFAULT_LOG_LIMITS): TlsLogEvent | undefined {
  const fields: Record<string, string> = {};
  let n = 0;
  for (const m of text.matchAll(FIELD)) {
    if (n++ >= limits.maxFields) break;
    const key = m[1]!;
    if (!(key in fields)) fields[key] = m[2] ?? '';
  }
  const event = fields['Event'] ?? '';
  let kind: TlsLogEventKind;
  let role: TlsLogEvent['expresswayRole'];
  if (/^Inbound TLS Negotiation Error$/i.test(event)) {
    kind = 'inbound-negotiation-error';
    role = 'server';
  } else if (/^Outbound TLS Negotiation Error$/i.test(event)) {
    kind = 'outbound-negotiation-error';
    role = 'client';
  } else if (fields['bServer'] !== undefined) {
    kind = 'ssl-socket';
    const b = fields['bServer'].toLowerCase();
    role = b === 'true' ? 'server' : b === 'false' ? 'client' : 'unknown';
  } else {
    return undefined;
  }
  // A line with both an Event and bServer is classified by the Event name: it is the documented
  // signal (X9).
  const src = endpoint(fields['Src-ip'], fields['Src-port']);
  const dst = endpoint(fields['Dst-ip'], fields['Dst-port']);
  let local = socketAddress(fields['localAddress']);
  let remote = socketAddress(fields['remoteAddress']);
  // Inbound: the peer connected to Expressway, so Dst is Expressway's end; outbound the reverse.
  if (!local && !remote) {
    if (kind === 'inbound-negotiation-error') {
      local = dst;
      remote = src;
    } else if (kind === 'outbound-negotiation-error') {
      local = src;
      remote = dst;
    }
  }
  const reason = fields['Detail'] ?? fields['Reason'] ?? fields['error_string'] ?? fields['Error'];
  // Reason phrases sometimes sit outside any quoted field, so the whole line is searched.
  const codes = reasonCodes(text);
  const time = fields['UTCTime'] ?? LEADING_TIME.exec(text)?.[1];
  return {
    line: lineNo,
    kind,
    expresswayRole: role,
    ...(time !== undefined ? { time } : {}),
    ...(src ? { src } : {}),
    ...(dst ? { dst } : {}),
    ...(local ? { local } : {}),
    ...(remote ? { remote } : {}),
    ...(reason !== undefined ? { reason } : {}),
    reasonCodes: codes,
    fields,
    rule: 'X9',
  };
}

/** An incremental parser: push the snapshot's bytes in any chunking, then call end(). */
export function createLoggingSnapshotParser(limits?: Partial<LogLimits>): LoggingSnapshotParser {
  const lim: LogLimits = { ...DEFAULT_LOG_LIMITS, ...limits };
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const events: TlsLogEvent[] = [];
  const problems: InputProblem[] = [];
  let dropped = 0;
  let lines = 0;
  let stopped = false;
  let longLines = 0;
  // The current partial line (bounded by maxLineBytes), and whether it was cut.
  let carry: Buffer[] = [];
  let carryLen = 0;
  let carryCut = false;

  const finishLine = (bytes: Buffer, cut: boolean): void => {
    lines++;
    if (cut) longLines++;
    if (lines > lim.maxLines) {
      stopped = true;
      problems.push(problem('warning', 'log-limit', `more than ${lim.maxLines} lines: the rest of the snapshot is ignored`, { line: lines }));
      return;
    }
    if (!MARKERS.some((m) => bytes.includes(m))) return;
    const ev = parseTlsLogLine(decoder.decode(bytes), lines, lim);
    if (!ev) return;
    if (events.length < lim.maxEvents) events.push(ev);
    else dropped++;
  };

  const append = (part: Buffer): void => {
    const room = lim.maxLineBytes - carryLen;
    if (part.length > room) {
      carryCut = true;
      part = part.subarray(0, Math.max(0, room));
    }
    if (part.length > 0) {
      // Copied: the chunk may be a view the producer reuses.
      carry.push(Buffer.from(part));
      carryLen += part.length;
    }
  };

  return {
    push(chunk: Uint8Array): void {
      if (stopped) return;
      const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      let start = 0;
      for (;;) {
        const nl = buf.indexOf(0x0a, start);
        if (nl < 0) {
          append(buf.subarray(start));
          return;
        }
        let line = buf.subarray(start, nl);
        let cut = false;
        if (carryLen > 0 || carryCut) {
          append(line);
          line = Buffer.concat(carry, carryLen);
          cut = carryCut;
          carry = [];
          carryLen = 0;
          carryCut = false;
        } else if (line.length > lim.maxLineBytes) {
          line = line.subarray(0, lim.maxLineBytes);
          cut = true;
        }
        if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, -1);
        finishLine(line, cut);
        if (stopped) return;
        start = nl + 1;
      }
    },
    end(): LogParseResult {
      if (!stopped && (carryLen > 0 || carryCut)) {
        finishLine(Buffer.concat(carry, carryLen), carryCut);
        carry = [];
        carryLen = 0;
      }
      if (longLines > 0)
        problems.push(problem('info', 'log-long-lines', `${longLines} line(s) longer than ${lim.maxLineBytes} bytes were cut before parsing`));
      if (dropped > 0) problems.push(problem('warning', 'log-events-dropped', `${dropped} TLS event(s) beyond the first ${lim.maxEvents} were counted but not kept`));
      return { events, eventsDropped: dropped, linesRead: Math.min(lines, lim.maxLines), problems };
    },
  };
}

/** Parses a whole snapshot held in memory. */
export function parseLoggingSnapshot(bytes: Uint8Array, limits?: Partial<LogLimits>): LogParseResult {
  const p = createLoggingSnapshotParser(limits);
  p.push(bytes);
  return p.end();
}

/** Parses a snapshot from a stream; a stream error ends parsing with a problem, keeping what was read. */
export async function parseLoggingSnapshotStream(stream: Readable, limits?: Partial<LogLimits>): Promise<LogParseResult> {
  const p = createLoggingSnapshotParser(limits);
  try {
    for await (const chunk of stream) p.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array));
  } catch (e) {
    const r = p.end();
    const msg = e instanceof Error ? e.message : String(e);
    return { ...r, problems: [...r.problems, problem('error', 'log-read-error', `the snapshot could not be read to its end: ${msg}`)] };
  }
  return p.end();
}
