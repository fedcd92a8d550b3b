/**
 * Every change `ovs` makes to a system goes through here (docs/design.md, the write path): files are written
 * atomically (temp file in the same directory, fsync, rename, directory fsync; mode and
 * owner kept; an unchanged file is not rewritten), the previous content is backed up under
 * /var/lib/ovs/backups/<run-id>/, and each change is journaled ahead: the run's `begin`
 * before its first change (a run that changes nothing writes nothing), an `intent` (temporary
 * name, backup, hashes, what was there) before each change, fsynced, and the `change` after it.
 * A run that fails takes back its file changes (rollBack, through recovery.ts) and ends
 * `rolled back`. Programs that change the machine and service actions run here too. Under
 * --dry-run the same calls land in the overlay and are recorded as the plan; under --root,
 * actions that need the live machine are recorded as `skipped (offline)`: reported, not
 * journaled (nothing happened to the system). Commands never ask which mode they are in.
 */
import { decodeText, encodeText } from './bytes.js';
import { posix } from 'node:path';
import { atomicSymlink, atomicWrite, tempNameFor } from './atomic-write.js';
import { unifiedDiff } from './diff.js';
import { sha256Hex } from './sha256.js';
import { GeneratedValues, type GeneratedValue } from './generated.js';
import { EXIT, OvsError, errnoOf, readFailure, systemError } from './errors.js';
import { statOrUndefined } from './files.js';
import type { RunOptions, RunResult } from './host.js';
import { JOURNAL, type ChangeKind, type ChangeResult, type ChangeSubject, type RunStatus } from './journal.js';
import { FILE_KINDS, restoreIntents } from './recovery.js';
import { RunJournal, type ChangeFields, type Intent, type RunJournalOptions } from './run-journal.js';

export const BACKUP_DIR = '/var/lib/ovs/backups';
export { JOURNAL };
export type { ChangeKind, ChangeResult, GeneratedValue };

/** One change as the plan and the result list it; its subject as the journal records it (target: a link's target, a rename's destination). */
export interface Change extends Omit<ChangeSubject, 'sha256_before' | 'sha256_after'> {
  result: ChangeResult;
  exitCode?: number;
  before?: string | null; // sha256
  after?: string | null;
  /** unified diff (dry run only) */
  diff?: string;
  /** Why it was not run (`skipped (offline)`): the same words in the plan and the run. */
  reason?: string;
}

/** The journal's options (fs: the --root view, with the dry-run overlay on top when planning), and how the run plans. */
export interface ChangesOptions extends RunJournalOptions {
  dryRun: boolean;
  offline: boolean;
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

/** Why a change was planned and not made: a dry run, or a live action under --root. */
export type PlannedBecause = 'dry-run' | 'offline';

export interface PlannedResult extends RunResult {
  /**
   * Not run, and why: 'dry-run', or 'offline' — it needs the live machine (--root) and is
   * `skipped (offline)` in plan and run alike. The caller skips verifying its effects.
   */
  planned?: PlannedBecause;
}

const PLANNED: Record<string, string> = { wrote: 'write', created: 'create', linked: 'link', removed: 'remove', renamed: 'rename', ran: 'run' };

/** `wrote X` -> `would write X`: one wording for both modes, chosen here. */
function planned(message: string): string {
  const [verb, ...rest] = message.split(' ');
  const base = verb ? PLANNED[verb] : undefined;
  return base ? `would ${base} ${rest.join(' ')}` : message;
}

const sha256 = (data: Uint8Array | string | undefined): string | null =>
  data === undefined ? null : sha256Hex(data);

/**
 * Set `change.before` to sha256(data), computed on first read and then kept as a plain value:
 * an enumerable getter, so JSON, a spread and a deep equality see the same object.
 */
function beforeSumOnRead(change: Change, data: Uint8Array | undefined): void {
  Object.defineProperty(change, 'before', {
    enumerable: true,
    configurable: true,
    get() {
      const value = sha256(data);
      Object.defineProperty(change, 'before', { value, enumerable: true, configurable: true, writable: true });
      return value;
    },
  });
}

export class Changes {
  readonly applied: Change[] = [];
  private readonly backedUp = new Set<string>();
  private readonly seqOf = new WeakMap<Change, number>();
  private readonly journal: RunJournal;
  private temps = 0;
  /** The new bytes of each write of a dry run, for a saved plan (kept out of --json). */
  readonly contents = new Map<Change, Buffer>();
  private readonly values: GeneratedValues;

  constructor(private readonly o: ChangesOptions) {
    this.journal = new RunJournal(o);
    this.values = new GeneratedValues(o.replay);
  }

  get dryRun(): boolean {
    return this.o.dryRun;
  }

