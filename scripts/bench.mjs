// `npm run bench`: the performance targets of README, performance, measured as ratios side by side in
// one run (interleaved, medians), never as absolute times. Needs `npm run build` first.
// Each scripts/bench/*.mjs module default-exports an async function returning
// { name, target, ratio, detail } (no target: a figure reported, not judged).
import { readdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

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

const results = await plugins();
let missed = 0;
for (const r of results) {
  if (r.target === undefined) {
    console.log(`INFO  ${r.name}: ${r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}x  `}${r.detail ?? ''}`);
    continue;
  }
  const ok = r.ratio <= r.target;
  if (!ok) missed++;
  const figure = r.unit ? `${r.ratio.toFixed(2)} ${r.unit}` : `${r.ratio.toFixed(2)}x`;
  console.log(`${ok ? 'PASS' : 'MISS'}  ${r.name}: ${figure} (target <= ${r.target}${r.unit ? ` ${r.unit}` : 'x'})  ${r.detail ?? ''}`);
}
process.exitCode = missed ? 1 : 0;
