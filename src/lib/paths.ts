/**
 * `--root DIR`: every system path (`/etc/ocfs2/cluster.conf`, `/OVS`) is resolved inside DIR
 * the way a chroot would resolve it — `..` stops at DIR and a symbolic link, absolute or
 * relative, is followed inside DIR — so no path can escape the installed image.
 * RootedFs is a HostFs whose paths are system paths; with root `/` the plain host fs is
 * used as it is and the kernel resolves.
 *
 * Resolving a path and then using it leaves a window: another process can replace a
 * directory of the image by a symbolic link in between, and the kernel would follow it out
 * of the root. So every change (write, append, mkdir, symlink, rename, unlink, rmdir, chown,
 * chmod) is made through a handle on the directory that holds the entry: the handle is
 * opened, the kernel is asked where that directory really is (/proc/self/fd/N), and only
 * when it is inside the root is the entry changed through the handle (`/proc/self/fd/N/name`
 * is openat(N, name): nothing on the way can be swapped any more). The last component is
 * never followed (O_NOFOLLOW, O_EXCL, lchown). A directory found outside refuses the change
 * (73) before anything was made there. Reading a file's content goes the same way (a swap
 * must not feed ovs, and its error messages, a file from outside); metadata (stat, readdir)
 * does not.
 */
import { posix } from 'node:path';
import { EXIT, OvsError } from './errors.js';
import type { DirHandle, FileStat, HostFs, ReadFileOptions, WriteOptions } from './host.js';

const MAX_SYMLINKS = 40; // as the kernel's ELOOP limit

function loopError(path: string): Error {
  return Object.assign(new Error(`ELOOP: too many levels of symbolic links, '${path}'`), { code: 'ELOOP' });
}

/** Split an absolute or relative system path into components (relative = from `/`). */
export function components(path: string): string[] {
  return path.split('/').filter((c) => c !== '' && c !== '.');
}

export function normalizeSystemPath(path: string): string {
  return posix.normalize(posix.join('/', path));
}

/**
 * Resolve a system path inside root to a machine path. `followLast` decides whether a
 * symbolic link in the last component is followed (stat) or not (lstat, unlink, rename).
 */
export async function resolveInRoot(fs: HostFs, root: string, path: string, followLast: boolean): Promise<string> {
  const done: string[] = [];
  let todo = components(path);
  let links = 0;
  // `done` holds plain names (no '', '.' or '..'): the root normalized once, then joined by
  // hand, instead of a path.join that normalizes the whole path again for every component.
  const base = posix.join(root, '/');
  while (todo.length > 0) {
    const c = todo.shift() as string;
    if (c === '..') {
      done.pop(); // never above the root
      continue;
    }
    const candidate = done.length === 0 ? base + c : `${base}${done.join('/')}/${c}`;
    if (todo.length === 0 && !followLast) {
      done.push(c);
      break;
    }
    let st: FileStat;
    try {
      st = await fs.lstat(candidate);
    } catch {
      // Nothing below a missing entry can be a link: finish lexically (still clamped at root).
      for (const rest of [c, ...todo]) rest === '..' ? done.pop() : done.push(rest);
      break;
    }
    if (st.kind !== 'symlink') {
      done.push(c);
      continue;
    }
    if (++links > MAX_SYMLINKS) throw loopError(path);
    const target = await fs.readlink(candidate).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'EINVAL' || e.code === 'ENOENT') return undefined; // replaced since the lstat: look again
      throw e;
    });
    if (target === undefined) {
      todo.unshift(c);
      continue;
    }
    if (target.startsWith('/')) done.length = 0;
    todo = [...components(target), ...todo];
  }
  return posix.join(root, ...done);
}

/** `where` (a directory's real path) is `root` or below it. */
function inside(where: string, realRoot: string): boolean {
  return where === realRoot || where.startsWith(realRoot === '/' ? '/' : `${realRoot}/`);
}

/** `systemDir` (the directory of the system path `doing` is about) was found at `where`. */
function escapeError(systemDir: string, systemPath: string, root: string, where: string): OvsError {
  return new OvsError(EXIT.CANTCREAT, `${systemDir} leads outside --root ${root} (to ${where}): a directory of the image was replaced while ovs ran`, {
    while: `changing ${systemPath}`,
    hint: `something is changing the image under ovs: stop it and check ${root}, then run the command again (nothing was changed outside the root)`,
  });
}

/** A HostFs over system paths, resolved inside `root`. */
export class RootedFs implements HostFs {
  private realRoot?: Promise<string | undefined>;

