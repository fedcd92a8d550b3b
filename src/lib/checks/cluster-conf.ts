/**
 * /etc/ocfs2/cluster.conf: present and loadable by o2cb, this host one of its nodes (the
 * node name must match the host name), no loopback address (the guide's "127.0.0.1 may show
 * up in cluster.conf"), node_count right, and the other documented rules (ocfs2.cluster.conf(5)).
 * Whether the file is the same on every pool member is --all-nodes' business (propagation).
 */
import { isLoopback } from '../formats/hosts.js';
import { validateCluster, type ClusterNode } from '../formats/cluster-conf.js';
import { isThisHost } from '../resolve.js';
import { fail, pass, skip, type CheckResult } from './check.js';
import { CLUSTER_CONF, where, type Facts } from './facts.js';

const CONFIGURE = 'ovs cluster-configure --node <name>=<address> ... (one --node per pool server)';

export function checkClusterConfValid(f: Facts): CheckResult {
  const id = 'cluster-conf.valid';
  const c = f.clusterConf;
  if (c.missing) return fail(id, `${CLUSTER_CONF} is missing`, CONFIGURE);
  if (c.error) return fail(id, `${CLUSTER_CONF}: ${c.error.message}`, `correct ${where(CLUSTER_CONF, c.error.line)} (o2cb would refuse the file), or regenerate it: ${CONFIGURE}`);
  const clusters = c.value?.clusters ?? [];
  if (!f.cluster) {
    const boot = f.o2cb.value?.O2CB_BOOTCLUSTER;
    const names = clusters.map((k) => `'${k.name}'`).join(', ') || 'none';
    return fail(id, `${CLUSTER_CONF} defines no cluster O2CB would start (clusters: ${names}; O2CB_BOOTCLUSTER=${boot ?? ''})`, `set O2CB_BOOTCLUSTER in ${f.o2cb.path} to one of them, or ${CONFIGURE}`);
  }
  const k = f.cluster;
  return pass(id, `cluster '${k.name}' with ${k.nodes.length} node${k.nodes.length === 1 ? '' : 's'} in ${CLUSTER_CONF}`);
}

const noCluster = (id: string): CheckResult => skip(id, 'skipped: no usable cluster in cluster.conf (see cluster-conf.valid)');

export function checkThisHostIsNode(f: Facts): CheckResult {
  const id = 'cluster-conf.this-host';
  if (!f.cluster) return noCluster(id);
  const name = f.hostname.name;
  if (name === undefined) return skip(id, 'skipped: the host name is unknown (see hostname.fqdn)');
  const node = f.cluster.nodes.find((n) => isThisHost(n.name, name));
  if (!node) {
    const members = f.cluster.nodes.map((n) => n.name).join(', ') || 'none';
    return fail(id, `this host '${name}' is not a node of cluster '${f.cluster.name}' (nodes: ${members})`, `ovs cluster-configure --add-node ${name} (a node's name must be this host's name)`);
  }
  return pass(id, `this host '${name}' is node ${node.number} of cluster '${f.cluster.name}'`);
}

function unusable(n: ClusterNode): boolean {
  return isLoopback(n.ipAddress) || n.ipAddress === '0.0.0.0';
}

export function checkNoLoopback(f: Facts): CheckResult {
  const id = 'cluster-conf.loopback';
  if (!f.cluster) return noCluster(id);
  const bad = f.cluster.nodes.filter(unusable);
  const [first] = bad;
  if (!first) return pass(id, `no node has a loopback address`);
  const others = bad.length > 1 ? ` (and ${bad.slice(1).map((n) => n.name).join(', ')})` : '';
  return fail(
    id,
    `node '${first.name}' has ip_address ${first.ipAddress}${others}: the other servers cannot reach it there`,
    `put the address the pool reaches '${first.name}' on in the node stanza at ${where(CLUSTER_CONF, first.line)} (then the same file on every server), and take the name off the 127.0.0.1 line of /etc/hosts`,
  );
}

export function checkNodeCount(f: Facts): CheckResult {
  const id = 'cluster-conf.node-count';
  if (!f.cluster) return noCluster(id);
  const k = f.cluster;
  if (k.nodeCount !== k.nodes.length) {
    return fail(id, `node_count is ${k.nodeCount} but cluster '${k.name}' has ${k.nodes.length} node stanzas`, `set node_count = ${k.nodes.length} in the cluster stanza at ${where(CLUSTER_CONF, k.line)}`);
  }
  return pass(id, `node_count = ${k.nodeCount} matches the node stanzas`);
}

/** validateCluster's findings that have a check of their own above. */
function coveredElsewhere(message: string): boolean {
  return /loopback address|0\.0\.0\.0|node_count is/.test(message);
}

/** The rest of the documented rules: names, unique numbers and addresses, ports, cluster name. */
export function checkClusterRules(f: Facts): CheckResult {
  const id = 'cluster-conf.rules';
  if (!f.cluster) return noCluster(id);
  const problems = validateCluster(f.cluster).filter((p) => !coveredElsewhere(p.message));
  const [first] = problems;
  if (!first) return pass(id, `node names, numbers, addresses and ports follow ocfs2.cluster.conf(5)`);
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return fail(id, `${first.message}${more}`, `correct ${where(CLUSTER_CONF, first.line)}, or regenerate the file: ${CONFIGURE}`);
}

export function clusterConfChecks(f: Facts): CheckResult[] {
  return [checkClusterConfValid(f), checkThisHostIsNode(f), checkNoLoopback(f), checkNodeCount(f), checkClusterRules(f)];
}
