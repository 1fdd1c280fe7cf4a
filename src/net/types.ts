/** An address as printed: dotted IPv4 or RFC 5952 IPv6. */
export type Ip = string;

export interface Endpoint {
  readonly ip: Ip;
  readonly port: number;
}

/**
 * Direction within a connection. 0 = from endpoint A to endpoint B, 1 = B to A, where A is the
 * initiator (SYN sender) when the SYN was seen, otherwise the source of the first packet seen.
 */
export type Dir = 0 | 1;

export type EndReason = 'fin' | 'rst' | 'capture-end';

export type GapReason =
  /** Bytes missing inside the stream (loss, or not captured). */
  | 'missing'
  /** The capture started after the connection did, and the first bytes were never seen. */
  | 'mid-stream-start'
  /** The caller's buffer limit forced the reassembler to skip ahead over held-back data. */
  | 'buffer-limit'
  /** The packet was cut by the snap length. */
  | 'snaplen';

/**
 * What the reassembler delivers, per connection and direction. Bytes arrive in stream order;
 * offsets count from the first byte after the SYN (or from the first byte seen when no SYN).
 */
export interface StreamConsumer {
  /**
   * In-order bytes carried by `frame`. `data` is a view valid only during the call.
   * Return 'ignore' to declare no further interest in this connection: from then on its
   * packets cost one lookup each and nothing more is delivered.
   */
  data(dir: Dir, data: Uint8Array, streamOffset: number, frame: number, tsSec: number, tsNsec: number): void | 'ignore';
  /** `length` bytes at `streamOffset` will never be delivered. */
  gap(dir: Dir, streamOffset: number, length: number, reason: GapReason, frame: number): void | 'ignore';
  /**
   * The direction ended (FIN/RST seen in that direction, a RST from the other side, or the capture
   * ended). `from`: the direction whose segment carried the FIN or RST (rule C5: a RST from B ends
   * A's direction too, but B sent it); `dir` itself for a FIN, its own RST and the capture's end.
   */
  end(dir: Dir, reason: EndReason, frame: number, from: Dir): void;
}
