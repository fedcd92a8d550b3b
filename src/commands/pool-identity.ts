/**
 * `ovs pool-identity [--disk WWID|-]`: this server's cluster root (registry entry and, when
 * mounted, the volume's identity) and O2CB timeouts, as `cluster-check --all-nodes`
 * compares them across the pool; with --disk, also which of its disks has that WWID (what
 * `format --all-nodes` asks). The master runs it on every member over ssh; `-` reads the
 * WWID from stdin, so no remote shell ever parses it.
 */
import { defineCommand } from '../lib/command.js';
import { EXIT, OvsError } from '../lib/errors.js';
import { formatSize } from '../lib/ocfs2/mkfs.js';
import { localIdentity, TIMEOUT_KEYS, type PoolIdentity } from '../lib/pool/identity.js';
import { findDisk } from '../lib/pool/same-disk.js';

interface Options {
  disk?: string;
}

const WWID = /^[\x21-\x7e][\x20-\x7e]{0,254}$/;

function volumeLine(v: NonNullable<PoolIdentity['volume']>): string {
  if (v.kind === 'nfs') return `volume:       NFS export ${v.export}, .ovsrepo ${v.ovsrepoUuid ?? 'unreadable'}, heartbeat file ${v.heartbeatUuid ?? 'unreadable'}`;
  return `volume:       OCFS2 ${v.uuid ?? 'unreadable'} on ${v.device}, ${v.size ?? 'unknown'} bytes`;
}

function diskLine(d: NonNullable<PoolIdentity['disk']>): string {
  return d.device ? `disk:         ${d.wwid} is ${d.device} (${formatSize(d.size ?? 0)})` : `disk:         no disk with WWID ${d.wwid}`;
}

export default defineCommand<Options, PoolIdentity>({
  name: 'pool-identity',
  summary: "Print this server's cluster root identity and O2CB timeouts (what cluster-check --all-nodes compares)",
  live: true,
  lock: false,
  define: (cmd) => cmd.option('--disk <wwid>', 'also find the disk with this WWID (- reads it from stdin)'),
  options: (_args, flags) => (flags.disk === undefined ? {} : { disk: String(flags.disk) }),
  async run(ctx, o) {
    const identity = await localIdentity(ctx);
    if (o.disk === undefined) return identity;
    const wwid = (o.disk === '-' ? await ctx.host.stdin.readAll() : o.disk).trim();
    if (!WWID.test(wwid)) throw new OvsError(EXIT.DATAERR, `'${wwid.slice(0, 40)}' is not a WWID`, { while: 'reading --disk', hint: 'give the WWID as /sys/class/block/DISK/device/wwid shows it' });
    return { ...identity, disk: await findDisk(ctx, wwid) };
  },
  human: (r) => [
    `host:         ${r.hostname}`,
    r.clusterRoot ? `cluster root: ${r.clusterRoot.uuid} (${r.clusterRoot.type} ${r.clusterRoot.source})` : 'cluster root: none',
    ...(r.volume ? [volumeLine(r.volume)] : r.clusterRoot ? ['volume:       not mounted'] : []),
    `timeouts:     ${TIMEOUT_KEYS.map((k) => `${k}=${r.timeouts[k]}`).join(' ')}`,
    ...(r.disk ? [diskLine(r.disk)] : []),
  ],
});
