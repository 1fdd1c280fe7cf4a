/**
 * Generates captures/: mints the certificates, runs every connection of every scenario as a real TLS
 * handshake between real TLS stacks on loopback through a recording relay, renders the recorded bytes
 * as Ethernet/IPv4/TCP frames with the scenario's addresses, and writes each scenario as an Expressway
 * diagnostic bundle with a README. Usage: `npm run captures` (optionally `-- 05 10` to regenerate
 * only scenarios whose folder starts with those prefixes; variants come with 01).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CaptureWriter, LINKTYPE, type CaptureOptions, type Link } from '../lib/pcap/index.js';
import { mintAll, dnToString, type MintedCert } from './pki.js';
import { CERT_SPECS } from './certs.js';
import { SCENARIOS, HOSTS } from './scenarios.js';
import type { BundleDef, ConnDef, ConnResult, ScenarioDef } from './model.js';
import { startRelay, freePort, type Trace, type Side } from './relay.js';
import { startOpenSslServer, runOpenSslClient, runNodeClient, startNodeServer, type Credentials, type StackOutcome, type RunningStack } from './stacks.js';
import { render, merge, type RenderedPacket, type HostDef } from './render.js';
import { keyMessages, type KeyMessage } from './tlsinfo.js';
import { xconfText, xconfXml, xstatText, xstatXml, logTimes, type BoxConfig } from './bundle.js';
import { writeVariants } from './variants.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT = path.join(ROOT, 'captures');

const BOX: Record<'vcs8c' | 'smartslave', { host: HostDef; role: 'Core' | 'Edge'; domain: string }> = {
  vcs8c: { host: HOSTS.vcs8c, role: 'Core', domain: 's.com' },
  smartslave: { host: HOSTS.smartslave, role: 'Edge', domain: 'vikdutta.com' },
};

function isoToNs(iso: string): bigint {
  const ms = Date.parse(iso);
  const frac = /\.(\d+)Z$/.exec(iso)?.[1] ?? '';
  const extra = frac.length > 3 ? BigInt(frac.slice(3).padEnd(6, '0')) : 0n;
  return BigInt(ms) * 1_000_000n + extra;
}

class Pki {
  constructor(
    readonly certs: Map<string, MintedCert>,
    readonly dir: string,
  ) {}

  static async create(dir: string): Promise<Pki> {
    const certs = await mintAll(CERT_SPECS);
    for (const [id, c] of certs) {
      fs.writeFileSync(path.join(dir, `${id}.crt.pem`), c.pem);
      fs.writeFileSync(path.join(dir, `${id}.key.pem`), c.keyPkcs8Pem, { mode: 0o600 });
      const inter = c.chain.filter((x) => x.chain.length > 0); // intermediates only, never the root
      if (inter.length) fs.writeFileSync(path.join(dir, `${id}.chain.pem`), inter.map((x) => x.pem).join(''));
    }
    return new Pki(certs, dir);
  }

  get(id: string): MintedCert {
    const c = this.certs.get(id);
    if (!c) throw new Error(`unknown certificate ${id}`);
    return c;
  }

  creds(id: string): Credentials {
    const chain = path.join(this.dir, `${id}.chain.pem`);
    return {
      leafFile: path.join(this.dir, `${id}.crt.pem`),
      keyFile: path.join(this.dir, `${id}.key.pem`),
      ...(fs.existsSync(chain) ? { chainFile: chain } : {}),
    };
  }

  trustPem(ids: string[]): string {
    return ids.map((i) => this.get(i).pem).join('');
  }

  trustFile(ids: string[]): string {
    const f = path.join(this.dir, `trust-${ids.join('+')}.pem`);
    if (!fs.existsSync(f)) fs.writeFileSync(f, this.trustPem(ids));
    return f;
  }
}

function requestFor(c: ConnDef): { request: string; reply: string } {
  if (c.server.port === 6972) {
    return {
      request: 'GET /SEPCSFHANU.cnf.xml HTTP/1.1\r\nHost: cucm15.s.com:6972\r\nUser-Agent: TCT-Expressway\r\n\r\n',
      reply: 'HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 0\r\n\r\n',
    };
  }
  const via = `SIP/2.0/TLS ${c.client.host.ip}:${c.client.port};branch=z9hG4bK${c.id}7a1f`;
  return {
    request: `OPTIONS sip:${c.server.host.ip}:${c.server.port};transport=tls SIP/2.0\r\nVia: ${via}\r\nMax-Forwards: 70\r\nCall-ID: ${c.id}@${c.client.host.ip}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`,
    reply: `SIP/2.0 200 OK\r\nVia: ${via}\r\nCall-ID: ${c.id}@${c.client.host.ip}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`,
  };
}

async function runConnection(c: ConnDef, pki: Pki): Promise<ConnResult> {
  const port = await freePort();
  const attime = Math.floor(Date.parse(c.start) / 1000);
  const { request, reply } = requestFor(c);
  const keylog: string[] = [];
  let server: RunningStack;
  if (c.server.stack === 'openssl') {
    server = await startOpenSslServer({
      port,
      creds: pki.creds(c.server.cert),
      caFile: pki.trustFile(c.server.trust),
      requireClientCert: c.server.verify === 'on' || c.server.verify === 'off',
      ...(c.server.verify === 'off' ? { purpose: 'any' as const } : {}),
      version: c.version,
      attime,
      reply,
    });
  } else {
    server = await startNodeServer({
      port,
      creds: pki.creds(c.server.cert),
      ca: pki.trustPem(c.server.trust),
      requestCert: true,
      rejectUnauthorized: c.server.verify === 'reject',
      version: c.version,
      reply,
    });
  }
  const relay = await startRelay(port);
  let client: StackOutcome;
  if (c.client.stack === 'node') {
    client = await runNodeClient({
      port: relay.port,
      ...(c.client.cert ? { creds: pki.creds(c.client.cert) } : {}),
      ca: pki.trustPem(c.client.trust),
      version: c.version,
      ...(c.client.servername ? { servername: c.client.servername } : {}),
      request,
      ...(c.keylog ? { keylog: (l: string) => keylog.push(l.trim()) } : {}),
    });
  } else {
    client = await runOpenSslClient({
      port: relay.port,
      ...(c.client.cert ? { creds: pki.creds(c.client.cert) } : {}),
      caFile: pki.trustFile(c.client.trust),
      version: c.version,
      ...(c.client.servername ? { servername: c.client.servername } : {}),
      attime,
      request,
    });
  }
  const trace = await Promise.race([relay.trace, new Promise<Trace>((_, rej) => setTimeout(() => rej(new Error(`${c.id}: relay did not finish`)), 15_000))]);
  relay.close();
  const killer = setTimeout(() => server.kill(), 3000);
  const srv = await server.done;
  clearTimeout(killer);
  return { def: c, trace, client, server: srv, keylog };
}

/** Checks that the stacks did what the scenario says; throws otherwise. */
function checkExpectation(r: ConnResult, msgs: KeyMessage[]): string {
  const e = r.def.expect;
  const alerts = msgs.filter((m) => m.what.startsWith('Alert'));
  const appData = (d: 'c2s' | 's2c') => msgs.some((m) => m.dir === d && m.what.startsWith('Application Data'));
  const enc13 = r.def.version === '1.3';
  if (e.kind === 'complete') {
    if (!appData('c2s') || !appData('s2c')) throw new Error(`${r.def.id}: expected a completed handshake with application data`);
    if (alerts.some((a) => !a.what.includes('close_notify'))) throw new Error(`${r.def.id}: unexpected alert ${alerts[0]?.what}`);
    return 'handshake completed';
  }
  if (e.kind === 'alert') {
    const dir = e.by === 'server' ? 's2c' : 'c2s';
    if (enc13) {
      const said = [...r.client.notes, ...r.server.notes].join('\n');
      if (!said.includes(`alert number ${e.code}`)) throw new Error(`${r.def.id}: TLS 1.3 stacks did not report alert ${e.code}: ${said}`);
      return `fatal alert ${e.code} (encrypted) from the ${e.by}`;
    }
    const a = alerts.find((x) => x.dir === dir && x.what.includes(`fatal ${e.code} `));
    if (!a) throw new Error(`${r.def.id}: expected fatal alert ${e.code} from ${e.by}, saw ${alerts.map((x) => `${x.dir} ${x.what}`).join('; ') || 'none'}`);
    return `fatal alert ${e.code} from the ${e.by} (frame ${a.frame})`;
  }
  const fin = msgs.find((m) => m.dir === 's2c' && m.what === 'TCP FIN');
  if (alerts.some((a) => a.dir === 's2c') || !fin) throw new Error(`${r.def.id}: expected a silent close by the server`);
  if (msgs.some((m) => m.dir === 's2c' && m.what === 'ChangeCipherSpec')) throw new Error(`${r.def.id}: server finished the handshake`);
  return 'server closed with FIN, no alert';
}

