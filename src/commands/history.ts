/**
 * `ovs history [RUN] [-n N]` — what ovs did on this server (or the image under --root), from
 * the journal: the runs, newest last, or one run in full with a diff of every file it changed.
 * Reads only: no lock, nothing changed.
 */
import { defineCommand } from '../lib/command.js';
import { EXIT, OvsError } from '../lib/errors.js';
import { runDetail, type RunDetail } from '../lib/history/detail.js';
import { findRun, readJournal } from '../lib/history/journal-read.js';
import { renderRunDetail, renderRunList } from '../lib/history/render.js';
import { summarize, type RunSummary } from '../lib/history/runs.js';

export interface HistoryOptions {
  run?: string;
  last?: number;
}

export type HistoryResult =
  | { journal: string; missing: boolean; runs: RunSummary[]; total: number; problems: string[] }
  | { journal: string; run: RunDetail };

export function parseCount(value: unknown, option: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(String(value)) || n < 1) throw new OvsError(EXIT.USAGE, `${option} takes a number of runs (1 or more), not '${String(value)}'`, { while: `reading ${option}` });
  return n;
}

export default defineCommand<HistoryOptions, HistoryResult>({
  name: 'history',
  summary: 'List the runs ovs journaled (newest last), or show one run with the diff of every file it changed',
  lock: false,
  define: (cmd) => cmd.argument('[run]', 'a run id (or a prefix only one run has)').option('--last <n>', 'only the last N runs'),
  options: (args, flags, global) => {
    if (global.dryRun && args[0] && /^\d+$/.test(args[0])) {
      throw new OvsError(EXIT.USAGE, `-n is the global --dry-run, not a count of runs`, { while: 'reading the arguments', hint: `for the last ${args[0]} runs: ovs history --last ${args[0]}` });
    }
    const last = parseCount(flags.last, '--last');
    return { ...(args[0] ? { run: args[0] } : {}), ...(last ? { last } : {}) };
  },
  async run(ctx, o) {
    const view = await readJournal(ctx);
    if (o.run) return { journal: view.path, run: await runDetail(ctx, view, findRun(view, o.run)) };
    const runs = await summarize(ctx, view, (all) => (o.last ? all.slice(-o.last) : all));
    const problems = view.problems.filter((p) => !p.run).map((p) => `journal line ${p.line}: ${p.reason}`);
    return { journal: view.path, missing: view.missing, runs, total: view.runs.length, problems };
  },
  human: (r) => ('run' in r ? renderRunDetail(r.run) : renderRunList(r.runs, { path: r.journal, missing: r.missing, unplaced: r.problems })),
});
