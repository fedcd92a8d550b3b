/** Reading what a program printed, for one-line error messages; a failed program as one error. */
import { EXIT, OvsError, type ExitCode } from './errors.js';
import type { RunResult } from './host.js';
import { PACKAGES, installHint } from './programs.js';

/**
 * Lines util-linux adds after the reason, which say nothing about it: mount(8) ends every
 * failed mount with `dmesg(1) may have more information after failed mount system call.`
 */
const TRAILERS = [/^dmesg\(1\) may have more information/];

function meaningfulLines(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l && !TRAILERS.some((t) => t.test(l)));
}

/** The last line of a program's output that says something ('' when it printed nothing). */
export function lastLine(text: string): string {
  return meaningfulLines(text).at(-1) ?? '';
}

/** The first line of a program's output that says what went wrong ('' when it printed nothing). */
export function firstMeaningfulLine(text: string): string {
  return meaningfulLines(text)[0] ?? '';
}

type Ran = Pick<RunResult, 'exitCode' | 'stdout' | 'stderr'>;

/** What a failed program said: its last meaningful stderr line, else stdout's ('' when it said nothing). */
export function saidBy(r: Pick<RunResult, 'stdout' | 'stderr'>): string {
  return lastLine(r.stderr) || lastLine(r.stdout);
}

export interface FailureOptions {
  /** The program as the message names it (`mkfs.ocfs2`, `umount`). */
  program: string;
  /** Completes "... while <doing>". */
  doing: string;
  hint?: string;
  /** Default 69: an external program failed. */
  exit?: ExitCode;
  /** What it said, when the caller knows better than the last line (mkfs.ocfs2's banner, mount's first line). */
  said?: string;
}

/**
 * `<program> failed (exit N): <what it said>` as one error (69 unless told); a program that is
 * not there at all is `<name> is not installed`, with its package when the table knows it.
 */
export function failureOf(r: Ran & { notFound?: boolean }, o: FailureOptions): OvsError {
  if (r.notFound) {
    const name = o.program.split(' ')[0] ?? o.program;
    const hint = name in PACKAGES ? installHint('unknown', name) : o.hint;
    return new OvsError(EXIT.UNAVAILABLE, `${name} is not installed`, { while: o.doing, ...(hint ? { hint } : {}) });
  }
  const said = o.said || saidBy(r);
  return new OvsError(o.exit ?? EXIT.UNAVAILABLE, `${o.program} failed (exit ${r.exitCode})${said ? `: ${said}` : ''}`, { while: o.doing, ...(o.hint ? { hint: o.hint } : {}) });
}
