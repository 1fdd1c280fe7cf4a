/** Hostile strings, certificates and a capture for the terminal-safety tests (text and TUI). */
import { ext, makeCert, name, seq, tlv, utf8 } from '../x509/helpers.js';
import { alertRecord, certificateMessage, certificateRequest12, clientHelloWith, handshakeRecords, serverHello12, serverHelloDone, sniExtension, tlsCapture } from './lib.js';

/** Every kind of sequence a hostile string can carry. */
export const HOSTILE = {
  sgr: '\u001b[31mRED\u001b[0m',
  osc8: '\u001b]8;;https://evil.example/\u0007click here\u001b]8;;\u0007',
  title: '\u001b]0;owned\u0007',
  bel: 'ring\u0007ring',
  nul: 'nul\u0000byte',
  c1: 'csi\u009b31m',
  rlo: 'invoice\u202efdp.exe',
  lri: '\u2066isolated\u2069',
  alm: 'mark\u061cmark',
  clear: '\u001b[2J\u001b[H',
} as const;
export const ALL = Object.values(HOSTILE);

const CN = '2.5.4.3';
const O = '2.5.4.10';

export function hostileCert(label: string, i: number): Uint8Array {
  const v = ALL[i % ALL.length]!;
  const w = ALL[(i + 3) % ALL.length]!;
  const san = seq(tlv(0x82, utf8(`${label}${v}.example`)), tlv(0x86, utf8(`https://x/${w}`)), tlv(0x81, utf8(`a${v}@x`)));
  return makeCert({
    serial: Uint8Array.of(0x10 + i),
    subject: name([CN, utf8(`${label} ${v}`)], [O, utf8(`Org ${w}`)]),
    issuer: name([CN, utf8(`Issuer ${w}`)]),
    extensions: [ext('2.5.29.17', san), ext('2.5.29.37', seq(tlv(0x06, Uint8Array.of(0x2b, 6, 1, 5, 5, 7, 3, 1))))],
  });
}

export const serverCerts = ALL.map((_, i) => hostileCert('server', i));
export const clientCert = hostileCert('client', 4);
export const caNames = ALL.map((v) => name([CN, utf8(`CA ${v}`)]));

export function hostileCapture(sni: string) {
  return tlsCapture([
    { dir: 'c2s', bytes: handshakeRecords(clientHelloWith([sniExtension(sni)])) },
    { dir: 's2c', bytes: handshakeRecords(serverHello12(), certificateMessage(...serverCerts.slice(0, 5)), certificateRequest12(...caNames), serverHelloDone()) },
    { dir: 'c2s', bytes: handshakeRecords(certificateMessage(clientCert, ...serverCerts.slice(5))) },
    { dir: 's2c', bytes: alertRecord(2, 43) },
    { fin: 's2c' },
    { fin: 'c2s' },
  ]);
}

export const SNI = `a${HOSTILE.sgr}${HOSTILE.title}${HOSTILE.rlo}.example`;
