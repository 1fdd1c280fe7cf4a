import { afterEach, describe, expect, it } from 'vitest';
import { preferProductionUi } from '../../src/cli/view.js';

describe('the terminal UI runs React and Ink in their production builds', () => {
  const saved = process.env['NODE_ENV'];
  afterEach(() => {
    if (saved === undefined) delete process.env['NODE_ENV'];
    else process.env['NODE_ENV'] = saved;
  });

  it('asks for production when nothing is set', () => {
    delete process.env['NODE_ENV'];
    preferProductionUi();
    expect(process.env['NODE_ENV']).toBe('production');
  });

  it('keeps what the user set', () => {
    process.env['NODE_ENV'] = 'development';
    preferProductionUi();
    expect(process.env['NODE_ENV']).toBe('development');
  });
});
