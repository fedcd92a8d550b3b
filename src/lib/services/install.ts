/**
 * `ovs services install`: puts the ovsrepositories service in place, live or in an image
 * (--root), from the files this package ships in contrib/: the init script as
 * /etc/init.d/ovsrepositories (it is what SysV boots, and what systemd's sysv generator
 * reads), and on a systemd system also the unit /etc/systemd/system/ovsrepositories.service;
 * then the service is enabled at boot (in the image itself under --root). Idempotent: files
 * already holding these bytes are left alone.
 */
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from '../command.js';
import { EXIT, OvsError } from '../errors.js';
import { exists } from '../files.js';
import { SERVICE_NAME } from '../repos/service.js';
import { enableFailure, enableService, initSystem, type EnableResult } from './manager.js';

export const INIT_SCRIPT = `/etc/init.d/${SERVICE_NAME}`;
export const UNIT_FILE = `/etc/systemd/system/${SERVICE_NAME}.service`;

/** contrib/ of this package: found upwards from this module (src/lib/services, or dist/chunks). */
async function contribDir(ctx: Context): Promise<string> {
  let dir = posix.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++, dir = posix.dirname(dir)) {
    if (await exists(ctx.host.fs, posix.join(dir, 'contrib', `${SERVICE_NAME}.init`))) return posix.join(dir, 'contrib');
  }
  throw new OvsError(EXIT.OSFILE, `contrib/${SERVICE_NAME}.init is missing from the ovs package`, { while: `installing the ${SERVICE_NAME} service`, hint: 'reinstall ovs (the package ships contrib/)' });
}

export interface InstallResult {
  installed: { path: string; changed: boolean }[];
  enabled: 'enabled' | 'already' | 'planned' | 'skipped' | 'failed';
  note?: string;
}

/** Uses systemd: live, the running init; an image, one with /etc/systemd/system. */
async function usesSystemd(ctx: Context): Promise<boolean> {
  return ctx.offline ? exists(ctx.fs, '/etc/systemd/system') : (await initSystem(ctx)) === 'systemd';
}

function enabledState(en: EnableResult): Pick<InstallResult, 'enabled' | 'note'> {
  if (en.skipped) return { enabled: 'skipped', note: en.skipped };
  if (!en.changed) return { enabled: 'already' };
  if (en.planned) return { enabled: 'planned' };
  const failed = enableFailure(en);
  return failed ? { enabled: 'failed', note: failed } : { enabled: 'enabled' };
}

export async function installRepositoriesService(ctx: Context): Promise<InstallResult> {
  const contrib = await contribDir(ctx);
  const files: [string, string, number][] = [[INIT_SCRIPT, `${SERVICE_NAME}.init`, 0o755]];
  if (await usesSystemd(ctx)) files.push([UNIT_FILE, `${SERVICE_NAME}.service`, 0o644]);
  const installed: InstallResult['installed'] = [];
  for (const [path, source, mode] of files) {
    const content = await ctx.host.fs.readFile(posix.join(contrib, source));
    await ctx.changes.mkdir(posix.dirname(path));
    installed.push({ path, changed: await ctx.changes.writeFile(path, content, { mode }) });
  }
  return { installed, ...enabledState(await enableService(ctx, SERVICE_NAME)) };
}
