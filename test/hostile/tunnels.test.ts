/**
 * Tunnel headers that are cut short, contradict themselves or nest without end (rule C7):
 * the decoder never throws, never loops, and counts each such packet as malformed with the layer
 * that was wrong, as it does for any other malformed packet. The frames are real ones from
 * test/fixtures/tunnels/ with their headers damaged byte by byte.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../src/capture/types.js';
import { PacketDecoder, type DecodeOutcome } from '../../src/net/index.js';
import { FIXTURE_DIR, pcapFrames } from '../fixtures/tunnels/make.js';

const RUNS = Number(process.env.HOSTILE_RUNS ?? 1);
const KINDS = ['tcp', 'other', 'unknown-link', 'malformed', 'fragment'];

function frame(data: Uint8Array, number = 1): Frame {
  return { number, tsSec: 1_780_000_000, tsNsec: 0, linkType: 1, interfaceId: 0, data, origLen: data.length, fileOffset: 0 };
}
/** Frame n (1-based) of a fixture, as a copy to damage. */
function fixtureFrame(file: string, n: number): Uint8Array {
  return pcapFrames(readFileSync(join(FIXTURE_DIR, file)))[n - 1]!.data.slice();
}
const decode = (data: Uint8Array): DecodeOutcome => new PacketDecoder().decode(frame(data));
function expectMalformed(out: DecodeOutcome, layer: string, message: RegExp): void {
  expect(out.kind).toBe('malformed');
  if (out.kind === 'malformed') {
    expect(out.layer).toBe(layer);
    expect(out.message).toMatch(message);
  }
}

// Offsets in the fixtures' frames: Ethernet 14, IPv4 20; vxlan.pcap has an 802.1Q tag (4 more).
const GENEVE = 42; // geneve.pcap: UDP at 34, Geneve header at 42 (12 bytes of options)
const VXLAN = 46;
const GRE = 34;

describe('damaged tunnel headers are malformed packets, never exceptions', () => {
  it('Geneve: an unknown version, options longer than the packet', () => {
    const v = fixtureFrame('geneve.pcap', 4);
    expect(decode(v).kind).toBe('tcp');
    v[GENEVE] = 0x40 | (v[GENEVE]! & 0x3f);
    expectMalformed(decode(v), 'Geneve', /version 1/);
    const o = fixtureFrame('geneve.pcap', 1);
    o[GENEVE] = 0x3f;
    expectMalformed(decode(o), 'Geneve', /options of 252 bytes run past the packet/);
  });

  it('VXLAN: no I flag, so no valid VNI (RFC 7348 §5)', () => {
    const v = fixtureFrame('vxlan.pcap', 4);
    expect(decode(v).kind).toBe('tcp');
    v[VXLAN] = 0;
    expectMalformed(decode(v), 'VXLAN', /I flag/);
  });

  it('UDP on a tunnel port whose length is below its own header', () => {
    const v = fixtureFrame('geneve.pcap', 1);
    v[38] = 0;
    v[39] = 4;
    expectMalformed(decode(v), 'UDP', /length 4 below/);
  });

  it('GRE: version 1 (PPTP) and source routing are other traffic; a key cut short is malformed', () => {
    const v1 = fixtureFrame('gre-ip.pcap', 1);
    v1[GRE + 1] = (v1[GRE + 1]! & 0xf8) | 1;
    expect(decode(v1)).toEqual({ kind: 'other', what: 'GRE version 1 (PPTP)' });
    const r = fixtureFrame('gre-ip.pcap', 1);
    r[GRE] = r[GRE]! | 0x40;
    expect(decode(r)).toEqual({ kind: 'other', what: 'GRE with source routing (RFC 1701)' });
    const k = fixtureFrame('gre-ip.pcap', 1).subarray(0, GRE + 10); // checksum word, then 2 bytes of the key
    expectMalformed(decode(k), 'GRE', /key cut short/);
  });

  it('ERSPAN: an unknown version, a type III platform subheader cut short', () => {
    const v = fixtureFrame('erspan2.pcap', 1);
    v[GRE + 8] = 0x30 | (v[GRE + 8]! & 0x0f);
    expectMalformed(decode(v), 'ERSPAN', /version 3/);
    const cut = fixtureFrame('erspan3.pcap', 1).subarray(0, GRE + 8 + 12 + 4);
    expectMalformed(decode(cut), 'ERSPAN', /platform subheader cut short/);
  });

  it('every tunnelled frame of every fixture, cut at every length, decodes without throwing', () => {
    for (const file of ['geneve.pcap', 'geneve-ip.pcap', 'vxlan.pcap', 'gre-ip.pcap', 'gre-teb-ipv6.pcap', 'erspan1.pcap', 'erspan2.pcap', 'erspan3.pcap', 'vxlan-in-gre.pcap']) {
      const f = fixtureFrame(file, 1);
      for (let n = 0; n <= f.length; n++) expect(KINDS).toContain(decode(f.subarray(0, n)).kind);
    }
  });
});

