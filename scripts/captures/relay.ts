/**
 * A loopback TCP relay between a TLS client stack and a TLS server stack. It forwards every byte
 * unchanged and records, in order, what each side wrote and how each side closed (FIN = orderly
 * end of stream, RST = connection reset). The recorded trace is what the capture renderer turns into
 * frames; the relay never creates or alters TLS bytes.
 */
import net from 'node:net';

export type Side = 'client' | 'server';

export type TraceEvent =
  | { kind: 'data'; from: Side; bytes: Buffer; hrtimeNs: bigint }
  | { kind: 'fin'; from: Side; hrtimeNs: bigint }
  | { kind: 'rst'; from: Side; hrtimeNs: bigint };

export interface Trace {
  events: TraceEvent[];
}

export interface Relay {
  /** Port the client stack must connect to. */
  port: number;
  /** Resolves once both directions are closed (or reset). */
  trace: Promise<Trace>;
  close(): void;
}

/** Starts a relay for exactly one connection to 127.0.0.1:targetPort. */
export async function startRelay(targetPort: number): Promise<Relay> {
  const events: TraceEvent[] = [];
  let resolveTrace!: (t: Trace) => void;
  const trace = new Promise<Trace>((r) => (resolveTrace = r));
  const now = () => process.hrtime.bigint();

  const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
  server.on('connection', (down) => {
    server.close();
    const up = net.connect({ host: '127.0.0.1', port: targetPort, allowHalfOpen: true });
    down.setNoDelay(true);
    up.setNoDelay(true);
    let downDone = false;
    let upDone = false;
    let finished = false;
    const finish = () => {
      if (finished) return;
      if ((downDone && upDone) || events.some((e) => e.kind === 'rst')) {
        finished = true;
        // Let any bytes still in flight settle before handing the trace out.
        setTimeout(() => resolveTrace({ events }), 50);
      }
    };
    const wire = (src: net.Socket, dst: net.Socket, from: Side, markDone: () => void) => {
      src.on('data', (b: Buffer) => {
        events.push({ kind: 'data', from, bytes: Buffer.from(b), hrtimeNs: now() });
        if (!dst.destroyed) dst.write(b);
      });
      src.on('end', () => {
        events.push({ kind: 'fin', from, hrtimeNs: now() });
        markDone();
        if (!dst.destroyed) dst.end();
        finish();
      });
      src.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'ECONNRESET') {
          events.push({ kind: 'rst', from, hrtimeNs: now() });
          markDone();
          if (!dst.destroyed) dst.resetAndDestroy();
          finish();
        }
      });
      src.on('close', () => {
        markDone();
        finish();
      });
    };
    up.on('connect', () => {
      wire(down, up, 'client', () => (downDone = true));
      wire(up, down, 'server', () => (upDone = true));
      down.resume();
    });
    up.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('relay: no port');
  return {
    port: addr.port,
    trace,
    close: () => server.close(),
  };
}

/** A free loopback port (the listener is closed at once; the caller binds it right after). */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const addr = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  if (!addr || typeof addr === 'string') throw new Error('no port');
  return addr.port;
}
