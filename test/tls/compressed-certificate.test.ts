/**
 * RFC 8879 CompressedCertificate: zlib (1) and brotli (2) are inflated with node:zlib and read as the
 * Certificate message they stand for; zstd (3) is said plainly to be unreadable, never "empty"; bad
 * input gives a clear error, not an exception.
 */
import { brotliCompressSync, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TLS_LIMITS, HandshakeType, decodeHandshake, handshakeTypeName, type CertificateMsg } from '../../src/tls/index.js';
import { fixtureBytes } from '../x509/helpers.js';

const der = fixtureBytes('leaf-ec.der');
const ctx = { version: 0x0304, limits: DEFAULT_TLS_LIMITS };

const u24 = (n: number) => [n >>> 16, (n >>> 8) & 0xff, n & 0xff];

/** A TLS 1.3 Certificate body (RFC 8446 §4.4.2): empty context, one entry with no extensions. */
function certificateBody(): Uint8Array {
  const entry = [...u24(der.length), ...der, 0, 0];
  return Uint8Array.from([0, ...u24(entry.length), ...entry]);
}

function compressed(algorithm: number, data: Uint8Array, declared: number): Uint8Array {
  const body = [algorithm >> 8, algorithm & 0xff, ...u24(declared), ...u24(data.length), ...data];
  return Uint8Array.from([HandshakeType.CompressedCertificate, ...u24(body.length), ...body]);
}

function decode(bytes: Uint8Array): CertificateMsg {
  const r = decodeHandshake(bytes, ctx);
  expect(r.ok).toBe(true);
  if (!r.ok) throw new Error(r.error.message);
  expect(r.value.body.kind).toBe('certificate');
  return r.value.body as CertificateMsg;
}

describe('CompressedCertificate (RFC 8879)', () => {
  const plain = certificateBody();

  it('is named', () => {
    expect(handshakeTypeName(25)).toBe('CompressedCertificate');
  });

  for (const [algorithm, name, z] of [
    [1, 'zlib', deflateSync],
    [2, 'brotli', brotliCompressSync],
  ] as const) {
    it(`${name}: the certificate comes out byte for byte`, () => {
      const m = decode(compressed(algorithm, z(plain), plain.length));
      expect(m.compressed).toEqual({ algorithm, name });
      expect(m.certificates).toHaveLength(1);
      expect(Buffer.from(m.certificates[0]!.der).equals(Buffer.from(der))).toBe(true);
      expect(m.truncated).toBe(false);
    });
  }

  it('zstd: said plainly to be unreadable, with no certificate guessed', () => {
    const m = decode(compressed(3, Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3]), plain.length));
    expect(m.certificates).toEqual([]);
    expect(m.compressed?.name).toBe('zstd');
    expect(m.compressed?.error).toMatch(/zstd \(RFC 8879\), which this tool cannot read/);
  });

  it('damaged data, a wrong declared length and an oversized claim give an error, never an exception', () => {
    expect(decode(compressed(1, Uint8Array.from([1, 2, 3, 4]), plain.length)).compressed?.error).toMatch(/could not be inflated/);
    expect(decode(compressed(1, deflateSync(plain), plain.length + 5)).compressed?.error).toMatch(/not the \d+ the message declares/);
    expect(decode(compressed(1, deflateSync(plain), plain.length - 5)).compressed?.error).toMatch(/could not be inflated|declares/);
    expect(decode(compressed(2, brotliCompressSync(plain), DEFAULT_TLS_LIMITS.maxMessageBytes + 1)).compressed?.error).toMatch(/over the limit/);
    expect(decode(compressed(9, deflateSync(plain), plain.length)).compressed?.error).toMatch(/unknown algorithm \(9\)/);
  });
});