interface BundleOutput {
  box: string;
  dir: string;
  pcap: string;
  packets: RenderedPacket[];
  perConn: Map<string, KeyMessage[]>;
}

function renderBundle(s: ScenarioDef, b: BundleDef, results: ConnResult[]): RenderedPacket[] {
  const host = BOX[b.box].host;
  const lists = results
    .filter((r) => (b.conns ? b.conns.includes(r.def.id) : r.def.client.host === host || r.def.server.host === host))
    .map((r) => {
      const capturedAt: Side = r.def.client.host === host ? 'client' : 'server';
      const L = BigInt(Math.round(r.def.latencyMs * 1e6));
      return render({
        connId: r.def.id,
        trace: r.trace,
        client: r.def.client.host,
        server: r.def.server.host,
        clientPort: r.def.client.port,
        serverPort: r.def.server.port,
        start: isoToNs(r.def.start) + (capturedAt === 'server' ? L : 0n),
        capturedAt,
        latencyNs: L,
        seed: `${s.dir}/${b.box}/${r.def.id}`,
      });
    });
  return merge(lists);
}

export function writePcap(file: string, packets: RenderedPacket[], opts: Partial<CaptureOptions> = {}): void {
  const w = CaptureWriter.toFile(file, { format: 'pcap', linktype: LINKTYPE.ETHERNET, ...opts });
  for (const p of packets) w.packet(p.ts, p.frame);
  w.close();
}

