/**
 * What a run made, so a failure halfway can take it back (ovs-makerepo(8): a mount that fails
 * leaves no entry and no half-made directories). Each step that creates something pushes
 * the step that removes it; a failure unwinds them newest first. Undo steps go through
 * ctx.changes like any change, so the journal and the failure report show them; one that
 * fails is reported and the rest still run.
 */
import type { Context } from '../command.js';
import { statOrUndefined } from '../files.js';
import { posix } from 'node:path';

export class Undo {
  private steps: { what: string; run: () => Promise<unknown> }[] = [];

  push(what: string, run: () => Promise<unknown>): void {
    this.steps.push({ what, run });
  }

  get empty(): boolean {
    return this.steps.length === 0;
  }

  /** A point to unwind back to later (see unwindTo). */
  mark(): number {
    return this.steps.length;
  }

  async unwind(ctx: Context): Promise<void> {
    return this.unwindTo(ctx, 0);
  }

  /** Undo only what was pushed after `mark`, newest first. */
  async unwindTo(ctx: Context, mark: number): Promise<void> {
    const steps = this.steps.splice(mark).reverse();
    for (const s of steps) {
      try {
        await s.run();
      } catch (e) {
        ctx.report.warn(`could not undo (${s.what}): ${(e as Error).message}`);
      }
    }
  }
}

/** mkdir -p, one directory at a time, each remembered so a failure removes only what this run made. */
export async function mkdirTracked(ctx: Context, path: string, undo: Undo, mode = 0o755): Promise<boolean> {
  const missing: string[] = [];
  for (let p = posix.normalize(path); p !== '/'; p = posix.dirname(p)) {
    if (await statOrUndefined(ctx.fs, p)) break;
    missing.unshift(p);
  }
  for (const p of missing) {
    await ctx.changes.mkdir(p, mode);
    undo.push(`rmdir ${p}`, () => rmdirIfEmpty(ctx, p));
  }
  return missing.length > 0;
}

/** Something else may have been put inside since (the journal under a new /var): then it stays. */
async function rmdirIfEmpty(ctx: Context, path: string): Promise<void> {
  const entries = await ctx.fs.readdir(path).catch(() => undefined);
  if (entries?.length === 0) await ctx.changes.rmdir(path);
}
