/**
 * The disk `ovs format` is pointed at (the guide's SAN step 1: "determine the share disk
 * volume you want to use"): it must exist and be a block device. Symbolic links
 * (/dev/mapper/..., /dev/disk/by-id/...) are followed to the kernel's device, whose name
 * (`sdb`, `dm-0`, `loop0`, `cciss/c0d0`) is how /proc/partitions, /proc/mounts sources
 * and sysfs know it.
 */
import { posix } from 'node:path';
import type { Context } from '../command.js';
import { EXIT, OvsError } from '../errors.js';
import { statOrUndefined } from '../files.js';
import { lastLine } from '../program-output.js';
import { installHint } from '../programs.js';
import type { HostFs } from '../host.js';

export interface BlockDevice {
  /** As the operator named it. */
  path: string;
  /** After following symbolic links. */
  realPath: string;
  /** Kernel name: the real path without /dev/. */
  name: string;
  /** Size in bytes. */
  size: number;
}

/** Follow symbolic links (at most 40, as the kernel does). */
export async function realPath(fs: HostFs, path: string): Promise<string> {
  let p = posix.normalize(path);
  for (let i = 0; i < 40; i++) {
    const st = await statOrUndefined(fs, p, false);
    if (st?.kind !== 'symlink') return p;
    const target = await fs.readlink(p);
    p = posix.normalize(target.startsWith('/') ? target : posix.join(posix.dirname(p), target));
  }
  return p;
}

export const kernelName = (real: string): string => real.replace(/^\/dev\//, '');

/** `blockdev --getsize64`: the size the kernel gives the device, in bytes. */
async function sizeOf(ctx: Context, path: string): Promise<number> {
  // blockdev takes no `--`; the path is absolute (checked), so it cannot read as an option.
  const r = await ctx.probe(['blockdev', '--getsize64', path]);
  const size = Number(r.stdout.trim());
  if (r.exitCode !== 0 || !Number.isSafeInteger(size)) {
    const why = r.notFound ? 'blockdev is not installed' : lastLine(r.stderr) || `exit ${r.exitCode}`;
    throw new OvsError(EXIT.UNAVAILABLE, `cannot read the size of ${path}: ${why}`, { while: `checking ${path}`, hint: r.notFound ? installHint('unknown', 'blockdev') : undefined });
  }
  return size;
}

export async function inspectDevice(ctx: Context, path: string): Promise<BlockDevice> {
  const doing = `checking ${path}`;
  const st = await statOrUndefined(ctx.fs, path);
  if (!st) throw new OvsError(EXIT.NOINPUT, `${path} does not exist`, { while: doing, hint: 'cat /proc/partitions lists the disks this machine sees' });
  if (st.kind !== 'block') {
    throw new OvsError(EXIT.DATAERR, `${path} is not a block device (it is a ${st.kind === 'dir' ? 'directory' : st.kind === 'file' ? 'regular file' : `${st.kind} file`})`, {
      while: doing,
      hint: 'name a disk or partition such as /dev/sdb; for a heartbeat file use ovs hb-create',
    });
  }
  const real = await realPath(ctx.fs, path);
  return { path, realPath: real, name: kernelName(real), size: await sizeOf(ctx, path) };
}
