/**
 * Repositories (ovs-repositories(5), ovs-makerepo(8)): the layout, the registry, mounts, identity, and the
 * attach/detach steps shared by `ovs makerepo`, `ovs offlinerepo` and the ovsrepositories
 * service. `ovs cluster-check` reuses the layout and isRepositoryMounted.
 */
export * from './layout.js';
export { isRepositoryMounted, mountArgv, mountOn, readMounts, umountArgv } from './mounts.js';
export { mountOrder, readRegistry, readRepositoryOptions, writeRegistry, type Registry } from './registry.js';
export { readIdentity, type UuidOrigin } from './identity.js';
export { runningGuests, type GuestUse } from './guests.js';
export { ovsLinkState, type OvsLinkState } from './links.js';
export { SERVICE_NAME, repositoriesStatus } from './service.js';
