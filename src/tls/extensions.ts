/**
 * Extension lists and the extensions the explainer needs, shared by ClientHello, ServerHello,
 * TLS 1.3 CertificateRequest and Certificate entries (RFC 8446 §4.2).
 */
import { ByteReader, decodeWith, latin1 } from '../bytes/index.js';
import { distinguishedNameText } from './dn.js';
import { field, printable, shortHex } from './fields.js';
import {
  ExtensionType,
  extensionTypeName,
  namedGroupName,
  signatureSchemeName,
  versionName,
  hex16,
} from './names.js';
import type { DistinguishedNameBlob, Extension, Field } from './types.js';

/** Which message an extension is in: a few extensions have a different shape per message. */
export type ExtensionContext = 'client-hello' | 'server-hello' | 'hello-retry-request' | 'certificate-request' | 'certificate';

/** Facts pulled out of extensions; each message decoder copies the ones it reports. */
export interface ExtensionFacts {
  serverName?: string;
  alpn?: string[];
  supportedVersions?: number[];
  selectedVersion?: number;
  signatureAlgorithms?: number[];
  signatureAlgorithmsCert?: number[];
  supportedGroups?: number[];
  keyShareGroups?: number[];
  keyShareGroup?: number;
  certificateAuthorities?: DistinguishedNameBlob[];
  extendedMasterSecret: boolean;
  renegotiationInfo?: Uint8Array;
  sessionTicketLength?: number;
  psk: boolean;
}

export interface ExtensionList {
  extensions: Extension[];
  /** The display subtree; absent when the caller asked for no fields. */
  field?: Field;
  facts: ExtensionFacts;
  /** Extensions whose own content did not decode; the message itself is still usable. */
  warnings: string[];
}

/** Reads u16 list entries of a vector as codes with named children. */
function u16List(r: ByteReader, label: string, name: (v: number) => string, out: Field[] | undefined): number[] {
  const values: number[] = [];
  while (!r.atEnd) {
    const at = r.offset;
    const v = r.u16(label);
    values.push(v);
    out?.push(field(label, at, 2, `${name(v)} (${hex16(v)})`, v));
  }
  return values;
}

// A server asks every client for the same CA names: each name's text is read once per process.
// Pure (the text depends on the bytes alone); bounded in entries and key length, so hostile
// captures with endless distinct names only stop being remembered.
const NAME_TEXTS = new Map<string, string | undefined>();
const NAME_TEXTS_MAX = 1024;
const NAME_KEY_MAX = 1024;

function nameText(der: Uint8Array): string | undefined {
  if (der.length > NAME_KEY_MAX) return distinguishedNameText(der);
  const key = latin1(der);
  if (NAME_TEXTS.has(key)) return NAME_TEXTS.get(key);
  const text = distinguishedNameText(der);
  if (NAME_TEXTS.size < NAME_TEXTS_MAX) NAME_TEXTS.set(key, text);
  return text;
}

/** DistinguishedName list: opaque DistinguishedName<1..2^16-1> (RFC 5246 §7.4.4, RFC 8446 §4.2.4). */
export function readDistinguishedNames(r: ByteReader, out: Field[] | undefined): DistinguishedNameBlob[] {
  const names: DistinguishedNameBlob[] = [];
  while (!r.atEnd) {
    const at = r.offset;
    const len = r.u16('DistinguishedName length');
    const der = r.bytes(len, 'DistinguishedName');
    const text = nameText(der);
    const blob: DistinguishedNameBlob = text === undefined
      ? { der, span: { offset: at + 2, length: len } }
      : { der, text, span: { offset: at + 2, length: len } };
    names.push(blob);
    out?.push(
      field('Distinguished Name', at, 2 + len, text ?? `(unreadable DER, ${len} bytes)`, undefined, [
        field('Distinguished Name Length', at, 2, String(len)),
        field('Distinguished Name DER', at + 2, len, shortHex(der)),
      ]),
    );
  }
  return names;
}

