/** The one screen of `ovs status`, in the order an operator reads it (like `pcs status`). */
import { renderResults } from '../checks/check.js';
import type { StatusReport } from './gather.js';

const unknown = 'not known offline';
const mib = (bytes: number) => (bytes % 1048576 === 0 ? `${bytes / 1048576} MiB` : `${bytes} bytes`);
const yesNo = (v: boolean | null, yes: string, no: string) => (v === null ? unknown : v ? yes : no);

function clusterLines(r: StatusReport): string[] {
  const c = r.cluster;
  const head = c.name ? `Cluster: ${c.name} (${c.file}, ${c.nodes.length} node${c.nodes.length === 1 ? '' : 's'})` : `Cluster: none (${c.problem})`;
  return [head, ...c.nodes.map((n) => `  ${String(n.number).padStart(3)}  ${n.name}  ${n.address}${n.thisHost ? '  (this host)' : ''}`)];
}

function o2cbLines(r: StatusReport): string[] {
  const o = r.o2cb;
  const driver = o.enabledAtBoot === null ? `no settings file (${o.file})` : o.enabledAtBoot ? `driver enabled (${o.file})` : `driver NOT enabled (O2CB_ENABLED in ${o.file})`;
  const boot = `${driver}; o2cb ${o.serviceAtBoot ? 'starts' : 'does NOT start'} at boot`;
  const t = o.timeouts;
  const timeouts = t.O2CB_HEARTBEAT_THRESHOLD
    ? `  timeouts: heartbeat threshold ${t.O2CB_HEARTBEAT_THRESHOLD}, idle ${t.O2CB_IDLE_TIMEOUT_MS} ms, keepalive ${t.O2CB_KEEPALIVE_DELAY_MS} ms, reconnect ${t.O2CB_RECONNECT_DELAY_MS} ms`
    : undefined;
  const regions = o.regions === null ? unknown : o.regions.length ? o.regions.join(', ') : 'none';
  return [`O2CB: ${yesNo(o.online, 'online', 'OFFLINE')}; ${boot}`, ...(timeouts ? [timeouts] : []), `  heartbeat regions active: ${regions}`];
}

function repositoryLines(r: StatusReport): string[] {
  if (r.repositories.length === 0) return ['Repositories: none'];
  const rows = r.repositories.map((e) => `  ${e.uuid}  ${e.type.padEnd(5)}  ${e.role}  ${e.source}  ${e.mounted === null ? unknown : e.mounted ? 'mounted' : 'NOT mounted'}`);
  const l = r.ovsLink;
  const link = l.target === null ? '  /OVS: no link' : `  /OVS -> ${l.target}${l.expected && l.target !== l.expected ? `  (expected ${l.expected})` : ''}`;
  return ['Repositories:', ...rows, link];
}

function lastRunLine(r: StatusReport): string {
  const l = r.lastRun;
  if (!l) return 'Last run: none journaled';
  return `Last run: ${l.run}  ${l.status}${l.undoneBy ? ` (by ${l.undoneBy})` : ''}  ${l.command}`;
}

export function renderStatus(r: StatusReport): string[] {
  const host = r.host.name ?? 'unknown (no host name)';
  return [
    `Host: ${host}${r.host.nodeNumber !== null ? `, node ${r.host.nodeNumber}` : r.cluster.name ? ', not a node of its cluster' : ''}${r.offline ? '  (offline: the image only)' : ''}`,
    ...clusterLines(r),
    ...o2cbLines(r),
    ...repositoryLines(r),
    `Heartbeat file: ${r.heartbeat.message}${r.heartbeat.size !== null ? `; ${mib(r.heartbeat.size)}` : ''}`,
    `Services: ${r.services.map((s) => `${s.name} ${s.state}`).join(', ')}`,
    lastRunLine(r),
    '',
    `Status: ${r.health}${r.attention.length ? ` (${r.attention.length} to fix)` : ''}`,
    ...renderResults([...r.attention, ...r.warnings]).map((l) => `  ${l}`),
    ...(r.notKnownOffline.length ? [`Not known offline: ${r.notKnownOffline.join(', ')}`] : []),
  ];
}
