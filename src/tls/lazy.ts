/**
 * Handshake messages as the dissector lists them while their connection is under way: the field
 * tree made when first read, the body decoded again from the bytes once the connection settled.
 */
import { decodeHandshake } from './messages.js';
import type { DecodeContext, Field, HandshakeBody, HandshakeMessage } from './types.js';

/** What lazyMessage keeps behind a handshake message's `fields` and `body`, as properties that are not enumerable. */
const CTX = Symbol('decode context');

/** The body decoded when the message completed (the live message is dropped when its connection settles). */
const HOT_BODY = Symbol('decoded body');
const FIELD_TREE = Symbol('field tree');

type LazyMessage = HandshakeMessage & { readonly [CTX]: DecodeContext; [HOT_BODY]: HandshakeBody | undefined; [FIELD_TREE]?: readonly Field[] };

/**
 * A handshake message whose field tree (for the detail pane) is built from the kept bytes the
 * first time it is read, and whose body, once the connection has settled, is decoded again from
 * them when read: holding trees and bodies of small objects for every message of every session
 * would dominate memory on long captures, and only the messages a person opens need them. The
 * accessors are the same functions for every message, so all messages share one object shape.
 */
export function lazyMessage(
  base: Omit<HandshakeMessage, 'fields' | 'body' | 'error' | 'decrypted' | 'sslv2'>,
  ctx: DecodeContext,
  body: HandshakeBody | undefined,
  error: HandshakeMessage['error'],
  decrypted: boolean,
): HandshakeMessage {
  const m = base as { -readonly [K in keyof HandshakeMessage]: HandshakeMessage[K] };
  Object.defineProperty(m, 'fields', FIELDS);
  Object.defineProperty(m, CTX, { value: ctx });
  Object.defineProperty(m, HOT_BODY, { value: body });
  if (body !== undefined) Object.defineProperty(m, 'body', BODY);
  if (error !== undefined) m.error = error;
  if (decrypted) m.decrypted = true;
  return m;
}

/** The decode context a live handshake message was decoded with (undefined for SSLv2 hellos). */
export function liveContextOf(m: HandshakeMessage): DecodeContext | undefined {
  return CTX in m ? (m as LazyMessage)[CTX] : undefined;
}

/** A live Certificate message's decoded certificates (views into its bytes), while it still holds them. */
export function liveCertificatesOf(m: HandshakeMessage): readonly { readonly der: Uint8Array }[] | undefined {
  const body = HOT_BODY in m ? (m as LazyMessage)[HOT_BODY] : undefined;
  return body?.kind === 'certificate' ? body.certificates : undefined;
}

function lazyFieldsOf(this: LazyMessage): readonly Field[] {
  let f = this[FIELD_TREE];
  if (f === undefined) {
    const r = decodeHandshake(this.bytes, { ...this[CTX], fields: true });
    f = r.ok ? r.value.fields : [];
    Object.defineProperty(this, FIELD_TREE, { value: f });
  }
  return f;
}

function lazyBodyOf(this: LazyMessage): HandshakeBody | undefined {
  const b = this[HOT_BODY];
  if (b !== undefined) return b;
  const r = decodeHandshake(this.bytes, this[CTX]);
  return r.ok ? r.value.body : undefined;
}

const FIELDS: PropertyDescriptor = Object.freeze({ enumerable: true, configurable: true, get: lazyFieldsOf });
const BODY: PropertyDescriptor = Object.freeze({ enumerable: true, configurable: true, get: lazyBodyOf });
