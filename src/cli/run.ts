import { main } from './main.js';

/**
 * The process around main(): its exit code, an internal error said in one place, and a reader
 * that stops early (`ekuscope flows big.pcap | head`) ending the run quietly, as other tools do,
 * instead of an unhandled EPIPE stack trace.
 */
export function runCli(argv: readonly string[]): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  main([...argv]).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`ekuscope: internal error: ${err instanceof Error && err.stack ? err.stack : String(err)}\n`);
      process.exitCode = 70;
    },
  );
}
