/**
 * Decoders never throw on capture bytes. They return a Result; "truncated" (the bytes stop
 * before the structure does: more data may complete it, or the capture was cut) is kept apart
 * from "malformed" (the bytes contradict the format), as rusticata's tls-parser and gopacket do.
 */
export type DecodeErrorKind = 'truncated' | 'malformed' | 'limit';

export interface DecodeError {
  readonly kind: DecodeErrorKind;
  /** One line, plain words, no capture-controlled text unescaped. */
  readonly message: string;
  /** Offset within the buffer being decoded where the problem was seen. */
  readonly offset: number;
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: DecodeError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function err<T = never>(kind: DecodeErrorKind, message: string, offset: number): Result<T> {
  return { ok: false, error: { kind, message, offset } };
}

export function truncated<T = never>(message: string, offset: number): Result<T> {
  return err('truncated', message, offset);
}

export function malformed<T = never>(message: string, offset: number): Result<T> {
  return err('malformed', message, offset);
}
