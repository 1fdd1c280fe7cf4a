// The busy workload: a long tcpdump of a busy edge box is not mostly bulk data with a few
// handshakes but tens of thousands of mutual-TLS handshakes, each client with a certificate of its
// own. Per GB: 20,000 handshakes (90 % TLS 1.2 mutual TLS replayed from scenario 01 of captures/,
// both leaves given a serial of their own per connection, so each handshake brings two new
// certificates; 10 % TLS 1.3 from scenario 03b), Certificate messages cut in full-size segments
// (2–3 each), 10 % of them followed by 1–4 application-data records, and the rest of the bytes in
// long bulk flows that begin mid-stream (no SYN, no handshake). Deterministic for a seed.
import { PcapOut, frame, rng } from './gen.mjs';

const MSS = 1448;
const REC_BODY = 16408;

/**
 * Where, in a template's byte stream of direction `dir`, each Certificate message's leaf serial
 * ends (offsets of its last two bytes), read from the plaintext records before ChangeCipherSpec.
 */
function leafSerialEnds(chunks, dir) {
  const s = Buffer.concat(chunks.filter((c) => c.dir === dir).map((c) => c.bytes));
  const ends = [];
  for (let o = 0; o + 5 <= s.length; ) {
    const type = s[o];
    const len = s.readUInt16BE(o + 3);
    if (type === 20) break;
    if (type === 22) {
      for (let h = o + 5; h + 4 <= o + 5 + len; ) {
        const hlen = s.readUIntBE(h + 1, 3);
        if (s[h] === 11) {
          // certificate_list (3-byte length), first cert (3-byte length): SEQUENCE, tbs SEQUENCE, [0] version, INTEGER serial.
          let p = h + 4 + 3 + 3;
          const skipHeader = () => { const l = s[p + 1]; p += 2 + (l & 0x80 ? l & 0x7f : 0); };
          skipHeader(); // Certificate
          skipHeader(); // tbsCertificate
          if (s[p] === 0xa0) p += 2 + s[p + 1];
          const serialLen = s[p + 1];
          ends.push(p + 2 + serialLen - 2);
        }
        h += 4 + hlen;
      }
    }
    o += 5 + len;
  }
  return ends;
}

/** The template's chunks with each leaf serial's last two bytes set to `n` (a connection's own). */
function patched(t, n) {
  if (t.serialEnds.every((e) => e.length === 0)) return t.chunks;
  const streams = [0, 1].map((d) => Buffer.concat(t.chunks.filter((c) => c.dir === d).map((c) => c.bytes)));
  for (const d of [0, 1]) for (const at of t.serialEnds[d]) streams[d].writeUInt16BE(n & 0xffff, at);
  const off = [0, 0];
  return t.chunks.map((c) => {
    const bytes = streams[c.dir].subarray(off[c.dir], off[c.dir] + c.bytes.length);
    off[c.dir] += c.bytes.length;
    return { dir: c.dir, bytes };
  });
}

/** A flow's packets, one at a time: [dir, flags, payload, pOff, pLen]. */
function* handshakeFlow(chunks, extra, extraDir, appRecords) {
  yield [0, 0x02, null];
  yield [1, 0x12, null];
  yield [0, 0x10, null];
  // Before the last chunk of each side (alerts, close_notify), the extra application records.
  const lastData = chunks.length - 1;
  for (let k = 0; k < chunks.length; k++) {
    if (k === lastData && extra > 0) {
      const bytes = appRecords.subarray(0, extra * (REC_BODY + 5));
      for (let o = 0; o < bytes.length; o += MSS) yield [extraDir, 0x18, bytes, o, Math.min(MSS, bytes.length - o)];
    }
    const ch = chunks[k];
    for (let o = 0; o < ch.bytes.length; o += MSS) yield [ch.dir, 0x18, ch.bytes, o, Math.min(MSS, ch.bytes.length - o)];
  }
  yield [0, 0x11, null];
  yield [1, 0x11, null];
  yield [0, 0x10, null];
}

/** A long flow that begins mid-stream at a record boundary: records back to back, an ACK every second segment. */
function* bulkFlow(records, dir, appRecords) {
  const bytes = appRecords.subarray(0, Math.min(records, 8) * (REC_BODY + 5));
  let k = 0;
  for (let r = 0; r < records; r += 8) {
    for (let o = 0; o < bytes.length; o += MSS) {
      yield [dir, 0x18, bytes, o, Math.min(MSS, bytes.length - o)];
      if (++k % 2 === 0) yield [1 - dir, 0x10, null];
    }
  }
}

/**
 * @param tls12 a TLS 1.2 mutual-TLS template ({chunks, certificates}), @param tls13 a TLS 1.3 one.
 * @param handshakes how many (the shared benchmark's rate is 20,000 a GB).
 */
