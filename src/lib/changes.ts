/**
 * Every change `ovs` makes to a system goes through here (SPEC §1.3): files are written
 * atomically (temp file in the same directory, fsync, rename, directory fsync; mode and
 * owner kept; an unchanged file is not rewritten), the previous content is backed up under
 * /var/lib/ovs/backups/<run-id>/, and each change is journaled. Programs that change the
 * machine and service actions run here too. Under --dry-run the same calls land in the
 * overlay and are recorded as the plan; under --root, actions that need the live machine
 * are recorded as `skipped (offline)`. Commands never ask which mode they are in.
 */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { unifiedDiff } from './diff.js';
import { GeneratedValues, type GeneratedValue } from './generated.js';
import { EXIT, OvsError, errnoOf, systemError } from './errors.js';
import { statOrUndefined } from './files.js';
import type { FileStat, Host, HostFs, RunOptions, RunResult } from './host.js';
import { JOURNAL, type ChangeKind, type ChangeResult } from './journal.js';
import type { Reporter } from './output.js';

export const BACKUP_DIR = '/var/lib/ovs/backups';
export { JOURNAL };
export type { ChangeKind, ChangeResult, GeneratedValue };

export interface Change {
  kind: ChangeKind;
  path?: string;
  /** symlink target, or rename destination */
  target?: string;
  argv?: string[];
  service?: { name: string; action: string };
  result: ChangeResult;
  exitCode?: number;
  before?: string | null; // sha256
  after?: string | null;
  /** unified diff (dry run only) */
  diff?: string;
  /** Why it was not run (`skipped (offline)`): the same words in the plan and the run. */
  reason?: string;
}

export interface ChangesOptions {
  host: Host;
  /** System paths: the --root view, with the dry-run overlay on top when planning. */
  fs: HostFs;
  dryRun: boolean;
  offline: boolean;
  runId: string;
  commandLine: string;
  report: Reporter;
  /** Values a saved plan generated, handed out again in order (ovs apply). */
  replay?: readonly GeneratedValue[];
}

export interface ProgramRun extends RunOptions {
  /** Needs the live machine (default true): under --root it is recorded, not run. */
  live?: boolean;
  /** A service action, for the plan and the journal. */
  service?: { name: string; action: string };
  /**
   * The system path of a file the program creates (fallocate, dd). In a dry run an empty
   * placeholder stands in for it in the overlay, so later steps (a rename) plan as they
   * would act without holding the file's bytes in memory.
   */
  creates?: string;
  /** Why a live action is left out under --root (default OFFLINE_REASON). */
  offlineReason?: string;
}

/** What a live action skipped under --root says unless its caller knows better. */
export const OFFLINE_REASON = 'needs the running server; --root changes only the image';

export interface RemoveOptions {
  /**
   * Back up a removed file's content first (default true). False for bulk data this run
   * made or is replacing (a 300 MiB heartbeat file), which is not configuration.
   */
  backup?: boolean;
}

export interface PlannedResult extends RunResult {
  /** Not run: dry run, or offline under --root. */
  planned?: boolean;
  /** Not run because it needs the live machine (--root): `skipped (offline)` in plan and run alike. */
  offline?: boolean;
}

const PLANNED: Record<string, string> = { wrote: 'write', created: 'create', linked: 'link', removed: 'remove', renamed: 'rename', ran: 'run' };

/** `wrote X` -> `would write X`: one wording for both modes, chosen here. */
function planned(message: string): string {
  const [verb, ...rest] = message.split(' ');
  const base = verb ? PLANNED[verb] : undefined;
  return base ? `would ${base} ${rest.join(' ')}` : message;
}

const sha256 = (data: Uint8Array | string | undefined): string | null =>
  data === undefined ? null : createHash('sha256').update(data).digest('hex');

export class Changes {
  readonly applied: Change[] = [];
  private readonly backedUp = new Set<string>();
  private temps = 0;
  /** The new bytes of each write of a dry run, for a saved plan (kept out of --json). */
  readonly contents = new Map<Change, Buffer>();

