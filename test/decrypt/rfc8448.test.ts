/**
 * RFC 8448 "Example Handshake Traces for TLS 1.3", section 3 ("Simple 1-RTT Handshake"): every
 * value below is copied from that section, under the name the trace gives it. The records are
 * the trace's complete records; AEAD tags make a wrong constant fail, never pass.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/bytes/index.js';
import { deriveSecret, hkdfExpandLabel, hkdfExtract, KeyLogDecryptor, KeyStore, parseKeyLog, Tls13Protection, trafficKeys, suiteFor, type AeadSuite } from '../../src/tls/decrypt/index.js';
import { feed, ladder } from '../tls/harness.js';

const h = (s: string): Uint8Array => fromHex(s)!;

// §3 {server} "extract secret "early"" (no PSK: IKM and salt all zero).
const EARLY_SECRET = '33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a';
// §3 {server} "derive secret for handshake "tls13 derived"".
const DERIVED_FOR_HANDSHAKE = '6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba';
// §3 {server} "extract secret "handshake"": IKM is the x25519 shared secret.
const ECDHE = '8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d';
const HANDSHAKE_SECRET = '1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac';
// §3 {server} "derive secret "tls13 c hs traffic"" / "tls13 s hs traffic": hash of ClientHello..ServerHello.
const HELLO_HASH = '860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8';
const C_HS_TRAFFIC = 'b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21';
const S_HS_TRAFFIC = 'b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38';
// §3 {server} "derive secret for master "tls13 derived"" and "extract secret "master"".
const DERIVED_FOR_MASTER = '43de77e0c77713859a944db9db2590b53190a65b3ee2e4f12dd7a0bb7ce254b4';
const MASTER_SECRET = '18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919';
// §3 {server} "derive secret "tls13 c ap traffic"" / "tls13 s ap traffic": hash of ClientHello..server Finished.
const FINISHED_HASH = '9608102a0f1ccc6db6250b7b7e417b1a000eaada3daae4777a7686c9ff83df13';
const C_AP_TRAFFIC = '9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5';
const S_AP_TRAFFIC = 'a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643';
// §3 "derive write traffic keys for handshake data" / "for application data" (key, iv).
const S_HS_KEY = '3fce516009c21727d0f2e4e86ee403bc';
const S_HS_IV = '5d313eb2671276ee13000b30';
const C_HS_KEY = 'dbfaa693d1762c5b666af5d950258d01';
const C_HS_IV = '5bd3c71b836e0b76bb73265f';
const S_AP_KEY = '9f02283b6c9c07efc26bb9f2ac92e356';
const S_AP_IV = 'cf782b88dd83549aadf1e984';
const C_AP_KEY = '17422dda596ed5d9acd890e3c63f5051';
const C_AP_IV = '5b78923dee08579033e523d9';
// §3 {server} "calculate finished "tls13 finished"" (finished key from the server handshake secret).
const S_FINISHED_KEY = '008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8';

// §3 {client} "send handshake record" (ClientHello) and {server} "send handshake record" (ServerHello).
const CH_RECORD =
  '16030100c4010000c00303cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7000006130113031302010000910000000b0009000006736572766572ff01000100000a00140012001d0017001800190100010101020103010400230000003300260024001d002099381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c002b0003020304000d0020001e040305030603020308040805080604010501060102010402050206020202002d00020101001c00024001';
const SH_RECORD =
  '160303005a020000560303a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e2692800130100002e00330024001d0020c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f002b00020304';
const CLIENT_RANDOM = 'cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7';
// §3 {server} "send handshake record": EncryptedExtensions, Certificate, CertificateVerify, Finished in one record.
const SERVER_FLIGHT_RECORD =
  '17030302a2d1ff334a56f5bff6594a07cc87b580233f500f45e489e7f33af35edf7869fcf40aa40aa2b8ea73f848a7ca07612ef9f945cb960b4068905123ea78b111b429ba9191cd05d2a389280f526134aadc7fc78c4b729df828b5ecf7b13bd9aefb0e57f271585b8ea9bb355c7c79020716cfb9b1183ef3ab20e37d57a6b9d7477609aee6e122a4cf51427325250c7d0e509289444c9b3a648f1d71035d2ed65b0e3cdd0cbae8bf2d0b227812cbb360987255cc744110c453baa4fcd610928d809810e4b7ed1a8fd991f06aa6248204797e36a6a73b70a2559c09ead686945ba246ab66e5edd8044b4c6de3fcf2a89441ac66272fd8fb330ef8190579b3684596c960bd596eea520a56a8d650f563aad27409960dca63d3e688611ea5e22f4415cf9538d51a200c27034272968a264ed6540c84838d89f72c24461aad6d26f59ecaba9acbbb317b66d902f4f292a36ac1b639c637ce343117b659622245317b49eeda0c6258f100d7d961ffb138647e92ea330faeea6dfa31c7a84dc3bd7e1b7a6c7178af36879018e3f252107f243d243dc7339d5684c8b0378bf30244da8c87c843f5e56eb4c5e8280a2b48052cf93b16499a66db7cca71e4599426f7d461e66f99882bd89fc50800becca62d6c74116dbd2972fda1fa80f85df881edbe5a37668936b335583b599186dc5c6918a396fa48a181d6b6fa4f9d62d513afbb992f2b992f67f8afe67f76913fa388cb5630c8ca01e0c65d11c66a1e2ac4c85977b7c7a6999bbf10dc35ae69f5515614636c0b9b68c19ed2e31c0b3b66763038ebba42f3b38edc0399f3a9f23faa63978c317fc9fa66a73f60f0504de93b5b845e275592c12335ee340bbc4fddd502784016e4b3be7ef04dda49f4b440a30cb5d2af939828fd4ae3794e44f94df5a631ede42c1719bfdabf0253fe5175be898e750edc53370d2b';
// §3 {client} "send handshake record" (Finished) and its plaintext "construct a Finished handshake message".
const CLIENT_FINISHED_RECORD = '170303003575ec4dc238cce60b298044a71e219c56cc77b0517fe9b93c7a4bfc44d87f38f80338ac98fc46deb384bd1caeacab6867d726c40546';
const CLIENT_FINISHED = '14000020a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61';
// §3 {server} "send handshake record" (NewSessionTicket, first record under the server application keys).
const TICKET_RECORD =
  '17030300de3a6b8f90414a97d6959c3487680de5134a2b240e6cffac116e95d41d6af8f6b580dcf3d11d63c758db289a015940252f55713e061dc13e078891a38efbcf5753ad8ef170ad3c7353d16d9da773b9ca7f2b9fa1b6c0d4a3d03f75e09c30ba1e62972ac46f75f7b981be63439b2999ce13064615139891d5e4c5b406f16e3fc181a77ca475840025db2f0a77f81b5ab05b94c01346755f69232c86519d86cbeeac87aac347d143f9605d64f650db4d023e70e952ca49fe5137121c74bc2697687e248746d6df353005f3bce18696129c8153556b3b6c6779b37bf15985684f';
// §3 {client} / {server} "send application_data record" (50 octets 00..31) and "send alert record" (close_notify).
const CLIENT_APP_RECORD = '1703030043a23f7054b62c94d0affafe8228ba55cbefacea42f914aa66bcab3f2b9819a8a5b46b395bd54a9a20441e2b62974e1f5a6292a2977014bd1e3deae63aeebb21694915e4';
const SERVER_APP_RECORD = '17030300432e937e11ef4ac740e538ad36005fc4a46932fc3225d05f82aa1b36e30efaf97d90e6dffc602dcb501a59a8fcc49c4bf2e5f0a21c0047c2abf332540dd032e167c2955d';
const CLIENT_ALERT_RECORD = '1703030013c9872760655666b74d7ff1153efd6db6d0b0e3';
const SERVER_ALERT_RECORD = '1703030013b58fd67166ebf599d24720cfbe7efa7a8864a9';
const COUNTING = toHex(Uint8Array.from({ length: 50 }, (_, i) => i));

const AES128: AeadSuite = suiteFor(0x1301, 0x0304) as AeadSuite;
const body = (rec: string) => h(rec).subarray(5);

describe('RFC 8448 §3 key schedule (RFC 8446 §7.1)', () => {
  const emptyHash = new Uint8Array(createHash('sha256').digest());
  it('early, handshake and master secrets', () => {
    const early = hkdfExtract('sha256', new Uint8Array(0), new Uint8Array(32));
    expect(toHex(early)).toBe(EARLY_SECRET);
    const d1 = deriveSecret('sha256', early, 'derived', emptyHash);
    expect(toHex(d1)).toBe(DERIVED_FOR_HANDSHAKE);
    const hs = hkdfExtract('sha256', d1, h(ECDHE));
    expect(toHex(hs)).toBe(HANDSHAKE_SECRET);
    const d2 = deriveSecret('sha256', hs, 'derived', emptyHash);
    expect(toHex(d2)).toBe(DERIVED_FOR_MASTER);
    expect(toHex(hkdfExtract('sha256', d2, new Uint8Array(32)))).toBe(MASTER_SECRET);
  });
  it('traffic secrets from the transcript hashes', () => {
    expect(toHex(deriveSecret('sha256', h(HANDSHAKE_SECRET), 'c hs traffic', h(HELLO_HASH)))).toBe(C_HS_TRAFFIC);
    expect(toHex(deriveSecret('sha256', h(HANDSHAKE_SECRET), 's hs traffic', h(HELLO_HASH)))).toBe(S_HS_TRAFFIC);
    expect(toHex(deriveSecret('sha256', h(MASTER_SECRET), 'c ap traffic', h(FINISHED_HASH)))).toBe(C_AP_TRAFFIC);
    expect(toHex(deriveSecret('sha256', h(MASTER_SECRET), 's ap traffic', h(FINISHED_HASH)))).toBe(S_AP_TRAFFIC);
  });
  it('write keys and IVs (RFC 8446 §7.3) and the finished key (§4.4.4)', () => {
    const pairs: [string, string, string][] = [
      [S_HS_TRAFFIC, S_HS_KEY, S_HS_IV],
      [C_HS_TRAFFIC, C_HS_KEY, C_HS_IV],
      [S_AP_TRAFFIC, S_AP_KEY, S_AP_IV],
      [C_AP_TRAFFIC, C_AP_KEY, C_AP_IV],
    ];
    for (const [secret, key, iv] of pairs) {
      const k = trafficKeys('sha256', h(secret), 16, 12);
      expect([toHex(k.key), toHex(k.iv)]).toEqual([key, iv]);
    }
    expect(toHex(hkdfExpandLabel('sha256', h(S_HS_TRAFFIC), 'finished', new Uint8Array(0), 32))).toBe(S_FINISHED_KEY);
  });
});

describe('RFC 8448 §3 record protection (RFC 8446 §5.2, §5.3)', () => {
  it('opens the server flight: EncryptedExtensions, Certificate, CertificateVerify, Finished', () => {
    const p = new Tls13Protection(AES128, h(S_HS_TRAFFIC));
    const r = p.open(23, 0x0303, body(SERVER_FLIGHT_RECORD), 0);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.contentType).toBe(22);
    expect(r.data.length).toBe(657);
    // Walk the messages: types and lengths must tile the plaintext exactly.
    const types: number[] = [];
    for (let i = 0; i < r.data.length; ) {
      types.push(r.data[i]!);
      i += 4 + ((r.data[i + 1]! << 16) | (r.data[i + 2]! << 8) | r.data[i + 3]!);
      expect(i).toBeLessThanOrEqual(r.data.length);
    }
    expect(types).toEqual([8, 11, 15, 20]);
  });
  it('opens the client Finished', () => {
    const r = new Tls13Protection(AES128, h(C_HS_TRAFFIC)).open(23, 0x0303, body(CLIENT_FINISHED_RECORD), 0);
    expect(r.ok && [r.contentType, toHex(r.data)]).toEqual([22, CLIENT_FINISHED]);
  });
  it('application data and close_notify, with per-direction sequence numbers', () => {
    const s = new Tls13Protection(AES128, h(S_AP_TRAFFIC));
    const c = new Tls13Protection(AES128, h(C_AP_TRAFFIC));
    const t = s.open(23, 0x0303, body(TICKET_RECORD), 0);
    expect(t.ok && [t.contentType, t.data[0]]).toEqual([22, 4]);
    const sa = s.open(23, 0x0303, body(SERVER_APP_RECORD), 1);
    expect(sa.ok && [sa.contentType, toHex(sa.data)]).toEqual([23, COUNTING]);
    const ca = c.open(23, 0x0303, body(CLIENT_APP_RECORD), 0);
    expect(ca.ok && [ca.contentType, toHex(ca.data)]).toEqual([23, COUNTING]);
    const sal = s.open(23, 0x0303, body(SERVER_ALERT_RECORD), 2);
    expect(sal.ok && [sal.contentType, toHex(sal.data)]).toEqual([21, '0100']);
    const cal = c.open(23, 0x0303, body(CLIENT_ALERT_RECORD), 1);
    expect(cal.ok && [cal.contentType, toHex(cal.data)]).toEqual([21, '0100']);
  });
  it('a wrong sequence number or a flipped bit fails authentication', () => {
    const c = new Tls13Protection(AES128, h(C_AP_TRAFFIC));
    expect(c.open(23, 0x0303, body(CLIENT_APP_RECORD), 1)).toMatchObject({ ok: false, why: 'auth' });
    const bad = body(CLIENT_APP_RECORD).slice();
    bad[3]! ^= 1;
    expect(c.open(23, 0x0303, bad, 0)).toMatchObject({ ok: false, why: 'auth' });
    // The header is additional data (RFC 8446 §5.2): a different record version does not verify.
    expect(c.open(23, 0x0301, body(CLIENT_APP_RECORD), 0)).toMatchObject({ ok: false, why: 'auth' });
  });
});

describe('RFC 8448 §3 through the connection with a key log', () => {
  const keylog = [
    '# RFC 8448 section 3 secrets in NSS key log form',
    `CLIENT_HANDSHAKE_TRAFFIC_SECRET ${CLIENT_RANDOM} ${C_HS_TRAFFIC}`,
    `SERVER_HANDSHAKE_TRAFFIC_SECRET ${CLIENT_RANDOM} ${S_HS_TRAFFIC}`,
    `CLIENT_TRAFFIC_SECRET_0 ${CLIENT_RANDOM} ${C_AP_TRAFFIC}`,
    `SERVER_TRAFFIC_SECRET_0 ${CLIENT_RANDOM} ${S_AP_TRAFFIC}`,
  ].join('\n');
  const conversation = [
    { dir: 0 as const, bytes: h(CH_RECORD) },
    { dir: 1 as const, bytes: h(SH_RECORD) },
    { dir: 1 as const, bytes: h(SERVER_FLIGHT_RECORD) },
    { dir: 0 as const, bytes: h(CLIENT_FINISHED_RECORD) },
    { dir: 1 as const, bytes: h(TICKET_RECORD) },
    { dir: 0 as const, bytes: h(CLIENT_APP_RECORD) },
    { dir: 1 as const, bytes: h(SERVER_APP_RECORD) },
    { dir: 0 as const, bytes: h(CLIENT_ALERT_RECORD) },
    { dir: 1 as const, bytes: h(SERVER_ALERT_RECORD) },
  ];

  function run(text: string) {
    const store = new KeyStore();
    store.addAll(parseKeyLog(text).entries);
    const decryptor = new KeyLogDecryptor({ lookup: (cr) => store.get(cr) });
    const fed = feed(conversation, { decryptor });
    return { conn: fed.conn, report: decryptor.report() };
  }

  it('decrypts every message and both close_notify alerts', () => {
    const { conn, report } = run(keylog);
    expect(ladder(conn)).toBe(
      '0:ClientHello 1:ServerHello 1:hs8 1:Certificate 1:CertificateVerify 1:Finished 0:Finished 1:NewSessionTicket 0:AppData 1:AppData 0:Alert(1,0) 1:Alert(1,0)',
    );
    const decrypted = conn.messages.filter((m) => m.kind === 'handshake' && m.decrypted).length;
    expect(decrypted).toBe(6);
    const cert = conn.messages.find((m) => m.kind === 'handshake' && m.type === 11);
    expect(cert?.kind === 'handshake' && cert.body?.kind === 'certificate' && cert.body.certificates.length).toBe(1);
    expect(conn.messages.filter((m) => m.kind === 'alert').every((m) => m.kind === 'alert' && m.decrypted && !m.encrypted)).toBe(true);
    expect(report).toMatchObject({ status: 'decrypted', records: 7, missing: [] });
  });

  it('without the application traffic secrets: the handshake decrypts, the alerts stay encrypted', () => {
    const { conn, report } = run(keylog.split('\n').slice(0, 3).join('\n'));
    expect(ladder(conn)).toContain('1:Finished 0:Finished');
    expect(conn.messages.filter((m) => m.kind === 'alert').every((m) => m.kind === 'alert' && !m.decrypted)).toBe(true);
    expect(report.status).toBe('decrypted');
    expect(report.missing).toEqual(['CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0']);
    expect(report.note).toMatch(/TRAFFIC_SECRET_0 is not in the key log/);
  });

  it('a key log for another session: nothing decrypted, one clear note, no throw', () => {
    const wrong = keylog.replace(/b3eddb12/g, 'b3eddb13').replace(/b67b7d69/g, 'b67b7d68');
    const { conn, report } = run(wrong);
    expect(conn.messages.some((m) => m.kind === 'handshake' && m.decrypted)).toBe(false);
    expect(report.status).toBe('failed');
    expect(report.frame).toBe(3);
    expect(report.note).toMatch(/do not decrypt it/);
    expect(report.note).not.toMatch(/[0-9a-f]{16}/);
  });

  it('no key log line for this client random', () => {
    const { report } = run(keylog.replaceAll(CLIENT_RANDOM, 'ab'.repeat(32)));
    expect(report.status).toBe('no-keys');
  });
});
