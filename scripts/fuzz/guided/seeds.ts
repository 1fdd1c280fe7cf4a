/**
 * Seed corpora, built from the repository: the captures of captures/ and test/corpus, the PEM and
 * DER files of test/fixtures and captures/, the key log of scenario 12, the xconf/xstat dumps, and
 * bundles (tar, tar.gz) made in memory from scenario folders. Also the TLS transcript format the
 * TLS targets read: a list of chunks, each [direction (0 client→server, 1 back)][u16 length][bytes].
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { scanCapture } from '../../../src/analysis/index.js';
import { fuzzInputs, REPO_ROOT, walk } from '../cases.js';

const read = (p: string): Uint8Array => new Uint8Array(readFileSync(p));

/** Capture files no larger than `maxBytes` (small seeds keep the inputs fast). */
export function captureSeeds(maxBytes: number): Uint8Array[] {
  return fuzzInputs()
    .filter((p) => statSync(p).size <= maxBytes)
    .map(read);
}

export function pemSeeds(): Uint8Array[] {
  return [...walk(join(REPO_ROOT, 'test', 'fixtures'), (n) => n.endsWith('.pem')), ...walk(join(REPO_ROOT, 'captures'), (n) => /^(ca|client|server)_.*\.pem$/.test(n)).slice(0, 12)].map(read);
}

/** Every certificate (DER) in the PEM fixtures and the scenario stores, and the DER fixtures. */
export function derSeeds(): Uint8Array[] {
  const out: Uint8Array[] = walk(join(REPO_ROOT, 'test', 'fixtures'), (n) => n.endsWith('.der')).map(read);
  const seen = new Set<string>();
  for (const pem of pemSeeds()) {
    const text = Buffer.from(pem).toString('latin1');
    for (const m of text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)) {
      const der = new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'));
      const key = Buffer.from(der).toString('base64');
      if (der.length && !seen.has(key)) {
        seen.add(key);
        out.push(der);
      }
    }
  }
  return out;
}

export const KEYLOG_SCENARIO = join(REPO_ROOT, 'captures', '12-tls13-uc-traversal-keylog');

export function keylogSeeds(): Uint8Array[] {
  const text = readFileSync(join(KEYLOG_SCENARIO, 'sslkeylog.txt'), 'utf8');
  const lines = text.split('\n').filter((l) => l.trim());
  // The whole file, and a few lines of it (smaller seeds mutate faster).
  return [text, lines.slice(0, 5).join('\n') + '\n', `# comment\r\n${lines[0]}\r\n`].map((t) => new TextEncoder().encode(t));
}

export function xapiSeeds(): Uint8Array[] {
  const keep = (n: string) => /^x(conf|stat)_dump_.*\.(txt|xml)$/.test(n);
  const seen = new Set<string>();
  return [...walk(join(REPO_ROOT, 'test', 'fixtures', 'expressway'), keep), ...walk(join(REPO_ROOT, 'captures'), keep)]
    .map(read)
    .filter((b) => {
      const k = Buffer.from(b).toString('base64');
      return !seen.has(k) && seen.add(k) !== undefined;
    });
}

// ---- tar ----------------------------------------------------------------------------------------

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

/** A ustar archive of (name, bytes) entries, as GNU tar writes one. */
export function tarOf(entries: readonly [string, Uint8Array][]): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const [name, data] of entries) {
    const h = Buffer.alloc(512);
    h.write(name.slice(0, 99), 0, 'latin1');
    h.write(octal(0o644, 8), 100, 'latin1');
    h.write(octal(0, 8), 108, 'latin1');
    h.write(octal(0, 8), 116, 'latin1');
    h.write(octal(data.length, 12), 124, 'latin1');
    h.write(octal(1_775_000_000, 12), 136, 'latin1');
    h.write('        ', 148, 'latin1');
    h[156] = 0x30;
    h.write('ustar\0', 257, 'latin1');
    h.write('00', 263, 'latin1');
    let sum = 0;
    for (const b of h) sum += b;
    h.write(octal(sum, 7) + ' ', 148, 'latin1');
    blocks.push(h, data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024));
  return new Uint8Array(Buffer.concat(blocks));
}

/** Bundles from two scenario folders: their small files and capture, as .tar and .tar.gz. */
export function tarSeeds(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const scenario of ['01-webex-client-cert', '08-all-private-ca-unknown-ca']) {
    const dir = join(REPO_ROOT, 'captures', scenario);
    if (!existsSync(dir)) continue;
    const files = readdirSync(dir)
      .sort()
      .filter((n) => n !== 'README.md')
      .map((n): [string, Uint8Array] => [`diag/${n}`, read(join(dir, n))]);
    const tar = tarOf(files);
    out.push(tar, new Uint8Array(gzipSync(tar)));
    // A small one: the text files alone, uncompressed and compressed.
    const small = tarOf(files.filter(([n]) => !/\.pcap/.test(n)).slice(0, 4));
    out.push(small, new Uint8Array(gzipSync(small)));
  }
  return out;
}

// ---- TLS transcripts ----------------------------------------------------------------------------

export interface Chunk {
  readonly dir: 0 | 1;
  readonly bytes: Uint8Array;
}

/** Reads a transcript leniently: a length past the end takes what is left, so every input is one. */
export function parseTranscript(b: Uint8Array): Chunk[] {
  const out: Chunk[] = [];
  let at = 0;
  while (at < b.length && out.length < 512) {
    const dir = (b[at]! & 1) as 0 | 1;
    const len = at + 3 <= b.length ? (b[at + 1]! << 8) | b[at + 2]! : 0;
    const start = Math.min(at + 3, b.length);
    const end = Math.min(start + len, b.length);
    if (end > start) out.push({ dir, bytes: b.subarray(start, end) });
    at = end;
  }
  return out;
}

export function writeTranscript(chunks: readonly Chunk[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const c of chunks) {
    for (let at = 0; at < c.bytes.length; at += 0xffff) {
      const piece = c.bytes.subarray(at, at + 0xffff);
      parts.push(Uint8Array.of(c.dir, piece.length >> 8, piece.length & 0xff), piece);
    }
  }
  return new Uint8Array(Buffer.concat(parts));
}

/**
 * The TLS conversations of some captures as transcripts: each TCP connection's bytes in the order
 * the reassembler delivered them, one chunk per delivery, up to `maxBytes` per connection.
 */
export async function transcriptSeeds(captures: readonly string[], maxBytes = 24 * 1024): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const path of captures) {
    const conns: Chunk[][] = [];
    await scanCapture(Readable.from([readFileSync(path)]), () => {
      const chunks: Chunk[] = [];
      let size = 0;
      conns.push(chunks);
      return {
        data(dir, data) {
          if (size > maxBytes) return 'ignore';
          chunks.push({ dir, bytes: data.slice(0, maxBytes - size + 1) });
          size += data.length;
        },
        gap() {},
        end() {},
      };
    }).catch(() => undefined);
    // Two conversations of a capture at most: the seeds stay quick to run, and varied.
    let kept = 0;
    for (const c of conns) {
      const first = c[0]?.bytes[0];
      if (kept < 2 && (first === 0x16 || (first !== undefined && first >= 0x80))) {
        out.push(writeTranscript(c));
        kept++;
      }
    }
  }
  return out;
}

/** Captures under captures/ and test/corpus whose name matches. */
export function capturePaths(match: (name: string) => boolean): string[] {
  return fuzzInputs().filter((p) => match(basename(p)));
}
