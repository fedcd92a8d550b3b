/**
 * Reading the journal for `history`, `undo` and `status`: the records grouped by run (see
 * journal.ts), with every bad line (a half-written last line after a crash, a hand edit)
 * attached to the run it names when its text still says which, so it is reported with that
 * run and the rest of the journal is still listed.
 */
import type { Context } from '../command.js';
import { EXIT, OvsError } from '../errors.js';
import { readOptional } from '../files.js';
import { JOURNAL, groupRuns, parseJournal, type JournalProblem, type JournalRun } from '../journal.js';

export interface LineProblem extends JournalProblem {
  /** The run the line belonged to, when its text still names one. */
  run?: string;
}

export interface JournalView {
  path: string;
  /** No journal: nothing was ever changed by ovs here (or it was deleted). */
  missing: boolean;
  runs: JournalRun[];
  problems: LineProblem[];
}

const RUN_FIELD = /"run"\s*:\s*"([^"\\]+)"/;

export async function readJournal(ctx: Context): Promise<JournalView> {
  const text = await readOptional(ctx.fs, JOURNAL);
  if (text === undefined) return { path: JOURNAL, missing: true, runs: [], problems: [] };
  const { records, problems } = parseJournal(text);
  const lines = text.split('\n');
  const located = problems.map((p): LineProblem => {
    const run = RUN_FIELD.exec(lines[p.line - 1] ?? '')?.[1];
    return run ? { ...p, run } : p;
  });
  return { path: JOURNAL, missing: false, runs: groupRuns(records), problems: located };
}

/** The run a user named: its exact id, or a prefix only one run has (exit 66 otherwise). */
export function findRun(view: JournalView, id: string): JournalRun {
  const exact = view.runs.find((r) => r.run === id);
  if (exact) return exact;
  const prefixed = view.runs.filter((r) => r.run.startsWith(id));
  if (prefixed.length === 1) return prefixed[0] as JournalRun;
  const what =
    prefixed.length > 1 ? `'${id}' names ${prefixed.length} runs (${prefixed.map((r) => r.run).join(', ')})`
    : view.missing ? `no run '${id}': ${view.path} does not exist`
    : `no run '${id}' in ${view.path}`;
  throw new OvsError(EXIT.NOINPUT, what, { while: 'looking up the run', hint: '`ovs history` lists the runs and their ids' });
}
