/**
 * Is the disk in use? Formatting a disk that is mounted, swapped on, or held by the device
 * mapper or md (LVM, multipath, RAID) would destroy live data, whatever --force says.
 * Checked for the disk and for each of its partitions (/proc/partitions), against
 * /proc/mounts (shared parser), /proc/swaps and sysfs `holders/`.
 */
import type { Context } from '../command.js';
import { readOptional } from '../files.js';
import { tryFormat } from '../formats/format-error.js';
import { parseProcPartitions } from '../formats/proc-partitions.js';
import { realPath, type BlockDevice } from './device.js';
import { readMounts } from '../repos/mounts.js';
import { PROC_PARTITIONS } from '../system-paths.js';

/** Partition names of a disk: sdb -> sdb1, sdb2; loop0 / nvme0n1 (ending in a digit) -> loop0p1. */
export function isPartitionOf(disk: string, name: string): boolean {
  const esc = disk.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(/\d$/.test(disk) ? `^${esc}p\\d+$` : `^${esc}\\d+$`).test(name);
}

/** The path of partition N of a disk, as the kernel names it. */
export function partitionPath(diskRealPath: string, n: number): string {
  return /\d$/.test(diskRealPath) ? `${diskRealPath}p${n}` : `${diskRealPath}${n}`;
}

export async function partitionsOf(ctx: Context, dev: BlockDevice): Promise<string[]> {
  const text = (await readOptional(ctx.fs, PROC_PARTITIONS)) ?? '';
  // A /proc/partitions we cannot read only loses this refinement; blkid still sees the table.
  const parts = tryFormat(() => parseProcPartitions(text), () => []);
  return parts.filter((p) => isPartitionOf(dev.name, p.name)).map((p) => p.name);
}

async function mountedOn(ctx: Context, names: Set<string>): Promise<string[]> {
  const found: string[] = [];
  for (const m of await readMounts(ctx)) {
    if (!m.source.startsWith('/dev/')) continue;
    const real = await realPath(ctx.fs, m.source);
    if (names.has(real.replace(/^\/dev\//, ''))) found.push(`${m.source} is mounted on ${m.target}`);
  }
  return found;
}

async function swappedOn(ctx: Context, names: Set<string>): Promise<string[]> {
  const lines = ((await readOptional(ctx.fs, '/proc/swaps')) ?? '').split('\n').slice(1);
  const found: string[] = [];
  for (const l of lines) {
    const src = l.trim().split(/\s+/)[0] ?? '';
    if (src.startsWith('/dev/') && names.has((await realPath(ctx.fs, src)).replace(/^\/dev\//, ''))) found.push(`${src} is in use as swap`);
  }
  return found;
}

async function heldBy(ctx: Context, names: Set<string>): Promise<string[]> {
  const found: string[] = [];
  for (const name of names) {
    const holders = await ctx.fs.readdir(`/sys/class/block/${name.replace(/\//g, '!')}/holders`).catch(() => [] as string[]);
    if (holders.length > 0) found.push(`${name} is held by ${holders.join(', ')} (device mapper, LVM, multipath or RAID)`);
  }
  return found;
}

/** What uses the disk or one of its partitions, in words; empty when nothing does. */
export async function usersOf(ctx: Context, dev: BlockDevice, partitions: readonly string[]): Promise<string[]> {
  const names = new Set([dev.name, ...partitions]);
  return [...(await mountedOn(ctx, names)), ...(await swappedOn(ctx, names)), ...(await heldBy(ctx, names))];
}
