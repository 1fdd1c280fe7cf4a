/** The hex pane: a ladder row's bytes as rows of a hex dump, the selected field's bytes marked. */
import type { Seg } from './common.js';
import type { ByteRange } from './details.js';
import type { LadderRow } from './ladder.js';
import type { SessionEntry } from './sessions.js';

export interface HexLine {
  readonly offset: string;
  readonly hex: readonly Seg[];
  readonly ascii: readonly Seg[];
}

export interface HexView {
  /** Bytes of the message (0 when its body is not kept: encrypted records). */
  readonly length: number;
  readonly totalRows: number;
  readonly lines: readonly HexLine[];
  /** Row of the first highlighted byte. */
  readonly rangeRow?: number;
  /** Shown instead of bytes, or as a caption. */
  readonly note?: string;
}

/** The bytes of a ladder row's message: the handshake message with its header, or the record body. */
export function messageBytes(e: SessionEntry, row: LadderRow | undefined): { bytes?: Uint8Array; note: string } {
  if (!row) return { note: 'no message selected' };
  if (row.kind === 'end') return { note: `${row.label}: no TLS bytes` };
  if (row.kind === 'record') return { note: `${row.label}: seen after the handshake, its bytes not kept` };
  const m = e.session.tls.messages.find((x) => x.index === row.index);
  if (!m) return { note: 'message not found' };
  if (m.kind === 'handshake' || m.kind === 'change-cipher-spec' || (m.kind === 'alert' && !m.encrypted)) {
    const what = m.kind === 'handshake' ? 'handshake message (header included)' : 'record body';
    return { bytes: m.bytes, note: `${m.bytes.length} bytes of ${what}${m.kind === 'handshake' && m.truncated ? `, truncated from ${m.length + 4}` : ''}` };
  }
  return { note: `${'length' in m ? m.length : 0} bytes, encrypted: the body is not kept` };
}

function hex2(b: number): string {
  return b.toString(16).padStart(2, '0');
}

/** Rows `top`..`top+height` of a hex dump; bytes in `range` are marked. */
export function hexView(bytes: Uint8Array | undefined, range: ByteRange | undefined, bytesPerRow: number, top: number, height: number, note?: string): HexView {
  if (!bytes) return { length: 0, totalRows: 0, lines: [], ...(note !== undefined && { note }) };
  const per = Math.max(1, bytesPerRow);
  const totalRows = Math.ceil(bytes.length / per);
  const lines: HexLine[] = [];
  const inRange = (i: number) => range !== undefined && i >= range.offset && i < range.offset + range.length;
  const width = Math.max(4, bytes.length.toString(16).length);
  for (let r = Math.max(0, top); r < Math.min(totalRows, top + height); r++) {
    const hex: Seg[] = [];
    const ascii: Seg[] = [];
    const push = (list: Seg[], text: string, hl: boolean) => {
      const last = list[list.length - 1];
      if (last && (last.hl ?? false) === hl) list[list.length - 1] = { ...last, text: last.text + text };
      else list.push(hl ? { text, hl } : { text });
    };
    for (let k = 0; k < per; k++) {
      const i = r * per + k;
      if (i >= bytes.length) {
        push(hex, '   ', false);
        continue;
      }
      const b = bytes[i]!;
      const hl = inRange(i);
      // The space after a byte is highlighted only inside a run, as Wireshark does.
      push(hex, hex2(b), hl);
      push(hex, k === per - 1 ? '' : ' ', hl && inRange(i + 1) && k !== per - 1);
      if (k === 7 && per > 8) push(hex, ' ', false);
      push(ascii, b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.', hl);
    }
    lines.push({ offset: (r * per).toString(16).padStart(width, '0'), hex: hex.filter((s) => s.text.length > 0), ascii });
  }
  return {
    length: bytes.length,
    totalRows,
    lines,
    ...(range && range.length > 0 && { rangeRow: Math.floor(range.offset / per) }),
    ...(note !== undefined && { note }),
  };
}
