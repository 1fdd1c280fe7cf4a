/**
 * The TLS stacks that play each side of a connection: Debian's `openssl s_server` / `s_client`
 * (the verifier whose verdicts Expressway shares) and Node's `tls`. Each runner takes file paths in
 * the generator's temp directory and reports what the stack itself said about the handshake.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import tls from 'node:tls';
import fs from 'node:fs';

export type TlsVersion = '1.2' | '1.3';

export interface Credentials {
  /** PEM with the leaf certificate only. */
  leafFile: string;
  /** PEM with the intermediates to send after the leaf; undefined when the issuer is a root. */
  chainFile?: string;
  keyFile: string;
}

function nodeCert(c: Credentials): Buffer {
  return Buffer.concat([fs.readFileSync(c.leafFile), ...(c.chainFile ? [fs.readFileSync(c.chainFile)] : [])]);
}

function opensslCertArgs(c: Credentials): string[] {
  return ['-cert', c.leafFile, '-key', c.keyFile, ...(c.chainFile ? ['-cert_chain', c.chainFile] : [])];
}

export interface StackOutcome {
  stack: string;
  /** What the stack printed or raised about the handshake, for the generation log. */
  notes: string[];
}

function waitFor(proc: ChildProcessWithoutNullStreams, re: RegExp, what: string, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const t = setTimeout(() => reject(new Error(`timeout waiting for ${what}: ${buf}`)), timeoutMs);
    const on = (d: Buffer) => {
      buf += d.toString();
      if (re.test(buf)) {
        clearTimeout(t);
        proc.stdout.off('data', on);
        proc.stderr.off('data', on);
        resolve();
      }
    };
    proc.stdout.on('data', on);
    proc.stderr.on('data', on);
  });
}

function collect(proc: ChildProcessWithoutNullStreams): Promise<{ out: string; code: number | null }> {
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((r) => proc.on('close', (code) => r({ out, code })));
}

export interface OpenSslServerOptions {
  port: number;
  creds: Credentials;
  /** Trusted CA list used to verify the client (the box's ca.pem). */
  caFile: string;
  /** Request and require a client certificate, failing the handshake on a verify error. */
  requireClientCert: boolean;
  /** OpenSSL verify purpose; undefined = OpenSSL's default for a server ("sslclient"). */
  purpose?: 'any' | 'sslclient';
  version: TlsVersion;
  /** Verification time (Unix seconds): the capture date, so that validity is judged then. */
  attime: number;
  /** Line the server writes back when it has read a line from the client. */
  reply?: string;
}

export interface RunningStack {
  done: Promise<StackOutcome>;
  kill(): void;
}

/**
 * `openssl s_server` for one connection. With `-Verify 1 -verify_return_error` a verification failure
 * aborts the handshake and OpenSSL sends the alert its own mapping chooses (ssl_verify_alarm_type).
 */
export async function startOpenSslServer(o: OpenSslServerOptions): Promise<RunningStack> {
  const args = [
    's_server',
    '-accept', `127.0.0.1:${o.port}`,
    '-naccept', '1',
    ...opensslCertArgs(o.creds),
    '-CAfile', o.caFile,
    '-attime', String(o.attime),
    o.version === '1.2' ? '-tls1_2' : '-tls1_3',
    '-ign_eof',
  ];
  if (o.requireClientCert) args.push('-Verify', '1', '-verify_return_error');
  if (o.purpose) args.push('-purpose', o.purpose);
  const proc = spawn('openssl', args, { stdio: 'pipe' });
  const result = collect(proc);
  await waitFor(proc, /ACCEPT/, 's_server ACCEPT');
  if (o.reply) {
    // s_server prints what it reads; once a whole request (blank line) is in, answer it once.
    const reply = o.reply;
    let seen = '';
    let answered = false;
    proc.stdout.on('data', (d: Buffer) => {
      seen += d.toString('latin1');
      if (!answered && /\r\n\r\n/.test(seen) && /^(OPTIONS|GET) /m.test(seen)) {
        answered = true;
        if (!proc.stdin.destroyed) proc.stdin.write(reply);
      }
    });
  }
  return {
    kill: () => proc.kill(),
    done: result.then(({ out, code }) => ({
      stack: `openssl s_server (${args.slice(1).filter((a) => a.startsWith('-') && a !== '-accept').join(' ')})`,
      notes: [`exit ${code}`, ...out.split('\n').filter((l) => /error|verify|alert|ERROR|Protocol|Cipher|DONE|shutdown/i.test(l)).slice(0, 12)],
    })),
  };
}

export interface OpenSslClientOptions {
  port: number;
  creds?: Credentials;
  caFile: string;
  version: TlsVersion;
  servername?: string;
  attime: number;
  /** Request text to send once the handshake is done. */
  request?: string;
}

/**
 * `openssl s_client` for one connection: sends `request` after the handshake, waits for the reply,
 * then closes stdin so that s_client sends close_notify and closes.
 */
