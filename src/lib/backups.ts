/**
 * Backup retention. Every run that replaces or removes a file keeps the previous content
 * under /var/lib/ovs/backups/<run>/ (that is what `ovs undo` puts back); without a limit the
 * directory grows for ever. After a successful run ovs keeps the backups of the newest N
 * runs and removes the older ones. N: the environment's OVS_BACKUP_KEEP, else `BACKUP_KEEP=N`
 * in /etc/ovs/ovs.conf, else 100. The run that just finished is always kept.
 *
 * The backups are ovs's own records, not system configuration: they are removed directly,
 * not through ctx.changes (which would back up and journal the removal of a backup).
 */
import { posix } from 'node:path';
import { BACKUP_DIR } from './changes.js';
import type { Context } from './command.js';
import { readOptional, statOrUndefined } from './files.js';
import type { HostFs } from './host.js';

export const DEFAULT_BACKUP_KEEP = 100;
export const OVS_CONF = '/etc/ovs/ovs.conf';

export interface Retention {
  keep: number;
  /** Where N came from: `OVS_BACKUP_KEEP`, `/etc/ovs/ovs.conf line 3`, or `default`. */
  from: string;
  /** A value that was not a whole number >= 1, and was ignored. */
  ignored?: string;
}

const valid = (v: string) => (/^\d+$/.test(v) && Number(v) >= 1 ? Number(v) : undefined);

export async function retention(ctx: Context): Promise<Retention> {
  const env = ctx.host.env.OVS_BACKUP_KEEP;
  const bad: string[] = [];
  if (env !== undefined && env !== '') {
    const n = valid(env.trim());
    if (n) return { keep: n, from: 'OVS_BACKUP_KEEP' };
    bad.push(`OVS_BACKUP_KEEP='${env}'`);
  }
  const lines = (await readOptional(ctx.fs, OVS_CONF))?.split('\n') ?? [];
  const i = lines.findIndex((l) => /^\s*BACKUP_KEEP\s*=/.test(l));
  if (i >= 0) {
    const raw = (lines[i] as string).replace(/^\s*BACKUP_KEEP\s*=\s*/, '').replace(/^["']|["']\s*$/g, '').trim();
    const n = valid(raw);
    if (n) return { keep: n, from: `${OVS_CONF} line ${i + 1}`, ...(bad.length ? { ignored: bad.join(', ') } : {}) };
    bad.push(`BACKUP_KEEP='${raw}' (${OVS_CONF} line ${i + 1})`);
  }
  return { keep: DEFAULT_BACKUP_KEEP, from: 'default', ...(bad.length ? { ignored: bad.join(', ') } : {}) };
}

async function removeTree(fs: HostFs, path: string): Promise<void> {
  const st = await statOrUndefined(fs, path, false);
  if (st?.kind === 'dir') {
    for (const name of await fs.readdir(path)) await removeTree(fs, posix.join(path, name));
    await fs.rmdir(path);
  } else if (st) await fs.unlink(path);
}

/**
 * Remove the backups of all but the newest N runs (run ids start with their UTC time, so
 * they sort oldest first) and never the current run's. Returns the runs pruned. A failure
 * is a warning: the run itself succeeded.
 */
export async function pruneBackups(ctx: Context): Promise<string[]> {
  try {
    const r = await retention(ctx);
    if (r.ignored) ctx.report.warn(`backup retention: ignoring ${r.ignored} (a whole number of runs, 1 or more); keeping ${r.keep}`);
    const runs = (await ctx.fs.readdir(BACKUP_DIR).catch(() => [] as string[])).sort();
    const old = runs.slice(0, Math.max(0, runs.length - r.keep)).filter((run) => run !== ctx.changes.runId);
    for (const run of old) await removeTree(ctx.fs, posix.join(BACKUP_DIR, run));
    if (old.length) ctx.report.debug(`backup retention: removed the backups of ${old.length} older run(s), keeping ${r.keep} (${r.from})`);
    return old;
  } catch (e) {
    ctx.report.warn(`backup retention: could not prune ${BACKUP_DIR}: ${(e as Error).message}`);
    return [];
  }
}
