/**
 * Synthetic sessions for rule table tests: a TLS 1.2 mutual-TLS handshake whose certificates,
 * endpoints and ending are chosen by the test, shaped as the analysis stage shapes them.
 */
import type { Analysis, CertificateMessageInfo, Session } from '../../src/analysis/index.js';
import { buildBoxStores, buildContext, parseXconf, type Bundle, type ExpresswayContext, type TlsLogEvent } from '../../src/expressway/index.js';
import type { Outcome, TlsMessage } from '../../src/tls/index.js';
import { CertPool, type CertInfo } from '../../src/x509/index.js';

export interface FakeOptions {
  readonly client: { ip: string; port: number };
  readonly server: { ip: string; port: number };
  readonly serverChain: readonly CertInfo[];
  /** undefined: no client Certificate message; []: an empty one (T3). */
  readonly clientChain?: readonly CertInfo[];
  readonly requested?: boolean;
  readonly end: { kind: 'completed' } | { kind: 'alert'; by: 'client' | 'server'; description: number } | { kind: 'fin'; by: 'client' | 'server' };
}

const hs = (index: number, dir: 0 | 1, frame: number, type: number, body?: unknown): TlsMessage =>
  ({ kind: 'handshake', index, dir, frame, frames: [frame], tsSec: 0, tsNsec: 0, streamOffset: 0, recordVersion: 0x0303, type, length: 10, bytes: new Uint8Array(), truncated: false, fields: [], ...(body ? { body } : {}) }) as TlsMessage;

export function fakeSession(o: FakeOptions): { analysis: Analysis; session: Session } {
  const pool = new CertPool();
  const msgs: TlsMessage[] = [];
  const add = (m: TlsMessage) => msgs.push({ ...m, index: msgs.length } as TlsMessage);
  add(hs(0, 0, 4, 1, { kind: 'client-hello', random: new Uint8Array(32).fill(7) }));
  add(hs(0, 1, 6, 2));
  add(hs(0, 1, 8, 11));
  const serverCertIndex = msgs.length - 1;
  add(hs(0, 1, 8, 12));
  const requested = o.requested ?? o.clientChain !== undefined;
  if (requested) add(hs(0, 1, 8, 13));
  add(hs(0, 1, 8, 14));
  let clientCertIndex = -1;
  if (o.clientChain !== undefined) {
    add(hs(0, 0, 12, 11));
    clientCertIndex = msgs.length - 1;
  }
  add(hs(0, 0, 12, 16));
  if (o.clientChain && o.clientChain.length) add(hs(0, 0, 12, 15));
  add({ kind: 'change-cipher-spec', index: 0, dir: 0, frame: 12, frames: [12], tsSec: 0, tsNsec: 0, streamOffset: 0, recordVersion: 0x0303, bytes: new Uint8Array(), fields: [] } as TlsMessage);
  add({ kind: 'encrypted-handshake', index: 0, dir: 0, frame: 12, frames: [12], tsSec: 0, tsNsec: 0, streamOffset: 0, recordVersion: 0x0303, contentType: 22, length: 40 } as TlsMessage);
  const lastClient = msgs[msgs.length - 1]!;
  let outcome: Outcome;
  const alerts: Session['alerts'][number][] = [];
  const ends: [{ reason: 'fin'; frame: number } | undefined, { reason: 'fin'; frame: number } | undefined] = [undefined, undefined];
  if (o.end.kind === 'completed') {
    add({ kind: 'encrypted-handshake', index: 0, dir: 1, frame: 14, frames: [14], tsSec: 0, tsNsec: 0, streamOffset: 0, recordVersion: 0x0303, contentType: 22, length: 40 } as TlsMessage);
    outcome = { kind: 'completed', frame: 14 };
  } else if (o.end.kind === 'alert') {
    const dir = o.end.by === 'client' ? 0 : 1;
    add({ kind: 'alert', index: 0, dir, frame: 14, frames: [14], tsSec: 0, tsNsec: 0, streamOffset: 0, recordVersion: 0x0303, encrypted: false, length: 2, level: 2, description: o.end.description, bytes: new Uint8Array(), fields: [] } as TlsMessage);
    const m = msgs[msgs.length - 1]!;
    alerts.push({ from: o.end.by, dir, frame: 14, level: 2, description: o.end.description, encrypted: false, length: 2, messageIndex: m.index });
    outcome = {
      kind: 'alert',
      alert: { dir, what: 'Alert', frame: 14, tsSec: 0, tsNsec: 0, index: m.index, by: o.end.by, encrypted: false, level: 2, description: o.end.description, length: 2, after: { dir: 0, what: 'EncryptedHandshake', frame: 12, tsSec: 0, tsNsec: 0, index: lastClient.index } },
    };
  } else {
    const dir = o.end.by === 'client' ? 0 : 1;
    ends[dir] = { reason: 'fin', frame: 14 };
    outcome = { kind: 'closed', end: { dir, from: dir, by: o.end.by, reason: 'fin', frame: 14, after: { dir: 0, what: 'EncryptedHandshake', frame: 12, tsSec: 0, tsNsec: 0, index: lastClient.index } } };
  }
  const refs = (chain: readonly CertInfo[], frame: number, messageIndex: number) => chain.map((c, index) => ({ id: pool.add(c), index, frame, messageIndex }));
  const certificateMessages: CertificateMessageInfo[] = [
    { from: 'server', frame: 8, frames: [8], messageIndex: serverCertIndex, certificates: refs(o.serverChain, 8, serverCertIndex), empty: false, truncated: false, decrypted: false },
  ];
  if (o.clientChain !== undefined)
    certificateMessages.push({ from: 'client', frame: 12, frames: [12], messageIndex: clientCertIndex, certificates: refs(o.clientChain, 12, clientCertIndex), empty: o.clientChain.length === 0, truncated: false, decrypted: false });
  const silent = o.end.kind === 'fin' && o.end.by === 'server' && o.clientChain !== undefined;
  const connection = {
    id: 0,
    a: o.client,
    b: o.server,
    ipVersion: 4,
    synSeen: true,
    firstFrame: 1,
    lastFrame: 16,
    firstTs: { sec: 1774767730, nsec: 0 },
    lastTs: { sec: 1774767731, nsec: 0 },
    bytes: [1000, 1000],
    packets: [8, 8],
    gaps: [],
    gapCount: 0,
    gapBytes: 0,
    retransmissions: 0,
    outOfOrder: 0,
    ends,
    ignored: false,
  } as unknown as Session['connection'];
  const tls = {
    isTls: true,
    clientDir: 0,
    roleSource: 'client-hello',
    version: 0x0303,
    cipherSuite: 0xc02f,
    keyExchange: 'ECDHE_RSA',
    tls13: false,
    helloRetry: false,
    midStream: [false, false],
    messages: msgs,
    droppedMessages: 0,
    outcome,
    ...(silent && outcome.kind === 'closed' ? { silentRejection: { by: 'server', end: outcome.end, reason: 'server-closed-after-client-certificate' } } : {}),
    ended: [undefined, undefined],
    certificateRequested: requested,
    renegotiations: 0,
    anomalies: [],
  } as unknown as Session['tls'];
  const session: Session = {
    id: 0,
    connection,
    tls,
    client: o.client,
    server: o.server,
    clientDir: 0,
    certificateMessages,
    serverCertificates: certificateMessages[0]!.certificates,
    clientCertificates: certificateMessages[1]?.certificates ?? [],
    clientCertificateEmpty: o.clientChain !== undefined && o.clientChain.length === 0,
    ...(requested ? { certificateRequest: { frame: 8, messageIndex: 5, form: 'tls12', certificateTypes: [1, 64], signatureAlgorithms: [0x0804, 0x0401], caNames: [], decrypted: false } } : {}),
    alerts,
    decrypted: false,
  };
  const analysis = {
    source: 'fake.pcap',
    capture: { format: 'pcap', gzip: false, frames: 16, truncatedFrames: 0, linkTypes: [1], problems: [], bytesRead: 0, firstTs: { sec: 1774767730, nsec: 0 } },
    connections: [connection],
    sessions: [session],
    nonTls: [],
    pool,
    stats: { tcpSegments: 16, other: new Map(), unknownLinkTypes: new Map(), malformed: { count: 0 }, fragmentsReassembled: 0, fragmentsDropped: 0 },
    certificateCount: 0,
    certificateRequestCount: 0,
    timing: { totalMs: 0, x509Ms: 0, certificatesParsed: 0 },
  } as unknown as Analysis;
  return { analysis, session };
}

