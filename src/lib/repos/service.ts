/**
 * The ovsrepositories service (ovs-repositories(8)): `start` mounts every entry of
 * /etc/ovs/repositories, cluster root first, and sets /OVS; `stop` unmounts them in reverse;
 * `status` lists each with its mount state; `reload` unmounts what is no longer registered
 * and mounts what is new. It runs after o2cb and ocfs2 (OCFS2 repositories need the cluster)
 * and before ovs-agent (which needs the repositories). One repository failing does not stop
 * the others; the command then exits 69 and says which.
 */
import type { Context } from '../command.js';
import { OvsError, orExpected } from '../errors.js';
import type { MountEntry } from '../formats/proc-mounts.js';
import { mountOptionsFor } from '../formats/repositories-options.js';
import type { RepositoryEntry } from '../formats/repositories.js';
import { enableFailure, enableService, initSystem, serviceEnabled, serviceInstalled } from '../services/index.js';
import { attachRepository } from './attach.js';
import { detachRepository } from './detach.js';
import { mountPointOf, uuidOfMountPoint } from './layout.js';
import { ovsLinkState } from './links.js';
import { mountOn, readMounts } from './mounts.js';
import { checkO2cbOnline } from './preflight.js';
import { mountOrder, readRegistry, readRepositoryOptions } from './registry.js';
import { Undo } from './undo.js';

export const SERVICE_NAME = 'ovsrepositories';

export type Outcome = 'mounted' | 'already mounted' | 'planned' | 'unmounted' | 'not mounted' | 'failed';

/** A repository as every listing names it (a stray mount's role is '-'). */
export interface RepoRow {
  uuid: string;
  type: string;
  role: string;
  source: string;
}

export interface RepoOutcome extends RepoRow {
  outcome: Outcome;
  error?: string;
  hint?: string;
}

export interface RepoStatus extends RepoRow {
  description: string;
  mountPoint: string;
  /** undefined under --root: the image has no live mounts to ask. */
  mounted?: boolean;
}


function row(e: RepoRow, outcome: Outcome, err?: OvsError): RepoOutcome {
  const r: RepoOutcome = { uuid: e.uuid, type: e.type, role: e.role, source: e.source, outcome };
  if (err) Object.assign(r, { error: err.text }, err.hint ? { hint: err.hint } : {});
  return r;
}

/** Run one repository's step; an expected failure becomes its row, not the end of the run. */
async function guarded(e: RepoRow, fn: () => Promise<Outcome>): Promise<RepoOutcome> {
  return orExpected(async () => row(e, await fn()), (err) => row(e, 'failed', err));
}

/** A mount this run made, so the repositories after it see it (the root, for their links). */
const made = (mp: string): MountEntry => ({ line: 0, source: '', target: mp, fstype: '', options: '' });

export async function startRepositories(ctx: Context): Promise<RepoOutcome[]> {
  const { entries } = await readRegistry(ctx);
  const options = await readRepositoryOptions(ctx);
  const mounts = [...(await readMounts(ctx))];
  const out: RepoOutcome[] = [];
  for (const entry of mountOrder(entries)) {
    out.push(
      await guarded(entry, async () => {
        if (entry.type === 'ocfs2' && !mountOn(mounts, mountPointOf(entry.uuid))) await checkO2cbOnline(ctx);
        const undo = new Undo();
        try {
          const req = { entry, origin: 'registry' as const, options: mountOptionsFor(options, entry.type), entries, mounts };
          const res = await attachRepository(ctx, req, undo);
          if (res.mount === 'mounted' || res.mount === 'planned') mounts.push(made(res.mountPoint));
          return res.mount === 'left to the service' ? 'planned' : res.mount;
        } catch (err) {
          await undo.unwind(ctx);
          throw err;
        }
      }),
    );
  }
  return out;
}

/** Unmount each in the order given; a failure is its row, and the next one is still tried. */
async function detachEach(ctx: Context, rows: readonly RepoRow[], mounts: readonly MountEntry[]): Promise<RepoOutcome[]> {
  const out: RepoOutcome[] = [];
  for (const r of rows) out.push(await guarded(r, async () => (await detachRepository(ctx, r, mounts)).unmount));
  return out;
}

export async function stopRepositories(ctx: Context): Promise<RepoOutcome[]> {
  const { entries } = await readRegistry(ctx);
  return detachEach(ctx, mountOrder(entries).reverse(), await readMounts(ctx));
}

/** Mounts under /var/ovs/mount/<UUID> whose UUID is no longer registered. */
export function strayMounts(mounts: readonly MountEntry[], entries: readonly RepositoryEntry[]): { uuid: string; source: string; type: string }[] {
  const known = new Set(entries.map((e) => e.uuid));
  const out: { uuid: string; source: string; type: string }[] = [];
  for (const m of mounts) {
    const uuid = uuidOfMountPoint(m.target);
    if (uuid && !known.has(uuid) && !out.some((o) => o.uuid === uuid)) out.push({ uuid, source: m.source, type: m.fstype });
  }
  return out;
}

export async function reloadRepositories(ctx: Context): Promise<RepoOutcome[]> {
  const { entries } = await readRegistry(ctx);
  const mounts = await readMounts(ctx);
  const strays = strayMounts(mounts, entries).map((stray) => ({ ...stray, role: '-' }));
  return [...(await detachEach(ctx, strays, mounts)), ...(await startRepositories(ctx))];
}

export async function repositoriesStatus(ctx: Context): Promise<{ repositories: RepoStatus[]; ovsLink?: string }> {
  const { entries } = await readRegistry(ctx);
  const mounts = await readMounts(ctx);
  const repositories = mountOrder(entries).map((e): RepoStatus => {
    const s: RepoStatus = { uuid: e.uuid, type: e.type, role: e.role, source: e.source, description: e.description, mountPoint: mountPointOf(e.uuid) };
    if (!ctx.offline) s.mounted = mountOn(mounts, s.mountPoint) !== undefined;
    return s;
  });
  const link = await ovsLinkState(ctx);
  return link.kind === 'link' ? { repositories, ovsLink: link.target } : { repositories };
}

/** The one line makerepo and cluster-check give when nothing would mount the repositories at boot. */
export const NOT_INSTALLED_NOTE = `the ${SERVICE_NAME} service is not installed, so nothing mounts the repositories at boot: ovs services install`;

/**
 * Makes sure the repositories are mounted at the next boot, or says why they would not be.
 * Under --root the service is enabled in the image (as cluster-configure enables o2cb), so a
 * kickstart's image boots with /OVS mounted; live the note says how (the operator decides).
 */
export async function ensureServiceAtBoot(ctx: Context): Promise<string | undefined> {
  const init = await initSystem(ctx);
  if (!(await serviceInstalled(ctx, SERVICE_NAME, init))) return NOT_INSTALLED_NOTE;
  if (ctx.offline) {
    const en = await enableService(ctx, SERVICE_NAME, init);
    const why = en.skipped ?? enableFailure(en);
    return why ? `the ${SERVICE_NAME} service could not be enabled at boot in the image: ${why}` : undefined;
  }
  if (!(await serviceEnabled(ctx, SERVICE_NAME, init))) {
    return `the ${SERVICE_NAME} service is not enabled at boot: ${init === 'systemd' ? `systemctl enable ${SERVICE_NAME}` : `chkconfig ${SERVICE_NAME} on (update-rc.d ${SERVICE_NAME} defaults on Debian)`}`;
  }
  return undefined;
}
