import { safeText } from '../bytes/index.js';
import { closeEvents, tunnelsText, type Connection } from '../net/index.js';
import type { ScanResult } from '../analysis/frames.js';
import { statsNotes, tunnelNotes } from '../analysis/frames.js';

function ep(e: { ip: string; port: number }): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

function endText(c: Connection): string {
  const names = ['A', 'B'];
  // Each FIN and RST once, from the side that sent it (a RST ends both directions: C5).
  const parts = closeEvents(c.ends).map((e) => `${e.kind.toUpperCase()} from ${names[e.from]} (frame ${e.frame})`);
  return parts.length ? parts.join(', ') : 'open at end of capture';
}

export function flowJson(c: Connection) {
  return {
    stream: c.id,
    a: c.a,
    b: c.b,
    initiator: c.synSeen ? 'a' : 'unknown',
    firstFrame: c.firstFrame,
    lastFrame: c.lastFrame,
    packets: { aToB: c.packets[0], bToA: c.packets[1] },
    bytes: { aToB: c.bytes[0], bToA: c.bytes[1] },
    gaps: { count: c.gapCount, bytes: c.gapBytes, list: c.gaps.map((g) => ({ dir: g.dir === 0 ? 'aToB' : 'bToA', offset: g.streamOffset, length: g.length, reason: g.reason, frame: g.frame })) },
    retransmissions: c.retransmissions,
    outOfOrder: c.outOfOrder,
    // Per direction (aToB, bToA): how it ended, and `from` the side whose segment ended it (a RST from b ends both).
    end: c.ends.map((e, i) => (e ? { dir: i === 0 ? 'aToB' : 'bToA', from: (e.from ?? i) === 0 ? 'a' : 'b', reason: e.reason, frame: e.frame } : null)),
    // rule C7: a and b are the inner connection's ends; these are the outer headers', outermost first.
    tunnel: c.tunnel ? c.tunnel.map((t) => ({ encapsulation: t.encapsulation, src: t.src, dst: t.dst, ...(t.id !== undefined && { id: t.id }) })) : null,
  };
}

/** The text listing, in pieces of `perChunk` lines: a capture's million connections are never one string. */
export function writeFlowsText(r: ScanResult, file: string, out: (text: string) => void, perChunk = 1000): void {
  let lines: string[] = [];
  const line = (text: string) => {
    lines.push(text);
    if (lines.length >= perChunk) {
      out(lines.join('\n') + '\n');
      lines = [];
    }
  };
  line(`${safeText(file)}: ${r.capture.frames} frames, ${r.connections.length} TCP connections (${r.capture.format}${r.capture.gzip ? ', gzip' : ''})`);
  for (const c of r.connections) {
    const arrow = c.synSeen ? '→' : '—';
    const gaps = c.gapCount ? `, ${c.gapCount} gaps (${c.gapBytes} bytes missing${c.gaps[0] ? `, first at frame ${c.gaps[0].frame}: ${c.gaps[0].reason}` : ''})` : '';
    const mid = c.synSeen ? '' : ' (no SYN seen: initiator unknown)';
    const tunnel = c.tunnel ? `  tunnelled: ${tunnelsText(c.tunnel)}` : '';
    line(`#${c.id} ${ep(c.a)} ${arrow} ${ep(c.b)}${mid}  frames ${c.firstFrame}–${c.lastFrame}  ${c.bytes[0]} B → / ${c.bytes[1]} B ←${gaps}  ${endText(c)}${tunnel}`);
  }
  for (const p of r.capture.problems) line(`${p.severity === 'fatal' ? 'error' : 'warning'}: ${p.message}`);
  for (const n of tunnelNotes(r.stats)) line(`note: ${n}`);
  for (const n of statsNotes(r.stats)) line(`note: ${n.text}`);
  if (lines.length > 0) out(lines.join('\n') + '\n');
}
