/**
 * Every read of a file goes through here: optional files, required system files (exit 72
 * with a hint when missing), files the operator named (--import), existence checks. A
 * reader never hangs and never crashes on what it finds: a directory, a FIFO, a device, a
 * socket or a symbolic link loop where a file belongs is refused before it is opened (and
 * again on the open handle, so a swap in between is caught too); a file larger than its
 * limit is refused without reading it all; every errno becomes one clear OvsError
 * (errors.ts readFailure). Text is decoded losslessly (bytes.ts), so a line ovs does not
 * own is written back byte for byte whatever its encoding.
 */
import { decodeText } from './bytes.js';
import { EXIT, OvsError, errnoError, errnoOf, readFailure, shown, type ReadSource } from './errors.js';
import type { FileStat, HostFs } from './host.js';

const MiB = 1024 * 1024;

/**
 * Size limits. A cluster.conf of 255 nodes is 30 kB and an O2CB settings file 2 kB: 4 MiB
 * is far beyond any real configuration file. Tables that grow with the machine (/etc/fstab,
 * /etc/hosts, /etc/ovs/repositories, /proc/mounts) may be much longer, and their parsers are
 * linear, so they get 16 MiB (a 200 000-line fstab is 10 MB).
 */
export const MAX_CONFIG_BYTES = 4 * MiB;
export const MAX_TABLE_BYTES = 16 * MiB;
const TABLES = new Set(['/etc/fstab', '/etc/hosts', '/etc/ovs/repositories', '/proc/mounts', '/proc/partitions', '/proc/swaps']);

export function limitOf(path: string): number {
  return TABLES.has(path) ? MAX_TABLE_BYTES : MAX_CONFIG_BYTES;
}

export async function statOrUndefined(fs: HostFs, path: string, follow = true): Promise<FileStat | undefined> {
  try {
    return follow ? await fs.stat(path) : await fs.lstat(path);
  } catch (e) {
    const code = errnoOf(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw e;
  }
}

export async function exists(fs: HostFs, path: string): Promise<boolean> {
  return (await statOrUndefined(fs, path, false)) !== undefined;
}

const KIND_WORDS: Partial<Record<FileStat['kind'], string>> = {
  dir: 'is a directory',
  block: 'is a block device, not a regular file',
  char: 'is a character device, not a regular file',
  other: 'is a FIFO or a socket, not a regular file',
};

export interface ReadOptions {
  /** Refuse a larger file (default: limitOf(path)). */
  maxBytes?: number;
  /** A system file (72) or a file the operator named (66). */
  source?: ReadSource;
  /** Completes "... while <doing>". */
  doing?: string;
}

/** The file's bytes, or undefined when it does not exist; anything else is an OvsError. */
export async function readBytes(fs: HostFs, path: string, opts: ReadOptions = {}): Promise<Buffer | undefined> {
  const source = opts.source ?? 'system';
  const maxBytes = opts.maxBytes ?? limitOf(path);
  const fail = (e: unknown) => readFailure(e, path, source, opts.doing);
  try {
    const st = await statOrUndefined(fs, path);
    if (!st) return undefined;
    const kind = KIND_WORDS[st.kind];
    if (kind) throw refusal(path, kind, st.kind === 'dir' ? 'EISDIR' : 'EFTYPE', source, opts.doing);
    if (st.size > maxBytes) throw tooLarge(path, maxBytes, source, opts.doing);
    return await fs.readFile(path, { maxBytes });
  } catch (e) {
    const code = errnoOf(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined; // removed meanwhile
    if (code === 'EFBIG') throw tooLarge(path, maxBytes, source, opts.doing);
    throw fail(e);
  }
}

function refusal(path: string, words: string, code: string, source: ReadSource, doing?: string): OvsError {
  const e = readFailure(errnoError(code, path), path, source, doing);
  return new OvsError(e.exit, `${shown(path)} ${words}`, { while: e.doing, hint: e.hint });
}

function tooLarge(path: string, maxBytes: number, source: ReadSource, doing?: string): OvsError {
  const e = readFailure(errnoError('EFBIG', path), path, source, doing);
  return new OvsError(e.exit, `${shown(path)} is larger than ${maxBytes / MiB} MiB, the limit for this file`, { while: e.doing, hint: e.hint });
}

export async function readOptional(fs: HostFs, path: string, opts: ReadOptions = {}): Promise<string | undefined> {
  const bytes = await readBytes(fs, path, opts);
  return bytes === undefined ? undefined : decodeText(bytes);
}

/** A system file the run depends on: missing is exit 72, with the hint given. */
export async function readRequired(fs: HostFs, path: string, hint?: string): Promise<string> {
  const text = await readOptional(fs, path);
  if (text === undefined) throw new OvsError(EXIT.OSFILE, `${shown(path)} is missing`, { while: `reading ${shown(path)}`, hint });
  return text;
}

/** A file the operator named on the command line: missing, a directory or special is 66, too large 65. */
export async function readNamed(fs: HostFs, path: string, opts: Omit<ReadOptions, 'source'> & { hint?: string } = {}): Promise<string> {
  const text = await readOptional(fs, path, { ...opts, source: 'named' });
  if (text === undefined) throw new OvsError(EXIT.NOINPUT, `${shown(path)}: no such file`, { while: opts.doing ?? `reading ${shown(path)}`, hint: opts.hint });
  return text;
}
