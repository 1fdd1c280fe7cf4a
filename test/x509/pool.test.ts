import { describe, expect, it } from 'vitest';
import { CertPool, parseCertificate } from '../../src/x509/index.js';
import { cert } from './helpers.js';

describe('CertPool', () => {
  it('a bounded pool keeps the certificates met last: one met again outlives newer ones, and one forgotten is decoded again when it comes back', () => {
    const pool = new CertPool({ keep: 2 });
    const [a, b, c] = ['leaf-client-under-serverauth.pem', 'int-serverauth.pem', 'root-noeku.pem'].map((n) => cert(n).der);
    const ia = pool.addDer(a!);
    const ib = pool.addDer(b!);
    expect(pool.addDer(a!)).toBe(ia); // met again: now the latest
    const ic = pool.addDer(c!); // b, met longest ago, goes
    expect(pool.size).toBe(2);
    expect(pool.get(ia)).toBeDefined();
    expect(pool.get(ic)).toBeDefined();
    expect(pool.get(ib)).toBeUndefined();
    expect(pool.addDer(b!)).toBe(ib);
    expect(pool.get(ib)!.serial).toBe(cert('int-serverauth.pem').serial);
    expect(pool.size).toBe(2);
  });

  it('de-duplicates by SHA-256 and answers the lookups chain building and store matching use', () => {
    const pool = new CertPool();
    const leaf = cert('leaf-client-under-serverauth.pem');
    const int = cert('int-serverauth.pem');
    const id1 = pool.add(leaf);
    const id2 = pool.add(parseCertificate(leaf.der)); // same bytes, new object
    expect(id1).toBe(leaf.sha256);
    expect(id2).toBe(id1);
    expect(pool.addDer(int.der)).toBe(int.sha256);
    expect(pool.addDer(int.der)).toBe(int.sha256);
    expect(pool.size).toBe(2);
    expect(pool.get(id1)).toBe(leaf);
    expect(pool.byFingerprint(leaf.sha256.toUpperCase())).toBe(leaf);
    expect(pool.byIssuerAndSerial(leaf.issuer!.der, '46df76aa0000000029')).toEqual([leaf]);
    expect(pool.bySubjectDer(leaf.issuer!.der).map((c) => c.sha256)).toEqual([int.sha256]);
    expect(pool.bySubjectKeyId(leaf.authorityKeyId!.keyIdentifier!).map((c) => c.sha256)).toEqual([int.sha256]);
  });

  it('finds a padded serial with or without its 00 byte', () => {
    const pool = new CertPool();
    const c = cert('leaf-serial-pad.pem');
    pool.add(c);
    expect(pool.byIssuerAndSerial(c.issuer!.der, 'c6df76aa0000000029')).toEqual([c]);
    expect(pool.byIssuerAndSerial(c.issuer!.der, '00C6DF76AA0000000029')).toEqual([c]);
  });

  it('recognises a repeated DER in another buffer, and keeps a different one with the same length and last bytes apart', () => {
    const pool = new CertPool();
    const int = cert('int-serverauth.pem');
    const id = pool.addDer(int.der);
    // The same bytes at another offset of another buffer, as the next session's Certificate message carries them.
    const copy = new Uint8Array(int.der.length + 7);
    copy.set(int.der, 7);
    expect(pool.addDer(copy.subarray(7))).toBe(id);
    // Same length and last four bytes, one byte changed in the middle: its own fingerprint, decoded on its own.
    const forged = Uint8Array.from(int.der);
    forged[forged.length >> 1]! ^= 0xff;
    const forgedId = pool.addDer(forged);
    expect(forgedId).not.toBe(id);
    expect(forgedId).toBe(parseCertificate(forged).sha256);
    expect(pool.addDer(forged)).toBe(forgedId);
    expect(pool.addDer(int.der)).toBe(id);
    expect(pool.size).toBe(2);
    // Short inputs (no four last bytes) still work.
    expect(pool.addDer(new Uint8Array([9]))).toBe(parseCertificate(new Uint8Array([9])).sha256);
  });

  it('answers a certificate first added decoded (a store file) when a capture carries its DER, again and again', () => {
    const pool = new CertPool();
    const leaf = cert('leaf-client-under-serverauth.pem');
    pool.add(leaf);
    const copy = Uint8Array.from(leaf.der);
    for (let i = 0; i < 3; i++) expect(pool.addDer(copy)).toBe(leaf.sha256);
    expect(pool.get(leaf.sha256)).toBe(leaf);
    expect(pool.size).toBe(1);
  });

  it('keeps undecodable certificates by fingerprint only', () => {
    const pool = new CertPool();
    const id = pool.addDer(new Uint8Array([1, 2, 3]));
    expect(pool.get(id)!.error).toBeDefined();
    expect(pool.all()).toHaveLength(1);
  });
});
