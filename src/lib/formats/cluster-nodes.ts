/**
 * Editing the node list of a cluster.conf cluster (pure data in, data out). Node numbers
 * are identities inside a running O2CB cluster, so an existing node keeps its number
 * whatever happens to the others (ovs-cluster-configure(8)), and node_count always equals the
 * number of nodes.
 */
import { FormatError } from './format-error.js';
import { DEFAULT_IP_PORT, type HeartbeatMode, type ClusterNode, type Cluster, type ClusterConfFile } from './cluster-conf.js';
import { shown } from '../errors.js';

export interface NodeSpec {
  name: string;
  ipAddress: string;
  /** Default: the node's current port, else 7777. */
  ipPort?: number;
  /** Default: the node's current number, else the lowest free one. */
  number?: number;
}

export const MAX_NODES = 255;

export function newCluster(name: string, heartbeatMode: HeartbeatMode = 'local'): Cluster {
  return { name, heartbeatMode, nodeCount: 0, nodes: [], heartbeats: [] };
}

/** Each node list's nodes by lower-case name (the first of a name wins, as a search from the start would). */
const indexes = new WeakMap<readonly ClusterNode[], { length: number; byName: Map<string, ClusterNode> }>();

/**
 * Node names are host names, so they are matched without regard to case. Looked up through
 * an index built once per node list: planning 255 nodes against an existing cluster.conf
 * asks this for every node, several times (a search each time was quadratic).
 */
export function findNode(cluster: Cluster, name: string): ClusterNode | undefined {
  let index = indexes.get(cluster.nodes);
  if (index?.length !== cluster.nodes.length) {
    const byName = new Map<string, ClusterNode>();
    for (const n of cluster.nodes) {
      const key = n.name.toLowerCase();
      if (!byName.has(key)) byName.set(key, n);
    }
    indexes.set(cluster.nodes, (index = { length: cluster.nodes.length, byName }));
  }
  return index.byName.get(name.toLowerCase());
}

export function findCluster(file: ClusterConfFile, name: string): Cluster | undefined {
  return file.clusters.find((c) => c.name === name);
}

/** The file with `cluster` replacing the cluster of the same name, or appended. */
export function putCluster(file: ClusterConfFile, cluster: Cluster): ClusterConfFile {
  const found = file.clusters.some((c) => c.name === cluster.name);
  return { clusters: found ? file.clusters.map((c) => (c.name === cluster.name ? cluster : c)) : [...file.clusters, cluster] };
}

function withNodes(cluster: Cluster, nodes: ClusterNode[]): Cluster {
  return { ...cluster, nodes, nodeCount: nodes.length };
}

function updated(node: ClusterNode, spec: NodeSpec): ClusterNode {
  if (spec.number !== undefined && spec.number !== node.number) {
    throw new FormatError(`node "${shown(node.name)}" already has number ${node.number}; a node's number never changes`);
  }
  return { ...node, ipAddress: spec.ipAddress, ipPort: spec.ipPort ?? node.ipPort };
}

/** New numbers: explicit ones are reserved first, so an automatic one never takes them. */
function numbered(specs: NodeSpec[], used: Map<number, string>): ClusterNode[] {
  for (const s of specs) {
    if (s.number === undefined) continue;
    const owner = used.get(s.number);
    if (owner !== undefined) throw new FormatError(`node number ${s.number} is already used by node "${shown(owner)}"`);
    used.set(s.number, s.name);
  }
  let next = 0;
  return specs.map((s) => {
    let number = s.number;
    if (number === undefined) {
      while (used.has(next)) next++;
      if (next >= MAX_NODES) throw new FormatError(`no free node number for "${shown(s.name)}": all of 0–254 are in use`);
      used.set((number = next), s.name);
    }
    return { name: s.name, number, ipAddress: s.ipAddress, ipPort: s.ipPort ?? DEFAULT_IP_PORT };
  });
}

/**
 * Adds nodes (or updates the address/port of nodes already there, by name). New nodes get
 * the number they ask for or the lowest free one; existing nodes keep theirs.
 */
export function addNodes(cluster: Cluster, specs: NodeSpec[]): Cluster {
  const given = new Map<string, NodeSpec>();
  for (const s of specs) {
    if (given.has(s.name.toLowerCase())) throw new FormatError(`node "${shown(s.name)}" is given twice`);
    given.set(s.name.toLowerCase(), s);
  }
  const kept = cluster.nodes.map((n) => {
    const s = given.get(n.name.toLowerCase());
    return s ? updated(n, s) : n;
  });
  const fresh = specs.filter((s) => !findNode(cluster, s.name));
  const used = new Map(kept.map((n) => [n.number, n.name] as const));
  return withNodes(cluster, [...kept, ...numbered(fresh, used)]);
}

/** Removes nodes by name; the others keep their numbers. Names not present are ignored. */
export function removeNodes(cluster: Cluster, names: string[]): Cluster {
  const gone = new Set(names.map((n) => n.toLowerCase()));
  return withNodes(cluster, cluster.nodes.filter((n) => !gone.has(n.name.toLowerCase())));
}

/** Makes the node list exactly `specs`: absent nodes go, present ones keep their numbers. */
export function setNodes(cluster: Cluster, specs: NodeSpec[]): Cluster {
  const wanted = new Set(specs.map((s) => s.name.toLowerCase()));
  const gone = cluster.nodes.filter((n) => !wanted.has(n.name.toLowerCase())).map((n) => n.name);
  return addNodes(removeNodes(cluster, gone), specs);
}
