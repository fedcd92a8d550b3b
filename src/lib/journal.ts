/**
 * The journal's record format (ours): /var/log/ovs/journal.log, one JSON object per line.
 * It is written ahead: a run's `begin` before its first change, an `intent` before each
 * change and a `change` after it, an `end` when the run finishes. A run with a `begin` and
 * no `end` was interrupted (SIGKILL, power loss); the next run finds it here. `history`,
 * `undo`, `apply` and recovery all read the journal through this module; changes.ts and
 * recovery.ts write it, through appendJournal. Older journals (change lines without `type`)
 * still read. Every record is written with `type` first, so the records that decide whether
 * a run finished (begin, end) can be found without parsing every line.
 */
import { systemError } from './errors.js';
import type { HostFs } from './host.js';
import { makeDirs } from './atomic-write.js';

export const JOURNAL = '/var/log/ovs/journal.log';

export type ChangeKind = 'write' | 'mkdir' | 'symlink' | 'remove' | 'rmdir' | 'rename' | 'run' | 'service';
export type ChangeResult = 'applied' | 'planned' | 'skipped (offline)' | 'failed' | 'rolled back';
export type RunStatus = 'ok' | 'failed' | 'rolled back' | 'interrupted' | 'recovered' | 'running';

/** A run starts: written before its first change (a run that changes nothing writes none). */
export interface BeginRecord {
  type: 'begin';
  time: string;
  run: string;
  command: string;
  user: string;
  pid: number;
  /** /proc/sys/kernel/random/boot_id when known: a pid from another boot is not alive. */
  boot?: string;
}

/** What a change is about: the fields an intent and its change record share. */
export interface ChangeSubject {
  kind: ChangeKind;
  path?: string;
  target?: string;
  argv?: string[];
  service?: { name: string; action: string };
  sha256_before?: string | null;
  sha256_after?: string | null;
}

/** What a change is about to do (before it touches anything). */
export interface IntentRecord extends ChangeSubject {
  type: 'intent';
  time: string;
  run: string;
  /** 1, 2, 3 … within the run: pairs an intent with its change record. */
  seq: number;
  /** The temporary file an atomic write or link goes through (removed by recovery). */
  temp?: string;
  /** Where the previous content was saved (absent: nothing to save, or not backed up). */
  backup?: string;
  /** The file a write really changed, when `path` is a symbolic link to it. */
  file?: string;
  /** Mode and owner of what was there before (restored with the content). */
  mode?: number;
  uid?: number;
  gid?: number;
  /** What a symbolic link pointed to before (null: there was no link). */
  link_before?: string | null;
}

/** A change done (or failed, planned offline, rolled back). Lines without `type` are these. */
export interface ChangeRecord extends ChangeSubject {
  type: 'change';
  time: string;
  run: string;
  seq?: number;
  command?: string;
  exit?: number;
  result: ChangeResult;
  backup?: string;
}

/** A run ends. `recovered_by` is set when a later run closed an interrupted one. */
export interface EndRecord {
  type: 'end';
  time: string;
  run: string;
  status: Exclude<RunStatus, 'running'>;
  exit?: number;
  recovered_by?: string;
  /** What recovery did: 'rolled back' or 'completed'. */
  recovery?: string;
}

export type JournalRecord = BeginRecord | IntentRecord | ChangeRecord | EndRecord;

export interface JournalProblem {
  /** 1-based line number in the journal. */
  line: number;
  reason: string;
}

export function journalLine(record: JournalRecord): string {
  return `${JSON.stringify(record)}\n`;
}

/**
 * Append records in one write (O_APPEND: concurrent writers never interleave inside a line),
 * fsynced when `durable`: an intent must be on disk before the change it announces, and an
 * end before a later run could mistake the run for an interrupted one.
 */
export async function appendJournal(fs: HostFs, records: readonly JournalRecord[], durable: boolean, prefix = ''): Promise<void> {
  const text = prefix + records.map(journalLine).join('');
  try {
    await fs.appendFile(JOURNAL, text, 0o600, { durable }).catch(async (e: { code?: string }) => {
      if (e.code !== 'ENOENT') throw e;
      await makeDirs(fs, '/var/log/ovs', 0o700); // the first record on this system
      await fs.appendFile(JOURNAL, text, 0o600, { durable });
    });
  } catch (e) {
    throw systemError(e, `journaling a change to ${JOURNAL}`, JOURNAL);
  }
}


/**
 * Runs with a `begin` and no `end`, found without parsing the other records: one pass over
 * line starts (`type` is written first), the run id sliced out, only open begins parsed.
 * A 19 MB journal of 10 000 runs takes a few milliseconds.
 */
