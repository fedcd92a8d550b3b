/** Reading what a program printed, for one-line error messages. */

/** The last non-blank line of a program's output, trimmed ('' when it printed nothing). */
export function lastLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).at(-1) ?? '';
}

/**
 * Lines util-linux adds after the reason, which say nothing about it: mount(8) ends every
 * failed mount with `dmesg(1) may have more information after failed mount system call.`
 */
const TRAILERS = [/^dmesg\(1\) may have more information/];

/** The first line of a program's output that says what went wrong ('' when it printed nothing). */
export function firstMeaningfulLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).filter((l) => l && !TRAILERS.some((t) => t.test(l)))[0] ?? '';
}
