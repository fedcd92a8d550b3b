/**
 * Mounting and unmounting repositories, and asking the kernel what is mounted.
 *
 * What is mounted comes from /proc/mounts read through ctx.fs. Under --root that would be
 * the image's (normally absent, or the installer's own table in a kickstart %post, whose
 * paths mean nothing for the installed system), so offline nothing counts as mounted: the
 * repositories of an image are mounted by the ovsrepositories service when it boots.
 * A repository is mounted when anything is mounted on its mount point (the source the
 * kernel shows differs from the one written in the registry: `/dev/dm-0` for a
 * /dev/mapper name, the server's address for an NFS host name).
 *
 * Programs run from argument vectors with `--` before the source, so a source can never be
 * read as an option: `mount -t TYPE -o OPTIONS -- SOURCE DIR`, `umount -- DIR`.
 */
import type { Context } from '../command.js';
import { EXIT, OvsError } from '../errors.js';
import { mountsAt, parseProcMounts, type MountEntry } from '../formats/proc-mounts.js';
import type { RepositoryType } from '../formats/repositories.js';
import { failureOf, firstMeaningfulLine, saidBy } from '../program-output.js';
import { quoteArg } from '../render.js';
import { resolveName } from '../resolve.js';
import { posix } from 'node:path';
import { MOUNT_BASE, OVS_LINK, mountPointOf } from './layout.js';
import { ovsLinkState } from './links.js';
import { PROC_MOUNTS } from '../system-paths.js';
import { readSystemFile } from '../system-file.js';

export { PROC_MOUNTS };

/** The live mount table; empty under --root (see above). */
export async function readMounts(ctx: Context): Promise<MountEntry[]> {
  if (ctx.offline) return [];
  return readSystemFile(ctx, PROC_MOUNTS, parseProcMounts, { doing: 'reading the mount table', required: { hint: 'mount proc on /proc (mount -t proc proc /proc)' } });
}

/** The visible mount on PATH (the last one mounted there), if any. */
export function mountOn(mounts: readonly MountEntry[], path: string): MountEntry | undefined {
  return mountsAt(mounts, path).at(-1);
}

/** Is the repository with this UUID mounted at /var/ovs/mount/<UUID>? (false under --root) */
export async function isRepositoryMounted(ctx: Context, uuid: string, mounts?: readonly MountEntry[]): Promise<boolean> {
  return mountOn(mounts ?? (await readMounts(ctx)), mountPointOf(uuid)) !== undefined;
}

/** The kernel file system type to mount a repository type with. */
export function fsTypeOf(type: RepositoryType): string {
  return type;
}

export function mountArgv(type: RepositoryType, options: string, source: string, dir: string): string[] {
  return ['mount', '-t', fsTypeOf(type), '-o', options, '--', source, dir];
}

export function umountArgv(dir: string): string[] {
  return ['umount', '--', dir];
}


