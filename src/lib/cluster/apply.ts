/**
 * Putting a planned configuration in place: cluster.conf and the O2CB settings written
 * atomically with backups (ctx.changes), o2cb enabled at boot, then the cluster brought up
 * through the service layer — or, when it already runs, the added nodes registered in it
 * (a running cluster is never restarted behind the operator's back).
 */
import { posix } from 'node:path';
import type { Context } from '../command.js';
import { EXIT, OvsError, shown } from '../errors.js';
import { sha256Hex } from '../formats/bundle.js';
import { distributionFamily, installHint } from '../programs.js';
import { enableFailure, enableService, initSystem, serviceInstalled, startInOrder, type InitSystem, type ServiceStep } from '../services/index.js';
import type { ConfigurePlan } from './configure.js';
import { o2cbRegisteredClusters } from './o2cb.js';
import { syncRunningCluster, type OnlineSync } from './online.js';
import { CLUSTER_CONF } from '../system-paths.js';

export interface WrittenFile {
  path: string;
  changed: boolean;
  sha256: string;
}

/** The two files a configuration or an import wrote, as its result reports them (the sums compare across the pool). */
export interface WrittenPaths {
  clusterConfPath: string;
  clusterConfSha256: string;
  o2cbSettingsPath: string;
  o2cbSettingsSha256: string;
}

export interface ApplyResult {
  clusterConf: WrittenFile;
  o2cbSettings: WrittenFile;
  /** o2cb at boot: enabled now, already, planned (dry run), skipped (offline or no tool), failed. */
  enabled: 'enabled' | 'already' | 'planned' | 'skipped (offline)' | 'skipped' | 'failed';
  /** started: o2cb was started now; online: it already ran (nodes registered instead). */
  o2cb: 'started' | 'online' | 'planned' | 'skipped (offline)';
  start?: ServiceStep;
  sync: OnlineSync;
}

/** What must hold before the first write: o2cb installed, no other cluster running here. */
export async function preflight(ctx: Context, plan: ConfigurePlan): Promise<void> {
  if (!(await serviceInstalled(ctx, 'o2cb'))) {
    throw new OvsError(EXIT.UNAVAILABLE, 'the o2cb service is not installed (no /etc/init.d/o2cb)', {
      while: 'checking the O2CB cluster service',
      hint: `${installHint(await distributionFamily(ctx), 'o2cb')}, then run the command again`,
    });
  }
  const stale = (await o2cbRegisteredClusters(ctx)).filter((c) => c !== plan.cluster.name);
  if (stale.length) {
    throw new OvsError(EXIT.CONFIG, `another O2CB cluster '${shown(stale[0])}' is online on this host`, {
      while: `configuring cluster '${shown(plan.cluster.name)}'`,
      hint: `unmount its OCFS2 volumes, take it offline (\`service o2cb offline ${stale[0]}\`), then run the command again`,
    });
  }
}

export async function writeConfiguration(ctx: Context, path: string, text: string): Promise<WrittenFile> {
  await ctx.changes.mkdir(posix.dirname(path));
  // No mode: an existing file keeps its own (docs/design.md, the write path); a new one gets 0644.
  const changed = await ctx.changes.writeFile(path, text);
  return { path, changed, sha256: sha256Hex(text) };
}

/** Enabling at boot is reported, never fatal: the cluster can still be brought up now. */
async function enableAtBoot(ctx: Context, init: InitSystem): Promise<ApplyResult['enabled']> {
  const en = await enableService(ctx, 'o2cb', init);
  if (en.skipped) {
    ctx.report.warn(`cannot enable o2cb at boot: ${en.skipped}`);
    return 'skipped';
  }
  if (!en.changed) return 'already';
  if (en.planned) return 'planned';
  const failed = enableFailure(en);
  if (failed) {
    ctx.report.warn(`${failed}; o2cb may not start at boot`);
    return 'failed';
  }
  return 'enabled';
}

export async function applyConfiguration(ctx: Context, plan: ConfigurePlan): Promise<ApplyResult> {
  await preflight(ctx, plan);
  const clusterConf = await writeConfiguration(ctx, CLUSTER_CONF, plan.clusterConfText);
  const o2cbSettings = await writeConfiguration(ctx, plan.settingsPath, plan.settingsText);
  const init = await initSystem(ctx);
  const enabled = await enableAtBoot(ctx, init);
  const sync = await syncRunningCluster(ctx, plan.cluster, CLUSTER_CONF);
  for (const why of sync.reasons) ctx.report.warn(`${why}: restart o2cb when the cluster can go offline (ovs services restart)`);
  if (sync.online) return { clusterConf, o2cbSettings, enabled, o2cb: 'online', sync };
  const [start] = await startInOrder(ctx, { strict: true, services: ['o2cb'] });
  const o2cb = start?.outcome === 'started' ? 'started' : start?.outcome === 'skipped (offline)' ? 'skipped (offline)' : 'planned';
  if (start?.note) ctx.report.warn(`o2cb: ${start.note}`);
  return { clusterConf, o2cbSettings, enabled, o2cb, ...(start ? { start } : {}), sync };
}
