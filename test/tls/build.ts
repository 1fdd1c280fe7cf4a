/** Builders for inline TLS bytes in tests (RFC 5246 / 8446 wire formats). */
export type Bytes = Uint8Array | readonly number[];

export function cat(...parts: Bytes[]): Uint8Array {
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
export const u8 = (v: number): number[] => [v & 0xff];
export const u16 = (v: number): number[] => [(v >> 8) & 0xff, v & 0xff];
export const u24 = (v: number): number[] => [(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
export const vec8 = (...p: Bytes[]): Uint8Array => { const b = cat(...p); return cat(u8(b.length), b); };
export const vec16 = (...p: Bytes[]): Uint8Array => { const b = cat(...p); return cat(u16(b.length), b); };
export const vec24 = (...p: Bytes[]): Uint8Array => { const b = cat(...p); return cat(u24(b.length), b); };
export const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
export const ext = (type: number, ...data: Bytes[]): Uint8Array => cat(u16(type), vec16(...data));
export const hs = (type: number, ...body: Bytes[]): Uint8Array => cat(u8(type), vec24(...body));
export const record = (type: number, body: Bytes, version = 0x0303): Uint8Array => cat(u8(type), u16(version), vec16(body));
export const fill = (n: number, v = 0): Uint8Array => new Uint8Array(n).fill(v);

/** A DER Name: SEQUENCE of SET of SEQUENCE { OID, UTF8String }. Short forms only (test names are small). */
export function derName(...atvs: [number[], string][]): Uint8Array {
  const tlv = (tag: number, body: Uint8Array): Uint8Array => cat([tag, body.length], body);
  const rdns = atvs.map(([oid, v]) => tlv(0x31, tlv(0x30, cat(tlv(0x06, Uint8Array.from(oid)), tlv(0x0c, ascii(v))))));
  return tlv(0x30, cat(...rdns));
}
export const OID_CN = [0x55, 0x04, 0x03];
export const OID_O = [0x55, 0x04, 0x0a];
export const OID_C = [0x55, 0x04, 0x06];

export interface ClientHelloOpts {
  version?: number;
  sessionId?: Bytes;
  suites?: number[];
  extensions?: Uint8Array[];
}

export function clientHello(o: ClientHelloOpts = {}): Uint8Array {
  const exts = o.extensions ?? [];
  return hs(
    1,
    u16(o.version ?? 0x0303),
    fill(32, 0x11),
    vec8(o.sessionId ?? []),
    vec16(...(o.suites ?? [0xc02f, 0x009c]).map(u16)),
    vec8([0]),
    exts.length ? vec16(...exts) : [],
  );
}

export function serverHello(o: { version?: number; suite?: number; sessionId?: Bytes; random?: Bytes; extensions?: Uint8Array[] } = {}): Uint8Array {
  const exts = o.extensions ?? [];
  return hs(2, u16(o.version ?? 0x0303), o.random ?? fill(32, 0x22), vec8(o.sessionId ?? []), u16(o.suite ?? 0xc02f), [0], exts.length ? vec16(...exts) : []);
}

export function certificate12(...certs: Uint8Array[]): Uint8Array {
  return hs(11, vec24(...certs.map((c) => vec24(c))));
}
