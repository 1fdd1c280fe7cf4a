/**
 * TLS 1.3 records sealed here with chosen secrets, for what real peers rarely show: KeyUpdate,
 * 0-RTT records the handshake keys do not open, a record missing from the capture, padding, and
 * hostile bytes. The hellos are RFC 8448 §3's (client random cb34…, TLS_AES_128_GCM_SHA256).
 */
import { createCipheriv } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/bytes/index.js';
import type { Dir } from '../../src/net/types.js';
import { KeyLogDecryptor, KeyStore, Tls12Aead, Tls12Cbc, nextTrafficSecret, parseKeyLog, suiteFor, trafficKeys, xorNonce, type AeadSuite, type CbcSuite } from '../../src/tls/decrypt/index.js';
import { feed, ladder, type Segment } from '../tls/harness.js';

const CH_RECORD =
  '16030100c4010000c00303cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7000006130113031302010000910000000b0009000006736572766572ff01000100000a00140012001d0017001800190100010101020103010400230000003300260024001d002099381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c002b0003020304000d0020001e040305030603020308040805080604010501060102010402050206020202002d00020101001c00024001';
const SH_RECORD =
  '160303005a020000560303a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e2692800130100002e00330024001d0020c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f002b00020304';
const CLIENT_RANDOM = 'cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7';

const S_HS = new Uint8Array(32).fill(1);
const C_HS = new Uint8Array(32).fill(2);
const S_AP = new Uint8Array(32).fill(3);
const C_AP = new Uint8Array(32).fill(4);
const EARLY = new Uint8Array(32).fill(5);

/** RFC 8446 §5.2: seals content | type | padding under a traffic secret, AES-128-GCM. */
function seal(secret: Uint8Array, seq: number, type: number, content: Uint8Array, padding = 0): Uint8Array {
  const { key, iv } = trafficKeys('sha256', secret, 16, 12);
  const inner = new Uint8Array(content.length + 1 + padding);
  inner.set(content);
  inner[content.length] = type;
  const len = inner.length + 16;
  const hdr = Uint8Array.of(23, 3, 3, len >> 8, len & 0xff);
  const c = createCipheriv('aes-128-gcm', key, xorNonce(iv, seq));
  c.setAAD(hdr);
  const body = Buffer.concat([c.update(inner), c.final(), c.getAuthTag()]);
  return new Uint8Array(Buffer.concat([hdr, body]));
}

const hs = (type: number, body: Uint8Array) => {
  const m = new Uint8Array(4 + body.length);
  m[0] = type;
  m[1] = body.length >> 16;
  m[2] = (body.length >> 8) & 0xff;
  m[3] = body.length & 0xff;
  m.set(body, 4);
  return m;
};
const cat = (...a: Uint8Array[]) => new Uint8Array(Buffer.concat(a));
const EE = hs(8, Uint8Array.of(0, 0));
const FIN = hs(20, new Uint8Array(32).fill(0x99));
const KEY_UPDATE = hs(24, Uint8Array.of(0));
const seg = (dir: Dir, bytes: Uint8Array | string): Segment => ({ dir, bytes: typeof bytes === 'string' ? fromHex(bytes)! : bytes });

function keylog(lines: [string, Uint8Array][]): KeyStore {
  const store = new KeyStore();
  store.addAll(parseKeyLog(lines.map(([l, s]) => `${l} ${CLIENT_RANDOM} ${toHex(s)}`).join('\n')).entries);
  return store;
}

const ALL: [string, Uint8Array][] = [
  ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', C_HS],
  ['SERVER_HANDSHAKE_TRAFFIC_SECRET', S_HS],
  ['CLIENT_TRAFFIC_SECRET_0', C_AP],
  ['SERVER_TRAFFIC_SECRET_0', S_AP],
];

