/**
 * `ovs undo RUN`: compare every path the run touched with what the run left there, then put
 * back what it found, through ctx.changes (atomic, locked, backed up, journaled), so the undo
 * is itself a run that `ovs undo` can take back. A path that holds neither what the run left
 * nor what it found was changed by someone since: a conflict, refused unless forced.
 */
import type { Context } from '../command.js';
import { statOrUndefined } from '../files.js';
import type { JournalRun } from '../journal.js';
import { currentBytes, sha256 } from './detail.js';
import { effectsOf, type DirEffect, type Effect, type FileEffect, type LinkEffect } from './effects.js';
import { inverseOf, type Inverse } from './inverse.js';

export type StepState = 'todo' | 'done' | 'conflict' | 'unrestorable' | 'manual';

export interface UndoStep {
  path: string;
  /** What undoing it does: restore, remove, rmdir, mkdir, relink (to `target`), none. */
  action: string;
  target?: string;
  state: StepState;
  /** Why it is a conflict, cannot be restored, or is left to the operator. */
  reason?: string;
  /** Filled in by applyUndo: what was done. */
  outcome?: 'undone' | 'unchanged' | 'left (not empty)';
}

export interface UndoPlan {
  steps: UndoStep[];
  programs: Inverse[];
  /** Loaded backups, by path, for the steps that restore content. */
  contents: Map<string, { bytes: Buffer; mode?: number }>;
}

function fileState(e: FileEffect, nowHash: string | null, exists: boolean): Pick<UndoStep, 'state' | 'reason'> {
  if (nowHash === e.afterHash) return { state: 'todo' };
  const asBefore = e.existedBefore ? e.beforeHash !== undefined && nowHash === e.beforeHash : nowHash === null;
  if (asBefore) return { state: 'done' };
  if (e.afterHash === null) return { state: 'conflict', reason: 'the run removed it and it exists again' };
  return { state: 'conflict', reason: exists ? 'it no longer holds what the run wrote (changed since)' : 'it was removed since the run' };
}

async function fileStep(ctx: Context, e: FileEffect, contents: UndoPlan['contents']): Promise<UndoStep> {
  const now = await currentBytes(ctx, e.path);
  const action = e.existedBefore ? 'restore' : 'remove';
  const step: UndoStep = { path: e.path, action, ...fileState(e, now ? sha256(now) : null, now !== undefined) };
  if (action === 'remove' || step.state === 'done') return step;
  const bytes = await currentBytes(ctx, e.backup);
  if (bytes === undefined) {
    const reason = e.beforeHash ? `its backup ${e.backup} is missing` : 'the run did not keep its previous content (not backed up)';
    return { ...step, state: 'unrestorable', reason: step.reason ? `${step.reason}, and ${reason}` : reason };
  }
  if (e.beforeHash && sha256(bytes) !== e.beforeHash) return { ...step, state: 'unrestorable', reason: `its backup ${e.backup} does not hold what the journal recorded (sha256 differs)` };
  // The journal's mode when it has one; else the file's own (a write keeps mode and owner).
  const st = await statOrUndefined(ctx.fs, e.path);
  const mode = e.modeBefore ?? st?.mode;
  contents.set(e.path, { bytes, ...(mode !== undefined ? { mode } : {}) });
  return step;
}

/** Something of another kind is where the run left a directory or a link: never forced over. */
const OTHER_KIND = 'something of another kind is there now: left to the operator';

async function dirStep(ctx: Context, e: DirEffect): Promise<UndoStep> {
  const st = await statOrUndefined(ctx.fs, e.path, false);
  const action = e.created ? 'rmdir' : 'mkdir';
  if (st && st.kind !== 'dir') return { path: e.path, action, state: 'manual', reason: OTHER_KIND };
  return { path: e.path, action, state: (st !== undefined) === e.created ? 'todo' : 'done' };
}

async function linkStep(ctx: Context, e: LinkEffect): Promise<UndoStep> {
  const st = await statOrUndefined(ctx.fs, e.path, false);
  const relink = typeof e.targetBefore === 'string' ? { action: 'relink', target: e.targetBefore } : { action: 'remove' };
  if (st && st.kind !== 'symlink') return { path: e.path, ...relink, state: 'manual', reason: OTHER_KIND };
  const now = st ? await ctx.fs.readlink(e.path) : undefined;
  // Done first: a link the run made and then removed is, like before, no link.
  if (now === (e.targetBefore ?? undefined) && e.targetBefore !== undefined) return { path: e.path, ...relink, state: 'done' };
  if (now === (e.target ?? undefined)) return { path: e.path, ...relink, state: 'todo' };
  if (now === (e.targetBefore ?? undefined)) return { path: e.path, ...relink, state: 'done' };
  const reason = now === undefined ? 'the link was removed since the run' : e.target === null ? `the run removed the link and it points to ${now} now` : `the link points to ${now} now, not ${e.target}`;
  return { path: e.path, ...relink, state: 'conflict', reason };
}

async function stepOf(ctx: Context, e: Exclude<Effect, { kind: 'program' }>, contents: UndoPlan['contents']): Promise<UndoStep> {
  switch (e.kind) {
    case 'file':
      return fileStep(ctx, e, contents);
    case 'dir':
      return dirStep(ctx, e);
    case 'link':
      return linkStep(ctx, e);
    case 'rename':
      return { path: e.target, action: 'none', state: 'manual', reason: `put in place by renaming ${e.path} (bulk data such as a heartbeat file is not backed up): remove or recreate it by hand if wanted` };
  }
}

/** What undoing the run would do, path by path, newest change first. Reads only. */
export async function planUndo(ctx: Context, run: JournalRun): Promise<UndoPlan> {
  const effects = effectsOf(run);
  const contents: UndoPlan['contents'] = new Map();
  const steps: UndoStep[] = [];
  for (const e of [...effects].reverse()) if (e.kind !== 'program') steps.push(await stepOf(ctx, e, contents));
  const programs = effects.flatMap((e) => (e.kind === 'program' ? [inverseOf(e)] : []));
  return { steps, programs, contents };
}

async function isEmptyDir(ctx: Context, path: string): Promise<boolean> {
  return (await ctx.fs.readdir(path)).length === 0;
}

/** Carry out the plan's steps (conflicts and unrestorable ones only when forced). */
export async function applyUndo(ctx: Context, plan: UndoPlan, force: boolean): Promise<void> {
  for (const s of plan.steps) {
    if (s.state === 'done' || s.state === 'manual' || s.state === 'unrestorable') continue;
    if (s.state === 'conflict' && !force) continue;
    s.outcome = (await applyStep(ctx, s, plan)) ? 'undone' : s.action === 'rmdir' ? 'left (not empty)' : 'unchanged';
  }
}

async function applyStep(ctx: Context, s: UndoStep, plan: UndoPlan): Promise<boolean> {
  if (s.action === 'restore') {
    const c = plan.contents.get(s.path);
    return c ? ctx.changes.writeFile(s.path, c.bytes, c.mode !== undefined ? { mode: c.mode } : {}) : false;
  }
  if (s.action === 'remove') return ctx.changes.remove(s.path);
  if (s.action === 'mkdir') return ctx.changes.mkdir(s.path);
  if (s.action === 'rmdir') return (await statOrUndefined(ctx.fs, s.path)) !== undefined && (await isEmptyDir(ctx, s.path)) && ctx.changes.rmdir(s.path);
  return s.action === 'relink' && s.target !== undefined ? ctx.changes.symlink(s.target, s.path) : false;
}
