/**
 * The certificates of SCENARIOS.md as data. DNs are in DER order (most general first); the README
 * and SCENARIOS.md write them most specific first (RFC 4514).
 *
 * CA1 = the internal (AD CS) CAs of the document, without EKU. CA2 = a fictitious public CA as public
 * CAs issue in 2026: root without EKU, issuing intermediate restricted to serverAuth (Chrome Root
 * Program policy), leaves serverAuth only.
 */
import type { CertSpec, Dn } from './pki.js';

const CISCO_CLUSTER: Dn = [
  ['C', 'IN'],
  ['ST', 'KA'],
  ['L', 'KA'],
  ['O', 'Cisco'],
  ['OU', 'TAc'],
  ['CN', 'cluster.s.com'],
];

export const CERT_SPECS: CertSpec[] = [
  // ---- CA1, Core side (AD CS root) ----
  {
    id: 'ca1-core',
    serialHex: '1a2f5cd4e37a4ab94b1c35a8e0c27d61',
    subject: [
      ['DC', 'com'],
      ['DC', 'RICKY200'],
      ['CN', 'RICKY200-TMS-CA'],
    ],
    notBefore: '2024-01-19T14:53:10Z',
    notAfter: '2034-01-19T15:03:10Z',
    ca: true,
    rsaBits: 4096,
  },
  // ---- CA1, Edge side (AD CS root) ----
  {
    id: 'ca1-edge',
    serialHex: '5b1e0a7c6f24d98c4b2f77b0c1d3e9a2',
    subject: [
      ['DC', 'com'],
      ['DC', 'bgluclab'],
      ['CN', 'bgluclab-WIN-DC-01-CA'],
    ],
    notBefore: '2023-06-02T09:12:44Z',
    notAfter: '2033-06-02T09:22:44Z',
    ca: true,
    rsaBits: 4096,
  },
  // ---- CA2, fictitious public CA ----
  {
    id: 'ca2-root',
    serialHex: '7d3c1e9f20a6b8c4d5e6f708192a3b4c',
    subject: [
      ['C', 'US'],
      ['O', 'Example Trust'],
      ['CN', 'Example Public Root CA 2026'],
    ],
    notBefore: '2025-11-01T00:00:00Z',
    notAfter: '2045-10-31T23:59:59Z',
    ca: true,
    rsaBits: 4096,
  },
  {
    id: 'ca2-int',
    serialHex: '0e4a9b7c2d1f3e5a6b7c8d9e0f1a2b3c',
    subject: [
      ['C', 'US'],
      ['O', 'Example Trust'],
      ['CN', 'Example Public TLS CA 2026'],
    ],
    issuer: 'ca2-root',
    notBefore: '2026-01-15T00:00:00Z',
    notAfter: '2036-01-14T23:59:59Z',
    ca: true,
    pathLen: 0,
    eku: ['serverAuth'],
    rsaBits: 4096,
    crl: 'http://crl.example-trust.example/root2026.crl',
  },

  // ---- Leaves named in the document ----
  {
    // Expressway-C server certificate of the x15.4 era, copied into the client store at upgrade.
    id: 'core-upgrade',
    serialHex: '46df76aa0000000029',
    subject: CISCO_CLUSTER,
    issuer: 'ca1-core',
    notBefore: '2026-03-14T02:37:40Z',
    notAfter: '2028-03-14T02:47:40Z',
    ca: false,
    eku: ['serverAuth', 'clientAuth'],
    dnsNames: ['cluster.s.com', 'vcs8c.s.com'],
    rsaBits: 4096,
    crl: 'ldap:///CN=RICKY200-TMS-CA,CN=RICKY200,CN=CDP,CN=Public%20Key%20Services,CN=Services,CN=Configuration,DC=RICKY200,DC=com?certificateRevocationList?base',
  },
  {
    // Expressway-E client-store certificate of scenario 1.
    id: 'edge-client-ca1',
    serialHex: '2f0000004c869c77c8981becde00000000004c',
    subject: [
      ['L', 'BL'],
      ['O', 'rison'],
      ['OU', 'bar'],
      ['CN', 'cluster.s.com'],
    ],
    issuer: 'ca1-edge',
    notBefore: '2026-03-24T04:52:18Z',
    notAfter: '2028-03-23T04:52:18Z',
    ca: false,
    eku: ['serverAuth', 'clientAuth'],
    dnsNames: ['cluster.s.com', 'smartslave.vikdutta.com'],
    rsaBits: 4096,
  },
  {
    // Condition 2.1: Expressway-C client certificate from CA1 with both EKUs.
    id: 'core-client-ca1-2026',
    serialHex: '46df76aa0000000031',
    subject: CISCO_CLUSTER,
    issuer: 'ca1-core',
    notBefore: '2026-03-29T06:12:05Z',
    notAfter: '2028-03-28T06:22:05Z',
    ca: false,
    eku: ['serverAuth', 'clientAuth'],
    dnsNames: ['cluster.s.com', 'vcs8c.s.com'],
    rsaBits: 4096,
  },
  {
    // Conditions 2 and 2.1: Expressway-C certificate from the public CA, serverAuth only.
    id: 'core-server-ca2',
    serialHex: '03a1c47e5b92d6f0e81c2b4d6a8f0e1c7b39',
    subject: [['CN', 'cluster.s.com']],
    issuer: 'ca2-int',
    notBefore: '2026-03-28T00:00:00Z',
    notAfter: '2026-09-24T23:59:59Z',
    ca: false,
    eku: ['serverAuth'],
    dnsNames: ['cluster.s.com', 'vcs8c.s.com'],
    rsaBits: 4096,
  },
  {
    // Expressway-E certificate from the public CA, serverAuth only (server store; copied to the
    // client store in condition 4).
    id: 'edge-server-ca2',
    serialHex: '04b7e2190c3d5f6a7b8c9d0e1f2a3b4c5d6e',
    subject: [['CN', 'smartslave.vikdutta.com']],
    issuer: 'ca2-int',
    notBefore: '2026-03-20T00:00:00Z',
    notAfter: '2026-09-16T23:59:59Z',
    ca: false,
    eku: ['serverAuth'],
    dnsNames: ['smartslave.vikdutta.com', 'vikdutta.com', 'collab-edge.vikdutta.com'],
    rsaBits: 4096,
  },
  {
    // Scenario 10: a leaf that has clientAuth, issued by the serverAuth-only public intermediate.
    id: 'core-client-ca2-chained',
    serialHex: '05c3f8a2d4e6b1907a8c6e4f2d0b9a8c7e51',
    subject: [['CN', 'cluster.s.com']],
    issuer: 'ca2-int',
    notBefore: '2026-03-30T00:00:00Z',
    notAfter: '2026-09-26T23:59:59Z',
    ca: false,
    eku: ['serverAuth', 'clientAuth'],
    dnsNames: ['cluster.s.com', 'vcs8c.s.com'],
    rsaBits: 4096,
  },

  // ---- Peers ----
  {
    id: 'webex-server',
    serialHex: '0a7f3e91c25d84b6e03f1a9c7d5b2e4f',
    subject: [
      ['C', 'US'],
      ['ST', 'California'],
      ['L', 'San Jose'],
      ['O', 'Example Webex Edge'],
      ['CN', 'l2sip-cfa-01.wbx2.example'],
    ],
    issuer: 'ca2-int',
    notBefore: '2026-02-10T00:00:00Z',
    notAfter: '2026-08-09T23:59:59Z',
    ca: false,
    eku: ['serverAuth'],
    dnsNames: ['l2sip-cfa-01.wbx2.example', '*.wbx2.example'],
    rsaBits: 4096,
  },
  {
    // x8.11.4 neighbor (10.106.80.15), certificate from the Core-side internal CA.
    id: 'neighbor-x8',
    serialHex: '46df76aa0000000017',
    subject: [
      ['C', 'IN'],
      ['ST', 'KA'],
      ['L', 'KA'],
      ['O', 'Cisco'],
      ['OU', 'TAc'],
      ['CN', 'vcs8-x8.s.com'],
    ],
    issuer: 'ca1-core',
    notBefore: '2025-07-02T10:04:51Z',
    notAfter: '2027-07-02T10:14:51Z',
    ca: false,
    eku: ['serverAuth', 'clientAuth'],
    dnsNames: ['vcs8-x8.s.com'],
    ipAddresses: ['10.106.80.15'],
    rsaBits: 4096,
  },
  {
    // CUCM Tomcat certificate (10.106.80.38), from the Core-side internal CA.
    id: 'cucm-tomcat',
    serialHex: '46df76aa0000000022',
    subject: [
      ['C', 'IN'],
      ['ST', 'KA'],
      ['L', 'KA'],
      ['O', 'Cisco'],
      ['OU', 'TAc'],
      ['CN', 'cucm15.s.com'],
    ],
    issuer: 'ca1-core',
    notBefore: '2026-01-19T15:20:33Z',
    notAfter: '2028-01-19T15:30:33Z',
    ca: false,
    eku: ['serverAuth', 'clientAuth'],
    dnsNames: ['cucm15.s.com'],
    rsaBits: 4096,
  },
  {
    // A remote B2B peer (conditions 3 and 4) with a public certificate.
    id: 'remote-b2b',
    serialHex: '06d9e1f4a3b2c5d8e7f6a9b0c1d2e3f4a5b6',
    subject: [['CN', 'sip.partner-b2b.example']],
    issuer: 'ca2-int',
    notBefore: '2026-02-27T00:00:00Z',
    notAfter: '2026-08-26T23:59:59Z',
    ca: false,
    eku: ['serverAuth'],
    dnsNames: ['sip.partner-b2b.example'],
    rsaBits: 4096,
  },
];
