/**
 * Taking a run's file changes back, from what its journal intents recorded before each
 * change (the state found there, the backup of the previous content, the temporary name):
 *
 * - rollback: a run that fails takes back its own file changes before it reports (changes.ts);
 * - recovery: a run interrupted for good (SIGKILL, power loss) has a `begin` and no `end`;
 *   the next run that takes the lock takes its file changes back before doing anything else,
 *   removes the temporary files its intents name, and writes its `end` (interrupted).
 *
 * Why back and not forward: a killed run may have stopped before it wrote some of the files
 * that belong together (cluster.conf and the O2CB settings; /etc/ovs/repositories and
 * /etc/fstab), and what it would have written next was computed in memory and lost. The
 * state before the run is the only complete state on disk (its backups), so the interrupted
 * run is taken back whole and the operator runs the command again.
 *
 * Every path is put back as the run's first intent on it found it, newest path first, each
 * through the same atomic write as a change. A path that changed since in a way the run
 * did not make (a hash it never wrote) is left alone and reported. Programs that ran and
 * service actions cannot be taken back; they are reported as applied. Restoring is
 * idempotent, so a recovery interrupted in its turn is simply done again by the next run.
 */
import { sha256Hex as sha256 } from './sha256.js';
import { atomicSymlink, atomicWrite, tempNameFor } from './atomic-write.js';
import { errnoOf } from './errors.js';
import type { FileStat, Host, HostFs } from './host.js';
import { JOURNAL, appendJournal, groupRuns, parseJournal, unfinishedRunIds, type ChangeKind, type IntentRecord, type JournalRecord, type JournalRun } from './journal.js';
import { holderAlive } from './lock.js';
import type { Reporter } from './output.js';
import { isoUtc } from './time.js';

type PreState =
  | { kind: 'absent' }
  | { kind: 'file'; sha: string; backup: string; mode?: number; uid?: number; gid?: number }
  | { kind: 'symlink'; target: string }
  | { kind: 'dir'; mode?: number }
  | { kind: 'unknown' };

const OVS_STATE = ['/var/log/ovs/', '/var/lib/ovs/'];
const ABSENT: PreState = { kind: 'absent' };
const UNKNOWN: PreState = { kind: 'unknown' };

/** Changes to files and directories: the ones a rollback takes back. */
export const FILE_KINDS: ReadonlySet<ChangeKind> = new Set(['write', 'mkdir', 'symlink', 'remove', 'rmdir', 'rename']);


function fileState(i: IntentRecord): PreState {
  if (i.link_before) return { kind: 'symlink', target: i.link_before };
  if (i.sha256_before === null) return ABSENT;
  if (typeof i.sha256_before === 'string' && i.backup) return { kind: 'file', sha: i.sha256_before, backup: i.backup, mode: i.mode, uid: i.uid, gid: i.gid };
  return UNKNOWN; // not kept (bulk data, e.g. a heartbeat file replaced)
}

/** The paths an intent touches, each with the state the intent found there. */
function touches(i: IntentRecord): { path: string; pre: PreState }[] {
  const path = i.path ?? '';
  switch (i.kind) {
    case 'write':
      return [{ path: i.file ?? path, pre: fileState(i) }];
    case 'mkdir':
      return [{ path, pre: ABSENT }];
    case 'symlink':
      return [{ path, pre: i.link_before === null ? ABSENT : i.link_before ? { kind: 'symlink', target: i.link_before } : UNKNOWN }];
    case 'remove':
      return [{ path, pre: fileState(i) }];
    case 'rmdir':
      return [{ path, pre: { kind: 'dir', mode: i.mode } }];
    case 'rename':
      // The source is consumed: it can be put back only if an earlier intent made it (a program's file).
      return [{ path, pre: UNKNOWN }, { path: i.target ?? '', pre: fileState(i) }];
    default:
      // A program that creates a file (fallocate, dd): the file did not exist before.
      return i.path && i.sha256_before === null ? [{ path: i.path, pre: ABSENT }] : [];
  }
}

async function lstatOrUndefined(fs: HostFs, path: string): Promise<FileStat | undefined> {
  try {
    return await fs.lstat(path);
  } catch (e) {
    if (errnoOf(e) === 'ENOENT' || errnoOf(e) === 'ENOTDIR') return undefined;
    throw e;
  }
}

