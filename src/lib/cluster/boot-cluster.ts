/**
 * Which cluster the pool runs: the one rule, used by cluster-configure, cluster-check (its
 * facts and --master --propagate) and the receiving end of propagation (--import).
 *
 * O2CB starts exactly the cluster O2CB_BOOTCLUSTER names (`o2cb register-cluster` of that
 * name at boot), so:
 * - O2CB_BOOTCLUSTER set: the cluster.conf cluster of that name. When cluster.conf has no
 *   such cluster the pool runs NO cluster (o2cb fails to start it), even when the file holds
 *   exactly one other cluster: ovs never guesses that the other one was meant.
 * - O2CB_BOOTCLUSTER empty, or no O2CB settings file at all (nothing names a cluster yet):
 *   the file's only cluster, if it has exactly one; none otherwise.
 * Each caller decides what "none" means for it (a failed check, exit 78, exit 65, or
 * cluster-configure asking for --cluster-name); the wording of why is given here.
 */
import type { Cluster, ClusterConfFile } from '../formats/cluster-conf.js';
import { findCluster } from '../formats/cluster-nodes.js';
import type { O2cbSettingsFile } from './settings-file.js';

export type PoolCluster =
  /** `boot`: named by O2CB_BOOTCLUSTER; `only`: nothing names one, and the file has one. */
  | { cluster: Cluster; by: 'boot' | 'only' }
  | { cluster?: undefined; problem: string };

const listed = (conf: ClusterConfFile): string => conf.clusters.map((c) => `'${c.name}'`).join(', ');

/** BOOT: O2CB_BOOTCLUSTER in force, or undefined when there is no O2CB settings file. */
export function poolCluster(conf: ClusterConfFile, boot: string | undefined): PoolCluster {
  if (boot) {
    const cluster = findCluster(conf, boot);
    if (cluster) return { cluster, by: 'boot' };
    const has = conf.clusters.length === 0 ? 'defines no cluster' : `defines only ${listed(conf)}`;
    return { problem: `O2CB_BOOTCLUSTER is '${boot}' but cluster.conf ${has}: O2CB would start no cluster` };
  }
  const [only, ...others] = conf.clusters;
  if (only && others.length === 0) return { cluster: only, by: 'only' };
  const has = only ? `defines ${conf.clusters.length} clusters (${listed(conf)})` : 'defines no cluster';
  return { problem: `no O2CB_BOOTCLUSTER names a cluster and cluster.conf ${has}` };
}

/** The O2CB_BOOTCLUSTER that poolCluster() takes from a settings file as read. */
export function bootClusterOf(settings: O2cbSettingsFile): string | undefined {
  return settings.text === undefined ? undefined : settings.effective.O2CB_BOOTCLUSTER;
}
