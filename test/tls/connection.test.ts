import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/bytes/index.js';
import type { HandshakeMessage, TlsDecryptor } from '../../src/tls/index.js';
import { ascii, cat, certificate12, clientHello, fill, hs, record, serverHello, u16, vec16, vec8 } from './build.js';
import { coalesce, feed, ladder, loadFixture, resegment, type Segment } from './harness.js';

const FULL_12 =
  '0:ClientHello 1:ServerHello 1:Certificate 1:ServerKeyExchange 1:CertificateRequest 1:ServerHelloDone ' +
  '0:Certificate 0:ClientKeyExchange 0:CertificateVerify 0:CCS 0:EncryptedHandshake ' +
  '1:NewSessionTicket 1:CCS 1:EncryptedHandshake 1:AppData 1:EncryptedAlert 0:EncryptedAlert';

function handshakes(segs: readonly Segment[]): HandshakeMessage[] {
  return feed(segs).conn.messages.filter((m): m is HandshakeMessage => m.kind === 'handshake');
}

/** Message identity for comparing two parses: kind, direction, type and the kept bytes. */
function fingerprint(segs: readonly Segment[]): string[] {
  return feed(segs).conn.messages.map((m) => `${m.kind}/${m.dir}/${m.kind === 'handshake' ? `${m.type}/${toHex(m.bytes)}` : ''}`);
}

/** Rewrites every plaintext handshake record (before the direction's CCS) into records of at most `size` body bytes. */
function rerecord(segs: readonly Segment[], size: number): Segment[] {
  const ccs = [false, false];
  return segs.map((s) => {
    if (!s.bytes) return s;
    const out: Uint8Array[] = [];
    let p = 0;
    const b = s.bytes;
    while (p + 5 <= b.length) {
      const t = b[p]!;
      const len = (b[p + 3]! << 8) | b[p + 4]!;
      const body = b.subarray(p + 5, p + 5 + len);
      if (t === 22 && !ccs[s.dir]) for (let q = 0; q < body.length; q += size) out.push(record(22, body.subarray(q, q + size)));
      else out.push(b.subarray(p, p + 5 + len));
      if (t === 20) ccs[s.dir] = true;
      p += 5 + len;
    }
    return { dir: s.dir, bytes: cat(...out) };
  });
}

