/**
 * The copy-on-write layer behind `--dry-run` (and behind the embedded demo): writes land in
 * an in-memory upper layer, reads see the run's own earlier writes first and the real (or
 * `--root`) file system below. A multi-step command therefore plans exactly as it would
 * act, and nothing reaches the disk. A Map is enough for the upper layer (simpler than a
 * second memfs, same properties); paths are resolved here, component by component, so a
 * symbolic link created earlier in the run is followed like a real one.
 *
 * Nothing this layer does reaches the lower one, so what the lower one answered for a
 * path's lstat or readlink (under --root, each a walk of the path inside the image) stays
 * true for the run and is remembered: resolving /etc/ocfs2/cluster.conf and then each of
 * its siblings no longer lstats /etc again and again (README, Performance).
 */
import { posix } from 'node:path';
import { errnoError } from './errors.js';
import type { FileStat, HostFs, ReadFileOptions, WriteOptions } from './host.js';
import { components } from './paths.js';

type Upper =
  | { kind: 'file'; data: Buffer<ArrayBufferLike>; mode: number; uid: number; gid: number }
  | { kind: 'dir'; mode: number; opaque: boolean }
  | { kind: 'symlink'; target: string }
  | { kind: 'deleted' };

const fsError = (code: string, path: string) => errnoError(code, path);

export class OverlayFs implements HostFs {
  private readonly upper = new Map<string, Upper>();
  /** The lower layer's lstat answers (undefined: absent), and its readlink answers. */
  private readonly lowerStats = new Map<string, FileStat | undefined>();
  private readonly lowerLinks = new Map<string, string>();

  constructor(private readonly lower: HostFs) {}

  /** Paths changed in this layer, in first-change order (for tests and plans). */
  changedPaths(): string[] {
    return [...this.upper.keys()];
  }

  private async entry(path: string): Promise<FileStat | undefined> {
    const u = this.upper.get(path);
    if (u) return u.kind === 'deleted' ? undefined : statOf(u);
    if (this.hiddenByAncestor(path)) return undefined;
    if (this.lowerStats.has(path)) return this.lowerStats.get(path);
    let st: FileStat | undefined;
    try {
      st = await this.lower.lstat(path);
    } catch (e) {
      if ((e as { code?: string }).code !== 'ENOENT' && (e as { code?: string }).code !== 'ENOTDIR') throw e;
    }
    this.lowerStats.set(path, st);
    return st;
  }

  /** A deleted or opaque ancestor hides everything the lower layer has below it. */
  private hiddenByAncestor(path: string): boolean {
    for (let p = posix.dirname(path); p !== '/'; p = posix.dirname(p)) {
      const u = this.upper.get(p);
      if (u && (u.kind === 'deleted' || (u.kind === 'dir' && u.opaque))) return true;
      if (u) return false;
    }
    return false;
  }

  private async readlinkRaw(path: string): Promise<string> {
    const u = this.upper.get(path);
    if (u) {
      if (u.kind !== 'symlink') throw fsError('EINVAL', path);
      return u.target;
    }
    let target = this.lowerLinks.get(path);
    if (target === undefined) this.lowerLinks.set(path, (target = await this.lower.readlink(path)));
    return target;
  }

  /** Resolve symbolic links across both layers. */
  private async resolve(path: string, followLast: boolean): Promise<string> {
    const done: string[] = [];
    let todo = components(path);
    for (let links = 0; todo.length > 0; ) {
      const c = todo.shift() as string;
      if (c === '..') {
        done.pop();
        continue;
      }
      const candidate = posix.join('/', ...done, c);
      if (todo.length === 0 && !followLast) return candidate;
      const st = await this.entry(candidate);
      if (!st || st.kind !== 'symlink') {
        done.push(c);
        continue;
      }
      if (++links > 40) throw fsError('ELOOP', path);
      const target = await this.readlinkRaw(candidate);
      if (target.startsWith('/')) done.length = 0;
      todo = [...components(target), ...todo];
    }
    return posix.join('/', ...done);
  }

  private async existing(path: string, follow = true): Promise<[string, FileStat]> {
    const p = await this.resolve(path, follow);
    const st = await this.entry(p);
    if (!st) throw fsError('ENOENT', path);
    return [p, st];
  }

  private async parentDir(path: string): Promise<string> {
    const p = await this.resolve(path, false);
    const parent = await this.entry(posix.dirname(p));
    if (!parent) throw fsError('ENOENT', path);
    if (parent.kind !== 'dir') throw fsError('ENOTDIR', path);
    return p;
  }

  async readFile(path: string, opts: ReadFileOptions = {}): Promise<Buffer<ArrayBufferLike>> {
    const [p, st] = await this.existing(path);
    if (st.kind === 'dir') throw fsError('EISDIR', path);
    const u = this.upper.get(p);
    if (u?.kind !== 'file') return this.lower.readFile(p, opts);
    if (u.data.length > (opts.maxBytes ?? Infinity)) throw fsError('EFBIG', path);
    return Buffer.from(u.data);
  }