export function unfinishedRunIds(text: string): Map<string, BeginRecord> {
  const open = new Map<string, number>(); // run id -> offset of its begin line
  const BEGIN = '{"type":"begin",';
  const END = '{"type":"end",';
  const nextAt = (marker: string, from: number): number => {
    for (let i = text.indexOf(marker, from); i !== -1; i = text.indexOf(marker, i + 1)) if (i === 0 || text[i - 1] === '\n') return i;
    return Infinity;
  };
  let b = nextAt(BEGIN, 0);
  let e = nextAt(END, 0);
  while (b !== Infinity || e !== Infinity) {
    const at = Math.min(b, e);
    const key = text.indexOf('"run":"', at);
    const eol = text.indexOf('\n', at);
    const close = key === -1 ? -1 : text.indexOf('"', key + 7);
    if (close !== -1 && (eol === -1 || close < eol)) {
      const run = text.slice(key + 7, close);
      if (at === b) open.set(run, at);
      else open.delete(run);
    }
    if (at === b) b = nextAt(BEGIN, at + 1);
    else e = nextAt(END, at + 1);
  }
  const begins = new Map<string, BeginRecord>();
  for (const [run, at] of open) {
    const eol = text.indexOf('\n', at);
    const r = parseLine(text.slice(at, eol === -1 ? undefined : eol));
    if (typeof r !== 'string' && r.type === 'begin' && r.run === run) begins.set(run, r);
  }
  return begins;
}

const KINDS = new Set<string>(['begin', 'intent', 'change', 'end']);

/** One line to a record, or the reason it is not one (truncated by a crash, edited by hand). */
function parseLine(text: string): JournalRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not a complete JSON record (truncated or edited)';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const o = value as Record<string, unknown>;
  if (typeof o.run !== 'string' || o.run === '') return 'no run id';
  const type = o.type ?? 'change'; // journals written before the write-ahead format
  if (typeof type !== 'string' || !KINDS.has(type)) return `unknown record type ${JSON.stringify(type)}`;
  if (type === 'change' || type === 'intent') {
    if (typeof o.kind !== 'string') return 'a change without a kind';
  }
  return { ...o, type } as JournalRecord;
}

/** Every record of a journal, in order; bad lines are reported, never fatal. Linear. */
export function parseJournal(text: string): { records: JournalRecord[]; problems: JournalProblem[] } {
  const records: JournalRecord[] = [];
  const problems: JournalProblem[] = [];
  let line = 0;
  for (const raw of text.split('\n')) {
    line++;
    if (raw.trim() === '') continue;
    const r = parseLine(raw);
    if (typeof r === 'string') problems.push({ line, reason: r });
    else records.push(r);
  }
  return { records, problems };
}

export interface JournalRun {
  run: string;
  begin?: BeginRecord;
  intents: IntentRecord[];
  changes: ChangeRecord[];
  end?: EndRecord;
  /** Bad lines whose run could not be told: attached to no run (see parseJournal). */
  status: RunStatus;
  /** The command line, from `begin` or, for older journals, the first change. */
  command: string;
}

/**
 * Records grouped by run, in the order runs first appear. A run with no `end` is `running`
 * here: whether its process is gone (so it was interrupted) is the caller's question.
 */
export function groupRuns(records: readonly JournalRecord[]): JournalRun[] {
  const runs = new Map<string, JournalRun>();
  for (const r of records) {
    let run = runs.get(r.run);
    if (!run) {
      run = { run: r.run, intents: [], changes: [], status: 'running', command: '' };
      runs.set(r.run, run);
    }
    if (r.type === 'begin') run.begin = r;
    else if (r.type === 'intent') run.intents.push(r);
    else if (r.type === 'change') run.changes.push(r);
    else run.end = r;
  }
  for (const run of runs.values()) {
    run.command = run.begin?.command ?? run.changes.find((c) => c.command)?.command ?? '';
    // Older journals have no begin/end: each of their runs finished (they wrote as they went).
    if (run.end) run.status = run.end.status;
    else if (!run.begin) run.status = run.changes.some((c) => c.result === 'failed') ? 'failed' : 'ok';
  }
  return [...runs.values()];
}

/** Intents of a run that have no matching change record: the changes a kill interrupted. */
export function unfinishedIntents(run: JournalRun): IntentRecord[] {
  const done = new Set(run.changes.map((c) => c.seq).filter((s): s is number => s !== undefined));
  return run.intents.filter((i) => !done.has(i.seq));
}
