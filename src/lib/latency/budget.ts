/**
 * The O2CB disk-heartbeat budget and what a latency measurement means against it. Every
 * node writes its heartbeat block every 2 s; a node whose block has not changed for
 * (O2CB_HEARTBEAT_THRESHOLD - 1) x 2 s is declared dead, and a node that cannot write its
 * own block for that long fences itself (reboots). So the budget is a hard ceiling for ONE
 * I/O, and the verdict is taken on the slowest I/O seen: a short test sees none of the
 * load peaks (backups, a storage controller fail-over, a busy NFS server) that multiply
 * latency in production, hence the margins: PASS below 10 % of the budget, WARN below 50 %,
 * FAIL from 50 % (one more such peak and the pool fences).
 */

export const DEFAULT_THRESHOLD = 31;
export const HEARTBEAT_PERIOD_MS = 2000;
export const PASS_BELOW = 0.1;
export const WARN_BELOW = 0.5;

export type Verdict = 'PASS' | 'WARN' | 'FAIL';

export function budgetMs(threshold: number): number {
  return (threshold - 1) * HEARTBEAT_PERIOD_MS;
}

/** The verdict for the slowest I/O seen so far. */
export function verdictOf(worstMs: number, budget: number): Verdict {
  if (worstMs < budget * PASS_BELOW) return 'PASS';
  return worstMs < budget * WARN_BELOW ? 'WARN' : 'FAIL';
}

export interface LatencyFigures {
  samples: number;
  minMs: number;
  medianMs: number;
  p99Ms: number;
  maxMs: number;
}

/** Nearest-rank percentile of sorted values (p in 0..100). */
function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

export function figuresOf(ms: readonly number[]): LatencyFigures | undefined {
  if (ms.length === 0) return undefined;
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    samples: sorted.length,
    minMs: round(sorted[0] as number),
    medianMs: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted.at(-1) as number),
  };
}
