/**
 * One latency measurement: ioping's direct I/Os on the target, each seen as it completes,
 * judged against the heartbeat budget. The run stops as soon as the verdict cannot get
 * better: one I/O at or above half the budget is a FAIL whatever follows, and an I/O still
 * in flight after the whole budget has already outlived the heartbeat (ioping is stopped
 * without waiting for it).
 *
 * Writes never touch existing data: they go to a scratch file of ovs's own, created next
 * to the heartbeat (exclusive, one request long, flushed so no cached page is written back
 * during the measurement) and removed afterwards whatever happens.
 */
import type { Context } from '../command.js';
import { EXIT, OvsError } from '../errors.js';
import { lastLine } from '../program-output.js';
import { installHint } from '../programs.js';
import { budgetMs, figuresOf, verdictOf, type LatencyFigures, type Verdict } from './budget.js';
import { iopingArgv, parseRawLine } from './ioping.js';
import type { LatencyTarget } from './target.js';

export interface LatencyRun {
  count: number;
  threshold: number;
  /** Where the threshold came from: --heartbeat-threshold, the O2CB settings file, or the default. */
  thresholdFrom: string;
}

export type EarlyStop = 'half-budget' | 'over-budget';

export interface LatencyResult extends LatencyFigures {
  target: string;
  io: 'write' | 'read';
  origin: string;
  /** The scratch file written to (removed again), for writes. */
  scratchFile?: string;
  threshold: number;
  thresholdFrom: string;
  budgetMs: number;
  requested: number;
  /** Every I/O's latency in ms, in order. */
  samplesMs: number[];
  /** The slowest I/O as a share of the budget, in percent. */
  percentOfBudget: number;
  verdict: Verdict;
  stoppedEarly?: EarlyStop;
  command: string[];
}

const SCRATCH_BYTES = 4096;

async function withScratchFile<T>(ctx: Context, dir: string, use: (path: string) => Promise<T>): Promise<T> {
  const path = `${dir.replace(/\/+$/, '')}/.ovs-hb-latency.${ctx.host.randomHex(4)}`;
  // The machine's own fs, not ctx.fs: a measurement file is not a system file, and a dry
  // run's overlay would keep it away from ioping.
  try {
    await ctx.host.fs.writeFile(path, new Uint8Array(SCRATCH_BYTES), { exclusive: true, mode: 0o600, fsync: true });
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    throw new OvsError(code === 'EACCES' || code === 'EPERM' ? EXIT.NOPERM : EXIT.CANTCREAT, `cannot create the scratch file ${path} (${code})`, { while: 'preparing the latency measurement', hint: 'run as root on a writable heartbeat directory' });
  }
  try {
    return await use(path);
  } finally {
    await ctx.host.fs.unlink(path).catch(() => undefined);
  }
}

function iopingFailure(r: { exitCode: number; stderr: string; notFound?: boolean }): OvsError {
  if (r.notFound) return new OvsError(EXIT.UNAVAILABLE, 'ioping is not installed', { while: 'measuring the heartbeat latency', hint: installHint('unknown', 'ioping') });
  const said = lastLine(r.stderr) || `exit ${r.exitCode}`;
  const hint = /not permitted|permission denied/i.test(said)
    ? 'run ovs as root, on the server itself (a container may not open the device at all)'
    : /direct|fcntl|Invalid argument/i.test(said)
      ? 'the file system refuses direct I/O (O_DIRECT): measure on the shared storage itself, not on tmpfs or an overlay'
      : 'run the same ioping command by hand to see why';
  return new OvsError(EXIT.UNAVAILABLE, `ioping failed: ${said}`, { while: 'measuring the heartbeat latency', hint });
}

export async function measureLatency(ctx: Context, target: LatencyTarget, run: LatencyRun): Promise<LatencyResult> {
  const budget = budgetMs(run.threshold);
  const measure = async (path: string) => {
    const argv = iopingArgv(target.io, path, run.count);
    const samples: number[] = [];
    let stoppedEarly: EarlyStop | undefined;
    const r = await ctx.probe(argv, {
      onLine(line) {
        const ms = parseRawLine(line);
        if (ms === undefined) return undefined;
        samples.push(Math.round(ms * 1000) / 1000);
        if (verdictOf(ms, budget) !== 'FAIL') return undefined;
        stoppedEarly = ms >= budget ? 'over-budget' : 'half-budget';
        return 'stop';
      },
      // No line for the whole budget: the I/O in flight has outlived the heartbeat.
      silenceMs: budget,
    });
    if (r.stopped === 'silence') stoppedEarly = 'over-budget';
    if (!r.stopped && r.exitCode !== 0) throw iopingFailure(r);
    return { argv, samples, stoppedEarly };
  };
  const { argv, samples, stoppedEarly } = target.io === 'write' ? await withScratchFile(ctx, target.path, measure) : await measure(target.path);
  const figures = figuresOf(samples) ?? { samples: 0, minMs: 0, medianMs: 0, p99Ms: 0, maxMs: 0 };
  // A stall outlasting the budget counts as one I/O of (at least) the whole budget.
  const worst = stoppedEarly === 'over-budget' ? Math.max(figures.maxMs, budget) : figures.maxMs;
  return {
    target: target.path,
    io: target.io,
    origin: target.origin,
    ...(target.io === 'write' ? { scratchFile: argv.at(-1) as string } : {}),
    threshold: run.threshold,
    thresholdFrom: run.thresholdFrom,
    budgetMs: budget,
    requested: run.count,
    ...figures,
    samplesMs: samples,
    percentOfBudget: Math.round((worst / budget) * 10_000) / 100,
    verdict: stoppedEarly ? 'FAIL' : verdictOf(worst, budget),
    ...(stoppedEarly ? { stoppedEarly } : {}),
    command: argv,
  };
}

