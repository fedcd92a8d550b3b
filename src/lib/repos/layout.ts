/**
 * Where repositories live on a pool server (ovs-repositories(5), the OVM 2.2 layout): every repository
 * is mounted at /var/ovs/mount/<UUID>; /OVS is a symbolic link to the cluster root's mount
 * point; any other repository is also reachable as /OVS/<UUID>, a link kept inside the
 * cluster root (so every server of the pool sees it); each repository holds the five pool
 * directories; an NFS cluster root holds the heartbeat file `.server_pool_hb`.
 * All paths here are system paths (resolved under --root by ctx.fs).
 */
import { posix } from 'node:path';
import { OVSREPO_FILE } from '../formats/ovsrepo.js';

export const MOUNT_BASE = '/var/ovs/mount';
export const OVS_LINK = '/OVS';
export const HEARTBEAT_FILE = '.server_pool_hb';
export const RUNNING_POOL = 'running_pool';

/** The pool directories every repository holds, in the guide's order of use. */
export const POOL_DIRS: readonly string[] = ['running_pool', 'seed_pool', 'iso_pool', 'publish_pool', 'sharedDisk'];

/** `/var/ovs/mount/<UUID>`. */
export function mountPointOf(uuid: string): string {
  return posix.join(MOUNT_BASE, uuid);
}

/** The repository's identity card on its own storage. */
export function ovsrepoPathOf(uuid: string): string {
  return posix.join(mountPointOf(uuid), OVSREPO_FILE);
}

/** The NFS cluster root's heartbeat file, as mounted on this server. */
export function heartbeatPathOf(rootUuid: string): string {
  return posix.join(mountPointOf(rootUuid), HEARTBEAT_FILE);
}

/**
 * The `/OVS/<UUID>` link of a non-root repository, written where it really lives: inside
 * the cluster root's mount point (writing through /OVS would depend on the link being set).
 */
export function rootLinkOf(rootUuid: string, uuid: string): string {
  return posix.join(mountPointOf(rootUuid), uuid);
}

/** The UUID whose mount point PATH is (`/var/ovs/mount/<UUID>`), else undefined. */
export function uuidOfMountPoint(path: string): string | undefined {
  const m = /^\/var\/ovs\/mount\/([0-9A-F]{32})\/?$/.exec(path.replace(/\/{2,}/g, '/'));
  return m?.[1];
}