/** Hashes the run itself found or wrote at a path; 'any' when one of them was not computed. */
type Known = Set<string | null> | 'any';

function addKnown(known: Map<string, Known>, path: string, i: IntentRecord): void {
  const k = known.get(path) ?? new Set<string | null>();
  if (k !== 'any' && i.kind !== 'mkdir' && i.kind !== 'rmdir' && i.kind !== 'symlink') {
    const unhashed = i.kind === 'rename' || i.kind === 'run' || i.kind === 'service' || i.sha256_before === undefined || i.sha256_after === undefined;
    if (unhashed) {
      known.set(path, 'any');
      return;
    }
    k.add(i.sha256_before ?? null);
    k.add(i.sha256_after ?? null);
  }
  known.set(path, k);
}

/** Put one path back; undefined when done, else why not. */
async function restorePath(fs: HostFs, path: string, pre: PreState, known: Known, tag: string): Promise<string | undefined> {
  const st = await lstatOrUndefined(fs, path);
  const ours = async () => known === 'any' || known.has(sha256(await fs.readFile(path)));
  switch (pre.kind) {
    case 'unknown':
      return 'its previous state was not kept';
    case 'absent':
      if (!st) return undefined;
      if (st.kind === 'dir') {
        // ovs's own journal and backups may have been made inside since: they stay, and so does it.
        if (OVS_STATE.some((d) => d.startsWith(`${path}/`))) return fs.rmdir(path).then(() => undefined, () => undefined);
        await fs.rmdir(path);
        return undefined;
      }
      if (st.kind === 'file' && !(await ours())) return 'it was changed since by something else';
      await fs.unlink(path);
      return undefined;
    case 'file': {
      if (st?.kind === 'file') {
        const current = sha256(await fs.readFile(path));
        if (current === pre.sha) return undefined;
        if (known !== 'any' && !known.has(current)) return 'it was changed since by something else';
      } else if (st && st.kind !== 'symlink') return `it is now a ${st.kind === 'dir' ? 'directory' : 'special file'}`;
      const data = await fs.readFile(pre.backup);
      if (sha256(data) !== pre.sha) return `its backup ${pre.backup} does not hold the previous content`;
      const tmp = tempNameFor(path, tag);
      await fs.unlink(tmp).catch(() => {}); // left by a recovery interrupted in its turn
      await atomicWrite(fs, path, data, tmp, { mode: pre.mode, uid: pre.uid, gid: pre.gid }, `restoring ${path}`);
      return undefined;
    }
    case 'symlink': {
      if (st?.kind === 'symlink' && (await fs.readlink(path)) === pre.target) return undefined;
      if (st?.kind === 'dir') return 'it is now a directory';
      const tmp = tempNameFor(path, tag);
      await fs.unlink(tmp).catch(() => {});
      await atomicSymlink(fs, pre.target, path, tmp, `restoring ${path}`);
      return undefined;
    }
    case 'dir':
      if (st?.kind === 'dir') return undefined;
      if (st) return 'a file is there now';
      await fs.mkdir(path, pre.mode ?? 0o755);
      return undefined;
  }
}

function reasonOf(e: unknown): string {
  const code = errnoOf(e);
  if (code === 'ENOTEMPTY' || code === 'EEXIST') return 'the directory is not empty';
  if (code === 'EPERM' || code === 'EACCES') return 'permission denied';
  return (e as Error)?.message ?? String(e);
}

export interface RestoreOutcome {
  /** Intents (by seq) whose every path is back as it was before the run. */
  takenBack: Set<number>;
  /** Paths that could not be put back, with the reason. */
  failed: Map<string, string>;
}