  constructor(
    private readonly base: HostFs,
    readonly root: string,
  ) {}

  /** The machine path a system path resolves to (for handing to a program). */
  resolve(path: string, followLast = true): Promise<string> {
    return resolveInRoot(this.base, this.root, path, followLast);
  }

  private at = (p: string) => this.resolve(p, true);
  private atLink = (p: string) => this.resolve(p, false);

  /** Where the root really is, or undefined without directory handles (memory host, no /proc). */
  private handledRoot(): Promise<string | undefined> {
    this.realRoot ??= (async () => {
      if (!this.base.openDir) return undefined;
      const h = await this.base.openDir(this.root).catch(() => undefined);
      if (!h) return undefined;
      try {
        return await h.realPath().catch(() => undefined);
      } finally {
        await h.close();
      }
    })();
    return this.realRoot;
  }

  /** A handle on the machine directory `dir`, refused (73) when it really is outside the root. */
  private async openInside(dir: string, realRoot: string, systemDir: string, systemPath: string): Promise<DirHandle> {
    const h = await (this.base.openDir as (p: string) => Promise<DirHandle>)(dir);
    const where = await h.realPath().catch(async (e: unknown) => {
      await h.close();
      throw e;
    });
    if (inside(where, realRoot)) return h;
    await h.close();
    throw escapeError(systemDir, systemPath, this.root, where);
  }

  /**
   * Change (or read) the entry `p` through a handle on its directory, checked to be inside the root;
   * `op` gets the entry's path through the handle.
   */
  private async below<T>(p: string, followLast: boolean, op: (at: string) => Promise<T>): Promise<T> {
    const machine = await this.resolve(p, followLast);
    const realRoot = await this.handledRoot();
    if (realRoot === undefined || machine === this.root) return op(machine);
    const path = normalizeSystemPath(p);
    const dir = await this.openInside(posix.dirname(machine), realRoot, posix.dirname(path), path);
    try {
      return await op(`${dir.path}/${posix.basename(machine)}`);
    } finally {
      await dir.close();
    }
  }

  /**
   * The directory `p`, held open and checked inside the root, as a path programs can use
   * until release() (Context.hostDir). Undefined without handles.
   */
  async pinDir(p: string): Promise<{ path: string; release(): Promise<void> } | undefined> {
    const realRoot = await this.handledRoot();
    if (realRoot === undefined) return undefined;
    const dir = normalizeSystemPath(p);
    const h = await this.openInside(await this.resolve(p, true), realRoot, dir, dir);
    return { path: h.forPrograms, release: () => h.close() };
  }

  async readFile(p: string, o?: ReadFileOptions) { return this.below(p, true, (at) => this.base.readFile(at, { ...o, noFollow: true })); }
  async writeFile(p: string, d: string | Uint8Array, o?: WriteOptions) { return this.below(p, true, (at) => this.base.writeFile(at, d, { ...o, noFollow: true })); }
  async appendFile(p: string, d: string, m?: number, o: { durable?: boolean } = {}) { return this.below(p, true, (at) => this.base.appendFile(at, d, m, { ...o, noFollow: true })); }
  async lstat(p: string) { return this.base.lstat(await this.atLink(p)); }
  async stat(p: string) { return this.base.stat(await this.at(p)); }
  async readdir(p: string) { return this.base.readdir(await this.at(p)); }
  async readlink(p: string) { return this.base.readlink(await this.atLink(p)); }
  async mkdir(p: string, m?: number) { return this.below(p, false, (at) => this.base.mkdir(at, m)); }
  async rename(a: string, b: string) { return this.below(a, false, (from) => this.below(b, false, (to) => this.base.rename(from, to))); }
  async unlink(p: string) { return this.below(p, false, (at) => this.base.unlink(at)); }
  async rmdir(p: string) { return this.below(p, false, (at) => this.base.rmdir(at)); }
  async symlink(t: string, p: string) { return this.below(p, false, (at) => this.base.symlink(t, at)); }
  async chmod(p: string, m: number) { return this.below(p, true, (at) => this.base.chmod(at, m)); }
  async chown(p: string, u: number, g: number) { return this.below(p, true, (at) => (this.base.lchown ? this.base.lchown(at, u, g) : this.base.chown(at, u, g))); }
  async syncDir(p: string) { return this.base.syncDir(await this.at(p)); }
  async freeBytes(p: string) { return this.base.freeBytes(await this.at(p)); }
}
