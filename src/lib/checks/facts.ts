/**
 * Everything the checks look at, read once per run: the system files (through ctx.fs, so
 * under --root they are the image's and under --dry-run they include the run's own planned
 * edits), the host name and, on a live machine, /proc/mounts. A file that is missing or does
 * not parse is not an error here: it is a finding, reported by the check that needs it.
 */
import type { Context } from '../command.js';
import { orExpected } from '../errors.js';
import { readOptional } from '../files.js';
import { poolCluster } from '../cluster/boot-cluster.js';
import { locateO2cbSettings } from '../cluster/settings-file.js';
import { parseClusterConf, type Cluster, type ClusterConfFile } from '../formats/cluster-conf.js';
import { tryFormat } from '../formats/format-error.js';
import { parseFstab, type FstabDocument } from '../formats/fstab.js';
import type { HostsFile } from '../formats/hosts.js';
import { effectiveO2cbSettings, parseO2cbSettings } from '../formats/o2cb-settings.js';
import { parseProcMounts, type MountEntry } from '../formats/proc-mounts.js';
import { parseRepositories, type RepositoriesDocument } from '../formats/repositories.js';
import { readHostsFile, thisHostname } from '../resolve.js';
import { CLUSTER_CONF, FSTAB, PROC_MOUNTS, REPOSITORIES_FILE } from '../system-paths.js';


/** A system file: its text and what it parsed to, or why it could not be used. */
export interface Loaded<T> {
  path: string;
  text?: string;
  value?: T;
  /** Absent from the system. */
  missing?: boolean;
  /** Present but unusable: the reason, and its line when there is one (word it with inFile). */
  error?: { message: string; line?: number };
}

export interface Facts {
  offline: boolean;
  /** This host's name, or why it is unknown (under --root: no /etc/hostname in the image). */
  hostname: { name?: string; error?: string };
  hosts: HostsFile;
  clusterConf: Loaded<ClusterConfFile>;
  /** The cluster the checks are about: the one the pool runs (cluster/boot-cluster.ts). */
  cluster?: Cluster;
  /** Why cluster.conf (read fine) has no cluster the pool runs. */
  clusterProblem?: string;
  o2cb: Loaded<Record<string, string>>;
  repositories: Loaded<RepositoriesDocument>;
  fstab: Loaded<FstabDocument>;
  /** Live only (undefined under --root, where the image's mounts mean nothing). */
  mounts?: Loaded<MountEntry[]>;
}

export async function loadFile<T>(ctx: Context, path: string, parse: (text: string) => T): Promise<Loaded<T>> {
  const text = await readOptional(ctx.fs, path);
  if (text === undefined) return { path, missing: true };
  return tryFormat(
    (): Loaded<T> => ({ path, text, value: parse(text) }),
    (e) => ({ path, text, error: e.line === undefined ? { message: e.reason } : { message: e.reason, line: e.line } }),
  );
}

async function hostnameOf(ctx: Context): Promise<Facts['hostname']> {
  return orExpected(async () => ({ name: await thisHostname(ctx) }), (e) => ({ error: e.message }));
}

/** The cluster the pool runs (boot-cluster.ts), or why there is none. */
function selectCluster(conf: ClusterConfFile | undefined, o2cb: Record<string, string> | undefined): Pick<Facts, 'cluster' | 'clusterProblem'> {
  if (!conf) return {};
  const pool = poolCluster(conf, o2cb ? effectiveO2cbSettings(o2cb).O2CB_BOOTCLUSTER : undefined);
  return pool.cluster ? { cluster: pool.cluster } : { clusterProblem: pool.problem };
}

export async function gatherFacts(ctx: Context): Promise<Facts> {
  const [hostname, hosts, clusterConf, o2cb, repositories, fstab] = await Promise.all([
    hostnameOf(ctx),
    readHostsFile(ctx),
    loadFile(ctx, CLUSTER_CONF, parseClusterConf),
    locateO2cbSettings(ctx).then((p) => loadFile(ctx, p, parseO2cbSettings)),
    loadFile(ctx, REPOSITORIES_FILE, parseRepositories),
    loadFile(ctx, FSTAB, parseFstab),
  ]);
  const mounts = ctx.offline ? undefined : await loadFile(ctx, PROC_MOUNTS, parseProcMounts);
  const cluster = selectCluster(clusterConf.value, o2cb.value);
  return { offline: ctx.offline, hostname, hosts, clusterConf, ...cluster, o2cb, repositories, fstab, ...(mounts ? { mounts } : {}) };
}

/** `file line N` for a fix, or just the file. */
export function where(path: string, line?: number): string {
  return line === undefined ? path : `${path} line ${line}`;
}