describe('recorded conversations', () => {
  it('TLS 1.2 mutual authentication completes; roles, certificates and CertificateRequest', () => {
    const { conn } = feed(loadFixture('tls12-mutual-ok'));
    expect(ladder(conn)).toBe(FULL_12);
    const s = conn.summary();
    expect(s.isTls).toBe(true);
    expect(s.clientDir).toBe(0);
    expect(s.version).toBe(0x0303);
    expect(s.keyExchange).toBe('ECDHE_RSA');
    expect(s.outcome).toMatchObject({ kind: 'completed' });
    expect(s.certificateRequested).toBe(true);
    // The server sends its chain with the CA; the client its certificate and the CA.
    expect(s.clientCertificates).toBe(2);
    expect(s.serverCertificates).toBe(2);
    expect(s.anomalies).toEqual([]);
    const [ch, , cert, , cr] = handshakes(loadFixture('tls12-mutual-ok'));
    expect(ch!.body?.kind === 'client-hello' && ch!.body.serverName).toBe('server.example.test');
    expect(cert!.body?.kind === 'certificate' && cert!.body.certificates[0]!.der[0]).toBe(0x30);
    expect(cr!.body?.kind === 'certificate-request' && cr!.body.certificateAuthorities.map((c) => c.text)).toEqual(['CN=Example Root CA,O=Example Test,C=GB']);
    expect(cert!.frame).toBe(2);
    expect(cert!.frames).toEqual([2]);
  });

  it('rule T8: the server closes after the client Finished without an alert', () => {
    const s = feed(loadFixture('tls12-client-cert-rejected')).conn.summary();
    expect(s.outcome).toMatchObject({ kind: 'closed', end: { by: 'server', reason: 'fin', frame: 4 } });
    expect(s.lastFromClient?.what).toBe('EncryptedHandshake');
    expect(s.lastFromServer?.what).toBe('ServerHelloDone');
    expect(s.silentRejection).toMatchObject({ by: 'server', reason: 'server-closed-after-client-certificate' });
  });

  it('alert from the server after the client Certificate (rule T6)', () => {
    const segs = loadFixture('tls12-client-cert-rejected').slice(0, 3);
    segs.push({ dir: 1, bytes: record(21, [2, 42]) }, { dir: 1, end: 'fin' });
    const s = feed(segs).conn.summary();
    expect(s.outcome).toMatchObject({ kind: 'alert', alert: { by: 'server', level: 2, description: 42, encrypted: false, frame: 4, after: { dir: 0, what: 'EncryptedHandshake' } } });
    expect(s.silentRejection).toBeUndefined();
  });

  it('encrypted alert after ChangeCipherSpec is reported with its size, not a guessed code', () => {
    const segs = loadFixture('tls12-client-cert-rejected').slice(0, 3);
    segs.push({ dir: 1, bytes: cat(record(20, [1]), record(21, fill(26))) });
    const s = feed(segs).conn.summary();
    expect(s.outcome).toMatchObject({ kind: 'alert', alert: { by: 'server', encrypted: true, length: 26 } });
    expect(s.outcome.kind === 'alert' && s.outcome.alert.description).toBeUndefined();
  });

  it('a handshake_failure alert answering the ClientHello', () => {
    const s = feed(loadFixture('tls12-handshake-failure')).conn.summary();
    expect(s.outcome).toMatchObject({ kind: 'alert', alert: { by: 'server', level: 2, description: 40, after: { what: 'ClientHello' } } });
  });

  it('resumed TLS 1.2 handshake (ticket), no certificates', () => {
    const { conn } = feed(loadFixture('tls12-resumed'));
    expect(ladder(conn)).toBe('0:ClientHello 1:ServerHello 1:CCS 1:EncryptedHandshake 0:CCS 0:EncryptedHandshake 1:AppData 1:EncryptedAlert 0:EncryptedAlert');
    const s = conn.summary();
    expect(s.outcome).toMatchObject({ kind: 'resumed', how: 'ticket' });
    expect(s.serverCertificates).toBeUndefined();
  });

  it('TLS 1.3: only the hellos are readable (rule T7)', () => {
    const { conn } = feed(loadFixture('tls13-mutual'));
    const s = conn.summary();
    expect(s.tls13).toBe(true);
    expect(s.version).toBe(0x0304);
    expect(s.outcome).toMatchObject({ kind: 'tls13', resumed: false, end: { by: 'server' } });
    expect(conn.messages.filter((m) => m.kind === 'handshake').length).toBe(2);
    expect(s.anomalies).toEqual([]);
  });
});