export interface FakeBox {
  readonly host: string;
  readonly ip: string;
  readonly edition: 'C' | 'E';
  readonly checking?: 'On' | 'Off';
  readonly client?: readonly CertInfo[];
  readonly server?: readonly CertInfo[];
  readonly ca?: readonly CertInfo[];
  /** Log lines of the box's loggingsnapshot, already parsed (X9). */
  readonly logEvents?: readonly TlsLogEvent[];
}

const pem = (c: CertInfo): string => `-----BEGIN CERTIFICATE-----\n${Buffer.from(c.der).toString('base64')}\n-----END CERTIFICATE-----\n`;
const bytes = (list: readonly CertInfo[] | undefined): Uint8Array => new TextEncoder().encode((list ?? []).map(pem).join(''));

/** A context with one or more boxes, as a bundle with xconf (addresses, zone type, checking mode) would give. */
export function fakeContext(boxes: readonly FakeBox[]): ExpresswayContext {
  return buildContext({
    bundles: boxes.map((b) => {
      const xconf = parseXconf(
        [
          `*c xConfiguration Ethernet 1 IP V4 Address: "${b.ip}"`,
          `*c xConfiguration SystemUnit Name: "${b.host}"`,
          `*c xConfiguration Zones Zone 2 Type: "${b.edition === 'E' ? 'TraversalServer' : 'TraversalClient'}"`,
          ...(b.checking ? [`*c xConfiguration SIP TLS Certificate ExtendedKeyUsage Checking Mode: "${b.checking}"`] : []),
        ].join('\n'),
      );
      const bundle = { host: b.host, timestamps: [], files: [], stores: { ca: [], client: [], server: [] }, captures: [], xconf, logs: [], logEvents: b.logEvents ?? [], problems: [] } as unknown as Bundle;
      const files = [
        ...(b.client ? [{ role: 'client' as const, name: `client_${b.host}.pem`, bytes: bytes(b.client) }] : []),
        ...(b.server ? [{ role: 'server' as const, name: `server_${b.host}.pem`, bytes: bytes(b.server) }] : []),
        ...(b.ca ? [{ role: 'ca' as const, name: `ca_${b.host}.pem`, bytes: bytes(b.ca) }] : []),
      ];
      return { bundle, stores: buildBoxStores(b.host, files) };
    }),
  });
}
