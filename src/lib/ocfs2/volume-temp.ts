/**
 * The temporary file a volume file is built under (hidden, beside the target so the final
 * rename is atomic) and the removal of those a killed run left behind. The name carries its
 * run's owner (run-owner.ts): `.server_pool_hb.ovs-PID-BOOT-MACHINE-RANDOM.tmp`, so the next
 * run removes only files whose run is provably gone — never a live run's file (another
 * hb-create on this machine, or on another pool server sharing the NFS cluster root), never
 * a file that does not have exactly this form.
 */
import { posix } from 'node:path';
import type { Context } from '../command.js';
import { currentOwner, OWNER_TAG_PATTERN, ownerFromMatch, ownerIsGone, ownerTag } from '../run-owner.js';

function hiddenBase(systemPath: string): string {
  const base = posix.basename(systemPath);
  return base.startsWith('.') ? base : `.${base}`;
}

/** The temporary name for building `systemPath`: owner-tagged when this machine and boot can be told. */
export async function volumeTempName(ctx: Context, systemPath: string): Promise<string> {
  const owner = await currentOwner(ctx.host);
  const tag = owner ? `${ownerTag(owner)}-` : '';
  return posix.join(posix.dirname(systemPath), `${hiddenBase(systemPath)}.ovs-${tag}${ctx.changes.generate('temporary name', () => ctx.host.randomHex(4))}.tmp`);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Remove the temporary files of `systemPath` left by runs that are provably gone (killed,
 * or from an earlier boot), each through ctx.changes and said on stderr. Returns their paths.
 */
export async function removeDeadRunsTemps(ctx: Context, systemPath: string): Promise<string[]> {
  const self = await currentOwner(ctx.host);
  if (!self) return [];
  const dir = posix.dirname(systemPath);
  const names = await ctx.fs.readdir(dir).catch(() => [] as string[]);
  const pattern = new RegExp(`^${escape(hiddenBase(systemPath))}\\.ovs-${OWNER_TAG_PATTERN}-[0-9a-f]{8}\\.tmp$`);
  const removed: string[] = [];
  for (const name of names) {
    const m = pattern.exec(name);
    if (!m) continue;
    const owner = ownerFromMatch(m, 1);
    if (!ownerIsGone(ctx.host, self, owner)) continue;
    const path = posix.join(dir, name);
    const st = await ctx.fs.lstat(path).catch(() => undefined);
    if (st?.kind !== 'file') continue; // only the regular file a run made, never a link or a directory
    await ctx.changes.remove(path, { backup: false });
    const why = owner.boot !== self.boot ? 'from an earlier boot' : `pid ${owner.pid} is no longer running`;
    ctx.report.warn(`removed ${path}, left by an interrupted run (${why})`);
    removed.push(path);
  }
  return removed;
}
