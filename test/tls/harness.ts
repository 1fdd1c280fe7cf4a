/** Feeds recorded or built conversations into a TlsConnection the way the reassembler would. */
import { readFileSync } from 'node:fs';
import { fromHex } from '../../src/bytes/index.js';
import type { Dir, EndReason } from '../../src/net/types.js';
import { TlsConnection, type TlsConnectionOptions } from '../../src/tls/index.js';

export interface Segment {
  readonly dir: Dir;
  readonly bytes?: Uint8Array;
  readonly end?: EndReason;
  /** Bytes missing before this segment's bytes (a gap of this length). */
  readonly gapBefore?: number;
}

export function loadFixture(name: string): Segment[] {
  const url = new URL(`../fixtures/tls/${name}.json`, import.meta.url);
  const raw = JSON.parse(readFileSync(url, 'utf8')) as { dir: Dir; hex?: string; end?: EndReason }[];
  return raw.map((r) => (r.hex !== undefined ? { dir: r.dir, bytes: fromHex(r.hex)! } : { dir: r.dir, end: r.end! }));
}

/** Splits each segment's bytes into pieces of at most `size` bytes (one frame each). */
export function resegment(segs: readonly Segment[], size: number | ((i: number) => number)): Segment[] {
  const out: Segment[] = [];
  let k = 0;
  for (const s of segs) {
    if (!s.bytes) {
      out.push(s);
      continue;
    }
    let p = 0;
    while (p < s.bytes.length) {
      const n = Math.max(1, typeof size === 'number' ? size : size(k++));
      out.push({ dir: s.dir, bytes: s.bytes.subarray(p, p + n) });
      p += n;
    }
  }
  return out;
}

/** Concatenates consecutive same-direction segments (coalescing, as a large TCP read would). */
export function coalesce(segs: readonly Segment[]): Segment[] {
  const out: Segment[] = [];
  for (const s of segs) {
    const last = out[out.length - 1];
    if (last && last.bytes && s.bytes && last.dir === s.dir && !s.gapBefore) {
      const b = new Uint8Array(last.bytes.length + s.bytes.length);
      b.set(last.bytes);
      b.set(s.bytes, last.bytes.length);
      out[out.length - 1] = { dir: s.dir, bytes: b };
    } else out.push(s);
  }
  return out;
}

export interface Fed {
  conn: TlsConnection;
  /** Frame (1-based) at which data() first answered 'ignore', if it did. */
  ignoredAt?: number;
  frames: number;
}

/**
 * Feeds the segments in order, one frame per segment, passing a fresh copy of each segment's
 * bytes and scribbling over it afterwards so a consumer that keeps views without copying fails.
 * Ends each direction with `endReason` unless the segments end it, or unless told not to.
 */
export function feed(segs: readonly Segment[], opts: TlsConnectionOptions & { endReason?: EndReason | null; startOffsets?: [number, number] } = {}): Fed {
  const conn = new TlsConnection(opts);
  const offset: [number, number] = opts.startOffsets ? [...opts.startOffsets] : [0, 0];
  const ended: [boolean, boolean] = [false, false];
  let frame = 0;
  let ignoredAt: number | undefined;
  for (const s of segs) {
    frame++;
    if (ignoredAt !== undefined) continue;
    if (s.end) {
      conn.end(s.dir, s.end, frame);
      ended[s.dir] = true;
      continue;
    }
    if (s.gapBefore) {
      if (conn.gap(s.dir, offset[s.dir], s.gapBefore, 'missing', frame) === 'ignore') ignoredAt = frame;
      offset[s.dir] += s.gapBefore;
    }
    const view = new Uint8Array(s.bytes!);
    const r = conn.data(s.dir, view, offset[s.dir], frame, 1_700_000_000 + frame, frame * 1000);
    view.fill(0xee);
    offset[s.dir] += s.bytes!.length;
    if (r === 'ignore' && ignoredAt === undefined) ignoredAt = frame;
  }
  const endReason = opts.endReason === undefined ? 'capture-end' : opts.endReason;
  if (endReason && ignoredAt === undefined) {
    for (const d of [0, 1] as const) if (!ended[d]) conn.end(d, endReason, frame);
  }
  return ignoredAt === undefined ? { conn, frames: frame } : { conn, ignoredAt, frames: frame };
}

/** A compact description of the message sequence, for assertions: "0:ClientHello 1:ServerHello ...". */
export function ladder(conn: TlsConnection): string {
  return conn.messages
    .map((m) => {
      switch (m.kind) {
        case 'handshake':
          return `${m.dir}:${['HelloRequest', 'ClientHello', 'ServerHello'][m.type] ?? handshakeName(m.type)}`;
        case 'change-cipher-spec':
          return `${m.dir}:CCS`;
        case 'alert':
          return m.encrypted ? `${m.dir}:EncryptedAlert` : `${m.dir}:Alert(${m.level},${m.description})`;
        case 'encrypted-handshake':
          return `${m.dir}:EncryptedHandshake`;
        case 'application-data':
          return `${m.dir}:AppData`;
        case 'heartbeat':
          return `${m.dir}:Heartbeat`;
      }
    })
    .join(' ');
}

function handshakeName(t: number): string {
  const names: Record<number, string> = {
    4: 'NewSessionTicket',
    11: 'Certificate',
    12: 'ServerKeyExchange',
    13: 'CertificateRequest',
    14: 'ServerHelloDone',
    15: 'CertificateVerify',
    16: 'ClientKeyExchange',
    20: 'Finished',
    22: 'CertificateStatus',
  };
  return names[t] ?? `hs${t}`;
}
