/**
 * Bringing one repository into this server's layout (ovs-makerepo(8), ovs-repositories(5)), used by
 * `ovs makerepo` and by the ovsrepositories service: mount it at /var/ovs/mount/<UUID>,
 * settle its identity from `.ovsrepo`, create the pool directories, set the links, and for
 * an NFS cluster root make the heartbeat file. Every step is idempotent; everything a step
 * creates is pushed on the Undo so a failure leaves nothing half-made.
 *
 * The UUID is not known for certain until the storage is mounted: an existing `.ovsrepo`
 * on it wins over the OCFS2 volume UUID or a new one (a server joining the pool must use
 * the pool's). So the storage is mounted under its candidate UUID and, when its card names
 * another, unmounted and mounted again under that one (a remount rather than `mount
 * --move`, which the kernel refuses under a shared mount such as systemd's /).
 */
import type { Context } from '../command.js';
import { EXIT, OvsError } from '../errors.js';
import type { MountEntry } from '../formats/proc-mounts.js';
import type { RepositoryEntry, RepositoryInput } from '../formats/repositories.js';
import { ensureHeartbeatFile } from '../ocfs2/heartbeat.js';
import { identityOf, readIdentity, writeIdentity, type UuidOrigin } from './identity.js';
import { MOUNT_BASE, POOL_DIRS, heartbeatPathOf, mountPointOf } from './layout.js';
import { dropOvsLinkTo, linkUnderRoot, pointOvsAt } from './links.js';
import { mountOn, mountRepository, unmountRepository } from './mounts.js';
import { checkUuidFree } from './preflight.js';
import { mkdirTracked, type Undo } from './undo.js';
import { posix } from 'node:path';
import { isoUtc } from '../time.js';

export type MountState = 'mounted' | 'already mounted' | 'planned' | 'left to the service';
export type IdentityState = 'found' | 'written' | 'not read';

export interface AttachRequest {
  /** uuid is the candidate (see identity.ts candidateUuid). */
  entry: RepositoryInput;
  origin: UuidOrigin;
  /** `mount -o` options for its type. */
  options: string;
  /** The registry as it is (for the conflict checks and the other repositories' links). */
  entries: readonly RepositoryEntry[];
  mounts: readonly MountEntry[];
}

export interface AttachResult {
  uuid: string;
  origin: UuidOrigin;
  mountPoint: string;
  mount: MountState;
  identity: IdentityState;
  heartbeat?: 'created' | 'present' | 'planned';
  notes: string[];
}

async function mountAt(ctx: Context, req: AttachRequest, uuid: string, undo: Undo): Promise<MountState> {
  const mp = mountPointOf(uuid);
  if (mountOn(req.mounts, mp)) return 'already mounted';
  await mkdirTracked(ctx, mp, undo);
  const r = await mountRepository(ctx, req.entry.type, req.options, req.entry.source, mp);
  if (r.planned) return ctx.offline ? 'left to the service' : 'planned';
  undo.push(`umount ${mp}`, () => unmountRepository(ctx, mp));
  return 'mounted';
}

function identityConflict(source: string, uuid: string, card: string, origin: UuidOrigin): OvsError {
  const said = origin === 'registry' ? 'is registered under uuid' : 'was asked to be';
  return new OvsError(EXIT.CONFIG, `${source} ${said} ${uuid}, but the .ovsrepo on its storage says ${card}`, {
    while: `adding ${source}`,
    hint: origin === 'registry'
      ? `the pool knows this storage as ${card}: \`ovs offlinerepo -d ${uuid}\`, then \`ovs makerepo\` it again to use ${card}`
      : `leave --uuid out (the storage's own uuid ${card} is used), or give --uuid ${card}`,
  });
}

