/**
 * The registry of this server's repositories, /etc/ovs/repositories (ours, ovs-repositories(5)), and
 * the mount options of /etc/ovs/repositories.options (ours, ovs-repositories(5)): read through ctx.fs (so
 * --root sees the image and --dry-run the plan), parsed by the format modules, written back
 * through ctx.changes. A file that does not parse is exit 72, naming the line.
 */
import type { Context } from '../command.js';
import type { FormatError } from '../formats/format-error.js';
import { parseRepositoryOptions, type RepositoryOptions } from '../formats/repositories-options.js';
import {
  parseRepositories,
  repositoryEntries,
  serializeRepositories,
  type RepositoriesDocument,
  type RepositoryEntry,
} from '../formats/repositories.js';
import { REPOSITORIES_FILE, REPOSITORY_OPTIONS_FILE } from '../system-paths.js';
import { readSystemFile, type SystemFileOptions } from '../system-file.js';

export interface Registry {
  doc: RepositoriesDocument;
  entries: RepositoryEntry[];
  /** The file did not exist (an empty registry). */
  missing: boolean;
}

function correct(path: string): SystemFileOptions {
  return { hint: (e: FormatError) => `correct${e.line === undefined ? '' : ` line ${e.line} of`} ${path} (format: ovs-repositories(5)), then run the command again` };
}

export async function readRegistry(ctx: Context): Promise<Registry> {
  const read = await readSystemFile(ctx, REPOSITORIES_FILE, parseRepositories, correct(REPOSITORIES_FILE));
  const doc = read ?? parseRepositories('');
  return { doc, entries: repositoryEntries(doc), missing: read === undefined };
}

/** Write the registry (mode 0644; /etc/ovs created when missing). False when unchanged. */
export async function writeRegistry(ctx: Context, doc: RepositoriesDocument): Promise<boolean> {
  await ctx.changes.mkdir('/etc/ovs', 0o755);
  return ctx.changes.writeFile(REPOSITORIES_FILE, serializeRepositories(doc), { mode: 0o644 });
}

/** The mount options in force: the file's, or the defaults when it does not exist. */
export async function readRepositoryOptions(ctx: Context): Promise<RepositoryOptions> {
  const options = (await readSystemFile(ctx, REPOSITORY_OPTIONS_FILE, parseRepositoryOptions, correct(REPOSITORY_OPTIONS_FILE))) ?? parseRepositoryOptions(undefined);
  for (const key of options.unknownKeys) ctx.report.warn(`${REPOSITORY_OPTIONS_FILE}: ${key} is not an ovs setting; ignored`);
  return options;
}

/** Cluster root first, then the others in file order: the order the service mounts them. */
export function mountOrder(entries: readonly RepositoryEntry[]): RepositoryEntry[] {
  return [...entries.filter((e) => e.role === 'C'), ...entries.filter((e) => e.role !== 'C')];
}
