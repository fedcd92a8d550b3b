// README, performance: `ovs hb-create` (300 MiB) against the pipeline it replaces,
//   dd if=/dev/zero of=F bs=1M count=300 && mkfs.ocfs2 -L server_pool_hb -N 16 -b 2k -C 4k --force F
// side by side on the same disk (both under .scratch/), interleaved with alternating order,
// `sync` and a one-second pause (untimed) before every run so no run pays for the previous
// one's writeback.
// ovs runs the built CLI (`npm run build` first) under --root so its lock and journal stay
// in the scratch directory. Ratio = median(ovs) / median(pipeline); target <= 1.05.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const RUNS = Math.max(5, Number(process.env.BENCH_HB_RUNS ?? 7));
const SETTLE_MS = Number(process.env.BENCH_HB_SETTLE_MS ?? 1000);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function run(argv) {
  const r = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
}

function timed(steps) {
  // Settle (untimed): the previous run's 300 MiB in writeback and the discard of the file it
  // deleted would otherwise land on whichever run comes next.
  spawnSync('sync');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, SETTLE_MS);
  const t0 = performance.now();
  for (const argv of steps) run(argv);
  return performance.now() - t0;
}

export default async function bench() {
  const base = join(process.cwd(), '.scratch');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, 'bench-hb-'));
  try {
    const pipeFile = join(dir, 'pipeline', '.server_pool_hb');
    const root = join(dir, 'root');
    // Under --root a path below /OVS needs a mounted repository: the heartbeat goes to /hb.
    const ovsFile = join(root, 'hb', '.server_pool_hb');
    mkdirSync(join(dir, 'pipeline'));
    mkdirSync(join(root, 'hb'), { recursive: true });
    const pipeline = () =>
      timed([
        ['dd', 'if=/dev/zero', `of=${pipeFile}`, 'bs=1M', 'count=300', 'status=none'],
        ['mkfs.ocfs2', '-L', 'server_pool_hb', '-N', '16', '-b', '2k', '-C', '4k', '--force', pipeFile],
      ]);
    const ovs = () => timed([[process.execPath, 'bin/ovs', '--root', root, '--quiet', 'hb-create', '/hb/.server_pool_hb']]);
    const times = { pipeline: [], ovs: [] };
    for (let i = 0; i < RUNS; i++) {
      const order = i % 2 ? ['ovs', 'pipeline'] : ['pipeline', 'ovs'];
      for (const which of order) {
        times[which].push(which === 'ovs' ? ovs() : pipeline());
        // Both must have made the full file, or the comparison means nothing.
        const f = which === 'ovs' ? ovsFile : pipeFile;
        const st = statSync(f);
        if (st.size !== 300 * 1048576 || st.blocks * 512 < st.size) throw new Error(`${which}: ${f} is not a fully allocated 300 MiB file`);
        rmSync(f);
      }
    }
    const p = median(times.pipeline);
    const o = median(times.ovs);
    const fmt = (xs) => xs.map((x) => x.toFixed(0)).join(' ');
    return {
      name: 'ovs hb-create (300 MiB) vs dd + mkfs.ocfs2',
      target: 1.05,
      ratio: o / p,
      detail: `median ovs ${o.toFixed(0)} ms [${fmt(times.ovs)}], dd+mkfs ${p.toFixed(0)} ms [${fmt(times.pipeline)}] (${RUNS} runs each, interleaved)`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await bench());
