// `ovs history` on a long journal: 1000 runs of 3 changes each (backups pruned, as the
// retention leaves all but the newest 100), under --root: the last 10 runs within 2.5x the
// wall time of `node -e 0` (interleaved, medians).
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { interleaved, timeOnce } from '../bench-lib.mjs';

const sha = (s) => createHash('sha256').update(s).digest('hex');

function journal(runs) {
  const lines = [];
  for (let i = 0; i < runs; i++) {
    const run = `20261125T${String(Math.floor(i / 3600) % 24).padStart(2, '0')}${String(Math.floor(i / 60) % 60).padStart(2, '0')}${String(i % 60).padStart(2, '0')}Z-${1000 + i}`;
    const base = { time: '2026-11-25T12:00:00.000Z', run, command: 'ovs cluster-configure --add-node ovs3' };
    for (const path of ['/etc/ocfs2/cluster.conf', '/etc/sysconfig/o2cb']) {
      lines.push(JSON.stringify({ ...base, kind: 'write', path, sha256_before: sha(`${i}`), sha256_after: sha(`${i + 1}`), result: 'applied' }));
    }
    lines.push(JSON.stringify({ ...base, kind: 'service', argv: ['service', 'o2cb', 'start'], service: { name: 'o2cb', action: 'start' }, exit: 0, result: 'applied' }));
  }
  return `${lines.join('\n')}\n`;
}

export default async function bench() {
  mkdirSync('.scratch', { recursive: true });
  const root = mkdtempSync(join('.scratch', 'bench-history-'));
  try {
    mkdirSync(join(root, 'var/log/ovs'), { recursive: true });
    writeFileSync(join(root, 'var/log/ovs/journal.log'), journal(1000));
    const node = process.execPath;
    const argv = [node, 'bin/ovs', '--root', root, 'history', '--last', '10'];
    timeOnce(argv);
    const [base, ovs] = interleaved([() => timeOnce([node, '-e', '0']), () => timeOnce(argv)]);
    return { name: 'ovs history --last 10, 1000-run journal, --root', target: 2.5, ratio: ovs / base, detail: `node -e 0 ${base.toFixed(1)} ms, ovs ${ovs.toFixed(1)} ms` };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
