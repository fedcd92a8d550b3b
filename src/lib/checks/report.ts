/**
 * The human report of what `cluster-check`'s actions did (the checks render themselves in
 * check.ts): one line per moved fstab line, its notes indented, where the old fstab went,
 * and what to do next.
 */
import type { FstabMigrationResult, FstabMove } from '../repos/alter-fstab.js';

const ROLE_WORDS = { C: 'the cluster root', S: 'a shared repository', L: 'a local repository' } as const;

function moveLine(m: FstabMove, dryRun: boolean): string {
  const verb = dryRun ? 'would move' : 'moved';
  const as = m.uuidFrom === 'registry' ? `already listed as ${m.uuid} (${ROLE_WORDS[m.role]})` : `as ${ROLE_WORDS[m.role]} ${m.uuid} (${m.type} ${m.source})`;
  return `${verb} /etc/fstab line ${m.line} (${m.mountPoint}) to /etc/ovs/repositories: ${as}`;
}

export function renderFstabMigration(r: FstabMigrationResult): string[] {
  if (r.moves.length === 0) return ['alter-fstab: /etc/fstab has no /OVS line: nothing to move'];
  const out: string[] = [];
  for (const m of r.moves) {
    out.push(moveLine(m, r.dryRun));
    for (const n of m.notes) out.push(`      note: ${n}`);
  }
  if (r.backup) out.push(`the previous /etc/fstab is saved as ${r.backup}`);
  out.push('next: umount what is still mounted on /OVS, then ovs repositories start (mounts the repositories and points /OVS at the cluster root)');
  out.push('');
  return out;
}