function alertDetail(code: number, side: 'verifier' | 'peer'): string {
  const m: Record<number, [string, string]> = {
    43: ['unsupported certificate purpose', 'sslv3 alert unsupported certificate'],
    48: ['unable to get local issuer certificate', 'tlsv1 alert unknown ca'],
  };
  const d = m[code] ?? [`alert ${code}`, `alert ${code}`];
  return side === 'verifier' ? d[0] : d[1];
}

function loggingSnapshot(b: BundleDef, results: ConnResult[], packets: RenderedPacket[]): string {
  const box = BOX[b.box];
  const lines: { ts: bigint; text: string }[] = [];
  const add = (ts: bigint, body: string) => {
    const t = logTimes(ts);
    lines.push({ ts, text: `${t.iso} ${b.box} ${body.replace('{UTC}', t.utc)}` });
  };
  const first = packets[0]?.ts ?? 0n;
  const last = packets[packets.length - 1]?.ts ?? 0n;
  add(first - 2_000_000_000n, `tvcs: Event="Diagnostic Logging Started" Level="1" UTCTime="{UTC}"`);
  for (const r of results) {
    const c = r.def;
    const mine = packets.filter((p) => p.conn === c.id);
    if (mine.length === 0) continue;
    const t0 = mine[0]!.ts;
    const tEnd = mine[mine.length - 1]!.ts;
    const asClient = c.client.host === box.host;
    const ends = `Src-ip="${c.client.host.ip}" Src-port="${c.client.port}" Dst-ip="${c.server.host.ip}" Dst-port="${c.server.port}"`;
    const proto = c.version === '1.3' ? 'TLSv1.3' : 'TLSv1.2';
    if (asClient) add(t0 - 350_000n, `tvcs: UTCTime="{UTC}" Module="network.tcp" Level="DEBUG": ${ends} Detail="TCP Connecting"`);
    const e = c.expect;
    if (e.kind === 'complete') {
      add(tEnd - 20_000_000n, `tvcs: UTCTime="{UTC}" Module="network.tls" Level="DEBUG": ${ends} Detail="TLS handshake completed" Protocol="${proto}"${asClient ? '' : ' bServer="true"'}`);
      if (c.server.port !== 6972 && c.server.port !== 2222) {
        add(tEnd - 15_000_000n, `tvcs: UTCTime="{UTC}" Module="network.sip" Level="DEBUG": Action="${asClient ? 'Sent' : 'Received'}" Local-ip="${box.host.ip}" Local-port="${asClient ? c.client.port : c.server.port}" ${asClient ? 'Dst' : 'Src'}-ip="${asClient ? c.server.host.ip : c.client.host.ip}" ${asClient ? 'Dst' : 'Src'}-port="${asClient ? c.server.port : c.client.port}" Msg-Hash="${(c.client.port * 7919).toString(16)}" SIPMSG: OPTIONS`);
      }
      continue;
    }
    const detail =
      e.kind === 'alert'
        ? alertDetail(e.code, asClient ? 'peer' : 'verifier')
        : asClient
          ? 'unexpected eof while reading'
          : 'peer certificate rejected';
    add(tEnd + 400_000n, `tvcs: Event="${asClient ? 'Outbound' : 'Inbound'} TLS Negotiation Error" Service="${c.server.port === 2222 ? 'SSH' : 'SIP'}" ${ends} Detail="${detail}" Protocol="TLS" Common-name="${asClient ? c.client.servername ?? '' : 'cluster.s.com'}"${asClient ? '' : ' bServer="true"'} Level="1" UTCTime="{UTC}"`);
    if (c.server.port === 2222 && asClient) {
      add(tEnd + 900_000n, `ssh: Detail="ssh: connect to host smartslave.vikdutta.com port 2222: Permission denied" Level="ERROR"`);
    }
    if (c.server.port === 7001 && asClient) {
      add(tEnd + 1_200_000n, `tvcs: Event="Zone Connection Failed" Zone="uczone.MRA Unified Communications traversal" Dst-ip="${c.server.host.ip}" Dst-port="${c.server.port}" Detail="TLS negotiation failure" Level="1" UTCTime="{UTC}"`);
    }
  }
  add(last + 30_000_000_000n, `tvcs: Event="Diagnostic Logging Stopped" Level="1" UTCTime="{UTC}"`);
  return lines
    .sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0))
    .map((l) => l.text)
    .join('\n')
    .concat('\n');
}

