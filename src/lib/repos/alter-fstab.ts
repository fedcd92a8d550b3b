/**
 * `ovs cluster-check --alter-fstab`: the 2.1 -> 2.1.2 migration of the guide. Every
 * `/etc/fstab` line whose mount point is `/OVS` or below moves into `/etc/ovs/repositories`
 * (fstab-move.ts says how), and the fstab line is commented out behind a marker naming
 * `ovs`. Every other fstab byte stays as it was: the edit goes through the line-preserving
 * fstab model. The whole move is planned and validated first; then repositories is written
 * (so a failure before fstab leaves a state a second run completes), then fstab, both
 * through ctx.changes (atomic, previous content backed up under /var/lib/ovs/backups).
 */
import { posix } from 'node:path';
import type { Context } from '../command.js';
import { EXIT, OvsError, orExpected, shown } from '../errors.js';
import { readOptional } from '../files.js';
import { tryFormat } from '../formats/format-error.js';
import { commentOutEntries, ovsEntries, parseFstab, type FstabDocument, type FstabEntry } from '../formats/fstab.js';
import { parseOvsRepo, OVSREPO_FILE } from '../formats/ovsrepo.js';
import { mountsAt, parseProcMounts } from '../formats/proc-mounts.js';
import { mountOptionsFor, parseRepositoryOptions } from '../formats/repositories-options.js';
import { findBySource, normalizeUuid, serializeRepositories, upsertEntry, type RepositoriesDocument, type RepositoryShape, type RepositoryType } from '../formats/repositories.js';
import { readVolume } from '../ocfs2/volume.js';
import { candidateUuid, newUuid, type UuidOrigin } from './identity.js';
import { readRegistry, writeRegistry } from './registry.js';
import { isOvsRoot, repositoryShapeOf } from './fstab-move.js';
import { FSTAB, PROC_MOUNTS, REPOSITORIES_FILE, REPOSITORY_OPTIONS_FILE } from '../system-paths.js';
import { readSystemFile } from '../system-file.js';

export interface FstabMove extends RepositoryShape {
  /** The fstab line (1-based) that is commented out. */
  line: number;
  mountPoint: string;
  uuid: string;
  /** Where the uuid came from: the entry already in the repositories file, the storage's .ovsrepo ... */
  uuidFrom: UuidOrigin;
  notes: string[];
}

export interface FstabMigrationPlan {
  moves: FstabMove[];
  /** undefined when the repositories file needs no change (every source already listed). */
  repositories?: RepositoriesDocument;
  fstabText?: string;
}

export interface FstabMigrationResult {
  moves: FstabMove[];
  /** Where the previous /etc/fstab was saved (absent in a dry run or when nothing moved). */
  backup?: string;
  dryRun: boolean;
}

const DOING = 'moving /OVS out of /etc/fstab';

async function readFstab(ctx: Context): Promise<FstabDocument> {
  const fstab = await readSystemFile(ctx, FSTAB, parseFstab, {
    doing: DOING,
    hint: (e) => (e.line === undefined ? `correct ${FSTAB}, then run again` : `correct or comment out ${FSTAB} line ${e.line}, then run again`),
  });
  return fstab ?? parseFstab('');
}

/** Two lines mounting on /OVS itself: which one is the cluster root is not ours to guess. */
function refuseTwoRoots(entries: FstabEntry[]): void {
  const roots = entries.filter((e) => isOvsRoot(e.file));
  if (roots.length > 1) {
    throw new OvsError(EXIT.CONFIG, `/etc/fstab mounts ${roots.length} file systems on /OVS (lines ${roots.map((r) => r.line).join(', ')})`, {
      while: DOING,
      hint: `keep only the cluster root's line: comment out the others in /etc/fstab, then run again`,
    });
  }
}

/** The storage's own .ovsrepo, when it is mounted at the fstab mount point right now (live only). */
async function mountedIdentity(ctx: Context, mountPoint: string): Promise<string | undefined> {
  if (ctx.offline) return undefined;
  const mounts = await readOptional(ctx.fs, PROC_MOUNTS);
  // An unreadable mount table or a damaged card does not decide the identity.
  const mounted = mounts !== undefined && tryFormat(() => mountsAt(parseProcMounts(mounts), mountPoint).length > 0, () => false);
  if (!mounted) return undefined;
  const text = await readOptional(ctx.fs, posix.join(mountPoint, OVSREPO_FILE));
  return text === undefined ? undefined : tryFormat(() => parseOvsRepo(text).uuid, () => undefined);
}

/** The OCFS2 volume uuid, read with the real tools; live only, and only when they can tell. */
async function ocfs2VolumeUuid(ctx: Context, device: string): Promise<string | undefined> {
  if (ctx.offline || !(await ctx.host.which('tunefs.ocfs2'))) return undefined;
  // Device absent or unreadable: a new uuid, as makerepo would.
  return orExpected(async () => (await readVolume(ctx, await ctx.hostPath(device)))?.uuid, () => undefined);
}

