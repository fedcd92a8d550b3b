/**
 * The NFS cluster root's heartbeat file, `.server_pool_hb` (the guide: "The heartbeat file
 * would be located at filesERVER.example.com:/OVS/.server_pool_hb for an NFS cluster. There
 * is no heartbeat file for an OCFS2 cluster as one is in-built in the file system").
 * The file is read back with the real ocfs2-tools (hb-create's inspectHeartbeat), so a
 * missing file, zeros, another file system, a truncated file and a wrong label each get
 * their own finding. Its label must be hb-create's; its node slots must cover the pool.
 */
import type { Context } from '../command.js';
import { OvsError, orExpected } from '../errors.js';
import { statOrUndefined } from '../files.js';
import { HEARTBEAT_DEFAULTS, inspectHeartbeat } from '../ocfs2/heartbeat.js';
import { heartbeatPathOf, mountPointOf } from '../repos/layout.js';
import { mountOn } from '../repos/mounts.js';
import { fail, pass, skip, skipOffline, type CheckResult } from './check.js';
import type { Facts } from './facts.js';
import { rootOf } from './repositories.js';

const ID = 'heartbeat.file';

export interface HeartbeatCheckOptions {
  /** A dry run of --master planned to create this file: report that, not its absence. */
  plannedBy?: string;
}

/**
 * The heartbeat file of the NFS cluster root, when there is one to check; else the result
 * that says why not. Under --root the storage is normally not there (it is mounted at
 * boot): the check is skipped, unless the image does hold the file, which is then read.
 */
export async function heartbeatTarget(ctx: Context, f: Facts): Promise<{ path: string } | { result: CheckResult }> {
  const root = rootOf(f);
  if (!root) return { result: skip(ID, 'skipped: no cluster root (see repositories.cluster-root)') };
  if (root.type !== 'nfs') return { result: pass(ID, 'not needed: an OCFS2 cluster root heartbeats inside its own file system') };
  const path = heartbeatPathOf(root.uuid);
  if (ctx.offline) {
    if (await statOrUndefined(ctx.fs, path, false)) return { path };
    return { result: skipOffline(ID, "the NFS cluster root's heartbeat file is on the storage, mounted at boot") };
  }
  if (!f.mounts?.value || !mountOn(f.mounts.value, mountPointOf(root.uuid))) return { result: skip(ID, 'skipped: the cluster root is not mounted (see repositories.root-mounted)') };
  return { path };
}

function createHint(path: string): string {
  return `on the pool master: ovs cluster-check --master (or ovs hb-create ${path})`;
}

export async function checkHeartbeat(ctx: Context, f: Facts, o: HeartbeatCheckOptions = {}): Promise<CheckResult> {
  const target = await heartbeatTarget(ctx, f);
  if ('result' in target) return target.result;
  const { path } = target;
  if (o.plannedBy) return pass(ID, `${path} would be created by ${o.plannedBy} (dry run)`);
  const found = await orExpected(() => inspectHeartbeat(ctx, path, { label: HEARTBEAT_DEFAULTS.label }), (e) => e);
  if (found instanceof OvsError) return fail(ID, `${path} cannot be read: ${found.text}`, found.hint ?? 'install ocfs2-tools, then run the check again');
  switch (found.status) {
    case 'missing':
      return fail(ID, `the NFS cluster root has no heartbeat file: ${path} is missing`, createHint(path));
    case 'not-a-file':
      return fail(ID, found.problem ?? `${path} is not a file`, `move it away, then ${createHint(path)}`);
    case 'valid':
      break;
    default:
      return fail(ID, `${found.problem ?? path}: not a valid heartbeat file`, `on the pool master, with the cluster services stopped on every server (ovs services stop): ovs hb-create --force ${path}`);
  }
  const info = found.info;
  const nodes = f.cluster?.nodes.length ?? 0;
  if (info && info.slots < nodes) {
    return fail(ID, `${path} has ${info.slots} node slots, fewer than the ${nodes} nodes of cluster.conf`, `on the pool master, with the cluster services stopped: ovs hb-create --force --slots ${nodes} ${path}`);
  }
  const about = info ? ` (label ${info.label}, ${info.slots} slots, block ${info.blockSize}, cluster ${info.clusterSize}, uuid ${info.uuid})` : '';
  return pass(ID, `${path} is a valid heartbeat file${about}`);
}