  private readonly values: GeneratedValues;

  constructor(private readonly o: ChangesOptions) {
    this.values = new GeneratedValues(o.replay);
  }

  get dryRun(): boolean {
    return this.o.dryRun;
  }

  /** This run's id (`20261125T120000Z-4242`): names its backup directory and journal lines. */
  get runId(): string {
    return this.o.runId;
  }

  /** A value the run makes up (a repository uuid): see generated.ts; replayed by `ovs apply`. */
  generate(what: string, make: () => string): string {
    return this.values.generate(what, make);
  }

  /** Every value this run generated, in order: the plan carries them, apply replays them. */
  get generated(): GeneratedValue[] {
    return this.values.list;
  }

  /** Where this run keeps (or would keep) the previous content of a system path. */
  backupPathOf(path: string): string {
    return posix.join(BACKUP_DIR, this.o.runId, path);
  }

  /** Write a file; false when it already held exactly this content. */
  async writeFile(path: string, content: string | Uint8Array, opts: { mode?: number } = {}): Promise<boolean> {
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
    const target = await this.followLinks(path);
    const st = await statOrUndefined(this.o.fs, target, false);
    if (st && st.kind !== 'file') throw new OvsError(EXIT.CANTCREAT, `${path} exists and is not a regular file`, { while: `writing ${path}` });
    const before = st ? await this.o.fs.readFile(target) : undefined;
    if (before && Buffer.compare(before, data) === 0 && (opts.mode === undefined || opts.mode === st?.mode)) return false;
    const change: Change = { kind: 'write', path, result: 'planned', before: sha256(before), after: sha256(data) };
    if (this.o.dryRun) {
      change.diff = unifiedDiff(path, before?.toString('utf8') ?? '', data.toString('utf8'));
      this.contents.set(change, data);
      await this.o.fs.writeFile(target, data, { mode: opts.mode ?? st?.mode });
      await this.record(change, `wrote ${path}`);
      return true;
    }
    await this.backup(path, target, before);
    await this.atomicWrite(target, data, st, opts.mode);
    change.result = 'applied';
    await this.record(change, `wrote ${path}`);
    return true;
  }

  /** mkdir -p; true when something was created. */
  async mkdir(path: string, mode = 0o755): Promise<boolean> {
    const missing: string[] = [];
    for (let p = posix.normalize(path); p !== '/'; p = posix.dirname(p)) {
      const st = await statOrUndefined(this.o.fs, p);
      if (st?.kind === 'dir') break;
      if (st) throw new OvsError(EXIT.CANTCREAT, `${p} exists and is not a directory`, { while: `creating ${path}` });
      missing.unshift(p);
    }
    for (const p of missing) {
      await this.guard(`creating ${p}`, p, () => this.o.fs.mkdir(p, mode));
      await this.record({ kind: 'mkdir', path: p, result: this.o.dryRun ? 'planned' : 'applied' }, `created ${p}/`);
    }
    return missing.length > 0;
  }

  /** Point `path` at `target` (replacing an existing link atomically); false when it already does. */
  async symlink(target: string, path: string): Promise<boolean> {
    const st = await statOrUndefined(this.o.fs, path, false);
    if (st && st.kind !== 'symlink') throw new OvsError(EXIT.CANTCREAT, `${path} exists and is not a symbolic link`, { while: `linking ${path} to ${target}` });
    if (st && (await this.o.fs.readlink(path)) === target) return false;
    const tmp = this.tempName(path);
    await this.guard(`linking ${path} to ${target}`, path, async () => {
      await this.o.fs.symlink(target, tmp);
      await this.o.fs.rename(tmp, path);
    });
    await this.record({ kind: 'symlink', path, target, result: this.o.dryRun ? 'planned' : 'applied' }, `linked ${path} -> ${target}`);
    return true;
  }

