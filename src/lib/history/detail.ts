/**
 * One run in full for `ovs history RUN`: every change it journaled, and for each file the
 * unified diff from its backup (what it held before) to what the run wrote. The "after"
 * side is the file as it is now when it still holds what the run wrote; when it changed
 * since, the diff is against the file as it is now, and says so.
 */
import { sha256Hex } from '../sha256.js';
import type { Context } from '../command.js';
import { unifiedDiff } from '../diff.js';
import { statOrUndefined } from '../files.js';
import { unfinishedIntents, type ChangeRecord, type JournalRun } from '../journal.js';
import { effectsOf, type FileEffect } from './effects.js';
import type { JournalView } from './journal-read.js';
import { summarize, type RunSummary } from './runs.js';

export interface FileDiff {
  path: string;
  /** created / written / removed by the run */
  action: 'created' | 'written' | 'removed';
  /** The file no longer holds what the run left there. */
  changedSince: boolean;
  diff?: string;
  /** Why no diff (a backup missing, binary content, not backed up). */
  note?: string;
}

export interface RunDetail extends RunSummary {
  changes: ChangeRecord[];
  /** Changes begun and never finished (the run was killed in the middle of them). */
  unfinished: { kind: string; path?: string }[];
  files: FileDiff[];
}

export const sha256 = (data: Uint8Array): string => sha256Hex(data);

/** The bytes at a system path, or undefined when it is absent (or not a regular file). */
export async function currentBytes(ctx: Context, path: string): Promise<Buffer | undefined> {
  const st = await statOrUndefined(ctx.fs, path);
  return st?.kind === 'file' ? ctx.fs.readFile(path) : undefined;
}

const isText = (b: Buffer): boolean => !b.includes(0);

async function fileDiff(ctx: Context, e: FileEffect): Promise<FileDiff> {
  const action = !e.existedBefore ? 'created' : e.afterHash === null ? 'removed' : 'written';
  const now = await currentBytes(ctx, e.path);
  const nowHash = now ? sha256(now) : null;
  const changedSince = nowHash !== e.afterHash;
  const before = e.existedBefore ? await currentBytes(ctx, e.backup) : Buffer.alloc(0);
  const base: FileDiff = { path: e.path, action, changedSince };
  if (before === undefined) {
    return { ...base, note: e.beforeHash ? `backup ${e.backup} is missing: the previous content is unknown` : 'the previous content was not kept (not backed up)' };
  }
  const after = now ?? Buffer.alloc(0);
  if (!isText(before) || !isText(after)) return { ...base, note: `binary content (${before.length} -> ${after.length} bytes)` };
  const diff = unifiedDiff(e.path, before.toString('utf8'), after.toString('utf8'));
  const note = changedSince ? (now ? 'changed since this run: the diff is against the file as it is now' : 'removed since this run') : undefined;
  return { ...base, diff, ...(note ? { note } : {}) };
}

export async function runDetail(ctx: Context, view: JournalView, run: JournalRun): Promise<RunDetail> {
  const [summary] = (await summarize(ctx, view, () => [run])) as [RunSummary];
  const files: FileDiff[] = [];
  for (const e of effectsOf(run)) if (e.kind === 'file') files.push(await fileDiff(ctx, e));
  const unfinished = unfinishedIntents(run).map((i) => ({ kind: i.kind, ...(i.path ? { path: i.path } : {}) }));
  return { ...summary, changes: run.changes, unfinished, files };
}
