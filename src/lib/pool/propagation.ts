/**
 * `ovs cluster-check --master --propagate` (ovs-cluster-check(8)): the master's cluster.conf and O2CB
 * settings go to every other node of the cluster over SSH, several members at a time, each
 * with its own timeout; a member that fails is reported and the others carry on.
 *
 * Under --dry-run nothing changes anywhere: each member runs the import with its own
 * --dry-run (read-only) and sends back the diff it would apply, and the real ssh commands
 * are recorded in the plan.
 */
import type { Context } from '../command.js';
import { EXIT, OvsError, shown } from '../errors.js';
import { mapLimit } from './concurrency.js';
import { readMasterConfig, type MasterConfig } from './master-config.js';
import { poolMembers, type PoolMember } from './member.js';
import { callMember, type MemberOutcome, type RemoteSettings } from './remote.js';
import { requirePrograms } from '../programs.js';

export interface PoolSettings extends RemoteSettings {
  concurrency: number;
}

export interface PropagationReport {
  cluster: string;
  /** The host that sent (the master). */
  from: string;
  clusterConfSha256: string;
  o2cbSettingsPath: string;
  remoteOvs: string;
  concurrency: number;
  dryRun: boolean;
  members: MemberOutcome[];
  updated: number;
  unchanged: number;
  failed: number;
  durationMs: number;
}

/** Checks that need this host, not the members: ssh present, the identity file readable. */
export async function preflight(ctx: Context, s: PoolSettings): Promise<void> {
  await requirePrograms(ctx, ['ssh'], 'preparing to reach the pool members');
  const identity = s.ssh.identity;
  if (identity !== undefined) {
    const st = await ctx.host.fs.stat(identity).catch(() => undefined);
    if (st?.kind !== 'file') throw new OvsError(EXIT.NOINPUT, `--ssh-identity ${identity}: no such file`, { while: 'preparing to reach the pool members', hint: 'give the private key file the members authorize' });
  }
}

export function summarizeOutcomes(members: readonly MemberOutcome[]): Pick<PropagationReport, 'updated' | 'unchanged' | 'failed'> {
  const count = (r: MemberOutcome['result']) => members.filter((m) => m.result === r).length;
  return { updated: count('updated'), unchanged: count('unchanged'), failed: count('failed') };
}

/** What propagation and --all-nodes both report: who sent what to whom, and how it went. */
export function poolReport(master: MasterConfig, s: PoolSettings, outcomes: MemberOutcome[], durationMs: number) {
  return {
    cluster: master.cluster.name,
    from: master.hostname,
    clusterConfSha256: master.clusterConfSha256,
    o2cbSettingsPath: master.o2cbSettingsPath,
    remoteOvs: s.remoteOvs,
    concurrency: s.concurrency,
    members: outcomes,
    ...summarizeOutcomes(outcomes),
    durationMs,
  };
}

/** Talk to every member, `concurrency` at a time. */
export async function eachMember(
  ctx: Context,
  s: PoolSettings,
  members: readonly PoolMember[],
  what: string,
  call: (m: PoolMember) => Promise<MemberOutcome>,
  label: (o: MemberOutcome) => string,
): Promise<MemberOutcome[]> {
  ctx.report.step(`${what} ${members.length} pool member${members.length === 1 ? '' : 's'} (${Math.min(s.concurrency, members.length)} at a time)`);
  return mapLimit(members, s.concurrency, async (m) => {
    const outcome = await call(m);
    if (outcome.result === 'failed') ctx.report.warn(`${m.name}: failed: ${outcome.reason}`);
    else ctx.report.done(`${m.name}: ${label(outcome)}`);
    return outcome;
  });
}


export async function propagate(ctx: Context, s: PoolSettings): Promise<PropagationReport> {
  const master = await readMasterConfig(ctx);
  if (!master.isNode) {
    throw new OvsError(EXIT.CONFIG, `this host (${master.hostname}) is not a node of cluster '${shown(master.cluster.name)}'`, {
      while: 'propagating the cluster configuration',
      hint: 'propagate from the pool master, which must be one of the nodes in /etc/ocfs2/cluster.conf',
    });
  }
  await preflight(ctx, s);
  const started = ctx.host.now().getTime();
  const members = poolMembers(master.cluster, master.hostname);
  // A dry run's import is only planned: callMember then asks the member what it would change.
  const dry = ctx.changes.planning === 'dry-run';
  const label = (o: MemberOutcome) => (dry && o.result === 'updated' ? 'would update' : o.result);
  const outcomes = await eachMember(ctx, s, members, dry ? 'planning for' : 'propagating to', (m) => callMember(ctx, s, m, master.bundle, master.clusterConfSha256, 'import'), label);
  return { ...poolReport(master, s, outcomes, ctx.host.now().getTime() - started), dryRun: dry };
}