/** Mount under the candidate, read the card, and move to the card's UUID when it differs. */
async function settleIdentity(ctx: Context, req: AttachRequest, undo: Undo): Promise<Pick<AttachResult, 'uuid' | 'origin' | 'mount' | 'identity'>> {
  let uuid = req.entry.uuid;
  await mkdirTracked(ctx, MOUNT_BASE, undo);
  const attempt = undo.mark();
  let mount = await mountAt(ctx, req, uuid, undo);
  if (mount === 'planned' || mount === 'left to the service') return { uuid, origin: req.origin, mount, identity: 'not read' };
  let card = await readIdentity(ctx, uuid);
  if (card && card.uuid !== uuid) {
    if (req.origin === 'registry' || req.origin === 'requested') throw identityConflict(req.entry.source, uuid, card.uuid, req.origin);
    checkUuidFree(req.entries, card.uuid, req.entry.source, 'the .ovsrepo on its storage says');
    ctx.report.step(`${req.entry.source} belongs to repository ${card.uuid} (its .ovsrepo): mounting it there`);
    await undo.unwindTo(ctx, attempt);
    uuid = card.uuid;
    mount = await mountAt(ctx, req, uuid, undo);
    card = await readIdentity(ctx, uuid);
    if (card?.uuid !== uuid) throw new OvsError(EXIT.CONFIG, `the .ovsrepo of ${req.entry.source} changed while it was being mounted`, { while: `adding ${req.entry.source}`, hint: 'another server may be creating it: run the command again' });
  }
  if (card) return { uuid, origin: req.origin === 'registry' ? 'registry' : 'ovsrepo', mount, identity: 'found' };
  return { uuid, origin: req.origin, mount, identity: 'written' };
}

async function makePoolDirs(ctx: Context, uuid: string, undo: Undo): Promise<void> {
  for (const dir of POOL_DIRS) await mkdirTracked(ctx, posix.join(mountPointOf(uuid), dir), undo);
}

/** Role C: /OVS, the links of the other mounted repositories inside it, and the NFS heartbeat. */
async function setUpRoot(ctx: Context, req: AttachRequest, res: AttachResult, undo: Undo): Promise<void> {
  await pointOvsAt(ctx, res.uuid, undo);
  if (res.mount === 'left to the service') return;
  for (const other of req.entries) {
    if (other.uuid !== res.uuid && other.role !== 'C' && mountOn(req.mounts, mountPointOf(other.uuid))) await linkUnderRoot(ctx, res.uuid, other.uuid, undo);
  }
  if (req.entry.type !== 'nfs') return;
  const hb = await ensureHeartbeatFile(ctx, heartbeatPathOf(res.uuid));
  res.heartbeat = hb.planned ? 'planned' : hb.created ? 'created' : 'present';
  if (hb.created) undo.push(`remove ${hb.path}`, () => ctx.changes.remove(hb.path));
}

/** Any other role: no /OVS pointing here; /OVS/<UUID> inside the cluster root when it is mounted. */
async function setUpMember(ctx: Context, req: AttachRequest, res: AttachResult, undo: Undo): Promise<void> {
  await dropOvsLinkTo(ctx, res.uuid);
  if (res.mount === 'left to the service') return;
  const root = req.entries.find((e) => e.role === 'C' && e.uuid !== res.uuid);
  if (root && mountOn(req.mounts, mountPointOf(root.uuid))) await linkUnderRoot(ctx, root.uuid, res.uuid, undo);
  else if (root) res.notes.push(`/OVS/${res.uuid} will be linked when the cluster root ${root.uuid} is mounted`);
}

/** The whole attach; on failure the caller unwinds `undo`. */
export async function attachRepository(ctx: Context, req: AttachRequest, undo: Undo): Promise<AttachResult> {
  const settled = await settleIdentity(ctx, req, undo);
  const res: AttachResult = { ...settled, mountPoint: mountPointOf(settled.uuid), notes: [] };
  const entry = { ...req.entry, uuid: res.uuid };
  if (res.identity === 'written' || (res.mount === 'planned' && req.origin !== 'registry')) {
    if (await writeIdentity(ctx, identityOf(entry, new Date(ctx.changes.generate('creation time', () => isoUtc(ctx.host.now())))))) undo.push(`remove ${res.mountPoint}/.ovsrepo`, () => ctx.changes.remove(`${res.mountPoint}/.ovsrepo`));
  }
  if (res.mount !== 'left to the service') await makePoolDirs(ctx, res.uuid, undo);
  if (entry.role === 'C') await setUpRoot(ctx, req, res, undo);
  else await setUpMember(ctx, req, res, undo);
  if (res.mount === 'left to the service') res.notes.push(`the mount is left to the ovsrepositories service at boot (it mounts ${entry.source} on ${res.mountPoint})`);
  if (res.mount === 'planned' && req.origin !== 'registry') res.notes.push('dry run: the storage was not mounted, so a .ovsrepo already on it could not be read; it would decide the uuid');
  return res;
}
