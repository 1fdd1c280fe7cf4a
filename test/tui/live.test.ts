import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { analyzeCapture, type LiveSnapshot } from '../../src/analysis/index.js';
import { scenarioCapture } from './fixture.js';

/** A capture delivered in small chunks, one per event-loop turn, as a slow disk or a large file would. */
function trickle(bytes: Buffer, chunk: number): Readable {
  let off = 0;
  return new Readable({
    read() {
      setImmediate(() => {
        if (off >= bytes.length) return void this.push(null);
        this.push(bytes.subarray(off, off + chunk));
        off += chunk;
      });
    },
  });
}

describe('live snapshots while a capture streams (for the viewer)', () => {
  it('grow as the capture is read and end equal to the analysis', async () => {
    const bytes = readFileSync(scenarioCapture('06-', 'vcs8c'));
    let snapshot: (() => LiveSnapshot) | undefined;
    const seen: { bytes: number; sessions: number; messages: number }[] = [];
    const a = await analyzeCapture(trickle(bytes, 1024), {
      sourceName: 'trickle.pcap',
      sizeHint: bytes.length,
      live: (s) => {
        snapshot = s;
      },
      onProgress: (read) => {
        const snap = snapshot!();
        expect(snap.source).toBe('trickle.pcap');
        seen.push({ bytes: read, sessions: snap.sessions.length, messages: snap.sessions.reduce((n, x) => n + x.tls.messages.length, 0) });
      },
    });
    expect(seen.length).toBeGreaterThan(5);
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.bytes).toBeGreaterThanOrEqual(seen[i - 1]!.bytes);
      expect(seen[i]!.messages).toBeGreaterThanOrEqual(seen[i - 1]!.messages);
    }
    expect(seen[0]!.messages).toBeLessThan(seen.at(-1)!.messages);
    const final = snapshot!();
    expect(final.sessions.map((s) => s.id)).toEqual(a.sessions.map((s) => s.id));
    expect(final.sessions.map((s) => s.tls.messages.length)).toEqual(a.sessions.map((s) => s.tls.messages.length));
    expect(final.pool).toBe(a.pool);
  });

  it("a snapshot's message list does not change after it was taken", async () => {
    const bytes = readFileSync(scenarioCapture('05-', 'vcs8c'));
    let snapshot: (() => LiveSnapshot) | undefined;
    const taken: { count: number; list: readonly unknown[] }[] = [];
    await analyzeCapture(trickle(bytes, 700), {
      live: (s) => {
        snapshot = s;
      },
      onProgress: () => {
        for (const s of snapshot!().sessions) taken.push({ count: s.tls.messages.length, list: s.tls.messages });
      },
    });
    expect(taken.length).toBeGreaterThan(2);
    for (const t of taken) expect(t.list.length).toBe(t.count);
  });
});
