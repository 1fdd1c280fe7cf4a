/**
 * Robustness variants of scenario 01: the same recorded handshake written in other container formats,
 * link types, address families, with TCP anomalies, and cut short. Readers must give the same
 * conclusion on all of them (except the cut-short one, which ends inside the client Certificate).
 */
import fs from 'node:fs';
import path from 'node:path';
import { CaptureWriter, LINKTYPE, mac, type CaptureOptions, type Dir, type Link } from '../lib/pcap/index.js';
import { render, type HostDef, type RenderedPacket } from './render.js';
import type { ConnResult, ScenarioDef } from './model.js';
import { keyMessages } from './tlsinfo.js';

interface VariantInfo {
  file: string;
  what: string;
  expect: string;
}

export function writeVariants(dir: string, r: ConnResult, s: ScenarioDef, hosts: Record<string, HostDef>): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const c = r.def;
  const base = (opts: { link?: (d: Dir) => Link; ipv6?: boolean } = {}): RenderedPacket[] =>
    render({
      connId: c.id,
      trace: r.trace,
      client: c.client.host,
      server: c.server.host,
      clientPort: c.client.port,
      serverPort: c.server.port,
      start: BigInt(Date.parse(c.start)) * 1_000_000n,
      capturedAt: 'client',
      latencyNs: BigInt(Math.round(c.latencyMs * 1e6)),
      seed: `${s.dir}/variants/${c.id}`,
      ...opts,
    });
  const stem = '01-webex-client-cert';
  const infos: VariantInfo[] = [];
  const write = (file: string, packets: RenderedPacket[], opts: Partial<CaptureOptions>, what: string, expect = 'as 01') => {
    const w = CaptureWriter.toFile(path.join(dir, file), { format: 'pcap', linktype: LINKTYPE.ETHERNET, ...opts });
    for (const p of packets) w.packet(p.ts, p.frame);
    w.close();
    infos.push({ file, what, expect });
  };
  const plain = base();
  // Sub-microsecond parts so that nanosecond resolution is visible (deterministic).
  const withNs = plain.map((p, i) => ({ ...p, ts: p.ts + BigInt((i * 337) % 1000) }));

  write(`${stem}.pcapng`, withNs, { format: 'pcapng', nanosecond: true, interfaceName: 'eth0', interfaceDescription: 'smartslave eth0 (10.106.80.31)', application: 'ekuscope capture generator', os: 'Linux' },
    'pcapng: section header, one interface description block (if_name eth0, if_description, if_tsresol 9 = nanoseconds), enhanced packet blocks');
  const sll = base({
    link: (d) => ({ kind: 'sll2', ifindex: 2, packetType: d === 'c2s' ? 4 : 0, src: mac(d === 'c2s' ? hosts.smartslave!.mac : hosts.webex!.mac) }),
  });
  write(`${stem}-sll2.pcap`, sll, { linktype: LINKTYPE.LINUX_SLL2 }, 'Linux cooked capture v2 (LINKTYPE_LINUX_SLL2 276), as `tcpdump -i any` writes: ifindex 2, outgoing/host packet types');
  write(`${stem}.pcap.gz`, plain, { gzip: true }, 'gzip-compressed classic pcap');
  write(`${stem}-nsec.pcap`, withNs, { nanosecond: true }, 'classic pcap with the nanosecond magic 0xa1b23c4d');
  write(`${stem}-bigendian.pcap`, plain, { bigEndian: true }, 'classic pcap written big-endian (magic bytes a1 b2 c3 d4 on disk)');
  write(`${stem}-ipv6.pcap`, base({ ipv6: true }), {}, 'IPv6: 2001:db8:106:80::31 → 2001:db8:163:129::33 (documentation prefix), same ports; MSS 1440');
  const vlan = base({
    link: (d) => ({ kind: 'ethernet', src: mac(d === 'c2s' ? hosts.smartslave!.mac : hosts.webex!.mac), dst: mac(d === 'c2s' ? hosts.webex!.mac : hosts.smartslave!.mac), vlan: 106 }),
  });
  write(`${stem}-vlan106.pcap`, vlan, {}, '802.1Q tag, VLAN 106, on every frame');

  // Retransmission and out-of-order.
  const ro = base();
  const msgs = keyMessages(ro, c.id);
  const s2cData = ro.map((p, i) => ({ p, i })).filter(({ p }) => p.meta.dir === 's2c' && p.meta.payloadLength > 0);
  // The second and third segments of the server's first flight (inside its Certificate): swap them.
  const a = s2cData[1]!;
  const b = s2cData[2]!;
  if (b.i !== a.i + 1) throw new Error('variants: expected adjacent server segments');
  const tA = a.p.ts;
  ro[a.i] = { ...b.p, ts: tA };
  ro[b.i] = { ...a.p, ts: b.p.ts };
  // The last segment of the client's Certificate flight, sent again 10 ms later (before the ACK).
  const clientCertFrame = msgs.find((m) => m.dir === 'c2s' && m.what === 'Certificate')!.frame;
  let lastOfFlight = clientCertFrame - 1;
  while (ro[lastOfFlight + 1] && ro[lastOfFlight + 1]!.meta.dir === 'c2s' && ro[lastOfFlight + 1]!.meta.payloadLength > 0) lastOfFlight++;
  const orig = ro[lastOfFlight]!;
  const retrans = { ...orig, ts: orig.ts + 10_000_000n };
  const roOut = [...ro];
  let insertAt = roOut.findIndex((p) => p.ts > retrans.ts);
  if (insertAt < 0) insertAt = roOut.length;
  roOut.splice(insertAt, 0, retrans);
  write(`${stem}-retrans-ooo.pcap`, roOut, {},
    `out-of-order: two segments of Webex's Certificate flight swapped (frames ${a.i + 1} and ${b.i + 1}); retransmission: the last segment of the client flight sent again 10 ms later (frame ${insertAt + 1})`,
    'as 01; tshark flags tcp.analysis.out_of_order (and lost_segment before it) and tcp.analysis.retransmission');

  // Cut short inside the client Certificate: all frames up to the first segment of the client
  // Certificate flight, then half of the next record.
  const firstCertSeg = plain.findIndex((p, i) => i > 0 && p.meta.dir === 'c2s' && p.meta.payloadLength > 0 && p.meta.streamOffset > 0);
  const whole = CaptureWriter.toMemory({ format: 'pcap', linktype: LINKTYPE.ETHERNET });
  for (const p of plain.slice(0, firstCertSeg + 1)) whole.packet(p.ts, p.frame);
  whole.close();
  const next = plain[firstCertSeg + 1]!;
  const rec = CaptureWriter.toMemory({ format: 'pcap', linktype: LINKTYPE.ETHERNET });
  rec.packet(next.ts, next.frame);
  rec.close();
  const recBytes = rec.bytes().subarray(24);
  const cut = Buffer.concat([whole.bytes(), recBytes.subarray(0, 16 + Math.floor(next.frame.length / 2))]);
  fs.writeFileSync(path.join(dir, `${stem}-cut.pcap`), cut);
  infos.push({
    file: `${stem}-cut.pcap`,
    what: `file cut short: ${firstCertSeg + 1} complete frames (the last one carries the start of the client Certificate), then frame ${firstCertSeg + 2}'s record header and only half of its bytes`,
    expect: 'a truncated capture: ClientHello … CertificateRequest readable; the client Certificate is incomplete (say so, do not guess the serial); no outcome',
  });

  const lines = infos.map((i) => `| \`${i.file}\` | ${i.what} | ${i.expect} |`);
  fs.writeFileSync(
    path.join(dir, 'README.md'),
    `# Variants of 01-webex-client-cert

The handshake of [01-webex-client-cert](../01-webex-client-cert/README.md) (Expressway-E 10.106.80.31:25002 →
Webex 163.129.37.33:5061, TLS 1.2, client certificate serial \`2f0000004c869c77c8981becde00000000004c\`),
from the same recorded bytes, re-rendered in other formats. Apart from the noted differences, each
file should give the same report as 01: Expressway-E client, client store, clientAuth needed and present,
handshake completed. These are plain capture files, not diagnostic bundles.

| file | what differs | expected |
|---|---|---|
${lines.join('\n')}
`,
  );
}
