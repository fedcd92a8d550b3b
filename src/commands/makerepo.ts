/**
 * `ovs makerepo SOURCE ROLE DESCRIPTION`: the guide's
 * `/usr/lib/ovs/ovs-makerepo /dev/sdb1 C "cluster root"` and
 * `ovs-makerepo fileserver.example.com:/OVS C "Cluster Root"` (ovs-makerepo(8)). Every check runs
 * before the first change; the repository is then mounted and laid out (lib/repos/attach)
 * and its entry recorded last, so a failure leaves no entry and, unwound, nothing half-made.
 * Under --root (kickstart %post) the entry, the mount point and /OVS are made in the image
 * and the mount is left to the ovsrepositories service at boot.
 */
import type { Command } from 'commander';
import { defineCommand, type Context } from '../lib/command.js';
import { EXIT, OvsError, shown } from '../lib/errors.js';
import { parseValue, tryFormat } from '../lib/formats/format-error.js';
import { mountOptionsFor } from '../lib/formats/repositories-options.js';
import { preflightPrograms } from '../lib/ocfs2/heartbeat.js';
import { checkDescription, findBySource, normalizeUuid, parseRepositoryType, parseRole, upsertEntry, type RepositoryRole, type RepositoryShape, type RepositoryType } from '../lib/formats/repositories.js';
import { type RepositorySource } from '../lib/formats/repository-source.js';
import { attachRepository, type AttachResult } from '../lib/repos/attach.js';
import { candidateUuid, newUuid, type UuidOrigin } from '../lib/repos/identity.js';
import { OVS_LINK } from '../lib/repos/layout.js';
import { readMounts } from '../lib/repos/mounts.js';
import { checkO2cbOnline, checkOvsFree, checkRegisteredUuid, checkSingleRoot, checkUuidFree } from '../lib/repos/preflight.js';
import { readRegistry, readRepositoryOptions, writeRegistry } from '../lib/repos/registry.js';
import { ensureServiceAtBoot } from '../lib/repos/service.js';
import { checkRoleFitsType, inspectStorage, parseSourceArg } from '../lib/repos/source.js';
import { Undo } from '../lib/repos/undo.js';
import { REPOSITORIES_FILE } from '../lib/system-paths.js';

interface Options {
  source: string;
  src: RepositorySource;
  role: RepositoryRole;
  description: string;
  type?: RepositoryType;
  uuid?: string;
}

export interface MakerepoResult extends Omit<AttachResult, 'notes'>, RepositoryShape {
  entry: 'added' | 'updated' | 'unchanged';
  /** Nothing at all was changed (the same command again). */
  changed: boolean;
  notes: string[];
}

function options(args: string[], flags: Record<string, unknown>): Options {
  const [source = '', roleArg = '', descriptionArg = ''] = args;
  const src = parseSourceArg(source);
  const role = parseValue('ROLE', 'ROLE is C (cluster root), S (shared) or L (local)', () => parseRole(roleArg));
  const description = parseValue('DESCRIPTION', 'give the description as one line of plain text, e.g. "cluster root"', () => checkDescription(descriptionArg));
  const o: Options = { source, src, role, description };
  if (flags.type !== undefined) {
    o.type = parseValue('--type', '--type is ocfs2, ext3 or ext4 (nfs for host:/export)', () => parseRepositoryType(String(flags.type)));
  }
  if (flags.uuid !== undefined) {
    const uuid = normalizeUuid(String(flags.uuid));
    if (!uuid) throw new OvsError(EXIT.DATAERR, `'${shown(String(flags.uuid))}' is not a repository uuid`, { while: 'reading --uuid', hint: 'a uuid is 32 hexadecimal digits, e.g. F4135C096045458195057412169071E5' });
    o.uuid = uuid;
  }
  return o;
}

/** Everything checked before the first change; returns what attach needs. */
async function prepare(ctx: Context, o: Options) {
  const registry = await readRegistry(ctx);
  const mountOptions = await readRepositoryOptions(ctx);
  const mounts = await readMounts(ctx);
  const storage = await inspectStorage(ctx, o.src, o.source, o.type);
  if (!storage.probed && !o.type && o.role === 'L') {
    throw new OvsError(EXIT.USAGE, `${o.source} is not present to be probed, so its file system type is unknown`, { while: 'adding a local repository under --root', hint: 'give --type ext3 or --type ext4' });
  }
  checkRoleFitsType(o.role, storage.type, o.source);
  const registered = findBySource(registry.doc, o.source);
  checkSingleRoot(registry.entries, o.source, o.role);
  checkRegisteredUuid(registered, o.uuid, '--uuid asks for');
  if (o.uuid) checkUuidFree(registry.entries, o.uuid, o.source, '--uuid asks for');
  if (!registered && !o.uuid && storage.volumeUuid) checkUuidFree(registry.entries, storage.volumeUuid, o.source, 'its OCFS2 volume uuid is');
  if (o.role === 'C') await checkOvsFree(ctx, mounts);
  if (storage.type === 'ocfs2' && !ctx.offline) await checkO2cbOnline(ctx);
  // An NFS cluster root gets a heartbeat file: its programs are checked before the mount.
  if (o.role === 'C' && storage.type === 'nfs' && !ctx.offline) await preflightPrograms(ctx);
  const candidate = candidateUuid({ registered: registered?.uuid, requested: o.uuid, volume: storage.volumeUuid }, () => newUuid(ctx));
  const entry = { uuid: candidate.uuid, type: storage.type, role: o.role, source: o.source, description: o.description };
  // The registry's own rules (one root, unique uuid and source), before anything changes.
  tryFormat(
    () => upsertEntry(registry.doc, entry),
    (e) => {
      throw new OvsError(EXIT.CONFIG, e.reason, { while: `adding ${o.source} to ${REPOSITORIES_FILE}` });
    },
  );
  return { registry, mounts, entry, origin: candidate.origin as UuidOrigin, options: mountOptionsFor(mountOptions, storage.type), registered };
}

