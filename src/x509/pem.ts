/**
 * Certificate files as engineers have them: PEM bundles (RFC 7468) with many blocks, CRLF line ends,
 * "Bag Attributes" text from PKCS#12 exports around the blocks, Expressway PEM files that carry the
 * private key next to the certificate, and plain DER files.
 *
 * Private keys are recognised and skipped: only a count is kept. Their base64 is never decoded,
 * stored, or quoted in a message (ARCHITECTURE.md: the model never holds a private key).
 */
import { ByteReader } from '../bytes/index.js';
import { parseCertificate } from './certificate.js';
import { TAG, childrenOf, readTlv, walk } from './der.js';
import type { CertInfo } from './types.js';

export const MAX_FILE_BYTES = 64 * 1024 * 1024;
export const MAX_BLOCKS = 10_000;

export interface LoadedCertificates {
  /** Decoded certificates, each with `source` = {name, index in this file}. */
  readonly certificates: CertInfo[];
  readonly privateKeysSkipped: number;
  /** One plain sentence per problem; never contains key material. */
  readonly problems: string[];
}

const latin1 = new TextDecoder('latin1');
const CERT_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);
// BEGIN lines, with a label as RFC 7468 §3 allows (printable, no hyphen at the ends). Bounded length.
const BEGIN = /-----BEGIN ([A-Z0-9][A-Z0-9 ]{0,40}[A-Z0-9])-----/g;

function isKeyLabel(label: string): boolean {
  return /PRIVATE KEY$/.test(label) || label === 'OPENSSH PRIVATE KEY';
}

/** A DER SEQUENCE whose first element is an INTEGER is a key (PKCS#1/PKCS#8/SEC1), not a certificate. */
function derKind(bytes: Uint8Array): 'certificate' | 'key' | 'other' {
  const res = walk(() => {
    const outer = readTlv(new ByteReader(bytes));
    if (outer.tag !== TAG.SEQUENCE) return 'other' as const;
    const first = childrenOf(outer, 1).items[0];
    if (first?.tag === TAG.INTEGER) return 'key' as const;
    if (first?.tag === TAG.SEQUENCE) return 'certificate' as const;
    return 'other' as const;
  }, 'DER');
  return res.ok ? res.value : 'other';
}

/** Splits concatenated DER certificates (some tools write a chain as back-to-back DER). */
function splitDer(bytes: Uint8Array): Uint8Array[] | undefined {
  const res = walk(() => {
    const r = new ByteReader(bytes);
    const out: Uint8Array[] = [];
    while (!r.atEnd && out.length < MAX_BLOCKS) out.push(readTlv(r).raw);
    return out;
  }, 'DER');
  return res.ok ? res.value : undefined;
}

function decodeBase64Strict(body: string): Uint8Array | undefined {
  // RFC 7468 §2: header lines (legacy "Proc-Type:") may precede the base64; whitespace is ignored.
  const lines = body.split(/\r?\n|\r/).filter((l) => !/^[A-Za-z-]+:/.test(l.trim()));
  const b64 = lines.join('').replace(/\s+/g, '');
  if (b64.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 === 1) return undefined;
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

/** Loads every certificate from one file's bytes. Never throws. */
export function loadCertificates(bytes: Uint8Array, sourceName: string): LoadedCertificates {
  const certificates: CertInfo[] = [];
  const problems: string[] = [];
  let privateKeysSkipped = 0;
  const add = (der: Uint8Array, what: string): void => {
    const c = parseCertificate(der);
    if (c.error) {
      problems.push(`${sourceName}: ${what} is not a valid certificate: ${c.error}`);
      return;
    }
    c.source = { name: sourceName, index: certificates.length };
    certificates.push(c);
  };

  if (bytes.length > MAX_FILE_BYTES) {
    return { certificates, privateKeysSkipped, problems: [`${sourceName}: file of ${bytes.length} bytes is larger than ${MAX_FILE_BYTES}; not read`] };
  }
  if (bytes.length === 0) return { certificates, privateKeysSkipped, problems: [`${sourceName}: file is empty`] };

  // DER sniff: binary starting with a SEQUENCE, and no PEM armour anywhere.
  const text = latin1.decode(bytes);
  if (bytes[0] === TAG.SEQUENCE && !text.includes('-----BEGIN ')) {
    const parts = splitDer(bytes);
    if (!parts) return { certificates, privateKeysSkipped, problems: [`${sourceName}: DER file is malformed`] };
    parts.forEach((p, i) => {
      const kind = derKind(p);
      if (kind === 'key') privateKeysSkipped++;
      else add(p, parts.length > 1 ? `DER object ${i + 1}` : 'the DER file');
    });
    return { certificates, privateKeysSkipped, problems };
  }

  let blocks = 0;
  let sawArmour = false;
  // Line numbers for messages, counted incrementally (a file can hold thousands of blocks).
  let lineNo = 1;
  let countedTo = 0;
  const lineAt = (index: number): number => {
    for (let i = text.indexOf('\n', countedTo); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) lineNo++;
    countedTo = Math.max(countedTo, index);
    return lineNo;
  };
  BEGIN.lastIndex = 0;
  for (let m = BEGIN.exec(text); m; m = BEGIN.exec(text)) {
    sawArmour = true;
    if (++blocks > MAX_BLOCKS) {
      problems.push(`${sourceName}: more than ${MAX_BLOCKS} PEM blocks; the rest were not read`);
      break;
    }
    const label = m[1]!;
    const bodyStart = m.index + m[0].length;
    const endMarker = `-----END ${label}-----`;
    const end = text.indexOf(endMarker, bodyStart);
    const line = lineAt(m.index);
    if (isKeyLabel(label)) {
      // Counted, never decoded or kept. A key block without END swallows nothing after it but is still a key.
      privateKeysSkipped++;
      if (end >= 0) BEGIN.lastIndex = end + endMarker.length;
      continue;
    }
    if (end < 0) {
      problems.push(`${sourceName}: "${label}" block at line ${line} has no END line`);
      continue;
    }
    BEGIN.lastIndex = end + endMarker.length;
    if (!CERT_LABELS.has(label)) {
      problems.push(`${sourceName}: skipped a "${label}" block at line ${line} (not a certificate)`);
      continue;
    }
    const der = decodeBase64Strict(text.slice(bodyStart, end));
    if (!der) {
      problems.push(`${sourceName}: certificate block at line ${line} is not valid base64`);
      continue;
    }
    // TRUSTED CERTIFICATE (OpenSSL) is a certificate followed by trust settings: keep the first TLV.
    const first = label === 'TRUSTED CERTIFICATE' ? (splitDer(der)?.[0] ?? der) : der;
    add(first, `certificate block at line ${line}`);
  }
  if (!sawArmour) problems.push(`${sourceName}: no PEM certificate block and not a DER certificate`);
  else if (certificates.length === 0 && privateKeysSkipped === 0 && problems.length === 0) {
    problems.push(`${sourceName}: no certificate found`);
  }
  return { certificates, privateKeysSkipped, problems };
}

/** PEM text of a certificate (for --export). */
export function toPem(der: Uint8Array): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