describe('reassembly', () => {
  const segs = loadFixture('tls12-mutual-ok');
  const want = fingerprint(segs);

  it('records and messages split at every byte (one-byte segments)', () => {
    const one = resegment(segs, 1);
    expect(fingerprint(one)).toEqual(want);
    const { conn } = feed(one);
    const cert = conn.messages.find((m) => m.kind === 'handshake' && m.type === 11 && m.dir === 1) as HandshakeMessage;
    expect(cert.frames.length).toBe(cert.length + 4);
  });

  it('every split point of the server flight gives the same messages', () => {
    const flight = segs[1]!.bytes!;
    for (let k = 1; k < flight.length; k += k < 700 ? 1 : 13) {
      const split: Segment[] = [segs[0]!, { dir: 1, bytes: flight.subarray(0, k) }, { dir: 1, bytes: flight.subarray(k) }, ...segs.slice(2)];
      expect(fingerprint(split)).toEqual(want);
    }
  });

  it('odd segment sizes and coalesced segments', () => {
    for (const n of [2, 3, 5, 7, 11, 64, 1460]) expect(fingerprint(resegment(segs, n))).toEqual(want);
    expect(fingerprint(resegment(segs, (i) => ((i * 7919) % 97) + 1))).toEqual(want);
    expect(fingerprint(coalesce(segs))).toEqual(want);
  });

  it('handshake messages split across many records, and the frames that carried them', () => {
    for (const size of [1, 17, 100, 1000]) {
      const r = rerecord(segs, size);
      const got = handshakes(r).map((m) => toHex(m.bytes));
      expect(got).toEqual(handshakes(segs).map((m) => toHex(m.bytes)));
    }
    const { conn } = feed(resegment(rerecord(segs, 100), 300));
    const cert = conn.messages.find((m) => m.kind === 'handshake' && m.type === 11 && m.dir === 1) as HandshakeMessage;
    expect(cert.frames.length).toBeGreaterThan(5);
    expect(cert.frame).toBe(cert.frames[cert.frames.length - 1]);
    expect(conn.summary().anomalies).toEqual([]);
  });

  it('a gap inside a Certificate marks it, keeps the chain of later messages', () => {
    const flight = segs[1]!.bytes!;
    const cut: Segment[] = [segs[0]!, { dir: 1, bytes: flight.subarray(0, 500) }, { dir: 1, bytes: flight.subarray(600), gapBefore: 100 }, ...segs.slice(2)];
    const { conn } = feed(cut);
    const s = conn.summary();
    expect(s.anomalies.map((a) => a.code)).toContain('gap-in-handshake');
    const cert = conn.messages.find((m) => m.kind === 'handshake' && m.type === 11 && m.dir === 1) as HandshakeMessage;
    expect(cert.truncated).toBe(true);
    expect(ladder(conn)).toContain('1:ServerKeyExchange 1:CertificateRequest 1:ServerHelloDone');
    expect(s.outcome.kind).toBe('completed');
  });
});

