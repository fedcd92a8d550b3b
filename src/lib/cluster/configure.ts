/**
 * The O2CB configuration `ovs cluster-configure` wants this host to hold, worked out in
 * memory before anything is written: the node list (stable numbers: an existing node keeps
 * its number whatever is added or removed), each node's address (given, kept from the
 * current cluster.conf, or resolved), the checks of ovs-cluster-configure(8) (this host must be a
 * node: 78; a loopback, duplicate or unresolvable address: 65), and the O2CB settings text,
 * edited in place so the operator's comments and quotes stay as they are.
 */
import type { Context } from '../command.js';
import { EXIT, OvsError, shown } from '../errors.js';
import { parseClusterConf, serializeClusterConf, validateCluster, type Cluster, type ClusterConfFile, type ClusterNode } from '../formats/cluster-conf.js';
import { addNodes, findCluster, findNode, newCluster, putCluster, removeNodes, setNodes, type NodeSpec } from '../formats/cluster-nodes.js';
import { tryFormat } from '../formats/format-error.js';
import { isThisHost, thisHostname } from '../resolve.js';
import { didYouMean } from '../suggest.js';
import { resolveNodeAddresses, type AddressOrigin } from './addresses.js';
import type { NodeArg } from './node-spec.js';
import { bootClusterOf, poolCluster } from './boot-cluster.js';
import { o2cbSettingsText, type TimeoutOptions } from './settings.js';
import { readO2cbSettingsFile } from './settings-file.js';
import { CLUSTER_CONF } from '../system-paths.js';
import { readSystemFile } from '../system-file.js';

export const DEFAULT_CLUSTER_NAME = 'ocfs2';

export interface ConfigureOptions {
  /** --node: the node list is exactly these. */
  nodes: NodeArg[];
  /** --add-node / --remove-node: edit the current node list. */
  add: NodeArg[];
  remove: string[];
  clusterName?: string;
  port?: number;
  timeouts: TimeoutOptions;
}

export interface PlannedNode extends Omit<ClusterNode, 'line'> {
  origin: AddressOrigin;
  added: boolean;
  thisHost: boolean;
}

export interface ConfigurePlan {
  hostname: string;
  cluster: Cluster;
  clusterConfText: string;
  settingsPath: string;
  settingsText: string;
  nodes: PlannedNode[];
  added: string[];
  removed: string[];
  warnings: string[];
}

/** The current cluster.conf (an absent file is an empty one); unreadable is exit 72. */
export async function readClusterConf(ctx: Context): Promise<ClusterConfFile> {
  const conf = await readSystemFile(ctx, CLUSTER_CONF, parseClusterConf, { hint: 'fix that line (o2cb refuses the file as it is), or move the file aside to start afresh' });
  return conf ?? { clusters: [] };
}

/**
 * --cluster-name, else the cluster the pool runs (boot-cluster.ts); a file with no cluster
 * starts the one O2CB_BOOTCLUSTER names, else ocfs2. A file whose clusters O2CB would not
 * start (O2CB_BOOTCLUSTER names another) is not guessed at: 78, say which with --cluster-name.
 */
function chooseClusterName(o: ConfigureOptions, file: ClusterConfFile, boot: string | undefined): string {
  if (o.clusterName) return o.clusterName;
  const pool = poolCluster(file, boot);
  if (pool.cluster) return pool.cluster.name;
  if (file.clusters.length === 0) return boot || DEFAULT_CLUSTER_NAME;
  const names = file.clusters.map((c) => c.name);
  throw new OvsError(EXIT.CONFIG, pool.problem, {
    while: 'choosing the cluster to configure',
    hint: `say which cluster to configure: --cluster-name ${names[0]}${names.length > 1 ? ` (or ${names.slice(1).join(', ')})` : ''} keeps its nodes, ${boot ? `--cluster-name ${boot} starts that one afresh` : 'a new name starts one afresh'}`,
  });
}

/** The node specs to apply, and the names that still need an address. */
function wantedSpecs(o: ConfigureOptions, cluster: Cluster, hostname: string): NodeArg[] {
  if (o.nodes.length > 0) return o.nodes;
  if (o.add.length > 0 || o.remove.length > 0) return o.add;
  // Nothing said: keep the nodes there are; a new cluster starts with this host alone.
  return cluster.nodes.length > 0 ? [] : [{ name: hostname, text: hostname }];
}