  /** Remove a file or symbolic link (a file is backed up first); false when absent. */
  async remove(path: string, opts: RemoveOptions = {}): Promise<boolean> {
    const st = await statOrUndefined(this.o.fs, path, false);
    if (!st) return false;
    if (st.kind === 'dir') throw new OvsError(EXIT.SOFTWARE, `${path} is a directory`, { while: `removing ${path}` });
    const before = st.kind === 'file' && opts.backup !== false ? await this.o.fs.readFile(path) : undefined;
    if (!this.o.dryRun) await this.backup(path, path, before);
    await this.guard(`removing ${path}`, path, () => this.o.fs.unlink(path));
    await this.record({ kind: 'remove', path, result: this.o.dryRun ? 'planned' : 'applied', before: sha256(before), after: null }, `removed ${path}`);
    return true;
  }

  /** Remove an empty directory; false when absent. */
  async rmdir(path: string): Promise<boolean> {
    if (!(await statOrUndefined(this.o.fs, path, false))) return false;
    await this.guard(`removing ${path}`, path, () => this.o.fs.rmdir(path));
    await this.record({ kind: 'rmdir', path, result: this.o.dryRun ? 'planned' : 'applied' }, `removed ${path}/`);
    return true;
  }

  /** Rename a file this run prepared (e.g. a verified heartbeat file) into place. */
  async rename(from: string, to: string, opts: RemoveOptions = {}): Promise<void> {
    // Raw bytes: a text round trip would corrupt a binary file's backup.
    const before = opts.backup === false ? undefined : await this.o.fs.readFile(to).catch(() => undefined);
    if (!this.o.dryRun && before !== undefined) await this.backup(to, to, before);
    await this.guard(`renaming ${from} to ${to}`, to, async () => {
      await this.o.fs.rename(from, to);
      await this.o.fs.syncDir(posix.dirname(to));
    });
    await this.record({ kind: 'rename', path: from, target: to, result: this.o.dryRun ? 'planned' : 'applied' }, `renamed ${from} -> ${to}`);
  }

  /**
   * Run a program that changes the machine. Dry run: recorded, not run. Offline (--root)
   * and `live`: recorded as skipped. The caller decides what a non-zero exit means.
   */
  async run(argv: readonly string[], opts: ProgramRun = {}): Promise<PlannedResult> {
    const { live = true, service, creates, offlineReason = OFFLINE_REASON, ...runOpts } = opts;
    const change: Change = service ? { kind: 'service', service, argv: [...argv], result: 'planned' } : { kind: 'run', argv: [...argv], result: 'planned' };
    const label = service ? `${service.action} ${service.name}` : argv.join(' ');
    // Offline, a live action is recorded the same way in the plan and in the run: the plan
    // shows exactly what the run will record, never a program the run will not start.
    if (this.o.offline && live) {
      Object.assign(change, { result: 'skipped (offline)', reason: offlineReason });
      await this.record(change, `skipped (offline): ${label} (${offlineReason})`);
      return { exitCode: 0, stdout: '', stderr: '', planned: true, offline: true };
    }
    if (this.o.dryRun) {
      if (creates) await this.guard(`planning ${creates}`, creates, () => this.o.fs.writeFile(creates, ''));
      await this.record(change, `ran ${label}`);
      return { exitCode: 0, stdout: '', stderr: '', planned: true };
    }
    this.o.report.debug(`run: ${argv.join(' ')}`);
    const r = await this.o.host.run(argv, runOpts);
    change.exitCode = r.exitCode;
    change.result = r.exitCode === 0 ? 'applied' : 'failed';
    await this.record(change, r.exitCode === 0 ? `ran ${label}` : `${label} failed (exit ${r.exitCode})`);
    return r;
  }

  // -------------------------------------------------------------------------------------

