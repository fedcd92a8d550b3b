/**
 * A repository's identity: its UUID, and the `.ovsrepo` card (ours, ovs-repositories(5)) that carries
 * it on the storage itself so every server of the pool mounts the same storage under the
 * same /var/ovs/mount/<UUID>. The card is written once, by the server that creates the
 * repository; a server that adds the same storage later reads it and never rewrites it.
 */
import type { Context } from '../command.js';
import { OVSREPO_VERSION, parseOvsRepo, serializeOvsRepo, type OvsRepoInfo } from '../formats/ovsrepo.js';
import type { RepositoryInput } from '../formats/repositories.js';
import { ovsrepoPathOf } from './layout.js';
import { readSystemFile } from '../system-file.js';
import { isoUtc } from '../time.js';

/**
 * Where a repository's UUID came from, most authoritative first: the registry's entry for the
 * source, --uuid, the storage's .ovsrepo, a 2.1 mount point /OVS/<UUID>, the OCFS2 volume's
 * UUID, a new one. makerepo and the fstab migration both choose with candidateUuid().
 */
export type UuidOrigin = 'registry' | 'requested' | 'ovsrepo' | 'mount-point' | 'volume' | 'new';

/** 32 upper-case hex digits from the host's random source. */
export function newUuid(ctx: Context): string {
  return ctx.changes.generate('repository uuid', () => ctx.host.randomHex(16).toUpperCase());
}

export interface KnownUuids {
  registered?: string | undefined;
  requested?: string | undefined;
  ovsrepo?: string | undefined;
  mountPoint?: string | undefined;
  volume?: string | undefined;
}

/**
 * The one rule for a repository's UUID: the first of what is known, in UuidOrigin's order,
 * else a new one. makerepo decides before the storage is mounted (no .ovsrepo yet: one found
 * once mounted overrides a volume's or a new UUID, see attach.ts).
 */
export function candidateUuid(known: KnownUuids, fresh: () => string): { uuid: string; origin: UuidOrigin } {
  if (known.registered) return { uuid: known.registered, origin: 'registry' };
  if (known.requested) return { uuid: known.requested, origin: 'requested' };
  if (known.ovsrepo) return { uuid: known.ovsrepo, origin: 'ovsrepo' };
  if (known.mountPoint) return { uuid: known.mountPoint, origin: 'mount-point' };
  if (known.volume) return { uuid: known.volume, origin: 'volume' };
  return { uuid: fresh(), origin: 'new' };
}

/** The card on a mounted repository; undefined when there is none. Unreadable is exit 72. */
export async function readIdentity(ctx: Context, uuid: string): Promise<OvsRepoInfo | undefined> {
  const path = ovsrepoPathOf(uuid);
  return readSystemFile(ctx, path, parseOvsRepo, {
    doing: 'reading the repository identity on the storage',
    hint: `correct ${path} (format: ovs-repositories(5)); remove it only if this storage is not in use by another server`,
  });
}

/** The .ovsrepo card of a new repository. */
export function identityOf(entry: RepositoryInput, created: Date): OvsRepoInfo {
  return { ...entry, version: OVSREPO_VERSION, created: isoUtc(created, false) };
}

/** Write the card (0644); true when it was written. */
export async function writeIdentity(ctx: Context, info: OvsRepoInfo): Promise<boolean> {
  return ctx.changes.writeFile(ovsrepoPathOf(info.uuid), serializeOvsRepo(info), { mode: 0o644 });
}