function writeBundle(s: ScenarioDef, b: BundleDef, results: ConnResult[], pki: Pki, dir: string): BundleOutput {
  fs.mkdirSync(dir, { recursive: true });
  const box = BOX[b.box];
  const suffix = `${b.box}_${b.ts}`;
  const packets = renderBundle(s, b, results);
  const pcap = path.join(dir, `eth0_diagnostic_logging_tcpdump00_${suffix}.pcap`);
  writePcap(pcap, packets);
  fs.writeFileSync(path.join(dir, `ca_${suffix}.pem`), b.trust.map((id) => pki.get(id).pem).join(''));
  fs.writeFileSync(path.join(dir, `client_${suffix}.pem`), pki.get(b.clientCert).pem);
  fs.writeFileSync(path.join(dir, `server_${suffix}.pem`), pki.get(b.serverCert).pem);
  const cfg: BoxConfig = { host: b.box, role: box.role, ip: box.host.ip, ekuMode: b.ekuMode, domain: box.domain };
  fs.writeFileSync(path.join(dir, `xconf_dump_${suffix}.txt`), xconfText(cfg));
  fs.writeFileSync(path.join(dir, `xconf_dump_${suffix}.xml`), xconfXml(cfg));
  fs.writeFileSync(path.join(dir, `xstat_dump_${suffix}.txt`), xstatText(cfg, 412_233));
  fs.writeFileSync(path.join(dir, `xstat_dump_${suffix}.xml`), xstatXml(cfg, 412_233));
  fs.writeFileSync(path.join(dir, `loggingsnapshot_${suffix}.txt`), loggingSnapshot(b, results, packets));
  const perConn = new Map<string, KeyMessage[]>();
  for (const r of results) {
    if (packets.some((p) => p.conn === r.def.id)) perConn.set(r.def.id, keyMessages(packets, r.def.id));
  }
  return { box: b.box, dir, pcap, packets, perConn };
}

