/**
 * Mutations of real captures: bytes flipped anywhere, the file cut short, packet records (TCP
 * segments) duplicated, dropped, reordered and split, and, inside TCP payloads, TLS records
 * duplicated or swapped and their length fields (record, handshake, certificate list and entry)
 * set to hostile values. Deterministic: the same Prng state gives the same mutated file.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { Prng } from '../captures/prng.js';
import { locateSegment, parseLayout, recordLength, withPayload, writeLayout, type CaptureLayout, type PacketRecord, type SegmentLocation } from './layout.js';

export interface Mutated {
  readonly bytes: Uint8Array;
  /** What was done, in order, for the failure report. */
  readonly steps: string[];
}

type LayoutMutation = (l: CaptureLayout, rng: Prng) => string | undefined;
type ByteMutation = (b: Uint8Array, rng: Prng) => { bytes: Uint8Array; step: string };

const HOSTILE_U16 = [0, 1, 4, 5, 0x4000, 0x4001, 0x4800, 0x4801, 0x7fff, 0xffff];
const HOSTILE_U24 = [0, 1, 3, 0x4000, 0x40000, 0x7fffff, 0xfffffe, 0xffffff];
const HOSTILE_U32 = [0, 1, 15, 16, 0x7fffffff, 0x80000000, 0xfffffffc, 0xffffffff];

function pick<T>(rng: Prng, list: readonly T[]): T {
  return list[rng.int(0, list.length - 1)]!;
}

interface Seg {
  index: number;
  rec: PacketRecord;
  loc: SegmentLocation;
}

function segments(l: CaptureLayout, withPayloadOnly = true): Seg[] {
  const out: Seg[] = [];
  l.records.forEach((rec, index) => {
    if (rec.kind !== 'packet') return;
    const loc = locateSegment(rec);
    if (loc && (!withPayloadOnly || loc.payloadLength > 0)) out.push({ index, rec, loc });
  });
  return out;
}

function packetIndexes(l: CaptureLayout): number[] {
  const out: number[] = [];
  l.records.forEach((r, i) => r.kind === 'packet' && out.push(i));
  return out;
}

/** TLS record starts inside a payload (type 20–24, version 3.x), with their declared lengths. */
function recordStarts(p: Uint8Array): { at: number; length: number }[] {
  const out: { at: number; length: number }[] = [];
  let at = 0;
  // Walk records from the start when the payload begins with one; otherwise look for any header.
  while (at + 5 <= p.length && p[at]! >= 20 && p[at]! <= 24 && p[at + 1] === 3 && p[at + 2]! <= 4) {
    const length = (p[at + 3]! << 8) | p[at + 4]!;
    out.push({ at, length });
    at += 5 + length;
  }
  if (out.length === 0) {
    for (let i = 0; i + 5 <= p.length; i++) {
      if (p[i]! >= 20 && p[i]! <= 24 && p[i + 1] === 3 && p[i + 2]! <= 4) out.push({ at: i, length: (p[i + 3]! << 8) | p[i + 4]! });
    }
  }
  return out;
}

function flowKey(rec: PacketRecord, loc: SegmentLocation, reverse: boolean): string {
  const d = rec.data;
  const a = loc.ipVersion === 4 ? d.subarray(loc.ipOffset + 12, loc.ipOffset + 16) : d.subarray(loc.ipOffset + 8, loc.ipOffset + 24);
  const b = loc.ipVersion === 4 ? d.subarray(loc.ipOffset + 16, loc.ipOffset + 20) : d.subarray(loc.ipOffset + 24, loc.ipOffset + 40);
  const sp = (d[loc.tcpOffset]! << 8) | d[loc.tcpOffset + 1]!;
  const dp = (d[loc.tcpOffset + 2]! << 8) | d[loc.tcpOffset + 3]!;
  const sa = `${Buffer.from(a).toString('hex')}:${sp}`;
  const sb = `${Buffer.from(b).toString('hex')}:${dp}`;
  return reverse ? `${sb}>${sa}` : `${sa}>${sb}`;
}

