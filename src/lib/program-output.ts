/** Reading what a program printed, for one-line error messages. */

/** The last non-blank line of a program's output, trimmed ('' when it printed nothing). */
export function lastLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).at(-1) ?? '';
}
