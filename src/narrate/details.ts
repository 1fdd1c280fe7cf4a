/**
 * The details a reader opens on demand in formats that fold (HTML): every field of a certificate a
 * story shows in its table, and every field of the CertificateRequest the story tells in one
 * sentence. Text and Markdown leave them out (doc.ts says how each block is shown).
 *
 * Strings from certificates and captures go in as they are: renderers neutralise them.
 */
import type { CertificateRequestInfo } from '../analysis/index.js';
import { certificateTypeName, signatureSchemeName } from '../tls/index.js';
import type { CertInfo } from '../x509/index.js';
import { ekuText, serialText, storeRoleText } from '../expressway/index.js';
import type { Block, Inline, Pairs } from './doc.js';

/** Where a certificate was found in the bundle's stores, as the certificate table names it. */
export interface StorePlace {
  readonly box: string;
  readonly role: 'client' | 'server' | 'ca';
  readonly file: string;
}

function list(values: readonly string[], none: string): Inline[] {
  return [values.length ? values.join(', ') : none];
}

/** Serial, subject, issuer, EKU, Key Usage, SAN, validity, SHA-256, store and file. */
export function certificateDetails(c: CertInfo, place: StorePlace | undefined): Pairs {
  const pairs: [string, Inline[]][] = [];
  if (c.error) pairs.push(['could not be decoded', [c.error]]);
  pairs.push(['serial', [{ kind: 'code', text: serialText(c) }]]);
  pairs.push(['subject', [c.subject?.rfc4514 || '(empty)']]);
  pairs.push(['issuer', [c.issuer?.rfc4514 || '(empty)']]);
  pairs.push(['EKU', [c.eku ? `${ekuText(c)}${c.eku.present && c.eku.critical ? ' (critical)' : ''}` : '?']]);
  pairs.push(['Key Usage', c.keyUsage ? list(c.keyUsage.usages, 'none listed') : ['no Key Usage extension (no restriction, E7)']]);
  const san = c.san ? [...c.san.dns, ...c.san.ip, ...c.san.uri, ...c.san.email, ...c.san.other.map((o) => `${o.type}:${o.value}`)] : [];
  const more = c.san && c.san.total > san.length ? [`${san.length ? ', ' : ''}and ${c.san.total - san.length} more not decoded`] : [];
  pairs.push(['SAN', c.san ? [...list(san, 'empty'), ...more] : ['no SAN extension']]);
  pairs.push(['validity', c.validity ? [`${c.validity.notBeforeIso} to ${c.validity.notAfterIso}`] : ['?']]);
  if (c.publicKey) pairs.push(['key', [`${c.publicKey.algorithmName}${c.publicKey.bits ? ` ${c.publicKey.bits} bits` : ''}${c.publicKey.curve ? ` (${c.publicKey.curve})` : ''}`]]);
  if (c.basicConstraints?.cA) pairs.push(['CA', [`yes${c.basicConstraints.pathLen !== undefined ? `, path length ${c.basicConstraints.pathLen}` : ''}`]]);
  pairs.push(['SHA-256', [{ kind: 'code', text: c.sha256 }]]);
  pairs.push(['store', [place ? `${place.box} ${storeRoleText(place.role)}` : 'in no store given']]);
  if (place) pairs.push(['file', [{ kind: 'code', text: place.file }]]);
  return pairs;
}

/** The CertificateRequest's every field, folded under a one-line summary (T2). */
export function certificateRequestFold(cr: CertificateRequestInfo, requester: string): Block {
  const sig = cr.signatureAlgorithms ?? [];
  const pairs: [string, Inline[]][] = [
    ['frame', [String(cr.frame)]],
    ['sent by', [`${requester}${cr.decrypted ? ' (decrypted with the key log)' : ''}`]],
    ['certificate types', list(cr.certificateTypes.map(certificateTypeName), 'none listed')],
    ['signature algorithms', list(sig.map(signatureSchemeName), cr.signatureAlgorithms ? 'none listed' : 'not in this TLS version')],
    ['acceptable CA names', cr.caNames.length ? [`${cr.caNames.length}`] : ['none: any CA is acceptable (T2)']],
  ];
  const blocks: Block[] = [{ kind: 'kv', pairs }];
  if (cr.caNames.length) blocks.push({ kind: 'list', items: cr.caNames.map((n) => [n.text]) });
  blocks.push({ kind: 'paragraph', content: ['The request says nothing about EKU: the need for clientAuth comes from the verifier\'s policy (T2).'] });
  return {
    kind: 'fold',
    summary: [`CertificateRequest from ${requester}: ${cr.certificateTypes.length} certificate type(s), ${sig.length} signature algorithm(s), ${cr.caNames.length} CA name(s) `, { kind: 'frames', frames: [cr.frame] }],
    blocks,
  };
}