  /** This run's id (`20261125T120000Z-4242`): names its backup directory and journal lines. */
  get runId(): string {
    return this.o.runId;
  }

  /** True once the run has journaled a change (so it has an `end` to write). */
  get journaled(): boolean {
    return this.journal.begun;
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
    const data = typeof content === 'string' ? encodeText(content) : Buffer.from(content); // bytes.ts: lossless
    const target = await this.followLinks(path);
    const st = await statOrUndefined(this.o.fs, target, false);
    if (st && st.kind !== 'file') throw new OvsError(EXIT.CANTCREAT, `${path} exists and is not a regular file`, { while: `writing ${path}` });
    const before = st ? await this.current(path, target) : undefined;
    if (before && Buffer.compare(before, data) === 0 && (opts.mode === undefined || opts.mode === st?.mode)) return false;
    if (this.o.dryRun) {
      // What was there is summed only when someone reads it (--json, --save-plan, apply): a
      // human plan shows the sum of the new content only, and hashing costs (docs/design.md).
      const change: Change = { kind: 'write', path, result: 'planned' };
      beforeSumOnRead(change, before);
      change.after = sha256(data);
      change.diff = unifiedDiff(path, before ? decodeText(before) : '', decodeText(data));
      this.contents.set(change, data);
      await this.o.fs.writeFile(target, data, { mode: opts.mode ?? st?.mode });
      await this.record(change, `wrote ${path}`);
      return true;
    }
    const change: Change = { kind: 'write', path, result: 'planned', before: sha256(before), after: sha256(data) };
    const tmp = this.tempName(target);
    const seq = await this.backUpAndIntend(path, target, before, {
      kind: 'write', path, ...(target !== path ? { file: target } : {}), sha256_before: change.before, sha256_after: change.after, temp: tmp,
      ...(st ? { backup: this.backupPathOf(target), mode: st.mode, uid: st.uid, gid: st.gid } : {}),
    });
    await atomicWrite(this.o.fs, target, data, tmp, { mode: opts.mode ?? st?.mode, uid: st?.uid, gid: st?.gid });
    change.result = 'applied';
    await this.record(change, `wrote ${path}`, seq);
    return true;
  }

  /** mkdir -p; true when something was created. */
  async mkdir(path: string, mode = 0o755): Promise<boolean> {
    let missing = await this.missingDirs(path);
    if (missing.length > 0 && !this.o.dryRun && !this.journal.begun) {
      // The journal's own directory may be one of them: ovs's state, not this change.
      await this.journal.begin();
      missing = await this.missingDirs(path);
    }
    for (const p of missing) {
      const seq = await this.intend({ kind: 'mkdir', path: p, mode });
      await this.guard(`creating ${p}`, p, () => this.o.fs.mkdir(p, mode));
      await this.record({ kind: 'mkdir', path: p, result: this.result() }, `created ${p}/`, seq);
    }
    return missing.length > 0;
  }

  private async missingDirs(path: string): Promise<string[]> {
    const missing: string[] = [];
    for (let p = posix.normalize(path); p !== '/'; p = posix.dirname(p)) {
      const st = await statOrUndefined(this.o.fs, p);
      if (st?.kind === 'dir') break;
      if (st) throw new OvsError(EXIT.CANTCREAT, `${p} exists and is not a directory`, { while: `creating ${path}` });
      missing.unshift(p);
    }
    return missing;
  }

  /** Point `path` at `target` (replacing an existing link atomically); false when it already does. */
  async symlink(target: string, path: string): Promise<boolean> {
    const st = await statOrUndefined(this.o.fs, path, false);
    if (st && st.kind !== 'symlink') throw new OvsError(EXIT.CANTCREAT, `${path} exists and is not a symbolic link`, { while: `linking ${path} to ${target}` });
    const previous = st ? await this.o.fs.readlink(path) : null;
    if (previous === target) return false;
    const tmp = this.tempName(path);
    const seq = await this.intend({ kind: 'symlink', path, target, temp: tmp, link_before: previous });
    await atomicSymlink(this.o.fs, target, path, tmp);
    await this.record({ kind: 'symlink', path, target, result: this.result() }, `linked ${path} -> ${target}`, seq);
    return true;
  }

  /** Remove a file or symbolic link (a file is backed up first); false when absent. */
  async remove(path: string, opts: RemoveOptions = {}): Promise<boolean> {
    const st = await statOrUndefined(this.o.fs, path, false);
    if (!st) return false;
    if (st.kind === 'dir') throw new OvsError(EXIT.SOFTWARE, `${path} is a directory`, { while: `removing ${path}` });
    const before = st.kind === 'file' && opts.backup !== false ? await this.current(path, path) : undefined;
    const link = st.kind === 'symlink' ? await this.o.fs.readlink(path) : undefined;
    const seq = await this.backUpAndIntend(path, path, before, {
      kind: 'remove', path, sha256_after: null,
      ...(before ? { sha256_before: sha256(before), backup: this.backupPathOf(path), mode: st.mode, uid: st.uid, gid: st.gid } : {}),
      ...(link !== undefined ? { link_before: link } : {}),
    });
    await this.guard(`removing ${path}`, path, () => this.o.fs.unlink(path));
    await this.record({ kind: 'remove', path, result: this.result(), before: sha256(before), after: null }, `removed ${path}`, seq);
    return true;
  }

