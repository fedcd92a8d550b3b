// README, performance: `ovs --dry-run cluster-configure` with 255 nodes under --root within 1.5x the
// wall time of `node -e 0`, measured side by side (interleaved, medians).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { interleaved, timeOnce } from '../bench-lib.mjs';

export default async function bench() {
  mkdirSync('.scratch', { recursive: true });
  const root = mkdtempSync(join('.scratch', 'bench-cc-'));
  try {
    for (const d of ['etc/init.d', 'etc/default']) mkdirSync(join(root, d), { recursive: true });
    writeFileSync(join(root, 'etc/hostname'), 'node0\n');
    writeFileSync(join(root, 'etc/init.d/o2cb'), '#!/bin/sh\n', { mode: 0o755 });
    const nodes = Array.from({ length: 255 }, (_, i) => ['--node', `node${i}=10.1.${i >> 7}.${(i & 127) + 1}`]).flat();
    const node = process.execPath;
    const argv = [node, 'bin/ovs', '--root', root, '--dry-run', '--quiet', 'cluster-configure', ...nodes];
    timeOnce(argv); // fail early (and loudly) if the command does not succeed
    const [base, ovs] = interleaved([() => timeOnce([node, '-e', '0']), () => timeOnce(argv)]);
    return { name: 'ovs --dry-run cluster-configure, 255 nodes, --root', target: 1.5, ratio: ovs / base, detail: `node -e 0 ${base.toFixed(1)} ms, ovs ${ovs.toFixed(1)} ms` };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