export async function runOpenSslClient(o: OpenSslClientOptions): Promise<StackOutcome> {
  const args = ['s_client', '-connect', `127.0.0.1:${o.port}`, '-CAfile', o.caFile, '-attime', String(o.attime)];
  args.push(o.version === '1.2' ? '-tls1_2' : '-tls1_3');
  if (o.creds) args.push(...opensslCertArgs(o.creds));
  if (o.servername) args.push('-servername', o.servername);
  else args.push('-noservername');
  const proc = spawn('openssl', args, { stdio: 'pipe' });
  const result = collect(proc);
  try {
    await waitFor(proc, /Verify return code|SSL handshake has read/, 's_client handshake', 8000);
    if (o.request) {
      await sleep(150);
      if (!proc.stdin.destroyed) proc.stdin.write(o.request);
      await sleep(300);
    }
  } catch {
    // The handshake failed; s_client exits on its own.
  }
  if (!proc.stdin.destroyed) proc.stdin.end();
  const killer = setTimeout(() => proc.kill(), 5000);
  const { out, code } = await result;
  clearTimeout(killer);
  return {
    stack: `openssl s_client (${args.slice(1).filter((a) => a.startsWith('-') && a !== '-connect').join(' ')})`,
    notes: [`exit ${code}`, ...out.split('\n').filter((l) => /error|verify|alert|Protocol|Cipher|Verification/i.test(l)).slice(0, 12)],
  };
}

export interface NodeClientOptions {
  port: number;
  creds?: Credentials;
  ca: string;
  version: TlsVersion;
  servername?: string;
  request?: string;
  /** Receives every SSLKEYLOGFILE line the connection produces. */
  keylog?: (line: string) => void;
}

/**
 * Node `tls.connect`. The server chain is not enforced here (rejectUnauthorized false): Node cannot
 * verify at the capture date, and a Node client never alerts on a verify error anyway (it only
 * destroys the socket), so the recorded bytes do not depend on it. The verdict is noted instead.
 */
export function runNodeClient(o: NodeClientOptions): Promise<StackOutcome> {
  return new Promise((resolve) => {
    const notes: string[] = [];
    const opts: tls.ConnectionOptions = {
      host: '127.0.0.1',
      port: o.port,
      ca: o.ca,
      rejectUnauthorized: false,
      minVersion: o.version === '1.2' ? 'TLSv1.2' : 'TLSv1.3',
      maxVersion: o.version === '1.2' ? 'TLSv1.2' : 'TLSv1.3',
      ...(o.servername ? { servername: o.servername } : {}),
      ...(o.creds ? { cert: nodeCert(o.creds), key: fs.readFileSync(o.creds.keyFile) } : {}),
    };
    const sock = tls.connect(opts);
    if (o.keylog) {
      const kl = o.keylog;
      sock.on('keylog', (line: Buffer) => kl(line.toString()));
    }
    let settled = false;
    const done = () => {
      if (settled) return;
      settled = true;
      resolve({ stack: 'node tls.connect', notes });
    };
    sock.on('secureConnect', () => {
      notes.push(`handshake done ${sock.getProtocol()} ${sock.getCipher().name}; server chain: ${sock.authorized ? 'verified' : String(sock.authorizationError)}`);
      const req = o.request;
      if (req) {
        setTimeout(() => {
          if (!sock.destroyed) sock.write(req);
        }, 100);
        setTimeout(() => sock.end(), 500);
      } else {
        setTimeout(() => sock.end(), 200);
      }
    });
    sock.on('data', (d: Buffer) => notes.push(`read ${d.length} bytes`));
    sock.on('error', (e: Error) => {
      notes.push(`error: ${e.message}`);
      done();
    });
    sock.on('close', done);
    setTimeout(() => {
      sock.destroy();
      done();
    }, 8000);
  });
}

export interface NodeServerOptions {
  port: number;
  creds: Credentials;
  ca: string;
  requestCert: boolean;
  rejectUnauthorized: boolean;
  version: TlsVersion;
  reply?: string;
  keylog?: (line: string) => void;
}

/** Node `tls.createServer` for one connection. */
export async function startNodeServer(o: NodeServerOptions): Promise<RunningStack> {
  const notes: string[] = [];
  const server = tls.createServer({
    cert: nodeCert(o.creds),
    key: fs.readFileSync(o.creds.keyFile),
    ca: o.ca,
    requestCert: o.requestCert,
    rejectUnauthorized: o.rejectUnauthorized,
    minVersion: o.version === '1.2' ? 'TLSv1.2' : 'TLSv1.3',
    maxVersion: o.version === '1.2' ? 'TLSv1.2' : 'TLSv1.3',
  });
  if (o.keylog) {
    const kl = o.keylog;
    server.on('keylog', (line: Buffer) => kl(line.toString()));
  }
  let finish!: () => void;
  const closed = new Promise<void>((r) => (finish = r));
  server.on('tlsClientError', (e: Error) => {
    notes.push(`tlsClientError: ${e.message}`);
    finish();
  });
  server.on('secureConnection', (s: tls.TLSSocket) => {
    notes.push(`handshake done ${s.getProtocol()}; client cert: ${s.authorized ? 'verified' : String(s.authorizationError)}`);
    s.on('data', () => {
      if (o.reply && !s.destroyed) s.write(o.reply);
    });
    s.on('end', () => s.end());
    s.on('error', (e: Error) => notes.push(`socket error: ${e.message}`));
    s.on('close', () => finish());
  });
  await new Promise<void>((r) => server.listen(o.port, '127.0.0.1', r));
  const timer = setTimeout(finish, 10_000);
  return {
    kill: () => server.close(),
    done: closed.then(() => {
      clearTimeout(timer);
      server.close();
      return { stack: `node tls.createServer (requestCert ${o.requestCert}, rejectUnauthorized ${o.rejectUnauthorized})`, notes };
    }),
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
