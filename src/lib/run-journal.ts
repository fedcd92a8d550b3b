/**
 * One run's side of the write-ahead journal: its `begin` (lazily, before the first change:
 * a run that changes nothing writes nothing), a durable `intent` before each change, the
 * `change` after it, and its `end`. Kept apart from changes.ts, which decides what to
 * change; this module only says it, in order, through appendJournal.
 */
import { posix } from 'node:path';
import { statOrUndefined } from './files.js';
import type { Host, HostFs } from './host.js';
import { JOURNAL, appendJournal, type ChangeRecord, type IntentRecord, type JournalRecord, type RunStatus } from './journal.js';
import type { Reporter } from './output.js';
import { isoUtc } from './time.js';

export type Intent = Omit<IntentRecord, 'type' | 'time' | 'run' | 'seq'>;
export type ChangeFields = Omit<ChangeRecord, 'type' | 'time' | 'run'>;

export interface RunJournalOptions {
  host: Host;
  /** System paths (the journal is one of them). */
  fs: HostFs;
  runId: string;
  commandLine: string;
  report: Reporter;
  /** For the journal's `begin`: this boot (a later run tells a dead run from a live one) and the user. */
  boot?: string;
  user?: string;
}

export class RunJournal {
  /** This run's intents, in order: what a rollback takes back. */
  readonly intents: IntentRecord[] = [];
  private started = false;

  constructor(private readonly o: RunJournalOptions) {}

  /** True once the run has written its `begin` (so it has an `end` to write). */
  get begun(): boolean {
    return this.started;
  }

  private now(): string {
    return isoUtc(this.o.host.now());
  }

  async begin(): Promise<void> {
    if (this.started) return;
    const { user = 'unknown', boot } = this.o;
    const fs = this.o.fs;
    // What the first record would create: the journal and its directories (a new system).
    const missing: string[] = [];
    for (let d = posix.dirname(JOURNAL); d !== '/'; d = posix.dirname(d)) if ((await statOrUndefined(fs, d, false).catch(() => 'unknown')) === undefined) missing.unshift(d);
    const existed = missing.length === 0 && (await statOrUndefined(fs, JOURNAL, false).catch(() => 'unknown')) !== undefined;
    try {
      await appendJournal(fs, [{ type: 'begin', time: this.now(), run: this.o.runId, command: this.o.commandLine, user, pid: this.o.host.pid, ...(boot ? { boot } : {}) }], false);
    } catch (e) {
      // The begin could not be written (a full disk): the run changes nothing, so it leaves
      // nothing either, not an empty journal nor the directories made for it. A journal that
      // was already there is left as it is (a cut-short line is skipped when read).
      if (!existed) {
        await fs.unlink(JOURNAL).catch(() => {});
        for (const d of missing.reverse()) await fs.rmdir(d).catch(() => {});
      }
      throw e;
    }
    this.started = true;
  }

  /** Say what is about to change, on disk (fsync) before it changes; its seq. */
  async intend(intent: Intent): Promise<number> {
    await this.begin();
    const record: IntentRecord = { type: 'intent', time: this.now(), run: this.o.runId, seq: this.intents.length + 1, ...intent };
    await appendJournal(this.o.fs, [record], true);
    this.intents.push(record);
    return record.seq;
  }

  /** The change is done (or failed). */
  async changed(fields: ChangeFields): Promise<void> {
    await appendJournal(this.o.fs, [{ type: 'change', time: this.now(), run: this.o.runId, ...fields }], false);
  }

  /** Records written at the end of a run: a full journal must not hide the run's own outcome, so it is only warned. */
  async closing(records: readonly (ChangeFields | { status: Exclude<RunStatus, 'running' | 'interrupted' | 'recovered'>; exit: number })[]): Promise<void> {
    if (!this.started || records.length === 0) return;
    const time = this.now();
    const full: JournalRecord[] = records.map((r) => ('status' in r ? { type: 'end', time, run: this.o.runId, ...r } : { type: 'change', time, run: this.o.runId, ...r }));
    const durable = full.some((r) => r.type === 'end');
    await appendJournal(this.o.fs, full, durable).catch((e: Error) => this.o.report.warn(`${e.message}: the next run will find this run unfinished and check it`));
  }
}
