/**
 * `ovs format DEVICE`: the guide's last storage step, on iSCSI (step 9) and SAN (steps 1
 * and 2): optionally one partition spanning the disk, then
 * `mkfs.ocfs2 -L <label> -b 4K -C 4K -J size=64M -N 16 DEVICE` (ovs-iscsi-prep(8), ovs-format(8)). Every value is
 * checked against mkfs.ocfs2's limits (src/lib/ocfs2/mkfs.ts) and the disk against what
 * would make formatting a mistake — missing, not a block device, in use, holding data —
 * before anything is written; then the new volume is read back from the device.
 */
import type { Command } from 'commander';
import { inspectDevice, type BlockDevice } from '../lib/block/device.js';
import { TABLE_OVERHEAD, makeOnePartition } from '../lib/block/partition.js';
import { describeSignature, probeSignature } from '../lib/block/signature.js';
import { partitionsOf, usersOf } from '../lib/block/usage.js';
import { defineCommand, type Context } from '../lib/command.js';
import { EXIT, OvsError, shown } from '../lib/errors.js';
import { exists } from '../lib/files.js';
import { formatSize, mkfsArgv, parseCount, parseSize, validateGeometry, volumeSizeProblem, type MkfsGeometry } from '../lib/ocfs2/mkfs.js';
import { mkfsFailure } from '../lib/ocfs2/volume-file.js';
import { preflightFormat, verifyFormattedDevice } from '../lib/ocfs2/volume.js';
import { mkfsProgress } from '../lib/ocfs2/progress.js';
import { defineSshOptions, parsePoolSettings } from '../lib/pool/options.js';
import type { PoolSettings } from '../lib/pool/propagation.js';
import { confirmSameDisk, sameDiskLine, type SameDiskReport } from '../lib/pool/same-disk.js';

export interface FormatOptions {
  device: string;
  geometry: MkfsGeometry & { journalSize: number };
  partition: boolean;
  force: boolean;
  /** --all-nodes: first confirm that every pool member sees this disk (how to reach them). */
  allNodes?: PoolSettings;
}

export interface FormatResult {
  device: string;
  /** What was formatted: the device, or its new partition. */
  target: string;
  partitioned: boolean;
  /** What --force overwrote. */
  replaced: string | null;
  label: string;
  /** Read back from the device; null in a dry run. */
  uuid: string | null;
  slots: number;
  blockSize: number;
  clusterSize: number;
  journalSize: number;
  /** Bytes of the device formatted (before partitioning). */
  size: number;
  planned: boolean;
  /** --all-nodes: the disk's WWID and each member's device for it. */
  sameDisk?: SameDiskReport;
}

export const FORMAT_DEFAULTS = { label: 'ovs', slots: '16', blockSize: '4k', clusterSize: '4k', journalSize: '64M' } as const;

function parseOptions(args: string[], flags: Record<string, unknown>): FormatOptions {
  const device = args[0] ?? '';
  if (!device.startsWith('/')) {
    throw new OvsError(EXIT.DATAERR, `'${shown(device)}' is not a device path`, { while: 'reading DEVICE', hint: 'give the full path, e.g. /dev/sdb or /dev/mapper/ovs_data1' });
  }
  const geometry = {
    label: String(flags.label),
    slots: parseCount(String(flags.slots), '--slots'),
    blockSize: parseSize(String(flags.blockSize), '--block-size'),
    clusterSize: parseSize(String(flags.clusterSize), '--cluster-size'),
    journalSize: parseSize(String(flags.journalSize), '--journal-size'),
  };
  validateGeometry(geometry);
  const allNodes = flags.allNodes ? { allNodes: parsePoolSettings(flags) } : {};
  return { device, geometry, partition: Boolean(flags.partition), force: Boolean(flags.force), ...allNodes };
}

/** Refuse a disk that is in use (always) or holds data (unless --force); returns what --force overwrites. */
async function checkDisk(ctx: Context, o: FormatOptions, dev: BlockDevice): Promise<string | undefined> {
  const doing = `checking ${dev.path}`;
  if (o.partition && (await exists(ctx.fs, `/sys/class/block/${dev.name.replace(/\//g, '!')}/partition`))) {
    throw new OvsError(EXIT.DATAERR, `${dev.path} is a partition; --partition needs a whole disk`, { while: doing, hint: `format ${dev.path} without --partition, or name its disk` });
  }
  const partitions = await partitionsOf(ctx, dev);
  const users = await usersOf(ctx, dev, partitions);
  if (users.length > 0) {
    throw new OvsError(EXIT.DATAERR, `${dev.path} is in use: ${users.join('; ')}`, { while: doing, hint: 'unmount it (or stop what holds it) first: ovs never formats a disk in use, --force or not' });
  }
  const sig = await probeSignature(ctx, dev.path);
  const held = sig ? describeSignature(sig) : partitions.length > 0 ? `partitions (${partitions.join(', ')})` : undefined;
  if (held && !o.force) {
    throw new OvsError(EXIT.DATAERR, `${dev.path} holds ${held}`, { while: doing, hint: `if its data can go, add --force (everything on ${dev.path} is lost)` });
  }
  return held;
}

