import { describe, expect, it } from 'vitest';
import { MAX_CHAIN_LENGTH, SignatureMemo, buildChain, parseCertificate, verifySignature } from '../../src/x509/index.js';
import { describeWith } from '../helpers/tools.js';
import { cert, fixturePath, makeCert, name, openssl, utf8 } from './helpers.js';

const root = cert('root-noeku.pem');
const intS = cert('int-serverauth.pem');
const intN = cert('int-noeku.pem');
const leaf = cert('leaf-client-under-serverauth.pem');

describe('verifySignature', () => {
  it('valid RSA signatures, including an EC key signed by RSA and a self-signed root', () => {
    expect(verifySignature(leaf, intS).result).toBe('valid');
    expect(verifySignature(intS, root).result).toBe('valid');
    expect(verifySignature(root, root).result).toBe('valid');
    expect(verifySignature(cert('leaf-ec.pem'), root).result).toBe('valid');
  });

  it('a wrong key or an altered certificate is "invalid"; an unknown algorithm is "unsupported"', () => {
    expect(verifySignature(leaf, root).result).toBe('invalid');
    const altered = new Uint8Array(leaf.der);
    altered[altered.length - 1]! ^= 0x01;
    expect(verifySignature(parseCertificate(altered), intS).result).toBe('invalid');
    expect(verifySignature(parseCertificate(makeCert({ sigAlgOid: '1.2.3.4' })), root).result).toBe('unsupported');
  });
});

describe('buildChain', () => {
  it('complete: leaf → presented intermediate → trusted root, matched by name and key id, signatures checked', () => {
    const r = buildChain(leaf, { presented: [leaf, intS], trusted: [root] });
    expect(r.status).toBe('complete');
    expect(r.chain.map((c) => c.sha256)).toEqual([leaf.sha256, intS.sha256, root.sha256]);
    expect(r.links.map((l) => [l.matchedBy, l.signature, l.issuerSource])).toEqual([
      ['name+keyid', 'valid', 'presented'],
      ['name+keyid', 'valid', 'trusted'],
    ]);
    expect(r.anchor?.sha256).toBe(root.sha256);
    expect(r.unused).toEqual([]);
  });

  it('order does not matter; extra presented certificates are noted', () => {
    const r = buildChain(leaf, { presented: [intN, root, intS], trusted: [root] });
    expect(r.status).toBe('complete');
    expect(r.unused.map((c) => c.sha256)).toEqual([intN.sha256]);
    expect(r.notes.join(' ')).toMatch(/1 presented certificate\(s\) are not part of the path/);
  });

  it('missing-intermediate: only the leaf, its issuer nowhere', () => {
    const r = buildChain(leaf, { presented: [leaf], trusted: [root] });
    expect(r.status).toBe('missing-intermediate');
    expect(r.chain).toHaveLength(1);
  });

  it('unknown-root: the intermediate is there but no store holds its issuer', () => {
    const r = buildChain(leaf, { presented: [intS], trusted: [] });
    expect(r.status).toBe('unknown-root');
    expect(r.notes.join(' ')).toMatch(/no trusted CA certificates were given/);
  });

  it('complete-untrusted-root: the peer sent its root, which is not in the store', () => {
    const r = buildChain(leaf, { presented: [intS, root], trusted: [intN] });
    expect(r.status).toBe('complete-untrusted-root');
    expect(r.chain).toHaveLength(3);
  });

  it('signature-invalid: an issuer with the right name whose key did not sign it', () => {
    const altered = new Uint8Array(leaf.der);
    altered[altered.length - 1]! ^= 0x01;
    const r = buildChain(parseCertificate(altered), { presented: [intS], trusted: [root] });
    expect(r.status).toBe('signature-invalid');
    expect(r.links[0]!.signature).toBe('invalid');
  });

  it('with a memo that verifies only where needed: no trusted certificates and a lone self-issued issuer leave the signature unchecked (the path is the same); a store, or an intermediate, gets it checked, once per pair', () => {
    const altered = parseCertificate((() => { const b = new Uint8Array(intS.der); b[b.length - 1]! ^= 0x01; return b; })());
    const memo = new SignatureMemo(true);
    const lazy = buildChain(altered, { presented: [root] }, MAX_CHAIN_LENGTH, memo);
    expect(lazy.links[0]!.signature).toBe('not-checked');
    expect(lazy.chain.map((c) => c.sha256)).toEqual(buildChain(altered, { presented: [root] }).chain.map((c) => c.sha256));
    expect(lazy.notes.join(' ')).toMatch(/not verified: no trusted CA certificates were given/);
    // With the root in a store, trust is judged: the signature is verified and found invalid.
    expect(buildChain(altered, { presented: [root], trusted: [root] }, MAX_CHAIN_LENGTH, memo).status).toBe('signature-invalid');
    // An intermediate is not where the path ends: its link is verified.
    const viaInt = buildChain(leaf, { presented: [intS, root] }, MAX_CHAIN_LENGTH, memo);
    expect(viaInt.links[0]!.signature).toBe('valid');
    expect(memo.results.size).toBeGreaterThan(0);
    const before = memo.results.size;
    buildChain(leaf, { presented: [intS, root] }, MAX_CHAIN_LENGTH, memo);
    expect(memo.results.size).toBe(before);
  });

  it('loops and over-long chains are bounded', () => {
    const a = name(['2.5.4.3', utf8('A')]);
    const b = name(['2.5.4.3', utf8('B')]);
    const ab = parseCertificate(makeCert({ subject: a, issuer: b, sigAlgOid: '1.2.3.4' }));
    const ba = parseCertificate(makeCert({ subject: b, issuer: a, sigAlgOid: '1.2.3.4' }));
    expect(buildChain(ab, { presented: [ba] }).status).toBe('loop');

    const long = Array.from({ length: 15 }, (_, i) =>
      parseCertificate(makeCert({ subject: name(['2.5.4.3', utf8(`n${i}`)]), issuer: name(['2.5.4.3', utf8(`n${i + 1}`)]), sigAlgOid: '1.2.3.4' })),
    );
    const r = buildChain(long[0]!, { presented: long });
    expect(r.status).toBe('too-long');
    expect(r.chain).toHaveLength(10);
  });

  it('an undecodable leaf is "malformed", not a crash', () => {
    expect(buildChain(parseCertificate(new Uint8Array([1, 2])), { trusted: [root] }).status).toBe('malformed');
  });
});

const describeOpenssl = (name: string, body: () => void) => describeWith(['openssl'], name, body);

describeOpenssl('chain status against openssl verify', () => {
  it('complete ⇔ openssl verify OK; missing intermediate ⇔ error 20', () => {
    const ok = openssl(['verify', '-CAfile', fixturePath('root-noeku.pem'), '-untrusted', fixturePath('int-serverauth.pem'), fixturePath('leaf-client-under-serverauth.pem')]);
    expect(ok.status).toBe(0);
    expect(buildChain(leaf, { presented: [intS], trusted: [root] }).status).toBe('complete');
    const missing = openssl(['verify', '-CAfile', fixturePath('root-noeku.pem'), fixturePath('leaf-client-under-serverauth.pem')]);
    expect(missing.status).not.toBe(0);
    expect(missing.stdout + missing.stderr).toMatch(/error 20 /);
    expect(buildChain(leaf, { trusted: [root] }).status).toBe('missing-intermediate');
  });
});
