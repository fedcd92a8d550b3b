/**
 * Reading an OCFS2 volume's identity and geometry back from the real tools, on a device or
 * a plain file (docs/tools.md): `tunefs.ocfs2 -Q` for UUID, slots, cluster size and
 * label, `debugfs.ocfs2 -R stats` for the block size (tunefs's `%B` is broken with
 * glibc >= 2.35) and the volume's size in clusters. Both are read-only probes (~10 ms).
 */
import type { Context } from '../command.js';
import { EXIT, OvsError } from '../errors.js';
import type { MkfsGeometry } from './mkfs.js';
import { failureOf } from '../program-output.js';
import { distributionFamily, installHint, requirePrograms } from '../programs.js';

export interface VolumeInfo {
  label: string;
  /** 32 upper-case hex digits, as tunefs.ocfs2 prints it. */
  uuid: string;
  slots: number;
  blockSize: number;
  clusterSize: number;
  /** Clusters in the volume (superblock), when debugfs reported them. */
  clusters?: number;
}

/**
 * UUID, slots and cluster size one per line, then the label last with no newline after it:
 * everything after the third newline is the label, whatever characters it holds.
 * (tunefs.ocfs2 expands the `\n` escapes itself.)
 */
const QUERY = '%U\\n%N\\n%T\\n%V';

export function tunefsQueryArgv(machinePath: string): string[] {
  return ['tunefs.ocfs2', '-Q', QUERY, '--', machinePath];
}

export function debugfsStatsArgv(machinePath: string): string[] {
  return ['debugfs.ocfs2', '-R', 'stats', '--', machinePath];
}

/**
 * debugfs.ocfs2 pipes its output through `sh -c "$PAGER"` (`more` by default) even when
 * stdout is not a terminal: a shell, two more processes, and a hang with PAGER=less.
 * `__none__` is its own word for "no pager".
 */
export const DEBUGFS_ENV = { PAGER: '__none__' } as const;

/** tunefs.ocfs2's answer when the target holds no OCFS2 (zeros, ext4, too short to hold a superblock). */
const NOT_OCFS2 = /Bad magic number in superblock|I\/O error on channel/;
const NO_SUCH_FILE = /Device name specified was not found|No such file or directory/;

export function parseTunefsQuery(stdout: string): Pick<VolumeInfo, 'uuid' | 'slots' | 'clusterSize' | 'label'> | undefined {
  const m = /^([0-9A-F]{32})\n(\d+)\n(\d+)\n([^]*)$/.exec(stdout);
  if (!m) return undefined;
  return { uuid: m[1] as string, slots: Number(m[2]), clusterSize: Number(m[3]), label: m[4] as string };
}

export function parseDebugfsStats(stdout: string): { blockSize: number; clusterSize: number; slots: number; uuid?: string; clusters?: number } | undefined {
  const bits = /Block Size Bits: (\d+)\s+Cluster Size Bits: (\d+)/.exec(stdout);
  const slots = /Max Node Slots: (\d+)/.exec(stdout);
  if (!bits || !slots) return undefined;
  const uuid = /^\s*UUID: ([0-9A-F]{32})\s*$/m.exec(stdout)?.[1];
  const clusters = /\bLinks: \d+\s+Clusters: (\d+)/.exec(stdout)?.[1];
  return {
    blockSize: 2 ** Number(bits[1]),
    clusterSize: 2 ** Number(bits[2]),
    slots: Number(slots[1]),
    ...(uuid ? { uuid } : {}),
    ...(clusters ? { clusters: Number(clusters) } : {}),
  };
}

function firstLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).find((l) => l && !/^(tunefs|debugfs)\.ocfs2 \d/.test(l)) ?? '';
}

async function toolMissing(ctx: Context, tool: string): Promise<OvsError> {
  return new OvsError(EXIT.UNAVAILABLE, `${tool} is not installed`, { while: 'reading an OCFS2 volume', hint: installHint(await distributionFamily(ctx), tool) });
}

/**
 * The volume on `machinePath` (a device or file path on this machine: ctx.hostPath() of a
 * system path), or undefined when it holds no OCFS2 file system.
 */
/**
 * debugfs.ocfs2 opens its device through its own command line (`open <device>`, split at
 * blanks), so a path with a blank reached it cut short ("Device name specified was not
 * found ... /OVS/my") and hb-create failed with 69. Such a path is handed over as a blank-free
 * alias: a symbolic link in a private directory of /tmp, removed right after.
 */
async function debugfsStats(ctx: Context, machinePath: string) {
  const run = (p: string) => ctx.probe(debugfsStatsArgv(p), { env: { ...DEBUGFS_ENV } });
  if (!/\s/.test(machinePath)) return run(machinePath);
  const fs = ctx.host.fs;
  await fs.mkdir('/tmp', 0o1777).catch(() => undefined); // exists on any real machine
  const dir = `/tmp/ovs-debugfs-${ctx.host.pid}-${ctx.host.randomHex(4)}`;
  await fs.mkdir(dir, 0o700);
  const alias = `${dir}/volume`;
  try {
    await fs.symlink(machinePath, alias);
    return await run(alias);
  } finally {
    await fs.unlink(alias).catch(() => undefined);
    await fs.rmdir(dir).catch(() => undefined);
  }
}

