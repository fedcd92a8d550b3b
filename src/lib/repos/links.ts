/**
 * The links of the layout (ovs-repositories(5)): /OVS -> the cluster root's mount point, and
 * /OVS/<UUID> -> each other repository's mount point, kept inside the cluster root.
 *
 * /OVS may be found as what an OVM 2.1 install left: an empty directory (a mount point
 * from the old fstab line, replaced by the link) or a directory with files in it (refused:
 * they would vanish behind the link). A link pointing elsewhere is re-pointed.
 */
import { posix } from 'node:path';
import type { Context } from '../command.js';
import { EXIT, OvsError, errnoOf, readFailure } from '../errors.js';
import { statOrUndefined } from '../files.js';
import { OVS_LINK, mountPointOf, rootLinkOf } from './layout.js';
import type { Undo } from './undo.js';

export type OvsLinkState = { kind: 'absent' } | { kind: 'link'; target: string } | { kind: 'dir'; entries: number } | { kind: 'other' };

export async function ovsLinkState(ctx: Context): Promise<OvsLinkState> {
  const st = await statOrUndefined(ctx.fs, OVS_LINK, false);
  if (!st) return { kind: 'absent' };
  if (st.kind === 'symlink') return { kind: 'link', target: await sameOvs(() => ctx.fs.readlink(OVS_LINK)) };
  if (st.kind === 'dir') return { kind: 'dir', entries: (await sameOvs(() => ctx.fs.readdir(OVS_LINK))).length };
  return { kind: 'other' };
}

/**
 * The read that follows /OVS's lstat. Something else may replace /OVS in between (a link that
 * became a directory: EINVAL; removed: ENOENT): one line and 72, never an internal error.
 */
async function sameOvs<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    const code = errnoOf(e);
    if (code !== 'ENOENT' && code !== 'EINVAL' && code !== 'ENOTDIR') throw readFailure(e, OVS_LINK, 'system');
    throw new OvsError(EXIT.OSFILE, `${OVS_LINK} changed while ovs read it (${code})`, {
      while: `reading ${OVS_LINK}`,
      hint: `something else is changing ${OVS_LINK} (or the image under --root): stop it, then run the command again`,
    });
  }
}

/** Before the first change: can /OVS become the cluster root's link? */
export function checkOvsReplaceable(state: OvsLinkState): void {
  if (state.kind === 'dir' && state.entries > 0) {
    throw new OvsError(EXIT.CONFIG, `${OVS_LINK} is a directory with ${state.entries} entr${state.entries === 1 ? 'y' : 'ies'} in it`, {
      while: 'checking /OVS before making it the cluster root link',
      hint: 'move it aside (mv /OVS /OVS.local), add the cluster root, then copy what you need into /OVS',
    });
  }
  if (state.kind === 'other') {
    throw new OvsError(EXIT.CONFIG, `${OVS_LINK} exists and is neither a directory nor a symbolic link`, {
      while: 'checking /OVS before making it the cluster root link',
      hint: 'move it aside (mv /OVS /OVS.old), then run the command again',
    });
  }
}

/** Point /OVS at the cluster root's mount point; what it replaced comes back on undo. */
export async function pointOvsAt(ctx: Context, uuid: string, undo: Undo): Promise<boolean> {
  const target = mountPointOf(uuid);
  const state = await ovsLinkState(ctx);
  if (state.kind === 'link' && state.target === target) return false;
  if (state.kind === 'dir') {
    await ctx.changes.rmdir(OVS_LINK);
    undo.push(`mkdir ${OVS_LINK}`, () => ctx.changes.mkdir(OVS_LINK));
  }
  if (state.kind === 'link') ctx.report.warn(`${OVS_LINK} pointed at ${state.target}; it now points at the cluster root ${target}`);
  await ctx.changes.symlink(target, OVS_LINK);
  undo.push(`restore ${OVS_LINK}`, async () => {
    await ctx.changes.remove(OVS_LINK);
    if (state.kind === 'link') await ctx.changes.symlink(state.target, OVS_LINK);
  });
  return true;
}

/** Remove /OVS when it points at this repository (it is no longer, or not now, the root). */
export async function dropOvsLinkTo(ctx: Context, uuid: string): Promise<boolean> {
  const state = await ovsLinkState(ctx);
  if (state.kind !== 'link' || posix.normalize(state.target) !== mountPointOf(uuid)) return false;
  return ctx.changes.remove(OVS_LINK);
}

/** /OVS/<UUID>, written inside the cluster root's mount point. */
export async function linkUnderRoot(ctx: Context, rootUuid: string, uuid: string, undo?: Undo): Promise<boolean> {
  const path = rootLinkOf(rootUuid, uuid);
  const st = await statOrUndefined(ctx.fs, path, false);
  if (st && st.kind !== 'symlink') {
    ctx.report.warn(`${path} exists and is not a link: /OVS/${uuid} was left as it is`);
    return false;
  }
  const made = await ctx.changes.symlink(mountPointOf(uuid), path);
  if (made && !st) undo?.push(`remove ${path}`, () => ctx.changes.remove(path));
  return made;
}

export async function unlinkUnderRoot(ctx: Context, rootUuid: string, uuid: string): Promise<boolean> {
  const path = rootLinkOf(rootUuid, uuid);
  const st = await statOrUndefined(ctx.fs, path, false);
  return st?.kind === 'symlink' ? ctx.changes.remove(path) : false;
}
