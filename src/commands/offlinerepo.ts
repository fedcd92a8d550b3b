/**
 * `ovs offlinerepo [-d] UUID|SOURCE`: the guide's `/usr/lib/ovs/ovs-offlinerepo -d` (ovs-offlinerepo(8)).
 * Unmounts the repository — refused while a guest runs from its running_pool or the
 * mount is busy — and drops /OVS when it pointed there; `-d` also removes its entry (and
 * its /OVS/<UUID> link and empty mount point). Data on the storage is never deleted.
 * The exit status says whether the state asked for holds: `-d` on a repository that is
 * not registered is done already (0); taking an unknown one offline is an error (66).
 */
import type { Command } from 'commander';
import { defineCommand, type Context } from '../lib/command.js';
import { EXIT, OvsError } from '../lib/errors.js';
import { findBySource, findByUuid, normalizeUuid, removeEntry, type RepositoryEntry } from '../lib/formats/repositories.js';
import { detachRepository, type DetachResult } from '../lib/repos/detach.js';
import { OVS_LINK, mountPointOf } from '../lib/repos/layout.js';
import { unlinkUnderRoot } from '../lib/repos/links.js';
import { mountOn, readMounts } from '../lib/repos/mounts.js';
import { readRegistry, writeRegistry } from '../lib/repos/registry.js';
import { parseSourceArg } from '../lib/repos/source.js';
import { REPOSITORIES_FILE } from '../lib/system-paths.js';

interface Options {
  key: string;
  uuid?: string;
  remove: boolean;
}

export interface OfflinerepoResult {
  key: string;
  registered: boolean;
  entry?: Omit<RepositoryEntry, 'line'>;
  detach?: DetachResult;
  /** -d: the entry was removed from /etc/ovs/repositories. */
  removed: boolean;
  rootLinkRemoved: boolean;
}

function options(args: string[], flags: Record<string, unknown>): Options {
  const key = args[0] ?? '';
  const uuid = normalizeUuid(key);
  if (!uuid) parseSourceArg(key); // neither a uuid nor a source: exit 65 with the reason
  return { key, remove: Boolean(flags.delete), ...(uuid ? { uuid } : {}) };
}

async function run(ctx: Context, o: Options): Promise<OfflinerepoResult> {
  const registry = await readRegistry(ctx);
  const entry = o.uuid ? findByUuid(registry.doc, o.uuid) : findBySource(registry.doc, o.key);
  if (!entry) {
    if (o.remove) return { key: o.key, registered: false, removed: false, rootLinkRemoved: false };
    throw new OvsError(EXIT.NOINPUT, `no repository ${o.key} in ${REPOSITORIES_FILE}`, { while: 'taking a repository offline', hint: '`ovs repositories status` lists the registered repositories' });
  }
  const mounts = await readMounts(ctx);
  const detach = await detachRepository(ctx, entry, mounts, { removeMountPoint: o.remove });
  let rootLinkRemoved = false;
  let removed = false;
  if (o.remove) {
    const root = registry.entries.find((e) => e.role === 'C' && e.uuid !== entry.uuid);
    if (root && mountOn(mounts, mountPointOf(root.uuid))) rootLinkRemoved = await unlinkUnderRoot(ctx, root.uuid, entry.uuid);
    removed = await writeRegistry(ctx, removeEntry(registry.doc, entry.uuid).doc);
  }
  const { line: _line, ...plain } = entry;
  return { key: o.key, registered: true, entry: plain, detach, removed, rootLinkRemoved };
}

function human(r: OfflinerepoResult): string[] {
  if (!r.entry || !r.detach) return [`${r.key} is not in ${REPOSITORIES_FILE}: nothing to do`];
  const d = r.detach;
  const lines = [`repository ${r.entry.uuid} ${r.entry.source}: ${d.unmount === 'planned' ? 'would be unmounted' : d.unmount} (${d.mountPoint})`];
  if (d.ovsLinkRemoved) lines.push(`  ${OVS_LINK} removed (it pointed at this cluster root)`);
  if (r.rootLinkRemoved) lines.push(`  ${OVS_LINK}/${r.entry.uuid} removed`);
  if (d.mountPointRemoved) lines.push(`  ${d.mountPoint} removed (empty)`);
  if (r.removed) lines.push(`  entry removed from ${REPOSITORIES_FILE}; the data on the storage is untouched`);
  return lines;
}

export default defineCommand<Options, OfflinerepoResult>({
  name: 'offlinerepo',
  summary: 'Take a repository offline (unmount it); -d also removes its entry. Never deletes data',
  define: (cmd: Command) =>
    cmd.argument('<uuid|source>', 'the repository: its uuid, or its source as registered').option('-d, --delete', 'also remove it from /etc/ovs/repositories'),
  options,
  run,
  human,
});
