/** Facts about a whole capture file: its snap length and its clock (C1, C3). */
import { PLAUSIBLE_CLOCK_FROM } from './presented.js';

/** ' of 200 bytes' from the file's snap lengths (the ones given), '' when none is. */
export function snapText(lengths: readonly number[] | undefined): string {
  const given = (lengths ?? []).filter((n) => n > 0);
  return given.length ? ` of ${given.join(' or ')} bytes` : '';
}

export type Ts = { readonly sec: number; readonly nsec: number } | undefined;

/** C1: a capture whose clock jumps (1970, years apart, running backwards) is worth a word of advice. */
export function clockAdvice(first: Ts, last: Ts): { title: string; detail: string; fix: string } | undefined {
  if (!first || !last) return undefined;
  const day = (t: { sec: number }) => new Date(t.sec * 1000).toISOString().slice(0, 10);
  const from = PLAUSIBLE_CLOCK_FROM / 1000;
  const fix = "Set the capturing machine's clock (NTP) before capturing; editcap -t shifts a file's timestamps when the offset is known.";
  if (first.sec < from && last.sec < from)
    return { title: `every frame is dated before 2000 (first ${day(first)})`, detail: 'The capturing clock was not set: times in this capture say nothing about when it was made, and certificate validity is not judged against them.', fix };
  if (first.sec < from || last.sec < from)
    return { title: `timestamps jump between ${day(first)} and ${day(last)}`, detail: 'Some frames come from a clock that was not set (before 2000) and others from a real one.', fix };
  const span = last.sec - first.sec;
  if (span < -60) return { title: `frames run backwards in time (first ${day(first)}, last ${day(last)})`, detail: `The last frame is stamped ${Math.round(-span / 60)} minute(s) before the first: the file was merged or the clock was set back while capturing.`, fix };
  if (span > 365 * 86_400) return { title: `the frames are ${Math.round(span / (365.25 * 86_400))} year(s) apart (${day(first)} to ${day(last)})`, detail: 'Frames this far apart come from merged files or a clock that jumped while capturing.', fix };
  return undefined;
}