/**
 * The repository's UUID by makerepo's rule (candidateUuid, repos/identity.ts): an entry
 * already listed for this source; the storage's .ovsrepo (every pool server must use one
 * uuid); a 2.1 mount point `/OVS/<uuid>`; the OCFS2 volume uuid; a new one. What is read
 * from the storage is read only when nothing before it decides.
 */
async function uuidFor(ctx: Context, doc: RepositoriesDocument, entry: FstabEntry, source: string, type: RepositoryType): Promise<{ uuid: string; from: UuidOrigin }> {
  const registered = findBySource(doc, source)?.uuid;
  const ovsrepo = registered ? undefined : await mountedIdentity(ctx, entry.file);
  const mountPoint = normalizeUuid(posix.basename(entry.file));
  const volume = registered || ovsrepo || mountPoint || type !== 'ocfs2' ? undefined : await ocfs2VolumeUuid(ctx, source);
  const { uuid, origin } = candidateUuid({ registered, ovsrepo, mountPoint, volume }, () => newUuid(ctx));
  return { uuid, from: origin };
}

function notesFor(entry: FstabEntry, move: Omit<FstabMove, 'notes'>, optionsFor: (t: RepositoryType) => string | undefined): string[] {
  const notes: string[] = [];
  const configured = optionsFor(move.type);
  if (entry.mntops !== 'defaults' && configured !== undefined && entry.mntops !== configured) {
    notes.push(`its mount options "${shown(entry.mntops)}" are not carried over: "${shown(configured)}" from /etc/ovs/repositories.options applies`);
  }
  if (move.role === 'L' && isOvsRoot(entry.file)) {
    notes.push(`a local ${move.type} file system cannot be the cluster root: it becomes a local repository (role L)`);
  }
  if (!isOvsRoot(entry.file) && posix.basename(entry.file) !== move.uuid) {
    notes.push(`it will be reachable as /OVS/${move.uuid} instead of ${entry.file}`);
  }
  return notes;
}

async function optionsLookup(ctx: Context): Promise<(t: RepositoryType) => string | undefined> {
  const text = await readOptional(ctx.fs, REPOSITORY_OPTIONS_FILE);
  // A damaged file: cluster-check reports it on its own.
  const options = tryFormat(() => parseRepositoryOptions(text), () => undefined);
  return (t) => (options ? mountOptionsFor(options, t) : undefined);
}

function upsert(doc: RepositoriesDocument, move: Omit<FstabMove, 'notes'>): RepositoriesDocument {
  return tryFormat(
    () => upsertEntry(doc, { uuid: move.uuid, type: move.type, role: move.role, source: move.source, description: move.description }).doc,
    (e) => {
      throw new OvsError(EXIT.CONFIG, `/etc/fstab line ${move.line} (${move.mountPoint}) cannot be added to ${REPOSITORIES_FILE}: ${e.reason}`, {
        while: DOING,
        hint: move.role === 'C' ? `the cluster root is already in ${REPOSITORIES_FILE}: umount /OVS and comment out /etc/fstab line ${move.line}, or remove the other root with ovs offlinerepo -d` : `correct ${REPOSITORIES_FILE} or /etc/fstab line ${move.line}, then run again`,
      });
    },
  );
}

/** Read and validate everything; nothing is changed. An empty plan when no line is under /OVS. */
export async function planFstabMigration(ctx: Context): Promise<FstabMigrationPlan> {
  const fstab = await readFstab(ctx);
  const entries = ovsEntries(fstab);
  if (entries.length === 0) return { moves: [] };
  refuseTwoRoots(entries);
  const registry = await readRegistry(ctx);
  const optionsFor = await optionsLookup(ctx);
  let doc = registry.doc;
  const moves: FstabMove[] = [];
  for (const entry of entries) {
    const shape = repositoryShapeOf(entry);
    const id = await uuidFor(ctx, doc, entry, shape.source, shape.type);
    const listed = id.from === 'registry' ? findBySource(doc, shape.source) : undefined;
    const base = { line: entry.line, mountPoint: entry.file, uuid: id.uuid, uuidFrom: id.from, ...shape, ...(listed ? { role: listed.role, type: listed.type, description: listed.description } : {}) };
    if (!listed) doc = upsert(doc, base);
    moves.push({ ...base, notes: notesFor(entry, base, optionsFor) });
  }
  const changed = serializeRepositories(doc) !== serializeRepositories(registry.doc);
  return { moves, ...(changed ? { repositories: doc } : {}), fstabText: commentOutEntries(fstab, entries.map((e) => e.line)) };
}

export async function applyFstabMigration(ctx: Context, plan: FstabMigrationPlan): Promise<FstabMigrationResult> {
  const result: FstabMigrationResult = { moves: plan.moves, dryRun: ctx.changes.dryRun };
  if (plan.moves.length === 0 || plan.fstabText === undefined) return result;
  if (plan.repositories) await writeRegistry(ctx, plan.repositories);
  const wrote = await ctx.changes.writeFile(FSTAB, plan.fstabText);
  return wrote && !ctx.changes.dryRun ? { ...result, backup: ctx.changes.backupPathOf(FSTAB) } : result;
}
