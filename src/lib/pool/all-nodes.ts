/**
 * `ovs cluster-check --all-nodes`: is every node of the cluster running on the same
 * cluster.conf and O2CB settings as this host? Each member is asked, read-only over SSH,
 * what `--import` of this host's configuration would change there (the member's own
 * --dry-run: see remote.ts). A member "differs" exactly when a propagation would change it,
 * so cluster.conf is compared byte for byte and the O2CB settings by their values (a comment
 * or a quoting style of its own does not make a member differ). Then every member that
 * answered is asked its cluster root and O2CB timeouts (same-root.ts).
 */
import type { CheckResult } from '../checks/check.js';
import { fail, pass, skip } from '../checks/check.js';
import type { Context } from '../command.js';
import { mapLimit } from './concurrency.js';
import { localIdentity } from './identity.js';
import { readMasterConfig } from './master-config.js';
import { poolMembers } from './member.js';
import { eachMember, poolReport, preflight, type PoolSettings, type PropagationReport } from './propagation.js';
import { callMember, type MemberOutcome } from './remote.js';
import { fetchIdentity, identityChecks } from './same-root.js';

export const ALL_NODES_CHECK = 'pool.same-config';

export interface AllNodesReport extends Omit<PropagationReport, 'dryRun'> {
  checks: CheckResult[];
}

function checkOf(m: MemberOutcome, from: string): CheckResult {
  const id = `${ALL_NODES_CHECK}:${m.node}`;
  if (m.result === 'unchanged') return pass(id, `${m.node} holds the same cluster.conf and O2CB settings as ${from}`);
  if (m.result === 'updated') {
    return fail(id, `${m.node} differs from ${from}: ${(m.files ?? []).join(', ') || 'its configuration'}`, `propagate from the pool master: ovs cluster-check --master --propagate (--dry-run shows the diff)`);
  }
  return fail(id, `${m.node} could not be compared: ${m.reason}`, `${m.hint ? `${m.hint}; ` : ''}reproduce with: ${m.command}`);
}

export async function compareAllNodes(ctx: Context, s: PoolSettings): Promise<AllNodesReport> {
  const master = await readMasterConfig(ctx);
  await preflight(ctx, s);
  const started = ctx.host.now().getTime();
  const members = poolMembers(master.cluster, master.hostname);
  const outcomes = await eachMember(ctx, s, members, 'comparing with', (m) => callMember(ctx, s, m, master.bundle, master.clusterConfSha256, 'plan'), (o) =>
    o.result === 'updated' ? 'differs' : 'same configuration',
  );
  // Then the cluster root and the O2CB timeouts, from every member that answered.
  const here = await localIdentity(ctx);
  const identities = await mapLimit(outcomes, s.concurrency, async (o) => {
    const m = members.find((x) => x.name === o.node) as (typeof members)[number];
    return identityChecks(here, o.node, o.result === 'failed' ? undefined : await fetchIdentity(ctx, s, m));
  });
  return {
    ...poolReport(master, s, outcomes, ctx.host.now().getTime() - started),
    checks: outcomes.length ? [...outcomes.map((m) => checkOf(m, master.hostname)), ...identities.flat()] : [skip(ALL_NODES_CHECK, `no node other than ${master.hostname} in cluster.conf`)],
  };
}
