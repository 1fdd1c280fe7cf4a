/**
 * A TlsDecryptor for one TCP connection, fed by key log secrets. It holds per direction only the
 * current and next keys, a sequence number and a 4-byte handshake header: nothing grows with the
 * connection, and a record's plaintext is handed back and forgotten.
 *
 * TLS 1.3 (RFC 8446): handshake traffic secrets from the ServerHello on; each side switches to its
 * application traffic secret after its own Finished (§4.4.4, §7.1), and to the next one after a
 * KeyUpdate (§4.6.3, §7.2). Sequence numbers restart at 0 with every key (§5.3).
 * TLS 1.0–1.2: the master secret gives a key block (RFC 5246 §6.3) whose keys take effect after
 * each side's ChangeCipherSpec, i.e. for the first protected record the connection hands over. A
 * renegotiation's new keys are taken at the first record that the old keys do not open and the new
 * ones do (the ChangeCipherSpec itself is not handed over).
 */
import type { Dir } from '../../net/types.js';
import type { HelloSecrets, Plaintext, ProtectedRecord, TlsDecryptor } from '../connection.js';
import { cipherSuiteName, versionName } from '../names.js';
import { HASH_LENGTH, keyBlock, nextTrafficSecret } from './kdf.js';
import { LABEL_OF, type SecretLabel, type SessionSecrets } from './keylog.js';
import { Tls12Aead, Tls12Cbc, Tls13Protection, type Opened, type RecordOpener, type Tls12Protection } from './protection.js';
import { suiteFor, type AeadSuite } from './suites.js';

export interface KeyLogDecryptorOptions {
  /** The secrets logged for a ClientHello.random; asked at each ServerHello (a renegotiation asks again). */
  readonly lookup: (clientRandom: Uint8Array) => SessionSecrets | undefined;
  /** Protected records handled per connection; past this the connection gets its usual budget back. */
  readonly maxRecords?: number;
}

export const DEFAULT_MAX_DECRYPTED_RECORDS = 4096;

/**
 * - no-hello: no ServerHello was seen (capture started late, or not a full handshake)
 * - no-client-random: the ClientHello was not seen, so the key log cannot be searched
 * - no-keys: the key log holds nothing for this session
 * - unsupported: version or cipher suite not decryptable here
 * - keys-found: keys are there but no protected record came to be read
 * - decrypted: at least one record was decrypted and none failed
 * - failed: a record did not authenticate (wrong key, or records missing); reported once
 */
export type DecryptionStatus = 'no-hello' | 'no-client-random' | 'no-keys' | 'unsupported' | 'keys-found' | 'decrypted' | 'failed';

export interface DecryptionReport {
  readonly status: DecryptionStatus;
  /** Records whose protection was removed. */
  readonly records: number;
  /** One line for people; never contains secret material. */
  readonly note?: string;
  /** The frame of the record that failed, for 'failed'. */
  readonly frame?: number;
  /** Key log labels this session needed and the key log lacked. */
  readonly missing: readonly SecretLabel[];
  /** Decryption stopped at the per-connection record budget. */
  readonly budgetReached: boolean;
}

/** Records that may be missing before one (lost in the capture, or never handed over). */
const SEQ_WINDOW = 4;
/** TLS 1.3 client records the handshake keys do not open before the first that they do: 0-RTT data (RFC 8446 §4.2.10). */
const EARLY_SKIP = 16;

type Role = 'client' | 'server';

/** One direction's keys. Mutable, owned by one decryptor. */
class Side {
  seq = 0;
  cur: RecordOpener | undefined;
  /** TLS 1.2: keys of the latest hello, taken at the first record they open. */
  pending: Tls12Protection | undefined;
  /** TLS 1.3: the application traffic secret to switch to after this side's Finished, then the current one. */
  appSecret: Uint8Array | undefined;
  epoch: 'handshake' | 'application' = 'handshake';
  /** Handshake message boundaries in the plaintext: only the header and a countdown are kept. */
  hdr = new Uint8Array(4);
  hdrLen = 0;
  remaining = 0;
  switchAfter: 'application' | 'update' | undefined;
  opened = 0;
  skipped = 0;
  /** Why this side is not decrypted any more. */
  stopped: string | undefined;

