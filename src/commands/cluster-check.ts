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
import { applyFstabMigration, planFstabMigration, type FstabMigrationResult } from '../lib/repos/alter-fstab.js';
import { renderResults, renderSummary, runChecks, summarize, type CheckResult, type CheckRunOptions, type CheckSummary } from '../lib/checks/index.js';
import { prepareMaster, renderMaster, type MasterResult } from '../lib/checks/master.js';
import { renderFstabMigration } from '../lib/checks/report.js';
import { defineCommand, type Context } from '../lib/command.js';
import { Option } from 'commander';
import { EXIT } from '../lib/errors.js';
import { compareAllNodes, type AllNodesReport } from '../lib/pool/all-nodes.js';
import { definePoolOptions, parsePoolOptions, type PoolOptions } from '../lib/pool/options.js';
import { propagate, type PropagationReport } from '../lib/pool/propagation.js';
import { propagationExit, renderPropagation } from '../lib/pool/report.js';

export interface ClusterCheckOptions {
  /** This is the pool master: also make the cluster root usable by the whole pool. */
  master: boolean;
  /** Move /OVS out of /etc/fstab into /etc/ovs/repositories first. */
  alterFstab: boolean;
  /** --propagate, --all-nodes and how to reach the pool members (src/lib/pool/). */
  pool: PoolOptions;
  /** Which findings make the exit status 1 (--fail-on). */
  failOn: FailOn;
}

/**
 * --fail-on: `fail` (default) exits 1 on a FAIL, `warn` also on a WARN, `never` leaves the
 * exit status to the actions, so a `set -e` kickstart can run `--alter-fstab` on a fresh
 * server whose other checks cannot pass yet. A failed action is an error whatever this says.
 */
export const FAIL_ON = ['never', 'warn', 'fail'] as const;
export type FailOn = (typeof FAIL_ON)[number];

export interface ClusterCheckResult {
  fstab?: FstabMigrationResult;
  master?: MasterResult;
  propagation?: PropagationReport;
  allNodes?: AllNodesReport;
  checks: CheckResult[];
  summary: CheckSummary;
  failOn: FailOn;
}

function findingsExit(r: ClusterCheckResult): number {
  const found = r.failOn === 'never' ? 0 : r.summary.fail + (r.failOn === 'warn' ? r.summary.warn : 0);
  return found > 0 || (r.propagation && propagationExit(r.propagation)) ? EXIT.FINDINGS : EXIT.OK;
}

async function alterFstab(ctx: Context): Promise<FstabMigrationResult> {
  const plan = await planFstabMigration(ctx);
  return applyFstabMigration(ctx, plan);
}

/** A dry run of --master planned the heartbeat file: the check reports the plan, not the absence. */
function checkOptions(master: MasterResult | undefined): CheckRunOptions {
  return master?.heartbeat.action === 'planned' && master.heartbeat.path ? { plannedHeartbeat: master.heartbeat.path } : {};
}

export default defineCommand<ClusterCheckOptions, ClusterCheckResult>({
  name: 'cluster-check',
  summary: 'Check every HA prerequisite of the pool (--alter-fstab moves /OVS out of fstab)',
  // A plain check reads only: it runs beside another ovs run instead of waiting for its lock.
  lock: (o) => o.master || o.alterFstab || o.pool.propagate,
  live: (o) => (o.pool.propagate ? '--propagate' : o.pool.allNodes ? '--all-nodes' : undefined),
  define: (cmd) =>
    definePoolOptions(
      cmd
        .option('--master', 'on the pool master: also make the cluster root usable by the whole pool (creates a missing NFS heartbeat file)')
        .option('--alter-fstab', 'move every /OVS line of /etc/fstab into /etc/ovs/repositories (backed up, commented out)')
        .addOption(new Option('--fail-on <level>', 'which findings exit 1: fail, also warn, or never (scripts that run the actions)').choices(FAIL_ON).default('fail')),
    ),
  options: (_args, flags) => ({
    master: Boolean(flags.master),
    alterFstab: Boolean(flags.alterFstab),
    pool: parsePoolOptions(flags, Boolean(flags.master)),
    failOn: flags.failOn as FailOn,
  }),
  async run(ctx, o) {
    const fstab = o.alterFstab ? await alterFstab(ctx) : undefined;
    const master = o.master ? await prepareMaster(ctx) : undefined;
    const propagation = o.pool.propagate ? await propagate(ctx, o.pool.settings) : undefined;
    const checks = await runChecks(ctx, checkOptions(master));
    const allNodes = o.pool.allNodes ? await compareAllNodes(ctx, o.pool.settings) : undefined;
    checks.push(...(allNodes?.checks ?? []));
    return { ...(fstab ? { fstab } : {}), ...(master ? { master } : {}), ...(propagation ? { propagation } : {}), ...(allNodes ? { allNodes } : {}), checks, summary: summarize(checks), failOn: o.failOn };
  },
  human: (r) => [
    ...(r.fstab ? renderFstabMigration(r.fstab) : []),
    ...(r.master ? renderMaster(r.master) : []),
    ...renderResults(r.checks),
    renderSummary(r.summary),
    ...(r.propagation ? ['', ...renderPropagation(r.propagation)] : []),
  ],
  exitCode: findingsExit,
});