async function specsWithAddresses(ctx: Context, wanted: NodeArg[], cluster: Cluster, port: number | undefined) {
  const needs = wanted.filter((n) => n.ipAddress === undefined && !findNode(cluster, n.name)?.ipAddress).map((n) => n.name);
  const { byName, warnings } = await resolveNodeAddresses(ctx, needs);
  const origins = new Map<string, AddressOrigin>();
  const specs: NodeSpec[] = wanted.map((n) => {
    const key = n.name.toLowerCase();
    const current = findNode(cluster, n.name);
    const resolved = byName.get(key);
    const ipAddress = n.ipAddress ?? current?.ipAddress ?? resolved?.ipAddress ?? '';
    origins.set(key, n.ipAddress ? 'given' : current ? 'kept' : (resolved?.origin ?? 'given'));
    return { name: n.name, ipAddress, ...(n.number !== undefined ? { number: n.number } : {}), ...(port !== undefined ? { ipPort: port } : {}) };
  });
  return { specs, origins, warnings };
}

function applyNodes(o: ConfigureOptions, cluster: Cluster, specs: NodeSpec[]): Cluster {
  return tryFormat(
    () => (o.nodes.length > 0 ? setNodes(cluster, specs) : addNodes(removeNodes(cluster, o.remove), specs)),
    (e) => {
      throw new OvsError(EXIT.DATAERR, e.message, { while: 'numbering the nodes', hint: 'leave out :NUMBER for an existing node (its number never changes), or pick a free number' });
    },
  );
}

function withPort(cluster: Cluster, port: number | undefined): Cluster {
  if (port === undefined) return cluster;
  return { ...cluster, nodes: cluster.nodes.map((n) => ({ ...n, ipPort: port })) };
}

function checkCluster(cluster: Cluster, hostname: string, removed: readonly string[]): void {
  const [first, ...rest] = validateCluster(cluster);
  if (first) {
    const more = rest.length ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : '';
    const name = /^node "([^"]+)"/.exec(first.message)?.[1];
    throw new OvsError(EXIT.DATAERR, `${first.message}${more}`, {
      while: `checking cluster '${shown(cluster.name)}'`,
      hint: name ? `give node ${name} its own pool address: --add-node ${name}=IPV4` : 'every node needs its own name, number and IPv4 address',
    });
  }
  if (!cluster.nodes.some((n) => isThisHost(n.name, hostname))) {
    const self = removed.find((r) => isThisHost(r, hostname));
    if (self) {
      throw new OvsError(EXIT.CONFIG, `--remove-node ${self} would remove this host from its own cluster '${shown(cluster.name)}'`, {
        while: 'checking the node list',
        hint: `run \`ovs cluster-configure --remove-node ${self}\` on another node of the pool (then stop o2cb here), or leave ${self} out of --remove-node`,
      });
    }
    throw new OvsError(EXIT.CONFIG, `this host (${hostname}) is not a node of cluster '${shown(cluster.name)}'`, {
      while: 'checking the node list',
      hint: `O2CB only starts on a node of its cluster: add it with --add-node ${hostname}`,
    });
  }
}

export async function planConfiguration(ctx: Context, o: ConfigureOptions): Promise<ConfigurePlan> {
  const hostname = await thisHostname(ctx);
  const file = await readClusterConf(ctx);
  const settings = await readO2cbSettingsFile(ctx);
  const name = chooseClusterName(o, file, bootClusterOf(settings));
  const before = findCluster(file, name) ?? newCluster(name);
  const removed = o.remove.filter((r) => findNode(before, r));
  const names = before.nodes.map((n) => n.name);
  const warnings = o.remove.filter((r) => !findNode(before, r)).map((r) => `--remove-node ${r}: not a node of cluster '${shown(name)}'; nothing to remove${didYouMean(r, names)}`);
  const wanted = wantedSpecs(o, before, hostname);
  const { specs, origins, warnings: dnsWarnings } = await specsWithAddresses(ctx, wanted, before, o.port);
  warnings.push(...dnsWarnings);
  const cluster = withPort(applyNodes(o, before, specs), o.port);
  checkCluster(cluster, hostname, removed);
  const settingsText = o2cbSettingsText(settings, name, o.timeouts);
  const nodes = [...cluster.nodes].sort((a, b) => a.number - b.number).map((n) => ({
    name: n.name,
    number: n.number,
    ipAddress: n.ipAddress,
    ipPort: n.ipPort,
    origin: origins.get(n.name.toLowerCase()) ?? 'kept',
    added: !findNode(before, n.name),
    thisHost: isThisHost(n.name, hostname),
  }));
  if (o.nodes.length > 0) removed.push(...before.nodes.filter((n) => !findNode(cluster, n.name)).map((n) => n.name));
  return {
    hostname,
    cluster,
    clusterConfText: serializeClusterConf(putCluster(file, cluster)),
    settingsPath: settings.path,
    settingsText,
    nodes,
    added: nodes.filter((n) => n.added).map((n) => n.name),
    removed,
    warnings,
  };
}