/** Take back the file changes these intents announced (see the module comment). */
export async function restoreIntents(fs: HostFs, intents: readonly IntentRecord[], tag: string): Promise<RestoreOutcome> {
  const first = new Map<string, PreState>();
  const known = new Map<string, Known>();
  for (const i of intents) {
    for (const t of touches(i)) {
      if (!first.has(t.path)) first.set(t.path, t.pre);
      addKnown(known, t.path, i);
    }
  }
  for (const i of intents) if (i.temp) await fs.unlink(i.temp).catch(() => {});
  const failed = new Map<string, string>();
  for (const [path, pre] of [...first].reverse()) {
    const why = await restorePath(fs, path, pre, known.get(path) ?? 'any', tag).catch(reasonOf);
    if (why) failed.set(path, why);
  }
  const takenBack = new Set<number>();
  for (const i of intents) if (FILE_KINDS.has(i.kind) && touches(i).every((t) => !failed.has(t.path))) takenBack.add(i.seq);
  return { takenBack, failed };
}

/** The journal's text, or undefined when there is none (or it cannot be read: nothing to recover from). */
async function journalText(fs: HostFs): Promise<string | undefined> {
  try {
    return (await fs.readFile(JOURNAL)).toString('utf8');
  } catch {
    return undefined;
  }
}

interface Interrupted {
  text: string;
  runs: JournalRun[];
}

/** Runs that began and never ended and whose process is gone (not this run), oldest first. */
async function findInterrupted(fs: HostFs, host: Host, boot: string | undefined, self: string): Promise<Interrupted | undefined> {
  const text = await journalText(fs);
  if (!text) return undefined;
  const open = [...unfinishedRunIds(text).values()].filter((b) => b.run !== self && !holderAlive(host, boot, b));
  if (open.length === 0) return undefined;
  const ids = new Set(open.map((b) => b.run));
  return { text, runs: groupRuns(parseJournal(text).records).filter((r) => ids.has(r.run)) };
}

const label = (r: JournalRun) => `run ${r.run} (${r.command || 'unknown command'})`;
const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

export interface RecoveryOptions {
  /** The recovering run's id and boot. */
  run: string;
  boot?: string;
  report: Reporter;
}

/**
 * Before a locked run changes anything: take back every interrupted run (newest first) and
 * close it in the journal. Returns the ids of the runs recovered.
 */
export async function recoverInterrupted(fs: HostFs, host: Host, o: RecoveryOptions): Promise<string[]> {
  const found = await findInterrupted(fs, host, o.boot, o.run);
  if (!found) return [];
  // A line cut short by the kill must not swallow the first record written after it.
  let prefix = found.text.endsWith('\n') ? '' : '\n';
  for (const run of [...found.runs].reverse()) {
    const outcome = await restoreIntents(fs, run.intents, `restore-${run.run}`);
    const files = run.intents.filter((i) => FILE_KINDS.has(i.kind));
    const programs = run.intents.filter((i) => !FILE_KINDS.has(i.kind));
    const time = isoUtc(host.now());
    const records: JournalRecord[] = files
      .filter((i) => outcome.takenBack.has(i.seq))
      .map((i) => ({ type: 'change', time, run: run.run, seq: i.seq, kind: i.kind, ...(i.path ? { path: i.path } : {}), ...(i.target ? { target: i.target } : {}), result: 'rolled back' }));
    const recovery = files.length === 0 ? 'nothing to roll back' : outcome.failed.size === 0 ? 'rolled back' : 'partly rolled back';
    records.push({ type: 'end', time, run: run.run, status: 'interrupted', recovered_by: o.run, recovery });
    await appendJournal(fs, records, true, prefix);
    prefix = '';
    const left = [...outcome.failed].map(([p, why]) => `${p} (${why})`);
    o.report.warn(
      `${label(run)} was interrupted; ${files.length === 0 ? 'it changed no file' : `rolled back ${outcome.takenBack.size} of ${plural(files.length, 'file change')}`}` +
        (left.length ? `, left as is: ${left.join(', ')}` : '') +
        (programs.length ? `; ${plural(programs.length, 'program or service action')} it started cannot be taken back` : ''),
    );
  }
  return found.runs.map((r) => r.run);
}

/** Read-only commands and dry runs: say that an interrupted run waits for recovery, change nothing. */
export async function noticeInterrupted(fs: HostFs, host: Host, o: RecoveryOptions): Promise<void> {
  const found = await findInterrupted(fs, host, o.boot, o.run);
  for (const run of found?.runs ?? []) {
    o.report.warn(`${label(run)} was interrupted; the next ovs run that changes something rolls it back first`);
  }
}
