import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCertificates, type CertInfo } from '../../src/x509/index.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/x509');
/** Real public captures vendored in test/corpus. */
export const CORPUS = path.join(REPO_ROOT, 'test/corpus');

export function fixturePath(name: string): string {
  return path.join(FIXTURES, name);
}

export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(fixturePath(name)));
}

/** The first certificate of a fixture file. */
export function cert(name: string): CertInfo {
  const r = loadCertificates(fixtureBytes(name), name);
  const c = r.certificates[0];
  if (!c) throw new Error(`fixture ${name} has no certificate: ${r.problems.join('; ')}`);
  return c;
}

export function openssl(args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

// ---- a tiny DER builder for hand-made hostile or odd certificates ----

export function tlv(tag: number, ...content: Uint8Array[]): Uint8Array {
  const n = content.reduce((a, c) => a + c.length, 0);
  let header: number[];
  if (n < 0x80) header = [tag, n];
  else {
    const len: number[] = [];
    for (let x = n; x > 0; x = Math.floor(x / 256)) len.unshift(x & 0xff);
    header = [tag, 0x80 | len.length, ...len];
  }
  const out = new Uint8Array(header.length + n);
  out.set(header, 0);
  let o = header.length;
  for (const c of content) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

export const seq = (...c: Uint8Array[]): Uint8Array => tlv(0x30, ...c);
export const set = (...c: Uint8Array[]): Uint8Array => tlv(0x31, ...c);
export const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);
export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const out: number[] = [arcs[0]! * 40 + arcs[1]!];
  for (const a of arcs.slice(2)) {
    const b: number[] = [];
    let x = a;
    do {
      b.unshift(x & 0x7f);
      x = Math.floor(x / 128);
    } while (x > 0);
    for (let i = 0; i < b.length - 1; i++) b[i]! |= 0x80;
    out.push(...b);
  }
  return tlv(0x06, new Uint8Array(out));
}

export function name(...attrs: [string, Uint8Array, number?][]): Uint8Array {
  return seq(...attrs.map(([o, v, tag]) => set(seq(oid(o), tlv(tag ?? 0x0c, v)))));
}

export function ext(oidStr: string, value: Uint8Array, critical = false): Uint8Array {
  return seq(oid(oidStr), ...(critical ? [bytes(0x01, 0x01, 0xff)] : []), tlv(0x04, value));
}

export interface CertParts {
  serial?: Uint8Array;
  subject?: Uint8Array;
  issuer?: Uint8Array;
  extensions?: Uint8Array[];
  spki?: Uint8Array;
  /** Signature algorithm OID; an unknown one makes the signature 'unsupported' rather than 'invalid'. */
  sigAlgOid?: string;
}

/** A structurally valid certificate with a dummy signature (for decoding tests, not for chains). */
export function makeCert(p: CertParts = {}): Uint8Array {
  const sigAlg = seq(oid(p.sigAlgOid ?? '1.2.840.113549.1.1.11'), bytes(0x05, 0x00));
  const cn = name(['2.5.4.3', utf8('hand made')]);
  const spki = p.spki ?? cert('leaf-noeku.pem').publicKey!.spki;
  const tbs = seq(
    tlv(0xa0, tlv(0x02, bytes(2))),
    tlv(0x02, p.serial ?? bytes(0x01)),
    sigAlg,
    p.issuer ?? cn,
    seq(tlv(0x17, utf8('260101000000Z')), tlv(0x17, utf8('360101000000Z'))),
    p.subject ?? cn,
    spki,
    ...(p.extensions ? [tlv(0xa3, seq(...p.extensions))] : []),
  );
  return seq(tbs, sigAlg, tlv(0x03, bytes(0x00, 1, 2, 3, 4)));
}
