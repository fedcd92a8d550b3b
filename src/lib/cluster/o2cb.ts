/**
 * The running O2CB cluster, as the kernel shows it in configfs. `/etc/init.d/o2cb` decides
 * "online" the same way (check_register_o2cb): the cluster is registered when
 * /sys/kernel/config/cluster/<name>/node/ holds a node whose `local` file says 1 — this
 * host. mount.ocfs2 needs exactly that, so `ovs makerepo` asks it before an OCFS2 mount.
 * Read through ctx.fs, so the memory host can show any state; under --root there is no live
 * kernel and the cluster is never online.
 */
import type { Context } from '../command.js';
import { exists, readOptional } from '../files.js';

export const CONFIGFS = '/sys/kernel/config';

export interface RegisteredNode {
  name: string;
  number?: number;
  ipAddress?: string;
  ipPort?: number;
  local: boolean;
}

const clusterDir = (name: string) => `${CONFIGFS}/cluster/${name}`;

/** configfs is mounted (the o2cb driver is loaded): without it no cluster can be online. */
export async function configfsPresent(ctx: Context): Promise<boolean> {
  return !ctx.offline && (await exists(ctx.fs, `${CONFIGFS}/cluster`));
}

async function readNumber(ctx: Context, path: string): Promise<number | undefined> {
  const text = (await readOptional(ctx.fs, path))?.trim();
  return text && /^\d+$/.test(text) ? Number(text) : undefined;
}

/** The nodes the kernel knows for the cluster (empty when it is not registered). */
export async function o2cbRegisteredNodes(ctx: Context, clusterName: string): Promise<RegisteredNode[]> {
  if (ctx.offline) return [];
  const dir = `${clusterDir(clusterName)}/node`;
  const names = await ctx.fs.readdir(dir).catch(() => [] as string[]);
  const nodes: RegisteredNode[] = [];
  for (const name of names) {
    const base = `${dir}/${name}`;
    const ip = (await readOptional(ctx.fs, `${base}/ipv4_address`))?.trim();
    const number = await readNumber(ctx, `${base}/num`);
    const ipPort = await readNumber(ctx, `${base}/ipv4_port`);
    const local = (await readOptional(ctx.fs, `${base}/local`))?.trim() === '1';
    nodes.push({ name, local, ...(number !== undefined ? { number } : {}), ...(ip ? { ipAddress: ip } : {}), ...(ipPort !== undefined ? { ipPort } : {}) });
  }
  return nodes;
}

/** The O2CB cluster is online on this host: registered in configfs with this host as its local node. */
export async function o2cbClusterOnline(ctx: Context, clusterName: string): Promise<boolean> {
  return (await o2cbRegisteredNodes(ctx, clusterName)).some((n) => n.local);
}

/** Every cluster registered in configfs (a stale one blocks bringing another online). */
export async function o2cbRegisteredClusters(ctx: Context): Promise<string[]> {
  if (ctx.offline) return [];
  return ctx.fs.readdir(`${CONFIGFS}/cluster`).catch(() => [] as string[]);
}

/**
 * Install the nodes cluster.conf adds into the running cluster. `o2cb register-cluster`
 * on a registered cluster "updates configfs with the current configuration" (o2cb(8)):
 * the ocfs2-tools 1.8 form of `o2cb_ctl -C -i` for every new node, and what the init
 * script itself runs. It only adds: a removed node stays until o2cb restarts.
 */
export async function registerClusterNodes(ctx: Context, clusterName: string, configFile: string) {
  return ctx.changes.run(['o2cb', `--config-file=${await ctx.hostPath(configFile)}`, 'register-cluster', clusterName]);
}