  /** A write through a symbolic link changes the file it points to, not the link. */
  private async followLinks(path: string): Promise<string> {
    let p = path;
    for (let i = 0; i < 40; i++) {
      const st = await statOrUndefined(this.o.fs, p, false);
      if (st?.kind !== 'symlink') return p;
      const t = await this.o.fs.readlink(p);
      p = t.startsWith('/') ? t : posix.join(posix.dirname(p), t);
    }
    return p;
  }

  /**
   * Unique by pid and count (created exclusively). Not from the random source: that one is
   * kept for the values a run generates (UUIDs), so a plan and its run draw the same values.
   */
  private tempName(path: string): string {
    return posix.join(posix.dirname(path), `.${posix.basename(path)}.ovs-${this.o.host.pid}-${++this.temps}.tmp`);
  }

  private async atomicWrite(path: string, data: Buffer, st: FileStat | undefined, mode: number | undefined): Promise<void> {
    const fs = this.o.fs;
    const tmp = this.tempName(path);
    try {
      await fs.writeFile(tmp, data, { exclusive: true, fsync: true, mode: mode ?? st?.mode ?? 0o644 });
      if (st) await fs.chown(tmp, st.uid, st.gid);
      await fs.rename(tmp, path);
      await fs.syncDir(posix.dirname(path));
    } catch (e) {
      await fs.unlink(tmp).catch(() => {});
      throw systemError(e, `writing ${path}`, path);
    }
  }

  /** Keep the first previous content of each path changed in this run (0600 in 0700 dirs). */
  private async backup(path: string, target: string, before: Uint8Array | undefined): Promise<void> {
    if (before === undefined || this.backedUp.has(target)) return;
    const dest = posix.join(BACKUP_DIR, this.o.runId, target);
    try {
      await this.mkdirQuiet(posix.dirname(dest), 0o700);
      await this.o.fs.writeFile(dest, before, { exclusive: true, fsync: true, mode: 0o600 });
    } catch (e) {
      if (errnoOf(e) !== 'EEXIST') throw systemError(e, `backing up ${path} to ${dest}`, dest);
    }
    this.backedUp.add(target);
  }

  private async mkdirQuiet(path: string, mode: number): Promise<void> {
    if (path === '/' || (await statOrUndefined(this.o.fs, path))?.kind === 'dir') return;
    await this.mkdirQuiet(posix.dirname(path), mode);
    await this.o.fs.mkdir(path, mode).catch((e) => {
      if (errnoOf(e) !== 'EEXIST') throw e;
    });
  }

  private async guard(doing: string, path: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      throw systemError(e, doing, path);
    }
  }

  private async record(change: Change, message: string): Promise<void> {
    this.applied.push(change);
    // A program's failure is its caller's to judge (a fallback, or an error that says why):
    // here it is only a --verbose line, so it is never reported twice.
    if (change.result === 'failed') this.o.report.debug(message);
    else this.o.report.done(this.o.dryRun ? planned(message) : message);
    if (this.o.dryRun) return;
    const line = JSON.stringify({
      time: this.o.host.now().toISOString(),
      run: this.o.runId,
      command: this.o.commandLine,
      kind: change.kind,
      ...(change.path ? { path: change.path } : {}),
      ...(change.target ? { target: change.target } : {}),
      ...(change.argv ? { argv: change.argv } : {}),
      ...(change.service ? { service: change.service } : {}),
      ...(change.before !== undefined ? { sha256_before: change.before } : {}),
      ...(change.after !== undefined ? { sha256_after: change.after } : {}),
      ...(change.exitCode !== undefined ? { exit: change.exitCode } : {}),
      result: change.result,
      ...(change.reason ? { reason: change.reason } : {}),
    });
    try {
      await this.mkdirQuiet(posix.dirname(JOURNAL), 0o700);
      await this.o.fs.appendFile(JOURNAL, `${line}\n`, 0o600);
    } catch (e) {
      throw systemError(e, `journaling a change to ${JOURNAL}`, JOURNAL);
    }
  }
}