  async writeFile(path: string, data: string | Uint8Array, opts: WriteOptions = {}): Promise<void> {
    const p = await this.parentDir(path);
    const target = await this.resolve(p, true);
    const st = await this.entry(target);
    if (st && opts.exclusive) throw fsError('EEXIST', path);
    if (st?.kind === 'dir') throw fsError('EISDIR', path);
    const buf = Buffer.from(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    this.upper.set(target, { kind: 'file', data: buf, mode: opts.mode ?? st?.mode ?? 0o644, uid: st?.uid ?? 0, gid: st?.gid ?? 0 });
  }

  async appendFile(path: string, data: string, mode?: number): Promise<void> {
    let before: Buffer<ArrayBufferLike> = Buffer.alloc(0);
    try {
      before = await this.readFile(path);
    } catch (e) {
      if ((e as { code?: string }).code !== 'ENOENT') throw e;
    }
    await this.writeFile(path, Buffer.concat([before, Buffer.from(data)]), { mode });
  }

  async lstat(path: string) { return (await this.existing(path, false))[1]; }
  async stat(path: string) { return (await this.existing(path, true))[1]; }

  async readdir(path: string): Promise<string[]> {
    const [p, st] = await this.existing(path);
    if (st.kind !== 'dir') throw fsError('ENOTDIR', path);
    const u = this.upper.get(p);
    const names = new Set<string>();
    if (!(u?.kind === 'dir' && u.opaque) && !this.hiddenByAncestor(p) && !(u && u.kind !== 'dir')) {
      try {
        for (const n of await this.lower.readdir(p)) names.add(n);
      } catch {
        /* a directory made in this run has nothing below */
      }
    }
    const prefix = p === '/' ? '/' : `${p}/`;
    for (const [k, v] of this.upper) {
      if (!k.startsWith(prefix) || k.length === prefix.length || k.slice(prefix.length).includes('/')) continue;
      const name = k.slice(prefix.length);
      if (v.kind === 'deleted') names.delete(name);
      else names.add(name);
    }
    return [...names].sort();
  }

  async readlink(path: string) {
    const [p, st] = await this.existing(path, false);
    if (st.kind !== 'symlink') throw fsError('EINVAL', path);
    return this.readlinkRaw(p);
  }

  async mkdir(path: string, mode = 0o755): Promise<void> {
    const p = await this.parentDir(path);
    if (await this.entry(p)) throw fsError('EEXIST', path);
    const wasDeleted = this.upper.get(p)?.kind === 'deleted';
    this.upper.set(p, { kind: 'dir', mode, opaque: wasDeleted });
  }

  async rename(from: string, to: string): Promise<void> {
    const [src, st] = await this.existing(from, false);
    if (st.kind === 'dir') throw fsError('EXDEV', from); // not needed by any command; refuse rather than half-do
    const dst = await this.parentDir(to);
    const u = this.upper.get(src);
    const moved: Upper =
      u && u.kind !== 'deleted'
        ? u
        : st.kind === 'symlink'
          ? { kind: 'symlink', target: await this.lower.readlink(src) }
          : { kind: 'file', data: await this.lower.readFile(src), mode: st.mode, uid: st.uid, gid: st.gid };
    this.upper.set(dst, moved);
    this.upper.set(src, { kind: 'deleted' });
  }

  async unlink(path: string): Promise<void> {
    const [p, st] = await this.existing(path, false);
    if (st.kind === 'dir') throw fsError('EISDIR', path);
    this.upper.set(p, { kind: 'deleted' });
  }

  async rmdir(path: string): Promise<void> {
    const [p, st] = await this.existing(path, false);
    if (st.kind !== 'dir') throw fsError('ENOTDIR', path);
    if ((await this.readdir(p)).length > 0) throw fsError('ENOTEMPTY', path);
    this.upper.set(p, { kind: 'deleted' });
  }

  async symlink(target: string, path: string): Promise<void> {
    const p = await this.parentDir(path);
    if (await this.entry(p)) throw fsError('EEXIST', path);
    this.upper.set(p, { kind: 'symlink', target });
  }

  async chmod(path: string, mode: number): Promise<void> {
    const [p, st] = await this.existing(path);
    const u = this.upper.get(p);
    if (u?.kind === 'file' || u?.kind === 'dir') u.mode = mode;
    else if (st.kind === 'file') this.upper.set(p, { kind: 'file', data: await this.lower.readFile(p), mode, uid: st.uid, gid: st.gid });
    else if (st.kind === 'dir') this.upper.set(p, { kind: 'dir', mode, opaque: false });
  }

  async chown(path: string, uid: number, gid: number): Promise<void> {
    const [p, st] = await this.existing(path);
    const u = this.upper.get(p);
    if (u?.kind === 'file') Object.assign(u, { uid, gid });
    else if (st.kind === 'file') this.upper.set(p, { kind: 'file', data: await this.lower.readFile(p), mode: st.mode, uid, gid });
  }

  async syncDir(): Promise<void> {}

  freeBytes(path: string): Promise<number> {
    return this.lower.freeBytes(path).catch(() => Number.MAX_SAFE_INTEGER);
  }
}

function statOf(u: Exclude<Upper, { kind: 'deleted' }>): FileStat {
  const base = { uid: 0, gid: 0, mtimeMs: 0, blocks: 0 };
  if (u.kind === 'file') return { ...base, kind: 'file', size: u.data.length, mode: u.mode, uid: u.uid, gid: u.gid, blocks: Math.ceil(u.data.length / 512) };
  if (u.kind === 'dir') return { ...base, kind: 'dir', size: 4096, mode: u.mode };
  return { ...base, kind: 'symlink', size: u.target.length, mode: 0o777 };
}
