/**
 * A system file read and parsed in one step: read through the one bounded reader (files.ts),
 * parsed by its format module, and a FormatError turned into the one wording
 * `<path> line N: <reason>` with exit 72 (a system file that cannot be parsed). Every
 * command that reads /etc/fstab, cluster.conf, /etc/hosts, /proc/mounts ... reads it here.
 */
import type { Context } from './command.js';
import { EXIT, OvsError, shown } from './errors.js';
import { readOptional } from './files.js';
import { type FormatError, inFile, tryFormat } from './formats/format-error.js';

export interface SystemFileOptions {
  /** Completes "... while <doing>" (default: reading <path>). */
  doing?: string;
  /** What to do about a bad line; a function when it names the line. */
  hint?: string | ((e: FormatError) => string);
  /** The file must exist: missing is exit 72 with this hint (otherwise missing is undefined). */
  required?: { hint: string };
}

/** The parsed file; undefined when it does not exist (unless `required`). */
export async function readSystemFile<T>(ctx: Context, path: string, parse: (text: string) => T, opts: SystemFileOptions & { required: { hint: string } }): Promise<T>;
export async function readSystemFile<T>(ctx: Context, path: string, parse: (text: string) => T, opts?: SystemFileOptions): Promise<T | undefined>;
export async function readSystemFile<T>(ctx: Context, path: string, parse: (text: string) => T, opts: SystemFileOptions = {}): Promise<T | undefined> {
  const text = await readOptional(ctx.fs, path);
  if (text === undefined) {
    if (!opts.required) return undefined;
    throw new OvsError(EXIT.OSFILE, `${shown(path)} is missing`, { while: opts.doing ?? `reading ${shown(path)}`, hint: opts.required.hint });
  }
  return parseSystemText(path, text, parse, opts);
}

/** Text of a system file already read (or printed by the kernel), parsed with readSystemFile's wording. */
export function parseSystemText<T>(path: string, text: string, parse: (text: string) => T, opts: Omit<SystemFileOptions, 'required'> = {}): T {
  return tryFormat(
    () => parse(text),
    (e) => {
      const hint = typeof opts.hint === 'function' ? opts.hint(e) : opts.hint;
      throw new OvsError(EXIT.OSFILE, inFile(path, e), { while: opts.doing ?? `reading ${path}`, ...(hint ? { hint } : {}) });
    },
  );
}