  constructor(readonly role: Role) {}
}

export class KeyLogDecryptor implements TlsDecryptor {
  private readonly lookup: KeyLogDecryptorOptions['lookup'];
  private readonly maxRecords: number;
  private status: DecryptionStatus = 'no-hello';
  private note: string | undefined;
  private failFrame: number | undefined;
  private readonly missing = new Set<SecretLabel>();
  private version = 0;
  private suite13: AeadSuite | undefined;
  private readonly sides = { client: new Side('client'), server: new Side('server') };
  private roleOfDir: [Role | undefined, Role | undefined] = [undefined, undefined];
  private handled = 0;
  private decrypted = 0;
  private budgetReached = false;
  private malformedNoted = false;

  constructor(opts: KeyLogDecryptorOptions) {
    this.lookup = opts.lookup;
    this.maxRecords = opts.maxRecords ?? DEFAULT_MAX_DECRYPTED_RECORDS;
  }

  // ---- TlsDecryptor ----------------------------------------------------------------------------

  hello(info: HelloSecrets): void {
    if (this.version === 0x0304) return; // TLS 1.3 has one ServerHello (after any HelloRetryRequest)
    if (info.clientDir !== undefined) {
      this.roleOfDir = info.clientDir === 0 ? ['client', 'server'] : ['server', 'client'];
    }
    const renegotiation = this.version !== 0;
    if (!info.clientRandom) {
      if (!renegotiation) this.status = 'no-client-random';
      return;
    }
    const secrets = this.lookup(info.clientRandom);
    if (info.version === 0x0304) this.hello13(info, secrets);
    else this.hello12(info, secrets, renegotiation);
  }

  decrypt(rec: ProtectedRecord): Plaintext | undefined {
    if (!this.keyed() && this.status !== 'failed') return undefined;
    if (this.handled >= this.maxRecords) {
      this.budgetReached = true;
      return undefined;
    }
    this.handled++;
    if (this.version === 0x0304) {
      // RFC 8446 §5.2: protected records are application_data on the outside; others are not ours.
      if (rec.contentType !== 23) return undefined;
      return this.decrypt13(rec);
    }
    return this.decrypt12(rec);
  }

  /** While one side still decrypts: a failure on one side (a lost record) leaves the other readable. */
  wantsMore(): boolean {
    return (this.keyed() || this.status === 'failed') && this.handled < this.maxRecords && (!this.sides.client.stopped || !this.sides.server.stopped);
  }

  // ---- Results ---------------------------------------------------------------------------------

  report(): DecryptionReport {
    let status = this.status;
    let note = this.note;
    if (status === 'keys-found' && this.decrypted > 0) status = 'decrypted';
    const c = this.sides.client;
    if (status === 'decrypted' && this.version === 0x0304 && c.opened === 0 && c.skipped > 0) {
      status = 'failed';
      note ??= `the client's ${c.skipped} protected records did not open with its handshake traffic secret`;
    }
    if (status === 'decrypted' && !note) {
      const why = this.sides.server.stopped ?? this.sides.client.stopped;
      if (why) note = why;
    }
    if (this.budgetReached) note = `${note ? `${note}; ` : ''}decryption stopped after ${this.maxRecords} records`;
    return {
      status,
      records: this.decrypted,
      missing: [...this.missing],
      budgetReached: this.budgetReached,
      ...(note !== undefined && { note }),
      ...(this.failFrame !== undefined && { frame: this.failFrame }),
    };
  }

  // ---- Hellos ----------------------------------------------------------------------------------

  private keyed(): boolean {
    return this.status === 'keys-found' || this.status === 'decrypted';
  }

  private lack(label: SecretLabel): void {
    this.missing.add(label);
  }

