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
