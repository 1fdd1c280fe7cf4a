import { Command, CommanderError } from 'commander';
import { CaptureFormatError } from '../capture/index.js';
import { passiveConsumer, scanCapture } from '../analysis/frames.js';
import { flowJson, formatFlowsText } from './flows.js';
import { analyzeCapture } from '../analysis/index.js';
import { certRows, exportCerts, formatCertsText, type CertRow } from './certs.js';

/** Exit codes, documented in the README. */
export const EXIT = { OK: 0, FINDINGS: 1, USAGE: 2 } as const;

interface Io {
  out(text: string): void;
  err(text: string): void;
}

const stdio: Io = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
};

export async function main(argv: string[], io: Io = stdio): Promise<number> {
  let code: number = EXIT.OK;
  const program = new Command();
  program
    .name('ekuscope')
    .description('Explains TLS handshakes in packet captures: roles, certificate stores, EKUs and why a handshake failed.')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });

  program
    .command('flows')
    .description('one line per TCP connection: endpoints, frames, bytes each way, gaps, how it ended')
    .argument('<files...>', 'capture files (pcap, pcapng, optionally gzip-compressed)')
    .option('--format <format>', 'text or json', 'text')
    .action(async (files: string[], opts: { format: string }) => {
      if (opts.format !== 'text' && opts.format !== 'json') throw new UsageError(`--format must be text or json, not ${JSON.stringify(opts.format)}`);
      const all: unknown[] = [];
      for (const file of files) {
        const r = await scanCapture(file, () => passiveConsumer);
        if (opts.format === 'json') all.push(...r.connections.map((c) => ({ file, ...flowJson(c) })));
        else io.out(formatFlowsText(r, file));
        for (const p of r.capture.problems) if (p.severity === 'fatal' && opts.format === 'json') io.err(`ekuscope: ${file}: ${p.message}\n`);
      }
      if (opts.format === 'json') io.out(JSON.stringify(all, null, 2) + '\n');
    });

  program
    .command('certs')
    .description('every certificate seen: session, frame, sender, position in the chain, subject, issuer, serial, EKU')
    .argument('<files...>', 'capture files')
    .option('--format <format>', 'text or json', 'text')
    .option('--export <dir>', 'also write each certificate as a PEM file named by role, session and serial')
    .action(async (files: string[], opts: { format: string; export?: string }) => {
      if (opts.format !== 'text' && opts.format !== 'json') throw new UsageError(`--format must be text or json, not ${JSON.stringify(opts.format)}`);
      const all: CertRow[] = [];
      for (const file of files) {
        const a = await analyzeCapture(file);
        const rows = certRows(a);
        all.push(...rows);
        if (opts.format === 'text') io.out(`${a.source}: ${rows.length} certificates in ${a.sessions.length} TLS sessions\n` + formatCertsText(rows));
        for (const p of a.capture.problems) io.err(`ekuscope: ${a.source}: ${p.message}\n`);
        if (opts.export) {
          const names = exportCerts(a, rows, opts.export);
          io.err(`ekuscope: wrote ${names.length} PEM files to ${opts.export}\n`);
        }
      }
      if (opts.format === 'json') io.out(JSON.stringify(all, null, 2) + '\n');
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    if (e instanceof UsageError || e instanceof CaptureFormatError) {
      io.err(`ekuscope: ${e.message}\n`);
      return EXIT.USAGE;
    }
    throw e;
  }
  return code;
}

export class UsageError extends Error {}
