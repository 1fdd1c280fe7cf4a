import { describe, expect, it } from 'vitest';
import { redactExplanation } from '../../src/narrate/redact.js';
import { scenarioReports } from './reports.js';

describe('session stories', () => {
  it('make their sentences, ladder and certificate table when read (the same each time), listed as their own properties', async () => {
    const expl = (await scenarioReports(['05-uc-traversal-eku-on-failed']))['05-uc-traversal-eku-on-failed']!;
    expect(expl.stories.length).toBeGreaterThan(0);
    for (const story of expl.stories) {
      expect(Object.keys(story)).toEqual(['source', 'sessionId', 'headline', 'outcome', 'outcomeText', ...('service' in story ? ['service'] : []), 'client', 'server', 'sentences', 'findings', 'ladder', 'blocks']);
      expect(story.sentences.length).toBeGreaterThan(0);
      expect(story.sentences).toEqual(story.sentences);
      expect(story.ladder).toEqual(story.ladder);
      expect(story.blocks).toEqual(story.blocks);
    }
    // A failed session is notable: its ladder is drawn, and the redacted copy carries it too.
    const failed = expl.stories.find((s) => s.outcome === 'failed');
    expect(failed?.ladder.length).toBeGreaterThan(0);
    const redacted = redactExplanation(expl);
    expect(redacted.stories.map((s) => s.ladder.length)).toEqual(expl.stories.map((s) => s.ladder.length));
    expect(redacted.stories.map((s) => s.blocks.length)).toEqual(expl.stories.map((s) => s.blocks.length));
    expect(redacted.stories.map((s) => s.sentences.length)).toEqual(expl.stories.map((s) => s.sentences.length));
    // The document's session sections are made when read, and read the same twice.
    const sections = JSON.stringify(expl.doc);
    expect(JSON.stringify(expl.doc)).toBe(sections);
    expect(sections).toContain(JSON.stringify(expl.stories[0]!.sentences[0]));
  });
});
