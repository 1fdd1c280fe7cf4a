/**
 * `-` as a capture path: the capture is read from standard input (`tcpdump -U -w - | ekuscope
 * report -`, `zcat x.pcap.gz | ekuscope certs -`), as `tshark -r -` reads it. Its format (pcap,
 * pcapng, either gzip-compressed) is sniffed from the first bytes as for a file. Standard input can
 * be read once, so `-` may be given once per run.
 */
import type { Readable } from 'node:stream';

export const STDIN_PATH = '-';
/** How a capture read from standard input is named in the output (a file is named by its base name). */
export const STDIN_NAME = 'stdin';

/** The input to read for a capture path: standard input for `-`, else the path itself. */
export function captureInput(path: string, stdin: Readable = process.stdin): string | Readable {
  return path === STDIN_PATH ? stdin : path;
}

/** What is wrong with the `-` among these paths (given twice, or standard input is a terminal), or undefined. */
export function stdinProblem(paths: readonly string[], stdinIsTty: boolean = process.stdin.isTTY === true): string | undefined {
  const n = paths.filter((p) => p === STDIN_PATH).length;
  if (n === 0) return undefined;
  if (n > 1) return '- (standard input) can be given only once: it can be read only once';
  if (stdinIsTty) return '- reads a capture from standard input, which is a terminal here: pipe a capture into it (tcpdump -U -w - ... | ekuscope report -)';
  return undefined;
}
