/**
 * A session's ladder as inline SVG (no script, no external reference): the two ends' lifelines, one
 * arrow per message with its frame, the certificate notes, the alert or close that ended a failed
 * handshake marked ✖ and banded, and the certificate the peer rejected marked. Colours come from the
 * page's stylesheet (classes), so light, dark and print follow it; symbols carry the meaning without
 * colour.
 */
import type { LadderStep } from '../narrate/doc.js';
import { htmlAttr, htmlText } from './html-escape.js';

const W = 820;
const XL = 200;
const XR = 680;
const TOP = 44;
const ROW = 36;
const NOTE = 15;

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** SVG text: escaped, control characters marked with tspan (an HTML span would end the SVG). */
function t(s: string): string {
  return htmlText(s, 'tspan');
}

const TONE_SYMBOL: Readonly<Record<string, string>> = { bad: '✖ ', warn: '▲ ' };

function arrowHead(x: number, y: number, dir: 1 | -1, cls: string): string {
  return `<path class="${cls}" d="M${x} ${y} l${-9 * dir} -5 v10 z"/>`;
}

function cross(x: number, y: number): string {
  return `<path class="cross" d="M${x - 5} ${y - 5} l10 10 M${x + 5} ${y - 5} l-10 10"/>`;
}

/** The ladder of one session; `id` makes its title's id unique in the page. */
export function ladderSvg(left: string, right: string, steps: readonly LadderStep[], id: string): string {
  const rows: string[] = [];
  let y = TOP;
  for (const s of steps) {
    const tone = s.tone ?? 'plain';
    const h = ROW + (s.note || s.rejected ? NOTE : 0);
    const ltr = s.from === 'left';
    const [x1, x2] = ltr ? [XL, XR] : [XR, XL];
    const ay = y + 20;
    const band = tone === 'bad' || s.rejected ? `<rect class="band ${tone === 'bad' ? 'band-bad' : 'band-rejected'}" x="4" y="${y + 1}" width="${W - 8}" height="${h - 2}" rx="4"/>` : '';
    const end = tone === 'bad' ? cross(x2 + (ltr ? -6 : 6), ay) : arrowHead(x2, ay, ltr ? 1 : -1, `head ${tone}`);
    const label = `${TONE_SYMBOL[tone] ?? ''}${clip(s.label, 64)}`;
    const notes = [s.note ? clip(s.note, 90) : '', s.rejected ? '✖ rejected by the peer' : ''].filter((x) => x);
    const note = notes.length
      ? `<text class="note" x="${(XL + XR) / 2}" y="${ay + 15}" text-anchor="middle">${notes.map((n, i) => (i === 0 && s.note ? t(n) : `<tspan class="rej">${i ? ' · ' : ''}${t(n)}</tspan>`)).join('')}</text>`
      : '';
    rows.push(
      `<g class="step ${tone}${s.rejected ? ' rejected' : ''}" data-frame="${s.frame}">${band}` +
        `<text class="fr" x="72" y="${ay + 4}" text-anchor="end">${s.frame}</text>` +
        `<text class="label" x="${(XL + XR) / 2}" y="${ay - 6}" text-anchor="middle">${t(label)}</text>` +
        `<line class="arrow ${tone}" x1="${x1}" y1="${ay}" x2="${x2 + (ltr ? -8 : 8)}" y2="${ay}"/>${end}${note}</g>`,
    );
    y += h;
  }
  const height = y + 14;
  const name = (s: string, x: number) => `<text class="end" x="${x}" y="22" text-anchor="middle"><title>${t(s)}</title>${t(clip(s, 30))}</text>`;
  const titleId = `${id}-t`;
  return (
    `<div class="ladder-wrap"><svg class="ladder" role="img" aria-labelledby="${htmlAttr(titleId)}" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${htmlAttr(titleId)}">${t(`Message ladder between ${left} (left) and ${right} (right), ${steps.length} step(s)`)}</title>` +
    `<text class="fr head" x="72" y="22" text-anchor="end">frame</text>${name(left, XL)}${name(right, XR)}` +
    `<line class="life" x1="${XL}" y1="32" x2="${XL}" y2="${height - 6}"/><line class="life" x1="${XR}" y1="32" x2="${XR}" y2="${height - 6}"/>` +
    rows.join('') +
    '</svg></div>'
  );
}
