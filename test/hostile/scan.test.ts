/**
 * A scanned network: hundreds of thousands of TCP connections that carry nothing but a SYN (and
 * perhaps a RST). Each costs a few hundred bytes of bookkeeping and no TLS state, so a capture of a
 * million probes (70 MB) is analysed, not run out of memory; the handshakes after the scan are found.
 */
import { describe, expect, it } from 'vitest';
import { analyzeCapture } from '../../src/analysis/index.js';
import { clientHelloWith, handshakeRecords, measured, scanThen, serverHello12, serverHelloDone, streamOf, MB, type Step } from './lib.js';

describe('a port scan in the capture', () => {
  it('200,000 SYN-only connections cost no TLS state: the analysis holds well under 150 MB and finds the handshake after them', async () => {
    const probes = 200_000;
    const handshake: Step[] = [
      { dir: 'c2s', bytes: handshakeRecords(clientHelloWith()) },
      { dir: 's2c', bytes: handshakeRecords(serverHello12(), serverHelloDone()) },
      { fin: 'c2s' },
      { fin: 's2c' },
    ];
    const capture = scanThen(probes, 4, [handshake]);
    const { value: a, peakBytes } = await measured((tick) => analyzeCapture(streamOf(capture), { onFrame: (f) => void (f.number % 20_000 === 0 && tick()) }));
    expect(a.connections.length).toBe(probes + 1);
    expect(a.sessions).toHaveLength(1);
    expect(a.sessions[0]!.id).toBe(probes);
    // Connections that carried no byte are not listed as "not TLS": there was nothing to tell.
    expect(a.nonTls).toHaveLength(0);
    // A refused probe ends with the RST (both directions, as a RST does); the others are open at the end of the capture.
    const refused = a.connections[0]!;
    expect(refused.ends).toEqual([{ reason: 'rst', frame: 2 }, { reason: 'rst', frame: 2 }]);
    expect(refused.packets).toEqual([1, 1]);
    expect(refused.synSeen).toBe(true);
    expect(refused.a).toEqual({ ip: '10.9.0.1', port: 50000 });
    expect(refused.b).toEqual({ ip: '192.168.0.0', port: 1 });
    expect(a.connections[1]!.ends).toEqual([{ reason: 'capture-end', frame: a.capture.frames }, { reason: 'capture-end', frame: a.capture.frames }]);
    // Before, each of these connections held two TLS directions' buffers and state (~4 KB) and the
    // reassembler ~1.3 KB: 200,000 of them took over 1 GB. Now ~350 bytes each, ~70 MB.
    console.log(`200,000 probes: peak heap growth ${(peakBytes / MB).toFixed(0)} MB`);
    expect(peakBytes).toBeLessThan(150 * MB);
  }, 120_000);
});
