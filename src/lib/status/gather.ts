/**
 * What `ovs status` shows, gathered from the facts and checks cluster-check already has (no
 * second reader of any file): this host and its cluster, O2CB, the repositories, the
 * heartbeat file, the services, the last run. The failed checks are the list of what needs
 * attention. Under --root only the image's files are read; what only a running machine can
 * say (online, mounted, service states, regions) is null and listed as not known offline.
 */
import { CHECK_GROUPS, type CheckResult } from '../checks/index.js';
import { gatherFacts, type Facts } from '../checks/facts.js';
import { rootOf } from '../checks/repositories.js';
import { CONFIGFS, o2cbRegisteredClusters, o2cbRegisteredNodes, type RegisteredNode } from '../cluster/o2cb.js';
import type { Context } from '../command.js';
import { statOrUndefined } from '../files.js';
import { effectiveO2cbSettings } from '../formats/o2cb-settings.js';
import { repositoryEntries } from '../formats/repositories.js';
import { readJournal } from '../history/journal-read.js';
import { summarize, type RunSummary } from '../history/runs.js';
import { OVS_LINK, heartbeatPathOf, mountPointOf } from '../repos/layout.js';
import { mountOn } from '../repos/mounts.js';
import type { RepoRow } from '../repos/service.js';
import { serviceEnabled, statusInOrder, type ServiceReport } from '../services/index.js';

export interface NodeLine {
  number: number;
  name: string;
  address: string;
  thisHost: boolean;
}

export interface RepositoryLine extends RepoRow {
  mountPoint: string;
  /** null: not known (offline). */
  mounted: boolean | null;
}

export type Health = 'healthy' | 'needs attention' | 'not running';

export interface StatusReport {
  offline: boolean;
  host: { name: string | null; nodeNumber: number | null };
  cluster: { name: string | null; file: string; problem: string | null; nodes: NodeLine[] };
  /**
   * enabledAtBoot: O2CB_ENABLED (the driver loads when the o2cb script runs); serviceAtBoot:
   * the o2cb script itself is started at boot (runlevel links, or systemctl is-enabled).
   */
  o2cb: { file: string; enabledAtBoot: boolean | null; serviceAtBoot: boolean; online: boolean | null; timeouts: Record<string, string>; regions: string[] | null };
  repositories: RepositoryLine[];
  ovsLink: { target: string | null; expected: string | null };
  /** The heartbeat check's finding (present, valid, label, slots) and the file's size in bytes. */
  heartbeat: { status: string; message: string; size: number | null };
  services: ServiceReport[];
  lastRun: RunSummary | null;
  /** The failed checks (cluster-check's FAIL lines, with their fixes). */
  attention: CheckResult[];
  warnings: CheckResult[];
  notKnownOffline: string[];
  health: Health;
}

const TIMEOUTS = ['O2CB_HEARTBEAT_THRESHOLD', 'O2CB_IDLE_TIMEOUT_MS', 'O2CB_KEEPALIVE_DELAY_MS', 'O2CB_RECONNECT_DELAY_MS'] as const;

const short = (name: string) => name.split('.')[0];

async function runAllChecks(ctx: Context, f: Facts): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const group of CHECK_GROUPS) out.push(...[await group(ctx, f, {})].flat());
  return out;
}

function clusterOf(f: Facts, localNumber: number | undefined): StatusReport['cluster'] {
  const host = f.hostname.name;
  const nodes = (f.cluster?.nodes ?? []).map((n) => ({
    number: n.number,
    name: n.name,
    address: `${n.ipAddress}:${n.ipPort}`,
    thisHost: localNumber !== undefined ? n.number === localNumber : host !== undefined && (n.name === host || n.name === short(host)),
  }));
  const problem = f.clusterConf.missing ? `${f.clusterConf.path} is missing` : f.clusterConf.error ? `${f.clusterConf.path}: ${f.clusterConf.error.message}` : f.cluster ? null : 'no cluster to start (several in cluster.conf, none named by O2CB_BOOTCLUSTER)';
  return { name: f.cluster?.name ?? null, file: f.clusterConf.path, problem, nodes };
}

