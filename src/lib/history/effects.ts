/**
 * What a run did, path by path: the state it found (before) and the state it left (after)
 * for every file, directory and link it touched, and the programs and service actions it
 * ran. `history RUN` shows these as diffs; `undo RUN` turns them back. A path changed twice
 * in one run is one effect: its first change's before, its last change's after.
 */
import { posix } from 'node:path';
import { BACKUP_DIR } from '../changes.js';
import type { ChangeRecord, IntentRecord, JournalRun } from '../journal.js';

export interface FileEffect {
  kind: 'file';
  path: string;
  /** The file existed before the run (written over or removed), or the run created it. */
  existedBefore: boolean;
  /** sha256 of what it held before; absent when not recorded (a link, or bulk data not kept). */
  beforeHash?: string;
  /** sha256 of what the run left there; null: the run removed it. */
  afterHash: string | null;
  /** Where the run saved the previous content (the intent's `backup`, else the run's backup dir). */
  backup: string;
  /** Mode and owner before the run, when the journal recorded them. */
  modeBefore?: number;
  uidBefore?: number;
  gidBefore?: number;
}

export interface DirEffect {
  kind: 'dir';
  path: string;
  /** true: the run created it (mkdir); false: the run removed it (rmdir). */
  created: boolean;
}

export interface LinkEffect {
  kind: 'link';
  path: string;
  /** What the link points to after the run: null when the run removed it. */
  target: string | null;
  /** The link's target before the run: null when there was none, absent when not recorded. */
  targetBefore?: string | null;
}

export interface RenameEffect {
  kind: 'rename';
  path: string;
  target: string;
}

export interface ProgramEffect {
  kind: 'program';
  argv: string[];
  service?: { name: string; action: string };
  result: string;
}

export type Effect = FileEffect | DirEffect | LinkEffect | RenameEffect | ProgramEffect;

/**
 * The changes that took effect: not the planned, skipped or failed ones, nor those rolled
 * back since (a `rolled back` record for the same seq, written after the `applied` one).
 */
export function appliedChanges(run: JournalRun): ChangeRecord[] {
  const rolledBack = new Set(run.changes.filter((c) => c.result === 'rolled back' && c.seq !== undefined).map((c) => c.seq));
  return run.changes.filter((c) => c.result === 'applied' && !(c.seq !== undefined && rolledBack.has(c.seq)));
}

/**
 * An intent as the write-ahead writer records it: `mode`, `uid` and `gid` of what was there
 * before, and `link_before`, what a symbolic link pointed to before (null: no link). Read
 * as optional: older journals have none of them.
 */
type Intent = IntentRecord & { uid?: number; gid?: number; link_before?: string | null };

function intentOf(run: JournalRun, c: ChangeRecord): Intent | undefined {
  return c.seq === undefined ? undefined : run.intents.find((i) => i.seq === c.seq);
}

export function defaultBackup(run: string, path: string): string {
  return posix.join(BACKUP_DIR, run, path);
}

/** A change's hashes: its own, else its intent's (the write-ahead format may keep them there only). */
function hashesOf(run: JournalRun, c: ChangeRecord): { before: string | null | undefined; after: string | null | undefined } {
  const intent = intentOf(run, c);
  return { before: c.sha256_before ?? intent?.sha256_before, after: c.sha256_after ?? intent?.sha256_after };
}

function fileEffect(run: JournalRun, c: ChangeRecord, path: string): FileEffect {
  const intent = intentOf(run, c);
  const { before, after } = hashesOf(run, c);
  // A remove always found something; a write with no before hash created the file.
  const existedBefore = c.kind === 'remove' || (before !== null && before !== undefined);
  return {
    kind: 'file',
    path,
    existedBefore,
    ...(before ? { beforeHash: before } : {}),
    afterHash: c.kind === 'remove' ? null : (after ?? null),
    backup: intent?.backup ?? c.backup ?? defaultBackup(run.run, path),
    ...(intent?.mode !== undefined ? { modeBefore: intent.mode } : {}),
    ...(intent?.uid !== undefined ? { uidBefore: intent.uid } : {}),
    ...(intent?.gid !== undefined ? { gidBefore: intent.gid } : {}),
  };
}

/** The run's effects in the order each path was first touched (programs in run order). */
export function effectsOf(run: JournalRun): Effect[] {
  const out: Effect[] = [];
  const byPath = new Map<string, Effect>();
  for (const c of appliedChanges(run)) {
    if (c.kind === 'run' || c.kind === 'service') {
      out.push({ kind: 'program', argv: c.argv ?? [], ...(c.service ? { service: c.service } : {}), result: c.result });
      continue;
    }
    const path = c.kind === 'rename' ? (c.target ?? '') : (c.path ?? '');
    const seen = byPath.get(path);
    const next = effectFor(run, c, path, seen);
    if (!next) continue;
    if (seen) out[out.indexOf(seen)] = next;
    else out.push(next);
    byPath.set(path, next);
  }
  return out;
}

function effectFor(run: JournalRun, c: ChangeRecord, path: string, seen: Effect | undefined): Effect | undefined {
  switch (c.kind) {
    case 'remove': {
      // A symbolic link removed (offlinerepo -d's /OVS): its target, not bytes, is what was there.
      const linkBefore = seen?.kind === 'link' ? seen.targetBefore : intentOf(run, c)?.link_before;
      if (seen?.kind === 'link' || typeof linkBefore === 'string') return { kind: 'link', path, target: null, ...(linkBefore !== undefined ? { targetBefore: linkBefore } : {}) };
      const fresh = fileEffect(run, c, path);
      if (seen?.kind === 'file') return { ...seen, afterHash: fresh.afterHash };
      return fresh;
    }
    case 'write': {
      const fresh = fileEffect(run, c, path);
      // Keep what the path held before the run: the first change's state and backup.
      if (seen?.kind === 'file') return { ...seen, afterHash: fresh.afterHash };
      return fresh;
    }
    case 'mkdir':
    case 'rmdir':
      return { kind: 'dir', path, created: c.kind === 'mkdir' };
    case 'symlink': {
      const intent = intentOf(run, c);
      const before = seen?.kind === 'link' ? seen.targetBefore : intent?.link_before;
      return { kind: 'link', path, target: c.target ?? '', ...(before !== undefined ? { targetBefore: before } : {}) };
    }
    case 'rename':
      return { kind: 'rename', path: c.path ?? '', target: path };
    default:
      return undefined;
  }
}

/** Counts for the run list: files written, created, removed; directories; links; programs; services. */
export interface EffectCounts {
  written: number;
  created: number;
  removed: number;
  dirs: number;
  links: number;
  renamed: number;
  programs: number;
  services: number;
}

export function countEffects(run: JournalRun): EffectCounts {
  const n: EffectCounts = { written: 0, created: 0, removed: 0, dirs: 0, links: 0, renamed: 0, programs: 0, services: 0 };
  for (const c of appliedChanges(run)) {
    if (c.kind === 'write') hashesOf(run, c).before ? n.written++ : n.created++;
    else if (c.kind === 'remove') n.removed++;
    else if (c.kind === 'mkdir' || c.kind === 'rmdir') n.dirs++;
    else if (c.kind === 'symlink') n.links++;
    else if (c.kind === 'rename') n.renamed++;
    else if (c.kind === 'service') n.services++;
    else if (c.kind === 'run') n.programs++;
  }
  return n;
}