describe('where TLS starts', () => {
  const segs = loadFixture('tls12-mutual-ok');
  const cases: [string, Segment[], string][] = [
    ['imap-starttls', [{ dir: 1, bytes: ascii('* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n') }, { dir: 0, bytes: ascii('a1 STARTTLS\r\n') }, { dir: 1, bytes: ascii('a1 OK Begin TLS negotiation now\r\n') }], 'imap'],
    ['smtp-starttls', [{ dir: 1, bytes: ascii('220 mail.example.com ESMTP\r\n') }, { dir: 0, bytes: ascii('EHLO client\r\n') }, { dir: 1, bytes: ascii('250-mail\r\n250 STARTTLS\r\n') }, { dir: 0, bytes: ascii('STARTTLS\r\n') }, { dir: 1, bytes: ascii('220 Go ahead\r\n') }], 'smtp'],
    ['pop3-stls', [{ dir: 1, bytes: ascii('+OK POP3 ready\r\n') }, { dir: 0, bytes: ascii('STLS\r\n') }, { dir: 1, bytes: ascii('+OK Begin TLS\r\n') }], 'pop3'],
    ['ftp-auth-tls', [{ dir: 1, bytes: ascii('220 FTP ready\r\n') }, { dir: 0, bytes: ascii('AUTH TLS\r\n') }, { dir: 1, bytes: ascii('234 AUTH TLS OK\r\n') }], 'ftp'],
    ['xmpp-starttls', [{ dir: 0, bytes: ascii("<?xml version='1.0'?><stream:stream to='example.com' xmlns='jabber:client'>") }, { dir: 1, bytes: ascii('<stream:stream from="example.com"><stream:features><starttls/></stream:features>') }, { dir: 0, bytes: ascii("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>") }, { dir: 1, bytes: ascii("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>") }], 'xmpp'],
    ['postgresql-sslrequest', [{ dir: 0, bytes: Uint8Array.from([0, 0, 0, 8, 4, 0xd2, 0x16, 0x2f]) }, { dir: 1, bytes: ascii('S') }], 'pg'],
    ['ldap-starttls', [{ dir: 0, bytes: cat([0x30, 0x1d, 0x02, 0x01, 0x01, 0x77, 0x18, 0x80, 0x16], ascii('1.3.6.1.4.1.1466.20037')) }, { dir: 1, bytes: Uint8Array.from([0x30, 0x0c, 0x02, 0x01, 0x01, 0x78, 0x07, 0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00]) }], 'ldap'],
    ['http-connect', [{ dir: 0, bytes: ascii('CONNECT server.example.test:443 HTTP/1.1\r\nHost: server.example.test:443\r\n\r\n') }, { dir: 1, bytes: ascii('HTTP/1.1 200 Connection established\r\n\r\n') }], 'http'],
    ['socks5', [{ dir: 0, bytes: Uint8Array.from([5, 1, 0]) }, { dir: 1, bytes: Uint8Array.from([5, 0]) }, { dir: 0, bytes: Uint8Array.from([5, 1, 0, 1, 10, 0, 0, 1, 1, 187]) }, { dir: 1, bytes: Uint8Array.from([5, 0, 0, 1, 10, 0, 0, 1, 1, 187]) }], 'socks'],
  ];
  for (const [protocol, pre] of cases) {
    it(`after a ${protocol} preamble`, () => {
      const { conn } = feed([...pre, ...segs]);
      const s = conn.summary();
      expect(ladder(conn)).toBe(FULL_12);
      const bytes = pre.reduce((a, p) => a + p.bytes!.length, 0);
      expect(s.preamble).toEqual(expect.objectContaining({ protocol, bytes }));
      expect(s.outcome.kind).toBe('completed');
    });
  }

  it('a preamble split into single bytes', () => {
    const { conn } = feed(resegment([...cases[0]![1], ...segs], 1));
    expect(conn.summary().preamble?.protocol).toBe('imap-starttls');
    expect(ladder(conn)).toBe(FULL_12);
  });

  it('a capture that starts in the middle of the server flight', () => {
    const flight = segs[1]!.bytes!;
    const cut: Segment[] = [segs[0]!, { dir: 1, bytes: flight.subarray(1000), gapBefore: 1000 }, ...segs.slice(2)];
    const { conn } = feed(cut);
    const s = conn.summary();
    expect(s.midStream).toEqual([false, true]);
    expect(ladder(conn)).toContain('0:ClientHello 1:ServerKeyExchange 1:CertificateRequest 1:ServerHelloDone 0:Certificate');
    expect(s.outcome.kind).toBe('completed');
  });

  it('a capture of application data only, started mid-record', () => {
    const stream = cat(...Array.from({ length: 40 }, (_, i) => record(23, fill(200 + i, i))));
    const { conn, ignoredAt } = feed([{ dir: 0, bytes: stream.subarray(77, 3000), gapBefore: 77 }, { dir: 0, bytes: stream.subarray(3000) }], { startOffsets: [0, 0] });
    const s = conn.summary();
    expect(s.isTls).toBe(true);
    expect(s.midStream[0]).toBe(true);
    expect(s.outcome.kind).toBe('no-handshake');
    expect(ignoredAt).toBeDefined();
  });

  it('SSLv2-compatible ClientHello then a TLS server', () => {
    const specs = [0x00, 0xc0, 0x2f, 0x00, 0x00, 0x2f];
    const body = cat([1, 3, 1], u16(specs.length), u16(0), u16(16), specs, fill(16, 0xab));
    const v2 = cat(u16(0x8000 | body.length), body);
    const { conn } = feed([{ dir: 0, bytes: v2 }, { dir: 1, bytes: record(22, cat(serverHello({ version: 0x0301 }), hs(14))) }]);
    const ch = conn.messages[0] as HandshakeMessage;
    expect(ch.sslv2).toBe(true);
    expect(ch.body?.kind === 'client-hello' && ch.body.cipherSuites).toEqual([0xc02f, 0x002f]);
    expect(conn.summary().clientDir).toBe(0);
    expect(ladder(conn)).toBe('0:ClientHello 1:ServerHello 1:ServerHelloDone');
  });

  it('the TLS client need not be the TCP initiator (rule T1)', () => {
    const swapped = segs.map((s) => ({ ...s, dir: (1 - s.dir) as 0 | 1 }));
    expect(feed(swapped).conn.summary().clientDir).toBe(1);
  });
});