function certLine(c: MintedCert): string {
  return `serial \`${c.spec.serialHex}\`, \`${dnToString(c.spec.subject)}\`, issuer \`${dnToString(c.chain[0]?.spec.subject ?? c.spec.subject)}\`, EKU ${c.spec.eku?.join(' + ') ?? 'none'}, ${c.spec.notBefore.slice(0, 10)} → ${c.spec.notAfter.slice(0, 10)}`;
}

function scenarioReadme(s: ScenarioDef, outs: BundleOutput[], results: ConnResult[], verdicts: Map<string, string>, pki: Pki, scenarioDir: string): string {
  const parts: string[] = [`# ${s.dir}: ${s.title}`, '', s.readme, '', '## Certificates in the bundle(s)', ''];
  for (const b of s.bundles) {
    parts.push(`- ${b.box} client store: ${certLine(pki.get(b.clientCert))}`);
    parts.push(`- ${b.box} server store: ${certLine(pki.get(b.serverCert))}`);
    parts.push(`- ${b.box} EKU checking mode (xconf): ${b.ekuMode}; trusted CA list: ${b.trust.map((t) => `\`${dnToString(pki.get(t).spec.subject)}\``).join(', ')}`);
  }
  parts.push('', '## Connections', '');
  for (const r of results) {
    const c = r.def;
    parts.push(
      `- **${c.id}** ${c.label}: ${c.client.host.ip}:${c.client.port} → ${c.server.host.ip}:${c.server.port}, TLS ${c.version}; ` +
        `client = ${c.client.stack === 'node' ? 'Node tls.connect' : 'openssl s_client'}${c.client.cert ? ` presenting ${pki.get(c.client.cert).spec.serialHex}` : ''}; ` +
        `server = ${r.server.stack} presenting ${pki.get(c.server.cert).spec.serialHex}. Outcome: ${verdicts.get(c.id)}.`,
    );
  }
  for (const o of outs) {
    const rel = path.relative(scenarioDir, o.pcap);
    parts.push('', `## Key frames in \`${rel}\` (${o.packets.length} frames, captured on ${o.box})`, '');
    for (const [id, msgs] of o.perConn) {
      const c = results.find((r) => r.def.id === id)!.def;
      parts.push(`Connection ${id} (${c.client.host.ip}:${c.client.port} → ${c.server.host.ip}:${c.server.port}):`, '');
      parts.push('| frame | from | message |', '|---|---|---|');
      for (const m of msgs) {
        const from = m.dir === 'c2s' ? c.client.host.ip : c.server.host.ip;
        parts.push(`| ${m.frame} | ${from} | ${m.what} |`);
      }
      parts.push('');
    }
  }
  parts.push(
    '## How it was made',
    '',
    'Generated by `npm run captures` (scripts/captures/). Certificates are minted with pkijs; each connection is a real TLS handshake between the stacks named above on loopback, recorded by a relay; the generator wrote only the Ethernet/IPv4/TCP framing, the addresses and the timestamps (a seeded model of the link latency and processing delays, so re-running it gives the same times and sequence numbers; keys, signatures and TLS randoms change). OpenSSL verifiers run with `-attime` set to the capture date. No private key is in this folder.',
    '',
  );
  return parts.join('\n');
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const selected = only.length ? SCENARIOS.filter((s) => only.some((p) => s.dir.startsWith(p))) : SCENARIOS;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ekuscope-captures-'));
  const summary: string[] = [];
  try {
    const t0 = Date.now();
    const pki = await Pki.create(tmp);
    console.log(`minted ${pki.certs.size} certificates in ${Date.now() - t0} ms`);
    fs.mkdirSync(OUT, { recursive: true });
    for (const s of selected) {
      const results: ConnResult[] = [];
      for (const c of s.connections) {
        const r = await runConnection(c, pki);
        results.push(r);
        console.log(`  ${s.dir}/${c.id}: ${r.trace.events.length} relay events; client: ${r.client.notes.join(' | ').slice(0, 200)}`);
      }
      const scenarioDir = path.join(OUT, s.dir);
      fs.rmSync(scenarioDir, { recursive: true, force: true });
      fs.mkdirSync(scenarioDir, { recursive: true });
      const outs = s.bundles.map((b) => writeBundle(s, b, results, pki, s.bundles.length > 1 ? path.join(scenarioDir, b.box) : scenarioDir));
      const verdicts = new Map<string, string>();
      for (const r of results) {
        const o = outs.find((x) => x.perConn.has(r.def.id));
        if (!o) throw new Error(`${r.def.id}: in no bundle`);
        verdicts.set(r.def.id, checkExpectation(r, o.perConn.get(r.def.id)!));
      }
      if (s.keylogFile) {
        const lines = results.flatMap((r) => r.keylog);
        if (lines.length === 0) throw new Error(`${s.dir}: no key log lines`);
        fs.writeFileSync(path.join(scenarioDir, 'sslkeylog.txt'), `${lines.join('\n')}\n`);
      }
      fs.writeFileSync(path.join(scenarioDir, 'README.md'), scenarioReadme(s, outs, results, verdicts, pki, scenarioDir));
      summary.push(`${s.dir}: ${[...verdicts].map(([k, v]) => `${k} ${v}`).join('; ')}`);
      console.log(`${s.dir}: ${[...verdicts.values()].join('; ')}`);
      if (s.dir.startsWith('01')) {
        const r = results[0]!;
        writeVariants(path.join(OUT, 'variants'), r, s, HOSTS);
        console.log('variants written');
      }
    }
    writeIndex();
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(summary.join('\n'));
}

