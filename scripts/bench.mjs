// `npm run bench`: the performance targets of README, performance, measured as ratios side by side in
// one run (interleaved, medians), never as absolute times. Needs `npm run build` first.
// Each scripts/bench/*.mjs module default-exports an async function returning
// { name, target, ratio, detail }; this file adds the startup and parser measurements.
import { readdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { interleaved, RUNS, timeOnce } from './bench-lib.mjs';

function startup() {
  const node = process.execPath;
  const [base, version, help] = interleaved([
    () => timeOnce([node, '-e', '0']),
    () => timeOnce([node, 'bin/ovs', '--version']),
    () => timeOnce([node, 'bin/ovs', '--help']),
  ]);
  const detail = `node -e 0 ${base.toFixed(1)} ms, --version ${version.toFixed(1)} ms, --help ${help.toFixed(1)} ms (median of ${RUNS})`;
  return [
    { name: 'ovs --version vs node -e 0', target: 1.3, ratio: version / base, detail },
    { name: 'ovs --help vs node -e 0', target: 1.3, ratio: help / base, detail },
  ];
}

async function plugins() {
  const dir = new URL('./bench/', import.meta.url);
  const out = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.mjs')).sort()) {
    const only = process.env.BENCH_ONLY;
    if (only && !f.includes(only)) continue;
    const mod = await import(pathToFileURL(new URL(f, dir).pathname).href);
    const r = await mod.default();
    out.push(...(Array.isArray(r) ? r : [r]));
  }
  return out;
}

const results = [...(process.env.BENCH_ONLY ? [] : startup()), ...(await plugins())];
let missed = 0;
for (const r of results) {
  const ok = r.ratio <= r.target;
  if (!ok) missed++;
  const figure = r.unit ? `${r.ratio.toFixed(2)} ${r.unit}` : `${r.ratio.toFixed(2)}x`;
  console.log(`${ok ? 'PASS' : 'MISS'}  ${r.name}: ${figure} (target <= ${r.target}${r.unit ? ` ${r.unit}` : 'x'})  ${r.detail ?? ''}`);
}
process.exitCode = missed ? 1 : 0;
