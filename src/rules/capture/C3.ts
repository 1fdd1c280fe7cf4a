import { statsNotes } from '../../analysis/index.js';
import type { CaptureFacts } from '../checks.js';
import { snapText } from '../facts/capture.js';
import type { SessionFacts } from '../facts/session.js';
import type { RuleFinding } from '../finding.js';
import type { Rule } from '../types.js';

export const C3: Rule = {
  id: 'C3',
  family: 'C',
  title: 'Bytes missing',
  statement: 'Later bytes are placed by TCP sequence numbers, so whole records after a gap are facts. A message with missing bytes is "incomplete (N of M bytes captured)", never "empty".',
  explanation: [
    'The rule book: "Bytes missing (snap length, loss): TCP sequence numbers place later bytes; record headers give the next record\'s offset, so whole records after a gap are facts. A message with missing bytes is \'incomplete (N of M bytes captured)\', never \'empty\'; certificates captured whole in it still count."',
    'ekuscope reports frames cut by the snap length, gaps inside the handshake, messages cut short, packets it could not decode and connections captured in one direction only, and never mistakes an incomplete message for an empty one.',
  ].join('\n\n'),
  fix: 'Recapture with the full snap length (tcpdump -s 0) and a larger capture buffer, on an interface that sees both directions.',
  sources: ['RFC 9293 §3.4', 'RFC 5246 §6.2'],
  checks: {
    session: [{ order: 42, run: incompleteClientCertificate }, { order: 46, run: oneDirection }, { order: 48, run: anomalies }],
    capture: [{ order: 10, run: snapLength }, { order: 12, run: fileProblems }, { order: 13, run: notDecoded }],
  },
};

/** The client's Certificate message is incomplete in the capture. */
function incompleteClientCertificate(f: SessionFacts): RuleFinding[] {
  const { s, clientCert, clientMsg } = f;
  const findings: RuleFinding[] = [];
  if (clientCert === 'truncated' && clientMsg) {
    findings.push({
      severity: 'warning',
      rule: 'C3',
      alsoRules: ['T3'],
      session: s.id,
      frames: [clientMsg.frame],
      code: 'client-certificate-incomplete',
      title: "The client's Certificate message is incomplete in the capture",
      detail: `Only part of the Certificate message sent in frame ${clientMsg.frames.join(', ')} was captured: which certificate the client sent cannot be told (no serial is guessed).`,
      fix: 'Recapture with the full snap length (tcpdump -s 0) and let the capture run until the handshake ends.',
    });
  }
  return findings;
}

/** Only one direction of the connection was captured. */
function oneDirection(f: SessionFacts): RuleFinding[] {
  const { s } = f;
  const findings: RuleFinding[] = [];
  const conn = s.connection;
  if (conn.packets[0] === 0 || conn.packets[1] === 0) {
    findings.push({
      severity: 'warning',
      rule: 'C3',
      alsoRules: ['T6'],
      session: s.id,
      frames: [conn.firstFrame],
      code: 'one-direction-only',
      title: 'Only one direction of this connection was captured',
      detail: `All ${conn.packets[0] + conn.packets[1]} packets go one way: the other side's messages (and any alert it sent) are missing, so who rejected what cannot be told (T6).`,
      fix: 'Capture on an interface that sees both directions (on Expressway: eth0 in the diagnostic log), or on both ends.',
    });
  }
  return findings;
}

