/** The narration pane: a session's story (or, without one yet, what the capture alone shows), findings, and wrapped lines. */
import { safeText } from '../../bytes/text.js';
import { endpointText } from '../../expressway/index.js';
import { cipherSuiteName, versionName } from '../../tls/index.js';
import { ekuStatus, type EkuName } from '../../x509/index.js';
import { framesText, type Finding, type Inline, type Severity } from '../doc.js';
import { SEVERITY_SYMBOL, SEVERITY_TONE, type Seg, type Tone } from './common.js';
import { roleEndpoints, rowMark, type SessionEntry } from './sessions.js';

export interface FindingView {
  readonly severity: Severity;
  readonly symbol: string;
  readonly tone: Tone;
  /** "T5" or "T5, T6, X4". */
  readonly rules: string;
  readonly title: string;
  readonly detail: string;
  readonly fix?: string;
  readonly frames: readonly number[];
  readonly framesText: string;
  readonly code: string;
}

export interface NarrationView {
  readonly headline: string;
  readonly symbol: string;
  readonly tone: Tone;
  readonly outcomeText: string;
  readonly sentences: readonly (readonly Seg[])[];
  readonly findings: readonly FindingView[];
  /** Built from the analysis alone (no explanation yet, or none available). */
  readonly provisional: boolean;
  /** Why the narration is provisional, shown under the outcome. */
  readonly note?: string;
}

function inlineSegs(content: readonly Inline[]): Seg[] {
  return content.map((i): Seg => {
    if (typeof i === 'string') return { text: safeText(i) };
    switch (i.kind) {
      case 'strong':
        return { text: safeText(i.text), bold: true };
      case 'em':
      case 'link':
        return { text: safeText(i.text) };
      case 'code':
        return { text: safeText(i.text), tone: 'accent' };
      case 'frames':
        return { text: `(${framesText(i.frames)})`, tone: 'muted' };
      case 'severity':
        return { text: SEVERITY_SYMBOL[i.severity], tone: SEVERITY_TONE[i.severity] };
    }
  });
}

export function findingView(f: Finding): FindingView {
  return {
    severity: f.severity,
    symbol: SEVERITY_SYMBOL[f.severity],
    tone: SEVERITY_TONE[f.severity],
    rules: safeText([f.rule, ...(f.alsoRules ?? [])].join(', ')),
    title: safeText(f.title),
    detail: safeText(f.detail),
    ...(f.fix !== undefined && { fix: safeText(f.fix) }),
    frames: f.frames,
    framesText: framesText(f.frames),
    code: safeText(f.code),
  };
}

export function narrationView(e: SessionEntry, stillReading: boolean): NarrationView {
  const st = e.story;
  if (st) {
    return {
      headline: safeText(st.headline),
      // The list's mark (and the report's): an error found over a handshake that did not fail is ✖.
      ...rowMark(st.outcome, st),
      outcomeText: safeText(st.outcomeText),
      sentences: st.sentences.map(inlineSegs),
      findings: st.findings.map(findingView),
      provisional: false,
    };
  }
  const r = e.row;
  const service = r.service ? `, ${r.service}` : '';
  return {
    headline: `${r.clientName ?? r.clientAddr} → ${r.serverName ?? r.serverAddr}${service}, ${r.version}`,
    symbol: r.symbol,
    tone: r.tone,
    outcomeText: r.outcomeText,
    sentences: factSentences(e).map(inlineSegs),
    findings: [],
    provisional: true,
    note: stillReading ? 'The explanation follows when the capture has been read.' : 'No explanation with Expressway context: the facts the capture shows.',
  };
}

/** What the capture alone shows about a session, each sentence with its frames. */
function factSentences(e: SessionEntry): Inline[][] {
  const s = e.session;
  const { client, server } = roleEndpoints(s);
  const facts: { frame: number; text: Inline[] }[] = [];
  const out = { push: (text: Inline[]) => facts.push({ frame: firstFrame(text), text }) };
  const hello = (type: number) => s.tls.messages.find((m) => m.kind === 'handshake' && m.type === type);
  const ch = hello(1);
  const sh = hello(2);
  if (ch) out.push([{ kind: 'strong', text: endpointText(client) }, ' was the TLS client: it sent the ClientHello (T1) ', { kind: 'frames', frames: [ch.frame] }]);
  if (sh) {
    const suite = s.tls.cipherSuite !== undefined ? `, ${cipherSuiteName(s.tls.cipherSuite)}` : '';
    out.push([{ kind: 'strong', text: endpointText(server) }, ` answered as TLS server: ${s.tls.version !== undefined ? versionName(s.tls.version) : '?'}${suite} `, { kind: 'frames', frames: [sh.frame] }]);
  }
  for (const cm of s.certificateMessages) {
    const who = cm.from === 'client' ? endpointText(client) : endpointText(server);
    if (cm.empty) {
      out.push([`The ${cm.from} sent an empty Certificate message: it had no suitable certificate (T3) `, { kind: 'frames', frames: [cm.frame] }]);
      continue;
    }
    const leaf = cm.certificates[0] && e.capture.pool.get(cm.certificates[0].id);
    if (!leaf) continue;
    const need: EkuName = cm.from === 'client' ? 'clientAuth' : 'serverAuth';
    const st = ekuStatus(leaf, need);
    const ekuText =
      st === 'present'
        ? `it has ${need}`
        : st === 'missing'
          ? `its EKU (${leaf.eku?.names.join(', ')}) lacks ${need} (E2)`
          : st === 'no-eku-extension'
            ? 'it has no EKU extension, so no purpose restriction (E1)'
            : st === 'any-eku-only'
              ? 'it has only anyExtendedKeyUsage: Go and Java accept it, OpenSSL and NSS do not (E3)'
              : 'its EKU could not be read';
    out.push([
      `${who} presented ${cm.certificates.length} certificate${cm.certificates.length === 1 ? '' : 's'}; the leaf is `,
      { kind: 'code', text: leaf.subject?.rfc4514 ?? '?' },
      `, serial ${leaf.serialDisplay ?? '?'}. As ${cm.from === 'client' ? 'a client' : 'a server'} certificate it needs ${need}: ${ekuText} `,
      { kind: 'frames', frames: cm.frames },
    ]);
  }
  if (s.certificateRequest) out.push(['The server asked for a client certificate (CertificateRequest) ', { kind: 'frames', frames: [s.certificateRequest.frame] }]);
  // Stable sort: the story in frame order, as the ladder shows it.
  const sorted = facts.sort((a, b) => a.frame - b.frame).map((f) => f.text);
  return [...sorted, [`Outcome: ${e.row.outcomeText}.`]];
}

