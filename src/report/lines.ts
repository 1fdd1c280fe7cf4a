/**
 * The lines a text renderer gathers, handed out a piece at a time (a section, say) so that a long
 * report is written as it goes. Joined, the pieces and a final '\n' are exactly every line pushed,
 * joined with '\n', and a final '\n'.
 */
export class LinePieces {
  /** Lines gathered since the last piece. */
  readonly lines: string[] = [];
  private started = false;

  /** The lines gathered since the last piece, as one piece; nothing when there are none. */
  *piece(): Generator<string> {
    if (this.lines.length === 0) return;
    yield (this.started ? '\n' : '') + this.lines.join('\n');
    this.lines.length = 0;
    this.started = true;
  }
}
