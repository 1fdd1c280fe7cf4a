import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportLoader, viewSource, type CaptureHooks } from '../../src/cli/view.js';
import { buildViewModel, detailsTree, ladderView } from '../../src/narrate/views.js';
import type { SourceUpdate } from '../../src/tui/source.js';
import { scenarioCapture, scenarioDir } from './fixture.js';

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
    // Told when needed: the list whole at once, each line marked as its rules are read.
    expect(r.explanation).toBeUndefined();
    for (const _ of r.teller!.mark(64)) void _;
    const vm = buildViewModel({ captures: r.analyses, teller: r.teller! });
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
    const vm = buildViewModel({ captures: r.analyses, teller: r.teller! });
    const e = vm.entries.get(vm.rows[0]!.key)!;
    const row = ladderView(e).rows.find((x) => x.label.startsWith('Certificate') && x.dir === 'right')!;
    expect(row.arrow).toBe('Certificate');
    expect(row.note).toMatch(/^✖ no clientAuth.* · decrypted$/);
    expect(detailsTree(e, row)[0]!.value).toMatch(/decrypted with the key log$/);
  });

  it('the source: starting, reading with sizes, then the analyses, their lines marked in steps', async () => {
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
    const teller = last.data!.teller!;
    expect(teller.finished).toBe(true);
    expect(buildViewModel(last.data!).rows).toHaveLength(1);
    // Between the read and the end: the whole list with the teller, the marks counted as they come.
    const marking = updates.filter((u) => u.progress.phase === 'explaining' && u.progress.told);
    expect(marking[0]!.progress.told).toEqual({ done: 0, total: 1 });
    expect(marking[0]!.data!.teller).toBe(teller);
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

describe('view --follow: a capture file that grows', () => {
  it('new sessions appear as the file grows, each with its story once settled; leaving the viewer stops the reading', async () => {
    const bytes = readFileSync(scenarioCapture('06-', 'vcs8c'));
    // Frames 1–29: the first connection whole, the second's handshake not begun (its hello is frame 30).
    let cut = 24;
    for (let i = 1; i < 30; i++) cut += 16 + bytes.readUInt32LE(cut + 8);
    const dir = mkdtempSync(join(tmpdir(), 'ekuscope-view-follow-'));
    try {
      const file = join(dir, 'growing.pcap');
      writeFileSync(file, bytes.subarray(0, cut));
      const updates: SourceUpdate[] = [];
      let waiting: { test: (u: SourceUpdate) => boolean; resolve: () => void } | undefined;
      const until = (test: (u: SourceUpdate) => boolean) =>
        new Promise<void>((resolve, reject) => {
          if (updates.some(test)) return resolve();
          const timer = setTimeout(() => reject(new Error(`no such update in 60 s; last: ${JSON.stringify(updates.at(-1)?.progress)}`)), 60_000);
          waiting = { test, resolve: () => (clearTimeout(timer), resolve()) };
        });
      const source = viewSource([file], reportLoader({ follow: true }));
      const stop = source((u) => {
        updates.push(u);
        if (waiting?.test(u)) waiting.resolve();
      });
      const sessions = (u: SourceUpdate) => u.data?.captures.flatMap((c) => c.sessions.map((s) => s.id)) ?? [];
      await until((u) => sessions(u).length === 1);
      expect(updates.every((u) => u.progress.phase === 'starting' || u.progress.phase === 'reading')).toBe(true);
      expect(updates.some((u) => u.progress.label === 'growing.pcap' && u.progress.bytes === cut && u.progress.total === undefined)).toBe(true);
      // The settled session comes with its story (no explanation while following); the model shows it, not the bare facts.
      await until((u) => (u.data?.stories ?? []).length === 1);
      const withStory = updates.find((u) => (u.data?.stories ?? []).length === 1)!;
      expect(withStory.data!.explanation).toBeUndefined();
      expect(withStory.data!.stories![0]).toMatchObject({ source: 'growing.pcap', sessionId: 0, outcome: 'warning' });
      const vm = buildViewModel(withStory.data!);
      expect(vm.rows[0]!.outcome).toBe('warning');
      expect(vm.entries.get(vm.rows[0]!.key)!.story?.findings.map((f) => f.rule)).toContain('E2');
      appendFileSync(file, bytes.subarray(cut));
      await until((u) => sessions(u).length === 2 && (u.data?.stories ?? []).length === 2);
      expect(sessions(updates.at(-1)!)).toEqual([0, 1]);
      expect(updates.at(-1)!.data!.stories!.map((s) => s.outcome)).toEqual(['warning', 'failed']);
      expect(updates.every((u) => u.progress.phase !== 'done')).toBe(true);
      stop();
      // The reading ends (the loader's promise settles) once the viewer stops it.
      await new Promise<void>((resolve, reject) => {
        const t0 = setInterval(() => source.settled() && (clearInterval(t0), resolve()), 50);
        setTimeout(() => (clearInterval(t0), reject(new Error('the followed file was still read 60 s after the stop'))), 60_000);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
