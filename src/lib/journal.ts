/**
 * The journal's record format (ours): /var/log/ovs/journal.log, one JSON object per line.
 * It is written ahead: a run's `begin` before its first change, an `intent` before each
 * change and a `change` after it, an `end` when the run finishes. A run with a `begin` and
 * no `end` was interrupted (SIGKILL, power loss); the next run finds it here. `history`,
 * `undo`, `apply` and recovery all read the journal through this module, and only
 * changes.ts writes it. Older journals (change lines without `type`) still read.
 */

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

/** What a change is about to do (before it touches anything). */
export interface IntentRecord {
  type: 'intent';
  time: string;
  run: string;
  /** 1, 2, 3 … within the run: pairs an intent with its change record. */
  seq: number;
  kind: ChangeKind;
  path?: string;
  target?: string;
  argv?: string[];
  service?: { name: string; action: string };
  sha256_before?: string | null;
  sha256_after?: string | null;
  /** The temporary file an atomic write or link goes through (removed by recovery). */
  temp?: string;
  /** Where the previous content was saved (absent: nothing to save, or not backed up). */
  backup?: string;
  mode?: number;
}

/** A change done (or failed, planned offline, rolled back). Lines without `type` are these. */
export interface ChangeRecord {
  type: 'change';
  time: string;
  run: string;
  seq?: number;
  command?: string;
  kind: ChangeKind;
  path?: string;
  target?: string;
  argv?: string[];
  service?: { name: string; action: string };
  sha256_before?: string | null;
  sha256_after?: string | null;
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
