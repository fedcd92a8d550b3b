/**
 * The exit table of ovs(8), EXIT STATUS, in exactly one place, and the error type every expected
 * failure is thrown as. Messages read `ovs: <command>: <what failed> while <doing what>`;
 * the hint is one actionable line. Only EXIT.SOFTWARE (a bug) ever shows a stack trace.
 */

import { escapedByte } from './bytes.js';

export const EXIT = {
  OK: 0,
  FINDINGS: 1, // a check found problems, or some pool members failed
  NOT_RUNNING: 3, // status: a service or repository that should run is not (LSB, systemctl)
  USAGE: 64,
  DATAERR: 65, // a value supplied is invalid
  NOINPUT: 66, // a device, file or portal named does not exist / is unreachable
  UNAVAILABLE: 69, // an external program is missing or failed, a service failed to start
  SOFTWARE: 70, // internal error
  OSFILE: 72, // a system file is missing or cannot be parsed
  CANTCREAT: 73,
  IOERR: 74,
  TEMPFAIL: 75, // lock held, device did not appear in time
  NOPERM: 77,
  CONFIG: 78, // configuration inconsistent
  INTERRUPTED: 130, // SIGINT (Ctrl-C): 128 + 2, as a shell reports it
  TERMINATED: 143, // SIGTERM or SIGHUP (kill): 128 + 15
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** One line per code for `ovs(8)`, the README and `--help`. */
export const EXIT_MEANINGS: Record<ExitCode, string> = {
  0: 'done, or nothing needed doing',
  1: 'a check found problems, or some pool members failed',
  3: 'status: a service or repository that should be running is not (as LSB status and systemctl)',
  64: 'usage: bad option or argument, unknown command, confirmation needed without --yes',
  65: 'a value supplied is invalid (cluster name, IP address, label, size ...)',
  66: 'a device, file or portal named does not exist or is unreachable',
  69: 'an external program is missing or failed, or a service failed to start',
  70: 'internal error (a bug)',
  72: 'a system file is missing or cannot be parsed',
  73: 'cannot create a file or directory',
  74: 'I/O error while writing (ENOSPC, EIO, EROFS)',
  75: 'temporary: lock held by another run, or a device did not appear in time; retry',
  77: 'permission denied',
  78: 'the configuration is inconsistent',
  130: 'interrupted (SIGINT, Ctrl-C), after the step in progress took back what it made',
  143: 'terminated (SIGTERM or SIGHUP), after the step in progress took back what it made',
};

export interface OvsErrorOptions {
  /** What was being done, rendered as `... while <doing>`. */
  while?: string;
  hint?: string;
  cause?: unknown;
}

export class OvsError extends Error {
  readonly exit: ExitCode;
  readonly doing: string | undefined;
  readonly hint: string | undefined;

  constructor(exit: ExitCode, message: string, opts: OvsErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'OvsError';
    this.exit = exit;
    this.doing = opts.while;
    this.hint = opts.hint;
  }

  /** The message with its `while ...` clause. */
  get text(): string {
    return this.doing ? `${this.message} while ${this.doing}` : this.message;
  }
}

/**
 * Run `f`; an expected failure (an OvsError) goes to `onExpected`, which turns it into a value
 * (a finding, a blank, a row); anything else is a bug and goes up unchanged.
 */
export async function orExpected<T, U>(f: () => Promise<T>, onExpected: (e: OvsError) => U): Promise<T | U> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof OvsError) return onExpected(e);
    throw e;
  }
}

export function exitCodeOf(err: unknown): ExitCode {
  return err instanceof OvsError ? err.exit : EXIT.SOFTWARE;
}

export function errnoOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** An error shaped like Node's own fs errors (`code`, `path`), for the doubles and checks that refuse. */
export function errnoError(code: string, path: string, words = ERRNO_WORDS[code] ?? code): Error {
  return Object.assign(new Error(`${code}: ${words}, '${path}'`), { code, path });
}

const ERRNO_EXIT: Record<string, ExitCode> = {
  EACCES: EXIT.NOPERM,
  EPERM: EXIT.NOPERM,
  ENOSPC: EXIT.IOERR,
  EDQUOT: EXIT.IOERR,
  EIO: EXIT.IOERR,
  EROFS: EXIT.IOERR,
  EFBIG: EXIT.IOERR,
  ENOENT: EXIT.CANTCREAT,
  ENOTDIR: EXIT.CANTCREAT,
  EEXIST: EXIT.CANTCREAT,
  EISDIR: EXIT.CANTCREAT,
  ELOOP: EXIT.CANTCREAT,
  EBUSY: EXIT.TEMPFAIL, // a bind-mounted file, a mount point in use: retry once it is free
  EXDEV: EXIT.CANTCREAT,
  ENAMETOOLONG: EXIT.CANTCREAT,
};

const ERRNO_WORDS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  EROFS: 'read-only file system',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'not a directory',
  EEXIST: 'file exists',
  EISDIR: 'is a directory',
  ELOOP: 'too many levels of symbolic links',
  EBUSY: 'device or resource busy',
  EXDEV: 'not on the same file system',
  ENAMETOOLONG: 'file name too long',
  EFBIG: 'file too large',
  EFTYPE: 'not a regular file',
  ERR_INVALID_ARG_VALUE: 'a path cannot hold a NUL byte', // Node refuses such a path before any system call
};

/**
 * Turn a failed system call made while changing the system into an OvsError with the
 * right exit status. `doing` completes "... while <doing>".
 */
/**
 * The hint for a refused permission. Root gets EPERM from an immutable file or directory
 * (chattr +i) and EACCES from an NFS export that squashes root or a security policy, so
 * "run as root" alone would send an operator who is root nowhere.
 */