export async function readVolume(ctx: Context, machinePath: string): Promise<VolumeInfo | undefined> {
  const doing = `reading the OCFS2 volume on ${machinePath}`;
  // Both probes at once: verification sits on hb-create's critical path.
  const [q, s] = await Promise.all([ctx.probe(tunefsQueryArgv(machinePath)), debugfsStats(ctx, machinePath)]);
  if (q.notFound) throw await toolMissing(ctx, 'tunefs.ocfs2');
  // Its exit status is no guide: a missing target is reported with exit 0 (1.8.7).
  if (NO_SUCH_FILE.test(q.stderr)) throw new OvsError(EXIT.NOINPUT, `${machinePath} does not exist`, { while: doing });
  if (NOT_OCFS2.test(q.stderr)) return undefined;
  if (q.exitCode !== 0) {
    throw failureOf(q, { program: 'tunefs.ocfs2', doing, said: firstLine(q.stderr) || 'no message' });
  }
  const top = parseTunefsQuery(q.stdout);
  if (!top) throw new OvsError(EXIT.UNAVAILABLE, `cannot understand tunefs.ocfs2's answer: ${JSON.stringify(q.stdout.slice(0, 80))}`, { while: doing });
  if (s.notFound) throw await toolMissing(ctx, 'debugfs.ocfs2');
  // debugfs.ocfs2 exits 0 even when it could not open the device: its output decides.
  const stats = parseDebugfsStats(s.stdout);
  if (!stats) throw new OvsError(EXIT.UNAVAILABLE, `debugfs.ocfs2 could not read the superblock: ${firstLine(s.stderr) || 'no statistics printed'}`, { while: doing });
  if ((stats.uuid && stats.uuid !== top.uuid) || stats.slots !== top.slots || stats.clusterSize !== top.clusterSize) {
    throw new OvsError(EXIT.UNAVAILABLE, 'tunefs.ocfs2 and debugfs.ocfs2 disagree about the volume (was it being rewritten?)', { while: doing, hint: 'run the command again' });
  }
  return { ...top, blockSize: stats.blockSize, ...(stats.clusters !== undefined ? { clusters: stats.clusters } : {}) };
}

/**
 * The volume mkfs.ocfs2 just wrote, read back with the real tools: exactly the geometry
 * asked for, or 69 naming every difference. The one read-back of `format` (a device) and
 * `hb-create` (a file; WITHIN: its size in bytes, which the volume must not outgrow).
 */
export async function verifyNewVolume(ctx: Context, machinePath: string, g: MkfsGeometry, o: { doing: string; holder: 'device' | 'file'; within?: number }): Promise<VolumeInfo> {
  const info = await readVolume(ctx, machinePath);
  if (!info) throw new OvsError(EXIT.UNAVAILABLE, `mkfs.ocfs2 reported success but the ${o.holder} holds no OCFS2 volume`, { while: o.doing });
  const wrong: string[] = [];
  if (info.label !== g.label) wrong.push(`label '${info.label}' instead of '${g.label}'`);
  if (info.slots !== g.slots) wrong.push(`${info.slots} node slots instead of ${g.slots}`);
  if (info.blockSize !== g.blockSize) wrong.push(`block size ${info.blockSize} instead of ${g.blockSize}`);
  if (info.clusterSize !== g.clusterSize) wrong.push(`cluster size ${info.clusterSize} instead of ${g.clusterSize}`);
  if (o.within !== undefined && info.clusters !== undefined && info.clusters * info.clusterSize > o.within) wrong.push(`a volume larger than the ${o.holder}`);
  if (wrong.length) throw new OvsError(EXIT.UNAVAILABLE, `the new volume has ${wrong.join(', ')}`, { while: o.doing });
  return info;
}

/** What writing a volume and reading it back needs: the OCFS2 tools, and the modprobe mkfs.ocfs2 execs. */
export const OCFS2_PROGRAMS = ['mkfs.ocfs2', 'tunefs.ocfs2', 'debugfs.ocfs2', '/sbin/modprobe'] as const;

/** `format`'s preflight: the OCFS2 tools, the block tools that look at the disk, and with --partition those that make one. */
export async function preflightFormat(ctx: Context, partition: boolean): Promise<void> {
  const block = ['blkid', 'blockdev', ...(partition ? ['sfdisk', 'partx'] : [])];
  await requirePrograms(ctx, [...OCFS2_PROGRAMS, ...block], 'checking the programs formatting needs');
}

/** `format`'s read-back: the new volume as the device now says, exactly what was asked, or 69. */
export async function verifyFormattedDevice(ctx: Context, systemPath: string, g: MkfsGeometry): Promise<VolumeInfo> {
  return verifyNewVolume(ctx, await ctx.hostPath(systemPath), g, { doing: `reading back the new volume on ${systemPath}`, holder: 'device' });
}
