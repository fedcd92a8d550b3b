// Timing helpers shared by scripts/bench.mjs and the plugins in scripts/bench/: wall time of
// a program run, medians, and candidates interleaved run by run so that load drifts hit
// every candidate alike (the ratios, not the absolute times, are the targets).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

/**
 * CPU time (user + system, ms) of every child this process has waited for: /proc/self/stat's
 * cutime + cstime. The kernel sums children's time exactly and only the total is rounded to
 * a tick (10 ms), so the difference around one run is that run's CPU within a tick, and a
 * mean over many runs is close; on a loaded machine it says what wall time cannot.
 */
export function childrenCpuMs() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) * 10; // fields 16 and 17; USER_HZ is 100 on Linux
}

export const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
