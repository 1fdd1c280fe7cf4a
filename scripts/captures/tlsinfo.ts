/**
 * Walks the plaintext TLS record headers of a rendered connection to find in which frame each
 * handshake message, ChangeCipherSpec and alert ends (where Wireshark shows it after reassembly).
 * Used only to write the frame numbers into the scenario READMEs and the generation summary.
 */
import { handshakeTypeName } from '../../src/tls/names.js';
import type { RenderedPacket } from './render.js';


const ALERTS: Record<number, string> = {
  0: 'close_notify',
  40: 'handshake_failure',
  42: 'bad_certificate',
  43: 'unsupported_certificate',
  45: 'certificate_expired',
  46: 'certificate_unknown',
  48: 'unknown_ca',
  116: 'certificate_required',
};

export interface KeyMessage {
  frame: number;
  dir: 'c2s' | 's2c';
  what: string;
}

/**
 * `packets` is the final capture (frame numbers are 1-based positions); `conn` selects one connection.
 */
export function keyMessages(packets: RenderedPacket[], conn: string): KeyMessage[] {
  const out: KeyMessage[] = [];
  for (const dir of ['c2s', 's2c'] as const) {
    // Stream bytes with, for each byte range, the frame that carried it (first copy wins).
    const chunks: { off: number; bytes: Uint8Array; frame: number }[] = [];
    packets.forEach((p, idx) => {
      if (p.conn === conn && p.meta.dir === dir && p.meta.payloadLength > 0) {
        const frame = p.frame;
        const pay = frame.subarray(frame.length - p.meta.payloadLength);
        chunks.push({ off: p.meta.streamOffset, bytes: pay, frame: idx + 1 });
      }
    });
    chunks.sort((a, b) => a.off - b.off);
    const total = chunks.reduce((m, c) => Math.max(m, c.off + c.bytes.length), 0);
    const stream = new Uint8Array(total);
    const frameAt = new Int32Array(total);
    for (const c of [...chunks].reverse()) {
      stream.set(c.bytes, c.off);
      frameAt.fill(c.frame, c.off, c.off + c.bytes.length);
    }
    let p = 0;
    let encrypted = false;
    let hsBuf: number[] = [];
    while (p + 5 <= total) {
      const type = stream[p]!;
      const len = (stream[p + 3]! << 8) | stream[p + 4]!;
      if (p + 5 + len > total) break;
      const endFrame = frameAt[p + 5 + len - 1]!;
      const body = stream.subarray(p + 5, p + 5 + len);
      if (type === 20) {
        out.push({ frame: endFrame, dir, what: 'ChangeCipherSpec' });
        encrypted = true;
      } else if (type === 21) {
        if (!encrypted && len === 2) {
          out.push({ frame: endFrame, dir, what: `Alert ${body[0] === 2 ? 'fatal' : 'warning'} ${body[1]} ${ALERTS[body[1]!] ?? ''}`.trim() });
        } else out.push({ frame: endFrame, dir, what: 'Encrypted Alert' });
      } else if (type === 22 && !encrypted) {
        hsBuf.push(...body);
        while (hsBuf.length >= 4) {
          const mlen = (hsBuf[1]! << 16) | (hsBuf[2]! << 8) | hsBuf[3]!;
          if (hsBuf.length < 4 + mlen) break;
          out.push({ frame: endFrame, dir, what: handshakeTypeName(hsBuf[0]!) });
          hsBuf = hsBuf.slice(4 + mlen);
        }
      } else if (type === 22) {
        out.push({ frame: endFrame, dir, what: 'Encrypted Handshake Message' });
      } else if (type === 23) {
        out.push({ frame: endFrame, dir, what: 'Application Data (encrypted)' });
      }
      p += 5 + len;
    }
  }
  // TCP control frames worth citing: FIN and RST.
  packets.forEach((p, idx) => {
    if (p.conn !== conn) return;
    if (p.meta.flags & 0x04) out.push({ frame: idx + 1, dir: p.meta.dir, what: 'TCP RST' });
    else if (p.meta.flags & 0x01) out.push({ frame: idx + 1, dir: p.meta.dir, what: 'TCP FIN' });
  });
  return out.sort((a, b) => a.frame - b.frame);
}