describe('not TLS, set aside cheaply', () => {
  const cases: [string, string, string][] = [
    ['ssh', 'SSH-2.0-OpenSSH_9.6\r\n', 'ssh'],
    ['http', 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', 'http'],
    ['sip', 'INVITE sip:alice@example.com SIP/2.0\r\nVia: SIP/2.0/TCP x\r\n\r\n', 'sip'],
    ['sip options', 'OPTIONS sip:bob@example.com SIP/2.0\r\n', 'sip'],
  ];
  for (const [name, text, reason] of cases) {
    it(name, () => {
      const f = feed([{ dir: 0, bytes: ascii(text) }, { dir: 1, bytes: ascii('whatever comes back') }]);
      expect(f.ignoredAt).toBe(1);
      expect(f.conn.summary()).toMatchObject({ isTls: false, notTls: reason, outcome: { kind: 'not-tls' } });
    });
  }
  it('an SSH banner on port 2222 from the server side (rule X5)', () => {
    const f = feed([{ dir: 1, bytes: ascii('SSH-2.0-OpenSSH_8.0\r\n') }]);
    expect(f.conn.summary().notTls).toBe('ssh');
  });
  it('binary junk without a TLS start within the scan limit', () => {
    let seed = 1;
    const junk = Uint8Array.from({ length: 9000 }, () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16) & 0x3f);
    const f = feed(resegment([{ dir: 0, bytes: junk }, { dir: 1, bytes: junk }], 1000), { limits: { preambleScanBytes: 4096 } });
    expect(f.ignoredAt).toBeDefined();
    expect(f.conn.summary().isTls).toBe(false);
  });
});

describe('cost and limits', () => {
  it('answers ignore a few records after the handshake and keeps no application data', () => {
    const segs = loadFixture('tls12-mutual-ok').slice(0, 4);
    const bulk: Segment[] = [];
    for (let i = 0; i < 500; i++) bulk.push({ dir: (i % 2) as 0 | 1, bytes: record(23, fill(1400, i)) });
    const f = feed([...segs, ...bulk], { endReason: null });
    expect(f.ignoredAt).toBeDefined();
    expect(f.ignoredAt!).toBeLessThanOrEqual(4 + 4);
    expect(f.conn.summary().setAside?.why).toBe('handshake-over');
    expect(f.conn.summary().outcome.kind).toBe('completed');
  });

  it('TLS 1.3 connections are set aside after a bounded number of records', () => {
    const segs = loadFixture('tls13-mutual').filter((s) => !s.end);
    const bulk: Segment[] = Array.from({ length: 100 }, (_, i) => ({ dir: (i % 2) as 0 | 1, bytes: record(23, fill(500)) }));
    const f = feed([...segs, ...bulk], { endReason: null });
    expect(f.ignoredAt).toBeDefined();
    expect(f.conn.summary().outcome).toMatchObject({ kind: 'tls13' });
  });

  it('a record claiming more than 2^14 + 2048 bytes is an anomaly, not an allocation', () => {
    const f = feed([{ dir: 0, bytes: record(22, clientHello()) }, { dir: 1, bytes: Uint8Array.from([22, 3, 3, 0xff, 0xff, 2, 0, 0, 0]) }]);
    const a = f.conn.summary().anomalies.find((x) => x.code === 'record-too-long');
    expect(a).toMatchObject({ dir: 1, frame: 2 });
  });

  it('a Certificate claiming 2^24 - 1 bytes keeps only the limit and says so', () => {
    const hostile = cat([11, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfc], fill(3000, 0x30));
    const segs: Segment[] = [{ dir: 0, bytes: record(22, clientHello()) }, { dir: 1, bytes: record(22, serverHello()) }];
    for (let p = 0; p < hostile.length; p += 1000) segs.push({ dir: 1, bytes: record(22, hostile.subarray(p, p + 1000)) });
    const f = feed(segs, { limits: { maxMessageBytes: 2048 } });
    const s = f.conn.summary();
    expect(s.anomalies.find((a) => a.code === 'message-too-long')).toMatchObject({ dir: 1, frame: 3 });
    const cert = f.conn.messages.find((m) => m.kind === 'handshake' && m.type === 11) as HandshakeMessage;
    expect(cert.bytes.length).toBeLessThanOrEqual(2048);
    expect(cert.truncated).toBe(true);
  });

  it('limits the messages listed per connection but still follows the handshake', () => {
    const f = feed(loadFixture('tls12-mutual-ok'), { limits: { maxMessages: 5 } });
    const s = f.conn.summary();
    expect(s.messages.length).toBe(5);
    expect(s.droppedMessages).toBeGreaterThan(0);
    expect(s.outcome.kind).toBe('completed');
    expect(s.anomalies.filter((a) => a.code === 'too-many-messages').length).toBe(1);
  });

  it('random and mutated input never throws', () => {
    const base = loadFixture('tls12-mutual-ok');
    let seed = 42;
    const rnd = (n: number): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
    for (let round = 0; round < 200; round++) {
      const segs = base.map((s) => {
        if (!s.bytes) return s;
        const b = s.bytes.slice();
        for (let k = 0; k < 1 + rnd(4); k++) b[rnd(b.length)] = rnd(256);
        return { dir: s.dir, bytes: b };
      });
      expect(() => feed(resegment(segs, 1 + rnd(600))).conn.summary()).not.toThrow();
    }
  });
});