function mountHint(type: RepositoryType, said: string): string {
  if (/cluster service|o2cb|heartbeat/i.test(said)) return 'bring the O2CB cluster online first: `ovs cluster-configure`, then `ovs services start`';
  if (/unknown filesystem type/i.test(said) && type === 'nfs') return 'install the NFS client (nfs-utils on Oracle VM Server, nfs-common on Debian)';
  if (/access denied|permission denied|not permitted/i.test(said)) return type === 'nfs' ? "check that the NFS server exports this directory to this server (read-write, no_root_squash)" : 'run ovs as root';
  if (/no such file|does not exist|can't find|special device/i.test(said)) return 'check the source: the NFS export or device must exist';
  return `try the same mount by hand to see more: mount -t ${type} SOURCE DIR`;
}

export interface MountOutcome {
  /** Not run: a dry run, or offline under --root (left to the service at boot). */
  planned: boolean;
}

/** mount; a failure is exit 69 with the program's own last line and a hint. */
export async function mountRepository(ctx: Context, type: RepositoryType, options: string, source: string, dir: string): Promise<MountOutcome> {
  // Under --root the mount is recorded, not run: it shows what the service runs at boot.
  const argv = mountArgv(type, options, source, ctx.offline ? dir : await ctx.hostPath(dir));
  const r = await ctx.changes.run(argv, { offlineReason: 'the ovsrepositories service mounts it at boot' });
  if (r.planned) return { planned: true };
  if (r.exitCode !== 0) {
    // The reason is mount's first line; the dmesg(1) line it adds after it says nothing.
    const said = firstMeaningfulLine(`${r.stderr}\n${r.stdout}`) || `exit ${r.exitCode}`;
    const unresolved = type === 'nfs' ? await unresolvedServer(ctx, source) : undefined;
    const ran = argv.map(quoteArg).join(' ');
    if (unresolved) {
      throw new OvsError(EXIT.NOINPUT, `NFS server '${unresolved}' does not resolve (not in /etc/hosts, no DNS answer); ${ran} failed: ${said}`, {
        while: `mounting ${source} on ${dir}`,
        hint: `add ${unresolved} to /etc/hosts or DNS, or give the server's IP address in the source`,
      });
    }
    throw new OvsError(EXIT.UNAVAILABLE, `mount failed (exit ${r.exitCode}): ${said}`, { while: `mounting ${source} on ${dir} (${ran})`, hint: mountHint(type, said) });
  }
  return { planned: false };
}

/** The server of an NFS source `server:/path` when it is a name that resolves nowhere. */
async function unresolvedServer(ctx: Context, source: string): Promise<string | undefined> {
  const server = source.slice(0, source.lastIndexOf(':'));
  if (!server || /^[\d.]+$/.test(server) || server.startsWith('[')) return undefined; // an address
  const r = await resolveName(ctx, server, { compareDns: false });
  return r.source === 'none' ? server : undefined;
}

/** umount; "target is busy" is exit 75 (stop what uses it, then retry), anything else 69. */
export async function unmountRepository(ctx: Context, dir: string): Promise<MountOutcome> {
  const r = await ctx.changes.run(umountArgv(await ctx.hostPath(dir)));
  if (r.planned) return { planned: true };
  if (r.exitCode !== 0) {
    const said = saidBy(r);
    if (/busy/i.test(said)) {
      throw new OvsError(EXIT.TEMPFAIL, `${dir} is busy: ${said}`, { while: `unmounting ${dir}`, hint: `stop what uses it (\`fuser -vm ${dir}\` lists the processes), then run the command again` });
    }
    throw failureOf(r, { program: 'umount', doing: `unmounting ${dir}` });
  }
  return { planned: false };
}

/**
 * The repository mount point a system path lies in: `/var/ovs/mount/<UUID>`, reached
 * directly or through the /OVS link; /OVS itself when it is a plain directory (an older
 * server that mounted the cluster root there). Undefined for any other path.
 */
export async function repositoryMountPointOf(ctx: Context, systemPath: string): Promise<string | undefined> {
  let path = posix.normalize(systemPath);
  if (path.startsWith(`${OVS_LINK}/`)) {
    const link = await ovsLinkState(ctx);
    if (link.kind === 'dir') return OVS_LINK;
    if (link.kind !== 'link') return undefined;
    path = posix.join(posix.resolve('/', link.target), path.slice(OVS_LINK.length));
  }
  const m = /^\/var\/ovs\/mount\/([^/]+)\//.exec(path);
  return m ? posix.join(MOUNT_BASE, m[1] as string) : undefined;
}

/**
 * A file meant for shared storage is made only where that storage is really mounted: never
 * in an empty mount point, where the mount at boot would hide it. Under --root nothing is
 * mounted in the image (64: it is a job for the running server); live, the mount table
 * must show something on the mount point (78, with how to mount it).
 */
export async function requireMountedRepository(ctx: Context, systemPath: string): Promise<void> {
  const mp = await repositoryMountPointOf(ctx, systemPath);
  if (!mp) return;
  const doing = `checking that the repository of ${systemPath} is mounted`;
  if (ctx.offline) {
    throw new OvsError(EXIT.USAGE, `${systemPath} is on a repository, and under --root ${ctx.global.root} nothing is mounted on ${mp}`, {
      while: doing,
      hint: `run it on the running server once the ovsrepositories service has mounted ${mp}`,
    });
  }
  if (!mountOn(await readMounts(ctx), mp)) {
    throw new OvsError(EXIT.CONFIG, `nothing is mounted on ${mp}: a file made there would be hidden by the repository's mount`, {
      while: doing,
      hint: 'mount the repositories first: ovs repositories start',
    });
  }
}
