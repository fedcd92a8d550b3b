/**
 * The storage layout HA needs (the guide, "Enabling HA for the Server Pool"; ovs-repositories(5)):
 * /etc/ovs/repositories valid with exactly one cluster root, that root shared storage (an
 * NFS export or an OCFS2 volume every server can mount), mounted at /var/ovs/mount/<UUID>,
 * /OVS a link to it, and no local file system left mounted on /OVS itself (the guide's
 * first special consideration: "you need to unmount it").
 */
import { inFile } from '../formats/format-error.js';
import type { Context } from '../command.js';
import { isLoopback } from '../formats/ip.js';
import type { MountEntry } from '../formats/proc-mounts.js';
import { ovsEntries } from '../formats/fstab.js';
import { clusterRoot, repositoryEntries, type RepositoryEntry } from '../formats/repositories.js';
import { parseSource } from '../formats/repository-source.js';
import { OVS_LINK, mountPointOf } from '../repos/layout.js';
import { ovsLinkState } from '../repos/links.js';
import { mountOn } from '../repos/mounts.js';
import { NOT_INSTALLED_NOTE, SERVICE_NAME } from '../repos/service.js';
import { serviceInstalled } from '../services/index.js';
import { fail, pass, skip, skipOffline, warn, type CheckResult } from './check.js';
import { where, type Facts } from './facts.js';
import { PROC_MOUNTS, REPOSITORIES_FILE } from '../system-paths.js';

const MAKEREPO = 'ovs makerepo SOURCE C "cluster root" (SOURCE: fileserver.example.com:/OVS or /dev/sdb1)';

/** The cluster root entry, or the check result that explains why there is none. */
export function rootOf(f: Facts): RepositoryEntry | undefined {
  return f.repositories.value ? clusterRoot(f.repositories.value) : undefined;
}

export function checkRepositoriesValid(f: Facts): CheckResult {
  const id = 'repositories.valid';
  const r = f.repositories;
  if (r.missing) {
    const inFstab = f.fstab.value ? ovsEntries(f.fstab.value).length > 0 : false;
    return fail(id, `${REPOSITORIES_FILE} is missing`, inFstab ? 'ovs cluster-check --alter-fstab (moves the /OVS lines of /etc/fstab there)' : MAKEREPO);
  }
  if (r.error) return fail(id, inFile(REPOSITORIES_FILE, r.error), `correct ${where(REPOSITORIES_FILE, r.error.line)} (format: ovs-repositories(5))`);
  const n = r.value ? repositoryEntries(r.value).length : 0;
  return pass(id, `${REPOSITORIES_FILE} lists ${n} repositor${n === 1 ? 'y' : 'ies'}`);
}

export function checkClusterRoot(f: Facts): CheckResult {
  const id = 'repositories.cluster-root';
  if (!f.repositories.value) return skip(id, 'skipped: see repositories.valid');
  const root = rootOf(f);
  if (!root) return fail(id, `${REPOSITORIES_FILE} has no cluster root (role C)`, MAKEREPO);
  return pass(id, `the cluster root is ${root.uuid} (${root.type} ${root.source})`);
}

/** A cluster root every server can mount: not an export of this machine's loopback. */
export function checkRootShared(f: Facts): CheckResult {
  const id = 'repositories.root-shared';
  const root = rootOf(f);
  if (!root) return skip(id, 'skipped: no cluster root (see repositories.cluster-root)');
  const src = parseSource(root.source);
  if (src.kind === 'nfs' && (isLoopback(src.host) || /^localhost(\.|$)/i.test(src.host))) {
    return fail(id, `the cluster root ${root.source} names this machine's loopback: the other servers cannot mount it`, `register it under the NFS server's real name: ovs offlinerepo -d ${root.uuid}, then ovs makerepo <server>:${src.export} C "cluster root"`);
  }
  if (root.type === 'nfs') return pass(id, `the cluster root is shared storage (the NFS export ${root.source})`);
  // Whether a device is a LUN every server sees cannot be told from one server: say what it takes.
  return pass(id, `the cluster root is an OCFS2 volume (${root.source}): shared when every pool server reaches that device`);
}

export function checkRootMounted(ctx: Context, f: Facts): CheckResult {
  const id = 'repositories.root-mounted';
  const root = rootOf(f);
  if (!root) return skip(id, 'skipped: no cluster root (see repositories.cluster-root)');
  if (ctx.offline) return skipOffline(id, `the cluster root is mounted at boot by ovsrepositories`);
  const at = mountPointOf(root.uuid);
  const m = f.mounts?.value ? mountOn(f.mounts.value, at) : undefined;
  if (!m) return fail(id, `the cluster root ${root.source} is not mounted at ${at}`, 'ovs repositories start (mounts every repository, the cluster root first, and points /OVS at it)');
  return pass(id, `the cluster root is mounted at ${at} (${m.fstype} ${m.source})`);
}

