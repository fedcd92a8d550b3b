/**
 * What makes two pool servers one pool beyond cluster.conf: the same cluster root (the
 * registry's UUID, type and source, and, where it is mounted, the same volume: an OCFS2
 * volume's UUID and size, or an NFS export holding the same `.ovsrepo` and heartbeat file)
 * and the same O2CB timeouts (nodes whose timeouts differ refuse each other). Read-only:
 * each member reports its own (`ovs --json pool-identity`), the master compares.
 */
import type { Context } from '../command.js';
import { inspectDevice } from '../block/device.js';
import { readO2cbSettingsFile } from '../cluster/settings-file.js';
import { EXIT, OvsError, orExpected } from '../errors.js';
import { clusterRoot } from '../formats/repositories.js';
import { HEARTBEAT_DEFAULTS, inspectHeartbeat } from '../ocfs2/heartbeat.js';
import { readVolume } from '../ocfs2/volume.js';
import { readIdentity } from '../repos/identity.js';
import { heartbeatPathOf, mountPointOf } from '../repos/layout.js';
import { mountOn, readMounts } from '../repos/mounts.js';
import { readRegistry } from '../repos/registry.js';

export const TIMEOUT_KEYS = ['O2CB_HEARTBEAT_THRESHOLD', 'O2CB_IDLE_TIMEOUT_MS', 'O2CB_KEEPALIVE_DELAY_MS', 'O2CB_RECONNECT_DELAY_MS'] as const;
export type Timeouts = Record<(typeof TIMEOUT_KEYS)[number], string>;

export type VolumeIdentity = { kind: 'ocfs2'; device: string; uuid?: string; size?: number } | { kind: 'nfs'; export: string; ovsrepoUuid?: string; heartbeatUuid?: string };

export interface PoolIdentity {
  hostname: string;
  clusterRoot?: { uuid: string; type: string; source: string };
  /** Only when the cluster root is mounted here. */
  volume?: VolumeIdentity;
  timeouts: Timeouts;
  /** Asked with --disk WWID: this server's disk with that WWID, if any. */
  disk?: { wwid: string; device?: string; size?: number };
}

/** An answer that cannot be read: a blank rather than a wrong value (compared as "unknown"). */
const optional = <T>(f: () => Promise<T | undefined>): Promise<T | undefined> => orExpected(f, () => undefined);

async function volumeOf(ctx: Context, root: NonNullable<PoolIdentity['clusterRoot']>): Promise<VolumeIdentity | undefined> {
  const mounted = mountOn((await optional(() => readMounts(ctx))) ?? [], mountPointOf(root.uuid));
  if (!mounted) return undefined;
  if (root.type === 'nfs') {
    const [repo, hb] = await Promise.all([optional(() => readIdentity(ctx, root.uuid)), optional(() => inspectHeartbeat(ctx, heartbeatPathOf(root.uuid), { label: HEARTBEAT_DEFAULTS.label }))]);
    return { kind: 'nfs', export: mounted.source, ...(repo ? { ovsrepoUuid: repo.uuid } : {}), ...(hb?.info ? { heartbeatUuid: hb.info.uuid } : {}) };
  }
  const device = mounted.source;
  const [vol, dev] = await Promise.all([optional(() => readVolume(ctx, device)), optional(() => inspectDevice(ctx, device))]);
  return { kind: 'ocfs2', device, ...(vol ? { uuid: vol.uuid } : {}), ...(dev ? { size: dev.size } : {}) };
}

export async function localIdentity(ctx: Context): Promise<PoolIdentity> {
  if (ctx.offline) throw new OvsError(EXIT.USAGE, 'the pool identity is the running server\'s and cannot be read under --root', { hint: 'run it on the server itself' });
  const hostname = await ctx.host.hostname();
  const root = clusterRoot((await readRegistry(ctx)).doc);
  const effective = (await readO2cbSettingsFile(ctx)).effective;
  const timeouts = Object.fromEntries(TIMEOUT_KEYS.map((k) => [k, effective[k]])) as Timeouts;
  if (!root) return { hostname, timeouts };
  const clusterRootId = { uuid: root.uuid, type: root.type, source: root.source };
  const volume = await volumeOf(ctx, clusterRootId);
  return { hostname, clusterRoot: clusterRootId, ...(volume ? { volume } : {}), timeouts };
}
