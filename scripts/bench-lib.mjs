// Timing helpers shared by scripts/bench.mjs and the plugins in scripts/bench/: wall time of
// a program run, medians, and candidates interleaved run by run so that load drifts hit
// every candidate alike (the ratios, not the absolute times, are the targets).
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export const RUNS = Number(process.env.BENCH_RUNS ?? 15);

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Wall time of one run of argv, in ms; a failing run throws with its stderr. */
export function timeOnce(argv, opts = {}) {
  const t0 = performance.now();
  const r = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], ...opts });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${argv.join(' ').slice(0, 200)} exited ${r.status}: ${r.stderr}`);
  return ms;
}

export function interleaved(candidates, runs = RUNS) {
  const times = candidates.map(() => []);
  for (let i = 0; i < runs; i++) candidates.forEach((c, j) => times[j].push(c()));
  return times.map(median);
}