/**
 * Offline, a cluster root given no --uuid gets a new one: right for a pool's first server,
 * wrong for one joining a pool (the storage's .ovsrepo cannot be read from the image, and
 * at first boot the service refuses a cluster root whose card names another uuid).
 */
function joiningPoolWarning(ctx: Context, role: RepositoryRole, uuid: string): void {
  if (!ctx.offline || role !== 'C') return;
  ctx.report.warn(
    `new cluster root uuid ${uuid}: under --root the storage's own uuid cannot be read. A server joining an existing pool must be given the pool's: --uuid UUID (on the master: \`ovs repositories status\`, or the first field of the C line of its /etc/ovs/repositories)`,
  );
}

async function run(ctx: Context, o: Options): Promise<MakerepoResult> {
  const p = await prepare(ctx, o);
  const undo = new Undo();
  try {
    const res = await attachRepository(ctx, { entry: p.entry, origin: p.origin, options: p.options, entries: p.registry.entries, mounts: p.mounts }, undo);
    const up = upsertEntry(p.registry.doc, { ...p.entry, uuid: res.uuid });
    if (up.changed) await writeRegistry(ctx, up.doc);
    const note = await ensureServiceAtBoot(ctx);
    if (res.origin === 'new') joiningPoolWarning(ctx, o.role, res.uuid);
    return {
      ...res,
      type: p.entry.type,
      role: o.role,
      source: p.registered?.source ?? o.source,
      description: o.description,
      entry: !up.changed ? 'unchanged' : p.registered ? 'updated' : 'added',
      changed: ctx.changes.applied.length > 0,
      notes: note ? [...res.notes, note] : res.notes,
    };
  } catch (e) {
    await undo.unwind(ctx);
    throw e;
  }
}

const ROLE_WORDS: Record<RepositoryRole, string> = { C: 'cluster root', S: 'shared', L: 'local' };
const ORIGIN_WORDS: Record<UuidOrigin, string> = {
  registry: 'already registered',
  requested: 'from --uuid',
  ovsrepo: 'from the .ovsrepo on the storage',
  'mount-point': 'from its 2.1 mount point /OVS/<uuid>',
  volume: 'the OCFS2 volume uuid',
  new: 'new',
};

function human(r: MakerepoResult): string[] {
  const head = `repository ${r.uuid} (${r.type}, ${ROLE_WORDS[r.role]}) ${r.source}`;
  if (!r.changed) return [`${head}: already in place, nothing changed`];
  const lines = [head, `  uuid:        ${ORIGIN_WORDS[r.origin]}`, `  mount:       ${r.mountPoint} (${r.mount})`];
  if (r.role === 'C') lines.push(`  link:        ${OVS_LINK} -> ${r.mountPoint}`);
  if (r.heartbeat) lines.push(`  heartbeat:   ${r.mountPoint}/.server_pool_hb (${r.heartbeat})`);
  lines.push(`  entry:       ${r.entry} in ${REPOSITORIES_FILE}`);
  return [...lines, ...r.notes.map((n) => `note: ${n}`)];
}

export default defineCommand<Options, MakerepoResult>({
  name: 'makerepo',
  summary: 'Add a repository (NFS export or OCFS2/ext device): mount it at /var/ovs/mount/<UUID>, lay it out, record it',
  define: (cmd: Command) =>
    cmd
      .argument('<source>', 'host:/export (NFS) or a block device path (/dev/sdb1)')
      .argument('<role>', 'C cluster root, S shared, L local (case-insensitive)')
      .argument('<description>', 'free text, one line')
      .option('-t, --type <type>', 'file system of a device: ocfs2, ext3, ext4 (default: probed with blkid)')
      .option('--uuid <uuid>', "use this repository uuid (a server joining a pool under --root: the pool's uuid)"),
  options,
  // Under --root nothing is mounted (the mount is left to the service): that plan is complete.
  unplannable: (_o, g) => (g.root === '/' ? 'the storage must first be mounted: the .ovsrepo on it decides the uuid and whether one is written' : undefined),
  run,
  human,
});
