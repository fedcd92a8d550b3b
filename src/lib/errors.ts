/**
 * The exit table of SPEC §1.2, in exactly one place, and the error type every expected
 * failure is thrown as. Messages read `ovs: <command>: <what failed> while <doing what>`;
 * the hint is one actionable line. Only EXIT.SOFTWARE (a bug) ever shows a stack trace.
 */

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

export function exitCodeOf(err: unknown): ExitCode {
  return err instanceof OvsError ? err.exit : EXIT.SOFTWARE;
}

export function errnoOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
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
};

/**
 * Turn a failed system call made while changing the system into an OvsError with the
 * right exit status. `doing` completes "... while <doing>".
 */
export function systemError(err: unknown, doing: string, path?: string): OvsError {
  if (err instanceof OvsError) return err;
  const code = errnoOf(err);
  const exit: ExitCode = (code ? ERRNO_EXIT[code] : undefined) ?? EXIT.SOFTWARE;
  if (exit === EXIT.SOFTWARE) {
    return new OvsError(EXIT.SOFTWARE, `unexpected error: ${(err as Error)?.message ?? String(err)}`, { while: doing, cause: err });
  }
  const words = (code && ERRNO_WORDS[code]) ?? code ?? 'error';
  const hint = exit === EXIT.NOPERM ? 'run ovs as root' : exit === EXIT.IOERR ? 'free space or remount the file system read-write, then run the command again' : undefined;
  return new OvsError(exit, path ? `${path}: ${words}` : words, { while: doing, hint, cause: err });
}
