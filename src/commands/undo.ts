/**
 * `ovs undo RUN [--force]` — put back what one run changed: the bytes (and mode) of every
 * file it wrote or removed, without the files and empty directories it created, its links as
 * they were. Through ctx.changes, so the undo is a journaled run like any other (and can be
 * undone). Files changed since the run are a refusal (65) unless --force, confirmed. Programs
 * and service actions are never run: they are listed with the command that would reverse them.
 */
import { defineCommand } from '../lib/command.js';
import { EXIT, OvsError } from '../lib/errors.js';
import { findRun, readJournal } from '../lib/history/journal-read.js';
import type { Inverse } from '../lib/history/inverse.js';
import { summarize } from '../lib/history/runs.js';
import { applyUndo, planUndo, type UndoStep } from '../lib/history/undo.js';

export interface UndoOptions {
  run: string;
  force: boolean;
}

export interface UndoResult {
  run: string;
  command: string;
  steps: UndoStep[];
  programs: Inverse[];
}

const DONE: Record<string, string> = { restore: 'restored', remove: 'removed', rmdir: 'removed dir', mkdir: 'created dir', relink: 'relinked' };

const named = (steps: UndoStep[]) => steps.map((s) => `${s.path} (${s.reason})`).join('; ');

function refuse(run: string, conflicts: UndoStep[], unrestorable: UndoStep[]): never {
  if (conflicts.length) {
    throw new OvsError(EXIT.DATAERR, `${conflicts.length === 1 ? '1 file was' : `${conflicts.length} files were`} changed since run ${run}: ${named(conflicts)}`, {
      while: `checking what run ${run} left`,
      hint: `nothing was undone; \`ovs history ${run}\` shows what the run wrote; --force puts back the previous content anyway (asks first)`,
    });
  }
  throw new OvsError(EXIT.NOINPUT, `cannot restore ${named(unrestorable)}`, {
    while: `loading the backups of run ${run}`,
    hint: `nothing was undone; --force undoes the rest and leaves ${unrestorable.length === 1 ? 'that file' : 'those files'} as they are`,
  });
}

export default defineCommand<UndoOptions, UndoResult>({
  name: 'undo',
  summary: 'Put back exactly what one run changed (files, modes, links, directories); lists its programs and service actions with their inverse',
  define: (cmd) => cmd.argument('<run>', 'the run id, as `ovs history` lists it (or a prefix only one run has)').option('--force', 'undo even files changed since the run (asks first; --yes without a terminal)'),
  options: (args, flags) => ({ run: args[0] as string, force: Boolean(flags.force) }),
  async run(ctx, o) {
    const view = await readJournal(ctx);
    const run = findRun(view, o.run);
    const plan = await planUndo(ctx, run);
    const by = (state: UndoStep['state']) => plan.steps.filter((s) => s.state === state);
    const [todo, conflicts, unrestorable] = [by('todo'), by('conflict'), by('unrestorable')];
    if (plan.steps.every((s) => s.state === 'manual')) {
      throw new OvsError(EXIT.DATAERR, `run ${run.run} changed no file, link or directory that undo can put back`, {
        while: 'reading what the run changed',
        hint: `undo never runs programs; to reverse them by hand: ${plan.programs.map((p) => `${p.ran} -> ${p.inverse ?? `nothing (${p.note})`}`).join('; ') || 'none'}`,
      });
    }
    if (todo.length + conflicts.length === 0 && unrestorable.length === 0) {
      const undoneBy = (await summarize(ctx, view, () => [run]))[0]?.undoneBy;
      throw new OvsError(EXIT.DATAERR, `run ${run.run} has nothing left to undo: every path it changed already holds what it held before${undoneBy ? ` (undone by run ${undoneBy})` : ''}`, {
        while: 'comparing the files with the journal',
        hint: plan.programs.length ? `its programs and service actions are never undone: \`ovs history ${run.run}\` lists them` : '`ovs history` lists the runs',
      });
    }
    if (!o.force && (conflicts.length || unrestorable.length)) refuse(run.run, conflicts, unrestorable);
    if (conflicts.length) await ctx.confirm(`overwrite ${conflicts.map((s) => s.path).join(', ')} (changed since run ${run.run}) with what the run found?`);
    await applyUndo(ctx, plan, o.force);
    return { run: run.run, command: run.command, steps: plan.steps, programs: plan.programs };
  },
  human: (r, ctx) => {
    const dry = ctx.global.dryRun;
    const out = [`Undo of run ${r.run} (${r.command || 'command line not recorded'}):`];
    for (const s of r.steps) {
      const acted = s.outcome === 'undone' || (dry && s.state === 'todo');
      const what = s.state === 'done' ? 'already as before' : acted ? (dry ? `would ${s.action}` : (DONE[s.action] ?? s.action)) : (s.outcome ?? `not undone (${s.state})`);
      const to = s.target !== undefined ? ` -> ${s.target}` : '';
      out.push(`  ${what.padEnd(18)} ${s.path}${to}${s.reason ? `  (${s.reason})` : ''}`);
    }
    if (r.programs.length) {
      out.push('Programs and service actions are never run by undo; to reverse them by hand:');
      for (const p of r.programs) out.push(`  ${p.ran}  ->  ${p.inverse ?? `(nothing: ${p.note})`}`);
    }
    return out;
  },
});

