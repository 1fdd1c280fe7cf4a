/**
 * What the connections of one capture may hold together while their handshakes are under way:
 * the reassembler's out-of-order segments and, in the TLS dissectors, handshake messages being
 * reassembled, messages waiting for their connection to finish, plaintext scanned for a TLS start,
 * records kept for a decryptor, and each dissector at work itself (DISSECTOR_BYTES). Each
 * connection is bounded on its own (ReassemblyLimits, TlsLimits); this one bound is for their sum,
 * which grows with the number of connections (a flood of connections that each start a large
 * ClientHello and never finish it).
 *
 * Whoever holds bytes counts them here (take) and gives them back when it lets them go (give).
 * When a request does not fit, the budget's owner is asked to make room (`makeRoom`: the analysis
 * summarises the oldest handshakes under way as they stand, one finding for all of them) and the
 * holders let go of what they kept for the connections summarised (letGo). Past the bound what is
 * refused is kept truncated and said so, and the analysis goes on.
 */
export class CaptureBudget {
  used = 0;
  /** Times a connection was refused room. */
  refusals = 0;
  /** Most ever held at once (what a test checks the bound by). */
  peak = 0;
  private readonly holders: BudgetHolder[] = [];

  /**
   * `makeRoom`: called when `n` bytes do not fit, to let other connections go; `asking` is the
   * consumer or dissector that wants the room, which must not be let go in its own call.
   */
  constructor(
    readonly max: number,
    private readonly makeRoom?: (n: number, asking: unknown) => void,
  ) {}

  /** Counts `n` more bytes if they fit; `always`: counts them even past the bound (small messages, a held segment). */
  take(n: number, always = false, asking?: unknown): boolean {
    if (this.used + n > this.max && this.makeRoom) this.makeRoom(n, asking);
    if (!always && this.used + n > this.max) {
      this.refusals++;
      return false;
    }
    this.used += n;
    if (this.used > this.peak) this.peak = this.used;
    return true;
  }

  give(n: number): void {
    this.used = Math.max(0, this.used - n);
  }

  /** Whether what is counted is past the bound. */
  get over(): boolean {
    return this.used > this.max;
  }

  /** A holder of bytes that can let go of what it keeps for one connection (the reassembler). */
  addHolder(h: BudgetHolder): void {
    this.holders.push(h);
  }

  /** The connection was summarised to make room: every holder lets go of what it kept for it. */
  letGo(conn: object): void {
    for (const h of this.holders) h.letGo(conn);
  }
}

export interface BudgetHolder {
  /** `conn`: the connection (net's Connection) summarised. */
  letGo(conn: object): void;
}

/** What the connections of one capture hold together at most, by default. */
export const DEFAULT_CAPTURE_BUDGET_BYTES = 64 * 1024 * 1024;

/**
 * What one TLS dissector at work costs whatever it holds (both directions' record and message
 * state, the state machine): counted against the budget while it works, so that thousands of
 * connections that each send a few bytes and hang are bounded by it too.
 */
export const DISSECTOR_BYTES = 4096;

/**
 * `s` as one flat string. A template literal with numbers in it is kept by V8 as a tree of its
 * pieces (~32 bytes a piece, a dozen for a message such as "ClientHello cut … after 15891 of 16380
 * bytes"); reading one character joins them, and the collector then keeps only the joined text.
 * For text kept to the end for every connection (anomalies, decode errors): ~600 bytes a
 * connection less in a flood's 40,000 waiting sessions.
 */
export function flatString(s: string): string {
  if (s.length > 0) s.charCodeAt(0);
  return s;
}

export function sizeText(n: number): string {
  return n >= 1048576 ? `${Math.round(n / 1048576)} MiB` : `${Math.round(n / 1024)} KiB`;
}