function checkSize(o: FormatOptions, dev: BlockDevice): number {
  const size = o.partition ? dev.size - TABLE_OVERHEAD : dev.size;
  const problem = volumeSizeProblem(Math.max(size, 0), o.geometry);
  if (problem) throw new OvsError(EXIT.DATAERR, problem, { while: `checking the size of ${dev.path}`, hint: 'give fewer --slots or a smaller --journal-size, or a bigger disk' });
  return size;
}

async function format(ctx: Context, o: FormatOptions): Promise<FormatResult> {
  await preflightFormat(ctx, o.partition);
  const dev = await inspectDevice(ctx, o.device);
  const held = await checkDisk(ctx, o, dev);
  checkSize(o, dev);
  const sameDisk = o.allNodes ? await confirmSameDisk(ctx, o.allNodes, dev) : undefined;
  const what = `${dev.path} (${formatSize(Math.floor(dev.size / 2 ** 20) * 2 ** 20)})`;
  await ctx.confirm(`${o.partition ? `partition ${what} and format its partition` : `format ${what}`} with OCFS2${held ? `, destroying ${held}` : ''}? Everything on it is lost.`);
  const target = o.partition ? await makeOnePartition(ctx, dev) : { path: dev.path, planned: false };
  // -x: never stop at mkfs's own "Proceed (y/N)" (stdin is closed); the operator confirmed above.
  const argv = mkfsArgv(await ctx.hostPath(target.path), o.geometry, { force: o.force, noPrompt: true });
  ctx.report.step(`formatting ${target.path}`);
  const r = await ctx.changes.run(argv, { timeoutMs: 60 * 60_000, onOutput: mkfsProgress(ctx.report) });
  if (!r.planned && r.exitCode !== 0) {
    throw mkfsFailure(r, `formatting ${target.path}`, 'run again with --verbose to see the command');
  }
  const info = r.planned ? undefined : await verifyFormattedDevice(ctx, target.path, o.geometry);
  return {
    device: dev.path,
    target: target.path,
    partitioned: o.partition,
    replaced: held ?? null,
    label: o.geometry.label,
    uuid: info?.uuid ?? null,
    slots: o.geometry.slots,
    blockSize: o.geometry.blockSize,
    clusterSize: o.geometry.clusterSize,
    journalSize: o.geometry.journalSize,
    size: dev.size,
    planned: Boolean(r.planned),
    ...(sameDisk ? { sameDisk } : {}),
  };
}

function human(r: FormatResult): string[] {
  const lines: string[] = [];
  if (r.sameDisk) lines.push(sameDiskLine(r.sameDisk));
  if (r.partitioned) lines.push(`${r.planned ? 'would partition' : 'partitioned'} ${r.device}: one partition, ${r.target}, spanning the disk`);
  const geometry = `${r.slots} node slots, block size ${formatSize(r.blockSize)}, cluster size ${formatSize(r.clusterSize)}, journal ${formatSize(r.journalSize)}`;
  lines.push(`${r.planned ? 'would format' : 'formatted'} ${r.target} with OCFS2: label '${r.label}'${r.uuid ? `, UUID ${r.uuid}` : ''}, ${geometry}`);
  return lines;
}

export default defineCommand<FormatOptions, FormatResult>({
  name: 'format',
  summary: "Format a shared disk with OCFS2 using the guide's defaults (optionally one partition first)",
  live: true,
  unplannable: () => 'the disk is inspected and the new volume read back from the device only when it is formatted',
  define: (cmd: Command) =>
    defineSshOptions(cmd)
      .argument('<device>', 'the shared disk or partition, e.g. /dev/sdb')
      .option('--label <label>', 'volume label (at most 63 bytes)', FORMAT_DEFAULTS.label)
      .option('--slots <n>', 'node slots: how many servers can mount it (1-255)', FORMAT_DEFAULTS.slots)
      .option('--block-size <size>', 'block size: 512, 1k, 2k or 4k', FORMAT_DEFAULTS.blockSize)
      .option('--cluster-size <size>', 'cluster size: 4k to 1M, a power of two', FORMAT_DEFAULTS.clusterSize)
      .option('--journal-size <size>', 'journal size per node slot (at least 4M)', FORMAT_DEFAULTS.journalSize)
      .option('--partition', 'first make one partition spanning the disk, and format that')
      .option('--force', 'format even though the disk holds a file system or a partition table')
      .option('--all-nodes', 'first confirm over SSH that every node of cluster.conf sees this disk (same WWID and size)'),
  options: (args, flags) => parseOptions(args, flags),
  run: format,
  human,
});
