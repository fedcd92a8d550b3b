/**
 * Small reading helpers over a HostFs of system paths, shared by every command: optional
 * files, required system files (exit 72 with a hint when missing), existence checks.
 */
import { EXIT, OvsError, errnoOf } from './errors.js';
import type { FileStat, HostFs } from './host.js';

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

export async function readOptional(fs: HostFs, path: string): Promise<string | undefined> {
  try {
    return (await fs.readFile(path)).toString('utf8');
  } catch (e) {
    const code = errnoOf(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (code === 'EACCES' || code === 'EPERM') throw new OvsError(EXIT.NOPERM, `${path}: permission denied`, { while: `reading ${path}`, hint: 'run ovs as root' });
    throw e;
  }
}

/** A system file the run depends on: missing is exit 72, with the hint given. */
export async function readRequired(fs: HostFs, path: string, hint?: string): Promise<string> {
  const text = await readOptional(fs, path);
  if (text === undefined) throw new OvsError(EXIT.OSFILE, `${path} is missing`, { while: `reading ${path}`, hint });
  return text;
}