/** IPv4 header of protocol `proto` around `payload` (no checksum: the decoder does not check it). */
function ipv4(proto: number, payload: Uint8Array): Uint8Array {
  const total = 20 + payload.length;
  const b = new Uint8Array(total);
  b.set([0x45, 0, (total >> 8) & 0xff, total & 0xff, 0, 1, 0, 0, 64, proto, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2]);
  b.set(payload, 20);
  return b;
}
/** GRE (no flags) carrying IPv4. */
const greIp = (inner: Uint8Array) => ipv4(47, Uint8Array.from([0, 0, 0x08, 0x00, ...inner]));
const ether = (ip: Uint8Array) => Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00, ...ip]);

describe('nesting is bounded', () => {
  const tcp = ipv4(6, Uint8Array.from([0x9c, 0x40, 0x01, 0xbb, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0]));

  it('8 tunnels deep is decoded, with every layer; 9 deep is malformed', () => {
    let p = tcp;
    for (let i = 0; i < 8; i++) p = greIp(p);
    const out = decode(ether(p));
    expect(out.kind).toBe('tcp');
    if (out.kind === 'tcp') expect(out.seg.tunnel?.map((t) => t.encapsulation)).toEqual(Array(8).fill('GRE'));
    expectMalformed(decode(ether(greIp(p))), 'GRE', /nested more than 8 deep/);
  });

  it('a packet that is GRE in GRE as far as its 64 KB go ends at the bound, at once', () => {
    // Every level is a copy of the one outside it, as if the header pointed back at itself.
    const level = Uint8Array.from([...ipv4(47, new Uint8Array(0)).subarray(0, 20), 0, 0, 0x08, 0x00]);
    level[2] = 0; // total length 0 (as offloaded captures write it): the captured bytes say where each level ends
    level[3] = 0;
    const big = new Uint8Array(24 * 2700);
    for (let i = 0; i < 2700; i++) big.set(level, i * 24);
    const t = performance.now();
    expectMalformed(decode(ether(big)), 'GRE', /nested more than 8 deep/);
    expect(performance.now() - t).toBeLessThan(1000);
  });

  it('a tunnel in a tunnel keeps both layers, outermost first (VXLAN in GRE)', () => {
    const v = fixtureFrame('vxlan-in-gre.pcap', 4);
    const out = decode(v);
    expect(out.kind).toBe('tcp');
    if (out.kind === 'tcp') expect(out.seg.tunnel?.map((t) => t.encapsulation)).toEqual(['GRE', 'VXLAN']);
  });
});

describe('random bytes behind tunnel headers', () => {
  it('after a GRE header, a Geneve or VXLAN port, or an ERSPAN header: never throws', () => {
    const udp = (port: number) => [0xc0, 0x00, port >> 8, port & 0xff, 0, 0, 0, 0];
    const heads = fc.constantFrom(
      [0, 0, 0x08, 0x00],
      [0, 0, 0x65, 0x58],
      [0x10, 0, 0x88, 0xbe, 0, 0, 0, 1],
      [0, 0, 0x88, 0xbe],
      [0x10, 0, 0x22, 0xeb, 0, 0, 0, 1],
      [0xb0, 0, 0x86, 0xdd],
    );
    fc.assert(
      fc.property(fc.boolean(), fc.constantFrom(6081, 4789), heads, fc.uint8Array({ maxLength: 160 }), (isUdp, port, gre, rest) => {
        const payload = isUdp ? Uint8Array.from([...udp(port), ...rest]) : Uint8Array.from([...gre, ...rest]);
        const out = decode(ether(ipv4(isUdp ? 17 : 47, payload)));
        expect(KINDS).toContain(out.kind);
      }),
      { numRuns: 4000 * RUNS },
    );
  });
});
