/**
 * `--root DIR`: every system path (`/etc/ocfs2/cluster.conf`, `/OVS`) is resolved inside DIR
 * the way a chroot would resolve it — `..` stops at DIR and a symbolic link, absolute or
 * relative, is followed inside DIR — so no path can escape the installed image.
 * RootedFs is a HostFs whose paths are system paths; with root `/` the plain host fs is
 * used as it is and the kernel resolves.
 */
import { posix } from 'node:path';
import type { FileStat, HostFs, ReadFileOptions, WriteOptions } from './host.js';

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
  while (todo.length > 0) {
    const c = todo.shift() as string;
    if (c === '..') {
      done.pop(); // never above the root
      continue;
    }
    const candidate = posix.join(root, ...done, c);
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
    const target = await fs.readlink(candidate);
    if (target.startsWith('/')) done.length = 0;
    todo = [...components(target), ...todo];
  }
  return posix.join(root, ...done);
}

/** A HostFs over system paths, resolved inside `root`. */
export class RootedFs implements HostFs {
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

  async readFile(p: string, o?: ReadFileOptions) { return this.base.readFile(await this.at(p), o); }
  async writeFile(p: string, d: string | Uint8Array, o?: WriteOptions) { return this.base.writeFile(await this.at(p), d, o); }
  async appendFile(p: string, d: string, m?: number) { return this.base.appendFile(await this.at(p), d, m); }
  async lstat(p: string) { return this.base.lstat(await this.atLink(p)); }
  async stat(p: string) { return this.base.stat(await this.at(p)); }
  async readdir(p: string) { return this.base.readdir(await this.at(p)); }
  async readlink(p: string) { return this.base.readlink(await this.atLink(p)); }
  async mkdir(p: string, m?: number) { return this.base.mkdir(await this.atLink(p), m); }
  async rename(a: string, b: string) { return this.base.rename(await this.atLink(a), await this.atLink(b)); }
  async unlink(p: string) { return this.base.unlink(await this.atLink(p)); }
  async rmdir(p: string) { return this.base.rmdir(await this.atLink(p)); }
  async symlink(t: string, p: string) { return this.base.symlink(t, await this.atLink(p)); }
  async chmod(p: string, m: number) { return this.base.chmod(await this.at(p), m); }
  async chown(p: string, u: number, g: number) { return this.base.chown(await this.at(p), u, g); }
  async syncDir(p: string) { return this.base.syncDir(await this.at(p)); }
  async freeBytes(p: string) { return this.base.freeBytes(await this.at(p)); }
}