async function regionsOf(ctx: Context, cluster: string): Promise<string[]> {
  const dir = `${CONFIGFS}/cluster/${cluster}/heartbeat`;
  const names = await ctx.fs.readdir(dir).catch(() => [] as string[]);
  const out: string[] = [];
  for (const n of names) if ((await statOrUndefined(ctx.fs, `${dir}/${n}`))?.kind === 'dir') out.push(n);
  return out;
}

async function o2cbOf(ctx: Context, f: Facts, online: boolean | null): Promise<StatusReport['o2cb']> {
  const values = f.o2cb.value ? effectiveO2cbSettings(f.o2cb.value) : undefined;
  const timeouts = Object.fromEntries(TIMEOUTS.flatMap((k) => (values ? [[k, values[k]]] : [])));
  const regions = ctx.offline || !f.cluster ? null : await regionsOf(ctx, f.cluster.name);
  const serviceAtBoot = await serviceEnabled(ctx, 'o2cb');
  return { file: f.o2cb.path, enabledAtBoot: values ? values.O2CB_ENABLED === 'true' : null, serviceAtBoot, online, timeouts, regions };
}

function repositoriesOf(f: Facts): RepositoryLine[] {
  const entries = f.repositories.value ? repositoryEntries(f.repositories.value) : [];
  return entries.map((e) => {
    const mountPoint = mountPointOf(e.uuid);
    const mounted = f.mounts?.value ? mountOn(f.mounts.value, mountPoint) !== undefined : null;
    return { uuid: e.uuid, type: e.type, role: e.role, source: e.source, mountPoint, mounted };
  });
}

/** This host in the running cluster: cluster.conf's cluster, else any cluster configfs has (live only). */
async function localNode(ctx: Context, f: Facts): Promise<RegisteredNode | undefined> {
  const names = f.cluster ? [f.cluster.name] : await o2cbRegisteredClusters(ctx);
  for (const name of ctx.offline ? [] : names) {
    const local = (await o2cbRegisteredNodes(ctx, name)).find((n) => n.local);
    if (local) return local;
  }
  return undefined;
}

async function lastRunOf(ctx: Context): Promise<RunSummary | null> {
  return (await summarize(ctx, await readJournal(ctx), (runs) => runs.slice(-1)))[0] ?? null;
}

export async function gatherStatus(ctx: Context): Promise<StatusReport> {
  const f = await gatherFacts(ctx);
  const local = await localNode(ctx, f);
  const online = ctx.offline ? null : local !== undefined;
  const cluster = clusterOf(f, local?.number);
  const checks = await runAllChecks(ctx, f);
  const attention = checks.filter((c) => c.status === 'FAIL');
  const root = rootOf(f);
  const link = (await statOrUndefined(ctx.fs, OVS_LINK, false))?.kind === 'symlink' ? await ctx.fs.readlink(OVS_LINK) : null;
  const hb = checks.find((c) => c.id === 'heartbeat.file');
  const health: Health = online === false ? 'not running' : attention.length ? 'needs attention' : 'healthy';
  return {
    offline: ctx.offline,
    host: { name: f.hostname.name ?? null, nodeNumber: cluster.nodes.find((n) => n.thisHost)?.number ?? null },
    cluster,
    o2cb: await o2cbOf(ctx, f, online),
    repositories: repositoriesOf(f),
    ovsLink: { target: link, expected: root ? mountPointOf(root.uuid) : null },
    heartbeat: { status: hb?.status ?? 'SKIP', message: hb?.message ?? 'not checked', size: root?.type === 'nfs' ? ((await statOrUndefined(ctx.fs, heartbeatPathOf(root.uuid)))?.size ?? null) : null },
    services: await statusInOrder(ctx, { strict: false }),
    lastRun: await lastRunOf(ctx),
    attention,
    warnings: checks.filter((c) => c.status === 'WARN'),
    notKnownOffline: ctx.offline ? ['whether the O2CB cluster is online', 'heartbeat regions', 'which repositories are mounted', 'service states'] : [],
    health,
  };
}
