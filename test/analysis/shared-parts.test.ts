import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeCapture, buildSession, type SharedRequestParts } from '../../src/analysis/analyze.js';
import type { Connection } from '../../src/net/index.js';
import type { TlsMessage, TlsSummary } from '../../src/tls/index.js';
import { CertPool } from '../../src/x509/index.js';
import { capturesDir } from '../helpers/corpus.js';

const pcapIn = (dir: string) => join(capturesDir, dir, readdirSync(join(capturesDir, dir)).find((f) => f.endsWith('.pcap'))!);

describe('CertificateRequest parts shared between sessions', () => {
  it('two requests with the same CA names, types and algorithms keep one copy of each list', async () => {
    const a = await analyzeCapture(pcapIn('06-uc-traversal-eku-off-ssh-fails/smartslave'));
    const [r1, r2] = a.sessions.flatMap((s) => (s.certificateRequest ? [s.certificateRequest] : []));
    expect(r1!.caNames.length).toBeGreaterThan(0);
    expect(r2!.caNames).toBe(r1!.caNames);
    expect(r2!.certificateTypes).toBe(r1!.certificateTypes);
    expect(r2!.signatureAlgorithms).toBe(r1!.signatureAlgorithms);
  });

  it('requests with different CA names keep their own lists, each read from its own message', async () => {
    const a = await analyzeCapture(pcapIn('04-upgrade-same-cert'));
    const withRequest = a.sessions.filter((s) => s.certificateRequest);
    expect(withRequest).toHaveLength(2);
    const [r1, r2] = withRequest.map((s) => s.certificateRequest!);
    expect(r1!.caNames).not.toEqual(r2!.caNames);
    for (const s of withRequest) {
      const cr = s.tls.messages.find((m) => m.kind === 'handshake' && m.type === 13);
      const body = cr?.kind === 'handshake' ? cr.body : undefined;
      if (body?.kind !== 'certificate-request') throw new Error('no CertificateRequest body');
      expect(s.certificateRequest!.caNames.map((n) => Buffer.from(n.der).toString('hex'))).toEqual(body.certificateAuthorities.map((dn) => Buffer.from(dn.der).toString('hex')));
    }
  });

  it('a name whose bytes mimic two names, or a list key, is not taken for them', () => {
    const conn = { id: 0, a: { ip: '10.0.0.1', port: 1 }, b: { ip: '10.0.0.2', port: 2 } } as unknown as Connection;
    const request = (ders: Uint8Array[], index: number): TlsMessage =>
      ({ kind: 'handshake', type: 13, index, dir: 1, frame: index + 1, frames: [index + 1], tsSec: 0, tsNsec: 0, streamOffset: 0, recordVersion: 0x0303, length: 0, truncated: false, bytes: new Uint8Array(), fields: [], body: { kind: 'certificate-request', form: 'tls12', certificateTypes: [1], signatureAlgorithms: [0x0401], certificateAuthorities: ders.map((der) => ({ der })) } }) as unknown as TlsMessage;
    const summary = (m: TlsMessage) => ({ isTls: true, clientDir: 0, messages: [m] }) as unknown as TlsSummary;
    const parts: SharedRequestParts = new Map();
    const pool = new CertPool();
    const latin1 = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));
    const a = latin1('0\x03AAA');
    const b = latin1('0\x03BBB');
    // One DER holding what the two-name key would hold, and DERs spelling other keys.
    const mimic = latin1(`0\x03AAA${`dn:${'0\x03BBB'}`.length}:dn:0\x03BBB`);
    const two = buildSession(conn, summary(request([a, b], 0)), pool, undefined, parts).certificateRequest!;
    const one = buildSession(conn, summary(request([mimic], 0)), pool, undefined, parts).certificateRequest!;
    const odd = buildSession(conn, summary(request([latin1('types:1')], 0)), pool, undefined, parts).certificateRequest!;
    expect(two.caNames.map((n) => n.der)).toEqual([a, b]);
    expect(one.caNames.map((n) => n.der)).toEqual([mimic]);
    expect(odd.caNames).toHaveLength(1);
    expect(odd.caNames[0]!.der).toEqual(latin1('types:1'));
    expect(odd.caNames[0]!.text).toMatch(/not a valid distinguished name/);
    expect(odd.certificateTypes).toEqual([1]);
  });
});