function firstFrame(content: readonly Inline[]): number {
  // A list of frames can be one per session: folded, not spread into call arguments.
  for (const i of content) if (typeof i !== 'string' && i.kind === 'frames' && i.frames.length > 0) return i.frames.reduce((m, x) => (x < m ? x : m), Infinity);
  return Number.MAX_SAFE_INTEGER;
}

/** Narration as wrapped lines for a pane `width` wide; `findingLines[i]` is where finding i starts. */
export function narrationLines(v: NarrationView, width: number, current?: number): { lines: readonly (readonly Seg[])[]; findingLines: readonly number[] } {
  const w = Math.max(10, width);
  const lines: Seg[][] = [];
  const add = (segs: readonly Seg[], indent = '', first = '') => lines.push(...wrapSegs(segs, w, first, indent));
  add([{ text: `${v.symbol} `, tone: v.tone, bold: true }, { text: v.headline, bold: true }]);
  // The outcome, unless the headline already says it.
  if (!v.headline.includes(v.outcomeText)) add([{ text: v.outcomeText, tone: v.tone }], '  ', '  ');
  if (v.note) add([{ text: v.note, tone: 'muted' }], '  ', '  ');
  for (const s of v.sentences) {
    lines.push([]);
    add(s, '  ', '• ');
  }
  const findingLines: number[] = [];
  if (v.findings.length > 0) {
    lines.push([]);
    add([{ text: `Findings (${v.findings.length})`, bold: true }]);
    v.findings.forEach((f, i) => {
      const hl = i === current;
      findingLines.push(lines.length);
      add([
        { text: `${f.symbol} ${f.severity.toUpperCase()}`, tone: f.tone, bold: true, ...(hl && { hl }) },
        { text: ` [${f.rules}] `, tone: 'accent', ...(hl && { hl }) },
        { text: f.title, bold: true, ...(hl && { hl }) },
        ...(f.framesText ? [{ text: ` (${f.framesText})`, tone: 'muted' as Tone }] : []),
      ], '    ');
      add([{ text: f.detail }], '    ', '    ');
      if (f.fix) add([{ text: 'Fix: ', tone: 'ok', bold: true }, { text: f.fix }], '    ', '    ');
    });
  }
  return { lines, findingLines };
}

/** Word-wraps styled runs to `width` columns; `first` prefixes the first line, `indent` the rest. */
export function wrapSegs(segs: readonly Seg[], width: number, first = '', indent = ''): Seg[][] {
  const out: Seg[][] = [];
  let line: Seg[] = first ? [{ text: first }] : [];
  let col = first.length;
  const pushText = (text: string, style: Omit<Seg, 'text'>) => {
    const last = line[line.length - 1];
    if (last && last.tone === style.tone && last.bold === style.bold && last.hl === style.hl) line[line.length - 1] = { ...last, text: last.text + text };
    else line.push({ ...style, text });
    col += text.length;
  };
  const newline = () => {
    out.push(trimEnd(line));
    line = indent ? [{ text: indent }] : [];
    col = indent.length;
  };
  for (const seg of segs) {
    const { text, ...style } = seg;
    // Words with their following spaces; very long words are cut.
    for (const word of text.match(/\S+\s*|\s+/g) ?? []) {
      const bare = word.trimEnd();
      if (col + bare.length > width && col > indent.length) newline();
      let rest = col === indent.length ? word.trimStart() : word;
      while (rest.length > 0 && col + rest.trimEnd().length > width) {
        const room = Math.max(1, width - col);
        pushText(rest.slice(0, room), style);
        rest = rest.slice(room);
        newline();
      }
      if (rest.length > 0) pushText(rest, style);
    }
  }
  if (line.length > 0 || out.length === 0) out.push(trimEnd(line));
  return out;
}

function trimEnd(line: Seg[]): Seg[] {
  const copy = [...line];
  while (copy.length > 0) {
    const last = copy[copy.length - 1]!;
    const t = last.text.trimEnd();
    if (t.length === last.text.length) break;
    if (t.length === 0) copy.pop();
    else {
      copy[copy.length - 1] = { ...last, text: t };
      break;
    }
  }
  return copy;
}
