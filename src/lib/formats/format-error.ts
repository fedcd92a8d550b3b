/**
 * A parse or validation failure inside a file format, with the 1-based line number
 * where it was found (when there is one). Pure: the command that read the file decides
 * which exit status it maps to (72 for a system file, 65 for a value the operator gave).
 */
export class FormatError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = 'FormatError';
  }
  /** The message without the `line N:` prefix. */
  get reason(): string {
    return this.line === undefined ? this.message : this.message.slice(`line ${this.line}: `.length);
  }
}

/**
 * The one wording of a bad line in a file: `<path> line N: <reason>` (`<path>: <reason>` when
 * the problem has no line). FormatError's own message already starts with `line N:`, so
 * never prefix that message with a path by hand: it says the line twice.
 */
export function inFile(path: string, problem: { line?: number | undefined; reason?: string; message: string }): string {
  const reason = problem.reason ?? problem.message;
  return problem.line === undefined ? `${path}: ${reason}` : `${path} line ${problem.line}: ${reason}`;
}
