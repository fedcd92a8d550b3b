/**
 * The O2CB heartbeat file of an NFS cluster root (ovs-hb-create(8)): the guide's
 * `dd if=/dev/zero of=/OVS/.server_pool_hb bs=1M count=300` and
 * `mkfs.ocfs2 -L server_pool_hb -N 16 -b 2k -C 4k --force /OVS/.server_pool_hb`, made
 * safely: preflight, a fully allocated file under a temporary name beside the target,
 * format, verify with the real tools, rename into place. A failure removes the temporary
 * file and never touches an existing heartbeat file. `ovs hb-create`, `ovs makerepo` (NFS
 * cluster root) and `ovs cluster-check --master` all come through ensureHeartbeatFile().
 */
import { posix } from 'node:path';
import type { Context } from '../command.js';
import { EXIT, OvsError, errnoOf } from '../errors.js';
import { statOrUndefined } from '../files.js';
import { minimumVolumeSize, type MkfsGeometry, formatSize, validateGeometry, volumeSizeProblem } from './mkfs.js';
import { createVolumeFile } from './volume-file.js';
import { removeDeadRunsTemps } from './volume-temp.js';
import { OCFS2_PROGRAMS, readVolume, type VolumeInfo } from './volume.js';
import { requirePrograms } from '../programs.js';

export interface HeartbeatOptions {
  /** Bytes. */
  size: number;
  slots: number;
  label: string;
  blockSize: number;
  clusterSize: number;
}

export const HEARTBEAT_DEFAULTS = {
  path: '/OVS/.server_pool_hb',
  size: 300 * 1024 * 1024,
  slots: 16,
  label: 'server_pool_hb',
  blockSize: 2048,
  clusterSize: 4096,
} as const;

export type HeartbeatStatus = 'valid' | 'missing' | 'not-a-file' | 'not-ocfs2' | 'truncated' | 'wrong-geometry';

export interface HeartbeatInspection {
  status: HeartbeatStatus;
  /** Plain words, starting with the path: what is wrong (absent when valid or missing). */
  problem?: string;
  info?: VolumeInfo;
}

export interface EnsureResult {
  path: string;
  created: boolean;
  replaced: boolean;
  uuid?: string;
  /** The file was only planned (dry run): nothing was made or verified. */
  planned?: boolean;
  /** What a replaced file was, when it was not a valid heartbeat. */
  previous?: string;
  /** Each program the verification ran (or would run), for the plan. */
  verification?: string[][];
  /** How the file was filled with zeros. */
  zeroFill?: 'fallocate' | 'dd';
}

const BYTES_OF_SUPERBLOCK_AREA = 1024 * 1024;

