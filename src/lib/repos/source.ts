/**
 * The storage behind a repository (ovs-makerepo(8)): an NFS `host:/export`, or a block device that
 * holds OCFS2 (shared) or ext3/ext4 (local, role L only). A device is looked at with
 * read-only probes before anything changes: it must exist and be a block device, and
 * `blkid -p` (a low-level probe that bypasses blkid's cache, so a freshly formatted device
 * is seen as it is now) says which file system it holds. An OCFS2 volume's UUID is the
 * repository's UUID unless its storage already carries a `.ovsrepo`.
 *
 * Under --root the device usually is not there (the image is being installed, the LUN may
 * appear only after boot): then nothing is probed, the type comes from --type (default
 * ocfs2 for roles C and S) and the service checks the rest when it mounts at boot.
 */
import type { Context } from '../command.js';
import { EXIT, OvsError } from '../errors.js';
import { statOrUndefined } from '../files.js';
import { parseValue } from '../formats/format-error.js';
import { type RepositoryRole, type RepositoryType } from '../formats/repositories.js';
import { parseSource, type RepositorySource } from '../formats/repository-source.js';
import { readVolume } from '../ocfs2/volume.js';
import { failureOf } from '../program-output.js';
import { installHint } from '../programs.js';

export interface StorageInfo {
  source: string;
  kind: RepositorySource['kind'];
  type: RepositoryType;
  /** The OCFS2 volume UUID (32 upper-case hex digits), when the device was probed. */
  volumeUuid?: string;
  /** False when the device could not be looked at (under --root). */
  probed: boolean;
}

/** The operator's SOURCE argument; bad syntax is exit 65. */
export function parseSourceArg(source: string): RepositorySource {
  return parseValue('SOURCE', 'give an NFS export as host:/export (fileserver.example.com:/OVS) or a block device by its absolute path (/dev/sdb1)', () => parseSource(source));
}

const DEVICE_TYPES: readonly RepositoryType[] = ['ocfs2', 'ext3', 'ext4'];

/** `blkid -p -o export`: `KEY=value` lines; TYPE is the file system. */
export function blkidType(stdout: string): string | undefined {
  for (const line of stdout.split('\n')) if (line.startsWith('TYPE=')) return line.slice(5).trim();
  return undefined;
}

async function probeType(ctx: Context, device: string, machinePath: string): Promise<RepositoryType> {
  const r = await ctx.probe(['blkid', '-p', '-o', 'export', '--', machinePath]);
  if (r.notFound) throw new OvsError(EXIT.UNAVAILABLE, 'blkid is not installed', { while: `probing ${device}`, hint: installHint('unknown', 'blkid') });
  // blkid exits 2 when it finds no file system at all.
  const found = r.exitCode === 0 ? blkidType(r.stdout) : undefined;
  if (r.exitCode !== 0 && r.exitCode !== 2) {
    throw failureOf(r, { program: 'blkid', doing: `probing ${device}` });
  }
  const type = DEVICE_TYPES.find((t) => t === found);
  if (type) return type;
  throw new OvsError(EXIT.DATAERR, found ? `${device} holds a ${found} file system, not OCFS2 (or ext3/ext4 for a local repository)` : `${device} holds no file system`, {
    while: `probing ${device}`,
    hint: `format it first: ovs format ${device}   (this destroys what is on it)`,
  });
}

async function probeDevice(ctx: Context, device: string, typeHint: RepositoryType | undefined): Promise<StorageInfo> {
  const st = await statOrUndefined(ctx.fs, device);
  if (!st && ctx.offline) return { source: device, kind: 'device', type: typeHint ?? 'ocfs2', probed: false };
  if (!st) {
    throw new OvsError(EXIT.NOINPUT, `${device} does not exist`, {
      while: 'looking at the storage',
      hint: 'check the name in /proc/partitions; for iSCSI storage log in first (ovs iscsi-prep)',
    });
  }
  if (st.kind !== 'block') throw new OvsError(EXIT.DATAERR, `${device} is not a block device`, { while: 'looking at the storage', hint: 'name a disk partition or a multipath device, e.g. /dev/sdb1' });
  const machinePath = await ctx.hostPath(device);
  const type = await probeType(ctx, device, machinePath);
  if (typeHint && typeHint !== type) {
    throw new OvsError(EXIT.DATAERR, `${device} holds ${type}, not ${typeHint}`, { while: 'reading --type', hint: `leave --type out, or give --type ${type}` });
  }
  if (type !== 'ocfs2') return { source: device, kind: 'device', type, probed: true };
  const volume = await readVolume(ctx, machinePath);
  return volume ? { source: device, kind: 'device', type, volumeUuid: volume.uuid, probed: true } : { source: device, kind: 'device', type, probed: true };
}

/** What the storage is: NFS needs nothing probed; a device is stat'ed and probed. */
export async function inspectStorage(ctx: Context, src: RepositorySource, source: string, typeHint?: RepositoryType): Promise<StorageInfo> {
  if (src.kind === 'nfs') {
    if (typeHint && typeHint !== 'nfs') throw new OvsError(EXIT.DATAERR, `${source} is an NFS export, not ${typeHint}`, { while: 'reading --type', hint: 'leave --type out for an NFS export' });
    return { source, kind: 'nfs', type: 'nfs', probed: true };
  }
  if (typeHint === 'nfs') throw new OvsError(EXIT.DATAERR, `${source} is a device, not an NFS export`, { while: 'reading --type', hint: 'an NFS source is written host:/export' });
  return probeDevice(ctx, source, typeHint);
}

/** A local file system can only be a local repository, and a local repository only that. */
export function checkRoleFitsType(role: RepositoryRole, type: RepositoryType, source: string): void {
  const local = type === 'ext3' || type === 'ext4';
  if (local && role !== 'L') {
    throw new OvsError(EXIT.DATAERR, `${source} holds ${type}, a local file system: it can only be a local repository (role L), not ${role}`, {
      while: 'checking the role',
      hint: role === 'C' ? 'a cluster root must be shared storage: an NFS export or an OCFS2 volume' : `use role L, or format shared storage with OCFS2 (ovs format ${source})`,
    });
  }
  if (!local && role === 'L') {
    throw new OvsError(EXIT.DATAERR, `role L (local) needs an ext3 or ext4 device, and ${source} is ${type === 'nfs' ? 'an NFS export' : 'OCFS2 (shared)'}`, {
      while: 'checking the role',
      hint: 'use role S for shared storage, or C for the cluster root',
    });
  }
}
