import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyLog } from '../../src/analysis/keylog.js';
import { scanCapture } from '../../src/analysis/frames.js';
import type { Connection } from '../../src/net/index.js';
import { TlsConnection, type TlsMessage } from '../../src/tls/index.js';
import { capturesDir, capturesUnder, corpusFiles } from '../helpers/corpus.js';

/** Everything a reader can see of a message, as plain data (bytes as hex, fields and body walked). */
function plain(m: TlsMessage): unknown {
  const out: Record<string, unknown> = {};
  for (const k of ['index', 'kind', 'dir', 'frame', 'frames', 'tsSec', 'tsNsec', 'streamOffset', 'recordVersion', 'type', 'length', 'truncated', 'error', 'decrypted', 'sslv2', 'encrypted', 'level', 'description', 'contentType', 'bytes', 'fields', 'body'] as const) {
    const v = (m as unknown as Record<string, unknown>)[k];
    if (v !== undefined && v !== false) out[k] = walk(v);
  }
  return out;
}

function walk(v: unknown): unknown {
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (Array.isArray(v)) return v.map(walk);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
  return v;
}

const keyLogFile = join(capturesDir, '12-tls13-uc-traversal-keylog', 'sslkeylog.txt');

/** Runs every connection of a capture, packs its messages when it is set aside, and compares. */
async function compare(file: string, keyLog?: KeyLog): Promise<{ messages: number; cut: number }> {
  let messages = 0;
  let cut = 0;
  const pending: { t: TlsConnection; done: boolean }[] = [];
  const check = (t: TlsConnection) => {
    const before = t.messages.map(plain);
    let stored = 0;
    // A store that already holds each certificate (as the analysis' pool does), in a copy of its own.
    const packed = t.settle((_m, _position, der) => (stored++, der.slice()));
    const after = packed.list();
    expect(after.map(plain), file).toEqual(before);
    // Read twice: the same answer (bytes put back together again, bodies decoded again).
    expect(packed.list().map(plain)).toEqual(before);
    expect(t.messages.length).toBe(0);
    messages += before.length;
    cut += stored;
  };
  await scanCapture(file, (conn: Connection) => {
    const t = new TlsConnection({ decryptor: keyLog?.decryptorFor(conn) });
    const entry = { t, done: false };
    pending.push(entry);
    const finish = (r: void | 'ignore') => {
      if (r === 'ignore' && !entry.done) {
        entry.done = true;
        check(t);
      }
      return r;
    };
    return {
      data: (dir, data, off, frame, s, ns) => finish(t.data(dir, data, off, frame, s, ns)),
      gap: (dir, off, len, reason, frame) => finish(t.gap(dir, off, len, reason, frame)),
      end: (dir, reason, frame, from) => t.end(dir, reason, frame, from),
    };
  });
  for (const e of pending) if (!e.done) check(e.t);
  return { messages, cut };
}

describe('settled messages read back exactly as they were', () => {
  const files = [...capturesUnder(capturesDir), ...corpusFiles()];

  it('finds captures to compare', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it.each(files.map((f) => [f.slice(f.lastIndexOf('/', f.lastIndexOf('/') - 1) + 1), f]))('%s', async (_name, file) => {
    const r = await compare(file);
    if (/captures\/(0[1-9]|1[01])-/.test(file)) {
      // Scenario captures all carry certificates in the clear: some must have been cut out and put back.
      expect(r.messages).toBeGreaterThan(0);
      expect(r.cut).toBeGreaterThan(0);
    }
  });

  it('decrypted messages (TLS 1.3 with its key log) too', async () => {
    if (!existsSync(keyLogFile)) return;
    const keyLog = KeyLog.fromFiles([keyLogFile]);
    let decrypted = 0;
    for (const f of capturesUnder(join(capturesDir, '12-tls13-uc-traversal-keylog'))) {
      const r = await compare(f, keyLog);
      decrypted += r.cut;
    }
    // Certificates in TLS 1.3 are only readable decrypted: cut ones prove decrypted messages were packed.
    expect(decrypted).toBeGreaterThan(0);
  });
});

describe('packing keeps numbers beyond 32 bits', () => {
  it('timestamps past 2106 (and before 1970) and stream offsets past 4 GiB come back as they were', async () => {
    const { SettledMessages } = await import('../../src/tls/index.js');
    const base = { dir: 1 as const, frame: 7, frames: [5, 6, 7], recordVersion: 0x0303, kind: 'application-data' as const, contentType: 23, length: 100 };
    const list: TlsMessage[] = [
      { ...base, index: 0, tsSec: 2 ** 33 + 5, tsNsec: 999_999_999, streamOffset: 2 ** 32 + 7 },
      { ...base, index: 1, tsSec: -5, tsNsec: 0, streamOffset: 0 },
      { ...base, index: 2, tsSec: 1_774_353_266, tsNsec: 106_000_000, streamOffset: 2 ** 40 + 3 },
    ];
    const packed = SettledMessages.pack(list, () => undefined);
    expect(packed.list().map(plain)).toEqual(list.map(plain));
  });
});

describe('packed rows keep every number exactly', () => {
  it('huge, negative and fractional timestamps, offsets past 2^50 and frame lists in any order', async () => {
    const { SettledMessages } = await import('../../src/tls/index.js');
    const base = { dir: 0 as const, recordVersion: 0x0301, kind: 'application-data' as const, contentType: 23, length: 5 };
    const list: TlsMessage[] = [
      { ...base, index: 0, frame: 2 ** 31 + 9, frames: [2 ** 31 + 9], tsSec: 2 ** 62, tsNsec: 0.5, streamOffset: 2 ** 52 + 1 },
      { ...base, index: 1, frame: 3, frames: [40, 3, 2 ** 40], tsSec: -(2 ** 53), tsNsec: 999_999_999, streamOffset: 2 ** 50 },
      { ...base, index: 2, frame: 3, frames: [3], tsSec: 2 ** 50 - 1, tsNsec: 1, streamOffset: 2 ** 50 - 1 },
    ];
    const packed = SettledMessages.pack(list, () => undefined);
    expect(packed.list().map(plain)).toEqual(list.map(plain));
  });

  it('any numbers a capture could give (property)', async () => {
    const { SettledMessages } = await import('../../src/tls/index.js');
    const num = fc.oneof(fc.integer(), fc.maxSafeNat(), fc.double().filter((v) => !Object.is(v, -0)));
    const message = fc.record({ frame: fc.nat(), frames: fc.array(fc.nat(), { maxLength: 4 }), tsSec: num, tsNsec: num, streamOffset: num, recordVersion: fc.integer({ min: -1, max: 0xffff }), length: fc.nat(), contentType: fc.integer({ min: 0, max: 255 }), dir: fc.constantFrom(0 as const, 1 as const) });
    fc.assert(
      fc.property(fc.array(message, { maxLength: 12 }), (ms) => {
        const list: TlsMessage[] = ms.map((m, index) => ({ ...m, index, kind: 'application-data' as const }));
        const packed = SettledMessages.pack(list, () => undefined);
        expect(packed.list().map(plain)).toEqual(list.map(plain));
      }),
      { numRuns: 300 },
    );
  });
});