function sizeWords(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

/** What the file at `systemPath` is, checked against the expected label, slots, block and cluster size (and size, when given). */
export async function inspectHeartbeat(ctx: Context, systemPath: string, expected: Partial<HeartbeatOptions> = {}): Promise<HeartbeatInspection> {
  const st = await statOrUndefined(ctx.fs, systemPath, false);
  if (!st) return { status: 'missing' };
  if (st.kind !== 'file') {
    const what = st.kind === 'dir' ? 'a directory' : st.kind === 'symlink' ? 'a symbolic link' : st.kind === 'block' ? 'a block device' : 'not a regular file';
    return { status: 'not-a-file', problem: `${systemPath} is ${what}, not a heartbeat file` };
  }
  if (st.size === 0) return { status: 'truncated', problem: `${systemPath} is empty (0 bytes): its creation was interrupted or ran out of space` };
  const machine = await ctx.hostPath(systemPath);
  const info = await readVolume(ctx, machine);
  if (!info) return notOcfs2(ctx, systemPath, machine, st.size);
  const volumeBytes = info.clusters !== undefined ? info.clusters * info.clusterSize : undefined;
  if (volumeBytes !== undefined && st.size < volumeBytes) {
    return { status: 'truncated', info, problem: `${systemPath} is truncated: ${sizeWords(st.size)} long but its OCFS2 volume spans ${sizeWords(volumeBytes)}` };
  }
  const wrong = geometryMismatch(info, expected, st.size);
  if (wrong) return { status: 'wrong-geometry', info, problem: `${systemPath} ${wrong}` };
  return { status: 'valid', info };
}

function geometryMismatch(info: VolumeInfo, e: Partial<HeartbeatOptions>, size: number): string | undefined {
  const found: string[] = [];
  if (e.label !== undefined && info.label !== e.label) found.push(`label '${info.label}' (expected '${e.label}')`);
  if (e.slots !== undefined && info.slots !== e.slots) found.push(`${info.slots} node slots (expected ${e.slots})`);
  if (e.blockSize !== undefined && info.blockSize !== e.blockSize) found.push(`block size ${info.blockSize} (expected ${e.blockSize})`);
  if (e.clusterSize !== undefined && info.clusterSize !== e.clusterSize) found.push(`cluster size ${info.clusterSize} (expected ${e.clusterSize})`);
  if (e.size !== undefined && size !== e.size) found.push(`size ${sizeWords(size)} (expected ${sizeWords(e.size)})`);
  return found.length ? `is an OCFS2 heartbeat with ${found.join(', ')}` : undefined;
}

/** A file without OCFS2: another file system, zeros (never formatted), too short, or other data. */
async function notOcfs2(ctx: Context, systemPath: string, machine: string, size: number): Promise<HeartbeatInspection> {
  const blkid = await ctx.probe(['blkid', '-p', '-o', 'export', '--', machine]);
  const type = /^TYPE=(.+)$/m.exec(blkid.stdout)?.[1];
  if (blkid.exitCode === 0 && type) return { status: 'not-ocfs2', problem: `${systemPath} holds ${/^[aeiou]/i.test(type) ? 'an' : 'a'} ${type} file system, not OCFS2` };
  if (size < BYTES_OF_SUPERBLOCK_AREA) return { status: 'truncated', problem: `${systemPath} is only ${size} bytes: too short to hold an OCFS2 volume` };
  // cmp -s: exit 0 when the first MiB (where every superblock lives) is all zeros.
  const zeros = await ctx.probe(['cmp', '-s', '-n', String(BYTES_OF_SUPERBLOCK_AREA), '--', machine, '/dev/zero']);
  if (zeros.exitCode === 0) return { status: 'not-ocfs2', problem: `${systemPath} holds only zeros: it was zero-filled but never formatted (mkfs.ocfs2 did not run, or failed)` };
  return { status: 'not-ocfs2', problem: `${systemPath} holds data that is not an OCFS2 file system` };
}

export interface EnsureOptions extends Partial<HeartbeatOptions> {
  force?: boolean;
}

/** Defaults filled in and every value checked against mkfs.ocfs2's limits (exit 65). */
export function heartbeatOptions(opts: Partial<HeartbeatOptions> = {}): HeartbeatOptions {
  const o: HeartbeatOptions = {
    size: opts.size ?? HEARTBEAT_DEFAULTS.size,
    slots: opts.slots ?? HEARTBEAT_DEFAULTS.slots,
    label: opts.label ?? HEARTBEAT_DEFAULTS.label,
    blockSize: opts.blockSize ?? HEARTBEAT_DEFAULTS.blockSize,
    clusterSize: opts.clusterSize ?? HEARTBEAT_DEFAULTS.clusterSize,
  };
  validateGeometry(geometryOf(o));
  const problem = volumeSizeProblem(o.size, geometryOf(o));
  if (problem) {
    throw new OvsError(EXIT.DATAERR, problem, { while: 'reading --size', hint: `give --size ${formatSize(minimumVolumeSize(geometryOf(o)))} or more, or fewer --slots` });
  }
  return o;
}

export function geometryOf(o: HeartbeatOptions): MkfsGeometry {
  return { label: o.label, slots: o.slots, blockSize: o.blockSize, clusterSize: o.clusterSize };
}

/** The programs a heartbeat file needs are all installed (69 naming the package otherwise: ovs-hb-create(8)). */
export async function preflightPrograms(ctx: Context): Promise<void> {
  await requirePrograms(ctx, OCFS2_PROGRAMS, 'checking the programs the heartbeat file needs');
}

async function preflightDirectory(ctx: Context, systemPath: string, size: number, replacing: boolean): Promise<void> {
  const dir = posix.dirname(systemPath);
  const st = await statOrUndefined(ctx.fs, dir);
  const doing = `checking the directory of ${systemPath}`;
  const hint = systemPath === HEARTBEAT_DEFAULTS.path ? 'mount the NFS cluster root on /OVS first (ovs makerepo HOST:/EXPORT C "cluster root")' : `create ${dir} or give another path`;
  if (!st) throw new OvsError(EXIT.NOINPUT, `${dir} does not exist`, { while: doing, hint });
  if (st.kind !== 'dir') throw new OvsError(EXIT.NOINPUT, `${dir} is not a directory`, { while: doing, hint });
  let free: number;
  try {
    free = await ctx.fs.freeBytes(dir);
  } catch (e) {
    throw new OvsError(EXIT.IOERR, `cannot tell the free space on ${dir} (${errnoOf(e) ?? 'error'})`, { while: doing });
  }
  if (free < size) {
    const also = replacing ? ' (the old file stays until the new one is verified)' : '';
    throw new OvsError(EXIT.IOERR, `not enough free space on ${dir}: ${sizeWords(size)} needed${also}, ${sizeWords(Math.floor(free / 1048576) * 1048576)} free`, {
      while: doing,
      hint: 'free space on the cluster root, or give a smaller --size',
    });
  }
}

/** O2CB heartbeats on a region named after the volume UUID: replacing that file would fence the pool. */
async function refuseIfHeartbeating(ctx: Context, systemPath: string, uuid: string): Promise<void> {
  const base = '/sys/kernel/config/cluster';
  const clusters = await ctx.fs.readdir(base).catch(() => [] as string[]);
  for (const c of clusters) {
    if (await statOrUndefined(ctx.fs, posix.join(base, c, 'heartbeat', uuid))) {
      throw new OvsError(EXIT.CONFIG, `${systemPath} is in use: cluster '${c}' is heartbeating on it (region ${uuid})`, {
        while: `replacing ${systemPath}`,
        hint: 'stop the cluster services on every pool server first (ovs services stop)',
      });
    }
  }
}

/**
 * Make sure a valid heartbeat file exists at `systemPath`: an existing valid one is left
 * alone; a missing one is created; anything else is refused (78) unless `force`, which
 * replaces it after a confirmation.
 */
export async function ensureHeartbeatFile(ctx: Context, systemPath: string = HEARTBEAT_DEFAULTS.path, opts: EnsureOptions = {}): Promise<EnsureResult> {
  const o = heartbeatOptions(opts);
  await preflightPrograms(ctx);
  await removeDeadRunsTemps(ctx, systemPath); // a killed run's 300 MiB file goes first, whatever this run finds
  const expected: Partial<HeartbeatOptions> = { ...geometryOf(o), ...(opts.size !== undefined ? { size: o.size } : {}) };
  const found = await inspectHeartbeat(ctx, systemPath, expected);
  if (found.status === 'valid' && !opts.force) return { path: systemPath, created: false, replaced: false, uuid: found.info?.uuid };
  if (found.status === 'not-a-file') {
    throw new OvsError(EXIT.CONFIG, found.problem as string, { while: `creating ${systemPath}`, hint: `move it away or give another path: ovs never replaces it, even with --force` });
  }
  if (found.status !== 'missing' && found.status !== 'valid' && !opts.force) {
    throw new OvsError(EXIT.CONFIG, `${found.problem} (not a valid heartbeat file)`, { while: `checking ${systemPath}`, hint: 'ovs hb-create --force replaces it (the old content is lost)' });
  }
  const replacing = found.status !== 'missing';
  if (found.info) await refuseIfHeartbeating(ctx, systemPath, found.info.uuid);
  await preflightDirectory(ctx, systemPath, o.size, replacing);
  if (replacing) await ctx.confirm(`replace ${found.status === 'valid' ? 'the heartbeat file' : 'the file'} ${systemPath}?`);
  const made = await createVolumeFile(ctx, systemPath, o.size, geometryOf(o));
  return {
    path: systemPath,
    created: true,
    replaced: replacing,
    ...(made.uuid ? { uuid: made.uuid } : {}),
    ...(made.planned ? { planned: true } : {}),
    ...(replacing && found.status !== 'valid' ? { previous: found.problem } : {}),
    verification: made.verification,
    zeroFill: made.zeroFill,
  };
}
