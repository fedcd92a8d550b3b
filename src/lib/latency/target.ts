/**
 * Where `ovs hb-latency` measures: the PATH given, or the storage that holds this pool's
 * heartbeat. An NFS cluster root heartbeats in its `.server_pool_hb` file, so the latency
 * that matters is a direct write next to it (a scratch file in its directory, never the
 * heartbeat file itself). An OCFS2 cluster root heartbeats inside its own device, where
 * ovs never writes: direct reads of the device stand in for it.
 */
import type { Context } from '../command.js';
import { EXIT, OvsError } from '../errors.js';
import { statOrUndefined } from '../files.js';
import { clusterRoot } from '../formats/repositories.js';
import { mountPointOf } from '../repos/layout.js';
import { REPOSITORIES_FILE } from '../system-paths.js';
import { mountOn, readMounts } from '../repos/mounts.js';
import { readRegistry } from '../repos/registry.js';
import type { IoKind } from './ioping.js';

export interface LatencyTarget {
  path: string;
  io: IoKind;
  /** Why this path: `given`, or which cluster root it belongs to. */
  origin: string;
}

const DOING = 'choosing the storage to measure';

/** A path the user named: a directory (scratch-file writes) or a block device (reads). */
export async function givenTarget(ctx: Context, path: string): Promise<LatencyTarget> {
  const st = await statOrUndefined(ctx.host.fs, path);
  if (!st) throw new OvsError(EXIT.NOINPUT, `${path} does not exist`, { while: DOING, hint: 'give the directory that holds the heartbeat file, or the OCFS2 block device' });
  if (st.kind === 'dir') return { path, io: 'write', origin: 'given' };
  if (st.kind === 'block') return { path, io: 'read', origin: 'given' };
  throw new OvsError(EXIT.DATAERR, `${path} is not a directory or a block device (ovs never writes into an existing file: it may be a live heartbeat region)`, {
    while: DOING,
    hint: 'give its directory (the writes go to a scratch file there) or the block device (read only)',
  });
}

/** The cluster root's heartbeat storage, from /etc/ovs/repositories and the mount table. */
export async function clusterRootTarget(ctx: Context): Promise<LatencyTarget> {
  const root = clusterRoot((await readRegistry(ctx)).doc);
  if (!root) {
    throw new OvsError(EXIT.CONFIG, `no cluster root in ${REPOSITORIES_FILE}`, { while: DOING, hint: 'give the PATH to measure, or register the cluster root first (ovs makerepo SOURCE C "cluster root")' });
  }
  const dir = mountPointOf(root.uuid);
  const mounted = mountOn(await readMounts(ctx), dir);
  if (root.type === 'nfs') {
    if (!mounted) throw new OvsError(EXIT.NOINPUT, `the NFS cluster root ${root.source} is not mounted on ${dir}`, { while: DOING, hint: 'mount it: ovs repositories start' });
    return { path: dir, io: 'write', origin: `the NFS cluster root ${root.source} (heartbeat file's directory)` };
  }
  const device = mounted?.source ?? root.source;
  if ((await statOrUndefined(ctx.host.fs, device))?.kind !== 'block') {
    throw new OvsError(EXIT.NOINPUT, `the OCFS2 cluster root's device ${device} is not a block device on this server`, { while: DOING, hint: 'log in to the storage (ovs iscsi-prep) or give the device as PATH' });
  }
  return { path: device, io: 'read', origin: `the OCFS2 cluster root ${root.uuid} (its device, read only)` };
}
