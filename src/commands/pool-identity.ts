/**
 * `ovs pool-identity`: this server's cluster root (registry entry and, when mounted, the
 * volume's identity) and O2CB timeouts, as `cluster-check --all-nodes` compares them across
 * the pool. The master runs it on every member over ssh (`ovs --json pool-identity`).
 */
import { defineCommand } from '../lib/command.js';
import { localIdentity, TIMEOUT_KEYS, type PoolIdentity } from '../lib/pool/identity.js';

function volumeLine(v: NonNullable<PoolIdentity['volume']>): string {
  if (v.kind === 'nfs') return `volume:       NFS export ${v.export}, .ovsrepo ${v.ovsrepoUuid ?? 'unreadable'}, heartbeat file ${v.heartbeatUuid ?? 'unreadable'}`;
  return `volume:       OCFS2 ${v.uuid ?? 'unreadable'} on ${v.device}, ${v.size ?? 'unknown'} bytes`;
}

export default defineCommand<Record<string, never>, PoolIdentity>({
  name: 'pool-identity',
  summary: "Print this server's cluster root identity and O2CB timeouts (what cluster-check --all-nodes compares)",
  live: true,
  lock: false,
  define: () => {},
  options: () => ({}),
  run: (ctx) => localIdentity(ctx),
  human: (r) => [
    `host:         ${r.hostname}`,
    r.clusterRoot ? `cluster root: ${r.clusterRoot.uuid} (${r.clusterRoot.type} ${r.clusterRoot.source})` : 'cluster root: none',
    ...(r.volume ? [volumeLine(r.volume)] : r.clusterRoot ? ['volume:       not mounted'] : []),
    `timeouts:     ${TIMEOUT_KEYS.map((k) => `${k}=${r.timeouts[k]}`).join(' ')}`,
  ],
});