  /** Remove an empty directory; false when absent. */
  async rmdir(path: string): Promise<boolean> {
    const st = await statOrUndefined(this.o.fs, path, false);
    if (!st) return false;
    const seq = await this.intend({ kind: 'rmdir', path, mode: st.mode });
    await this.guard(`removing ${path}`, path, () => this.o.fs.rmdir(path));
    await this.record({ kind: 'rmdir', path, result: this.result() }, `removed ${path}/`, seq);
    return true;
  }

  /** Rename a file this run prepared (e.g. a verified heartbeat file) into place. */
  async rename(from: string, to: string, opts: RemoveOptions = {}): Promise<void> {
    // Raw bytes: a text round trip would corrupt a binary file's backup.
    const before = opts.backup === false ? undefined : await this.o.fs.readFile(to).catch(() => undefined);
    const existed = before !== undefined || (await statOrUndefined(this.o.fs, to, false)) !== undefined;
    const seq = await this.backUpAndIntend(to, to, before, {
      kind: 'rename', path: from, target: to,
      ...(before ? { sha256_before: sha256(before), backup: this.backupPathOf(to) } : existed ? {} : { sha256_before: null }),
    });
    await this.guard(`renaming ${from} to ${to}`, to, async () => {
      await this.o.fs.rename(from, to);
      await this.o.fs.syncDir(posix.dirname(to));
    });
    await this.record({ kind: 'rename', path: from, target: to, result: this.result() }, `renamed ${from} -> ${to}`, seq);
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
      return { exitCode: 0, stdout: '', stderr: '', planned: 'offline' };
    }
    if (this.o.dryRun) {
      if (creates) await this.guard(`planning ${creates}`, creates, () => this.o.fs.writeFile(creates, ''));
      await this.record(change, `ran ${label}`);
      return { exitCode: 0, stdout: '', stderr: '', planned: 'dry-run' };
    }
    // A file the program creates is named in the intent: recovery may remove it as this run's.
    const made = creates && !(await statOrUndefined(this.o.fs, creates, false)) ? { path: creates, sha256_before: null } : {};
    const seq = await this.intend({ kind: change.kind, argv: [...argv], ...(service ? { service } : {}), ...made });
    this.o.report.debug(`run: ${argv.join(' ')}`);
    const r = await this.o.host.run(argv, runOpts);
    change.exitCode = r.exitCode;
    change.result = r.exitCode === 0 ? 'applied' : 'failed';
    await this.record(change, r.exitCode === 0 ? `ran ${label}` : `${label} failed (exit ${r.exitCode})`, seq);
    return r;
  }

  /**
   * A run failed: take back its file changes (newest first, from its backups, through the
   * same atomic writes), mark them `rolled back` and end the run in the journal. Programs
   * that ran and service actions stay `applied`: they cannot be taken back. Never throws:
   * what could not be taken back stays `applied` and is said in a warning.
   */
  async rollBack(exit: number): Promise<void> {
    if (this.o.dryRun || !this.journal.begun) return;
    const outcome = await restoreIntents(this.o.fs, this.journal.intents, `undo-${this.o.host.randomHex(4)}`);
    const records: ChangeFields[] = [];
    let files = 0;
    for (const c of this.applied) {
      const seq = this.seqOf.get(c);
      if (seq === undefined || !FILE_KINDS.has(c.kind) || c.result !== 'applied') continue;
      files++;
      if (!outcome.takenBack.has(seq)) continue;
      c.result = 'rolled back';
      records.push({ seq, kind: c.kind, ...(c.path ? { path: c.path } : {}), ...(c.target ? { target: c.target } : {}), result: 'rolled back' });
    }
    for (const [path, why] of outcome.failed) this.o.report.warn(`could not take back the change to ${path}: ${why}`);
    await this.journal.closing([...records, { status: files > 0 && outcome.failed.size === 0 ? 'rolled back' : 'failed', exit }]);
  }

  /** The run is over: its `end` (only when it began: a run that changed nothing writes nothing). */
  async end(status: Exclude<RunStatus, 'running' | 'interrupted' | 'recovered'>, exit: number): Promise<void> {
    if (!this.o.dryRun) await this.journal.closing([{ status, exit }]);
  }

