/** The FormatError a parser throws (anything else, or nothing, fails the test). */
import { FormatError } from '../../src/lib/formats/format-error.js';

export function errorOf(fn: () => unknown): FormatError {
  try {
    fn();
  } catch (e) {
    if (e instanceof FormatError) return e;
    throw e;
  }
  throw new Error('expected a FormatError');
}
