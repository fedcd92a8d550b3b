/** `ovs hb-latency`'s report, and the one-line finding the cluster-check uses. */
import type { LatencyResult } from './measure.js';

const ms = (v: number): string => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v < 1 ? 3 : 1)} ms`);

const STOP_WORDS = {
  'half-budget': 'stopped early: one I/O alone took half the budget or more',
  'over-budget': 'stopped early: one I/O alone outlived the whole budget (the node would fence)',
} as const;

/** `max 8.00 s = 66.7 % of the 12 s budget (threshold 7): FAIL`. */
export function latencyFinding(r: LatencyResult): string {
  const worst = r.samples === 0 ? `no I/O completed within` : `slowest ${r.io} ${ms(r.maxMs)} = ${r.percentOfBudget} % of`;
  return `${worst} the ${ms(r.budgetMs)} heartbeat budget (threshold ${r.threshold}) on ${r.target}`;
}

export function renderLatency(r: LatencyResult): string[] {
  const out = [
    `target:   ${r.target} (${r.origin}; direct ${r.io}s${r.scratchFile ? ` to the scratch file ${r.scratchFile}, removed` : ''})`,
    `budget:   (${r.threshold} - 1) x 2 s = ${ms(r.budgetMs)} (O2CB_HEARTBEAT_THRESHOLD ${r.threshold} from ${r.thresholdFrom})`,
    `samples:  ${r.samples} of ${r.requested}: ${r.samplesMs.map(ms).join(', ') || 'none'}`,
  ];
  if (r.samples > 0) out.push(`latency:  min ${ms(r.minMs)}, median ${ms(r.medianMs)}, p99 ${ms(r.p99Ms)}, max ${ms(r.maxMs)}`);
  if (r.stoppedEarly) out.push(STOP_WORDS[r.stoppedEarly]);
  out.push(`${r.verdict}: ${latencyFinding(r)} (PASS below 10 %, WARN below 50 %)`);
  return out;
}