export function generateBusy(path, targetBytes, handshakes, tls12, tls13, seed = 1) {
  const rnd = rng(seed);
  const out = new PcapOut(path);
  const appRecords = Buffer.allocUnsafe(8 * (REC_BODY + 5));
  for (let r = 0; r < 8; r++) {
    const o = r * (REC_BODY + 5);
    appRecords[o] = 23; appRecords[o + 1] = 3; appRecords[o + 2] = 3; appRecords.writeUInt16BE(REC_BODY, o + 3);
    for (let i = o + 5; i < o + 5 + REC_BODY; i++) appRecords[i] = rnd() & 0xff;
  }
  const t12 = { chunks: tls12.chunks, serialEnds: [leafSerialEnds(tls12.chunks, 0), leafSerialEnds(tls12.chunks, 1)] };
  const t13 = { chunks: tls13.chunks, serialEnds: [[], []] };
  const hsBytes = (t) => t.chunks.reduce((a, c) => a + c.bytes.length + Math.ceil(c.bytes.length / MSS) * 70, 0) + 6 * 70;
  // The plan: handshake flows, then bulk flows for the rest of the bytes; started in a shuffled order.
  const flows = [];
  let planned = 24;
  let n12 = 0;
  let n13 = 0;
  for (let i = 0; i < handshakes; i++) {
    const is13 = i % 10 === 9;
    const extra = rnd() % 10 === 0 ? 1 + (rnd() % 4) : 0;
    is13 ? n13++ : n12++;
    flows.push({ kind: 'hs', i, is13, extra, extraDir: rnd() % 10 < 7 ? 1 : 0 });
    planned += hsBytes(is13 ? t13 : t12) + extra * (REC_BODY + 5 + 12 * 70);
  }
  let bulk = 0;
  while (planned < targetBytes) {
    const records = Math.min(30 + (rnd() % 571), Math.max(1, Math.floor((targetBytes - planned) / (REC_BODY * 1.08))));
    flows.push({ kind: 'bulk', i: bulk++, records, dir: rnd() % 10 < 8 ? 1 : 0 });
    planned += records * (REC_BODY + 5) * 1.08;
  }
  for (let i = flows.length - 1; i > 0; i--) {
    const j = rnd() % (i + 1);
    [flows[i], flows[j]] = [flows[j], flows[i]];
  }
  // Interleaved: up to 90 flows at once, one packet of a random one at a time.
  const ip4 = (a, b, c, d) => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
  const active = [];
  let next = 0;
  let t = Date.UTC(2026, 3, 14, 9, 0, 0) * 1000;
  while (next < flows.length || active.length > 0) {
    while (active.length < 90 && next < flows.length) {
      const f = flows[next++];
      const c = f.kind === 'hs'
        ? { src: ip4(10, 1 + ((f.i >> 16) & 0xff), (f.i >> 8) & 0xff, f.i & 0xff), dst: ip4(172, 16, f.i % 4, 10), sport: 1024 + ((f.i * 7) % 64000), dport: 5061 }
        : { src: ip4(192, 168, (f.i >> 8) & 0xff, f.i & 0xff), dst: ip4(172, 17, f.i % 8, 20), sport: 30000 + f.i, dport: f.i % 2 ? 443 : 5061 };
      c.seq = [rnd(), rnd()];
      c.it = f.kind === 'hs' ? handshakeFlow(f.is13 ? t13.chunks : patched(t12, f.i + 1), f.extra, f.extraDir, appRecords) : bulkFlow(f.records, f.dir, appRecords);
      active.push(c);
    }
    const k = rnd() % active.length;
    const c = active[k];
    const p = c.it.next();
    if (p.done) {
      active[k] = active[active.length - 1];
      active.pop();
      continue;
    }
    const [dir, flags, payload, off = 0, len = 0] = p.value;
    t += 5 + (rnd() % 50);
    const [from, to, fp, tp] = dir === 0 ? [c.src, c.dst, c.sport, c.dport] : [c.dst, c.src, c.dport, c.sport];
    frame(out, t, from, to, fp, tp, c.seq[dir], c.seq[1 - dir], flags, payload, off, len);
    c.seq[dir] = (c.seq[dir] + len + (flags & 0x03 ? 1 : 0)) >>> 0;
  }
  out.close();
  return {
    bytes: out.bytes,
    frames: out.frames,
    handshakes,
    tls12Handshakes: n12,
    tls13Handshakes: n13,
    bulkFlows: bulk,
    certificatesExpected: n12 * tls12.certificates + n13 * tls13.certificates,
    certificateRequestsExpected: n12,
  };
}
