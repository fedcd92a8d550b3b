/**
 * `ovs format --partition`: one partition spanning the disk, the guide's "create desired
 * partitions (e.g. /dev/sdb1) using fdisk", done with sfdisk from a script instead of an
 * fdisk dialogue. An MBR (dos) table up to 2 TiB, GPT above, as fdisk would need; the
 * partition starts at 1 MiB. Old signatures on the disk and in the new partition are wiped.
 *
 * `partx --update` then tells the kernel about the partition. Where the kernel reads the
 * table itself (sfdisk asks it to) this changes nothing; a kernel built without partition
 * table parsers (seen on minimal VM kernels) only learns of the partition this way.
 */
import type { Context } from '../command.js';
import { EXIT, OvsError } from '../errors.js';
import { statOrUndefined } from '../files.js';
import { failureOf, saidBy } from '../program-output.js';
import type { BlockDevice } from './device.js';
import { partitionPath } from './usage.js';

const TiB = 2 ** 40;
/** What the table takes from the disk: 1 MiB before the partition, GPT's backup at the end. */
export const TABLE_OVERHEAD = 2 * 2 ** 20;
const POLL_MS = 500;
const POLLS = 20;

export const sfdiskArgv = (path: string): string[] => ['sfdisk', '--quiet', '--wipe', 'always', '--wipe-partitions', 'always', '--', path];
export const partxArgv = (path: string): string[] => ['partx', '--update', '--', path];

/** sfdisk's script: the table type, then one Linux partition with default start and size. */
export function sfdiskScript(diskBytes: number): string {
  return `label: ${diskBytes > 2 * TiB ? 'gpt' : 'dos'}\n,,L\n`;
}

export interface Partitioned {
  /** The new partition's device path. */
  path: string;
  planned: boolean;
}

export async function makeOnePartition(ctx: Context, dev: BlockDevice): Promise<Partitioned> {
  const path = partitionPath(dev.realPath, 1);
  const doing = `partitioning ${dev.path}`;
  const table = await ctx.changes.run(sfdiskArgv(dev.path), { input: sfdiskScript(dev.size), timeoutMs: 120_000 });
  if (!table.planned && table.exitCode !== 0) throw failureOf(table, { program: 'sfdisk', doing });
  const update = await ctx.changes.run(partxArgv(dev.path), { timeoutMs: 60_000 });
  if (table.planned) return { path, planned: true };
  if (update.exitCode !== 0) ctx.report.warn(`partx --update ${dev.path} failed (${saidBy(update) || `exit ${update.exitCode}`}); waiting for the kernel to list ${path}`);
  for (let i = 0; i <= POLLS; i++) {
    if ((await statOrUndefined(ctx.fs, path))?.kind === 'block') return { path, planned: false };
    if (i < POLLS) await ctx.host.sleep(POLL_MS);
  }
  throw new OvsError(EXIT.TEMPFAIL, `the new partition ${path} did not appear within ${(POLLS * POLL_MS) / 1000} s`, {
    while: doing,
    hint: `check cat /proc/partitions; partprobe ${dev.path} or partx --add ${dev.path} makes the kernel read the table`,
  });
}
