/**
 * The new disks a login brings (guide steps 6 and 8: read /proc/partitions before, restart,
 * read it again; "a new iSCSI device (e.g. sdb) is listed"). The difference of the two
 * snapshots is computed by the shared proc-partitions module; each new device is tied to
 * its target through sysfs (/sys/class/block/NAME points into .../sessionN/..., and
 * /sys/class/iscsi_session/sessionN/targetname names the target). The wait is bounded by a
 * number of polls, not by the clock, so it ends on every host.
 */
import type { Context } from '../command.js';
import { exists, readOptional } from '../files.js';
import { diffPartitions, parseProcPartitions, type Partition } from '../formats/proc-partitions.js';
import { secondsDetail } from '../progress.js';
import { PROC_PARTITIONS } from '../system-paths.js';
import { readSystemFile } from '../system-file.js';

export const POLL_MS = 500;

export interface NewDevice {
  /** Kernel name (`sdb`, `sdb1`). */
  name: string;
  /** Size in 1 KiB blocks, as /proc/partitions gives it. */
  blocks: number;
  /** The target's IQN, when sysfs tells. */
  target?: string;
}

export async function readPartitions(ctx: Context): Promise<Partition[]> {
  return readSystemFile(ctx, PROC_PARTITIONS, parseProcPartitions, { doing: 'reading the block devices', required: { hint: 'mount /proc (mount -t proc proc /proc)' } });
}

/** The IQN behind a block device, or undefined (not iSCSI, or no sysfs). */
export async function targetOfDevice(ctx: Context, name: string): Promise<string | undefined> {
  const sysName = name.replace(/\//g, '!'); // cciss/c0d0 is cciss!c0d0 in sysfs
  for (const link of [`/sys/class/block/${sysName}`, `/sys/block/${sysName}/device`]) {
    const target = await ctx.fs.readlink(link).catch(() => '');
    const session = /\/(session\d+)\//.exec(target)?.[1];
    if (!session) continue;
    const iqn = await readOptional(ctx.fs, `/sys/class/iscsi_session/${session}/targetname`).catch(() => undefined);
    return iqn?.trim() || undefined;
  }
  return undefined;
}

/** The whole disks (not partitions) this server sees from these targets, by kernel name. */
export async function disksOfTargets(ctx: Context, iqns: readonly string[]): Promise<string[]> {
  const wanted = new Set(iqns.map((i) => i.toLowerCase()));
  const disks: string[] = [];
  for (const p of await readPartitions(ctx)) {
    if (await exists(ctx.fs, `/sys/class/block/${p.name.replace(/\//g, '!')}/partition`)) continue;
    const target = await targetOfDevice(ctx, p.name);
    if (target && wanted.has(target.toLowerCase())) disks.push(p.name);
  }
  return disks;
}

async function newDevices(ctx: Context, before: readonly Partition[]): Promise<NewDevice[]> {
  const fresh = diffPartitions(before, await readPartitions(ctx));
  const out: NewDevice[] = [];
  for (const p of fresh) {
    const target = await targetOfDevice(ctx, p.name);
    out.push({ name: p.name, blocks: p.blocks, ...(target ? { target } : {}) });
  }
  return out;
}

/**
 * Poll until every target logged in to has a new device (or, where sysfs cannot tell which
 * target a device is, until the new devices stop changing), or until `waitSeconds` pass.
 */
export async function waitForDevices(ctx: Context, before: readonly Partition[], iqns: readonly string[], waitSeconds: number): Promise<NewDevice[]> {
  const polls = Math.ceil((waitSeconds * 1000) / POLL_MS);
  const wanted = iqns.map((i) => i.toLowerCase());
  let previous = '';
  ctx.report.step(`waiting for the new disks of ${iqns.join(', ')}`);
  for (let i = 0; ; i++) {
    // Elapsed as the polls count it (the limit is a number of polls, see above).
    if (i > 0) ctx.report.progress(secondsDetail((i * POLL_MS) / 1000, waitSeconds), i / polls);
    const devices = await newDevices(ctx, before);
    const covered = wanted.every((iqn) => devices.some((d) => d.target?.toLowerCase() === iqn));
    const names = devices.map((d) => d.name).join(' ');
    const settled = devices.some((d) => !d.target) && names === previous;
    if (covered || settled || i >= polls) return devices;
    previous = names;
    await ctx.host.sleep(POLL_MS);
  }
}