/** After a payload grew or shrank by `delta`, later segments of the flow move too (seq one way, ack the other). */
function shiftFlow(l: CaptureLayout, from: Seg, delta: number): void {
  if (delta === 0) return;
  const fwd = flowKey(from.rec, from.loc, false);
  for (let i = from.index + 1; i < l.records.length; i++) {
    const rec = l.records[i]!;
    if (rec.kind !== 'packet') continue;
    const loc = locateSegment(rec);
    if (!loc) continue;
    const dv = new DataView(rec.data.buffer, rec.data.byteOffset, rec.data.byteLength);
    if (flowKey(rec, loc, false) === fwd) dv.setUint32(loc.tcpOffset + 4, (dv.getUint32(loc.tcpOffset + 4) + delta) >>> 0);
    else if (flowKey(rec, loc, true) === fwd) dv.setUint32(loc.tcpOffset + 8, (dv.getUint32(loc.tcpOffset + 8) + delta) >>> 0);
  }
}

function payloadOf(s: Seg): Uint8Array {
  return s.rec.data.subarray(s.loc.payloadOffset, s.loc.payloadOffset + s.loc.payloadLength);
}

const LAYOUT_MUTATIONS: Record<string, LayoutMutation> = {
  'duplicate-record': (l, rng) => {
    const ix = packetIndexes(l);
    if (ix.length === 0) return undefined;
    const i = pick(rng, ix);
    const to = Math.min(l.records.length, i + 1 + rng.int(0, 6));
    const rec = l.records[i]! as PacketRecord;
    l.records.splice(to, 0, { ...rec, data: rec.data.slice() });
    return `duplicate-record ${i} at ${to}`;
  },
  'drop-record': (l, rng) => {
    const ix = packetIndexes(l);
    if (ix.length === 0) return undefined;
    const i = pick(rng, ix);
    l.records.splice(i, 1);
    return `drop-record ${i}`;
  },
  'swap-records': (l, rng) => {
    const ix = packetIndexes(l);
    if (ix.length < 2) return undefined;
    const k = rng.int(0, ix.length - 2);
    const j = Math.min(ix.length - 1, k + rng.int(1, 6));
    const a = ix[k]!;
    const b = ix[j]!;
    [l.records[a], l.records[b]] = [l.records[b]!, l.records[a]!];
    return `swap-records ${a} ${b}`;
  },
  'shuffle-window': (l, rng) => {
    const ix = packetIndexes(l);
    if (ix.length < 3) return undefined;
    const start = rng.int(0, ix.length - 2);
    const w = ix.slice(start, start + rng.int(2, 12));
    const recs = w.map((i) => l.records[i]!);
    for (let i = recs.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [recs[i], recs[j]] = [recs[j]!, recs[i]!];
    }
    w.forEach((i, k) => (l.records[i] = recs[k]!));
    return `shuffle-window ${w[0]}..${w[w.length - 1]}`;
  },
  'split-segment': (l, rng) => {
    const segs = segments(l).filter((s) => s.loc.payloadLength >= 2);
    if (segs.length === 0) return undefined;
    const s = pick(rng, segs);
    const p = payloadOf(s);
    const cut = rng.int(1, p.length - 1);
    const first = withPayload(s.rec, s.loc, p.slice(0, cut));
    const second = withPayload(s.rec, s.loc, p.slice(cut), cut);
    l.records.splice(s.index, 1, first, second);
    return `split-segment ${s.index} at ${cut}`;
  },
  'cut-payload': (l, rng) => {
    const segs = segments(l);
    if (segs.length === 0) return undefined;
    const s = pick(rng, segs);
    const p = payloadOf(s);
    const keep = rng.int(0, p.length - 1);
    l.records[s.index] = withPayload(s.rec, s.loc, p.slice(0, keep));
    return `cut-payload ${s.index} to ${keep}`;
  },
  'flip-payload': (l, rng) => {
    const segs = segments(l);
    if (segs.length === 0) return undefined;
    const s = pick(rng, segs);
    const n = rng.int(1, 8);
    for (let k = 0; k < n; k++) {
      const at = s.loc.payloadOffset + rng.int(0, s.loc.payloadLength - 1);
      s.rec.data[at] = rng.next() < 0.5 ? s.rec.data[at]! ^ (1 << rng.int(0, 7)) : rng.int(0, 255);
    }
    return `flip-payload ${s.index} x${n}`;
  },
  'fill-payload': (l, rng) => {
    const segs = segments(l);
    if (segs.length === 0) return undefined;
    const s = pick(rng, segs);
    const start = rng.int(0, s.loc.payloadLength - 1);
    const len = rng.int(1, Math.min(64, s.loc.payloadLength - start));
    const v = pick(rng, [0x00, 0xff, 0x1b, 0x80]);
    s.rec.data.fill(v, s.loc.payloadOffset + start, s.loc.payloadOffset + start + len);
    return `fill-payload ${s.index} ${len}x${v.toString(16)}`;
  },
  'tls-length': (l, rng) => {
    const cands = segments(l).flatMap((s) => recordStarts(payloadOf(s)).map((r) => ({ s, r })));
    if (cands.length === 0) return undefined;
    const { s, r } = pick(rng, cands);
    const base = s.loc.payloadOffset + r.at;
    const d = s.rec.data;
    const end = s.loc.payloadOffset + s.loc.payloadLength;
    const which = rng.int(0, 3);
    if (which === 0 || base + 9 > end) {
      const v = rng.next() < 0.3 ? (r.length + pick(rng, [-1, 1, 2])) & 0xffff : pick(rng, HOSTILE_U16);
      d[base + 3] = v >> 8;
      d[base + 4] = v & 0xff;
      return `tls-length record@${s.index}+${r.at}=${v}`;
    }
    // Handshake header (type, u24) right after the record header, then, for a Certificate (11),
    // the certificate_list length and the first entry's length.
    const field = which === 1 || d[base + 5] !== 11 ? base + 6 : which === 2 ? base + 9 : base + 12;
    if (field + 3 > end) return undefined;
    const v = pick(rng, HOSTILE_U24);
    d[field] = v >> 16;
    d[field + 1] = (v >> 8) & 0xff;
    d[field + 2] = v & 0xff;
    return `tls-length u24@${s.index}+${field - s.loc.payloadOffset}=${v}`;
  },
  'tls-record-swap': (l, rng) => {
    const cands = segments(l)
      .map((s) => ({ s, rs: recordStarts(payloadOf(s)).filter((r) => r.at + 5 + r.length <= s.loc.payloadLength) }))
      .filter((c) => c.rs.length >= 2 && c.rs[0]!.at === 0);
    if (cands.length === 0) return undefined;
    const { s, rs } = pick(rng, cands);
    const k = rng.int(0, rs.length - 2);
    const a = rs[k]!;
    const b = rs[k + 1]!;
    const p = payloadOf(s);
    const ra = p.slice(a.at, a.at + 5 + a.length);
    const rb = p.slice(b.at, b.at + 5 + b.length);
    const out = p.slice();
    out.set(rb, a.at);
    out.set(ra, a.at + rb.length);
    l.records[s.index] = withPayload(s.rec, s.loc, out);
    return `tls-record-swap ${s.index} #${k}`;
  },
  'tls-record-dup': (l, rng) => {
    const cands = segments(l)
      .map((s) => ({ s, rs: recordStarts(payloadOf(s)).filter((r) => r.at + 5 + r.length <= s.loc.payloadLength) }))
      .filter((c) => c.rs.length >= 1);
    if (cands.length === 0) return undefined;
    const { s, rs } = pick(rng, cands);
    const r = pick(rng, rs);
    const p = payloadOf(s);
    const rec = p.subarray(r.at, r.at + 5 + r.length);
    const out = new Uint8Array(p.length + rec.length);
    out.set(p.subarray(0, r.at + rec.length), 0);
    out.set(rec, r.at + rec.length);
    out.set(p.subarray(r.at + rec.length), r.at + 2 * rec.length);
    if (out.length > 65000) return undefined;
    l.records[s.index] = withPayload(s.rec, s.loc, out);
    if (rng.next() < 0.7) shiftFlow(l, { ...s, rec: l.records[s.index] as PacketRecord }, rec.length);
    return `tls-record-dup ${s.index}@${r.at}`;
  },
  'random-record': (l, rng) => {
    const ix = packetIndexes(l);
    if (ix.length === 0) return undefined;
    const tmpl = l.records[pick(rng, ix)] as PacketRecord;
    const data = tmpl.data.slice();
    const from = rng.int(0, data.length);
    for (let i = from; i < data.length; i++) data[i] = rng.int(0, 255);
    l.records.splice(rng.int(0, l.records.length), 0, { ...tmpl, data });
    return `random-record from ${from}`;
  },
};

