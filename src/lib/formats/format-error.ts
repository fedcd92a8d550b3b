/**
 * A parse or validation failure inside a file format, with the 1-based line number
 * where it was found (when there is one). Pure: the command that read the file decides
 * which exit status it maps to (72 for a system file: system-file.ts; 65 for a value the
 * operator gave: parseValue below).
 */
import { EXIT, OvsError } from '../errors.js';

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

/**
 * Run `fn` (a parser or a format rule); a FormatError it throws goes to `onBad`, which throws
 * the caller's own error or returns a fallback. Anything else is a bug and goes up unchanged.
 * The one place that tells a bad value from a broken program.
 */
export function tryFormat<T, U = never>(fn: () => T, onBad: (e: FormatError) => U): T | U {
  try {
    return fn();
  } catch (e) {
    if (e instanceof FormatError) return onBad(e);
    throw e;
  }
}

/** A FormatError without a line gets `line`; one that has its own line keeps it. */
export function atLine<T>(line: number | undefined, fn: () => T): T {
  return tryFormat(fn, (e) => {
    throw e.line === undefined && line !== undefined ? new FormatError(e.reason, line) : e;
  });
}

/**
 * A value the operator gave (an argument, an option), checked by a format rule: its complaint
 * is exit 65, `<reason> while reading <what>`, with the hint that says what is accepted.
 */
export function parseValue<T>(what: string, hint: string, fn: () => T): T {
  return tryFormat(fn, (e) => {
    throw new OvsError(EXIT.DATAERR, e.reason, { while: `reading ${what}`, hint });
  });
}