describe('TLS 1.3 key changes in one connection', () => {
  it('KeyUpdate, 0-RTT records skipped, a missing record, padding', () => {
    const S_AP1 = nextTrafficSecret('sha256', S_AP);
    const convo: Segment[] = [
      seg(0, CH_RECORD),
      seg(1, SH_RECORD),
      // Handshake flight with padding inside the record (RFC 8446 §5.4).
      seg(1, seal(S_HS, 0, 22, cat(EE, FIN), 37)),
      // An accepted 0-RTT EndOfEarlyData under the early traffic secret: not ours to open.
      seg(0, seal(EARLY, 1, 22, hs(5, new Uint8Array(0)))),
      seg(0, seal(C_HS, 0, 22, FIN)),
      seg(1, seal(S_AP, 0, 22, KEY_UPDATE)),
      seg(1, seal(S_AP1, 0, 23, new TextEncoder().encode('after the update'))),
      seg(0, seal(C_AP, 0, 23, new Uint8Array(10))),
      // Client record 1 never made it into the capture; record 2 still opens.
      seg(0, seal(C_AP, 2, 23, new Uint8Array(10))),
      seg(1, seal(S_AP1, 1, 21, Uint8Array.of(2, 40))),
    ];
    const store = keylog(ALL);
    const decryptor = new KeyLogDecryptor({ lookup: (cr) => store.get(cr) });
    const { conn } = feed(convo, { decryptor });
    // The 0-RTT record stays an opaque application_data record.
    expect(ladder(conn)).toBe('0:ClientHello 1:ServerHello 1:hs8 1:Finished 0:AppData 0:Finished 1:hs24 1:AppData 0:AppData 0:AppData 1:Alert(2,40)');
    expect(decryptor.report()).toMatchObject({ status: 'decrypted', records: 7 });
    expect(conn.summary().outcome).toMatchObject({ kind: 'alert' });
  });

  it('a side that loses step (records missing beyond the window) is reported once; the other side reads on', () => {
    const store = keylog(ALL);
    const decryptor = new KeyLogDecryptor({ lookup: (cr) => store.get(cr) });
    const convo: Segment[] = [seg(0, CH_RECORD), seg(1, SH_RECORD), seg(1, seal(S_HS, 0, 22, cat(EE, FIN))), seg(0, seal(C_HS, 0, 22, FIN)), seg(0, seal(C_AP, 0, 23, new Uint8Array(5)))];
    // Client records 1..9 are not in the capture.
    convo.push(seg(0, seal(C_AP, 10, 23, new Uint8Array(5))), seg(0, seal(C_AP, 11, 21, Uint8Array.of(1, 0))));
    convo.push(seg(1, seal(S_AP, 0, 23, new Uint8Array(5))), seg(1, seal(S_AP, 1, 21, Uint8Array.of(2, 80))));
    const { conn } = feed(convo, { decryptor });
    const r = decryptor.report();
    expect(r.status).toBe('failed');
    expect(r.note).toMatch(/^decrypted 3 records, then the client record at frame 6 did not open .*records may be missing/);
    expect(ladder(conn)).toMatch(/0:AppData 0:AppData 0:AppData 1:AppData 1:Alert\(2,80\)$/);
  });

  it('only the handshake secrets: the handshake is read, later records are left alone without a failure', () => {
    const store = keylog(ALL.slice(0, 2));
    const decryptor = new KeyLogDecryptor({ lookup: (cr) => store.get(cr) });
    const { conn } = feed([seg(0, CH_RECORD), seg(1, SH_RECORD), seg(1, seal(S_HS, 0, 22, cat(EE, FIN))), seg(0, seal(C_HS, 0, 22, FIN)), seg(1, seal(S_AP, 0, 21, Uint8Array.of(2, 40)))], { decryptor });
    // In TLS 1.3 an unread record is only application_data from the outside (RFC 8446 §5.2).
    expect(ladder(conn)).toBe('0:ClientHello 1:ServerHello 1:hs8 1:Finished 0:Finished 1:AppData');
    const r = decryptor.report();
    expect(r.status).toBe('decrypted');
    expect(r.missing).toEqual(['CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0']);
    expect(decryptor.wantsMore()).toBe(false);
  });

  it('a record of padding only is noted as malformed, once, and reading goes on', () => {
    const store = keylog(ALL);
    const decryptor = new KeyLogDecryptor({ lookup: (cr) => store.get(cr) });
    const zeros = seal(S_HS, 0, 0, new Uint8Array(0), 5);
    const { conn } = feed([seg(0, CH_RECORD), seg(1, SH_RECORD), seg(1, zeros), seg(1, seal(S_HS, 1, 22, cat(EE, FIN)))], { decryptor });
    expect(ladder(conn)).toContain('1:hs8 1:Finished');
    expect(decryptor.report().note).toMatch(/only padding/);
  });

  it('stops at the record budget and gives the connection back its usual limits', () => {
    const store = keylog(ALL);
    const decryptor = new KeyLogDecryptor({ lookup: (cr) => store.get(cr), maxRecords: 5 });
    const convo = [seg(0, CH_RECORD), seg(1, SH_RECORD), seg(1, seal(S_HS, 0, 22, cat(EE, FIN))), seg(0, seal(C_HS, 0, 22, FIN))];
    for (let i = 0; i < 50; i++) convo.push(seg(1, seal(S_AP, i, 23, new Uint8Array(100))));
    const fed = feed(convo, { decryptor });
    const r = decryptor.report();
    expect(r.budgetReached).toBe(true);
    expect(r.records).toBe(5);
    expect(fed.ignoredAt).toBeDefined();
  });
});

