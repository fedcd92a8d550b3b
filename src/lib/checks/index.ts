/**
 * The checks of `ovs cluster-check`, in the order an operator fixes things: names first
 * (everything else depends on them), then the O2CB cluster and its network (o2net), the
 * storage layout, fstab, the heartbeat file and its storage's latency, and the programs. Each group lives in its own module, named after the guide's
 * nouns; this list is the only place that knows the order.
 */
import type { Context } from '../command.js';
import type { CheckResult } from './check.js';
import { clusterConfChecks } from './cluster-conf.js';
import { gatherFacts, type Facts } from './facts.js';
import { checkFstab } from './fstab.js';
import { checkHeartbeat } from './heartbeat.js';
import { checkLatency } from './latency.js';
import { checkHostnameAddress, checkHostnameFqdn, checkHostsFile, checkNames } from './names.js';
import { o2cbChecks } from './o2cb.js';
import { o2netChecks } from './o2net.js';
import { programChecks } from './programs.js';
import { repositoryChecks } from './repositories.js';

export interface CheckRunOptions {
  /** A dry run of --master planned to create this heartbeat file. */
  plannedHeartbeat?: string;
}

type CheckGroup = (ctx: Context, f: Facts, o: CheckRunOptions) => CheckResult | CheckResult[] | Promise<CheckResult | CheckResult[]>;

export const CHECK_GROUPS: readonly CheckGroup[] = [
  (_ctx, f) => checkHostnameFqdn(f),
  (ctx, f) => checkHostnameAddress(ctx, f),
  (_ctx, f) => checkHostsFile(f),
  (_ctx, f) => clusterConfChecks(f),
  (ctx, f) => checkNames(ctx, f),
  (ctx, f) => o2cbChecks(ctx, f),
  (ctx, f) => o2netChecks(ctx, f),
  (ctx, f) => repositoryChecks(ctx, f),
  (_ctx, f) => checkFstab(f),
  (ctx, f, o) => checkHeartbeat(ctx, f, o.plannedHeartbeat ? { plannedBy: 'cluster-check --master' } : {}),
  (ctx) => checkLatency(ctx),
  (ctx, f) => programChecks(ctx, f),
];

export async function runChecks(ctx: Context, o: CheckRunOptions): Promise<CheckResult[]> {
  const facts = await gatherFacts(ctx);
  const results: CheckResult[] = [];
  for (const group of CHECK_GROUPS) results.push(...[await group(ctx, facts, o)].flat());
  return results;
}

export * from './check.js';
