import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Real public captures with tshark's truth, vendored in test/corpus (see its README for sources and licences). */
export const corpusDir = join(repoRoot, 'test', 'corpus');
export const capturesDir = join(repoRoot, 'captures');

/** Every capture file (pcap or pcapng, possibly gzip-compressed) under `dir`, depth first; none when `dir` is absent. */
export function capturesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return capturesUnder(p);
    return /\.(pcap|pcapng)(\.gz)?$/.test(n) ? [p] : [];
  });
}

export function corpusFiles(): string[] {
  if (!existsSync(corpusDir)) return [];
  return readdirSync(corpusDir)
    .filter((f) => /\.(pcap|pcapng|gz)$/.test(f))
    .map((f) => join(corpusDir, f));
}

export interface ManifestRow {
  file: string;
  packets: number;
  format: string;
  linktype: string;
}

export function manifest(): ManifestRow[] {
  const p = join(corpusDir, 'MANIFEST.tsv');
  if (!existsSync(p)) return [];
  const [head, ...rows] = readFileSync(p, 'utf8').trim().split('\n');
  const cols = head!.split('\t');
  return rows.map((r) => {
    const v = r.split('\t');
    const get = (n: string) => v[cols.indexOf(n)] ?? '';
    return { file: get('file'), packets: parseInt(get('packets'), 10), format: get('format'), linktype: get('linktype') };
  });
}

export const TSHARK_PREFS = ['-o', 'tls.desegment_ssl_records:TRUE', '-o', 'tcp.desegment_tcp_streams:TRUE', '-o', 'tcp.reassemble_out_of_order:TRUE'];

/** tshark's standard output; a damaged file makes tshark exit non-zero after printing what it read, so the status is not checked. */
export function tshark(args: string[]): string {
  return spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] }).stdout;
}
