/**
 * `ovs cluster-check [--master] [--alter-fstab]` — the guide's
 * `/usr/lib/ovs/ovs-cluster-check`: "check the cluster has been configured correctly and is
 * running", plus the Manager's "Check" button. Actions first (each validated before its
 * first change), then every check, so the report describes the server as the actions left
 * it (in a dry run: as they would leave it). Exit 1 when any check fails.
 *
 * Shape for extension (--propagate and --all-nodes are added by the propagation work): the
 * options are parsed into ClusterCheckOptions, run() is a list of small steps, and the
 * checks live in src/lib/checks/.
 */
import { applyFstabMigration, planFstabMigration, type FstabMigrationResult } from '../lib/checks/alter-fstab.js';
import { renderResults, renderSummary, runChecks, summarize, type CheckResult, type CheckSummary } from '../lib/checks/index.js';
import { defineCommand, type Context } from '../lib/command.js';
import { EXIT } from '../lib/errors.js';
import { renderFstabMigration } from '../lib/checks/report.js';

export interface ClusterCheckOptions {
  /** This is the pool master: also make the cluster root usable by the whole pool. */
  master: boolean;
  /** Move /OVS out of /etc/fstab into /etc/ovs/repositories first. */
  alterFstab: boolean;
}

export interface ClusterCheckResult {
  fstab?: FstabMigrationResult;
  checks: CheckResult[];
  summary: CheckSummary;
}

async function alterFstab(ctx: Context): Promise<FstabMigrationResult> {
  const plan = await planFstabMigration(ctx);
  return applyFstabMigration(ctx, plan);
}

export default defineCommand<ClusterCheckOptions, ClusterCheckResult>({
  name: 'cluster-check',
  summary: 'Check every HA prerequisite of the pool (--alter-fstab moves /OVS out of fstab)',
  define: (cmd) =>
    cmd
      .option('--master', 'on the pool master: also make the cluster root usable by the whole pool (creates a missing NFS heartbeat file)')
      .option('--alter-fstab', 'move every /OVS line of /etc/fstab into /etc/ovs/repositories (backed up, commented out)'),
  options: (_args, flags) => ({ master: Boolean(flags.master), alterFstab: Boolean(flags.alterFstab) }),
  async run(ctx, o) {
    const fstab = o.alterFstab ? await alterFstab(ctx) : undefined;
    const checks = await runChecks(ctx, { master: o.master });
    return { ...(fstab ? { fstab } : {}), checks, summary: summarize(checks) };
  },
  human: (r) => [...(r.fstab ? renderFstabMigration(r.fstab) : []), ...renderResults(r.checks), renderSummary(r.summary)],
  exitCode: (r) => (r.summary.fail > 0 ? EXIT.FINDINGS : EXIT.OK),
});
