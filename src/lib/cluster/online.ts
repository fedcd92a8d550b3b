/**
 * Bringing a running O2CB cluster in line with a new cluster.conf without taking it down.
 * Nodes the file adds are installed into the live cluster (`o2cb register-cluster`, the
 * ocfs2-tools 1.8 form of `o2cb_ctl -C -i`); what the kernel cannot take back while the
 * cluster runs — a removed node, a node whose number, address or port changed, another
 * cluster still registered — is reported as needing an o2cb restart, never forced.
 */
import type { Context } from '../command.js';
import { EXIT, OvsError, shown } from '../errors.js';
import { failureOf } from '../program-output.js';
import type { Cluster, ClusterNode } from '../formats/cluster-conf.js';
import { o2cbClusterOnline, o2cbRegisteredClusters, o2cbRegisteredNodes, registerClusterNodes, type RegisteredNode } from './o2cb.js';

export interface OnlineSync {
  /** The cluster was online on this host before the change. */
  online: boolean;
  /** Nodes installed into the running cluster. */
  registered: string[];
  restartNeeded: boolean;
  /** Why a restart is needed, one sentence each. */
  reasons: string[];
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function differences(kernel: RegisteredNode, node: ClusterNode): string[] {
  const out: string[] = [];
  if (kernel.number !== undefined && kernel.number !== node.number) out.push(`number ${kernel.number} -> ${node.number}`);
  if (kernel.ipAddress !== undefined && kernel.ipAddress !== node.ipAddress) out.push(`address ${kernel.ipAddress} -> ${node.ipAddress}`);
  if (kernel.ipPort !== undefined && kernel.ipPort !== node.ipPort) out.push(`port ${kernel.ipPort} -> ${node.ipPort}`);
  return out;
}

function restartReasons(cluster: Cluster, kernel: RegisteredNode[], others: string[]): string[] {
  const reasons = others.map((c) => `another O2CB cluster '${shown(c)}' is registered on this host`);
  for (const k of kernel) {
    const node = cluster.nodes.find((n) => same(n.name, k.name));
    if (!node) reasons.push(`node ${k.name} was removed but is still registered in the running cluster`);
    else {
      const diff = differences(k, node);
      if (diff.length) reasons.push(`node ${k.name} changed (${diff.join(', ')}) but the running cluster still has the old values`);
    }
  }
  return reasons;
}

async function register(ctx: Context, cluster: Cluster, configFile: string, missing: string[]): Promise<void> {
  ctx.report.step(`registering ${missing.join(', ')} in the running O2CB cluster '${shown(cluster.name)}'`);
  const r = await registerClusterNodes(ctx, cluster.name, configFile);
  const hint = `run \`o2cb register-cluster ${cluster.name}\` by hand to see why, or restart o2cb when the cluster can go offline`;
  if (r.planned) return;
  if (r.exitCode !== 0) {
    throw failureOf(r, { program: 'o2cb register-cluster', doing: `registering ${missing.join(', ')} in the running cluster`, hint });
  }
  const now = await o2cbRegisteredNodes(ctx, cluster.name);
  const still = missing.filter((m) => !now.some((k) => same(k.name, m)));
  if (still.length) throw new OvsError(EXIT.UNAVAILABLE, `${still.join(', ')} still not registered after o2cb register-cluster`, { while: 'registering nodes in the running cluster', hint });
}

export async function syncRunningCluster(ctx: Context, cluster: Cluster, configFile: string): Promise<OnlineSync> {
  const others = (await o2cbRegisteredClusters(ctx)).filter((c) => c !== cluster.name);
  if (!(await o2cbClusterOnline(ctx, cluster.name))) {
    const reasons = restartReasons(cluster, [], others);
    return { online: false, registered: [], restartNeeded: reasons.length > 0, reasons };
  }
  const kernel = await o2cbRegisteredNodes(ctx, cluster.name);
  const missing = cluster.nodes.filter((n) => !kernel.some((k) => same(k.name, n.name))).map((n) => n.name);
  if (missing.length) await register(ctx, cluster, configFile, missing);
  const reasons = restartReasons(cluster, kernel, others);
  return { online: true, registered: missing, restartNeeded: reasons.length > 0, reasons };
}