/** Offsets of the record-length fields of the written file (pcap caplen; pcapng block length). */
function lengthFields(bytes: Uint8Array): { at: number; le: boolean }[] {
  const l = parseLayout(bytes);
  if (!l) return [];
  const out: { at: number; le: boolean }[] = [];
  let p = l.header.length;
  for (const r of l.records) {
    if (l.format === 'pcap') out.push({ at: p + 8, le: l.le });
    else {
      out.push({ at: p + 4, le: l.le });
      if (r.kind === 'packet') out.push({ at: p + 20, le: l.le });
    }
    p += recordLength(l, r);
  }
  return out;
}

const BYTE_MUTATIONS: Record<string, ByteMutation> = {
  'flip-bytes': (b, rng) => {
    const out = b.slice();
    const n = rng.int(1, 16);
    for (let k = 0; k < n; k++) {
      const at = rng.int(0, out.length - 1);
      out[at] = rng.next() < 0.5 ? out[at]! ^ (1 << rng.int(0, 7)) : rng.int(0, 255);
    }
    return { bytes: out, step: `flip-bytes x${n}` };
  },
  truncate: (b, rng) => {
    const at = rng.int(0, b.length - 1);
    return { bytes: b.slice(0, at), step: `truncate at ${at}` };
  },
  'header-length': (b, rng) => {
    const fields = lengthFields(b);
    if (fields.length === 0) return { bytes: b, step: 'header-length (none)' };
    const f = pick(rng, fields);
    const out = b.slice();
    const v = pick(rng, HOSTILE_U32);
    new DataView(out.buffer).setUint32(f.at, v, f.le);
    return { bytes: out, step: `header-length @${f.at}=${v}` };
  },
};

