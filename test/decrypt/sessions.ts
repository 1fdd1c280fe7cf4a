/**
 * Real TLS sessions for the decryption tests: Node's tls client and server on loopback, a TCP
 * relay between them that records each chunk in the order it passed, the client's 'keylog' lines,
 * and the recording written as a pcap (or a pcapng with the key log in a Decryption Secrets Block).
 * Certificates are throwaway ones made with the openssl CLI in a temporary folder.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect as netConnect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { expect } from 'vitest';
import type { Analysis } from '../../src/analysis/index.js';
import { certRows } from '../../src/cli/certs.js';
import { CaptureWriter } from '../../src/capture/writer.js';
import { ethernet, pcapFile, tcpPacketIp, type RawFrame } from '../helpers/frames.js';

export interface Pki {
  readonly dir: string;
  readonly serverKey: string;
  readonly serverCert: string;
  readonly clientKey: string;
  readonly clientCert: string;
  /** A certificate unrelated to either (for a client that must not trust the server). */
  readonly otherCert: string;
  cleanup(): void;
}

function selfSigned(dir: string, name: string, cn: string): { key: string; cert: string } {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${cn}`, '-addext', `subjectAltName=DNS:${cn}`], { stdio: 'ignore' });
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
}

export function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'ekuscope-decrypt-'));
  const s = selfSigned(dir, 'server', 'server.decrypt.test');
  const c = selfSigned(dir, 'client', 'client.decrypt.test');
  const o = selfSigned(dir, 'other', 'other.decrypt.test');
  return { dir, serverKey: s.key, serverCert: s.cert, clientKey: c.key, clientCert: c.cert, otherCert: o.cert, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const fingerprint = (pem: string): string => createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');
export const serialOf = (pem: string): string => new X509Certificate(pem).serialNumber.toLowerCase();

export interface Chunk {
  readonly dir: 0 | 1;
  readonly bytes?: Buffer;
  readonly fin?: true;
}

export interface Recorded {
  readonly chunks: Chunk[];
  /** The client's key log, NSS format, one line per secret. */
  readonly keylog: string;
  readonly clientError?: string;
  readonly protocol?: string | null;
  readonly cipher?: string;
}

export interface SessionScript {
  server: tls.TlsOptions;
  client: tls.ConnectionOptions;
  /** What the client does once connected; default: one echo round trip, then end(). */
  run?(client: tls.TLSSocket, server: () => tls.TLSSocket | undefined): Promise<void>;
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs one session through a recording relay. Resolves when both directions have ended. */
export async function record(script: SessionScript): Promise<Recorded> {
  const chunks: Chunk[] = [];
  const keylog: string[] = [];
  let serverSide: tls.TLSSocket | undefined;
  const server = tls.createServer(script.server, (s) => {
    serverSide = s;
    s.on('error', () => {});
    s.on('data', (d) => s.write(d));
    s.on('end', () => s.end());
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const serverPort = (server.address() as AddressInfo).port;

  let ends = 0;
  let done!: () => void;
  const closed = new Promise<void>((r) => (done = r));
  const relay = createServer((down: Socket) => {
    const up = netConnect(serverPort, '127.0.0.1');
    const end = (dir: 0 | 1) => {
      chunks.push({ dir, fin: true });
      if (++ends === 2) done();
    };
    down.on('data', (d) => {
      chunks.push({ dir: 0, bytes: Buffer.from(d) });
      up.write(d);
    });
    up.on('data', (d) => {
      chunks.push({ dir: 1, bytes: Buffer.from(d) });
      down.write(d);
    });
    down.on('end', () => {
      end(0);
      up.end();
    });
    up.on('end', () => {
      end(1);
      down.end();
    });
    const kill = () => {
      down.destroy();
      up.destroy();
      if (ends < 2) {
        ends = 2;
        done();
      }
    };
    down.on('error', kill);
    up.on('error', kill);
    down.on('close', () => setTimeout(kill, 200));
    up.on('close', () => setTimeout(kill, 200));
  });
  await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
  const relayPort = (relay.address() as AddressInfo).port;

  let clientError: string | undefined;
  let protocol: string | null | undefined;
  let cipher: string | undefined;
  const client = tls.connect({ host: '127.0.0.1', port: relayPort, servername: 'server.decrypt.test', ...script.client });
  client.on('keylog', (line) => keylog.push(line.toString('latin1').trim()));
  await new Promise<void>((resolve) => {
    client.on('error', (e) => {
      clientError ??= e.message;
      resolve();
    });
    client.on('secureConnect', async () => {
      protocol = client.getProtocol();
      cipher = client.getCipher().standardName;
      try {
        if (script.run) await script.run(client, () => serverSide);
        else {
          client.write('ping from the client');
          await new Promise((r) => client.once('data', r));
        }
      } finally {
        client.end();
        resolve();
      }
    });
  });
  await Promise.race([closed, wait(3000)]);
  client.destroy();
  relay.close();
  server.close();
  return { chunks, keylog: keylog.join('\n') + '\n', ...(clientError !== undefined && { clientError }), protocol, ...(cipher !== undefined && { cipher }) };
}

const CLIENT = { ip: '10.1.0.1', port: 51515 };
const SERVER = { ip: '10.1.0.2', port: 443 };
const MSS = 1448;

/** The recording as TCP frames: handshake, data cut at the MSS, FIN from each side, ACKs from the peer. */
export function framesOf(chunks: readonly Chunk[]): RawFrame[] {
  const isn: [number, number] = [0x1000_0000, 0x7000_0000];
  const next: [number, number] = [isn[0] + 1, isn[1] + 1];
  const frames: RawFrame[] = [];
  let t = 0;
  const push = (dir: 0 | 1, flags: string, payload?: Uint8Array) => {
    const [src, dst] = dir === 0 ? [CLIENT, SERVER] : [SERVER, CLIENT];
    const ip = tcpPacketIp({ src: src.ip, dst: dst.ip, sport: src.port, dport: dst.port, seq: next[dir], ack: next[dir === 0 ? 1 : 0], flags, ...(payload && { payload }) });
    t += 1000;
    frames.push({ data: ethernet(ip), sec: 1_700_000_000 + Math.floor(t / 1e6), sub: t % 1e6 });
    if (payload) next[dir] = (next[dir] + payload.length) >>> 0;
    if (flags.includes('F')) next[dir] = (next[dir] + 1) >>> 0;
  };
  frames.push(
    { data: ethernet(tcpPacketIp({ src: CLIENT.ip, dst: SERVER.ip, sport: CLIENT.port, dport: SERVER.port, seq: isn[0], flags: 'S' })), sec: 1_700_000_000 },
    { data: ethernet(tcpPacketIp({ src: SERVER.ip, dst: CLIENT.ip, sport: SERVER.port, dport: CLIENT.port, seq: isn[1], ack: next[0], flags: 'SA' })), sec: 1_700_000_000 },
  );
  push(0, 'A');
  for (const c of chunks) {
    if (c.fin) {
      push(c.dir, 'FA');
      continue;
    }
    for (let p = 0; p < c.bytes!.length; p += MSS) push(c.dir, 'PA', c.bytes!.subarray(p, p + MSS));
  }
  return frames;
}

export function writePcap(dir: string, name: string, r: Recorded): string {
  const f = join(dir, `${name}.pcap`);
  writeFileSync(f, pcapFile(framesOf(r.chunks)));
  return f;
}

/** Secrets type of a Decryption Secrets Block holding an SSLKEYLOGFILE (pcapng §4.7, "TLSK"). */
const TLS_KEY_LOG = 0x544c534b;

/** A pcapng with the key log in a Decryption Secrets Block before the packets, or after them. */
export function writePcapngWithSecrets(dir: string, name: string, r: Recorded, where: 'first' | 'last'): string {
  const w = CaptureWriter.toMemory({ format: 'pcapng', linktype: 1 });
  const secrets = Buffer.from(r.keylog, 'latin1');
  if (where === 'first') w.secrets(TLS_KEY_LOG, secrets);
  framesOf(r.chunks).forEach((fr, i) => w.packetAt(BigInt(fr.sec ?? 1_700_000_000) * 1_000_000n + BigInt(fr.sub ?? i), fr.data));
  if (where === 'last') w.secrets(TLS_KEY_LOG, secrets);
  w.close();
  const f = join(dir, `${name}.pcapng`);
  writeFileSync(f, w.bytes());
  return f;
}


/** What the decryption comparison with tshark looks at. */
export interface TlsView {
  certs: string[];
  certReqs: number[];
  alerts: string[];
  finished: number;
}

/** Certificates (frame/serial), CertificateRequest frames and alerts (frame/description), as tshark reports them with the key log. */
export function tsharkView(file: string, keylog: string, extra: string[] = []): TlsView {
  const r = spawnSync(
    'tshark',
    ['-r', file, ...extra, '-o', `tls.keylog_file:${keylog}`, '-o', 'tls.desegment_ssl_records:TRUE', '-o', 'tcp.desegment_tcp_streams:TRUE', '-Y', 'tls', '-T', 'fields', '-e', 'frame.number', '-e', 'tls.handshake.type', '-e', 'x509af.serialNumber', '-e', 'tls.alert_message.desc', '-E', 'occurrence=a', '-E', 'aggregator=|'],
    { encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  const certs: string[] = [];
  const certReqs: number[] = [];
  const alerts: string[] = [];
  let finished = 0;
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const [frame, types = '', serials = '', descs = ''] = line.split('\t');
    const t = types.split('|').filter(Boolean);
    if (t.includes('11')) for (const s of serials.split('|').filter(Boolean)) certs.push(`${frame}/${s.replace(/:/g, '').toLowerCase()}`);
    if (t.includes('13')) certReqs.push(Number(frame));
    finished += t.filter((x) => x === '20').length;
    for (const d of descs.split('|').filter(Boolean)) alerts.push(`${frame}/${d}`);
  }
  return { certs: certs.sort(), certReqs, alerts: alerts.sort(), finished };
}

/** The same view from an analysis of a one-session capture. */
export function ourView(a: Analysis): TlsView {
  expect(a.sessions.length).toBe(1);
  const s = a.sessions[0]!;
  const msgs = s.tls.messages;
  return {
    certs: certRows(a).map((r) => `${r.frame}/${r.serial.replace(/:/g, '').toLowerCase()}`).sort(),
    certReqs: msgs.flatMap((m) => (m.kind === 'handshake' && m.type === 13 ? [m.frame] : [])),
    alerts: s.alerts.flatMap((x) => (x.description !== undefined ? [`${x.frame}/${x.description}`] : [])).sort(),
    finished: msgs.filter((m) => m.kind === 'handshake' && m.type === 20).length,
  };
}
