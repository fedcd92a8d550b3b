/**
 * The pool members a master talks to: every node of the cluster in cluster.conf except this
 * host, in node-number order. A member is reached over SSH by its NODE NAME, resolved the way
 * the operator's own `ssh NAME` resolves it (/etc/hosts, DNS, ssh_config), and must answer
 * with that same host name: a name that leads to another machine (DNS drift, a wrong
 * /etc/hosts line, a cloned server) is caught instead of configured. The address shown next
 * to it is the one cluster.conf gives the node (the O2CB interconnect).
 */
import type { Cluster } from '../formats/cluster-conf.js';
import { isThisHost } from '../resolve.js';

export interface PoolMember {
  /** The node name in cluster.conf: what ssh connects to, and what the member must call itself. */
  name: string;
  /** cluster.conf's ip_address for the node. */
  address: string;
  number: number;
}

export function poolMembers(cluster: Cluster, thisHost: string): PoolMember[] {
  return [...cluster.nodes]
    .sort((a, b) => a.number - b.number)
    .filter((n) => !isThisHost(n.name, thisHost))
    .map((n) => ({ name: n.name, address: n.ipAddress, number: n.number }));
}

/** Does this host appear among the nodes of the cluster? */
export function isClusterNode(cluster: Cluster, thisHost: string): boolean {
  return cluster.nodes.some((n) => isThisHost(n.name, thisHost));
}