const LAYOUT_NAMES = Object.keys(LAYOUT_MUTATIONS);
const BYTE_NAMES = Object.keys(BYTE_MUTATIONS);

function mutateCapture(input: Uint8Array, rng: Prng, steps: string[]): Uint8Array {
  const layout = parseLayout(input);
  let bytes = input;
  const n = rng.int(1, 4);
  if (layout) {
    for (let k = 0; k < n; k++) {
      if (rng.next() < 0.75) {
        const name = pick(rng, LAYOUT_NAMES);
        const s = LAYOUT_MUTATIONS[name]!(layout, rng);
        if (s) steps.push(s);
      }
    }
    bytes = writeLayout(layout);
  }
  // Byte-level damage last, so structural edits are not undone by it; sometimes none at all.
  const m = steps.length === 0 ? n : rng.int(0, 1);
  for (let k = 0; k < m; k++) {
    if (bytes.length === 0) break;
    const name = pick(rng, BYTE_NAMES);
    const r = BYTE_MUTATIONS[name]!(bytes, rng);
    bytes = r.bytes;
    steps.push(r.step);
  }
  return bytes;
}

/** Mutates a capture (pcap, pcapng, or either gzip-compressed: the gzip stream itself is sometimes damaged). */
export function mutate(input: Uint8Array, rng: Prng): Mutated {
  const steps: string[] = [];
  if (input[0] === 0x1f && input[1] === 0x8b) {
    let inner: Uint8Array;
    try {
      inner = new Uint8Array(gunzipSync(input));
    } catch {
      return { bytes: BYTE_MUTATIONS['flip-bytes']!(input, rng).bytes, steps: ['flip-bytes (gzip)'] };
    }
    const damaged = mutateCapture(inner, rng, steps);
    let gz: Uint8Array = new Uint8Array(gzipSync(damaged));
    if (rng.next() < 0.3) {
      const r = rng.next() < 0.5 ? BYTE_MUTATIONS.truncate!(gz, rng) : BYTE_MUTATIONS['flip-bytes']!(gz, rng);
      gz = r.bytes;
      steps.push(`${r.step} (compressed stream)`);
    }
    return { bytes: gz, steps: ['gzip', ...steps] };
  }
  return { bytes: mutateCapture(input, rng, steps), steps };
}

/** The case's own random stream: any case can be replayed alone from (seed, index). */
export function caseRng(seed: number, index: number): Prng {
  return new Prng((Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35)) >>> 0);
}