function decodeOne(type: number, r: ByteReader, ctx: ExtensionContext, facts: ExtensionFacts, out: Field[] | undefined): void {
  switch (type) {
    case ExtensionType.ServerName: {
      // RFC 6066 §3: ServerNameList; a server echoes it empty.
      if (r.atEnd) return;
      const list = r.vec16('server_name_list');
      while (!list.atEnd) {
        const at = list.offset;
        const nameType = list.u8('name_type');
        const name = list.vec16('host_name');
        const bytes = name.bytes(name.remaining);
        const text = printable(bytes);
        if (nameType === 0 && facts.serverName === undefined) facts.serverName = text;
        out?.push(field('Server Name', at, 3 + bytes.length, text, nameType));
      }
      return;
    }
    case ExtensionType.SupportedVersions: {
      // RFC 8446 §4.2.1: a list in ClientHello, a single selection in ServerHello/HRR.
      if (ctx === 'client-hello') {
        const list = r.vec8('supported_versions');
        facts.supportedVersions = u16List(list, 'Supported Version', versionName, out);
      } else {
        const at = r.offset;
        const v = r.u16('selected_version');
        facts.selectedVersion = v;
        out?.push(field('Selected Version', at, 2, `${versionName(v)} (${hex16(v)})`, v));
      }
      return;
    }
    case ExtensionType.SignatureAlgorithms:
      facts.signatureAlgorithms = u16List(r.vec16('signature_algorithms'), 'Signature Algorithm', signatureSchemeName, out);
      return;
    case ExtensionType.SignatureAlgorithmsCert:
      facts.signatureAlgorithmsCert = u16List(r.vec16('signature_algorithms_cert'), 'Signature Algorithm', signatureSchemeName, out);
      return;
    case ExtensionType.SupportedGroups:
      facts.supportedGroups = u16List(r.vec16('supported_groups'), 'Supported Group', namedGroupName, out);
      return;
    case ExtensionType.Alpn: {
      // RFC 7301 §3.1: ProtocolNameList; the server's carries exactly one name.
      const list = r.vec16('protocol_name_list');
      const names: string[] = [];
      while (!list.atEnd) {
        const at = list.offset;
        const n = list.vec8('protocol_name');
        const text = printable(n.bytes(n.remaining));
        names.push(text);
        out?.push(field('ALPN Protocol', at, list.offset - at, text));
      }
      facts.alpn = names;
      return;
    }
    case ExtensionType.KeyShare: {
      // RFC 8446 §4.2.8: client_shares in ClientHello, one share in ServerHello, a group in HRR.
      if (ctx === 'client-hello') {
        const list = r.vec16('client_shares');
        const groups: number[] = [];
        while (!list.atEnd) {
          const at = list.offset;
          const g = list.u16('group');
          const k = list.vec16('key_exchange');
          k.skip(k.remaining);
          groups.push(g);
          out?.push(field('Key Share Entry', at, list.offset - at, `${namedGroupName(g)}, ${list.offset - at - 4} bytes`, g));
        }
        facts.keyShareGroups = groups;
      } else {
        const at = r.offset;
        const g = r.u16('group');
        facts.keyShareGroup = g;
        if (ctx === 'server-hello') r.vec16('key_exchange');
        out?.push(field('Key Share Group', at, 2, `${namedGroupName(g)} (${hex16(g)})`, g));
      }
      return;
    }
    case ExtensionType.CertificateAuthorities:
      // RFC 8446 §4.2.4.
      facts.certificateAuthorities = readDistinguishedNames(r.vec16('authorities'), out);
      return;
    case ExtensionType.ExtendedMasterSecret:
      // RFC 7627 §5.1: empty in both hellos.
      facts.extendedMasterSecret = true;
      return;
    case ExtensionType.RenegotiationInfo: {
      // RFC 5746 §3.2: empty on an initial handshake, verify_data on a renegotiation.
      const at = r.offset;
      const v = r.vec8('renegotiated_connection');
      const data = v.bytes(v.remaining);
      facts.renegotiationInfo = data;
      out?.push(field('Renegotiation Info', at, 1 + data.length, data.length === 0 ? 'empty (initial handshake)' : shortHex(data)));
      return;
    }
    case ExtensionType.SessionTicket:
      // RFC 5077 §3.2: empty asks for a ticket; non-empty presents one (resumption attempt).
      facts.sessionTicketLength = r.remaining;
      return;
    case ExtensionType.PreSharedKey:
      // RFC 8446 §4.2.11: offered identities in ClientHello, selected_identity in ServerHello.
      facts.psk = true;
      if (ctx === 'server-hello') {
        const at = r.offset;
        out?.push(field('Selected Identity', at, 2, String(r.u16('selected_identity'))));
      }
      return;
    default:
      return;
  }
}

/** Extensions vector (u16 length) starting at the reader's position, or an empty list when absent. */
export function readExtensions(r: ByteReader, ctx: ExtensionContext, withFields = true): ExtensionList {
  const facts: ExtensionFacts = { extendedMasterSecret: false, psk: false };
  const warnings: string[] = [];
  const extensions: Extension[] = [];
  const start = r.offset;
  // RFC 5246 §7.4.1.2: the extensions block may be absent altogether in a hello.
  if (r.atEnd && (ctx === 'client-hello' || ctx === 'server-hello')) {
    return withFields ? { extensions, facts, warnings, field: field('Extensions', start, 0, 'none') } : { extensions, facts, warnings };
  }
  const list = r.vec16('extensions');
  const children: Field[] | undefined = withFields ? [] : undefined;
  while (!list.atEnd) {
    const at = list.offset;
    const type = list.u16('extension_type');
    const len = list.u16('extension_data length');
    const dataAt = list.offset;
    const data = list.bytes(len, `extension ${extensionTypeName(type)}`);
    extensions.push({ type, data, span: { offset: dataAt, length: len } });
    const detail: Field[] | undefined = withFields
      ? [field('Type', at, 2, `${extensionTypeName(type)} (${type})`, type), field('Length', at + 2, 2, String(len))]
      : undefined;
    const inner = new ByteReader(list.buf, dataAt, dataAt + len, list.base);
    const res = decodeWith(() => decodeOne(type, inner, ctx, facts, detail));
    if (!res.ok) {
      warnings.push(`extension ${extensionTypeName(type)}: ${res.error.message}`);
      detail?.push(field('Problem', dataAt, len, `${res.error.kind}: ${res.error.message}`));
    }
    children?.push(field(`Extension: ${extensionTypeName(type)}`, at, 4 + len, `${len} bytes`, type, detail));
  }
  if (!children) return { extensions, facts, warnings };
  return {
    extensions,
    facts,
    warnings,
    field: field('Extensions', start, r.offset - start, `${extensions.length}`, undefined, children),
  };
}