describe('hostile input never throws', () => {
  const aes: AeadSuite = suiteFor(0xc02f, 0x0303) as AeadSuite;
  const chacha: AeadSuite = suiteFor(0xcca8, 0x0303) as AeadSuite;
  const cbc: CbcSuite = suiteFor(0xc014, 0x0303) as CbcSuite;
  const cbc10: CbcSuite = suiteFor(0xc009, 0x0301) as CbcSuite;
  it('record openers on random bodies', () => {
    const openers = [
      new Tls12Aead(aes, new Uint8Array(16), new Uint8Array(4)),
      new Tls12Aead(chacha, new Uint8Array(32), new Uint8Array(12)),
      new Tls12Cbc(cbc, 0x0303, new Uint8Array(20), new Uint8Array(32), undefined, undefined),
      new Tls12Cbc(cbc10, 0x0301, new Uint8Array(20), new Uint8Array(16), new Uint8Array(16), undefined),
      new Tls12Cbc(cbc10, 0x0301, new Uint8Array(20), new Uint8Array(16), new Uint8Array(16), true),
    ];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 2 ** 40 }), (body, seq) => {
        for (const o of openers) {
          const r = o.open(23, 0x0303, body, seq);
          expect(r.ok).toBe(false);
          o.skip(body);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a keyed connection fed random records and random key logs', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.uint8Array({ minLength: 1, maxLength: 200 })), { maxLength: 12 }), fc.string({ maxLength: 400 }), (recs, text) => {
        const store = keylog(ALL);
        store.addAll(parseKeyLog(text).entries);
        const decryptor = new KeyLogDecryptor({ lookup: (cr) => store.get(cr) });
        const convo = [seg(0, CH_RECORD), seg(1, SH_RECORD)];
        for (const [dir, body] of recs) {
          const r = new Uint8Array(5 + body.length);
          r.set([23, 3, 3, body.length >> 8, body.length & 0xff]);
          r.set(body, 5);
          convo.push(seg(dir as Dir, r));
        }
        const { conn } = feed(convo, { decryptor });
        conn.summary();
        const rep = decryptor.report();
        expect(['keys-found', 'failed']).toContain(rep.status);
      }),
      { numRuns: 200 },
    );
  });
});
