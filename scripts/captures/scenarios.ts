/**
 * The scenarios of SCENARIOS.md as data: who connects to whom, with which TLS stack, certificate,
 * trust list and verification policy, and what the stacks are expected to do.
 */
import type { HostDef } from './render.js';
import type { BundleDef, ConnDef, ScenarioDef } from './model.js';

const GW_MAC = '00:08:e3:ff:fd:90';

export const HOSTS = {
  vcs8c: { name: 'vcs8c (Expressway-C x15.5)', ip: '10.106.80.16', ip6: '2001:db8:106:80::16', mac: '00:50:56:a2:4c:16', ttl: 64, mss: 1460 },
  smartslave: { name: 'smartslave (Expressway-E x15.5)', ip: '10.106.80.31', ip6: '2001:db8:106:80::31', mac: '00:50:56:a2:4c:31', ttl: 64, mss: 1460 },
  webex: { name: 'Webex SIP edge', ip: '163.129.37.33', ip6: '2001:db8:163:129::33', mac: GW_MAC, ttl: 52, mss: 1460 },
  x8: { name: 'Expressway x8.11.4 neighbor', ip: '10.106.80.15', mac: '00:50:56:a2:4c:15', ttl: 64, mss: 1460 },
  cucm: { name: 'CUCM', ip: '10.106.80.38', mac: '00:50:56:a2:4c:38', ttl: 64, mss: 1460 },
  remoteA: { name: 'remote B2B peer that checks clientAuth', ip: '203.0.113.45', mac: GW_MAC, ttl: 55, mss: 1460 },
  remoteB: { name: 'remote B2B peer with the clientAuth check disabled', ip: '198.51.100.77', mac: GW_MAC, ttl: 57, mss: 1460 },
  vcs8cPeer2: { name: 'vcs8c cluster peer 2 (still x15.4)', ip: '10.106.80.17', mac: '00:50:56:a2:4c:17', ttl: 64, mss: 1460 },
} satisfies Record<string, HostDef>;

/** The trusted CA list both Expressways carry (CA1 of both sides, CA2 root and intermediate). */
const EXPRESSWAY_TRUST = ['ca1-core', 'ca1-edge', 'ca2-root', 'ca2-int'];

const bundle = (b: BundleDef): BundleDef => b;

function ucTraversal(id: string, start: string, clientCert: string, verify: 'on' | 'off', expect: ConnDef['expect'], port: number, sport: number, version: '1.2' | '1.3' = '1.2', host: HostDef = HOSTS.vcs8c): ConnDef {
  return {
    id,
    label: port === 7001 ? 'UC traversal zone, SIP over TLS (Expressway-C → Expressway-E:7001)' : 'SSH tunnel transport (Expressway-C → Expressway-E:2222)',
    client: { host, port: sport, stack: 'node', cert: clientCert, trust: EXPRESSWAY_TRUST, servername: 'smartslave.vikdutta.com' },
    server: { host: HOSTS.smartslave, port, stack: 'openssl', cert: 'edge-server-ca2', trust: EXPRESSWAY_TRUST, verify },
    version,
    start,
    latencyMs: 0.25,
    expect,
  };
}

