/**
 * Each committed capture keeps its scenario's promise (SCENARIOS.md), checked with tshark and with
 * node:crypto's X509Certificate on the bundle PEM files.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { SCENARIOS } from '../../scripts/captures/scenarios.js';
import { describeWith } from '../helpers/tools.js';
import { dissect, type Row } from './tshark.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'captures');

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

function bundleDir(dir: string, box: string, many: boolean): string {
  return many ? path.join(ROOT, dir, box) : path.join(ROOT, dir);
}

function pcapOf(dir: string, box: string, many = true): string {
  const d = bundleDir(dir, box, many);
  const f = fs.readdirSync(d).find((n) => n.startsWith('eth0_diagnostic_logging_tcpdump00_') && n.endsWith('.pcap'));
  if (!f) throw new Error(`no pcap in ${d}`);
  return path.join(d, f);
}

function pemSerial(dir: string, box: string, kind: 'client' | 'server' | 'ca', many = true): string {
  const d = bundleDir(dir, box, many);
  const f = fs.readdirSync(d).find((n) => n.startsWith(`${kind}_`) && n.endsWith('.pem'))!;
  return new X509Certificate(fs.readFileSync(path.join(d, f))).serialNumber.toLowerCase();
}

const norm = (s: string) => s.replace(/:/g, '').toLowerCase();

/** Frames of a TLS handshake message type sent by `src`. */
const hs = (rows: Row[], src: string, type: number) => rows.filter((r) => r.src === src && r.hsTypes.includes(type));
const alerts = (rows: Row[]) => rows.filter((r) => r.alertDesc.length > 0);
const appData = (rows: Row[], src: string) => rows.filter((r) => r.src === src && r.contentTypes.includes(23));

