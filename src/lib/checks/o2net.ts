/**
 * `o2net.reachable:<node>`: can this server open the O2CB interconnect (o2net) connection
 * to every other node of cluster.conf? o2net is a TCP connection to the node's ip_address
 * and ip_port; nodes that heartbeat on the disk but cannot talk over the network evict (and
 * fence) one another. A refused connection is a host that answered, so the path is open; no
 * answer within a short timeout is a firewall dropping the port (or the node is down); an
 * unreachable network is routing. Every node is tried at the same time, each bounded.
 */
import type { Context } from '../command.js';
import type { ConnectOutcome } from '../host.js';
import type { Cluster } from '../formats/cluster-conf.js';
import { isClusterNode, poolMembers } from '../pool/member.js';
import { fail, pass, skip, skipOffline, type CheckResult } from './check.js';
import type { Facts } from './facts.js';

const ID = 'o2net.reachable';
export const CONNECT_TIMEOUT_MS = 3000;

interface Peer {
  name: string;
  address: string;
  port: number;
}

function peersOf(cluster: Cluster, thisHost: string): Peer[] {
  const ports = new Map(cluster.nodes.map((n) => [n.name, n.ipPort]));
  return poolMembers(cluster, thisHost).map((m) => ({ name: m.name, address: m.address, port: ports.get(m.name) as number }));
}

function verdict(p: Peer, outcome: ConnectOutcome): CheckResult {
  const id = `${ID}:${p.name}`;
  const at = `${p.address}:${p.port}`;
  if (outcome === 'open') return pass(id, `${p.name} accepts o2net connections on ${at}`);
  if (outcome === 'refused') return pass(id, `${p.name} answers on ${at} (refused: o2cb not running there, but the network path is open)`);
  if (outcome === 'timeout') {
    return fail(id, `o2net cannot reach ${p.name} at ${at}: no answer within ${CONNECT_TIMEOUT_MS / 1000} s (a firewall dropping TCP port ${p.port}, or the node is down)`, `allow TCP port ${p.port} between the pool servers on both sides (iptables -I INPUT -p tcp --dport ${p.port} -j ACCEPT) and check that ${p.name} is up`);
  }
  return fail(id, `o2net cannot reach ${p.name} at ${at}: network unreachable (no route to ${p.address})`, `check the interconnect link and routing to ${p.address} (ip route get ${p.address}); cluster.conf must give each node an address the others can reach`);
}

export async function o2netChecks(ctx: Context, f: Facts): Promise<CheckResult[]> {
  if (ctx.offline) return [skipOffline(ID, 'the other nodes are reached from the running server')];
  if (!f.cluster || !f.hostname.name || !isClusterNode(f.cluster, f.hostname.name)) return [skip(ID, 'skipped: this host is not a node of a valid cluster.conf (see the cluster-conf checks)')];
  const peers = peersOf(f.cluster, f.hostname.name);
  if (peers.length === 0) return [skip(ID, 'skipped: cluster.conf has no other node')];
  const outcomes = await Promise.all(peers.map((p) => ctx.host.connect(p.address, p.port, CONNECT_TIMEOUT_MS)));
  return peers.map((p, i) => verdict(p, outcomes[i] as ConnectOutcome));
}
