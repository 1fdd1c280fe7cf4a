/** The details tree of a ladder row: record layer → protocol message → fields → certificates, each with its bytes. */
import { safeText } from '../../bytes/text.js';
import { endpointText } from '../../expressway/index.js';
import { contentTypeName, handshakeTypeName, versionName, type Field, type TlsMessage } from '../../tls/index.js';
import { ekuStatus, type CertInfo, type EkuName } from '../../x509/index.js';
import type { Tone } from './common.js';
import { commonName, messageLabel, runText, sideOf, type LadderRow } from './ladder.js';
import { roleEndpoints, type SessionEntry } from './sessions.js';

export interface ByteRange {
  readonly offset: number;
  readonly length: number;
}

export interface TreeNode {
  /** Path of child positions ("0.2.1"): stable for a message, used for expansion state. */
  readonly id: string;
  readonly label: string;
  readonly value?: string;
  /** Bytes of the message this node stands for, for the hex pane. */
  readonly range?: ByteRange;
  readonly tone?: Tone;
  /** A verdict shown after the value, with a symbol: "clientAuth needed ✖ missing". */
  readonly badge?: string;
  /** Expanded unless the user closed it. */
  readonly open?: boolean;
  /** Set on the node of one certificate: which one, for export. */
  readonly certIndex?: number;
  readonly children: readonly TreeNode[];
}

interface Draft {
  label: string;
  value?: string;
  range?: ByteRange;
  tone?: Tone;
  badge?: string;
  open?: boolean;
  certIndex?: number;
  children?: Draft[];
}

function finish(d: Draft, id: string): TreeNode {
  return {
    id,
    label: safeText(d.label),
    ...(d.value !== undefined && { value: safeText(d.value) }),
    ...(d.range && { range: d.range }),
    ...(d.tone && { tone: d.tone }),
    ...(d.badge !== undefined && { badge: safeText(d.badge) }),
    ...(d.open && { open: true }),
    ...(d.certIndex !== undefined && { certIndex: d.certIndex }),
    children: (d.children ?? []).map((c, i) => finish(c, `${id}.${i}`)),
  };
}

/** The details tree of one ladder row: record layer → protocol message → fields → certificates. */
export function detailsTree(e: SessionEntry, row: LadderRow | undefined): readonly TreeNode[] {
  if (!row) return [];
  const s = e.session;
  const { client, server } = roleEndpoints(s);
  const dirText = (side: 'client' | 'server') =>
    side === 'client' ? `client → server (${endpointText(client)} → ${endpointText(server)})` : `server → client (${endpointText(server)} → ${endpointText(client)})`;
  if (row.kind === 'end' || row.kind === 'record') {
    const side = row.dir === 'right' ? 'client' : 'server';
    return [finish({ label: row.label, value: `frame ${row.frame}`, open: true, children: [{ label: 'Direction', value: dirText(side) }, ...(row.note ? [{ label: 'Note', value: row.note, tone: 'bad' as Tone }] : [])] }, '0')];
  }
  const m = s.tls.messages.find((x) => x.index === row.index);
  if (!m) return [];
  const side = sideOf(s, m.dir);
  const ct = m.kind === 'handshake' || m.kind === 'encrypted-handshake' ? 22 : m.kind === 'change-cipher-spec' ? 20 : m.kind === 'alert' ? 21 : m.kind === 'application-data' ? 23 : 24;
  const recordChildren: Draft[] = [
    { label: 'Content Type', value: `${contentTypeName(ct)} (${ct})` },
    { label: 'Version', value: versionName(m.recordVersion) },
    { label: 'Direction', value: dirText(side) },
    { label: m.frames.length > 1 ? 'Carried by frames' : 'Carried by frame', value: runText(m.frames) },
    { label: 'Reassembled in', value: `frame ${m.frame}` },
  ];
  const protocol = protocolNode(e, m, side);
  if (protocol) recordChildren.push(protocol);
  const record: Draft = {
    label: `TLS Record Layer: ${contentTypeName(ct)}`,
    value: `${versionName(m.recordVersion)}, ${side} → ${side === 'client' ? 'server' : 'client'}, ${m.frames.length > 1 ? `reassembled in frame ${m.frame} from frames ${runText(m.frames)}` : `frame ${m.frame}`}${m.kind === 'handshake' && m.decrypted ? ', decrypted with the key log' : ''}`,
    open: true,
    children: recordChildren,
  };
  return [finish(record, '0')];
}

function fieldDraft(f: Field, open: (f: Field) => boolean): Draft {
  return {
    label: f.label,
    ...(f.value !== undefined && { value: f.value }),
    range: { offset: f.offset, length: f.length },
    ...(open(f) && { open: true }),
    children: (f.children ?? []).map((c) => fieldDraft(c, open)),
  };
}

