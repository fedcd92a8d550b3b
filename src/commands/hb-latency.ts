/**
 * `ovs hb-latency [PATH] [--count N] [--heartbeat-threshold N]`: how long one direct I/O
 * takes on the storage that holds the O2CB heartbeat, against the time O2CB allows before a
 * node fences itself ((threshold - 1) x 2 s). PASS below 10 % of that budget, WARN below
 * 50 %, FAIL from 50 %; exit 1 on WARN or FAIL, like cluster-check. Live only: the storage
 * of an image means nothing.
 */
import { defineCommand } from '../lib/command.js';
import { EXIT, OvsError } from '../lib/errors.js';
import { DEFAULT_THRESHOLD } from '../lib/latency/budget.js';
import { measureLatency, type LatencyResult } from '../lib/latency/measure.js';
import { renderLatency } from '../lib/latency/report.js';
import { clusterRootTarget, givenTarget } from '../lib/latency/target.js';
import { heartbeatThreshold, parseThresholdOption } from '../lib/latency/threshold.js';

export const DEFAULT_COUNT = 20;
const MAX_COUNT = 10_000;

interface Options {
  path?: string;
  count: number;
  threshold?: number;
}

function parseCountOption(raw: string): number {
  if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_COUNT) {
    throw new OvsError(EXIT.DATAERR, `--count takes a whole number from 1 to ${MAX_COUNT}, not '${raw}'`, { while: 'reading --count', hint: `the default is ${DEFAULT_COUNT} I/Os` });
  }
  return Number(raw);
}

function parsePathArgument(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (!raw.startsWith('/')) throw new OvsError(EXIT.DATAERR, `PATH '${raw}' is not absolute`, { while: 'reading PATH', hint: 'give the heartbeat directory or the block device by its absolute path' });
  return raw;
}

export default defineCommand<Options, LatencyResult>({
  name: 'hb-latency',
  summary: 'Measure direct-I/O latency of the heartbeat storage against the O2CB fencing budget',
  live: true,
  lock: false,
  define: (cmd) =>
    cmd
      .argument('[path]', "a directory (scratch-file writes) or a block device (reads); default: the cluster root's heartbeat storage")
      .option('--count <n>', `I/Os to time (default ${DEFAULT_COUNT})`)
      .option('--heartbeat-threshold <n>', `O2CB_HEARTBEAT_THRESHOLD to judge against (default: the O2CB settings, else ${DEFAULT_THRESHOLD})`),
  options: (args, flags) => {
    const path = parsePathArgument(args[0]);
    const count = flags.count === undefined ? DEFAULT_COUNT : parseCountOption(String(flags.count));
    const threshold = flags.heartbeatThreshold === undefined ? undefined : parseThresholdOption(String(flags.heartbeatThreshold));
    return { ...(path ? { path } : {}), count, ...(threshold === undefined ? {} : { threshold }) };
  },
  async run(ctx, o) {
    const threshold = await heartbeatThreshold(ctx, o.threshold);
    const target = o.path ? await givenTarget(ctx, o.path) : await clusterRootTarget(ctx);
    ctx.report.step(`timing ${o.count} direct ${target.io}s on ${target.path}`);
    return measureLatency(ctx, target, { count: o.count, threshold: threshold.value, thresholdFrom: threshold.from });
  },
  human: (r) => renderLatency(r),
  exitCode: (r) => (r.verdict === 'PASS' ? EXIT.OK : EXIT.FINDINGS),
});