  // -------------------------------------------------------------------------------------

  private result(): ChangeResult {
    return this.o.dryRun ? 'planned' : 'applied';
  }

  /**
   * Whether the changes made now are only planned ('dry-run'), for a step whose own result
   * cannot say it (links made through the overlay). A live action under --root says
   * 'offline' in its own result (run()).
   */
  get planning(): 'dry-run' | undefined {
    return this.o.dryRun ? 'dry-run' : undefined;
  }

  /**
   * The backup, then the intent that names it (nothing in a dry run); its seq. In this order
   * a run that fails at either step has changed nothing and leaves nothing: a backup that
   * cannot be made (a read-only /var/lib) is refused before the journal is written, and an
   * intent that cannot be written (a full /var/log) takes back the backup just made. Once
   * the intent is on disk it is never without its backup.
   */
  private async backUpAndIntend(path: string, target: string, before: Uint8Array | undefined, intent: Intent): Promise<number> {
    if (this.o.dryRun) return 0;
    const undo = await this.backup(path, target, before);
    try {
      return await this.intend(intent);
    } catch (e) {
      await undo?.();
      throw e;
    }
  }

  /** Journal what is about to change (nothing in a dry run); its seq. */
  private async intend(intent: Intent): Promise<number> {
    return this.o.dryRun ? 0 : this.journal.intend(intent);
  }

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
    // pid and a counter, not the random source: that is kept for the values a plan records.
    return tempNameFor(path, `${this.o.host.pid}-${++this.temps}`);
  }

  /**
   * Keep the first previous content of each path changed in this run (0600 in 0700 dirs).
   * A backup that fails takes back what it made (a partial copy, the directories made for
   * it): it comes before its change, so a run that fails here has changed nothing and must
   * leave no trace (no empty backup directory).
   */
  private async backup(path: string, target: string, before: Uint8Array | undefined): Promise<(() => Promise<void>) | undefined> {
    if (before === undefined || this.backedUp.has(target)) return undefined;
    const dest = posix.join(BACKUP_DIR, this.o.runId, target);
    const made: string[] = [];
    let created = false;
    try {
      await this.mkdirQuiet(posix.dirname(dest), 0o700, made);
      created = true; // from here an exclusive create that fails past EEXIST made the file
      await this.o.fs.writeFile(dest, before, { exclusive: true, fsync: true, mode: 0o600 });
    } catch (e) {
      if (errnoOf(e) === 'EEXIST') {
        this.backedUp.add(target);
        return undefined;
      }
      if (created) await this.o.fs.unlink(dest).catch(() => {});
      await this.rmdirs(made);
      throw systemError(e, `backing up ${path} to ${dest}`, dest);
    }
    this.backedUp.add(target);
    return async () => {
      this.backedUp.delete(target);
      await this.o.fs.unlink(dest).catch(() => {});
      await this.rmdirs(made);
    };
  }

  /** Remove directories this run made for its own records, innermost first (only if empty). */
  private async rmdirs(made: readonly string[]): Promise<void> {
    for (const d of [...made].reverse()) await this.o.fs.rmdir(d).catch(() => {});
  }

  /** mkdir -p of ovs's own directories; `made` gets those it created, outermost first. */
  private async mkdirQuiet(path: string, mode: number, made: string[] = []): Promise<void> {
    if (path === '/' || (await statOrUndefined(this.o.fs, path))?.kind === 'dir') return;
    await this.mkdirQuiet(posix.dirname(path), mode, made);
    await this.o.fs.mkdir(path, mode).then(
      () => void made.push(path),
      (e) => {
        if (errnoOf(e) !== 'EEXIST') throw e;
      },
    );
  }

  /**
   * The bytes a change replaces. Read right after the stat that found the file, yet something
   * else can remove or swap it in between (a directory of a --root image replaced while ovs
   * runs): that is a system file that cannot be read (72, one line), never an internal error.
   */
  private async current(path: string, target: string): Promise<Buffer> {
    try {
      return await this.o.fs.readFile(target);
    } catch (e) {
      throw readFailure(e, path, 'system', `reading ${path} before changing it`);
    }
  }

  private async guard(doing: string, path: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      throw systemError(e, doing, path);
    }
  }

  private async record(change: Change, message: string, seq?: number): Promise<void> {
    this.applied.push(change);
    // A program's failure is its caller's to judge (a fallback, or an error that says why):
    // here it is only a --verbose line, so it is never reported twice.
    if (change.result === 'failed') this.o.report.debug(message);
    else this.o.report.done(this.o.dryRun ? planned(message) : message);
    if (seq === undefined || this.o.dryRun) return;
    this.seqOf.set(change, seq);
    await this.journal.changed({
      seq,
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
  }
}
