/**
 * Taking one repository out of this server's layout, for `ovs offlinerepo` and the
 * ovsrepositories service's stop: refuse while a guest runs from its running_pool, unmount
 * (a busy mount is refused by umount itself), and drop /OVS when it pointed here — a link
 * to an empty mount point would let the agent write onto the local disk. Nothing on the
 * storage is ever deleted.
 */
import type { Context } from '../command.js';
import { EXIT, OvsError } from '../errors.js';
import { statOrUndefined } from '../files.js';
import type { MountEntry } from '../formats/proc-mounts.js';
import type { RepositoryEntry } from '../formats/repositories.js';
import { describeGuests, runningGuests } from './guests.js';
import { mountPointOf } from './layout.js';
import { dropOvsLinkTo } from './links.js';
import { mountOn, unmountRepository } from './mounts.js';

/** What detaching needs of a repository (a mount left by a removed entry has no more). */
export type Repo = Pick<RepositoryEntry, 'uuid' | 'source'>;

export type UnmountState = 'unmounted' | 'not mounted' | 'planned';

export interface DetachResult {
  uuid: string;
  mountPoint: string;
  unmount: UnmountState;
  /** /OVS pointed here and was removed. */
  ovsLinkRemoved: boolean;
  mountPointRemoved: boolean;
}

/** Refuse (75) while running_pool shows a running guest. */
export async function checkNoGuests(ctx: Context, entry: Repo): Promise<void> {
  const uses = await runningGuests(ctx, mountPointOf(entry.uuid));
  if (uses.length === 0) return;
  throw new OvsError(EXIT.TEMPFAIL, `guests are running from ${entry.source} (${entry.uuid}): ${describeGuests(uses)}`, {
    while: `taking ${entry.uuid} offline`,
    hint: 'shut the guests down or migrate them to another server of the pool, then run the command again',
  });
}

async function removeEmptyMountPoint(ctx: Context, mp: string): Promise<boolean> {
  if ((await statOrUndefined(ctx.fs, mp, false))?.kind !== 'dir') return false;
  const left = await ctx.fs.readdir(mp);
  if (left.length > 0) {
    ctx.report.warn(`${mp} is not empty once unmounted (${left.length} entries on the local disk): left in place`);
    return false;
  }
  return ctx.changes.rmdir(mp);
}

export async function detachRepository(ctx: Context, entry: Repo, mounts: readonly MountEntry[], opts: { removeMountPoint?: boolean } = {}): Promise<DetachResult> {
  const mp = mountPointOf(entry.uuid);
  let unmount: UnmountState = 'not mounted';
  if (mountOn(mounts, mp)) {
    await checkNoGuests(ctx, entry);
    unmount = (await unmountRepository(ctx, mp)).planned ? 'planned' : 'unmounted';
  }
  const ovsLinkRemoved = await dropOvsLinkTo(ctx, entry.uuid);
  // In a dry run the storage is still visible there: the plan cannot show the rmdir.
  const mountPointRemoved = opts.removeMountPoint && unmount !== 'planned' ? await removeEmptyMountPoint(ctx, mp) : false;
  return { uuid: entry.uuid, mountPoint: mp, unmount, ovsLinkRemoved, mountPointRemoved };
}
