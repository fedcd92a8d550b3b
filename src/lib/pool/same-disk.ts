/**
 * `format --all-nodes` and `iscsi-prep --all-nodes`: before a shared disk is formatted (and
 * once the last server has logged in to it), every pool member must see the same LUN. The
 * device name proves nothing (/dev/sdb here can be /dev/sdc there, or another LUN); the
 * WWID the kernel reads from the LUN itself (/sys/class/block/DISK/device/wwid) is the same
 * on every server that sees it. Each member is asked, read-only over ssh (`ovs --json
 * pool-identity --disk -`, the WWID on stdin so no remote shell parses it), which of its
 * disks has that WWID and how big it is. A member that does not see it, sees another size,
 * or cannot be asked stops the run: before anything is written for format, after the logins
 * for iscsi-prep (the hint says what to do next).
 */
import { inspectDevice, type BlockDevice } from '../block/device.js';
import type { Context } from '../command.js';
import { EXIT, OvsError } from '../errors.js';
import { exists, readOptional } from '../files.js';
import { formatSize } from '../ocfs2/mkfs.js';
import { mapLimit } from './concurrency.js';
import { readMasterConfig } from './master-config.js';
import { poolMembers, type PoolMember } from './member.js';
import { preflight, type PoolSettings } from './propagation.js';
import { fetchIdentity } from './same-root.js';

export interface DiskView {
  wwid: string;
  /** The member's device with that WWID; absent when it has none. */
  device?: string;
  size?: number;
}

const sysBlock = (name: string): string => `/sys/class/block/${name.replace(/\//g, '!')}`;

/** The whole disk a device belongs to (a partition's parent), by kernel name. */
async function diskOf(ctx: Context, name: string): Promise<string> {
  return (await exists(ctx.fs, `${sysBlock(name)}/partition`)) ? name.replace(/p?\d+$/, '') : name;
}

export async function wwidOf(ctx: Context, name: string): Promise<string | undefined> {
  return (await readOptional(ctx.fs, `${sysBlock(name)}/device/wwid`))?.trim() || undefined;
}

/** This server's disk with the WWID (pool-identity --disk). */
export async function findDisk(ctx: Context, wwid: string): Promise<DiskView> {
  const names = await ctx.fs.readdir('/sys/class/block').catch(() => [] as string[]);
  for (const name of names) {
    if ((await wwidOf(ctx, name)) !== wwid) continue;
    const device = `/dev/${name.replace(/!/g, '/')}`;
    return { wwid, device, size: (await inspectDevice(ctx, device)).size };
  }
  return { wwid };
}

export interface SameDiskReport {
  /** This server's device for the disk. */
  device: string;
  wwid: string;
  size: number;
  members: { node: string; device: string }[];
}

function problemOf(node: string, view: DiskView, size: number): string | undefined {
  if (!view.device) return `${node} sees no disk with this WWID`;
  if (view.size !== size) return `${node} sees it as ${view.device} of ${formatSize(view.size ?? 0)}, not ${formatSize(size)}`;
  return undefined;
}

async function askMember(ctx: Context, s: PoolSettings, m: PoolMember, wwid: string, size: number): Promise<{ node: string; device?: string; problem?: string }> {
  const fetched = await fetchIdentity(ctx, s, m, { disk: wwid });
  if ('reason' in fetched) return { node: m.name, problem: `${m.name} could not be asked: ${fetched.reason}` };
  const view = fetched.identity.disk ?? { wwid };
  const problem = problemOf(m.name, view, size);
  return problem ? { node: m.name, problem } : { node: m.name, ...(view.device ? { device: view.device } : {}) };
}

/** The human line for a confirmed disk: where each member sees it. */
export function sameDiskLine(r: SameDiskReport): string {
  return `every pool member sees ${r.device} (WWID ${r.wwid}): ${r.members.map((m) => `${m.node} as ${m.device}`).join(', ') || 'no other node'}`;
}

const FORMAT_HINT = 'log in to the LUN on every server (ovs iscsi-prep) and check it is the same disk there; nothing was formatted';

/** Every member sees the disk of `dev` (its WWID, same size), or OvsError 78 (with `hint`: what to do next). */
export async function confirmSameDisk(ctx: Context, s: PoolSettings, dev: BlockDevice, hint = FORMAT_HINT): Promise<SameDiskReport> {
  const doing = 'confirming that every pool member sees the disk';
  const disk = await diskOf(ctx, dev.name);
  const wwid = await wwidOf(ctx, disk);
  if (!wwid) {
    throw new OvsError(EXIT.CONFIG, `${dev.path} has no WWID (${sysBlock(disk)}/device/wwid): the other servers cannot recognise it`, {
      while: doing,
      hint: 'check on every server that it sees this LUN (ls -l /dev/disk/by-id), then run the command again without --all-nodes',
    });
  }
  const size = disk === dev.name ? dev.size : (await inspectDevice(ctx, `/dev/${disk.replace(/!/g, '/')}`)).size;
  const master = await readMasterConfig(ctx);
  await preflight(ctx, s);
  const members = poolMembers(master.cluster, master.hostname);
  ctx.report.step(`asking ${members.length} pool member${members.length === 1 ? '' : 's'} for the disk with WWID ${wwid}`);
  const answers = await mapLimit(members, s.concurrency, (m) => askMember(ctx, s, m, wwid, size));
  const problems = answers.flatMap((a) => (a.problem ? [a.problem] : []));
  if (problems.length) {
    throw new OvsError(EXIT.CONFIG, `not every pool member sees ${dev.path} (WWID ${wwid}, ${formatSize(size)}): ${problems.join('; ')}`, { while: doing, hint });
  }
  return { device: dev.path, wwid, size, members: answers.map((a) => ({ node: a.node, device: a.device as string })) };
}
