import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/analysis/index.js';
import type { HandshakeMessage } from '../../src/tls/index.js';
import { capturesDir } from '../helpers/corpus.js';

const capture = join(capturesDir, '01-webex-client-cert', 'eth0_diagnostic_logging_tcpdump00_smartslave_2026-03-24_11_55_47.pcap');

describe('a settled Certificate message keeps the pool\'s copy of its certificates', () => {
  it('gives back the whole message: bytes, body and fields', async () => {
    const a = await analyzeCapture(capture);
    let seen = 0;
    for (const s of a.sessions) {
      for (const cm of s.certificateMessages) {
        const m = s.tls.messages[cm.messageIndex] as HandshakeMessage;
        expect(m.kind).toBe('handshake');
        expect(m.type).toBe(11);
        const bytes = m.bytes;
        expect(bytes[0]).toBe(11);
        if (!m.truncated) expect(bytes.length).toBe(4 + m.length);
        expect(m.bytes).toEqual(bytes);
        const body = m.body;
        expect(body?.kind).toBe('certificate');
        if (body?.kind !== 'certificate') continue;
        expect(body.certificates.length).toBe(cm.certificates.length);
        body.certificates.forEach((c, i) => {
          const stored = a.pool.get(cm.certificates[i]!.id)!;
          expect(Buffer.from(c.der).equals(Buffer.from(stored.der))).toBe(true);
          expect(Buffer.from(bytes).indexOf(Buffer.from(stored.der))).toBeGreaterThan(0);
        });
        expect(m.fields.length).toBeGreaterThan(0);
        seen++;
      }
    }
    expect(seen).toBeGreaterThan(0);
  });
});

describe("messages the analysis does not read back keep no bytes unless asked ('analysed' vs 'all')", () => {
  it('drops the bytes of key exchanges, CertificateVerify, tickets; keeps hellos, Certificate, CertificateRequest; everything else the same', async () => {
    const lean = await analyzeCapture(capture);
    const full = await analyzeCapture(capture, { messageBytes: 'all' });
    expect(lean.sessions.length).toBe(full.sessions.length);
    let dropped = 0;
    for (let i = 0; i < lean.sessions.length; i++) {
      const a = lean.sessions[i]!.tls.messages;
      const b = full.sessions[i]!.tls.messages;
      expect(a.length).toBe(b.length);
      a.forEach((m, k) => {
        const o = b[k]!;
        expect([m.kind, m.index, m.dir, m.frame, m.frames, m.streamOffset]).toEqual([o.kind, o.index, o.dir, o.frame, o.frames, o.streamOffset]);
        if (m.kind !== 'handshake' || o.kind !== 'handshake') return;
        expect([m.type, m.length, m.truncated]).toEqual([o.type, o.length, o.truncated]);
        expect(o.bytesDropped).toBeUndefined();
        if ([1, 2, 11, 13].includes(m.type)) {
          expect(m.bytesDropped).toBeUndefined();
          expect(Buffer.from(m.bytes).equals(Buffer.from(o.bytes))).toBe(true);
          expect(m.body).toEqual(o.body);
        } else {
          expect(m.bytesDropped).toBe(true);
          expect(m.bytes.length).toBe(0);
          expect(m.body).toBeUndefined();
          expect(m.fields).toEqual([]);
          expect(o.bytes.length).toBeGreaterThan(0);
          dropped++;
        }
      });
    }
    // Scenario 1 has ServerKeyExchange, ClientKeyExchange and CertificateVerify in every full handshake.
    expect(dropped).toBeGreaterThan(2);
  });
});