describe('decryption seam', () => {
  it('plaintext from a decryptor is reassembled and decoded like any message', () => {
    const seen: number[] = [];
    let hello = 0;
    const decryptor: TlsDecryptor = {
      hello: (h) => {
        hello = h.cipherSuite;
        expect(h.clientRandom?.length).toBe(32);
      },
      decrypt: (r) => {
        seen.push(r.contentType);
        return r.contentType === 22 ? { contentType: 22, data: hs(20, fill(12, r.dir)) } : undefined;
      },
    };
    const { conn } = feed(loadFixture('tls12-mutual-ok'), { decryptor });
    expect(hello).toBe(0xc02f);
    expect(seen).toContain(22);
    const fin = conn.messages.filter((m): m is HandshakeMessage => m.kind === 'handshake' && m.type === 20);
    expect(fin.map((m) => [m.dir, m.decrypted])).toEqual([
      [0, true],
      [1, true],
    ]);
  });
});

describe('ClientHello fields survive the record layer', () => {
  it('ALPN and SNI from a built hello', () => {
    const ch = clientHello({ extensions: [cat(u16(16), vec16(vec16(vec8(ascii('sip')))))] });
    const { conn } = feed([{ dir: 0, bytes: record(22, ch, 0x0301) }]);
    const m = conn.messages[0] as HandshakeMessage;
    expect(m.recordVersion).toBe(0x0301);
    expect(m.body?.kind === 'client-hello' && m.body.alpn).toEqual(['sip']);
    expect(conn.summary().outcome).toMatchObject({ kind: 'capture-ended', after: { what: 'ClientHello' } });
  });
  it('a Certificate of three large certificates across many records and segments', () => {
    const cert = certificate12(fill(2400, 0x30), fill(2400, 0x31), fill(1800, 0x32));
    const body = cat(serverHello(), cert, hs(14));
    const recs = [];
    for (let p = 0; p < body.length; p += 4000) recs.push(record(22, body.subarray(p, p + 4000)));
    const segs = resegment([{ dir: 0, bytes: record(22, clientHello()) }, { dir: 1, bytes: cat(...recs) }], 1448);
    const { conn } = feed(segs);
    const m = conn.messages.find((x) => x.kind === 'handshake' && x.type === 11) as HandshakeMessage;
    expect(m.body?.kind === 'certificate' && m.body.certificates.map((c) => c.der.length)).toEqual([2400, 2400, 1800]);
    expect(m.frames.length).toBeGreaterThanOrEqual(5);
  });
});