describe('capture folders', () => {
  it('has a README index and a README per scenario', () => {
    const index = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    for (const s of SCENARIOS) {
      expect(index).toContain(s.dir);
      expect(fs.existsSync(path.join(ROOT, s.dir, 'README.md')), s.dir).toBe(true);
    }
    expect(fs.existsSync(path.join(ROOT, 'variants', 'README.md'))).toBe(true);
  });

  it.each(SCENARIOS.map((s) => [s.dir, s] as const))('%s is laid out as Expressway diagnostic bundle(s)', (_d, s) => {
    for (const b of s.bundles) {
      const d = bundleDir(s.dir, b.box, s.bundles.length > 1);
      const sfx = `${b.box}_${b.ts}`;
      const expected = [
        `ca_${sfx}.pem`,
        `client_${sfx}.pem`,
        `server_${sfx}.pem`,
        `eth0_diagnostic_logging_tcpdump00_${sfx}.pcap`,
        `loggingsnapshot_${sfx}.txt`,
        `xconf_dump_${sfx}.txt`,
        `xconf_dump_${sfx}.xml`,
        `xstat_dump_${sfx}.txt`,
        `xstat_dump_${sfx}.xml`,
      ];
      for (const f of expected) expect(fs.existsSync(path.join(d, f)), `${d}/${f}`).toBe(true);
      const xconf = fs.readFileSync(path.join(d, `xconf_dump_${sfx}.txt`), 'utf8');
      expect(xconf).toContain(`*c xConfiguration SIP TLS Certificate ExtendedKeyUsage Checking Mode: "${b.ekuMode}"`);
      expect(xconf).toContain(`*c xConfiguration SystemUnit Name: "${b.box}"`);
      expect(xconf).toMatch(/\*c xConfiguration Ethernet 1 IP V4 Address: "10\.106\.80\.(16|31)"/);
      const ca = fs.readFileSync(path.join(d, `ca_${sfx}.pem`), 'utf8');
      expect(ca.match(/BEGIN CERTIFICATE/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
    }
  });

  it('contains no private key anywhere', () => {
    for (const f of walk(ROOT)) {
      const bytes = fs.readFileSync(f);
      expect(bytes.includes('PRIVATE KEY'), f).toBe(false);
    }
  });

  it('logs a TLS negotiation error on every box that failed', () => {
    const log = (dir: string, box: string) => {
      const d = bundleDir(dir, box, true);
      return fs.readFileSync(path.join(d, fs.readdirSync(d).find((n) => n.startsWith('loggingsnapshot_'))!), 'utf8');
    };
    expect(log('05-uc-traversal-eku-on-failed', 'smartslave')).toContain('Event="Inbound TLS Negotiation Error"');
    expect(log('05-uc-traversal-eku-on-failed', 'vcs8c')).toContain('Event="Outbound TLS Negotiation Error"');
  });

  it('scenario 04 holds the same certificate in both stores; 01 does not', () => {
    expect(pemSerial('04-upgrade-same-cert', 'vcs8c', 'client', false)).toBe('46df76aa0000000029');
    expect(pemSerial('04-upgrade-same-cert', 'vcs8c', 'server', false)).toBe('46df76aa0000000029');
    expect(pemSerial('01-webex-client-cert', 'smartslave', 'client', false)).toBe('2f0000004c869c77c8981becde00000000004c');
    expect(pemSerial('01-webex-client-cert', 'smartslave', 'server', false)).not.toBe('2f0000004c869c77c8981becde00000000004c');
  });
});

describeWith(['tshark'], 'captures against tshark', () => {
  const all = walk(ROOT).filter((f) => /\.(pcap|pcapng|pcap\.gz)$/.test(f));

  it.each(all.map((f) => [path.relative(ROOT, f)]))('%s parses cleanly with valid checksums', (rel) => {
    const cut = rel.endsWith('-cut.pcap');
    const { rows, stderr, status } = dissect(path.join(ROOT, rel));
    expect(rows.length).toBeGreaterThan(cut ? 5 : 10);
    if (cut) {
      expect(stderr).toMatch(/cut short in the middle of a packet/);
    } else {
      expect(status, stderr).toBe(0);
    }
    expect(rows.filter((r) => r.malformed).map((r) => r.frame)).toEqual([]);
    expect(rows.filter((r) => r.tcpChecksumBad || r.ipChecksumBad).map((r) => r.frame)).toEqual([]);
    if (!rel.includes('retrans-ooo')) {
      expect(rows.filter((r) => r.lost || r.retrans || r.ooo).map((r) => r.frame)).toEqual([]);
    }
  });

  it('01: Expressway-E sends client Certificate 2f00…004c after Webex’s CertificateRequest; completes', () => {
    const { rows } = dissect(pcapOf('01-webex-client-cert', 'smartslave', false));
    const ch = hs(rows, '10.106.80.31', 1);
    const cr = hs(rows, '163.129.37.33', 13);
    const cert = hs(rows, '10.106.80.31', 11);
    expect(ch).toHaveLength(1);
    expect(ch[0]!.srcPort).toBe(25002);
    expect(ch[0]!.dstPort).toBe(5061);
    expect(cr).toHaveLength(1);
    expect(cert).toHaveLength(1);
    expect(cert[0]!.frame).toBeGreaterThan(cr[0]!.frame);
    // The leaf comes first; OpenSSL's s_client may append the issuing CA it found in its store.
    expect(cert[0]!.serials.map(norm)[0]).toBe('2f0000004c869c77c8981becde00000000004c');
    expect(pemSerial('01-webex-client-cert', 'smartslave', 'client', false)).toBe(norm(cert[0]!.serials[0]!));
    expect(alerts(rows)).toEqual([]);
    expect(appData(rows, '10.106.80.31').length).toBeGreaterThan(0);
    expect(appData(rows, '163.129.37.33').length).toBeGreaterThan(0);
  });

  it('02: x15.5 presents server-store certificate 46df76aa0000000029, requests and gets the neighbor’s', () => {
    const { rows } = dissect(pcapOf('02-neighbor-zone-server', 'vcs8c', false));
    const ch = hs(rows, '10.106.80.15', 1);
    expect(ch[0]!.srcPort).toBe(29457);
    const srvCert = hs(rows, '10.106.80.16', 11);
    expect(srvCert[0]!.serials.map(norm)[0]).toBe('46df76aa0000000029');
    expect(pemSerial('02-neighbor-zone-server', 'vcs8c', 'server', false)).toBe('46df76aa0000000029');
    expect(hs(rows, '10.106.80.16', 13)).toHaveLength(1);
    expect(hs(rows, '10.106.80.15', 11)).toHaveLength(1);
    expect(appData(rows, '10.106.80.16').length).toBeGreaterThan(0);
  });

  it.each([['03-cucm-tftp-6972'], ['04-upgrade-same-cert']])('%s: vcs8c presents client store 46df76aa0000000029 to CUCM 6972', (dir) => {
    const { rows } = dissect(pcapOf(dir, 'vcs8c', false));
    const cert = hs(rows, '10.106.80.16', 11).filter((r) => r.dstPort === 6972);
    expect(cert).toHaveLength(1);
    expect(norm(cert[0]!.serials[0]!)).toBe('46df76aa0000000029');
    expect(pemSerial(dir, 'vcs8c', 'client', false)).toBe('46df76aa0000000029');
    expect(alerts(rows)).toEqual([]);
  });

  it('03b: TLS 1.3, no certificate visible without keys, handshake completes', () => {
    const { rows } = dissect(pcapOf('03b-cucm-tftp-6972-tls13', 'vcs8c', false));
    expect(hs(rows, '10.106.80.16', 1)).toHaveLength(1);
    expect(hs(rows, '10.106.80.38', 2)).toHaveLength(1);
    expect(rows.filter((r) => r.hsTypes.includes(11))).toEqual([]);
    expect(appData(rows, '10.106.80.38').length).toBeGreaterThan(2);
  });

  it.each([['vcs8c'], ['smartslave']])('05 (%s): fatal alert 43 from 10.106.80.31 after the client Certificate from 10.106.80.16', (box) => {
    const { rows } = dissect(pcapOf('05-uc-traversal-eku-on-failed', box));
    const cert = hs(rows, '10.106.80.16', 11);
    expect(cert).toHaveLength(1);
    expect(cert[0]!.dstPort).toBe(7001);
    expect(cert[0]!.srcPort).toBeGreaterThanOrEqual(25000);
    expect(cert[0]!.srcPort).toBeLessThanOrEqual(29999);
    expect(norm(cert[0]!.serials[0]!)).toBe(pemSerial('05-uc-traversal-eku-on-failed', 'vcs8c', 'client'));
    const a = alerts(rows);
    expect(a).toHaveLength(1);
    expect(a[0]!.src).toBe('10.106.80.31');
    expect(a[0]!.alertLevel).toEqual([2]);
    expect(a[0]!.alertDesc).toEqual([43]);
    expect(a[0]!.frame).toBeGreaterThan(cert[0]!.frame);
  });

  it('06: 7001 completes with checking Off, 2222 from an SSH-tunnel source port gets alert 43', () => {
    const { rows } = dissect(pcapOf('06-uc-traversal-eku-off-ssh-fails', 'smartslave'));
    const uc = rows.filter((r) => r.srcPort === 7001 || r.dstPort === 7001);
    const ssh = rows.filter((r) => r.srcPort === 2222 || r.dstPort === 2222);
    expect(alerts(uc)).toEqual([]);
    expect(appData(uc, '10.106.80.31').length).toBeGreaterThan(0);
    const a = alerts(ssh);
    expect(a.map((r) => [r.src, r.alertDesc[0]])).toEqual([['10.106.80.31', 43]]);
    const sport = ssh.find((r) => r.src === '10.106.80.16')!.srcPort;
    expect(sport).toBeGreaterThanOrEqual(30000);
    expect(sport).toBeLessThanOrEqual(35999);
    const xconf = fs.readdirSync(path.join(ROOT, '06-uc-traversal-eku-off-ssh-fails', 'smartslave')).find((n) => n.startsWith('xconf_dump_') && n.endsWith('.txt'))!;
    expect(fs.readFileSync(path.join(ROOT, '06-uc-traversal-eku-off-ssh-fails', 'smartslave', xconf), 'utf8')).toContain('Checking Mode: "Off"');
  });

  it('07: 7001 and 2222 both complete with the CA1 clientAuth certificate', () => {
    const { rows } = dissect(pcapOf('07-condition-2-1-success', 'vcs8c'));
    expect(alerts(rows)).toEqual([]);
    const certs = hs(rows, '10.106.80.16', 11);
    expect(certs.map((r) => r.dstPort).sort()).toEqual([2222, 7001]);
    for (const c of certs) expect(norm(c.serials[0]!)).toBe(pemSerial('07-condition-2-1-success', 'vcs8c', 'client'));
    expect(appData(rows, '10.106.80.31').length).toBeGreaterThanOrEqual(2);
  });

  it('08: the remote answers unknown_ca (48)', () => {
    const { rows } = dissect(pcapOf('08-all-private-ca-unknown-ca', 'smartslave', false));
    expect(alerts(rows).map((r) => [r.src, r.alertDesc[0]])).toEqual([['203.0.113.45', 48]]);
    expect(norm(hs(rows, '10.106.80.31', 11)[0]!.serials[0]!)).toBe('2f0000004c869c77c8981becde00000000004c');
  });

  it('09: the checking remote answers 43, the other completes', () => {
    const { rows } = dissect(pcapOf('09-edge-public-client-cert', 'smartslave', false));
    expect(alerts(rows).map((r) => [r.src, r.alertDesc[0]])).toEqual([['203.0.113.45', 43]]);
    expect(appData(rows, '198.51.100.77').length).toBeGreaterThan(0);
    const serial = pemSerial('09-edge-public-client-cert', 'smartslave', 'client', false);
    expect(serial).toBe(pemSerial('09-edge-public-client-cert', 'smartslave', 'server', false));
    for (const c of hs(rows, '10.106.80.31', 11)) expect(norm(c.serials[0]!)).toBe(serial);
  });

  it('10: leaf plus serverAuth-only intermediate, alert 43', () => {
    const { rows } = dissect(pcapOf('10-eku-chaining', 'smartslave'));
    const cert = hs(rows, '10.106.80.16', 11)[0]!;
    expect(cert.serials).toHaveLength(2);
    expect(norm(cert.serials[0]!)).toBe(pemSerial('10-eku-chaining', 'vcs8c', 'client'));
    expect(alerts(rows).map((r) => [r.src, r.alertDesc[0]])).toEqual([['10.106.80.31', 43]]);
  });

  it('11: no alert from the server, FIN from 10.106.80.31 after the client Finished, no server ChangeCipherSpec', () => {
    const { rows } = dissect(pcapOf('11-silent-close', 'vcs8c', false));
    expect(rows.filter((r) => r.src === '10.106.80.31' && r.contentTypes.length > 0 && !r.hsTypes.length)).toEqual([]);
    expect(rows.filter((r) => r.src === '10.106.80.31' && r.contentTypes.includes(20))).toEqual([]);
    const clientCcs = rows.find((r) => r.src === '10.106.80.16' && r.contentTypes.includes(20))!;
    const fin = rows.find((r) => r.src === '10.106.80.31' && r.fin)!;
    expect(fin.frame).toBeGreaterThan(clientCcs.frame);
    expect(rows.some((r) => r.rst)).toBe(false);
  });

  it('12: TLS 1.3, alert hidden without keys, alert 43 and the client certificate visible with sslkeylog.txt', () => {
    const file = pcapOf('12-tls13-uc-traversal-keylog', 'smartslave');
    const plain = dissect(file).rows;
    expect(plain.filter((r) => r.hsTypes.includes(11))).toEqual([]);
    expect(alerts(plain)).toEqual([]);
    const keylog = path.join(ROOT, '12-tls13-uc-traversal-keylog', 'sslkeylog.txt');
    const text = fs.readFileSync(keylog, 'utf8');
    expect(text).toMatch(/^CLIENT_HANDSHAKE_TRAFFIC_SECRET [0-9a-f]{64} [0-9a-f]+$/m);
    expect(text).toMatch(/^SERVER_TRAFFIC_SECRET_0 /m);
    const dec = dissect(file, ['-o', `tls.keylog_file:${keylog}`]).rows;
    const cert = hs(dec, '10.106.80.16', 11);
    expect(cert).toHaveLength(1);
    expect(norm(cert[0]!.serials[0]!)).toBe(pemSerial('12-tls13-uc-traversal-keylog', 'vcs8c', 'client'));
    expect(alerts(dec).map((r) => [r.src, r.alertDesc[0]])).toEqual([['10.106.80.31', 43]]);
  });

  describe('variants of 01', () => {
    const V = path.join(ROOT, 'variants');
    const serialOf = (rows: Row[]) => rows.find((r) => (r.src === '10.106.80.31' || r.src.startsWith('2001:db8:106:80')) && r.hsTypes.includes(11))?.serials.map(norm)[0];
    it.each([
      ['01-webex-client-cert.pcapng'],
      ['01-webex-client-cert-sll2.pcap'],
      ['01-webex-client-cert.pcap.gz'],
      ['01-webex-client-cert-nsec.pcap'],
      ['01-webex-client-cert-bigendian.pcap'],
      ['01-webex-client-cert-ipv6.pcap'],
      ['01-webex-client-cert-vlan106.pcap'],
      ['01-webex-client-cert-retrans-ooo.pcap'],
    ])('%s still shows client Certificate 2f00…004c', (f) => {
      const { rows } = dissect(path.join(V, f));
      expect(serialOf(rows)).toBe('2f0000004c869c77c8981becde00000000004c');
    });
    it('VLAN tag, IPv6, retransmission and out-of-order are really there', () => {
      expect(dissect(path.join(V, '01-webex-client-cert-vlan106.pcap')).rows.every((r) => r.vlan === '106')).toBe(true);
      expect(dissect(path.join(V, '01-webex-client-cert-ipv6.pcap')).rows[0]!.src).toMatch(/^2001:db8:106:80:/);
      const ro = dissect(path.join(V, '01-webex-client-cert-retrans-ooo.pcap')).rows;
      expect(ro.some((r) => r.retrans)).toBe(true);
      expect(ro.some((r) => r.ooo)).toBe(true);
    });
    it('the cut copy ends inside the client Certificate', () => {
      const { rows } = dissect(path.join(V, '01-webex-client-cert-cut.pcap'));
      expect(rows.some((r) => r.src === '163.129.37.33' && r.hsTypes.includes(13))).toBe(true);
      expect(serialOf(rows)).toBeUndefined();
    });
  });
});
