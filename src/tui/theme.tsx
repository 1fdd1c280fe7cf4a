/**
 * Colour, or none (NO_COLOR, a terminal without colour): every meaning colour carries is also
 * carried by a symbol (✔ ✖ ▲), a border style or a marker, so nothing is lost without it.
 */
import { createContext, useContext } from 'react';
import type { Tone } from '../narrate/views.js';

export interface Theme {
  readonly color: boolean;
}

export const ThemeContext = createContext<Theme>({ color: false });

export function useTheme(): Theme {
  return useContext(ThemeContext);
}

const COLORS: Readonly<Record<Tone, string | undefined>> = {
  ok: 'green',
  bad: 'red',
  warn: 'yellow',
  info: 'blue',
  muted: 'gray',
  accent: 'cyan',
  plain: undefined,
};

export function toneColor(theme: Theme, tone: Tone | undefined): string | undefined {
  return theme.color && tone ? COLORS[tone] : undefined;
}

/** NO_COLOR (https://no-color.org): present and not empty disables colour. */
export function colorWanted(env: Readonly<Record<string, string | undefined>>, isTty: boolean): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0') return true;
  return isTty && env['TERM'] !== 'dumb';
}