  private hello13(info: HelloSecrets, secrets: SessionSecrets | undefined): void {
    this.version = 0x0304;
    const suite = suiteFor(info.cipherSuite, 0x0304);
    if (!suite || suite.kind !== 'aead') {
      this.status = 'unsupported';
      this.note = `${cipherSuiteName(info.cipherSuite)} cannot be decrypted here`;
      return;
    }
    this.suite13 = suite;
    const need: (keyof SessionSecrets)[] = ['clientHandshake', 'serverHandshake', 'clientTraffic0', 'serverTraffic0'];
    for (const f of need) if (!secrets?.[f]) this.lack(LABEL_OF[f]);
    if (!secrets?.clientHandshake && !secrets?.serverHandshake) {
      this.status = 'no-keys';
      this.note = secrets?.masterSecret
        ? 'the key log has a TLS 1.2 master secret (CLIENT_RANDOM) for this TLS 1.3 session, not its traffic secrets'
        : 'the key log has no secrets for this session (no line with its client random)';
      return;
    }
    const len = HASH_LENGTH[suite.hash];
    const setUp = (s: Side, hs: Uint8Array | undefined, app: Uint8Array | undefined, hsLabel: SecretLabel, appLabel: SecretLabel) => {
      if (hs && hs.length !== len) s.stopped = `${hsLabel} is ${hs.length} bytes, but ${cipherSuiteName(info.cipherSuite)} needs ${len}`;
      else if (hs) s.cur = new Tls13Protection(suite, hs);
      else s.stopped = `${hsLabel} is not in the key log`;
      if (app && app.length === len) s.appSecret = app;
      else if (app) this.lack(appLabel);
    };
    setUp(this.sides.client, secrets.clientHandshake, secrets.clientTraffic0, 'CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0');
    setUp(this.sides.server, secrets.serverHandshake, secrets.serverTraffic0, 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_TRAFFIC_SECRET_0');
    this.status = 'keys-found';
  }

  private hello12(info: HelloSecrets, secrets: SessionSecrets | undefined, renegotiation: boolean): void {
    const suite = suiteFor(info.cipherSuite, info.version);
    if (!renegotiation) this.version = info.version;
    if (!suite) {
      if (!renegotiation) {
        this.status = 'unsupported';
        this.note = `${cipherSuiteName(info.cipherSuite)} under ${versionName(info.version)} cannot be decrypted here`;
      } else this.renegotiationUnkeyed(`the renegotiation chose ${cipherSuiteName(info.cipherSuite)}, which cannot be decrypted here`);
      return;
    }
    const master = secrets?.masterSecret;
    if (!master) {
      this.lack('CLIENT_RANDOM');
      if (!renegotiation) {
        this.status = 'no-keys';
        this.note = secrets
          ? 'the key log has TLS 1.3 traffic secrets for this TLS 1.2 session, not its master secret (CLIENT_RANDOM)'
          : 'the key log has no secrets for this session (no line with its client random)';
      } else this.renegotiationUnkeyed("the renegotiation's master secret is not in the key log: records after it stay encrypted");
      return;
    }
    const macLen = suite.kind === 'cbc' ? HASH_LENGTH[suite.mac] : 0;
    const ivLen = suite.kind === 'aead' ? (suite.explicitNonce ? 4 : 12) : info.version === 0x0301 ? suite.blockLength : 0;
    const kb = keyBlock(info.version, suite.hash, master, info.clientRandom!, info.serverRandom, 2 * (macLen + suite.keyLength + ivLen));
    // RFC 5246 §6.3: client MAC, server MAC, client key, server key, client IV, server IV.
    let p = 0;
    const take = (n: number) => kb.subarray(p, (p += n));
    const cMac = take(macLen);
    const sMac = take(macLen);
    const cKey = take(suite.keyLength);
    const sKey = take(suite.keyLength);
    const cIv = take(ivLen);
    const sIv = take(ivLen);
    const make = (mac: Uint8Array, key: Uint8Array, iv: Uint8Array): Tls12Protection =>
      suite.kind === 'aead' ? new Tls12Aead(suite, key, iv) : new Tls12Cbc(suite, info.version, mac, key, ivLen ? iv : undefined, undefined);
    this.sides.client.pending = make(cMac, cKey, cIv);
    this.sides.server.pending = make(sMac, sKey, sIv);
    if (!renegotiation) this.status = 'keys-found';
  }

  /**
   * A renegotiation whose keys are unknown or unusable: the old keys keep working until its
   * ChangeCipherSpec, so each side stops quietly at the first record they no longer open.
   */
  private renegotiationUnkeyed(why: string): void {
    this.sides.client.pending = undefined;
    this.sides.server.pending = undefined;
    this.renegotiationGap = why;
  }

  private renegotiationGap: string | undefined;

  // ---- Records ---------------------------------------------------------------------------------

  /** The side whose keys protect `dir`'s records; learnt from the ServerHello's direction, or by trial. */
  private sideOf(dir: Dir, open: (s: Side) => boolean): Side | undefined {
    const known = this.roleOfDir[dir];
    if (known) return this.sides[known];
    const other = this.roleOfDir[dir === 0 ? 1 : 0];
    for (const role of ['server', 'client'] as const) {
      if (role === other) continue;
      if (open(this.sides[role])) {
        this.roleOfDir[dir] = role;
        return this.sides[role];
      }
    }
    return undefined;
  }

  private fail(s: Side, rec: ProtectedRecord, detail: string): void {
    const what = `${s.role} record at frame ${rec.frame}`;
    s.stopped = `${s.role} records are not decrypted after frame ${rec.frame}`;
    if (this.status === 'failed') return;
    this.status = 'failed';
    this.failFrame = rec.frame;
    this.note =
      this.decrypted === 0
        ? `the key log's secrets for this session do not decrypt it (${what}: ${detail}); the key log may belong to another capture`
        : `decrypted ${this.decrypted} records, then the ${what} did not open (${detail}): records may be missing from the capture`;
  }

  private malformed(rec: ProtectedRecord, o: Opened & { ok: false }): void {
    if (this.malformedNoted) return;
    this.malformedNoted = true;
    this.note ??= `a decrypted record at frame ${rec.frame} is malformed: ${o.detail}`;
  }

  private decrypt13(rec: ProtectedRecord): Plaintext | undefined {
    let opened: Opened | undefined;
    const tryOpen = (s: Side, seq: number): Opened | undefined => (s.cur ? s.cur.open(rec.contentType, rec.recordVersion, rec.body, seq) : undefined);
    const s = this.sideOf(rec.dir, (c) => {
      if (c.stopped || !c.cur) return false;
      opened = tryOpen(c, c.seq);
      return opened?.ok === true;
    });
    if (!s) {
      if (this.roleOfDir[rec.dir] === undefined && !this.sides.server.stopped) this.fail(this.sides.server, rec, 'no traffic secret of this session opens it');
      return undefined;
    }
    if (s.stopped || !s.cur) return undefined;
    opened ??= tryOpen(s, s.seq);
    if (opened && !opened.ok && opened.why === 'auth') {
      for (let k = 1; k <= SEQ_WINDOW; k++) {
        const o = tryOpen(s, s.seq + k);
        if (o?.ok) {
          s.seq += k;
          opened = o;
          break;
        }
      }
    }
    if (!opened || !opened.ok) {
      if (opened?.why === 'malformed') {
        s.seq++;
        this.malformed(rec, opened);
        return undefined;
      }
      if (s.role === 'client' && s.epoch === 'handshake' && s.opened === 0 && s.skipped < EARLY_SKIP) {
        s.skipped++;
        return undefined;
      }
      this.fail(s, rec, opened?.detail ?? 'no key');
      return undefined;
    }
    s.seq++;
    s.opened++;
    this.decrypted++;
    if (opened.contentType === 22) this.track(s, opened.data);
    if (s.switchAfter) this.switch13(s);
    return { contentType: opened.contentType, data: opened.data };
  }

  /** Follows handshake message boundaries in one side's plaintext to find Finished and KeyUpdate. */
  private track(s: Side, data: Uint8Array): void {
    let i = 0;
    while (i < data.length) {
      if (s.hdrLen < 4) {
        s.hdr[s.hdrLen++] = data[i++]!;
        if (s.hdrLen < 4) continue;
        s.remaining = (s.hdr[1]! << 16) | (s.hdr[2]! << 8) | s.hdr[3]!;
      } else {
        const take = Math.min(s.remaining, data.length - i);
        s.remaining -= take;
        i += take;
      }
      if (s.hdrLen === 4 && s.remaining === 0) {
        const type = s.hdr[0]!;
        s.hdrLen = 0;
        // RFC 8446 §5.1: a message that precedes a key change ends its record, so the switch is after this record.
        if (type === 20 && s.epoch === 'handshake') s.switchAfter = 'application';
        else if (type === 24 && s.epoch === 'application') s.switchAfter = 'update';
      }
    }
  }

  private switch13(s: Side): void {
    const suite = this.suite13!;
    const to = s.switchAfter;
    s.switchAfter = undefined;
    s.seq = 0;
    s.hdrLen = 0;
    if (to === 'application') {
      s.epoch = 'application';
      if (!s.appSecret) {
        s.cur = undefined;
        s.stopped = `${s.role === 'client' ? 'CLIENT' : 'SERVER'}_TRAFFIC_SECRET_0 is not in the key log: the ${s.role}'s records after its Finished stay encrypted`;
        return;
      }
      s.cur = new Tls13Protection(suite, s.appSecret);
      return;
    }
    // RFC 8446 §7.2: KeyUpdate moves the sender to the next application traffic secret.
    s.appSecret = nextTrafficSecret(suite.hash, s.appSecret!);
    s.cur = new Tls13Protection(suite, s.appSecret);
  }

  private decrypt12(rec: ProtectedRecord): Plaintext | undefined {
    const open = (p: RecordOpener | undefined, seq: number): Opened | undefined => p?.open(rec.contentType, rec.recordVersion, rec.body, seq);
    let first: Opened | undefined;
    const s = this.sideOf(rec.dir, (c) => {
      if (c.stopped) return false;
      first = c.cur ? open(c.cur, c.seq) : open(c.pending, 0);
      return first?.ok === true;
    });
    if (!s) {
      if (this.roleOfDir[rec.dir] === undefined) this.fail(this.sides.server, rec, 'no key of this session opens it');
      return undefined;
    }
    if (s.stopped) return undefined;
    if (!s.cur) {
      // The first protected record of this side: the keys of its ChangeCipherSpec.
      if (!s.pending) return undefined;
      s.cur = s.pending;
      s.pending = undefined;
      s.seq = 0;
    }
    // Application data is not read in TLS 1.2 unless a renegotiation's keys may start here.
    if (rec.contentType === 23 && !s.pending && first === undefined) {
      s.cur.skip?.(rec.body);
      s.seq++;
      return undefined;
    }
    let r = first ?? open(s.cur, s.seq);
    if (r?.ok) {
      s.seq++;
    } else if (s.pending) {
      const n = open(s.pending, 0);
      if (n?.ok) {
        s.cur = s.pending;
        s.pending = undefined;
        s.seq = 1;
        r = n;
      }
    }
    if (r && !r.ok && r.why === 'auth' && !(s.cur instanceof Tls12Cbc && this.version === 0x0301)) {
      for (let k = 1; k <= SEQ_WINDOW; k++) {
        const o = open(s.cur, s.seq + k);
        if (o?.ok) {
          s.seq += k + 1;
          r = o;
          break;
        }
      }
    }
    if (!r || !r.ok) {
      if (r?.why === 'malformed') {
        s.seq++;
        this.malformed(rec, r);
        return undefined;
      }
      if (this.renegotiationGap && s.opened > 0) {
        s.stopped = this.renegotiationGap;
        return undefined;
      }
      this.fail(s, rec, r?.detail ?? 'no key');
      return undefined;
    }
    s.opened++;
    this.decrypted++;
    if (rec.contentType === 23) return undefined; // read only to find the key change; nothing to report
    return { contentType: r.contentType, data: r.data };
  }
}
