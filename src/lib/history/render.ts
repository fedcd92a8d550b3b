/** The text of `ovs history`: one line per run (problems indented below it), or one run in full. */
import type { ChangeRecord } from '../journal.js';
import { quoteArg } from '../render.js';
import type { RunDetail } from './detail.js';
import { describeCounts, type RunSummary } from './runs.js';

const when = (iso: string | null) => (iso ? iso.replace(/\.\d+Z$/, 'Z') : '-');

function statusText(r: RunSummary): string {
  return r.undoneBy ? `${r.status} (by ${r.undoneBy})` : r.status;
}

export function renderRunList(runs: readonly RunSummary[], journal: { path: string; missing: boolean; unplaced: string[] }): string[] {
  if (journal.missing) return [`no runs: ${journal.path} does not exist (ovs has changed nothing here)`];
  const out: string[] = [];
  for (const r of runs) {
    out.push(`${r.run}  ${when(r.started)}  ${r.user ?? '-'}  ${statusText(r)}  ${r.command || '(command line not recorded)'}`);
    out.push(`    ${describeCounts(r.counts)}`);
    for (const p of r.problems) out.push(`    ! ${p}`);
  }
  for (const p of journal.unplaced) out.push(`! ${p}`);
  if (runs.length === 0 && journal.unplaced.length === 0) out.push(`no runs in ${journal.path}`);
  return out;
}

function describeRecord(c: ChangeRecord): string {
  const what =
    c.kind === 'run' ? (c.argv ?? []).map(quoteArg).join(' ')
    : c.kind === 'service' ? `${c.service?.action} ${c.service?.name}`
    : c.target ? `${c.path} -> ${c.target}`
    : (c.path ?? '');
  return `${c.result.padEnd(9)} ${c.kind.padEnd(8)} ${what}${c.exit !== undefined && c.exit !== 0 ? ` (exit ${c.exit})` : ''}`;
}

export function renderRunDetail(d: RunDetail): string[] {
  const out = [
    `run ${d.run}: ${statusText(d)}`,
    `  started  ${when(d.started)}${d.user ? ` by ${d.user}` : ''}`,
    `  command  ${d.command || '(not recorded)'}`,
    `  changed  ${describeCounts(d.counts)}`,
    ...d.problems.map((p) => `  ! ${p}`),
    ...d.unfinished.map((u) => `  ! interrupted during: ${u.kind} ${u.path ?? ''}`.trimEnd()),
    '',
    'Changes:',
    ...(d.changes.length ? d.changes.map((c) => `  ${describeRecord(c)}`) : ['  (none recorded)']),
  ];
  for (const f of d.files) {
    out.push('', `${f.action} ${f.path}${f.note ? `  (${f.note})` : ''}`);
    if (f.diff) out.push(...f.diff.trimEnd().split('\n').map((l) => `  ${l}`));
  }
  return out;
}
