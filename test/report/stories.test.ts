import { describe, expect, it } from 'vitest';
import { redactExplanation } from '../../src/narrate/redact.js';
import { scenarioReports } from './reports.js';

describe('session stories', () => {
  it('build their ladder and certificate table once, when read, and still list them as their own properties', async () => {
    const expl = (await scenarioReports(['05-uc-traversal-eku-on-failed']))['05-uc-traversal-eku-on-failed']!;
    expect(expl.stories.length).toBeGreaterThan(0);
    for (const story of expl.stories) {
      expect(Object.keys(story)).toEqual(expect.arrayContaining(['headline', 'sentences', 'findings', 'ladder', 'blocks']));
      expect(story.ladder).toBe(story.ladder);
      expect(story.blocks).toBe(story.blocks);
    }
    // A failed session is notable: its ladder is drawn, and the redacted copy carries it too.
    const failed = expl.stories.find((s) => s.outcome === 'failed');
    expect(failed?.ladder.length).toBeGreaterThan(0);
    const redacted = redactExplanation(expl);
    expect(redacted.stories.map((s) => s.ladder.length)).toEqual(expl.stories.map((s) => s.ladder.length));
    expect(redacted.stories.map((s) => s.blocks.length)).toEqual(expl.stories.map((s) => s.blocks.length));
  });
});
