/**
 * One captured packet, numbered as Wireshark numbers frames (1-based, in file order).
 *
 * Lifetime: `data` is a view into the reader's current chunk. It is valid only during the
 * callback that receives the frame; copy (`copyBytes`) anything you keep.
 */
export interface Frame {
  readonly number: number;
  /** Seconds since the epoch (integer part). */
  readonly tsSec: number;
  /** Nanoseconds within the second (0..999_999_999), whatever the file's resolution. */
  readonly tsNsec: number;
  /** LINKTYPE_* value (https://www.tcpdump.org/linktypes.html). */
  readonly linkType: number;
  /** pcapng interface id; 0 for classic pcap. */
  readonly interfaceId: number;
  readonly data: Uint8Array;
  /** Length of the packet on the wire; > data.length when the snap length cut it. */
  readonly origLen: number;
  /** Byte offset of the frame's record in the (decompressed) file, for error messages. */
  readonly fileOffset: number;
}

export type CaptureFormat = 'pcap' | 'pcap-ns' | 'pcapng';

export interface CaptureProblem {
  /** 'fatal' stops reading (what was read before stays valid); 'warning' does not. */
  readonly severity: 'fatal' | 'warning';
  readonly message: string;
  /** Byte offset in the (decompressed) file. */
  readonly fileOffset: number;
  /** The frame the problem concerns, or the last frame read before it. */
  readonly frame?: number;
}

export interface CaptureSummary {
  readonly format: CaptureFormat;
  readonly gzip: boolean;
  readonly frames: number;
  /** Frames whose captured length is below the original length (snap length). */
  readonly truncatedFrames: number;
  /** The snap length the file header (pcap) or interface blocks (pcapng) give, each once; 0 = none given. */
  readonly snapLengths?: readonly number[];
  readonly linkTypes: readonly number[];
  readonly problems: readonly CaptureProblem[];
  /** Bytes of (decompressed) file consumed. */
  readonly bytesRead: number;
  readonly firstTs?: { sec: number; nsec: number };
  readonly lastTs?: { sec: number; nsec: number };
}
