/**
 * `heartbeat.latency`: `ovs hb-latency`'s measurement of the cluster root's heartbeat
 * storage, short (a few I/Os) so the check stays quick, judged the same way. Live only.
 * A measurement that cannot be made (no ioping, a file system refusing direct I/O) is a
 * WARN: it says nothing about the storage, but the operator should know it was not checked.
 * No cluster root, or one not mounted, is already another check's FAIL: skipped here.
 */
import type { Context } from '../command.js';
import { OvsError, orExpected } from '../errors.js';
import { IOPING } from '../latency/ioping.js';
import { measureLatency } from '../latency/measure.js';
import { latencyFinding } from '../latency/report.js';
import { clusterRootTarget } from '../latency/target.js';
import { heartbeatThreshold } from '../latency/threshold.js';
import { fail, pass, skip, skipOffline, warn, type CheckResult } from './check.js';
import { distributionFamily, installCommand } from '../programs.js';

const ID = 'heartbeat.latency';
export const CHECK_COUNT = 5;

const SLOW_HINT = 'move the heartbeat to faster or less loaded storage, or raise O2CB_HEARTBEAT_THRESHOLD on every server (ovs cluster-configure --heartbeat-threshold N); measure again with ovs hb-latency';

/** The expected failure as a value, anything else thrown on. */
const attempt = <T>(f: () => Promise<T>): Promise<T | OvsError> => orExpected(f, (e) => e);

export async function checkLatency(ctx: Context): Promise<CheckResult> {
  if (ctx.offline) return skipOffline(ID, 'the heartbeat storage is measured on the running server');
  if (!(await ctx.host.which(IOPING))) return warn(ID, 'not measured: ioping is not installed', installCommand(await distributionFamily(ctx), IOPING));
  const target = await attempt(() => clusterRootTarget(ctx));
  if (target instanceof OvsError) return skip(ID, `skipped: ${target.message}`);
  const threshold = await heartbeatThreshold(ctx);
  const r = await attempt(() => measureLatency(ctx, target, { count: CHECK_COUNT, threshold: threshold.value, thresholdFrom: threshold.from }));
  if (r instanceof OvsError) return warn(ID, `not measured: ${r.text}`, r.hint ?? null);
  const finding = `${latencyFinding(r)} (${r.samples} of ${r.requested} I/Os${r.stoppedEarly ? ', stopped early' : ''})`;
  if (r.verdict === 'PASS') return pass(ID, finding);
  return r.verdict === 'WARN' ? warn(ID, finding, SLOW_HINT) : fail(ID, finding, SLOW_HINT);
}
