/**
 * The iSCSI initiator on this machine: is it installed (guide step 1), and which service
 * is "the iSCSI service" the guide starts (step 2) and restarts (step 7).
 *
 * Oracle VM Server and RHEL ship iscsi-initiator-utils with an `iscsi` service that starts
 * iscsid and logs in to every record with node.startup = automatic: the guide's
 * `service iscsi start`. Debian and Ubuntu ship open-iscsi with two: `iscsid`, the daemon,
 * and `open-iscsi`, which logs in to the automatic records. So the service to start is
 * `iscsi` where it exists, else `iscsid`; the one to restart is `iscsi`, else `open-iscsi`.
 * The package to name when iscsiadm is missing follows the distribution (programs.ts).
 */
import type { Context } from '../command.js';
import { EXIT, OvsError } from '../errors.js';
import { distributionFamily, installHint, requirePrograms } from '../programs.js';
import { serviceInstalled, serviceStatus, startService } from '../services/index.js';
import { saidBy } from '../program-output.js';

/** Preflight: iscsiadm present, else the package to install here (69). */
export async function requireInitiator(ctx: Context): Promise<void> {
  await requirePrograms(ctx, ['iscsiadm'], 'checking for the iSCSI initiator');
}

export interface IscsiServices {
  /** Started before discovery (guide step 2). */
  start: string;
  /** Restarted to log in, with --restart-service (guide step 7). */
  restart: string;
}

export async function findIscsiServices(ctx: Context): Promise<IscsiServices> {
  const installed = (name: string) => serviceInstalled(ctx, name);
  if (await installed('iscsi')) return { start: 'iscsi', restart: 'iscsi' };
  const daemon = (await installed('iscsid')) ? 'iscsid' : undefined;
  const login = (await installed('open-iscsi')) ? 'open-iscsi' : undefined;
  if (daemon || login) return { start: daemon ?? login ?? '', restart: login ?? daemon ?? '' };
  throw new OvsError(EXIT.UNAVAILABLE, 'no iSCSI service is installed (iscsi, iscsid or open-iscsi)', {
    while: 'looking for the iSCSI service',
    hint: installHint(await distributionFamily(ctx), 'iscsiadm'),
  });
}

export interface ServiceOutcome {
  name: string;
  state: 'running' | 'started' | 'planned' | 'failed';
  /** The last line the failed start printed. */
  detail?: string;
}

/**
 * Start the iSCSI service unless it runs. A failed start is a warning, not the end: iscsiadm
 * starts iscsid by itself when it needs it (iscsid.startup), discovery may work without it,
 * and the login step reports exactly when the daemon is missing.
 */
export async function ensureServiceRunning(ctx: Context, name: string): Promise<ServiceOutcome> {
  if ((await serviceStatus(ctx, name)).state === 'running') return { name, state: 'running' };
  const r = await startService(ctx, name);
  if (r.planned) return { name, state: 'planned' };
  if (r.exitCode === 0) return { name, state: 'started' };
  const detail = saidBy(r);
  ctx.report.warn(`the iSCSI service ${name} did not start${detail ? ` (${detail})` : ''}; continuing, the login step needs it`);
  return { name, state: 'failed', ...(detail ? { detail } : {}) };
}
