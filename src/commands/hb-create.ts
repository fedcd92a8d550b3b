/**
 * `ovs hb-create [PATH]` (ovs-hb-create(8)): the O2CB heartbeat file of an NFS cluster root. The
 * guide's manual recipe
 *   dd if=/dev/zero of=/OVS/.server_pool_hb bs=1M count=300
 *   mkfs.ocfs2 -L server_pool_hb -N 16 -b 2k -C 4k --force /OVS/.server_pool_hb
 * as one command an operator can run twice: a valid file is left alone, anything else at the
 * path is refused unless --force. The work is in lib/ocfs2/heartbeat.ts, shared with makerepo.
 */
import { posix } from 'node:path';
import { defineCommand } from '../lib/command.js';
import { EXIT, OvsError, shown } from '../lib/errors.js';
import { quoteArg } from '../lib/render.js';
import { type EnsureResult, HEARTBEAT_DEFAULTS, type HeartbeatOptions, ensureHeartbeatFile, heartbeatOptions } from '../lib/ocfs2/heartbeat.js';
import { formatSize, parseCount, parseSize } from '../lib/ocfs2/mkfs.js';
import { requireMountedRepository } from '../lib/repos/mounts.js';

interface Options {
  path: string;
  /** Only what the operator gave: an explicit --size is also checked on an existing file. */
  given: Partial<HeartbeatOptions>;
  geometry: HeartbeatOptions;
  force: boolean;
}

/** What was ensured, and the geometry it has. */
interface Result extends EnsureResult, HeartbeatOptions {}

function parsePath(arg: string | undefined): string {
  const path = arg ?? HEARTBEAT_DEFAULTS.path;
  const bad = (what: string) => new OvsError(EXIT.DATAERR, `heartbeat path '${shown(path)}' ${what}`, { while: 'reading PATH', hint: `give an absolute file path such as ${HEARTBEAT_DEFAULTS.path}` });
  if (!path.startsWith('/')) throw bad('is not absolute');
  const base = posix.basename(path);
  if (path.endsWith('/') || base === '' || base === '.' || base === '..') throw bad('does not name a file');
  return posix.normalize(path);
}

function parseGiven(flags: Record<string, unknown>): Partial<HeartbeatOptions> {
  const given: Partial<HeartbeatOptions> = {};
  if (flags.size !== undefined) given.size = parseSize(String(flags.size), '--size');
  if (flags.slots !== undefined) given.slots = parseCount(String(flags.slots), '--slots');
  if (flags.label !== undefined) given.label = String(flags.label);
  if (flags.blockSize !== undefined) given.blockSize = parseSize(String(flags.blockSize), '--block-size');
  if (flags.clusterSize !== undefined) given.clusterSize = parseSize(String(flags.clusterSize), '--cluster-size');
  return given;
}

function geometryWords(r: Result): string {
  return `${formatSize(r.size)}, ${r.slots} node slots, label ${r.label}, block ${r.blockSize}, cluster ${r.clusterSize}`;
}

export default defineCommand<Options, Result>({
  name: 'hb-create',
  summary: 'Create the O2CB heartbeat file of an NFS cluster root (zero-filled, formatted, verified)',
  // A heartbeat file is a file: under --root it is made inside the image, with the real tools.
  live: false,
  define: (cmd) =>
    cmd
      .argument('[path]', `the heartbeat file (default ${HEARTBEAT_DEFAULTS.path})`)
      .option('--size <size>', 'file size, fully allocated (default 300M; at least 136M for 16 slots)')
      .option('--slots <n>', 'node slots, 1-255 (default 16)')
      .option('--label <label>', 'volume label, at most 63 bytes (default server_pool_hb)')
      .option('--block-size <size>', 'block size: 512, 1k, 2k or 4k (default 2k)')
      .option('--cluster-size <size>', 'cluster size: 4k to 1M, a power of two (default 4k)')
      .option('--force', 'replace an existing file, valid or not (asks first; --yes without a terminal)'),
  options: (args, flags) => {
    const path = parsePath(args[0]);
    const given = parseGiven(flags);
    return { path, given, geometry: heartbeatOptions(given), force: Boolean(flags.force) };
  },
  async run(ctx, o) {
    await requireMountedRepository(ctx, o.path);
    const r = await ensureHeartbeatFile(ctx, o.path, { ...o.given, force: o.force });
    return { ...r, ...o.geometry };
  },
  human: (r) => {
    if (!r.created) return [`${r.path}: already present (a valid heartbeat file, UUID ${r.uuid ?? 'unknown'}); nothing to do`];
    const verb = r.replaced ? 'replaced' : 'created';
    if (r.planned) {
      return [
        `${r.path}: would be ${verb} (${geometryWords(r)})`,
        ...(r.previous ? [`  it replaces: ${r.previous}`] : []),
        '  after formatting, the volume is verified with:',
        ...(r.verification ?? []).map((argv) => `    ${argv.map(quoteArg).join(' ')}`),
      ];
    }
    return [`${r.path}: ${verb} (${geometryWords(r)}, UUID ${r.uuid})`];
  },
});
