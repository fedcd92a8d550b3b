/**
 * The propagation report as a terminal or a kickstart log shows it: one row per member
 * (node, address, result), and under a failure the exact ssh command that reproduces it and
 * the fix. Under --dry-run, each member's diff follows its row. --json carries the same
 * rows as data (PropagationReport).
 */
import type { PropagationReport } from './propagation.js';
import type { MemberOutcome } from './remote.js';

function resultText(m: MemberOutcome, dryRun: boolean): string {
  if (m.result === 'failed') return `failed: ${m.reason}`;
  if (dryRun) return m.result === 'updated' ? `would update ${(m.files ?? []).join(', ')}`.trimEnd() : 'unchanged';
  const notes: string[] = [];
  if (m.answer?.registered?.length) notes.push(`registered in the running cluster: ${m.answer.registered.join(', ')}`);
  if (m.answer?.restartNeeded) notes.push('restart o2cb on it to drop removed nodes');
  return notes.length ? `${m.result} (${notes.join('; ')})` : m.result;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => `  ${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')}`.trimEnd());
}

function details(m: MemberOutcome, dryRun: boolean, indent: string): string[] {
  const out: string[] = [];
  if (m.result === 'failed') {
    out.push(`${indent}reproduce: ${m.command}   (the bundle goes on its stdin)`);
    if (m.hint) out.push(`${indent}fix: ${m.hint}`);
  } else if (dryRun && m.diff) {
    out.push(...m.diff.trimEnd().split('\n').map((l) => `${indent}${l}`));
  }
  return out;
}

function summary(r: PropagationReport): string {
  const n = r.members.length;
  const updated = r.dryRun ? `${r.updated} would be updated` : `${r.updated} updated`;
  const tail = r.failed ? `, ${r.failed} failed: fix the members above and run the command again` : '';
  return `${n} member${n === 1 ? '' : 's'}: ${updated}, ${r.unchanged} unchanged${tail}`;
}

export function renderPropagation(r: PropagationReport): string[] {
  const head = `${r.dryRun ? 'Propagation plan (dry run: nothing was changed)' : 'Propagation'} of cluster '${r.cluster}' from ${r.from} (cluster.conf sha256 ${r.clusterConfSha256.slice(0, 12)}…, ${r.concurrency} at a time):`;
  if (r.members.length === 0) return [head, '  no other node in cluster.conf: nothing to send'];
  const rows = [['NODE', 'ADDRESS', 'RESULT'], ...r.members.map((m) => [m.node, m.address, resultText(m, r.dryRun)])];
  const lines = table(rows);
  const indent = ' '.repeat(2 + Math.max(...rows.map((row) => (row[0] ?? '').length)) + 2);
  const out = [head, lines[0] as string];
  r.members.forEach((m, i) => out.push(lines[i + 1] as string, ...details(m, r.dryRun, indent)));
  out.push(summary(r));
  return out;
}

/** Exit status of ovs(8), EXIT STATUS: 1 when any member failed. */
export function propagationExit(r: Pick<PropagationReport, 'failed'>): number {
  return r.failed > 0 ? 1 : 0;
}