const LINK_FIX = 'ovs repositories start (points /OVS at the cluster root)';

export async function checkOvsLink(ctx: Context, f: Facts): Promise<CheckResult> {
  const id = 'repositories.ovs-link';
  const root = rootOf(f);
  if (!root) return skip(id, 'skipped: no cluster root (see repositories.cluster-root)');
  const want = mountPointOf(root.uuid);
  const state = await ovsLinkState(ctx);
  switch (state.kind) {
    case 'link':
      if (state.target.replace(/\/+$/, '') === want) return pass(id, `${OVS_LINK} -> ${want}`);
      return fail(id, `${OVS_LINK} points at ${state.target}, not at the cluster root ${want}`, LINK_FIX);
    case 'absent':
      // ovsrepositories sets the link when it mounts the cluster root at boot.
      if (ctx.offline) return skipOffline(id, `${OVS_LINK} is set at boot by ovsrepositories`);
      return fail(id, `${OVS_LINK} does not exist`, LINK_FIX);
    case 'dir':
      // An empty directory (the old fstab mount point) is replaced by the link; a full one never is.
      if (state.entries === 0) {
        if (ctx.offline) return skipOffline(id, `the empty ${OVS_LINK} directory is replaced by the link at boot`);
        return fail(id, `${OVS_LINK} is an empty directory, not a link to the cluster root ${want}`, 'ovs repositories start (replaces the empty directory with the link to the cluster root)');
      }
      return fail(id, `${OVS_LINK} is a directory with ${state.entries} entr${state.entries === 1 ? 'y' : 'ies'}, not a link to the cluster root ${want}`, `umount ${OVS_LINK} if it is mounted, move it aside (mv ${OVS_LINK} ${OVS_LINK}.local), then ${LINK_FIX}; copy back what the pool needs`);
    default:
      return fail(id, `${OVS_LINK} is neither a directory nor a symbolic link`, `move it aside (mv ${OVS_LINK} ${OVS_LINK}.old), then ${LINK_FIX}`);
  }
}

function localMount(mounts: readonly MountEntry[]): MountEntry | undefined {
  return mountOn(mounts, OVS_LINK);
}

/** The guide: "If the Oracle VM server has a local /OVS repository, you need to unmount it". */
export function checkNoLocalOvs(ctx: Context, f: Facts): CheckResult {
  const id = 'repositories.no-local-ovs';
  if (ctx.offline) return skipOffline(id, `what is mounted on ${OVS_LINK}`);
  if (f.mounts?.error || f.mounts?.missing) return fail(id, f.mounts.error ? `cannot read ${inFile(PROC_MOUNTS, f.mounts.error)}` : 'cannot read /proc/mounts', 'mount proc on /proc (mount -t proc proc /proc)');
  const m = localMount(f.mounts?.value ?? []);
  if (!m) return pass(id, `nothing is mounted on ${OVS_LINK} itself`);
  const what = m.fstype === 'nfs' || m.fstype === 'nfs4' ? `${m.source} (${m.fstype}) is mounted on ${OVS_LINK} itself, the 2.1 layout` : `a local ${m.fstype} file system (${m.source}) is mounted on ${OVS_LINK}`;
  return fail(id, what, `umount ${OVS_LINK} (copy what the pool needs to shared storage first: Metalink note 756968.1), then ovs repositories start`);
}

/** Something mounts the repositories at boot: the ovsrepositories service is installed. */
export async function checkServiceInstalled(ctx: Context, f: Facts): Promise<CheckResult> {
  const id = 'repositories.service';
  if (!rootOf(f)) return skip(id, 'skipped: no cluster root to mount at boot');
  if (await serviceInstalled(ctx, SERVICE_NAME)) return pass(id, `the ${SERVICE_NAME} service is installed (it mounts the repositories at boot)`);
  return warn(id, NOT_INSTALLED_NOTE, 'ovs services install');
}

export async function repositoryChecks(ctx: Context, f: Facts): Promise<CheckResult[]> {
  return [checkRepositoriesValid(f), checkClusterRoot(f), checkRootShared(f), checkRootMounted(ctx, f), await checkOvsLink(ctx, f), checkNoLocalOvs(ctx, f), await checkServiceInstalled(ctx, f)];
}