function protocolNode(e: SessionEntry, m: TlsMessage, side: 'client' | 'server'): Draft | undefined {
  if (m.kind !== 'handshake' && m.kind !== 'change-cipher-spec' && m.kind !== 'alert') {
    return { label: messageLabel(m), value: `${m.length} bytes, encrypted: not readable without keys`, tone: 'muted' };
  }
  const whole: ByteRange = { offset: 0, length: m.bytes.length };
  if (m.kind === 'change-cipher-spec') return { label: 'Change Cipher Spec Protocol', range: whole, open: true, children: m.fields.map((f) => fieldDraft(f, () => false)) };
  if (m.kind === 'alert') {
    return {
      label: `Alert Protocol: ${messageLabel(m).replace(/^Alert /, '')}`,
      range: whole,
      open: true,
      tone: m.level === 2 ? 'bad' : 'warn',
      children: m.encrypted ? [{ label: 'Encrypted', value: `${m.length} bytes: level and description are not readable (T6)` }] : m.fields.map((f) => fieldDraft(f, () => false)),
    };
  }
  const cm = e.session.certificateMessages.find((c) => c.messageIndex === m.index);
  const openField = (f: Field) => cm !== undefined && (f.label === 'Certificates' || /^Certificate \d+$/.test(f.label));
  const children = m.fields.map((f) => fieldDraft(f, openField));
  if (cm) graftCertificates(children, e, cm.certificates, side);
  if (m.error) children.push({ label: 'Decode problem', value: m.error.message ?? String(m.error), tone: 'bad' });
  return {
    label: `Handshake Protocol: ${handshakeTypeName(m.type)}`,
    value: `${m.bytes.length} bytes${m.truncated ? ` of ${m.length + 4} (truncated)` : ''}`,
    range: whole,
    open: true,
    children,
  };
}

/** Adds the decoded certificate under each "Certificate N" field of a Certificate message. */
function graftCertificates(drafts: Draft[], e: SessionEntry, refs: readonly { id: string; index: number }[], side: 'client' | 'server'): void {
  for (const d of drafts) {
    const m = /^Certificate (\d+)$/.exec(d.label);
    if (m) {
      const index = Number(m[1]);
      const ref = refs.find((r) => r.index === index);
      const cert = ref && e.capture.pool.get(ref.id);
      const der = d.children?.find((c) => c.label === 'Certificate');
      if (cert) {
        d.certIndex = index;
        (d.children ??= []).push(certificateDraft(cert, index, side, der?.range ?? d.range));
        const eku = cert.eku;
        if (eku) d.value = `${d.value ?? ''} · ${commonName(cert)}`.replace(/^ · /, '');
      }
      continue;
    }
    if (d.children) graftCertificates(d.children, e, refs, side);
  }
}

function certificateDraft(c: CertInfo, index: number, side: 'client' | 'server', range: ByteRange | undefined): Draft {
  const children: Draft[] = [];
  const at = range ? { range } : {};
  if (c.error) children.push({ label: 'Undecodable', value: c.error, tone: 'bad', ...at });
  if (c.eku) children.push(ekuDraft(c, index, side, at));
  if (c.subject) children.push({ label: 'Subject', value: c.subject.rfc4514, ...at });
  if (c.issuer) children.push({ label: 'Issuer', value: c.issuer.rfc4514, ...at });
  if (c.serialDisplay !== undefined) children.push({ label: 'Serial Number', value: c.serialDisplay, ...at });
  if (c.validity) children.push({ label: 'Validity', value: `${isoShort(c.validity.notBeforeIso)} → ${isoShort(c.validity.notAfterIso)}`, ...at });
  if (c.keyUsage) children.push({ label: 'Key Usage', value: `${c.keyUsage.usages.join(', ') || 'none'}${c.keyUsage.critical ? ' (critical)' : ''}`, ...at });
  if (c.san) {
    const names = [...c.san.dns.map((d) => `DNS:${d}`), ...c.san.ip.map((i) => `IP:${i}`), ...c.san.uri.map((u) => `URI:${u}`), ...c.san.email.map((m) => `email:${m}`), ...c.san.other.map((o) => `${o.type}:${o.value}`)];
    children.push({
      label: 'Subject Alternative Name',
      value: `${names.length} name${names.length === 1 ? '' : 's'}${c.san.truncated ? ` (of ${c.san.total})` : ''}`,
      ...at,
      children: names.map((n) => ({ label: n, ...at })),
    });
  }
  if (c.basicConstraints) children.push({ label: 'Basic Constraints', value: `CA: ${c.basicConstraints.cA ? 'yes' : 'no'}${c.basicConstraints.pathLen !== undefined ? `, path length ${c.basicConstraints.pathLen}` : ''}`, ...at });
  if (c.publicKey) children.push({ label: 'Public Key', value: `${c.publicKey.algorithmName}${c.publicKey.bits ? ` ${c.publicKey.bits} bits` : ''}${c.publicKey.curve ? ` ${c.publicKey.curve}` : ''}`, ...at });
  if (c.signatureAlgorithm) children.push({ label: 'Signature Algorithm', value: c.signatureAlgorithm.name, ...at });
  if (c.extensions) {
    children.push({
      label: 'Extensions',
      value: `${c.extensions.length}`,
      ...at,
      children: c.extensions.map((x) => ({ label: x.name ?? x.oid, value: `${x.critical ? 'critical, ' : ''}${x.length} bytes${x.error ? `, undecodable: ${x.error}` : ''}`, ...at })),
    });
  }
  children.push({ label: 'SHA-256', value: c.sha256, ...at });
  for (const w of c.warnings) children.push({ label: 'Warning', value: w, tone: 'warn', ...at });
  return {
    label: `X.509 Certificate${index === 0 ? ' (leaf)' : ` (CA ${index})`}`,
    value: c.subject?.rfc4514 ?? 'undecodable',
    ...at,
    open: true,
    certIndex: index,
    children,
  };
}

