/**
 * The run list of `ovs history` and the last run of `ovs status`: each run's id, start,
 * command line, user, status and what it changed, with the journal lines and backups that
 * could not be read reported against the run they belong to.
 */
import type { Context } from '../command.js';
import { exists } from '../files.js';
import type { JournalRun, RunStatus } from '../journal.js';
import { countEffects, defaultBackup, effectsOf, type EffectCounts, type FileEffect } from './effects.js';
import type { JournalView, LineProblem } from './journal-read.js';

export type ShownStatus = RunStatus | 'undone';

export interface RunSummary {
  run: string;
  started: string | null;
  command: string;
  user: string | null;
  status: ShownStatus;
  /** The run that undid this one, when a later `ovs undo` names it. */
  undoneBy?: string;
  counts: EffectCounts;
  problems: string[];
}

/** `ovs undo RUN` (any global options before it): the run it undid. */
export function undoneRun(command: string): string | undefined {
  return /^ovs(?: \S+)* undo (?:--\S+ )*'?([\w.:-]+)'?(?: |$)/.exec(command)?.[1];
}

/** A run with a begin and no end whose process is gone was interrupted (killed, power lost). */
function liveStatus(ctx: Context, run: JournalRun): RunStatus {
  if (run.status !== 'running') return run.status;
  const pid = run.begin?.pid;
  return !ctx.offline && pid !== undefined && ctx.host.processAlive(pid) ? 'running' : 'interrupted';
}

export function lineProblems(problems: readonly LineProblem[], run: string): string[] {
  return problems.filter((p) => p.run === run).map((p) => `journal line ${p.line}: ${p.reason}`);
}

/**
 * Backups the run's files should have and do not (deleted by hand, pruned). A run whose
 * backup directory is gone as a whole is one line, found with one look (a long journal
 * whose old runs were pruned lists fast).
 */
export async function missingBackups(ctx: Context, run: JournalRun): Promise<string[]> {
  const kept = effectsOf(run).filter((e): e is FileEffect => e.kind === 'file' && e.beforeHash !== undefined);
  if (kept.length === 0) return [];
  const dir = defaultBackup(run.run, '/');
  if (kept.every((e) => e.backup.startsWith(dir)) && !(await exists(ctx.fs, dir))) {
    return [`the backups of this run are gone (${dir.replace(/\/$/, '')}: pruned by the backup retention, or deleted)`];
  }
  const missing: string[] = [];
  for (const e of kept) if (!(await exists(ctx.fs, e.backup))) missing.push(`backup of ${e.path} missing (${e.backup})`);
  return missing;
}

/**
 * The runs `pick` selects (default: all), summarized. Whether a run was undone is read from
 * the whole journal; the backups are looked at only for the runs selected.
 */
export async function summarize(ctx: Context, view: JournalView, pick: (runs: JournalRun[]) => JournalRun[] = (r) => r): Promise<RunSummary[]> {
  // An undo of an undo puts the first run's changes back: it is no longer undone.
  const undoneBy = new Map<string, string>();
  const commandOf = new Map(view.runs.map((r) => [r.run, r.command]));
  // `ovs undo` takes a prefix: the run it named is the one run whose id starts with it.
  const ids = new Set(view.runs.map((r) => r.run));
  const resolve = (named: string | undefined) => {
    if (!named || ids.has(named)) return named;
    const hits = view.runs.filter((r) => r.run.startsWith(named));
    return hits.length === 1 ? hits[0]?.run : undefined;
  };
  for (const r of view.runs) {
    const target = resolve(undoneRun(r.command));
    if (!target || r.status !== 'ok' || r.changes.length === 0) continue;
    undoneBy.set(target, r.run);
    const reapplied = resolve(undoneRun(commandOf.get(target) ?? ''));
    if (reapplied && undoneBy.get(reapplied) === target) undoneBy.delete(reapplied);
  }
  const out: RunSummary[] = [];
  for (const r of pick(view.runs)) {
    const by = undoneBy.get(r.run);
    const status = liveStatus(ctx, r);
    out.push({
      run: r.run,
      started: r.begin?.time ?? r.changes[0]?.time ?? r.intents[0]?.time ?? null,
      command: r.command,
      user: r.begin?.user ?? null,
      status: by && status === 'ok' ? 'undone' : status,
      ...(by ? { undoneBy: by } : {}),
      counts: countEffects(r),
      problems: [...lineProblems(view.problems, r.run), ...(await missingBackups(ctx, r))],
    });
  }
  return out;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function describeCounts(c: EffectCounts): string {
  const parts = [
    c.written && `${c.written} written`,
    c.created && `${c.created} created`,
    c.removed && `${c.removed} removed`,
    c.dirs && plural(c.dirs, 'dir'),
    c.links && plural(c.links, 'link'),
    c.renamed && `${c.renamed} renamed`,
    c.programs && plural(c.programs, 'program'),
    c.services && plural(c.services, 'service action'),
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'nothing changed';
}
