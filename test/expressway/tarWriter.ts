/**
 * A tiny tar writer for tests: it writes exactly the headers a test asks for, hostile ones included
 * (absolute names, '..', links, lying sizes), which no well-behaved archiver would produce.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface TestEntry {
  name: string;
  data?: Uint8Array | string;
  /** Type flag character; '0' by default. */
  type?: string;
  linkName?: string;
  /** Size written in the header, when it must differ from the data length. */
  claimSize?: number;
  /** Emit a GNU 'L' long-name header before this entry. */
  gnuLongName?: boolean;
  /** Emit a pax 'x' header with these records before this entry. */
  pax?: Record<string, string>;
  /** Put the name in the ustar prefix field (split at the last '/'). */
  usePrefix?: boolean;
  /** Corrupt the checksum. */
  badChecksum?: boolean;
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

export function header(opts: {
  name: string;
  size: number;
  type?: string;
  linkName?: string;
  prefix?: string;
  badChecksum?: boolean;
}): Buffer {
  const b = Buffer.alloc(512);
  b.write(opts.name.slice(0, 100), 0, 'utf8');
  b.write(octal(0o644, 8), 100, 'latin1');
  b.write(octal(0, 8), 108, 'latin1');
  b.write(octal(0, 8), 116, 'latin1');
  if (opts.size > 0o77777777777) {
    // GNU base-256 for sizes that do not fit 11 octal digits.
    b[124] = 0x80;
    let v = BigInt(opts.size);
    for (let i = 135; i > 124; i--) {
      b[i] = Number(v & 0xffn);
      v >>= 8n;
    }
  } else {
    b.write(octal(opts.size, 12), 124, 'latin1');
  }
  b.write(octal(1_780_000_000, 12), 136, 'latin1');
  b.write(opts.type ?? '0', 156, 'latin1');
  if (opts.linkName) b.write(opts.linkName.slice(0, 100), 157, 'utf8');
  b.write('ustar\0', 257, 'latin1');
  b.write('00', 263, 'latin1');
  if (opts.prefix) b.write(opts.prefix, 345, 'utf8');
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const c of b) sum += c;
  if (opts.badChecksum) sum += 1;
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return b;
}

function pad(data: Buffer): Buffer {
  const rem = data.length % 512;
  return rem === 0 ? data : Buffer.concat([data, Buffer.alloc(512 - rem)]);
}

function paxBody(records: Record<string, string>): Buffer {
  let out = '';
  for (const [k, v] of Object.entries(records)) {
    const rest = ` ${k}=${v}\n`;
    let len = Buffer.byteLength(rest) + 1;
    while (String(len).length + Buffer.byteLength(rest) !== len) len = String(len).length + Buffer.byteLength(rest);
    out += `${len}${rest}`;
  }
  return Buffer.from(out, 'utf8');
}

export function tarBytes(entries: TestEntry[], opts: { endMarker?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = typeof e.data === 'string' ? Buffer.from(e.data, 'utf8') : Buffer.from(e.data ?? new Uint8Array());
    if (e.gnuLongName) {
      const body = Buffer.from(e.name + '\0', 'utf8');
      parts.push(header({ name: '././@LongLink', size: body.length, type: 'L' }), pad(body));
    }
    if (e.pax) {
      const body = paxBody(e.pax);
      parts.push(header({ name: 'PaxHeader', size: body.length, type: 'x' }), pad(body));
    }
    let name = e.name;
    let prefix: string | undefined;
    if (e.usePrefix) {
      const cut = name.lastIndexOf('/');
      prefix = name.slice(0, cut);
      name = name.slice(cut + 1);
    }
    parts.push(
      header({
        name,
        size: e.claimSize ?? data.length,
        ...(e.type !== undefined ? { type: e.type } : {}),
        ...(e.linkName !== undefined ? { linkName: e.linkName } : {}),
        ...(prefix !== undefined ? { prefix } : {}),
        ...(e.badChecksum ? { badChecksum: true } : {}),
      }),
    );
    if (data.length > 0) parts.push(pad(data));
  }
  if (opts.endMarker !== false) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export function tarGzBytes(entries: TestEntry[], opts: { endMarker?: boolean } = {}): Buffer {
  return gzipSync(tarBytes(entries, opts));
}

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'ekuscope-exp-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