function writeIndex(): void {
  const rows = SCENARIOS.map((s) => `| [${s.dir}](${s.dir}/README.md) | ${s.shows} | ${s.conclusion} |`);
  const text = `# Captures

Every scenario of the Cisco document "Navigate Client EKU Sunset with Expressway x15.5" (and a few the
document implies), reproduced with real TLS stacks and laid out as Expressway diagnostic bundles. Each
folder has a README with what happens, which stack played which side, the key frame numbers, and what
ekuscope should conclude. Regenerate with \`npm run captures\` (see scripts/captures/).

Hosts: Expressway-C \`vcs8c\` 10.106.80.16, Expressway-E \`smartslave\` 10.106.80.31, Webex 163.129.37.33,
x8.11.4 neighbor 10.106.80.15, CUCM 10.106.80.38; fictitious remote B2B peers 203.0.113.45 and
198.51.100.77.

| folder | what it shows | expected conclusion |
|---|---|---|
${rows.join('\n')}
| [variants](variants/README.md) | Scenario 01 in other container and link formats: pcapng, Linux SLL2, gzip, nanosecond, big-endian, IPv6, 802.1Q VLAN, retransmission + out-of-order, cut short | Same conclusion as 01 (except the cut-short copy: capture ends inside the client Certificate) |

No file here contains a private key. \`12-tls13-uc-traversal-keylog/sslkeylog.txt\` and \`13-store-rule-other-store/sslkeylog.txt\` hold TLS session
secrets for their captures (not part of an Expressway bundle).
`;
  fs.writeFileSync(path.join(OUT, 'README.md'), text);
}

export type { Link };

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