export function permissionHint(code: string | undefined): string {
  return code === 'EPERM'
    ? 'run ovs as root; as root, the file or its directory is immutable (lsattr; chattr -i) or a security policy forbids it'
    : 'run ovs as root; as root, an NFS export that squashes root or a security policy (SELinux, AppArmor) refuses it';
}

export function systemError(err: unknown, doing: string, path?: string): OvsError {
  if (err instanceof OvsError) return err;
  const code = errnoOf(err);
  const exit: ExitCode = (code ? ERRNO_EXIT[code] : undefined) ?? EXIT.SOFTWARE;
  if (exit === EXIT.SOFTWARE) {
    return new OvsError(EXIT.SOFTWARE, `unexpected error: ${(err as Error)?.message ?? String(err)}`, { while: doing, cause: err });
  }
  const words = (code && ERRNO_WORDS[code]) ?? code ?? 'error';
  const hint = exit === EXIT.NOPERM ? permissionHint(code) : exit === EXIT.IOERR ? 'free space or remount the file system read-write, then run the command again' : undefined;
  return new OvsError(exit, path ? `${path}: ${words}` : words, { while: doing, hint, cause: err });
}

// ---------------------------------------------------------------- reading

/** Where a file being read comes from: the system (exit 72) or the operator's command line (66). */
export type ReadSource = 'system' | 'named';

/**
 * Turn a failed read into an OvsError: 72 for a system file that cannot be read (66 when
 * the operator named the file), 77 for permissions, 74 for an I/O error, 65 for a file the
 * operator named that is too large. The one errno table for reading.
 */
export function readFailure(err: unknown, path: string, source: ReadSource, doing = `reading ${shown(path)}`): OvsError {
  if (err instanceof OvsError) return err;
  const code = errnoOf(err) ?? 'error';
  const words = ERRNO_WORDS[code] ?? code;
  const what = `${shown(path)}: ${words}`;
  if (code === 'EACCES' || code === 'EPERM') return new OvsError(EXIT.NOPERM, what, { while: doing, hint: permissionHint(code), cause: err });
  if (code === 'EIO') return new OvsError(EXIT.IOERR, what, { while: doing, hint: 'check the device and the kernel log (dmesg)', cause: err });
  if (code === 'EFBIG' && source === 'named') return new OvsError(EXIT.DATAERR, what, { while: doing, cause: err });
  const exit = source === 'named' ? EXIT.NOINPUT : EXIT.OSFILE;
  const hint = source === 'named' ? NAMED_HINTS[code] ?? 'name a regular file' : READ_HINTS[code] ?? 'repair or restore the file, then run the command again';
  return new OvsError(exit, what, { while: doing, hint, cause: err });
}

const NAMED_HINTS: Record<string, string> = {
  ENAMETOOLONG: 'use a shorter path',
  ELOOP: 'the path runs into a symbolic link loop: name the file itself',
};

const READ_HINTS: Record<string, string> = {
  EISDIR: 'a directory stands where this file belongs: move it aside, then run the command again',
  ELOOP: 'a symbolic link loop stands where this file belongs: remove the link',
  EFTYPE: 'a FIFO, device or socket stands where this file belongs: move it aside',
  EFBIG: 'this file is far larger than any valid one: restore it from a backup',
  ENAMETOOLONG: 'use a shorter path',
};

// ---------------------------------------------------------------- echoing input

/** How many characters of a value a message shows before it cuts it short with `…`. */
export const SHOWN_LENGTH = 64;

/**
 * A value safe to echo in a message: control characters as `\n`, `\t`, `\x1b`, bytes that are
 * not UTF-8 as `\xe9`, bidirectional overrides as `\u202e`, and only its first 64 characters
 * followed by `…`. Every message that echoes input (a file's content, an argument) uses it.
 */
export function shown(input: unknown, max = SHOWN_LENGTH): string {
  const value = String(input ?? '');
  // A 10 MB value is cut before it is split into characters.
  const chars = Array.from(value.length > 2 * max + 2 ? value.slice(0, 2 * max + 2) : value);
  const head = chars.length > max ? chars.slice(0, max) : chars;
  return head.map(escapeChar).join('') + (chars.length > max ? '…' : '');
}

/**
 * The whole message on one line, escaped (not shortened): the last guard before a terminal.
 * A tab stays (it neither splits a line nor drives the terminal, and diffs of cluster.conf
 * are full of them); shown() escapes it in values.
 */
export function oneLine(message: string): string {
  // Only the unsafe characters are visited: a 255-node plan is thousands of lines with tabs.
  return message.replace(UNSAFE_BUT_TAB, escapeChar);
}

/**
 * Several lines, each escaped as oneLine would (the newlines between them kept): the same as
 * splitting at '\n', oneLine on each and joining again, in one pass (a plan's diff is thousands of lines).
 */
export function eachLineEscaped(text: string): string {
  return text.replace(UNSAFE_BUT_TAB_AND_NEWLINE, escapeChar);
}

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]/;
/** The same without the tab; `u`: a lone surrogate matches, a surrogate pair (a real character) does not. */
const UNSAFE_BUT_TAB = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]/gu;
/** The same without the tab and the newline. */
const UNSAFE_BUT_TAB_AND_NEWLINE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]/gu;
const NAMED: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r' };
const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');

function escapeChar(ch: string): string {
  if (!UNSAFE.test(ch) || ch.length === 2) return ch; // a surrogate pair is a real character
  const named = NAMED[ch];
  if (named) return named;
  const byte = escapedByte(ch);
  if (byte !== undefined) return `\\x${hex(byte, 2)}`;
  const c = ch.charCodeAt(0);
  return c <= 0xff ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`;
}
