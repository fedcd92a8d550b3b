/**
 * The one way a file's content is replaced: a temporary file beside it (same file system),
 * fsynced, given the mode and owner, renamed over the target, and the directory fsynced.
 * Readers see the old content or the new, never a mix. Used by every change (changes.ts)
 * and by every rollback and recovery (recovery.ts), so taking a change back is as safe as
 * making it.
 */
import { posix } from 'node:path';
import { errnoOf, systemError } from './errors.js';
import type { HostFs } from './host.js';

export interface Ownership {
  mode?: number;
  uid?: number;
  gid?: number;
}

/** `.<name>.ovs-<tag>.tmp` beside `path`: hidden, and recognisable as ours. */
export function tempNameFor(path: string, tag: string): string {
  const base = posix.basename(path);
  return posix.join(posix.dirname(path), `${base.startsWith('.') ? '' : '.'}${base}.ovs-${tag}.tmp`);
}

/** Replace `path` with `data` through `tmp`; a failure removes `tmp` and leaves `path` as it was. */
export async function atomicWrite(fs: HostFs, path: string, data: Uint8Array, tmp: string, own: Ownership, doing = `writing ${path}`): Promise<void> {
  try {
    await fs.writeFile(tmp, data, { exclusive: true, fsync: true, mode: own.mode ?? 0o644 });
    if (own.uid !== undefined && own.gid !== undefined) await fs.chown(tmp, own.uid, own.gid);
    await fs.rename(tmp, path);
    await fs.syncDir(posix.dirname(path));
  } catch (e) {
    await fs.unlink(tmp).catch(() => {});
    throw systemError(e, doing, path);
  }
}

/** Point `path` at `target` through a temporary link renamed over it (atomic replacement). */
export async function atomicSymlink(fs: HostFs, target: string, path: string, tmp: string, doing = `linking ${path} to ${target}`): Promise<void> {
  try {
    await fs.symlink(target, tmp);
    await fs.rename(tmp, path);
  } catch (e) {
    await fs.unlink(tmp).catch(() => {});
    throw systemError(e, doing, path);
  }
}

/**
 * `mkdir -p DIR` with MODE for the journal and the lock themselves (they cannot go through
 * ctx.changes, which uses them). Each directory made is pushed on CREATED (outermost first),
 * so a caller can take them back; a failure goes through FAIL (default: thrown as it came).
 */
export async function makeDirs(fs: HostFs, dir: string, mode: number, created: string[] = [], fail: (e: unknown, dir: string) => unknown = (e) => e): Promise<void> {
  if (dir === '/') return;
  try {
    if ((await fs.stat(dir)).kind === 'dir') return;
  } catch {
    /* create it below */
  }
  await makeDirs(fs, posix.dirname(dir), mode, created, fail);
  try {
    await fs.mkdir(dir, mode);
    created.push(dir);
  } catch (e) {
    if (errnoOf(e) !== 'EEXIST') throw fail(e, dir);
  }
}
