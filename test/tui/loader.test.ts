import { describe, expect, it } from 'vitest';
import { reportLoader, viewSource, type CaptureHooks } from '../../src/cli/view.js';
import { buildViewModel, detailsTree, ladderView } from '../../src/narrate/views.js';
import type { SourceUpdate } from '../../src/tui/source.js';
import { scenarioDir } from './fixture.js';

describe("the viewer's data: the report's composition", () => {
  it('reads a two-box bundle with progress hooks per capture and tells the shared handshake once', async () => {
    const seen: { name: string; size?: number }[] = [];
    const hooks: CaptureHooks = {
      forCapture(name, size) {
        seen.push({ name, ...(size !== undefined && { size }) });
        return {};
      },
    };
    const r = await reportLoader()([scenarioDir('05-')], hooks);
    expect(seen.map((s) => s.name.split('/')[0]).sort()).toEqual(['smartslave', 'vcs8c']);
    expect(seen.every((s) => (s.size ?? 0) > 1000)).toBe(true);
    expect(r.analyses).toHaveLength(2);
    const vm = buildViewModel({ captures: r.analyses, ...(r.explanation && { explanation: r.explanation }) });
    expect(vm.rows).toHaveLength(1);
    expect(vm.toldOnce).toBe(1);
    expect(vm.rows[0]).toMatchObject({ outcome: 'failed', clientName: 'Expressway-C vcs8c' });
    expect(vm.rows[0]!.findings).toBeGreaterThan(0);
  });

  it('names sessions by their case when several cases are open', async () => {
    const r = await reportLoader()([scenarioDir('01-'), scenarioDir('05-')], { forCapture: () => ({}) });
    expect(r.analyses.map((a) => a.label)).toEqual(['01-webex-client-cert', '05-uc-traversal-eku-on-failed', '05-uc-traversal-eku-on-failed']);
  });

  it('decrypted messages (a key log in the case folder) are marked in the ladder and the details', async () => {
    const r = await reportLoader()([scenarioDir('12-')], { forCapture: () => ({}) });
    const vm = buildViewModel({ captures: r.analyses, ...(r.explanation && { explanation: r.explanation }) });
    const e = vm.entries.get(vm.rows[0]!.key)!;
    const row = ladderView(e).rows.find((x) => x.label.startsWith('Certificate') && x.dir === 'right')!;
    expect(row.arrow).toBe('Certificate');
    expect(row.note).toMatch(/^✖ no clientAuth.* · decrypted$/);
    expect(detailsTree(e, row)[0]!.value).toMatch(/decrypted with the key log$/);
  });

  it('the source: starting, reading with sizes, then the analyses with their explanation', async () => {
    const updates: SourceUpdate[] = [];
    const source = viewSource([scenarioDir('05-')], reportLoader());
    await new Promise<void>((resolve) => {
      source((u) => {
        updates.push(u);
        if (u.progress.phase === 'done' || u.progress.phase === 'failed') resolve();
      });
    });
    expect(updates[0]!.progress.phase).toBe('starting');
    expect(updates.some((u) => u.progress.phase === 'reading' && (u.progress.total ?? 0) > 0 && /vcs8c|smartslave/.test(u.progress.label ?? ''))).toBe(true);
    const last = updates.at(-1)!;
    expect(last.progress.phase).toBe('done');
    expect(last.data!.captures).toHaveLength(2);
    expect(last.data!.explanation!.stories).toHaveLength(1);
    expect(source.settled()).toBe(true);
  });

  it('an unreadable path ends in a failure the viewer can show', async () => {
    const updates: SourceUpdate[] = [];
    await new Promise<void>((resolve) => {
      viewSource(['no/such/capture.pcap'], reportLoader())((u) => {
        updates.push(u);
        if (u.progress.phase === 'failed' || u.progress.phase === 'done') resolve();
      });
    });
    expect(updates.at(-1)!.progress).toMatchObject({ phase: 'failed', problems: [expect.stringMatching(/no such file/)] });
  });
});
