/**
 * Real handshakes (Node's tls on loopback, recorded by a relay), written as captures and read
 * back with the client's key log: the decrypted certificates must be the ones the peers used, and
 * tshark given the same key log must see the same certificates, CertificateRequests and alerts.
 */
import { constants } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeCapture, KeyLog, type Analysis, type Session } from '../../src/analysis/index.js';
import { describeWith, needs } from '../helpers/tools.js';
import { fingerprint, makePki, ourView, record, tsharkView, writePcap, writePcapngWithSecrets, type Pki, type Recorded } from './sessions.js';

const T13 = { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' } as const;
const T12 = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' } as const;

interface Scenario {
  name: string;
  server: (p: Pki) => tls.TlsOptions;
  client: (p: Pki) => tls.ConnectionOptions;
  run?: Parameters<typeof record>[0]['run'];
  version: number;
  suite: number;
  mutual?: boolean;
  helloRetry?: boolean;
  renegotiation?: boolean;
}

const once = (s: tls.TLSSocket, ev: string) => new Promise((r) => s.once(ev, r));

const SCENARIOS: Scenario[] = [
  { name: 'TLS 1.3 AES-128-GCM', version: 0x0304, suite: 0x1301, server: (p) => ({ ...T13, key: p.serverKey, cert: p.serverCert, ciphers: 'TLS_AES_128_GCM_SHA256' }), client: (p) => ({ ...T13, ca: p.serverCert, ciphers: 'TLS_AES_128_GCM_SHA256' }) },
  { name: 'TLS 1.3 AES-256-GCM', version: 0x0304, suite: 0x1302, server: (p) => ({ ...T13, key: p.serverKey, cert: p.serverCert, ciphers: 'TLS_AES_256_GCM_SHA384' }), client: (p) => ({ ...T13, ca: p.serverCert, ciphers: 'TLS_AES_256_GCM_SHA384' }) },
  { name: 'TLS 1.3 ChaCha20-Poly1305', version: 0x0304, suite: 0x1303, server: (p) => ({ ...T13, key: p.serverKey, cert: p.serverCert, ciphers: 'TLS_CHACHA20_POLY1305_SHA256' }), client: (p) => ({ ...T13, ca: p.serverCert, ciphers: 'TLS_CHACHA20_POLY1305_SHA256' }) },
  { name: 'TLS 1.3 AES-128-CCM-8', version: 0x0304, suite: 0x1305, server: (p) => ({ ...T13, key: p.serverKey, cert: p.serverCert, ciphers: 'TLS_AES_128_CCM_8_SHA256' }), client: (p) => ({ ...T13, ca: p.serverCert, ciphers: 'TLS_AES_128_CCM_8_SHA256' }) },
  {
    name: 'TLS 1.3 mutual TLS (CertificateRequest and client Certificate)',
    version: 0x0304,
    suite: 0x1302,
    mutual: true,
    server: (p) => ({ ...T13, key: p.serverKey, cert: p.serverCert, requestCert: true, rejectUnauthorized: true, ca: [p.clientCert] }),
    client: (p) => ({ ...T13, ca: p.serverCert, key: p.clientKey, cert: p.clientCert }),
  },
  {
    name: 'TLS 1.3 after a HelloRetryRequest (key share for a group the server does not pick)',
    version: 0x0304,
    suite: 0x1302,
    helloRetry: true,
    mutual: true,
    server: (p) => ({ ...T13, key: p.serverKey, cert: p.serverCert, ecdhCurve: 'P-256', requestCert: true, rejectUnauthorized: false, ca: [p.clientCert] }),
    client: (p) => ({ ...T13, ca: p.serverCert, ecdhCurve: 'X25519:P-256', key: p.clientKey, cert: p.clientCert }),
  },
  { name: 'TLS 1.2 AES-128-GCM', version: 0x0303, suite: 0xc02b, server: (p) => ({ ...T12, key: p.serverKey, cert: p.serverCert, ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' }), client: (p) => ({ ...T12, ca: p.serverCert, ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' }) },
  { name: 'TLS 1.2 AES-256-GCM (SHA-384 PRF)', version: 0x0303, suite: 0xc02c, server: (p) => ({ ...T12, key: p.serverKey, cert: p.serverCert, ciphers: 'ECDHE-ECDSA-AES256-GCM-SHA384' }), client: (p) => ({ ...T12, ca: p.serverCert, ciphers: 'ECDHE-ECDSA-AES256-GCM-SHA384' }) },
  { name: 'TLS 1.2 ChaCha20-Poly1305 (RFC 7905)', version: 0x0303, suite: 0xcca9, server: (p) => ({ ...T12, key: p.serverKey, cert: p.serverCert, ciphers: 'ECDHE-ECDSA-CHACHA20-POLY1305' }), client: (p) => ({ ...T12, ca: p.serverCert, ciphers: 'ECDHE-ECDSA-CHACHA20-POLY1305' }) },
  { name: 'TLS 1.2 AES-128-CCM (RFC 7251)', version: 0x0303, suite: 0xc0ac, server: (p) => ({ ...T12, key: p.serverKey, cert: p.serverCert, ciphers: 'ECDHE-ECDSA-AES128-CCM' }), client: (p) => ({ ...T12, ca: p.serverCert, ciphers: 'ECDHE-ECDSA-AES128-CCM' }) },
  { name: 'TLS 1.2 AES-128-CBC HMAC-SHA1, encrypt-then-MAC', version: 0x0303, suite: 0xc009, server: (p) => ({ ...T12, key: p.serverKey, cert: p.serverCert, ciphers: 'ECDHE-ECDSA-AES128-SHA' }), client: (p) => ({ ...T12, ca: p.serverCert, ciphers: 'ECDHE-ECDSA-AES128-SHA' }) },
  {
    name: 'TLS 1.2 AES-128-CBC HMAC-SHA1, MAC-then-encrypt',
    version: 0x0303,
    suite: 0xc009,
    server: (p) => ({ ...T12, key: p.serverKey, cert: p.serverCert, ciphers: 'ECDHE-ECDSA-AES128-SHA', secureOptions: constants.SSL_OP_NO_ENCRYPT_THEN_MAC }),
    client: (p) => ({ ...T12, ca: p.serverCert, ciphers: 'ECDHE-ECDSA-AES128-SHA', secureOptions: constants.SSL_OP_NO_ENCRYPT_THEN_MAC }),
  },
  { name: 'TLS 1.2 AES-256-CBC HMAC-SHA384', version: 0x0303, suite: 0xc024, server: (p) => ({ ...T12, key: p.serverKey, cert: p.serverCert, ciphers: 'ECDHE-ECDSA-AES256-SHA384' }), client: (p) => ({ ...T12, ca: p.serverCert, ciphers: 'ECDHE-ECDSA-AES256-SHA384' }) },
  { name: 'TLS 1.2 AES-128-CBC HMAC-SHA256', version: 0x0303, suite: 0xc023, server: (p) => ({ ...T12, key: p.serverKey, cert: p.serverCert, ciphers: 'ECDHE-ECDSA-AES128-SHA256', secureOptions: constants.SSL_OP_NO_ENCRYPT_THEN_MAC }), client: (p) => ({ ...T12, ca: p.serverCert, ciphers: 'ECDHE-ECDSA-AES128-SHA256', secureOptions: constants.SSL_OP_NO_ENCRYPT_THEN_MAC }) },
  {
    name: 'TLS 1.1 AES-256-CBC (explicit IV, MD5/SHA-1 PRF)',
    version: 0x0302,
    suite: 0xc00a,
    server: (p) => ({ minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', key: p.serverKey, cert: p.serverCert, ciphers: 'ECDHE-ECDSA-AES256-SHA@SECLEVEL=0' }),
    client: (p) => ({ minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ca: p.serverCert, ciphers: 'ECDHE-ECDSA-AES256-SHA@SECLEVEL=0' }),
  },
  {
    name: 'TLS 1.0 AES-128-CBC (chained IV), MAC-then-encrypt',
    version: 0x0301,
    suite: 0xc009,
    server: (p) => ({ minVersion: 'TLSv1', maxVersion: 'TLSv1', key: p.serverKey, cert: p.serverCert, ciphers: 'ECDHE-ECDSA-AES128-SHA@SECLEVEL=0', secureOptions: constants.SSL_OP_NO_ENCRYPT_THEN_MAC }),
    client: (p) => ({ minVersion: 'TLSv1', maxVersion: 'TLSv1', ca: p.serverCert, ciphers: 'ECDHE-ECDSA-AES128-SHA@SECLEVEL=0', secureOptions: constants.SSL_OP_NO_ENCRYPT_THEN_MAC }),
  },
  {
    name: 'TLS 1.2 renegotiation asking for a client certificate',
    version: 0x0303,
    suite: 0xc02b,
    mutual: true,
    renegotiation: true,
    // A full handshake, not a resumption, so that the renegotiation carries a CertificateRequest.
    server: (p) => ({ ...T12, key: p.serverKey, cert: p.serverCert, ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256', ca: [p.clientCert], secureOptions: constants.SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION }),
    client: (p) => ({ ...T12, ca: p.serverCert, ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256', key: p.clientKey, cert: p.clientCert }),
    run: async (client, server) => {
      client.on('data', () => {});
      client.write('before');
      await once(client, 'data');
      await new Promise<void>((r) => server()!.renegotiate({ requestCert: true, rejectUnauthorized: false }, () => r()));
      client.write('after');
      await once(client, 'data');
    },
  },
];

interface Run {
  rec: Recorded;
  pcap: string;
  keylogFile: string;
  a: Analysis;
}

const tlsSession = (a: Analysis): Session => {
  expect(a.sessions.length).toBe(1);
  return a.sessions[0]!;
};


describeWith(['openssl'], 'decrypting real sessions with their key logs', () => {
  let pki: Pki;
  const runs = new Map<string, Run>();
  beforeAll(async () => {
    pki = makePki();
    let i = 0;
    for (const sc of SCENARIOS) {
      const rec = await record({ server: sc.server(pki), client: sc.client(pki), ...(sc.run && { run: sc.run }) });
      const base = `s${i++}`;
      const keylogFile = join(pki.dir, `${base}.keylog`);
      writeFileSync(keylogFile, rec.keylog);
      const pcap = writePcap(pki.dir, base, rec);
      const a = await analyzeCapture(pcap, { keyLog: KeyLog.fromFiles([keylogFile]) });
      runs.set(sc.name, { rec, pcap, keylogFile, a });
    }
  });
  afterAll(() => pki?.cleanup());

  for (const sc of SCENARIOS) {
    describe(sc.name, () => {
      it('negotiated what the scenario asked for', () => {
        const { rec, a } = runs.get(sc.name)!;
        expect(rec.clientError).toBeUndefined();
        const s = tlsSession(a);
        expect([s.tls.version, s.tls.cipherSuite]).toEqual([sc.version, sc.suite]);
        expect(s.tls.helloRetry).toBe(sc.helloRetry === true);
      });

      it('decrypts: certificates are the ones the peers used; Finished and close_notify read', () => {
        const { a } = runs.get(sc.name)!;
        const s = tlsSession(a);
        expect(s.decrypted).toBe(true);
        expect(s.decryption?.status).toBe('decrypted');
        const server = s.certificateMessages.filter((m) => m.from === 'server');
        const client = s.certificateMessages.filter((m) => m.from === 'client');
        expect(a.pool.get(server[0]!.certificates[0]!.id)?.sha256).toBe(fingerprint(pki.serverCert));
        expect(server[0]!.decrypted).toBe(sc.version === 0x0304);
        if (sc.mutual) {
          expect(client.length).toBeGreaterThan(0);
          expect(a.pool.get(client[client.length - 1]!.certificates[0]!.id)?.sha256).toBe(fingerprint(pki.clientCert));
          const crs = s.tls.messages.filter((m) => m.kind === 'handshake' && m.type === 13);
          expect(crs.length).toBe(1);
          expect(crs.every((m) => m.kind === 'handshake' && m.decrypted === (sc.version === 0x0304 || sc.renegotiation === true))).toBe(true);
          // The server named the client's certificate as an acceptable CA (its `ca` option).
          expect(s.certificateRequest?.caNames.map((n) => n.text)).toEqual(['CN=client.decrypt.test']);
        }
        const finished = s.tls.messages.filter((m) => m.kind === 'handshake' && m.type === 20);
        expect(finished.length).toBe(sc.renegotiation ? 4 : 2);
        expect(finished.every((m) => m.kind === 'handshake' && m.decrypted)).toBe(true);
        const closeNotify = s.alerts.filter((x) => x.decrypted && x.level === 1 && x.description === 0);
        expect(closeNotify.length).toBeGreaterThan(0);
        expect(s.alerts.some((x) => x.encrypted)).toBe(false);
      });

      it('decryption adds no anomaly: the state machine takes decrypted messages as the protocol has them', async () => {
        const { a, pcap } = runs.get(sc.name)!;
        const plain = tlsSession(await analyzeCapture(pcap));
        const codes = (s: Session) => s.tls.anomalies.map((x) => `${x.code}: ${x.message}`);
        expect(codes(tlsSession(a))).toEqual(codes(plain));
        // Nothing failed in these sessions: the outcome is the one seen without keys.
        expect(tlsSession(a).tls.outcome.kind).toBe(plain.tls.outcome.kind);
      });

      it('agrees with tshark given the same key log', (ctx) => {
        needs(ctx, 'tshark');
        const { a, pcap, keylogFile } = runs.get(sc.name)!;
        const theirs = tsharkView(pcap, keylogFile);
        const ours = ourView(a);
        expect(ours).toEqual(theirs);
        if (sc.version === 0x0304) expect(theirs.certs.length).toBeGreaterThan(0);
      });
    });
  }

  describe('without keys, and with wrong keys', () => {
    it('no key log: TLS 1.3 certificates stay unseen (T7)', async () => {
      const { pcap } = runs.get(SCENARIOS[0]!.name)!;
      const a = await analyzeCapture(pcap);
      const s = tlsSession(a);
      expect([s.decrypted, s.decryption, s.certificateMessages.length]).toEqual([false, undefined, 0]);
    });

    it('a key log of another session: "no-keys", a note, nothing decrypted', async () => {
      const { pcap } = runs.get(SCENARIOS[0]!.name)!;
      const other = runs.get(SCENARIOS[1]!.name)!;
      const a = await analyzeCapture(pcap, { keyLog: KeyLog.fromFiles([other.keylogFile]) });
      const s = tlsSession(a);
      expect(s.decryption?.status).toBe('no-keys');
      expect(s.decrypted).toBe(false);
    });

    for (const which of [SCENARIOS[0]!, SCENARIOS.find((x) => x.name.includes('MAC-then-encrypt') && x.version === 0x0303)!, SCENARIOS.find((x) => x.version === 0x0301)!]) {
      it(`wrong secrets for the right client random (${which.name}): one failure note, no crash`, async () => {
        const { rec, pcap } = runs.get(which.name)!;
        // Flip one hex digit in every secret: same labels, same client randoms.
        const broken = rec.keylog.replace(/^(\S+ [0-9a-f]{64} )([0-9a-f])/gim, (_, head: string, d: string) => head + (d === '0' ? '1' : '0'));
        const k = new KeyLog();
        k.addText(broken, 'broken.keylog');
        const a = await analyzeCapture(pcap, { keyLog: k });
        const s = tlsSession(a);
        expect(s.decryption?.status).toBe('failed');
        expect(s.decryption?.note).toMatch(/do not decrypt it/);
        expect(s.decryption?.frame).toBeGreaterThan(0);
        expect(s.decrypted).toBe(false);
        // The session reads as it does without keys.
        const plain = tlsSession(await analyzeCapture(pcap));
        expect(s.tls.outcome).toEqual(plain.tls.outcome);
        expect(s.certificateMessages.length).toBe(plain.certificateMessages.length);
      });
    }
  });

  describe('long sessions', () => {
    for (const v of ['TLSv1.3', 'TLSv1.2'] as const) {
      it(`${v}: the close_notify after 1 MiB each way is read and listed; application data is counted, not listed`, async (ctx) => {
        const o = { minVersion: v, maxVersion: v } as const;
        const big = Buffer.alloc(1 << 20, 7);
        const rec = await record({
          server: { ...o, key: pki.serverKey, cert: pki.serverCert },
          client: { ...o, ca: pki.serverCert },
          run: async (c) => {
            let got = 0;
            await new Promise<void>((r) => {
              c.on('data', (d: Buffer) => {
                got += d.length;
                if (got >= big.length) r();
              });
              c.write(big);
            });
          },
        });
        const keylogFile = join(pki.dir, `long-${v}.keylog`);
        writeFileSync(keylogFile, rec.keylog);
        const pcap = writePcap(pki.dir, `long-${v}`, rec);
        const a = await analyzeCapture(pcap, { keyLog: KeyLog.fromFiles([keylogFile]) });
        const s = tlsSession(a);
        expect(s.decryption).toMatchObject({ status: 'decrypted', budgetReached: false });
        expect(s.tls.droppedMessages).toBe(0);
        expect(s.tls.unlistedApplicationData).toBeGreaterThan(100);
        expect(s.alerts.map((x) => [x.description, x.decrypted])).toEqual([
          [0, true],
          [0, true],
        ]);
        needs(ctx, 'tshark');
        expect(ourView(a)).toEqual(tsharkView(pcap, keylogFile));
      });
    }
  });

  describe('Decryption Secrets Blocks in pcapng', () => {
    for (const where of ['first', 'last'] as const) {
      it(`key log in a block ${where === 'first' ? 'before' : 'after'} the packets`, async () => {
        const sc = SCENARIOS.find((x) => x.mutual && x.version === 0x0304)!;
        const { rec } = runs.get(sc.name)!;
        const f = writePcapngWithSecrets(pki.dir, `dsb-${where}`, rec, where);
        const a = await analyzeCapture(f);
        const s = tlsSession(a);
        expect(s.decryption?.status).toBe('decrypted');
        expect(s.certificateMessages.map((m) => [m.from, m.decrypted])).toEqual([
          ['server', true],
          ['client', true],
        ]);
        expect(a.keyLog?.secretsBlocks).toBe(1);
      });
    }
  });
});
