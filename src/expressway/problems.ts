/**
 * Problems found while reading Expressway inputs (bundles, archives, xconf dumps, logs).
 *
 * Readers in this folder never throw on file bytes: they return what they could read plus a list of
 * problems. Messages are plain words written by us; anything that came from the input (an archive
 * entry name, a log field) is kept in a separate field so that the caller neutralises it before
 * printing (issue 7: terminal safety), instead of it being baked into a sentence here.
 */
export type ProblemSeverity = 'error' | 'warning' | 'info';

export interface InputProblem {
  readonly severity: ProblemSeverity;
  /** Stable machine-readable code, e.g. 'tar-truncated', 'entry-refused', 'xconf-defaulted'. */
  readonly code: string;
  /** One line, written by ekuscope, containing no input-controlled text. */
  readonly message: string;
  /** Byte offset in the (decompressed) input where the problem was seen, when meaningful. */
  readonly offset?: number;
  /** 1-based line number for text inputs. */
  readonly line?: number;
  /** Untrusted: the archive entry or file name concerned. Neutralise before printing. */
  readonly name?: string;
}

export function problem(
  severity: ProblemSeverity,
  code: string,
  message: string,
  extra: { offset?: number; line?: number; name?: string } = {},
): InputProblem {
  return { severity, code, message, ...extra };
}