function isoShort(iso: string): string {
  return iso.replace('T', ' ').replace(/\.000Z$/, 'Z');
}

const EKU_OID: Record<EkuName, string> = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' };

/**
 * EKU with the role's need marked (E1–E5): a client's certificate needs clientAuth, a server's
 * serverAuth. On a CA certificate the EKU constrains the leaf for most verifiers (E5).
 */
function ekuDraft(c: CertInfo, index: number, side: 'client' | 'server', at: { range?: ByteRange }): Draft {
  const need: EkuName = side === 'client' ? 'clientAuth' : 'serverAuth';
  const eku = c.eku!;
  const status = ekuStatus(c, need);
  const whose = `${side === 'client' ? 'a client' : 'a server'} certificate${index > 0 ? "'s chain (E5)" : ''}`;
  const e5 = index > 0 ? ' (E5)' : '';
  let badge: string;
  let tone: Tone;
  switch (status) {
    case 'present':
      badge = `${need} needed${e5} ✔ present`;
      tone = 'ok';
      break;
    case 'missing':
      badge = `${need} needed${e5} ✖ missing`;
      tone = 'bad';
      break;
    case 'no-eku-extension':
      badge = `${need} needed ✔ not restricted (E1)`;
      tone = 'ok';
      break;
    case 'any-eku-only':
      badge = `${need} needed ▲ anyExtendedKeyUsage only: Go/Java accept, OpenSSL/NSS reject (E3)`;
      tone = 'warn';
      break;
    default:
      badge = `${need} needed ? undecodable`;
      tone = 'warn';
  }
  const children: Draft[] = [];
  if (!eku.present) {
    children.push({ label: 'Extension absent', value: index > 0 ? 'a CA without EKU does not constrain the leaf (E1, E5)' : 'no purpose restriction (E1)', ...at });
  } else {
    eku.oids.forEach((oid, i) => {
      const name = eku.names[i] ?? oid;
      const isNeed = oid === EKU_OID[need];
      children.push({
        label: name,
        value: oid,
        ...(isNeed && { badge: `✔ needed, present`, tone: 'ok' as Tone }),
        ...(oid === '2.5.29.37.0' && { badge: 'Go/Java: any; OpenSSL/NSS: no (E3)', tone: 'warn' as Tone }),
        ...at,
      });
    });
    if (status === 'missing' || status === 'any-eku-only') {
      children.push({ label: need, value: EKU_OID[need], badge: `✖ needed, missing (E2)`, tone: 'bad', ...at });
    }
    children.push({ label: 'Needed', value: `${need}, by ${whose} (${side === 'client' ? 'the server verifies purpose "SSL client"' : 'the client verifies purpose "SSL server"'}, E6)`, ...at });
    children.push({ label: 'Critical', value: `${eku.critical ? 'yes' : 'no'} (does not change OpenSSL's verdict, E4)`, ...at });
  }
  return {
    label: 'Extended Key Usage',
    value: eku.present ? eku.names.join(', ') || 'empty' : 'absent',
    badge,
    tone,
    ...at,
    children,
  };
}

export interface VisibleNode {
  readonly node: TreeNode;
  readonly depth: number;
  readonly open: boolean;
  readonly hasChildren: boolean;
}

/** The tree as the lines the pane shows, given which nodes are open. */
export function flattenTree(nodes: readonly TreeNode[], isOpen: (n: TreeNode) => boolean): readonly VisibleNode[] {
  const out: VisibleNode[] = [];
  const walk = (list: readonly TreeNode[], depth: number) => {
    for (const n of list) {
      const open = n.children.length > 0 && isOpen(n);
      out.push({ node: n, depth, open, hasChildren: n.children.length > 0 });
      if (open) walk(n.children, depth + 1);
    }
  };
  walk(nodes, 0);
  return out;
}

/** A node by id, and the ids of its ancestors (outermost first). */
export function findNode(nodes: readonly TreeNode[], id: string): { node: TreeNode; path: readonly TreeNode[] } | undefined {
  const walk = (list: readonly TreeNode[], path: TreeNode[]): { node: TreeNode; path: TreeNode[] } | undefined => {
    for (const n of list) {
      if (n.id === id) return { node: n, path };
      if (id.startsWith(`${n.id}.`)) return walk(n.children, [...path, n]);
    }
    return undefined;
  };
  return walk(nodes, []);
}
