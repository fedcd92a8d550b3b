/**
 * The memory host's file system: memfs behind the HostFs seam, behaving as the kernel does
 * where the tests depend on it (links followed in every directory component, rename(2) of a
 * link, block devices refused as files).
 */
import { Volume } from 'memfs';
import { posix } from 'node:path';
import { errnoError } from '../errors.js';
import type { FileKind, FileStat, HostFs, WriteOptions } from '../host.js';

function kindOf(s: { isSymbolicLink(): boolean; isFile(): boolean; isDirectory(): boolean }): FileKind {
  if (s.isSymbolicLink()) return 'symlink';
  if (s.isFile()) return 'file';
  if (s.isDirectory()) return 'dir';
  return 'other';
}

export function memFs(vol: InstanceType<typeof Volume>, blockDevices: Set<string>, free: number): HostFs {
  const p = vol.promises;
  // memfs follows symbolic links only in the last component of some calls; the kernel
  // follows them in every directory component. Resolving the parent here makes the double
  // behave like the real thing (writes under a /OVS link land in the repository).
  const real = (path: string): string => {
    const dir = posix.dirname(path);
    return dir === '/' || dir === '.' ? path : posix.join(String(vol.realpathSync(dir)), posix.basename(path));
  };
  const toStat = (path: string, s: Awaited<ReturnType<typeof p.lstat>>): FileStat => ({
    kind: blockDevices.has(path) && s.isFile() ? 'block' : kindOf(s),
    size: Number(s.size),
    mode: Number(s.mode) & 0o7777,
    uid: Number(s.uid),
    gid: Number(s.gid),
    mtimeMs: Number(s.mtimeMs),
    blocks: Math.ceil(Number(s.size) / 512),
  });
  const isLink = (path: string) => {
    try {
      return vol.lstatSync(path).isSymbolicLink();
    } catch {
      return false;
    }
  };
  return {
    async readFile(path, opts = {}) {
      // As the real host: a device is refused, and so is more than maxBytes.
      const target = String(await p.realpath(path));
      if (blockDevices.has(target)) throw errnoError('EFTYPE', path);
      const data = Buffer.from((await p.readFile(path)) as Uint8Array);
      if (data.length > (opts.maxBytes ?? Infinity)) throw errnoError('EFBIG', path);
      return data;
    },
    async writeFile(path, data, opts: WriteOptions = {}) {
      const fh = await p.open(real(path), opts.exclusive ? 'wx' : 'w', opts.mode ?? 0o644);
      try {
        await fh.writeFile(data);
        if (opts.mode !== undefined) await fh.chmod(opts.mode);
      } finally {
        await fh.close();
      }
    },
    appendFile: async (path, data, mode) => p.appendFile(real(path), data, { mode: mode ?? 0o600 }),
    lstat: async (path) => toStat(path, await p.lstat(real(path))),
    stat: async (path) => {
      const target = String(await p.realpath(path));
      return toStat(target, await p.stat(target));
    },
    readdir: async (path) => ((await p.readdir(path)) as string[]).map(String).sort(),
    readlink: async (path) => String(await p.readlink(real(path))),
    mkdir: async (path, mode) => void (await p.mkdir(real(path), { mode: mode ?? 0o755 })),
    async rename(a, b) {
      const [from, to] = [real(a), real(b)];
      // rename(2) replaces a link at the destination, and moves a link itself; memfs would
      // move into, or move, the link's target instead.
      if (isLink(to)) vol.unlinkSync(to);
      if (isLink(from)) {
        vol.symlinkSync(String(vol.readlinkSync(from)), to);
        vol.unlinkSync(from);
        return;
      }
      await p.rename(from, to);
    },
    unlink: async (path) => p.unlink(real(path)),
    rmdir: async (path) => p.rmdir(real(path)),
    symlink: async (t, path) => p.symlink(t, real(path)),
    chmod: (path, m) => p.chmod(path, m),
    chown: (path, u, g) => p.chown(path, u, g),
    syncDir: async () => {},
    freeBytes: async () => free,
  };
}
