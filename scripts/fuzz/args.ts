/** The words of a fuzzer's command line, one at a time; `value()` is the word after the current flag. */
export class ArgWalk {
  private i = -1;
  constructor(private readonly argv: readonly string[]) {}

  /** The next word, or undefined at the end. */
  next(): string | undefined {
    return this.argv[++this.i];
  }

  /** The value of the flag just read; a flag without one is an error. */
  value(): string {
    const flag = this.argv[this.i];
    const x = this.argv[++this.i];
    if (x === undefined) throw new Error(`${flag} needs a value`);
    return x;
  }
}
