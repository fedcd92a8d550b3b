/**
 * What `ovs makerepo` checks before its first change (ovs-makerepo(8)): at most one cluster root;
 * a cluster root cannot go where a local /OVS still lives (mounted, or in /etc/fstab, the
 * OVM 2.1 layout); one storage, one UUID, one entry; an OCFS2 volume needs the O2CB cluster
 * online, or mount.ocfs2 fails with "Unable to access cluster service".
 */
import type { Context } from '../command.js';
import { o2cbClusterOnline } from '../cluster/o2cb.js';
import { readO2cbSettingsFile } from '../cluster/settings-file.js';
import { EXIT, OvsError, shown } from '../errors.js';
import { ovsEntries, parseFstab } from '../formats/fstab.js';
import type { MountEntry } from '../formats/proc-mounts.js';
import { type RepositoryEntry, type RepositoryRole } from '../formats/repositories.js';
import { sameSource } from '../formats/repository-source.js';
import { OVS_LINK } from './layout.js';
import { checkOvsReplaceable, ovsLinkState } from './links.js';
import { mountOn } from './mounts.js';
import { FSTAB } from '../system-paths.js';
import { readSystemFile } from '../system-file.js';

/** One cluster root per server: another source holding role C is refused (78). */
export function checkSingleRoot(entries: readonly RepositoryEntry[], source: string, role: RepositoryRole): void {
  if (role !== 'C') return;
  const root = entries.find((e) => e.role === 'C' && !sameSource(e.source, source));
  if (!root) return;
  throw new OvsError(EXIT.CONFIG, `a cluster root is already registered: ${root.source} (${root.uuid})`, {
    while: 'adding a cluster root',
    hint: `a pool has one cluster root: add this storage as S (shared), or take the other out first with \`ovs offlinerepo -d ${root.uuid}\``,
  });
}

/** The UUID must not already name other storage in the registry (78). */
export function checkUuidFree(entries: readonly RepositoryEntry[], uuid: string, source: string, why: string): void {
  const other = entries.find((e) => e.uuid === uuid && !sameSource(e.source, source));
  if (!other) return;
  throw new OvsError(EXIT.CONFIG, `${why} ${uuid}, which is already registered with source ${other.source}`, {
    while: `adding ${source}`,
    hint: `if ${source} and ${other.source} are the same storage under two names, keep one: \`ovs offlinerepo -d ${uuid}\` first, or use ${other.source}`,
  });
}

/** A source already registered keeps its UUID; asking for another one is refused (78). */
export function checkRegisteredUuid(registered: RepositoryEntry | undefined, wanted: string | undefined, why: string): void {
  if (!registered || wanted === undefined || wanted === registered.uuid) return;
  throw new OvsError(EXIT.CONFIG, `${registered.source} is already registered under uuid ${registered.uuid}, but ${why} ${wanted}`, {
    while: `adding ${registered.source}`,
    hint: `to register it again under ${wanted}: \`ovs offlinerepo -d ${registered.uuid}\`, then run makerepo again`,
  });
}

/** Role C: nothing of the OVM 2.1 local /OVS may remain (mounted, in fstab, or a full directory). */
export async function checkOvsFree(ctx: Context, mounts: readonly MountEntry[]): Promise<void> {
  const mounted = mountOn(mounts, OVS_LINK);
  if (mounted) {
    throw new OvsError(EXIT.CONFIG, `${mounted.source} (${mounted.fstype}) is mounted on ${OVS_LINK}`, {
      while: 'checking /OVS before making it the cluster root link',
      hint: 'umount /OVS, or move its fstab line into the repositories with `ovs cluster-check --alter-fstab`',
    });
  }
  const fstab = await readSystemFile(ctx, FSTAB, parseFstab, { doing: 'checking /etc/fstab for /OVS', hint: `correct ${FSTAB}` });
  const lines = fstab ? ovsEntries(fstab).map((e) => e.line) : [];
  if (lines.length > 0) {
    throw new OvsError(EXIT.CONFIG, `${FSTAB} line ${lines.join(', ')} mounts a file system on ${OVS_LINK}`, {
      while: 'checking /OVS before making it the cluster root link',
      hint: 'run `ovs cluster-check --alter-fstab` to move it into /etc/ovs/repositories (umount /OVS first if it is mounted)',
    });
  }
  checkOvsReplaceable(await ovsLinkState(ctx));
}

/** OCFS2: the boot cluster of the O2CB settings must be online on this host (69). */
export async function checkO2cbOnline(ctx: Context): Promise<string> {
  // The settings parse as the o2cb script sources them: every line reads, none is refused.
  const cluster = (await readO2cbSettingsFile(ctx)).effective.O2CB_BOOTCLUSTER;
  if (cluster === '') {
    throw new OvsError(EXIT.CONFIG, 'no O2CB cluster is configured (O2CB_BOOTCLUSTER is empty)', { while: 'checking the O2CB cluster for an OCFS2 repository', hint: 'run `ovs cluster-configure`' });
  }
  if (!(await o2cbClusterOnline(ctx, cluster))) {
    throw new OvsError(EXIT.UNAVAILABLE, `the O2CB cluster '${shown(cluster)}' is not online`, {
      while: 'checking the O2CB cluster for an OCFS2 repository',
      hint: 'run `ovs cluster-configure` (it configures and starts o2cb), or `ovs services start` if it is configured',
    });
  }
  return cluster;
}