/** What the TLS decoder found missing or garbled (C3); a malformed alert record is about the alert list (T4). */
function anomalies(f: SessionFacts): RuleFinding[] {
  const { s, clientCert, clientMsg } = f;
  const findings: RuleFinding[] = [];
  const seenAnomaly = new Set<string>();
  // C3: after bytes went missing, a message "out of order" may only look so (the one before it is in the gap).
  const firstGap = Math.min(...s.tls.anomalies.filter((x) => x.code === 'gap-in-record' || x.code === 'gap-in-handshake').map((x) => x.frame));
  for (const an of s.tls.anomalies) {
    const key = `${an.code}/${an.frame}`;
    if (seenAnomaly.has(key)) continue;
    if (an.code === 'unexpected-message' && an.frame >= firstGap) continue;
    // The incomplete client Certificate already has its own finding (T3) for this frame.
    if (an.code === 'truncated-message' && clientCert === 'truncated' && clientMsg?.frames.includes(an.frame)) continue;
    seenAnomaly.add(key);
    const gap = an.code === 'gap-in-handshake' || an.code === 'gap-in-record';
    const trunc = an.code === 'truncated-message';
    findings.push({
      severity: 'warning',
      // A malformed alert record is about the alert list (T4); the rest is what the capture lost or garbled (C3).
      rule: an.code === 'bad-alert' ? 'T4' : 'C3',
      session: s.id,
      frames: [an.frame],
      code: gap ? 'gap-in-handshake' : trunc ? 'truncated-message' : `tls-${an.code}`,
      title: gap ? 'Bytes are missing inside the handshake' : trunc ? 'A handshake message is cut short' : `TLS anomaly: ${an.code.replace(/-/g, ' ')}`,
      detail: an.message,
      ...(gap || trunc ? { fix: 'Recapture with the full snap length (tcpdump -s 0) and a larger capture buffer, so every segment of the Certificate messages is kept.' } : {}),
    });
  }
  return findings;
}

/** Frames cut by the capture's snap length. */
function snapLength(f: CaptureFacts): RuleFinding[] {
  const { a } = f;
  const cap = a.capture;
  const out: RuleFinding[] = [];
  if (cap.truncatedFrames > 0) {
    out.push({
      severity: 'warning',
      rule: 'C3',
      frames: [],
      code: 'snaplen-truncated',
      title: `${cap.truncatedFrames} frame(s) were cut by the capture's snap length${snapText(cap.snapLengths)}`,
      detail: `${a.source}: ${cap.truncatedFrames} packet(s) were captured shorter than sent${snapText(cap.snapLengths) ? `, each cut at the snap length${snapText(cap.snapLengths)}` : ''}; the bytes cut are missing, so messages in them are incomplete. Records captured whole after them are still read (C3).`,
      fix: `Recapture with the full snap length: tcpdump -s 0${snapText(cap.snapLengths) ? ` (this capture's snap length is${snapText(cap.snapLengths).replace(/^ of/, '')})` : ''}.`,
    });
  }
  return out;
}

/** Problems in the capture file; a file that ends early is C4. */
function fileProblems(f: CaptureFacts): RuleFinding[] {
  const { a } = f;
  const cap = a.capture;
  const out: RuleFinding[] = [];
  for (const p of cap.problems) {
    out.push({
      severity: p.severity === 'fatal' ? 'warning' : 'info',
      rule: p.severity === 'fatal' ? 'C4' : 'C3',
      frames: p.frame !== undefined ? [p.frame] : [],
      code: p.severity === 'fatal' ? 'capture-cut' : 'capture-problem',
      title: p.severity === 'fatal' ? `${a.source} ends early` : `${a.source}: a problem in the file`,
      detail: `${p.message}. Everything before it was read.`,
      ...(p.severity === 'fatal' ? { fix: 'Copy the capture file again (it may have been cut in transfer), or stop the capture cleanly before downloading it.' } : {}),
    });
  }
  return out;
}

/** What the packet decoder could not read, or the connection table had no room for. */
function notDecoded(f: CaptureFacts): RuleFinding[] {
  const { a } = f;
  const out: RuleFinding[] = [];
  for (const n of statsNotes(a.stats)) {
    out.push({
      severity: n.serious ? 'warning' : 'info',
      rule: 'C3',
      frames: n.frame !== undefined ? [n.frame] : [],
      code: 'capture-not-decoded',
      title: `${a.source}: ${n.serious ? 'part of the capture was not analysed' : 'some packets were not decoded'}`,
      detail: `${n.text.charAt(0).toUpperCase()}${n.text.slice(1)}.`,
      // A limit was reached: the capture holds more than can be told; a smaller one is the way.
      ...((n.kind === 'connections' || n.kind === 'handshakes' || n.kind === 'handshake-bytes' || n.kind === 'sessions') && { fix: "Keep only the traffic in question and analyse that: tcpdump -r IN -w OUT 'tcp port 5061' (the failing service's ports), or a time slice with editcap -A/-B." }),
    });
  }
  return out;
}
