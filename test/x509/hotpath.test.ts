import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { TAG, decodeOid, decodeTime, type Tlv } from '../../src/x509/der.js';
import { CURVE_NAMES, EKU_NAMES, EXTENSION_NAMES, PUBLIC_KEY_ALGORITHMS, RFC4514_SHORT_NAMES, SIGNATURE_ALGORITHMS } from '../../src/x509/oids.js';
import { CertPool, parseCertificate } from '../../src/x509/index.js';
import { cert } from './helpers.js';

// Counts the SHA-256 fingerprints the pool takes (the module keeps node:crypto's behaviour).
const hashes = vi.hoisted(() => ({ sha256: 0 }));
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return {
    ...real,
    createHash: (alg: string, ...rest: []) => {
      if (alg === 'sha256') hashes.sha256++;
      return real.createHash(alg, ...rest);
    },
  };
});

/** Content octets of a dotted OID (X.690 §8.19), written out here independently of the decoder's table. */
function oidBytes(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const out: number[] = [];
  const base128 = (n: number): number[] => {
    const g = [n % 128];
    for (let x = Math.floor(n / 128); x > 0; x = Math.floor(x / 128)) g.unshift((x % 128) | 0x80);
    return g;
  };
  out.push(...base128(arcs[0]! * 40 + arcs[1]!));
  for (const a of arcs.slice(2)) out.push(...base128(a));
  return Uint8Array.from(out);
}

function time(tag: number, text: string): Tlv {
  const value = new Uint8Array(Buffer.from(text, 'latin1'));
  return { tag, constructed: false, value, raw: value, offset: 0 };
}

function decoded(t: Tlv): string {
  try {
    return decodeTime(t, 'notBefore').toISOString();
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

describe('X.509 hot path: the same answers, cheaper', () => {
  it('names every OID of the tables by its dotted form, and still refuses a non-minimal arc', () => {
    const tables = [RFC4514_SHORT_NAMES, EKU_NAMES, EXTENSION_NAMES, SIGNATURE_ALGORITHMS, CURVE_NAMES, PUBLIC_KEY_ALGORITHMS];
    const all = tables.flatMap((t) => Object.keys(t));
    expect(all.length).toBeGreaterThan(50);
    for (const dotted of all) expect(decodeOid(oidBytes(dotted))).toBe(dotted);
    // 2.5.4.3 (commonName) with its last arc padded by a leading 0x80 (X.690 §8.19.2 forbids it).
    expect(decodeOid(Uint8Array.from([0x55, 0x04, 0x80, 0x03]))).toBeUndefined();
    // One more arc than a known OID: not the known one.
    expect(decodeOid(Uint8Array.from([0x55, 0x04, 0x03, 0x01]))).toBe('2.5.4.3.1');
    expect(decodeOid(Uint8Array.from([0x55, 0x1d, 0x25, 0x80]))).toBeUndefined();
  });

  it('reads the times RFC 5280 requires as the general reader does, and refuses what it refuses', () => {
    const cases: [number, string, string][] = [
      [TAG.UTCTime, '491231235959Z', '2049-12-31T23:59:59.000Z'],
      [TAG.UTCTime, '500101000000Z', '1950-01-01T00:00:00.000Z'],
      [TAG.UTCTime, '250228120000Z', '2025-02-28T12:00:00.000Z'],
      [TAG.UTCTime, '2502281200Z', '2025-02-28T12:00:00.000Z'], // no seconds: the general reader
      [TAG.UTCTime, '250228120000+0100', '2025-02-28T11:00:00.000Z'], // an offset: the general reader
      [TAG.UTCTime, '251301000000Z', 'error: notBefore: time out of range'],
      [TAG.UTCTime, '250100000000Z', 'error: notBefore: time out of range'],
      [TAG.UTCTime, '250101240000Z', 'error: notBefore: time out of range'],
      [TAG.UTCTime, '25a101000000Z', 'error: notBefore: bad time string'],
      [TAG.UTCTime, '+50101000000Z', 'error: notBefore: bad time string'],
      [TAG.GeneralizedTime, '20500101000000Z', '2050-01-01T00:00:00.000Z'],
      [TAG.GeneralizedTime, '99991231235959Z', '9999-12-31T23:59:59.000Z'],
      [TAG.GeneralizedTime, '20250101000000.5Z', '2025-01-01T00:00:00.500Z'],
      [TAG.GeneralizedTime, '20250101006000Z', 'error: notBefore: time out of range'],
    ];
    for (const [tag, text, want] of cases) expect([text, decoded(time(tag, text))]).toEqual([text, want]);
  });

  it('takes each distinct certificate SHA-256 once, even when certificates differ only in their serial', () => {
    const base = cert('leaf-client-under-serverauth.pem').der;
    // Leaves of one CA whose signature was left as it was when the serial changed: same length,
    // same last bytes (the busy benchmark's leaves are made so).
    const serialAt = 15;
    const leaves = Array.from({ length: 5 }, (_, i) => {
      const d = Uint8Array.from(base);
      d[serialAt + 2] = (d[serialAt + 2]! + i + 1) & 0xff;
      return d;
    });
    const pool = new CertPool({ keep: 16 });
    hashes.sha256 = 0;
    const ids = leaves.map((d) => pool.addDer(d));
    expect(new Set(ids).size).toBe(5);
    // Met again (a session told after its certificates were listed): recognised without hashing.
    for (const [i, d] of leaves.entries()) expect(pool.addDer(Uint8Array.from(d))).toBe(ids[i]);
    expect(hashes.sha256).toBe(5);
    for (const [i, d] of leaves.entries()) expect(ids[i]).toBe(createHash('sha256').update(d).digest('hex'));
  });

  it('gives the SHA-1 fingerprint when asked for it, without computing it before', () => {
    const der = cert('leaf-rsa4096.pem').der;
    const c = parseCertificate(der);
    expect(Object.keys(c)).toContain('sha1');
    expect(c.sha1).toBe(createHash('sha1').update(der).digest('hex'));
    expect(c.sha1).toBe(c.sha1);
    const broken = parseCertificate(Uint8Array.from([0x30, 0x03, 0x02, 0x01]));
    expect(broken.error).toBeDefined();
    expect(broken.sha1).toBe(createHash('sha1').update(Uint8Array.from([0x30, 0x03, 0x02, 0x01])).digest('hex'));
  });
});
