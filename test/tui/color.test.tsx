/**
 * Colour on, and off (NO_COLOR): meaning never rests on colour alone. Ink colours through chalk,
 * which reads FORCE_COLOR when it is first imported, so everything here is imported after setting it.
 */
import { describe, expect, it } from 'vitest';

process.env['FORCE_COLOR'] = '1';
const { fixture } = await import('./fixture.js');
const { renderAt } = await import('./render-helpers.js');
const { colorWanted } = await import('../../src/tui/theme.js');

/** SGR colour codes: foreground 30–37, 90–97, 38;… (inverse, bold and dim are not colours). */
const COLOUR = /\x1b\[(3[0-8]|9[0-7])(;[0-9;]*)?m/;

describe('colour', () => {
  it('follows NO_COLOR, FORCE_COLOR and the terminal', () => {
    expect(colorWanted({}, true)).toBe(true);
    expect(colorWanted({}, false)).toBe(false);
    expect(colorWanted({ NO_COLOR: '1' }, true)).toBe(false);
    expect(colorWanted({ NO_COLOR: '' }, true)).toBe(true);
    expect(colorWanted({ TERM: 'dumb' }, true)).toBe(false);
    expect(colorWanted({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(colorWanted({ NO_COLOR: '1', FORCE_COLOR: '1' }, true)).toBe(false);
  });

  it('colours outcomes and the focused frame when allowed, and none at all without', async () => {
    const f = await fixture();
    const on = await renderAt(120, 40, f.explained, { color: true });
    expect(on.frame()).toMatch(COLOUR);
    expect(on.frame()).toContain('\x1b[31m✖');
    on.unmount();
    const off = await renderAt(120, 40, f.explained, { color: false });
    const frame = off.frame();
    expect(frame).not.toMatch(COLOUR);
    // The selection and the focus are still visible: inverse video, the › marker, the heavy frame.
    expect(frame).toContain('\x1b[7m');
    expect(frame).toContain('┏━ ▶ Sessions');
    expect(frame).toMatch(/› .*✖/);
    off.unmount();
  });
});