export const SCENARIOS: ScenarioDef[] = [
  {
    dir: '01-webex-client-cert',
    title: 'Expressway-E as TLS client to Webex (mutual TLS, client store)',
    shows: 'Expressway-E 10.106.80.31:25002 → Webex 163.129.37.33:5061, TLS 1.2; Webex requests a certificate; Expressway-E sends its client-store certificate 2f00…004c',
    conclusion: 'Expressway-E is the TLS client, presents the client store (serial 2f0000004c869c77c8981becde00000000004c, serverAuth+clientAuth); clientAuth needed and present; handshake completes',
    connections: [
      {
        id: 'webex',
        label: 'SIP over TLS to Webex (Expressway-E → Webex:5061)',
        client: { host: HOSTS.smartslave, port: 25002, stack: 'openssl', cert: 'edge-client-ca1', trust: EXPRESSWAY_TRUST, servername: 'l2sip-cfa-01.wbx2.example' },
        server: { host: HOSTS.webex, port: 5061, stack: 'node', cert: 'webex-server', trust: ['ca1-edge', 'ca2-root'], verify: 'reject' },
        version: '1.2',
        start: '2026-03-24T11:54:26.106Z',
        latencyMs: 9,
        expect: { kind: 'complete' },
      },
    ],
    bundles: [bundle({ box: 'smartslave', ts: '2026-03-24_11_55_47', clientCert: 'edge-client-ca1', serverCert: 'edge-server-ca2', trust: EXPRESSWAY_TRUST, ekuMode: 'On' })],
    readme: `Expressway-E (smartslave, 10.106.80.31) places a call leg to Webex and opens SIP over TLS from
source port 25002 to 163.129.37.33:5061. Webex answers ServerHello, Certificate, ServerKeyExchange,
CertificateRequest, ServerHelloDone; Expressway-E, acting as **TLS client**, answers with the certificate
of its **client store**: serial \`2f0000004c869c77c8981becde00000000004c\`, \`CN=cluster.s.com, OU=bar, O=rison, L=BL\`,
issued by \`CN=bgluclab-WIN-DC-01-CA, DC=bgluclab, DC=com\`, EKU serverAuth + clientAuth. Webex verifies
it and the handshake completes; a little encrypted SIP follows, then both close.

Stacks: Expressway-E = \`openssl s_client\` (client certificate and chain from the bundle's client store);
Webex = Node \`tls.createServer\` with \`requestCert\` and \`rejectUnauthorized\` (it verifies the client chain
against CA1 and accepts it).

The tool should conclude: Expressway-E was the client (it sent ClientHello), so it presented the client
store (same serial as \`client_smartslave_*.pem\`, different from \`server_smartslave_*.pem\`); the
certificate needs clientAuth because Webex requested one, and it has it. Outcome: success. No fix needed.`,
  },
  {
    dir: '02-neighbor-zone-server',
    title: 'Expressway x15.5 as TLS server in a secure neighbor zone (server store)',
    shows: 'x8.11.4 10.106.80.15:29457 → x15.5 10.106.80.16:5061, TLS 1.2; x15.5 presents its server-store certificate 46df76aa0000000029 and requests the client certificate',
    conclusion: 'vcs8c is the TLS server, presents the server store (serial 46df76aa0000000029, needs serverAuth, has it); the neighbor’s client certificate needs clientAuth (checking On) and has it; completes',
    connections: [
      {
        id: 'neighbor',
        label: 'Secure neighbor zone, SIP over TLS (x8.11.4 → x15.5:5061)',
        client: { host: HOSTS.x8, port: 29457, stack: 'node', cert: 'neighbor-x8', trust: ['ca1-core'], servername: 'cluster.s.com' },
        server: { host: HOSTS.vcs8c, port: 5061, stack: 'openssl', cert: 'core-upgrade', trust: EXPRESSWAY_TRUST, verify: 'on' },
        version: '1.2',
        start: '2026-03-25T15:10:17.833Z',
        latencyMs: 0.2,
        expect: { kind: 'complete' },
      },
    ],
    bundles: [bundle({ box: 'vcs8c', ts: '2026-03-25_15_20_11', clientCert: 'core-upgrade', serverCert: 'core-upgrade', trust: EXPRESSWAY_TRUST, ekuMode: 'On' })],
    readme: `The x8.11.4 neighbor (10.106.80.15) opens SIP over TLS from port 29457 to the x15.5 Expressway-C
(vcs8c, 10.106.80.16) on 5061. vcs8c is the **TLS server**: it presents its **server store** certificate,
serial \`46df76aa0000000029\` (\`C=IN, ST=KA, L=KA, O=Cisco, OU=TAc, CN=cluster.s.com\`, issuer
RICKY200-TMS-CA), and sends a CertificateRequest; the neighbor sends its own certificate (serverAuth +
clientAuth, issued by RICKY200-TMS-CA) and the handshake completes.

Stacks: vcs8c = \`openssl s_server -Verify 1 -verify_return_error\` (EKU checking On = OpenSSL's default
purpose for a server, sslclient); the neighbor = Node \`tls.connect\`.

The tool should conclude: vcs8c was the server, so the server store was presented; it needs serverAuth
(has it). The inbound client certificate needed clientAuth because checking is On (X4), and has it.
Outcome: success.`,
  },
  {
    dir: '03-cucm-tftp-6972',
    title: 'Expressway-C as TLS client to CUCM on 6972 (client store = copied server certificate)',
    shows: 'vcs8c 10.106.80.16 → CUCM 10.106.80.38:6972, TLS 1.2; CUCM requests a certificate; vcs8c presents its client store, which after the upgrade holds 46df76aa0000000029',
    conclusion: 'vcs8c is the TLS client, presents the client store (46df76aa0000000029, same serial as the server store: copied at upgrade); clientAuth needed and present; completes',
    connections: [
      {
        id: 'cucm',
        label: 'MRA TFTP over TLS (Expressway-C → CUCM:6972)',
        client: { host: HOSTS.vcs8c, port: 44178, stack: 'node', cert: 'core-upgrade', trust: EXPRESSWAY_TRUST, servername: 'cucm15.s.com' },
        server: { host: HOSTS.cucm, port: 6972, stack: 'openssl', cert: 'cucm-tomcat', trust: ['ca1-core'], verify: 'on' },
        version: '1.2',
        start: '2026-03-25T03:18:42.517Z',
        latencyMs: 0.3,
        expect: { kind: 'complete' },
      },
    ],
    bundles: [bundle({ box: 'vcs8c', ts: '2026-03-25_03_20_11', clientCert: 'core-upgrade', serverCert: 'core-upgrade', trust: EXPRESSWAY_TRUST, ekuMode: 'On' })],
    readme: `An MRA client logs in; Expressway-C (vcs8c, 10.106.80.16) fetches its configuration from CUCM
(10.106.80.38) over TLS on port 6972. CUCM requests a client certificate; vcs8c, the **TLS client**,
presents its **client store**: after the upgrade from x15.4 that is the same certificate as the server
store, serial \`46df76aa0000000029\` (serverAuth + clientAuth). CUCM verifies it; the handshake completes.

Stacks: CUCM = \`openssl s_server -Verify 1 -verify_return_error\`; vcs8c = Node \`tls.connect\`.

The tool should conclude: vcs8c was the client, client store presented; it is the same certificate
as \`server_vcs8c_*.pem\` (copied at upgrade, X2); clientAuth needed (CUCM asked for a certificate) and
present. Outcome: success. This bundle also illustrates condition 1 (see 04).`,
  },
  {
    dir: '03b-cucm-tftp-6972-tls13',
    title: 'Scenario 3 over TLS 1.3: certificates encrypted',
    shows: 'vcs8c 10.106.80.16 → CUCM 10.106.80.38:6972, TLS 1.3; CertificateRequest and both Certificates are encrypted',
    conclusion: 'Only ClientHello/ServerHello are readable: vcs8c is the client (sent ClientHello); that it presented the client store and that the handshake included a client certificate is inferred, not observed (T7); completes',
    connections: [
      {
        id: 'cucm13',
        label: 'MRA TFTP over TLS 1.3 (Expressway-C → CUCM:6972)',
        client: { host: HOSTS.vcs8c, port: 44186, stack: 'node', cert: 'core-upgrade', trust: EXPRESSWAY_TRUST, servername: 'cucm15.s.com' },
        server: { host: HOSTS.cucm, port: 6972, stack: 'openssl', cert: 'cucm-tomcat', trust: ['ca1-core'], verify: 'on' },
        version: '1.3',
        start: '2026-03-25T03:19:05.204Z',
        latencyMs: 0.3,
        expect: { kind: 'complete' },
      },
    ],
    bundles: [bundle({ box: 'vcs8c', ts: '2026-03-25_03_20_11', clientCert: 'core-upgrade', serverCert: 'core-upgrade', trust: EXPRESSWAY_TRUST, ekuMode: 'On' })],
    readme: `The same connection as scenario 3, negotiated as TLS 1.3. After ServerHello everything is
encrypted: EncryptedExtensions, CertificateRequest, CUCM's Certificate, vcs8c's Certificate and
CertificateVerify, both Finished messages. The handshake completes and a little application data
follows. No key log is shipped for this one on purpose.

Stacks: CUCM = \`openssl s_server -tls1_3 -Verify 1 -verify_return_error\`; vcs8c = Node \`tls.connect\`.

The tool should conclude: vcs8c is the TLS client (it sent ClientHello; T1). Which certificate it
presented, whether one was requested, and EKUs cannot be observed (T7): it should say that by the store
rule vcs8c would present its client store (46df76aa0000000029 per the bundle), as an inference. Outcome:
the handshake completed (application data flowed both ways).`,
  },
  {
    dir: '04-upgrade-same-cert',
    title: 'Condition 1: after the upgrade both stores hold the same certificate',
    shows: 'vcs8c bundle whose client_ and server_ PEM hold the same certificate 46df76aa0000000029; one inbound (neighbor → 5061) and one outbound (→ CUCM 6972) connection, both presenting it',
    conclusion: 'Same serial in both stores: copied at upgrade (X2); inbound connection = server store, outbound = client store, both 46df76aa0000000029 with serverAuth+clientAuth; both complete',
    connections: [
      {
        id: 'inbound',
        label: 'Secure neighbor zone, inbound (x8.11.4 → x15.5:5061)',
        client: { host: HOSTS.x8, port: 27311, stack: 'node', cert: 'neighbor-x8', trust: ['ca1-core'], servername: 'cluster.s.com' },
        server: { host: HOSTS.vcs8c, port: 5061, stack: 'openssl', cert: 'core-upgrade', trust: EXPRESSWAY_TRUST, verify: 'on' },
        version: '1.2',
        start: '2026-03-24T16:21:03.448Z',
        latencyMs: 0.2,
        expect: { kind: 'complete' },
      },
      {
        id: 'outbound',
        label: 'MRA TFTP over TLS, outbound (x15.5 → CUCM:6972)',
        client: { host: HOSTS.vcs8c, port: 41822, stack: 'node', cert: 'core-upgrade', trust: EXPRESSWAY_TRUST, servername: 'cucm15.s.com' },
        server: { host: HOSTS.cucm, port: 6972, stack: 'openssl', cert: 'cucm-tomcat', trust: ['ca1-core'], verify: 'on' },
        version: '1.2',
        start: '2026-03-24T16:21:05.102Z',
        latencyMs: 0.3,
        expect: { kind: 'complete' },
      },
    ],
    bundles: [bundle({ box: 'vcs8c', ts: '2026-03-24_16_25_02', clientCert: 'core-upgrade', serverCert: 'core-upgrade', trust: EXPRESSWAY_TRUST, ekuMode: 'On' })],
    readme: `Expressway-C (vcs8c) right after the upgrade from x15.4 to x15.5: the upgrade copied the server
certificate (serial \`46df76aa0000000029\`, serverAuth + clientAuth) into the new client store, so
\`client_vcs8c_*.pem\` and \`server_vcs8c_*.pem\` hold the same certificate. The capture holds one inbound
connection (the x8.11.4 neighbor 10.106.80.15 → vcs8c:5061: vcs8c is the server and presents the server
store) and one outbound (vcs8c → CUCM 10.106.80.38:6972: vcs8c is the client and presents the client
store). Both present the same certificate and both complete.

Stacks: vcs8c inbound and CUCM = \`openssl s_server -Verify 1 -verify_return_error\`; the neighbor and
vcs8c outbound = Node \`tls.connect\`.

The tool should conclude: the two stores hold the same certificate (copied at upgrade or with "Upload
server certificate file as client certificate", X2); the store rule explains which store each
connection used; nothing fails today because the certificate has both EKUs. Advice: when it is renewed
from a public CA in 2026, the client store needs a clientAuth certificate from elsewhere.`,
  },
  {
    dir: '05-uc-traversal-eku-on-failed',
    title: 'Condition 2 / test case 1: UC traversal zone FAILED (EKU checking On)',
    shows: 'vcs8c → smartslave:7001 with a CA2 serverAuth-only client certificate; Expressway-E (OpenSSL, checking On) answers with fatal alert 43 unsupported_certificate',
    conclusion: 'vcs8c client, client store (CA2, serverAuth only); needs clientAuth (E checks, X4 On); missing; fatal alert 43 from 10.106.80.31 right after vcs8c’s Certificate; fix: clientAuth certificate (private CA) in vcs8c’s client store',
    connections: [ucTraversal('uc', '2026-03-29T07:02:10.341Z', 'core-server-ca2', 'on', { kind: 'alert', code: 43, by: 'server' }, 7001, 25731)],
    bundles: [
      bundle({ box: 'vcs8c', ts: '2026-03-29_07_05_33', clientCert: 'core-server-ca2', serverCert: 'core-server-ca2', trust: EXPRESSWAY_TRUST, ekuMode: 'On' }),
      bundle({ box: 'smartslave', ts: '2026-03-29_07_05_41', clientCert: 'edge-server-ca2', serverCert: 'edge-server-ca2', trust: EXPRESSWAY_TRUST, ekuMode: 'On' }),
    ],
    readme: `Condition 2: the administrator installed certificates from the public CA (CA2) on x15.5.
Expressway-C's client and server stores both hold \`CN=cluster.s.com\` from "Example Public TLS CA 2026",
EKU serverAuth only (copied into the client store with "Upload server certificate file as client
certificate"); Expressway-E holds \`CN=smartslave.vikdutta.com\` from the same CA, serverAuth only.
Expressway-E has \`SIP TLS Certificate ExtendedKeyUsage Checking Mode: "On"\`.

vcs8c (10.106.80.16) opens the UC traversal zone to smartslave (10.106.80.31) on 7001. smartslave
requests a client certificate; vcs8c sends its client-store certificate (serverAuth only) with the CA2
intermediate; smartslave's OpenSSL rejects it for purpose "SSL client" and sends a **fatal alert 43
(unsupported_certificate)**, then closes. The zone shows FAILED.

Stacks: smartslave = \`openssl s_server -Verify 1 -verify_return_error\` (checking On = OpenSSL's default
purpose for a server, sslclient, which requires clientAuth when an EKU is present); vcs8c = Node
\`tls.connect\`. Bundles for both boxes; the capture is in both, taken on each box's eth0.

The tool should conclude: vcs8c is the TLS client and presented its client store (serial
03a1c47e…7b39); it needs clientAuth because smartslave checks (X4 On); it has serverAuth only; the fatal
alert 43 comes from 10.106.80.31 right after vcs8c's Certificate/CertificateVerify (T5, T6), i.e.
smartslave rejected the client certificate's purpose. Fix: put a certificate with clientAuth (private CA,
condition 2.1) into vcs8c's client store. Turning checking Off on smartslave brings the zone up but not
the SSH tunnels (scenario 06).`,
  },
  {
    dir: '06-uc-traversal-eku-off-ssh-fails',
    title: 'Condition 2 / test case 2: checking Off, zone active, SSH tunnel 2222 rejected',
    shows: 'Same certificates as 05 with checking Off on Expressway-E: the 7001 handshake completes, the 2222 connection from port 3xxxx gets fatal alert 43',
    conclusion: '7001: completes (X4 Off skips clientAuth); 2222: vcs8c client certificate lacks clientAuth, which 2222 always requires (X5): alert 43 from 10.106.80.31; fix: clientAuth certificate in vcs8c’s client store',
    connections: [
      ucTraversal('uc', '2026-03-29T07:09:26.118Z', 'core-server-ca2', 'off', { kind: 'complete' }, 7001, 26118),
      ucTraversal('ssh', '2026-03-29T07:09:26.530Z', 'core-server-ca2', 'on', { kind: 'alert', code: 43, by: 'server' }, 2222, 33412),
    ],
    bundles: [
      bundle({ box: 'vcs8c', ts: '2026-03-29_07_12_08', clientCert: 'core-server-ca2', serverCert: 'core-server-ca2', trust: EXPRESSWAY_TRUST, ekuMode: 'On' }),
      bundle({ box: 'smartslave', ts: '2026-03-29_07_12_15', clientCert: 'edge-server-ca2', serverCert: 'edge-server-ca2', trust: EXPRESSWAY_TRUST, ekuMode: 'Off' }),
    ],
    readme: `The certificates of scenario 05, with \`SIP TLS Certificate ExtendedKeyUsage Checking Mode: Off\` on
Expressway-E. vcs8c opens the UC traversal zone to smartslave:7001: smartslave still requests and
verifies the client certificate but no longer requires clientAuth, the handshake completes and the zone
becomes Active. Then vcs8c opens the SSH tunnel connection to smartslave:2222 (source port in
30000–35999) with the same client certificate: this service always validates clientAuth, and
smartslave answers with **fatal alert 43**. The tunnels stay Failed ("Permission denied").

How "Off" was modelled: the 7001 listener is \`openssl s_server -Verify 1 -verify_return_error -purpose any\`
(the chain is still verified, trust and validity included, but no purpose/EKU is required); the 2222
listener is \`openssl s_server -Verify 1 -verify_return_error\` with OpenSSL's default purpose (sslclient).
The 2222 transport is modelled as TLS carrying the client certificate (what the tool must detect from
the bytes, X5). vcs8c = Node \`tls.connect\` for both.

The tool should conclude: on 7001 vcs8c (client, client store, serverAuth only) was accepted because
smartslave's checking is Off (X4; xconf_dump of smartslave says "Off"); on 2222 the same certificate was
rejected with alert 43 sent by 10.106.80.31 after vcs8c's Certificate: SSH tunnels need clientAuth
whatever X4 says (X5). Fix: a clientAuth certificate in vcs8c's client store (scenario 07).`,
  },
  {
    dir: '07-condition-2-1-success',
    title: 'Condition 2.1: C client certificate from CA1 with clientAuth, everything works',
    shows: 'vcs8c client store from CA1 (serverAuth+clientAuth), server store from CA2; smartslave both CA2 serverAuth only; 7001 and 2222 both complete with checking On',
    conclusion: 'vcs8c client, client store (CA1, has clientAuth) on 7001 and 2222; E presents its server store (CA2, serverAuth); both complete; checking On or Off makes no difference',
    connections: [
      ucTraversal('uc', '2026-03-29T07:19:26.204Z', 'core-client-ca1-2026', 'on', { kind: 'complete' }, 7001, 27842),
      ucTraversal('ssh', '2026-03-29T07:21:27.611Z', 'core-client-ca1-2026', 'on', { kind: 'complete' }, 2222, 31907),
    ],
    bundles: [
      bundle({ box: 'vcs8c', ts: '2026-03-29_07_25_40', clientCert: 'core-client-ca1-2026', serverCert: 'core-server-ca2', trust: EXPRESSWAY_TRUST, ekuMode: 'On' }),
      bundle({ box: 'smartslave', ts: '2026-03-29_07_25_52', clientCert: 'edge-server-ca2', serverCert: 'edge-server-ca2', trust: EXPRESSWAY_TRUST, ekuMode: 'On' }),
    ],
    readme: `Condition 2.1 (the document's success case): Expressway-C's client store holds a certificate from
the internal CA RICKY200-TMS-CA with serverAuth + clientAuth (valid 2026-03-29 → 2028-03-28); its server
store holds the public CA2 certificate (serverAuth only). Expressway-E holds CA2 serverAuth-only
certificates in both stores. With checking On, vcs8c opens 7001 (UC traversal) and 2222 (SSH tunnel):
smartslave requests the client certificate, verifies it for purpose sslclient, and both handshakes
complete.

Stacks: smartslave = \`openssl s_server -Verify 1 -verify_return_error\` (default purpose sslclient) on
both ports; vcs8c = Node \`tls.connect\`. With checking Off (\`-purpose any\`) the result is the same, since
the certificate has clientAuth; that run is not included to keep the capture small.

The tool should conclude: vcs8c is the client on both connections and presents the client store
(CA1, has clientAuth); smartslave is the server and presents its server store (CA2, serverAuth: what a
server needs). Both complete. Note for the reader: the server store of vcs8c (CA2, serverAuth only)
does not matter for these connections, since vcs8c is never the server here.`,
  },
  {
    dir: '08-all-private-ca-unknown-ca',
    title: 'Condition 3: all certificates from the private CA; a remote that does not trust it',
    shows: 'smartslave 10.106.80.31 → remote 203.0.113.45:5061; the remote does not trust bgluclab-WIN-DC-01-CA and answers fatal alert 48 unknown_ca',
    conclusion: 'smartslave client, client store (CA1, has clientAuth: EKU is not the problem); alert 48 from 203.0.113.45 after the client Certificate = trust failure (unknown CA, T5), not EKU; fix: the remote must trust CA1, or use a publicly trusted chain',
    connections: [
      {
        id: 'b2b',
        label: 'B2B SIP over TLS (Expressway-E → remote:5061)',
        client: { host: HOSTS.smartslave, port: 25117, stack: 'node', cert: 'edge-client-ca1', trust: EXPRESSWAY_TRUST, servername: 'sip.partner-b2b.example' },
        server: { host: HOSTS.remoteA, port: 5061, stack: 'openssl', cert: 'remote-b2b', trust: ['ca2-root'], verify: 'on' },
        version: '1.2',
        start: '2026-03-30T09:41:12.660Z',
        latencyMs: 14,
        expect: { kind: 'alert', code: 48, by: 'server' },
      },
    ],
    bundles: [bundle({ box: 'smartslave', ts: '2026-03-30_09_45_03', clientCert: 'edge-client-ca1', serverCert: 'edge-client-ca1', trust: EXPRESSWAY_TRUST, ekuMode: 'On' })],
    readme: `Condition 3: every Expressway certificate is signed by the internal CA. Expressway-E (smartslave)
holds \`2f0000004c869c77c8981becde00000000004c\` (issuer bgluclab-WIN-DC-01-CA, serverAuth + clientAuth)
in both stores. It opens SIP over TLS to a remote B2B peer (203.0.113.45:5061, a fictitious address)
that trusts only public CAs. The remote requests a client certificate, cannot build a chain to a root
it trusts, and answers with **fatal alert 48 (unknown_ca)**.

Stacks: the remote = \`openssl s_server -Verify 1 -verify_return_error\` whose CA file holds only the CA2
root; smartslave = Node \`tls.connect\`.

The tool should conclude: smartslave was the client and presented its client store, which has clientAuth
(so EKU is not the cause); the alert 48 from 203.0.113.45 after smartslave's Certificate is a trust
failure (T5: 48 is trust, not EKU). Fix: have the remote trust CA1 (bgluclab-WIN-DC-01-CA), or present a
certificate chaining to a CA the remote trusts.`,
  },
  {
    dir: '09-edge-public-client-cert',
    title: 'Condition 4: Expressway-E with a public serverAuth-only certificate in its client store',
    shows: 'smartslave → 203.0.113.45:5061 (checks clientAuth): alert 43; smartslave → 198.51.100.77:5061 (check disabled): completes; both in one capture',
    conclusion: 'smartslave client, client store = copied CA2 serverAuth-only certificate; first remote needs clientAuth: alert 43 from 203.0.113.45; second remote does not check: completes; fix: clientAuth certificate in the client store, or the remote disables its check',
    connections: [
      {
        id: 'b2b-checks',
        label: 'B2B SIP over TLS to a remote that checks clientAuth (Expressway-E → 203.0.113.45:5061)',
        client: { host: HOSTS.smartslave, port: 26650, stack: 'node', cert: 'edge-server-ca2', trust: EXPRESSWAY_TRUST, servername: 'sip.partner-b2b.example' },
        server: { host: HOSTS.remoteA, port: 5061, stack: 'openssl', cert: 'remote-b2b', trust: ['ca2-root'], verify: 'on' },
        version: '1.2',
        start: '2026-04-02T10:15:48.092Z',
        latencyMs: 14,
        expect: { kind: 'alert', code: 43, by: 'server' },
      },
      {
        id: 'b2b-nocheck',
        label: 'B2B SIP over TLS to a remote with the clientAuth check disabled (Expressway-E → 198.51.100.77:5061)',
        client: { host: HOSTS.smartslave, port: 26654, stack: 'node', cert: 'edge-server-ca2', trust: EXPRESSWAY_TRUST, servername: 'sip.partner-b2b.example' },
        server: { host: HOSTS.remoteB, port: 5061, stack: 'openssl', cert: 'remote-b2b', trust: ['ca2-root'], verify: 'off' },
        version: '1.2',
        start: '2026-04-02T10:16:02.377Z',
        latencyMs: 11,
        expect: { kind: 'complete' },
      },
    ],
    bundles: [bundle({ box: 'smartslave', ts: '2026-04-02_10_20_19', clientCert: 'edge-server-ca2', serverCert: 'edge-server-ca2', trust: EXPRESSWAY_TRUST, ekuMode: 'On' })],
    readme: `Condition 4: Expressway-E's server certificate comes from the public CA (serverAuth only) and was
copied into its client store with "Upload server certificate file as client certificate". smartslave
opens SIP over TLS to two remotes on 5061 (fictitious addresses): 203.0.113.45 verifies the client
certificate for purpose sslclient and answers with **fatal alert 43**; 198.51.100.77 has its clientAuth
check disabled and the handshake completes.

Stacks: 203.0.113.45 = \`openssl s_server -Verify 1 -verify_return_error\`; 198.51.100.77 = the same with
\`-purpose any\` (chain still verified, purpose not checked); smartslave = Node \`tls.connect\`.

The tool should conclude: smartslave was the client on both and presented its client store, whose
certificate is the server certificate (same serial in client_ and server_ PEM) with serverAuth only.
Where the remote checks clientAuth (203.0.113.45) that fails with 43 sent by the remote after
smartslave's Certificate; where it does not (198.51.100.77) it works (X7). Fix: a clientAuth certificate
(private CA) in the client store, or the remote must disable its clientAuth check.`,
  },
  {
    dir: '10-eku-chaining',
    title: 'EKU chaining: clientAuth leaf under a serverAuth-only intermediate',
    shows: 'vcs8c → smartslave:7001 with a leaf that has clientAuth but whose issuing CA (Example Public TLS CA 2026) is serverAuth only; OpenSSL answers fatal alert 43',
    conclusion: 'vcs8c client, client store; the leaf has clientAuth, but its issuing CA restricts EKU to serverAuth (E5): OpenSSL rejects with alert 43 from 10.106.80.31; fix: a clientAuth chain (private CA) for the client store',
    connections: [ucTraversal('uc', '2026-03-30T11:02:44.905Z', 'core-client-ca2-chained', 'on', { kind: 'alert', code: 43, by: 'server' }, 7001, 28413)],
    bundles: [
      bundle({ box: 'vcs8c', ts: '2026-03-30_11_06_20', clientCert: 'core-client-ca2-chained', serverCert: 'core-server-ca2', trust: EXPRESSWAY_TRUST, ekuMode: 'On' }),
      bundle({ box: 'smartslave', ts: '2026-03-30_11_06_31', clientCert: 'edge-server-ca2', serverCert: 'edge-server-ca2', trust: EXPRESSWAY_TRUST, ekuMode: 'On' }),
    ],
    readme: `Not in the Cisco document, but the trap of 2026 public hierarchies. vcs8c's client store holds a
leaf with serverAuth + clientAuth (so the client store accepted it), issued by "Example Public TLS CA
2026", an intermediate whose own EKU is serverAuth only (Chrome Root Program policy). vcs8c opens the UC
traversal zone to smartslave:7001 and sends the leaf plus that intermediate. OpenSSL checks the purpose
on every certificate of the chain: the intermediate is not allowed for client authentication, and
smartslave answers with **fatal alert 43**.

Stacks: smartslave = \`openssl s_server -Verify 1 -verify_return_error\` (default purpose sslclient);
vcs8c = Node \`tls.connect\`. (\`openssl verify -purpose sslclient\` on this chain reports "error 26 at 1
depth lookup: unsuitable certificate purpose": depth 1 is the intermediate.)

The tool should conclude: vcs8c was the client and presented the client store; the leaf has clientAuth
but the intermediate in the same Certificate message is serverAuth-only, which OpenSSL, Go, Windows and
NSS verifiers apply to the leaf (E5); alert 43 from 10.106.80.31 after vcs8c's Certificate confirms a
purpose failure. Fix: a client certificate whose whole chain allows clientAuth (private CA).`,
  },
  {
    dir: '11-silent-close',
    title: 'Silent close: a Node.js verifier rejects the client certificate with a FIN, no alert',
    shows: 'vcs8c → 10.106.80.31:7001 as in 05, but the verifying side is a Node.js tls server: it reads the client flight and closes with FIN, no alert',
    conclusion: 'vcs8c client, client store (CA2, serverAuth only); no alert at all: the server closed (FIN) right after vcs8c’s Finished without sending its own ChangeCipherSpec/Finished: likely rejection of the client certificate, reason not given by the peer (T8)',
    connections: [
      {
        id: 'uc-node',
        label: 'UC traversal zone to a Node.js-based TLS server (Expressway-C → 10.106.80.31:7001)',
        client: { host: HOSTS.vcs8c, port: 25968, stack: 'openssl', cert: 'core-server-ca2', trust: EXPRESSWAY_TRUST, servername: 'smartslave.vikdutta.com' },
        server: { host: HOSTS.smartslave, port: 7001, stack: 'node', cert: 'edge-server-ca2', trust: EXPRESSWAY_TRUST, verify: 'reject' },
        version: '1.2',
        start: '2026-03-29T07:03:51.772Z',
        latencyMs: 0.25,
        expect: { kind: 'silent-close', by: 'server' },
      },
    ],
    bundles: [bundle({ box: 'vcs8c', ts: '2026-03-29_07_05_33', clientCert: 'core-server-ca2', serverCert: 'core-server-ca2', trust: EXPRESSWAY_TRUST, ekuMode: 'On' })],
    readme: `Like scenario 05 (vcs8c's client store holds the CA2 serverAuth-only certificate), but the listener
on 10.106.80.31:7001 is a Node.js \`tls.createServer({ requestCert: true, rejectUnauthorized: true })\`, not
Expressway's OpenSSL. Node's server reads vcs8c's Certificate, ClientKeyExchange, CertificateVerify,
ChangeCipherSpec and Finished, fails the verification of the client certificate, and closes the
connection with a **FIN and no alert**; it never sends its ChangeCipherSpec/Finished. vcs8c's OpenSSL
then reports "unexpected eof" and sends close_notify. Real peers behave so.

Stacks: vcs8c = \`openssl s_client\` with its client-store certificate and the CA2 intermediate; the server
= Node 20 \`tls.createServer\`. Only vcs8c's bundle is shipped: the server is not an Expressway. Node's
server application sees only "socket hang up"; the peer is told nothing. (Node verifies at the time it
runs, so when the generator runs after the certificate's notAfter, Node also finds it expired: the
bytes on the wire are the same.)

The tool should conclude: vcs8c was the client and presented its client store (serverAuth only); the
server closed with FIN right after vcs8c's Finished, before its own Finished, with no alert: a likely
rejection of the client certificate, reason not given (T8); given the certificate lacks clientAuth, the
probable reason is EKU. Fix as in 05.`,
  },
  {
    dir: '12-tls13-uc-traversal-keylog',
    title: 'TLS 1.3 mutual TLS with its key log: scenario 05 over TLS 1.3',
    shows: 'vcs8c → smartslave:7001 in TLS 1.3 with the CA2 serverAuth-only client certificate; alert 43 is encrypted; sslkeylog.txt decrypts everything',
    conclusion: 'Without keys: only hellos; a short encrypted record from 10.106.80.31 then FIN after vcs8c’s encrypted flight (likely rejection). With sslkeylog.txt: vcs8c’s Certificate (serverAuth only, client store), alert 43 unsupported_certificate from 10.106.80.31',
    connections: [ucTraversal('uc13', '2026-03-29T07:31:08.227Z', 'core-server-ca2', 'on', { kind: 'alert', code: 43, by: 'server' }, 7001, 29187, '1.3')].map(
      (c) => ({ ...c, keylog: true }),
    ),
    bundles: [
      bundle({ box: 'vcs8c', ts: '2026-03-29_07_35_10', clientCert: 'core-server-ca2', serverCert: 'core-server-ca2', trust: EXPRESSWAY_TRUST, ekuMode: 'On' }),
      bundle({ box: 'smartslave', ts: '2026-03-29_07_35_19', clientCert: 'edge-server-ca2', serverCert: 'edge-server-ca2', trust: EXPRESSWAY_TRUST, ekuMode: 'On' }),
    ],
    keylogFile: true,
    readme: `Scenario 05 negotiated as TLS 1.3. smartslave's CertificateRequest, both Certificate messages,
CertificateVerify, Finished and the alert are encrypted. smartslave's OpenSSL rejects vcs8c's client
certificate (serverAuth only) and sends **alert 43 unsupported_certificate**, encrypted under its
application traffic secret (it had already sent its Finished), then closes with FIN.

\`sslkeylog.txt\` (SSLKEYLOGFILE / NSS key log format, written from Node's \`keylog\` event on vcs8c's side)
holds CLIENT_HANDSHAKE_TRAFFIC_SECRET, SERVER_HANDSHAKE_TRAFFIC_SECRET, CLIENT_TRAFFIC_SECRET_0,
SERVER_TRAFFIC_SECRET_0 and EXPORTER_SECRET for this session. It is **not part of an Expressway
diagnostic bundle**; it is shipped beside the bundles for decryption (\`--keylog\`, or Wireshark's
tls.keylog_file).

Stacks: smartslave = \`openssl s_server -tls1_3 -Verify 1 -verify_return_error\`; vcs8c = Node
\`tls.connect\` (TLS 1.3 only).

The tool should conclude, without the key log: vcs8c is the client (ClientHello); certificates,
CertificateRequest and the alert cannot be seen (T7); smartslave sent one short encrypted record and
closed right after vcs8c's encrypted flight: likely a rejection. With the key log: vcs8c presented its
client store (serial 03a1c47e…7b39, serverAuth only), smartslave requested a certificate and answered
fatal alert 43 after it: EKU rejection as in 05. Fix as in 05.`,
  },
  {
    dir: '13-store-rule-other-store',
    title: 'The store rule broken: a box presents its server store as TLS client (TLS 1.2 and 1.3)',
    shows: 'vcs8c 10.106.80.16 → smartslave:7001 with its client store (CA1, clientAuth): completes; vcs8c peer 2 10.106.80.17 (not in the xconf) presents the server store (CA2, serverAuth only) as TLS client, in TLS 1.2 and in TLS 1.3 with its key log: alert 43 each time',
    conclusion: '10.106.80.17 is recognised as vcs8c by the certificate it presented, which is in vcs8c’s server store; a server-store certificate presented as TLS client breaks the store rule (X1 error); it lacks clientAuth, so smartslave (checking On) answers alert 43; fix: x15.5 on every peer, so the client store is presented',
    connections: [
      ucTraversal('uc', '2026-04-07T08:12:31.402Z', 'core-client-ca1-2026', 'on', { kind: 'complete' }, 7001, 27851),
      ucTraversal('peer2', '2026-04-07T08:12:44.915Z', 'core-server-ca2', 'on', { kind: 'alert', code: 43, by: 'server' }, 7001, 27903, '1.2', HOSTS.vcs8cPeer2),
      { ...ucTraversal('peer2-13', '2026-04-07T08:12:58.207Z', 'core-server-ca2', 'on', { kind: 'alert', code: 43, by: 'server' }, 7001, 27911, '1.3', HOSTS.vcs8cPeer2), keylog: true },
    ],
    bundles: [
      bundle({ box: 'vcs8c', ts: '2026-04-07_08_15_02', clientCert: 'core-client-ca1-2026', serverCert: 'core-server-ca2', trust: EXPRESSWAY_TRUST, ekuMode: 'On' }),
      bundle({ box: 'smartslave', ts: '2026-04-07_08_15_11', clientCert: 'edge-server-ca2', serverCert: 'edge-server-ca2', trust: EXPRESSWAY_TRUST, ekuMode: 'On' }),
    ],
    keylogFile: true,
    readme: `The store rule (X1), the heart of the matter: as TLS client an x15.5 Expressway presents its client
store, as TLS server its server store. vcs8c (10.106.80.16) follows it: its client store holds the
CA1 certificate with serverAuth + clientAuth (condition 2.1), and its UC traversal zone to smartslave:7001
comes up. A second peer of the same cluster, 10.106.80.17, is still on x15.4, which had one certificate
for both roles: as TLS client it presents the cluster's **server** certificate (CA2, serverAuth only,
the one in \`server_vcs8c_*.pem\`). smartslave checks clientAuth (checking On) and answers **fatal alert 43**,
once in TLS 1.2 and once in TLS 1.3 (there the alert and both Certificate messages are encrypted;
\`sslkeylog.txt\`, written from the TLS 1.3 client's \`keylog\` event, decrypts them).

10.106.80.17 is in no xconf dump: vcs8c's bundle lists 10.106.80.16 only, and its capture holds only
vcs8c's own connection. smartslave's capture holds all three.

Stacks: smartslave = \`openssl s_server -Verify 1 -verify_return_error\` (purpose sslclient); both
clients = Node \`tls.connect\`.

The tool should conclude: 10.106.80.17 is vcs8c (or its cluster peer), recognised by the certificate
it presented, which is in vcs8c's **server** store; presenting the server store as TLS client breaks the
store rule (X1, an error), and that certificate has serverAuth only, so smartslave rejected it with
alert 43 (T5, T6), in TLS 1.2 and, decrypted with the key log, in TLS 1.3 alike. Fix: x15.5 on every
peer, so each presents its client store (which already holds a clientAuth certificate), and a bundle
taken right after the capture.`,
  },
];
